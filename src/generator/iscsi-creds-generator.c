/* SPDX-License-Identifier: LGPL-2.1-or-later */

/*
 * iscsi-creds-generator: turns "iscsi.target.ALIAS" credentials into units
 * (systemd.generator(7)). For each valid target it writes into the normal
 * output directory:
 *   - iscsi-creds-login@ALIAS.service.d/50-credentials.conf, naming the
 *     credential files PID 1 hands the login service (LoadCredential= or
 *     LoadCredentialEncrypted=, so this works from systemd 252 on);
 *   - iscsi-creds.target.wants/iscsi-creds-login@ALIAS.service;
 *   - iscsi-creds-paths@ALIAS.service.d/50-credentials.conf, a link to the
 *     login's drop-in: the same credentials for the unit the retry service
 *     starts for portals that come up later;
 *   - with "mount =": the .mount unit, its remote-fs.target link (Requires=,
 *     Wants= with "nofail", none with "noauto"; with x-systemd.automount an
 *     .automount unit is linked instead, as systemd-fstab-generator does)
 *     and a timeout drop-in for the device (by default 90 s, as systemd's);
 *   - with "luks = yes": a drop-in for iscsi-creds-unlock@ALIAS.service
 *     (passphrase credential, bound to the LUN's device), which the mount
 *     then requires instead of the login unit.
 * Every value goes through one escaping helper (unit_file_set()). A
 * target's files are composed in memory and written all or none
 * (unit_set_commit()); targets that claim one mount point, device or LUN
 * path are all refused. It never reads a CHAP secret, never calls iscsiadm,
 * and writes nothing outside its output directory. A bad target is logged
 * and skipped; the others are still generated; the exit status reports the
 * first failure.
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compose.h"
#include "config.h"
#include "conflicts.h"
#include "credential.h"
#include "initrd.h"
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

/* The credential lines PID 1 needs (LoadCredential= or LoadCredentialEncrypted=; NULL entries
 * skipped), in a [Service] section after what @u holds (opened here unless @in_service: @u ends
 * inside one); @u goes to the set, or is dropped on error. */
static int add_credentials(UnitSet *s, const Target *t, UnitFile *u, bool in_service, const CredentialFile *const *creds,
                           size_t n) {
        int r = 0;

        if (!in_service)
                fputs("[Service]\n", u->f);
        for (size_t i = 0; i < n && r >= 0; i++)
                if (creds[i]) {
                        _cleanup_free_ char *v = NULL;

                        /* ID:PATH (systemd.exec(5)): the ID (a credential name: no '\\', no ':') ends at
                         * the first ':', the PATH is the rest, literal but for specifiers. */
                        if (asprintf(&v, "%s:%s", creds[i]->name, creds[i]->path) < 0)
                                r = log_oom();
                        else
                                r = compose_set(u, t, creds[i]->encrypted ? "LoadCredentialEncrypted" : "LoadCredential", v);
                }
        return compose_add_file(s, u, t, r);
}

/* A drop-in for instance @unit of a shipped template: its credentials (@in_service: @u ends
 * inside a [Service] section), and the link from iscsi-creds.target. */
static int add_instance(UnitSet *s, const Target *t, UnitFile *u, bool in_service, const char *unit,
                        const char *template_path, const CredentialFile *const *creds, size_t n) {
        int r = add_credentials(s, t, u, in_service, creds, n);

        if (r < 0)
                return r;
        return compose_add_link(s, t, "iscsi-creds.target", "wants", unit, template_path);
}

/* iscsi-creds-paths@ALIAS.service logs in the portals an active login left without a session,
 * with the login's credentials: its drop-in is a link to the login's (a link instead of a file
 * per target: 1000 targets 5 ms less; the directory must be real, systemd 252 does not follow a
 * linked drop-in directory), no .wants link (the retry service starts it). */
static int compose_paths(UnitSet *s, const Target *t, const char *login_unit) {
        _cleanup_free_ char *unit = target_paths_unit(t), *dest = NULL;

        if (!unit || asprintf(&dest, "../%s.d/50-credentials.conf", login_unit) < 0)
                return log_oom();
        return compose_add_link(s, t, unit, "d", "50-credentials.conf", dest);
}

