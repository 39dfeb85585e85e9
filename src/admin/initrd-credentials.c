/* SPDX-License-Identifier: LGPL-2.1-or-later */

/*
 * "iscsi-creds initrd-credentials": which credential files an initrd needs
 * to mount the root file system from a LUN ("root = yes"), and whether it
 * can use them there. Called by the dracut module (dracut/90iscsi-creds/module-setup.sh),
 * which copies each into the image; the checks are here so that the rules
 * of the credential format live in one place.
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "commands.h"
#include "initiator-name.h"
#include "load.h"
#include "log.h"
#include "string-util.h"

/* The initrd's own store of credential @f ("systemd.exec(5)" search path): plaintext
 * in /etc/credstore, ciphertext in /etc/credstore.encrypted, whatever the source was
 * (a system credential's /run/credentials/@system would be hidden by the initrd's /run). */
static int print_pair(const CredentialFile *f) {
        if (printf("%s\t/etc/credstore%s/%s\n", f->path, f->encrypted ? ".encrypted" : "", f->name) < 0)
                return -EIO;
        return 0;
}

/* The secrets must be ciphertext the initrd can decrypt: the host key
 * (/var/lib/systemd/credential.secret) is on the root file system. */
static int check_auth(const Target *t, const CredentialFile *auth) {
        int s;

        if (!auth->encrypted)
                return log_error_errno(EINVAL, "%s: %s holds the CHAP secrets in plaintext; they would be copied "
                                       "into the initrd image. Seal them: iscsi-creds add %s ... --root "
                                       "--with-key=tpm2.", t->credential, auth->path, t->alias);
        s = credential_sealing(auth->path);
        if (s < 0)
                return log_error_errno(s, "%s: cannot read %s: %m", t->credential, auth->path);
        switch (s) {
        case CREDENTIAL_SEALING_TPM2:
        case CREDENTIAL_SEALING_TPM2_WITH_PUBLIC_KEY:
                return 0;
        case CREDENTIAL_SEALING_NULL:
                log_warning("%s: %s is sealed with no key (--with-key=auto-initrd on a machine without a "
                            "TPM2): it is not plaintext in the image, but anyone who can read the initrd can "
                            "decrypt it.", t->credential, auth->path);
                return 0;
        default:
                return log_error_errno(EINVAL, "%s: %s is sealed with %s: the host key is on the root file system, "
                                       "so the initrd cannot decrypt it. Seal it to the TPM2: iscsi-creds add "
                                       "%s ... --root --with-key=tpm2 --force.", t->credential, auth->path,
                                       credential_sealing_to_string(s), t->alias);
        }
}

/* The one root target among @files: 0 and *ret set; -ENOENT none; -EEXIST several (as the
 * generator's conflict check, which refuses them all). */
static int find_root_target(CredentialFile *const *files, size_t n, Target **ret, const CredentialFile **ret_file) {
        Target *found = NULL;
        const CredentialFile *found_file = NULL;

        for (size_t i = 0; i < n; i++) {
                Target *t;

                /* Invalid targets are logged by load_target() and cannot be the root. */
                if (load_target(files[i], &t) < 0)
                        continue;
                if (!t->root) {
                        target_free(t);
                        continue;
                }
                if (found) {
                        log_error("%s and %s both say \"root = yes\".", found->credential, t->credential);
                        target_free(found);
                        target_free(t);
                        return -EEXIST;
                }
                found = t;
                found_file = files[i];
        }
        if (!found)
                return log_error_errno(ENOENT, "No valid iscsi.target.* credential says \"root = yes\".");
        *ret = found;
        *ret_file = found_file;
        return 0;
}

int verb_initrd_credentials(int argc, char *argv[]) {
        _cleanup_(credential_file_freep) CredentialFile *auth = NULL, *initiator = NULL;
        _cleanup_(target_freep) Target *t = NULL;
        const CredentialFile *target_file = NULL;
        CredentialFile **files = NULL;
        size_t n = 0;
        int r;

        if (argc > 1) {
                if (streq(argv[1], "-h") || streq(argv[1], "--help")) {
                        printf("Usage: iscsi-creds initrd-credentials\n\n"
                               "Print the credential files an initrd needs for the root file system on a LUN\n"
                               "(\"root = yes\"): one line each, the file and its path in the initrd, tab-separated.\n"
                               "Fails when its CHAP secrets could not be decrypted in the initrd.\n");
                        return 0;
                }
                fprintf(stderr, "initrd-credentials takes no arguments.\n");
                return usage_error("initrd-credentials");
        }
        r = credential_list(TARGET_CREDENTIAL_PREFIX, CREDENTIAL_SEARCH_SYSTEM, false, &files, &n);
        if (r < 0)
                return log_oom();
        r = find_root_target(files, n, &t, &target_file);
        if (r >= 0)
                r = find_auth_credential(t, CREDENTIAL_SEARCH_SYSTEM, NULL, 0, &auth);
        if (r >= 0 && auth)
                r = check_auth(t, auth);
        if (r >= 0 && !t->initiator)
                r = credential_find(INITIATOR_CREDENTIAL, CREDENTIAL_SEARCH_SYSTEM, &initiator) < 0 ? log_oom() : 0;
        if (r >= 0 && !auth)
                log_warning("%s: no CHAP secrets: the initrd will log in without CHAP.", t->credential);
        if (r >= 0)
                r = print_pair(target_file);
        if (r >= 0 && auth)
                r = print_pair(auth);
        if (r >= 0 && initiator)
                r = print_pair(initiator);
        credential_files_free(files, n);
        return r;
}
