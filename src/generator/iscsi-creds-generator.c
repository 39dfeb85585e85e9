/* SPDX-License-Identifier: LGPL-2.1-or-later */

/*
 * iscsi-creds-generator: turns "iscsi.target.ALIAS" credentials into units
 * (systemd.generator(7)). For each valid target it writes into the normal
 * output directory:
 *   - iscsi-creds-login@ALIAS.service.d/50-credentials.conf, naming the
 *     credential files PID 1 hands the login service (LoadCredential= or
 *     LoadCredentialEncrypted=, so this works from systemd 252 on);
 *   - iscsi-creds.target.wants/iscsi-creds-login@ALIAS.service;
 *   - with "mount =": the .mount unit, its remote-fs.target link and a
 *     timeout drop-in for the device (by default 90 s, as systemd's own);
 *   - with "luks = yes": a drop-in for iscsi-creds-unlock@ALIAS.service
 *     (passphrase credential, bound to the LUN's device), which the mount
 *     then requires instead of the login unit.
 * It never reads a CHAP secret, never calls iscsiadm, and writes nothing
 * outside its output directory. A bad target is logged and skipped; the
 * others are still generated; the exit status reports the first failure.
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "credential.h"
#include "load.h"
#include "log.h"
#include "string-util.h"
#include "target.h"
#include "unit-name.h"
#include "unit-writer.h"

typedef struct Entry {
        CredentialFile *file;
        Target *target;
} Entry;

static int write_credential_line(FILE *f, const CredentialFile *c) {
        _cleanup_free_ char *path = NULL;
        int r;

        r = unit_value_escape(c->path, &path);
        if (r < 0)
                return r;
        fprintf(f, "%s=%s:%s\n", c->encrypted ? "LoadCredentialEncrypted" : "LoadCredential", c->name, path);
        return 0;
}

/* Finish the credentials drop-in @u of instance @unit of @template_path: a
 * LoadCredential(Encrypted)= line per credential (NULL entries skipped),
 * then the link from iscsi-creds.target. */
static int finish_instance(const char *dest, const Target *t, UnitFile *u, const char *unit,
                           const char *template_path, const CredentialFile *const *creds, size_t n) {
        int r = 0;

        for (size_t i = 0; i < n && r >= 0; i++)
                if (creds[i])
                        r = write_credential_line(u->f, creds[i]);
        if (r < 0) {
                unit_file_discard(u);
                return log_error_errno(r, "%s: cannot use a credential path in a unit file.", t->credential);
        }
        r = unit_file_close(u);
        if (r < 0)
                return log_error_errno(r, "%s: failed to write drop-in for %s: %m", t->credential, unit);

        r = unit_add_dependency_link(dest, "iscsi-creds.target", "wants", unit, template_path);
        if (r < 0)
                return log_error_errno(r, "%s: failed to hook %s into iscsi-creds.target: %m", t->credential, unit);
        return 0;
}

static int write_login_dropin(const char *dest, const Target *t, const CredentialFile *target_file,
                              const CredentialFile *auth_file, const CredentialFile *initiator_file) {
        _cleanup_free_ char *unit = NULL, *source = NULL;
        UnitFile *u;
        int r;

        unit = target_login_unit(t);
        if (!unit)
                return log_oom();
        r = unit_value_escape(target_file->path, &source);
        if (r < 0)
                return log_error_errno(r, "%s: cannot use path %s in a unit file.", t->credential, target_file->path);

        r = unit_dropin_create(dest, unit, "50-credentials.conf", &u);
        if (r < 0)
                return log_error_errno(r, "%s: failed to create drop-in for %s: %m", t->credential, unit);

        /* No SourcePath= here: in a drop-in it would make "systemctl status" show the credential as
         * the unit's file. A comment names the source instead. */
        fprintf(u->f, "# Source: %s\n\n", source);
        /* The paths are claimed by multipathd, which assembles the device the mount names. */
        if (t->multipath)
                fprintf(u->f, "[Unit]\nWants=multipathd.service\nAfter=multipathd.service\n\n");
        fprintf(u->f, "[Service]\n");
        /* The host-wide initiator name, unless the target names its own. */
        return finish_instance(dest, t, u, unit, ISCSI_CREDS_UNIT_DIR "/iscsi-creds-login@.service",
                               (const CredentialFile *const[]) { target_file, auth_file,
                                                                 t->initiator ? NULL : initiator_file },
                               3);
}