static bool sealing_uses_tpm2(int s) {
        return s == CREDENTIAL_SEALING_TPM2 || s == CREDENTIAL_SEALING_TPM2_WITH_PUBLIC_KEY ||
               s == CREDENTIAL_SEALING_HOST_TPM2 || s == CREDENTIAL_SEALING_HOST_TPM2_SCOPED ||
               s == CREDENTIAL_SEALING_HOST_TPM2_WITH_PUBLIC_KEY;
}

static int compose_login(UnitSet *s, const Target *t, const CredentialFile *target_file,
                         const CredentialFile *auth_file, const CredentialFile *initiator_file, bool initrd) {
        _cleanup_free_ char *unit = target_login_unit(t);
        /* The host-wide initiator name, unless the target names its own. */
        const CredentialFile *const creds[] = { target_file, auth_file, t->initiator ? NULL : initiator_file };
        UnitFile *u;
        int r;

        if (!unit)
                return log_oom();
        r = unit_dropin_create(s->dir, unit, "50-credentials.conf", &u);
        if (r < 0)
                return log_error_errno(r, "%s: cannot create a drop-in for %s: %m", t->credential, unit);
        r = compose_source_comment(u, t, target_file);
        if (r >= 0 && (t->multipath || t->root))
                fputs("[Unit]\n", u->f);
        /* The paths are claimed by multipathd, which assembles the device the mount names. */
        if (r >= 0 && t->multipath) {
                r = compose_set(u, t, "Wants", "multipathd.service");
                if (r >= 0)
                        r = compose_set(u, t, "After", "multipathd.service");
        }
        /* The root file system's login stays active when the initrd isolates
         * initrd-switch-root.target and when the host's systemd then isolates default.target
         * (systemd.unit(5)), as the root mount does: the host knows the session is there. */
        if (r >= 0 && t->root)
                r = compose_set(u, t, "IgnoreOnIsolate", "yes");
        /* PID 1 decrypts a TPM2-sealed secret when the unit starts, and in the initrd the
         * login comes early: wait for the TPM's resource manager, as tpm2.target (systemd
         * 256) does; systemd 252 has no such target. Only the header is read. */
        if (r >= 0 && initrd && auth_file && auth_file->encrypted && sealing_uses_tpm2(credential_sealing(auth_file->path))) {
                r = compose_set(u, t, "Wants", "dev-tpmrm0.device");
                if (r >= 0)
                        r = compose_set(u, t, "After", "dev-tpmrm0.device");
        }
        if (r >= 0 && (t->multipath || t->root))
                fputc('\n', u->f);
        /* In the initrd a failed root login stops the boot: its lines go to the console too
         * (systemd.exec(5) "journal+console"), where the admin looks. */
        if (r >= 0 && initrd) {
                fputs("[Service]\n", u->f);
                r = compose_set(u, t, "StandardError", "journal+console");
        }
        if (r < 0) {
                unit_file_discard(u);
                return r;
        }
        r = add_instance(s, t, u, initrd, unit, ISCSI_CREDS_UNIT_DIR "/iscsi-creds-login@.service", creds,
                         ELEMENTSOF(creds));
        if (r < 0)
                return r;
        return compose_paths(s, t, unit);
}

/* LUKS on the LUN: the unlock instance gets the target definition and the passphrase credential,
 * and is bound to the LUN's device like systemd-cryptsetup@.service for a _netdev volume
 * (systemd-cryptsetup-generator). The device unit name was checked by target_from_keyvalues(). */
static int compose_unlock(UnitSet *s, const Target *t, const CredentialFile *target_file,
                          const CredentialFile *luks_file) {
        _cleanup_free_ char *unit = target_unlock_unit(t), *what = NULL, *device = NULL;
        UnitFile *u;
        int r;

        if (!unit)
                return log_oom();
        r = target_device(t, &what);
        if (r >= 0)
                r = unit_name_from_path(what, ".device", &device);
        if (r < 0)
                return log_error_errno(r, "%s: no device unit name for LUN %llu: %m", t->credential,
                                       (unsigned long long) t->lun);
        r = unit_dropin_create(s->dir, unit, "50-credentials.conf", &u);
        if (r < 0)
                return log_error_errno(r, "%s: cannot create a drop-in for %s: %m", t->credential, unit);
        r = compose_source_comment(u, t, target_file);
        fputs("[Unit]\n", u->f);
        if (r >= 0)
                r = compose_set(u, t, "BindsTo", device);
        if (r >= 0)
                r = compose_set(u, t, "After", device);
        fputc('\n', u->f);
        if (r < 0) {
                unit_file_discard(u);
                return r;
        }
        return add_instance(s, t, u, false, unit, ISCSI_CREDS_UNIT_DIR "/iscsi-creds-unlock@.service",
                            (const CredentialFile *const[]) { target_file, luks_file }, 2);
}

