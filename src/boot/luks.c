/* SPDX-License-Identifier: LGPL-2.1-or-later */

/*
 * LUKS on the LUN, with libcryptsetup (the same library cryptsetup(8) and
 * systemd-cryptsetup use): open the volume with the passphrase PID 1
 * decrypted into the unit, close it after the unmount.
 */

#include <errno.h>
#include <libcryptsetup.h>
#include <stdio.h>
#include <stdlib.h>

#include "boot.h"
#include "log.h"
#include "secret.h"
#include "service-creds.h"
#include "string-util.h"
#include "unit-name.h"

static inline void crypt_freep(struct crypt_device **cd) {
        if (*cd)
                crypt_free(*cd);
}

int verb_unlock(const char *alias) {
        _cleanup_(crypt_freep) struct crypt_device *cd = NULL;
        _cleanup_(target_freep) Target *t = NULL;
        _cleanup_free_ char *device = NULL, *mapping = NULL, *name = NULL;
        _cleanup_erase_free_ char *key = NULL;
        size_t size;
        int r;

        r = load_service_target(alias, false, &t);
        if (r < 0)
                return r;
        if (!t->luks)
                return log_error_errno(EINVAL, "%s: \"luks = yes\" is not set; nothing to unlock.", t->credential);

        if (asprintf(&name, LUKS_CREDENTIAL_PREFIX "%s", alias) < 0 || !(mapping = target_luks_mapping(t)))
                return log_oom();
        r = target_device(t, &device);
        if (r < 0)
                return log_oom();

        r = read_service_secret(name, &key, &size);
        if (r < 0)
                return r;
        /* One trailing newline is not part of the passphrase ("echo pass | systemd-creds encrypt ..."). */
        if (size > 0 && key[size - 1] == '\n')
                key[--size] = '\0';
        if (size == 0)
                return log_error_errno(EINVAL, "%s is empty.", name);

        r = crypt_init(&cd, device);
        if (r < 0)
                return log_error_errno(r, "%s: cannot open %s: %m", t->credential, device);
        r = crypt_load(cd, CRYPT_LUKS, NULL);
        if (r < 0)
                return log_error_errno(r, "%s: %s holds no LUKS header: %m", t->credential, device);

        r = crypt_activate_by_passphrase(cd, mapping, CRYPT_ANY_SLOT, key, size, 0);
        if (r == -EPERM)
                return log_internal(LOG_ERR, EACCES, MESSAGE_ID_AUTH_FAILED,
                                    "%s: the passphrase in %s does not open the LUKS volume on %s.", t->credential,
                                    name, device);
        if (r == -EEXIST) {
                log_info("%s: /dev/mapper/%s is already open.", t->credential, mapping);
                return 0;
        }
        if (r < 0)
                return log_error_errno(r, "%s: cannot open the LUKS volume on %s: %m", t->credential, device);

        log_info("%s: opened the LUKS volume on %s as /dev/mapper/%s.", t->credential, device, mapping);
        return 0;
}

int verb_lock(const char *alias) {
        _cleanup_(crypt_freep) struct crypt_device *cd = NULL;
        _cleanup_free_ char *mapping = NULL;
        int r;

        if (!alias_is_valid(alias))
                return log_error_errno(EINVAL, "Invalid target alias \"%s\": " ALIAS_RULE ".", alias);
        mapping = luks_mapping_name(alias);
        if (!mapping)
                return log_oom();

        if (crypt_status(NULL, mapping) == CRYPT_INACTIVE) {
                log_info("%s: /dev/mapper/%s is not open, nothing to do.", alias, mapping);
                return 0;
        }
        r = crypt_init_by_name(&cd, mapping);
        if (r < 0)
                return log_error_errno(r, "%s: cannot look up /dev/mapper/%s: %m", alias, mapping);
        r = crypt_deactivate(cd, mapping);
        if (r < 0)
                return log_error_errno(r, "%s: cannot close /dev/mapper/%s: %m", alias, mapping);
        log_info("%s: closed /dev/mapper/%s.", alias, mapping);
        return 0;
}
