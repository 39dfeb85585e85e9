/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "commands.h"
#include "load.h"
#include "log.h"
#include "string-util.h"
#include "unit-name.h"

static int verify_one(const CredentialFile *f) {
        _cleanup_(target_freep) Target *t = NULL;
        _cleanup_(credential_file_freep) CredentialFile *auth = NULL;
        _cleanup_(chap_secrets_freep) ChapSecrets *secrets = NULL;
        _cleanup_free_ char *what = NULL, *chap = NULL;
        int r;

        r = load_target(f, &t);
        if (r < 0) {
                printf("%s: invalid (%s)\n", f->name, f->path);
                return r;
        }

        r = find_auth_credential(t, CREDENTIAL_SEARCH_SYSTEM, NULL, 0, &auth);
        if (r < 0) {
                printf("%s: invalid: its secrets credential is missing\n", f->name);
                return r;
        }
        if (auth) {
                r = load_chap_secrets(auth, &secrets);
                if (r < 0) {
                        printf("%s: invalid: %s (%s) is not valid\n", f->name, auth->name, auth->path);
                        return r;
                }
                if (!auth->encrypted)
                        log_warning("%s: %s holds CHAP secrets in plaintext; encrypt it with \"systemd-creds "
                                    "encrypt --name=%s\" into /etc/credstore.encrypted.", auth->name, auth->path,
                                    auth->name);
        }

        r = target_device(t, &what);
        if (r == -ENOMEM)
                return log_oom();
        /* Which key protects the secrets, from the credential's header (credential_sealing()). */
        r = auth ? credential_sealing(auth->path) : 0;
        if (!auth)
                chap = strdup("no CHAP");
        else if (asprintf(&chap, "%s CHAP (secrets sealed with %s)", chap_secrets_mutual(secrets) ? "mutual" : "one-way",
                          r < 0 ? "unknown" : credential_sealing_to_string(r)) < 0)
                chap = NULL;
        if (!chap)
                return log_oom();

        if (t->discovery)
                printf("%s: ok: SendTargets discovery at %s:%u%s%s, %s, %s%s\n", f->name, t->portal.address,
                       t->portal.port, t->name ? " for " : "", t->name ?: "", chap,
                       t->mount ? "mounts " : "attaches ", what ?: "the LUNs found");
        else
                printf("%s: ok: %s at %s:%u tpgt %u, %s, %s%s\n", f->name, t->name, t->portal.address,
                       t->portal.port, t->tpgt, chap, t->mount ? "mounts " : "attaches ", what ?: "?");
        if (t->mount)
                printf("%s:     on %s\n", f->name, t->mount);
        return 0;
}

int verb_verify(char **aliases) {
        CredentialFile **files = NULL;
        size_t n = 0;
        int r = 0, k;

        if (aliases && aliases[0]) {
                for (char **a = aliases; *a; a++) {
                        _cleanup_(credential_file_freep) CredentialFile *f = NULL;

                        k = find_target_credential(*a, &f);
                        if (k >= 0)
                                k = verify_one(f);
                        if (k < 0 && r == 0)
                                r = k;
                }
                return r;
        }

        k = credential_list(TARGET_CREDENTIAL_PREFIX, CREDENTIAL_SEARCH_SYSTEM, false, &files, &n);
        if (k < 0)
                return log_oom();
        if (n == 0)
                log_notice("No iscsi.target.* credentials found.");
        for (size_t i = 0; i < n; i++) {
                k = verify_one(files[i]);
                if (k < 0 && r == 0)
                        r = k;
        }
        credential_files_free(files, n);
        return r;
}