/* The device's wait, "device-timeout =" long, counts from the login: the device
 * job is ordered after the login unit, so it starts running (and its
 * JobRunningTimeoutSec= clock with it) only when the login is done, however
 * long the boot took to get there (systemd.unit(5): the timeout "is started
 * when the job is started", which ordering holds back). */
static int compose_device_timeout(UnitSet *s, const Target *t, const char *what) {
        _cleanup_free_ char *device = NULL, *login = NULL;
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

        r = unit_dropin_create(s->dir, device, "50-device-timeout.conf", &u);
        if (r < 0)
                return log_error_errno(r, "%s: cannot create the device timeout drop-in: %m", t->credential);
        login = target_login_unit(t);
        if (!login)
                return log_oom();
        fputs("[Unit]\n", u->f);
        r = compose_set(u, t, "After", login);
        if (r >= 0)
                r = compose_set(u, t, "JobRunningTimeoutSec",
                        timespan_format(t->device_timeout > 0 ? t->device_timeout : DEVICE_TIMEOUT_DEFAULT, span));
        return compose_add_file(s, u, t, r);
}

/* The [Unit] section's head, shared by the .mount and the .automount. */
static int unit_section(UnitFile *u, const Target *t, const CredentialFile *target_file, bool automount) {
        _cleanup_free_ char *description = NULL;

        if (asprintf(&description, "%siSCSI LUN %llu of %s (%s)", automount ? "Automount for " : "",
                     (unsigned long long) t->lun, t->name ?: "a discovered target", t->alias) < 0)
                return log_oom();
        return compose_unit_head(u, t, description, target_file);
}

/* x-systemd.automount: an .automount unit for the mount point, linked into remote-fs.target in the
 * mount's place, as systemd-fstab-generator does (systemd.mount(5)). */
static int compose_automount(UnitSet *s, const Target *t, const CredentialFile *target_file) {
        _cleanup_free_ char *unit = NULL, *link = NULL;
        char span[TIMESPAN_STRING_MAX];
        UnitFile *u;
        int r;

        r = unit_name_from_path(t->mount, ".automount", &unit);
        if (r < 0)
                return log_error_errno(r, "%s: no automount unit name for %s: %m", t->credential, t->mount);
        r = unit_file_create(s->dir, unit, &u);
        if (r < 0)
                return log_error_errno(r, "%s: cannot create %s: %m", t->credential, unit);
        r = unit_section(u, t, target_file, true);
        fputs("\n[Automount]\n", u->f);
        if (r >= 0)
                r = compose_set(u, t, "Where", t->mount);
        if (r >= 0 && t->mount_options.idle_timeout_set)
                r = compose_set(u, t, "TimeoutIdleSec", timespan_format(t->mount_options.idle_timeout, span));
        r = compose_add_file(s, u, t, r);
        if (r < 0)
                return r;
        if (asprintf(&link, "../%s", unit) < 0)
                return log_oom();
        return compose_add_link(s, t, "remote-fs.target", t->mount_options.nofail ? "wants" : "requires", unit, link);
}

/* The [Mount] section: every value as configured, escaped (unit_file_set()). */
static int mount_section(UnitFile *u, const Target *t, const char *what) {
        _cleanup_free_ char *options = NULL, *mapped = NULL;
        char span[TIMESPAN_STRING_MAX];
        int r;

        /* With LUKS the mount names the mapping; the device timeout still applies to the LUN's device. */
        if (t->luks) {
                _cleanup_free_ char *mapping = target_luks_mapping(t);

                if (!mapping || asprintf(&mapped, "/dev/mapper/%s", mapping) < 0)
                        return log_oom();
        }
        if (asprintf(&options, "_netdev%s%s", t->options ? "," : "", t->options ?: "") < 0)
                return log_oom();

        fputs("\n[Mount]\n", u->f);
        r = compose_set(u, t, "What", mapped ?: what);
        if (r >= 0)
                r = compose_set(u, t, "Where", t->mount);
        if (r >= 0 && t->fstype)
                r = compose_set(u, t, "Type", t->fstype);
        if (r >= 0)
                r = compose_set(u, t, "Options", options);
        if (r >= 0 && t->mount_options.mount_timeout_set)
                r = compose_set(u, t, "TimeoutSec", timespan_format(t->mount_options.mount_timeout, span));
        return r;
}

