/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "keyvalue.h"
#include "load.h"
#include "log.h"
#include "secret.h"
#include "string-util.h"

const char *alias_from_credential_name(const char *name) {
        return startswith(name, TARGET_CREDENTIAL_PREFIX);
}

int find_target_credential(const char *alias, CredentialFile **ret) {
        _cleanup_free_ char *name = NULL;
        int r;

        if (!alias_is_valid(alias))
                return log_error_errno(EINVAL, "Invalid alias \"%s\": " ALIAS_RULE ".", alias);
        if (asprintf(&name, TARGET_CREDENTIAL_PREFIX "%s", alias) < 0)
                return log_oom();
        r = credential_find(name, CREDENTIAL_SEARCH_SYSTEM, ret);
        if (r < 0)
                return log_oom();
        if (r == 0)
                return log_error_errno(ENOENT, "Credential %s not found.", name);
        return 0;
}

static int load_keyvalues(const CredentialFile *f, bool secret, KeyValueList *ret) {
        _cleanup_erase_free_ char *data = NULL;
        size_t size;
        int r;

        *ret = (KeyValueList) { .secret = secret };
        r = credential_read(f, &data, &size);
        if (r < 0)
                return r;
        return keyvalue_parse(f->name, data, size, secret, ret);
}

int load_target(const CredentialFile *f, Target **ret) {
        KeyValueList kv;
        const char *alias = alias_from_credential_name(f->name);
        int r, k;

        if (!alias || !alias_is_valid(alias))
                return log_syntax(f->name, 0, LOG_ERR, EINVAL,
                                  "Invalid credential name: expected \"iscsi.target.ALIAS\" where ALIAS is "
                                  ALIAS_RULE ".");

        r = load_keyvalues(f, false, &kv);
        /* Validate what parsed even if some lines did not, to report every problem at once. */
        if (r != -ENOMEM && (r == 0 || r == -EINVAL || r == -E2BIG)) {
                k = target_from_keyvalues(alias, &kv, ret);
                if (r == 0)
                        r = k;
                else if (k == 0) {
                        target_free(*ret);
                        *ret = NULL;
                }
        }
        keyvalue_list_done(&kv);
        return r;
}

int load_chap_secrets(const CredentialFile *f, ChapSecrets **ret) {
        KeyValueList kv;
        int r, k;

        r = load_keyvalues(f, true, &kv);
        if (r != -ENOMEM && (r == 0 || r == -EINVAL || r == -E2BIG)) {
                k = chap_secrets_from_keyvalues(f->name, &kv, ret);
                if (r == 0)
                        r = k;
                else if (k == 0) {
                        chap_secrets_free(*ret);
                        *ret = NULL;
                }
        }
        keyvalue_list_done(&kv);
        return r;
}

/* 1 found, 0 not found, <0 error. */
static int lookup(const char *name, CredentialSearch search, CredentialFile *const *known, size_t n_known,
                  CredentialFile **ret) {
        CredentialFile *f;

        if (!known)
                return credential_find(name, search, ret);
        f = credential_list_lookup(known, n_known, name);
        if (!f)
                return 0;
        *ret = credential_file_dup(f);
        return *ret ? 1 : -ENOMEM;
}

int find_auth_credential(const Target *t, CredentialSearch search, CredentialFile *const *known, size_t n_known,
                         CredentialFile **ret) {
        _cleanup_free_ char *name = NULL;
        const char *fallback;
        int r;

        *ret = NULL;
        r = target_auth_credential(t, &name, &fallback);
        if (r < 0)
                return r;

        r = lookup(name, search, known, n_known, ret);
        if (r != 0)
                return r < 0 ? r : 0;
        if (!fallback)
                return log_syntax(t->credential, 0, LOG_ERR, ENOENT,
                                  "\"auth = %s\" names the credential \"%s\", which was not found.", t->auth, name);

        r = lookup(fallback, search, known, n_known, ret);
        return r < 0 ? r : 0;
}