/* LUKS on the LUN: the unlock instance gets the target definition and the
 * passphrase credential, and is bound to the LUN's device like
 * systemd-cryptsetup@.service for a _netdev volume (systemd-cryptsetup-generator). */
static int write_unlock_dropin(const char *dest, const Target *t, const CredentialFile *target_file,
                               const CredentialFile *luks_file) {
        _cleanup_free_ char *unit = NULL, *source = NULL, *what = NULL, *device = NULL;
        UnitFile *u;
        int r;

        unit = target_unlock_unit(t);
        if (!unit)
                return log_oom();
        r = target_device(t, &what);
        if (r < 0)
                return log_error_errno(r, "%s: no by-path name for LUN %llu: %m", t->credential,
                                       (unsigned long long) t->lun);
        r = unit_name_from_path(what, ".device", &device);
        if (r < 0)
                return log_error_errno(r, "%s: no device unit name for %s: %m", t->credential, what);
        r = unit_value_escape(target_file->path, &source);
        if (r < 0)
                return log_error_errno(r, "%s: cannot use path %s in a unit file.", t->credential, target_file->path);

        r = unit_dropin_create(dest, unit, "50-credentials.conf", &u);
        if (r < 0)
                return log_error_errno(r, "%s: failed to create drop-in for %s: %m", t->credential, unit);
        fprintf(u->f, "# Source: %s\n\n[Unit]\nBindsTo=%s\nAfter=%s\n\n[Service]\n", source, device, device);
        return finish_instance(dest, t, u, unit, ISCSI_CREDS_UNIT_DIR "/iscsi-creds-unlock@.service",
                               (const CredentialFile *const[]) { target_file, luks_file }, 2);
}

static int write_device_timeout(const char *dest, const Target *t, const char *what) {
        _cleanup_free_ char *device = NULL;
        char span[TIMESPAN_STRING_MAX];
        UnitFile *u;
        int r;

        r = unit_name_from_path(what, ".device", &device);
        if (r == -ENAMETOOLONG) {
                /* PID 1 hashes over-long device unit names; there is no stable name to
                 * extend, so systemd's default device timeout applies. */
                log_warning("%s: device unit name for %s is too long for a drop-in; the default device "
                            "timeout applies.", t->credential, what);
                return 0;
        }
        if (r < 0)
                return log_error_errno(r, "%s: no device unit name for %s: %m", t->credential, what);

        r = unit_dropin_create(dest, device, "50-device-timeout.conf", &u);
        if (r < 0)
                return log_error_errno(r, "%s: failed to create device timeout drop-in: %m", t->credential);
        fprintf(u->f, "[Unit]\nJobRunningTimeoutSec=%s\n",
                timespan_format(t->device_timeout > 0 ? t->device_timeout : DEVICE_TIMEOUT_DEFAULT, span));
        r = unit_file_close(u);
        if (r < 0)
                return log_error_errno(r, "%s: failed to write device timeout drop-in: %m", t->credential);
        return 0;
}