/* The .mount, what pulls it in (fstab(5) semantics: "noauto" nothing, "nofail" Wants=, else
 * Requires= from remote-fs.target; x-systemd.automount the .automount instead), and the device
 * timeout drop-in. */
static int compose_mount(UnitSet *s, const Target *t, const CredentialFile *target_file) {
        _cleanup_free_ char *unit = NULL, *what = NULL, *login = NULL, *link = NULL;
        const MountOptions *o = &t->mount_options;
        UnitFile *u;
        int r;

        r = unit_name_from_path(t->mount, ".mount", &unit);
        if (r < 0)
                return log_error_errno(r, "%s: no unit name for mount point %s: %m", t->credential, t->mount);
        r = target_device(t, &what);
        if (r < 0)
                return log_error_errno(r, "%s: no device name for LUN %llu: %m", t->credential,
                                       (unsigned long long) t->lun);
        login = t->luks ? target_unlock_unit(t) : target_login_unit(t);
        if (!login)
                return log_oom();

        r = unit_file_create(s->dir, unit, &u);
        if (r < 0)
                return log_error_errno(r, "%s: cannot create %s: %m", t->credential, unit);
        r = unit_section(u, t, target_file, false);
        if (r >= 0)
                r = compose_set(u, t, "Requires", login);
        if (r >= 0)
                r = compose_set(u, t, "After", login);
        if (r >= 0)
                r = mount_section(u, t, what);
        r = compose_add_file(s, u, t, r);
        if (r < 0)
                return r;

        if (o->automount)
                r = compose_automount(s, t, target_file);
        else if (!o->noauto) {
                if (asprintf(&link, "../%s", unit) < 0)
                        return log_oom();
                r = compose_add_link(s, t, "remote-fs.target", o->nofail ? "wants" : "requires", unit, link);
        }
        if (r < 0)
                return r;
        /* Always written, with systemd's default (DefaultTimeoutStartSec=, 90 s) unless
         * "device-timeout =" says otherwise: one place to see and tune the wait. */
        return compose_device_timeout(s, t, what);
}

/* On the host the root session needs iscsid for its error recovery, and nothing else starts it
 * (no iscsiadm runs for the session). Wants= is not enough: the initrd's iscsid is killed at the
 * switch to the host's systemd, which may only notice after it queued the boot's jobs, and then
 * leaves it dead (seen in the root-iscsi VM). Upholds= (systemd.unit(5), 249) starts it again
 * whenever iscsi-creds.target is active and iscsid is not. */
static int compose_root_iscsid(UnitSet *s, const Target *t) {
        UnitFile *u;
        int r;

        r = unit_dropin_create(s->dir, "iscsi-creds.target", "50-root-iscsid.conf", &u);
        if (r < 0)
                return log_error_errno(r, "%s: cannot create a drop-in for iscsi-creds.target: %m", t->credential);
        fputs("[Unit]\n", u->f);
        r = compose_set(u, t, "Upholds", "iscsid.service");
        return compose_add_file(s, u, t, r);
}

/* "root = yes". In the initrd: the login is pulled in by initrd-root-device.target, the device
 * waits for it (device-timeout counts from the login), and /sysroot is mounted from the LUN
 * unless "root=" on the kernel command line has systemd-fstab-generator do that. On the host the
 * root file system is mounted already: its session is used (no second login), and iscsid kept
 * running (compose_root_iscsid()). */
