/* SPDX-License-Identifier: LGPL-2.1-or-later */

/*
 * LUKS on the LUN, with libcryptsetup (the same library cryptsetup(8) and
 * systemd-cryptsetup use): open the volume with the passphrase PID 1
 * decrypted into the unit, close it after the unmount.
 *
 * The library is loaded here, when a LUKS verb runs (dlopen(3)), as systemd
 * does for it (dlopen_cryptsetup()): the same binary logs in, once per
 * target at boot, and never needs it; linked, it and the nine libraries it
 * needs (libcrypto, libdevmapper, libargon2, libjson-c, ...) added a quarter
 * to the dynamic linking of every login's start (issue 14).
 */

#include <dlfcn.h>
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

/* The SONAME of libcryptsetup 2.x (Debian's libcryptsetup12). */
#define LIBCRYPTSETUP_SONAME "libcryptsetup.so.12"

static typeof(crypt_init) *sym_crypt_init;
static typeof(crypt_init_by_name) *sym_crypt_init_by_name;
static typeof(crypt_load) *sym_crypt_load;
static typeof(crypt_activate_by_passphrase) *sym_crypt_activate_by_passphrase;
static typeof(crypt_status) *sym_crypt_status;
static typeof(crypt_deactivate) *sym_crypt_deactivate;
static typeof(crypt_free) *sym_crypt_free;

/* Loads libcryptsetup and its functions once. Returns 0, or -EOPNOTSUPP
 * (logged) when the library or one of them is missing. */
static int dlopen_cryptsetup(void) {
        static void *dl;
        const struct {
                void **sym;
                const char *name;
        } syms[] = {
                { (void **) &sym_crypt_init, "crypt_init" },
                { (void **) &sym_crypt_init_by_name, "crypt_init_by_name" },
                { (void **) &sym_crypt_load, "crypt_load" },
                { (void **) &sym_crypt_activate_by_passphrase, "crypt_activate_by_passphrase" },
                { (void **) &sym_crypt_status, "crypt_status" },
                { (void **) &sym_crypt_deactivate, "crypt_deactivate" },
                { (void **) &sym_crypt_free, "crypt_free" },
        };

        if (dl)
                return 0;
        dl = dlopen(LIBCRYPTSETUP_SONAME, RTLD_NOW | RTLD_NODELETE);
        if (!dl)
                return log_error_errno(EOPNOTSUPP, "LUKS needs %s (package libcryptsetup12), which cannot be loaded: %s",
                                       LIBCRYPTSETUP_SONAME, dlerror());
        for (size_t i = 0; i < ELEMENTSOF(syms); i++) {
                *syms[i].sym = dlsym(dl, syms[i].name);
                if (!*syms[i].sym) {
                        log_error_errno(EOPNOTSUPP, "%s has no %s(): %s", LIBCRYPTSETUP_SONAME, syms[i].name, dlerror());
                        dlclose(dl);
                        dl = NULL;
                        return -EOPNOTSUPP;
                }
        }
        return 0;
}

static inline void crypt_freep(struct crypt_device **cd) {
        if (*cd)
                sym_crypt_free(*cd);
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

        r = dlopen_cryptsetup();
        if (r < 0)
                return r;
        r = sym_crypt_init(&cd, device);
        if (r < 0)
                return log_error_errno(r, "%s: cannot open %s: %m", t->credential, device);
        r = sym_crypt_load(cd, CRYPT_LUKS, NULL);
        if (r < 0)
                return log_error_errno(r, "%s: %s holds no LUKS header: %m", t->credential, device);

        r = sym_crypt_activate_by_passphrase(cd, mapping, CRYPT_ANY_SLOT, key, size, 0);
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

        r = dlopen_cryptsetup();
        if (r < 0)
                return r;
        if (sym_crypt_status(NULL, mapping) == CRYPT_INACTIVE) {
                log_info("%s: /dev/mapper/%s is not open, nothing to do.", alias, mapping);
                return 0;
        }
        r = sym_crypt_init_by_name(&cd, mapping);
        if (r < 0)
                return log_error_errno(r, "%s: cannot look up /dev/mapper/%s: %m", alias, mapping);
        r = sym_crypt_deactivate(cd, mapping);
        if (r < 0)
                return log_error_errno(r, "%s: cannot close /dev/mapper/%s: %m", alias, mapping);
        log_info("%s: closed /dev/mapper/%s.", alias, mapping);
        return 0;
}