static int write_mount(const char *dest, const Target *t, const CredentialFile *target_file) {
        _cleanup_free_ char *unit = NULL, *what = NULL, *where = NULL, *options = NULL, *source = NULL,
                            *login = NULL, *link = NULL, *mapped = NULL;
        UnitFile *u;
        int r;

        r = unit_name_from_path(t->mount, ".mount", &unit);
        if (r < 0)
                return log_error_errno(r, "%s: no unit name for mount point %s: %m", t->credential, t->mount);
        r = target_device(t, &what);
        if (r < 0)
                return log_error_errno(r, "%s: no device name for LUN %llu: %m", t->credential,
                                       (unsigned long long) t->lun);
        /* With LUKS the mount waits for the unlock unit and mounts the mapping; the
         * device timeout still applies to the LUN's own device. */
        login = t->luks ? target_unlock_unit(t) : target_login_unit(t);
        if (!login || asprintf(&options, "_netdev%s%s", t->options ? "," : "", t->options ?: "") < 0)
                return log_oom();
        if (t->luks) {
                _cleanup_free_ char *mapping = target_luks_mapping(t);

                if (!mapping || asprintf(&mapped, "/dev/mapper/%s", mapping) < 0)
                        return log_oom();
        }
        if (unit_value_escape(t->mount, &where) < 0 || unit_value_escape(target_file->path, &source) < 0)
                return log_error_errno(EINVAL, "%s: a path cannot be written to a unit file.", t->credential);
        {
                char *escaped;

                r = unit_value_escape(options, &escaped);
                if (r < 0)
                        return log_error_errno(r, "%s: options cannot be written to a unit file.", t->credential);
                free(options);
                options = escaped;
        }

        r = unit_file_create(dest, unit, &u);
        if (r < 0)
                return log_error_errno(r, "%s: failed to create %s: %m", t->credential, unit);

        fprintf(u->f,
                "[Unit]\n"
                "Description=iSCSI LUN %llu of %s (%s)\n"
                "Documentation=man:iscsi-creds-generator(8)\n"
                "SourcePath=%s\n"
                "Requires=%s\n"
                "After=%s\n"
                "\n"
                "[Mount]\n"
                "What=%s\n"
                "Where=%s\n",
                (unsigned long long) t->lun, t->name ?: "a discovered target", t->alias, source, login, login,
                mapped ?: what, where);
        if (t->fstype)
                fprintf(u->f, "Type=%s\n", t->fstype);
        fprintf(u->f, "Options=%s\n", options);

        r = unit_file_close(u);
        if (r == -EEXIST)
                return log_error_errno(r, "%s: %s already exists; is the mount point %s used twice?",
                                       t->credential, unit, t->mount);
        if (r < 0)
                return log_error_errno(r, "%s: failed to write %s: %m", t->credential, unit);

        if (asprintf(&link, "../%s", unit) < 0)
                return log_oom();
        r = unit_add_dependency_link(dest, "remote-fs.target", t->nofail ? "wants" : "requires", unit, link);
        if (r < 0)
                return log_error_errno(r, "%s: failed to hook %s into remote-fs.target: %m", t->credential, unit);

        /* Always written, with systemd's default (DefaultTimeoutStartSec=, 90 s) unless
         * "device-timeout =" says otherwise: one place to see and tune the wait. */
        return write_device_timeout(dest, t, what);
}

static int generate_one(const char *dest, const Entry *e, CredentialFile *const *auth_files, size_t n_auth,
                        const CredentialFile *initiator_file) {
        _cleanup_(credential_file_freep) CredentialFile *auth = NULL, *luks = NULL;
        int r;

        r = find_auth_credential(e->target, CREDENTIAL_SEARCH_SYSTEM, auth_files, n_auth, &auth);
        if (r < 0)
                return r;
        if (!auth)
                log_warning("%s: no CHAP secrets found (neither iscsi.auth.%s nor iscsi.auth); the login will "
                            "not authenticate.", e->target->credential, e->target->alias);

        if (e->target->luks) {
                _cleanup_free_ char *name = NULL;

                if (asprintf(&name, LUKS_CREDENTIAL_PREFIX "%s", e->target->alias) < 0)
                        return log_oom();
                r = credential_find(name, CREDENTIAL_SEARCH_SYSTEM, &luks);
                if (r < 0)
                        return log_oom();
                if (r == 0)
                        return log_syntax(e->target->credential, 0, LOG_ERR, ENOENT,
                                          "\"luks = yes\" needs the passphrase credential %s, which was not found.",
                                          name);
        }

        /* The mount unit first: it is the one file that can collide. */
        if (e->target->mount) {
                r = write_mount(dest, e->target, e->file);
                if (r < 0)
                        return r;
        }
        r = write_login_dropin(dest, e->target, e->file, auth, initiator_file);
        if (r < 0 || !luks)
                return r;
        return write_unlock_dropin(dest, e->target, e->file, luks);
}

/* The optional host-wide "iscsi.initiatorname": not secret, validated here
 * so that a bad one fails the targets that use it at generation time.
 * Returns 0 (file set or NULL) or <0 if present but invalid. */
static int load_initiator(CredentialFile **ret) {
        _cleanup_(credential_file_freep) CredentialFile *f = NULL;
        _cleanup_free_ char *data = NULL, *name = NULL;
        size_t size;
        int r;

        *ret = NULL;
        r = credential_find(INITIATOR_CREDENTIAL, CREDENTIAL_SEARCH_SYSTEM, &f);
        if (r <= 0)
                return r;
        r = credential_read(f, &data, &size);
        if (r < 0)
                return r;
        r = initiator_name_parse(f->name, data, size, &name);
        if (r < 0)
                return r;
        log_debug("Using initiator name %s from %s.", name, f->path);
        *ret = TAKE_PTR(f);
        return 0;
}