static int compose_root(UnitSet *s, const Target *t, const CredentialFile *target_file, bool initrd) {
        _cleanup_free_ char *what = NULL, *login = target_login_unit(t);
        int r;

        if (!login)
                return log_oom();
        if (!initrd)
                return compose_root_iscsid(s, t);
        r = target_device(t, &what);
        if (r < 0)
                return log_error_errno(r, "%s: no device name for LUN %llu: %m", t->credential,
                                       (unsigned long long) t->lun);
        r = compose_add_link(s, t, "initrd-root-device.target", "wants", login,
                             ISCSI_CREDS_UNIT_DIR "/iscsi-creds-login@.service");
        if (r >= 0)
                r = compose_device_timeout(s, t, what);
        if (r < 0)
                return r;
        r = kernel_cmdline_has_root();
        if (r < 0)
                log_warning_errno(r, "Cannot read the kernel command line (%m); writing sysroot.mount.");
        if (r > 0) {
                log_info("%s: \"root=\" is on the kernel command line: systemd-fstab-generator mounts /sysroot.",
                         t->credential);
                return 0;
        }
        return compose_sysroot(s, t, target_file, what);
}

/* Compose every file and link of the target, then write them all or none (unit_set_commit()). */
static int generate_one(const char *dest, const Entry *e, CredentialFile *const *auth_files, size_t n_auth,
                        const CredentialFile *initiator_file, bool initrd) {
        _cleanup_(credential_file_freep) CredentialFile *auth = NULL, *luks = NULL;
        const Target *t = e->target;
        UnitSet s = { .dir = dest };
        const char *failed;
        int r;

        r = find_auth_credential(t, CREDENTIAL_SEARCH_SYSTEM, auth_files, n_auth, &auth);
        if (r < 0)
                return r;
        if (!auth)
                log_warning("%s: no CHAP secrets found (neither iscsi.auth.%s nor iscsi.auth); the login will "
                            "not authenticate.", t->credential, t->alias);
        if (t->luks) {
                _cleanup_free_ char *name = NULL;

                if (asprintf(&name, LUKS_CREDENTIAL_PREFIX "%s", t->alias) < 0)
                        return log_oom();
                r = credential_find(name, CREDENTIAL_SEARCH_SYSTEM, &luks);
                if (r < 0)
                        return log_oom();
                if (r == 0)
                        return log_syntax(t->credential, 0, LOG_ERR, ENOENT,
                                          "\"luks = yes\" needs the passphrase credential %s, which was not found.",
                                          name);
        }

        if (t->root)
                r = compose_root(&s, t, e->file, initrd);
        else
                r = t->mount ? compose_mount(&s, t, e->file) : 0;
        if (r >= 0)
                r = compose_login(&s, t, e->file, auth, initiator_file, initrd);
        if (r >= 0 && luks)
                r = compose_unlock(&s, t, e->file, luks);
        if (r < 0) {
                unit_set_done(&s);
                return r;
        }
        r = unit_set_commit(&s, &failed);
        if (r < 0)
                return log_error_errno(r, "%s: cannot write %s: %m; nothing of this target was written.",
                                       t->credential, failed ?: "the units");
        return 0;
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

/* conflicts_refuse() on the entries' targets; the refused ones are freed and NULL. */
static int check_conflicts(Entry *entries, size_t n) {
        _cleanup_free_ Target **targets = calloc(n + 1, sizeof(Target *));
        int r;

        if (!targets)
                return log_oom();
        for (size_t i = 0; i < n; i++)
                targets[i] = entries[i].target;
        r = conflicts_refuse(targets, n);
        for (size_t i = 0; i < n; i++)
                entries[i].target = targets[i];
        return r;
}

static int run(const char *dest, bool initrd) {
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

        k = check_conflicts(entries, n);
        if (k < 0 && r == 0)
                r = k;

        for (size_t i = 0; i < n; i++) {
                if (!entries[i].target)
                        continue;
                /* The initrd mounts the root file system only; the host's boot does the rest. */
                if (initrd && !entries[i].target->root) {
                        log_debug("%s: not the root file system, left to the host.", files[i]->name);
                        target_free(entries[i].target);
                        continue;
                }
                if (!entries[i].target->initiator && initiator_r < 0) {
                        log_error("%s: skipping this target: it uses %s, which is invalid.", files[i]->name,
                                  INITIATOR_CREDENTIAL);
                        if (r == 0)
                                r = initiator_r;
                        target_free(entries[i].target);
                        continue;
                }
                k = generate_one(dest, &entries[i], auth_files, n_auth, initiator_file, initrd);
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

        /* In the initrd only the root file system's target is acted on (systemd.generator(7):
         * $SYSTEMD_IN_INITRD). */
        e = getenv("SYSTEMD_IN_INITRD");
        return run(argv[1], e && streq(e, "1")) < 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}
