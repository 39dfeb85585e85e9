/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "credential.h"
#include "load.h"
#include "log.h"
#include "service-creds.h"
#include "string-util.h"

/* login needs what PID 1 handed the service; logout, which reads no
 * secret, may also be run by hand and then searches like the generator. */
int load_service_target(const char *alias, bool system_fallback, Target **ret) {
        _cleanup_(credential_file_freep) CredentialFile *f = NULL;
        _cleanup_free_ char *name = NULL;
        const char *dir = getenv("CREDENTIALS_DIRECTORY");
        CredentialSearch search = CREDENTIAL_SEARCH_SERVICE;
        int r;

        if (!alias_is_valid(alias))
                return log_error_errno(EINVAL, "Invalid target alias \"%s\": " ALIAS_RULE ".", alias);
        if (isempty(dir) && system_fallback)
                search = CREDENTIAL_SEARCH_SYSTEM;
        else if (isempty(dir))
                return log_error_errno(ENOENT, "$CREDENTIALS_DIRECTORY is not set: this command runs inside "
                                       "iscsi-creds-login@%s.service, which receives the credentials from PID 1.",
                                       alias);
        if (asprintf(&name, TARGET_CREDENTIAL_PREFIX "%s", alias) < 0)
                return log_oom();

        r = credential_find(name, search, &f);
        if (r < 0)
                return log_oom();
        if (r == 0 && search == CREDENTIAL_SEARCH_SYSTEM)
                return log_error_errno(ENOENT, "Credential %s not found.", name);
        if (r == 0)
                return log_error_errno(ENOENT, "%s was not passed to this service (looked in %s); was the unit "
                                       "started without the generator's drop-in?", name, dir);
        return load_target(f, ret);
}

int read_service_secret(const char *name, char **ret, size_t *ret_size) {
        _cleanup_(credential_file_freep) CredentialFile *f = NULL;
        int r;

        r = credential_find(name, CREDENTIAL_SEARCH_SERVICE, &f);
        if (r < 0)
                return log_oom();
        if (r == 0)
                return log_error_errno(ENOENT, "%s was not passed to this service; was the unit started without "
                                       "the generator's drop-in?", name);
        return credential_read(f, ret, ret_size);
}