/* Two targets on one mount point: the first in name order keeps it. */
static int check_mount_conflicts(Entry *entries, size_t n) {
        int r = 0;

        for (size_t i = 0; i < n; i++) {
                if (!entries[i].target || !entries[i].target->mount)
                        continue;
                for (size_t j = 0; j < i; j++)
                        if (entries[j].target && entries[j].target->mount &&
                            streq(entries[j].target->mount, entries[i].target->mount)) {
                                r = log_syntax(entries[i].target->credential, 0, LOG_ERR, EEXIST,
                                               "Mount point %s is already used by %s, skipping this target.",
                                               entries[i].target->mount, entries[j].target->credential);
                                target_free(entries[i].target);
                                entries[i].target = NULL;
                                break;
                        }
        }
        return r;
}

static int run(const char *dest) {
        _cleanup_(credential_file_freep) CredentialFile *initiator_file = NULL;
        CredentialFile **files = NULL, **auth_files = NULL;
        int initiator_r;
        Entry *entries = NULL;
        size_t n = 0, n_auth = 0;
        int r = 0, k;

        /* Target definitions are classified when read (one read each). */
        k = credential_list(TARGET_CREDENTIAL_PREFIX, CREDENTIAL_SEARCH_SYSTEM, false, &files, &n);
        if (k < 0)
                return log_oom();
        if (n == 0) {
                log_debug("No iscsi.target.* credentials found, nothing to do.");
                free(files);
                return 0;
        }

        entries = calloc(n, sizeof(Entry));
        if (!entries) {
                credential_files_free(files, n);
                return log_oom();
        }

        for (size_t i = 0; i < n; i++) {
                entries[i].file = files[i];
                k = load_target(files[i], &entries[i].target);
                if (k < 0) {
                        entries[i].target = NULL;
                        log_error("%s: skipping this target.", files[i]->name);
                        if (r == 0)
                                r = k;
                }
        }

        /* Every "iscsi.auth" and "iscsi.auth.*" at once: one listing instead of a search per target.
         * Only a few bytes of each are looked at, to tell ciphertext from plaintext. */
        k = credential_list(AUTH_CREDENTIAL_DEFAULT, CREDENTIAL_SEARCH_SYSTEM, true, &auth_files, &n_auth);
        if (k < 0) {
                free(entries);
                credential_files_free(files, n);
                return log_oom();
        }

        initiator_r = load_initiator(&initiator_file);

        k = check_mount_conflicts(entries, n);
        if (k < 0 && r == 0)
                r = k;

        for (size_t i = 0; i < n; i++) {
                if (!entries[i].target)
                        continue;
                if (!entries[i].target->initiator && initiator_r < 0) {
                        log_error("%s: skipping this target: it uses %s, which is invalid.", files[i]->name,
                                  INITIATOR_CREDENTIAL);
                        if (r == 0)
                                r = initiator_r;
                        target_free(entries[i].target);
                        continue;
                }
                k = generate_one(dest, &entries[i], auth_files, n_auth, initiator_file);
                if (k < 0) {
                        log_error("%s: skipping this target.", files[i]->name);
                        if (r == 0)
                                r = k;
                }
                target_free(entries[i].target);
        }

        free(entries);
        credential_files_free(files, n);
        credential_files_free(auth_files, n_auth);
        return r;
}

int main(int argc, char *argv[]) {
        const char *e;

        log_setup("iscsi-creds-generator", LOG_TARGET_AUTO);

        /* systemd.generator(7): three directories (normal, early, late); one is accepted for tests. */
        if (argc != 2 && argc != 4) {
                log_error("This program takes one or three arguments (generator output directories).");
                return EXIT_FAILURE;
        }

        /* The units describe the host's boot; in the initrd there is nothing to do. */
        e = getenv("SYSTEMD_IN_INITRD");
        if (e && streq(e, "1")) {
                log_debug("Running in the initrd, nothing to do.");
                return EXIT_SUCCESS;
        }

        return run(argv[1]) < 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}
