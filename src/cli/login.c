/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "commands.h"
#include "config.h"
#include "iscsiadm.h"
#include "load.h"
#include "log.h"
#include "node-db.h"
#include "node-record.h"
#include "scsi-scan.h"
#include "service-creds.h"
#include "secret.h"
#include "string-util.h"


/*
 * What logout needs (target name, portal, TPGT, iface; nothing secret) is
 * kept in the unit's RuntimeDirectory= after a login. At shutdown PID 1 may
 * unmount the unit's credential directory before ExecStop= runs (seen with
 * systemd 252), so logout must not depend on it.
 */
#define SESSION_FILE_PREFIX "session."

static int save_session_target(const Target *t) {
        _cleanup_free_ char *path = NULL, *tmp = NULL, *text = NULL;
        _cleanup_close_ int fd = -1;
        const char *dir = getenv("RUNTIME_DIRECTORY");
        char portal[PORTAL_STRING_MAX];
        int n;

        if (isempty(dir))
                return 0;
        if (asprintf(&path, "%s/" SESSION_FILE_PREFIX "%s", dir, t->alias) < 0 ||
            asprintf(&tmp, "%s/.#" SESSION_FILE_PREFIX "%s", dir, t->alias) < 0)
                return log_oom();
        {
                _cleanup_free_ char *portals = NULL;
                size_t size = 0;
                FILE *f = open_memstream(&portals, &size);

                if (!f)
                        return log_oom();
                for (size_t i = 0; i < t->n_portals; i++)
                        fprintf(f, "portal = %s\n", portal_to_string(&t->portals[i], portal));
                if (fclose(f) != 0)
                        return log_oom();
                n = asprintf(&text, "# Written by iscsi-creds login for logout; not secret.\n"
                                    "target = %s\n%stpgt = %u\nlun = %llu\niface = %s\n",
                             t->name, portals, t->tpgt, (unsigned long long) t->lun, t->iface);
                if (n < 0)
                        return log_oom();
        }

        fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
        if (fd < 0 || write(fd, text, (size_t) n) != n || rename(tmp, path) < 0) {
                log_warning_errno(errno, "%s: cannot save the session's target in %s: %m", t->alias, dir);
                (void) unlink(tmp);
                return -errno;
        }
        return 0;
}

/* 1 and the target if a login left its note, 0 if not. */
static int load_session_target(const char *alias, Target **ret) {
        _cleanup_free_ char *path = NULL;
        const char *dir = getenv("RUNTIME_DIRECTORY");
        CredentialFile f = {};
        int r;

        if (isempty(dir) || !alias_is_valid(alias))
                return 0;
        if (asprintf(&path, "%s/" SESSION_FILE_PREFIX "%s", dir, alias) < 0)
                return log_oom();
        if (access(path, F_OK) < 0)
                return 0;

        /* Parsed like the credential it was made from, under the credential's name. */
        if (asprintf(&f.name, TARGET_CREDENTIAL_PREFIX "%s", alias) < 0)
                return log_oom();
        f.path = path;
        r = load_target(&f, ret);
        free(f.name);
        return r < 0 ? r : 1;
}

/* The record will hold secrets: refuse unless it goes to memory. */
static int check_db_in_memory(void) {
        struct statfs sfs;

        if (statfs(NODE_DB_ROOT "/nodes", &sfs) < 0) {
                log_error_errno(errno, "Cannot examine %s/nodes: %m", NODE_DB_ROOT);
                return -EMEDIUMTYPE;
        }
        if (sfs.f_type != TMPFS_MAGIC && sfs.f_type != RAMFS_MAGIC)
                return log_error_errno(EMEDIUMTYPE,
                                       "Refusing to write CHAP secrets to %s/nodes: it is not a tmpfs. Run "
                                       "through iscsi-creds-login@.service, which mounts a private tmpfs there.",
                                       NODE_DB_ROOT);
        return 0;
}

/* node.session.scan = manual: attach the one configured LUN ourselves. */
static int attach_lun(const Target *t) {
        uint32_t sid;
        int r;

        r = node_db_find_session(t, &sid);
        if (r < 0)
                return log_error_errno(r, "%s: cannot list iSCSI sessions: %m", t->credential);
        if (r == 0)
                return log_error_errno(ENOENT, "%s: logged in, but no session to %s is listed.", t->credential,
                                       t->name);
        r = scsi_scan_lun(sid, t->lun);
        if (r < 0)
                return log_error_errno(r, "%s: cannot scan LUN %llu of session %u: %m", t->credential,
                                       (unsigned long long) t->lun, sid);
        log_info("%s: asked the kernel to attach LUN %llu of session %u.", t->credential,
                 (unsigned long long) t->lun, sid);
        return 0;
}

/* The host-wide initiator name, when the target does not set its own. */
static int apply_initiator_credential(Target *t) {
        _cleanup_(credential_file_freep) CredentialFile *f = NULL;
        _cleanup_free_ char *data = NULL;
        size_t size;
        int r;

        if (t->initiator)
                return 0;
        r = credential_find(INITIATOR_CREDENTIAL, CREDENTIAL_SEARCH_SERVICE, &f);
        if (r <= 0)
                return r;
        r = credential_read(f, &data, &size);
        if (r < 0)
                return r;
        return initiator_name_parse(f->name, data, size, &t->initiator);
}

/* Write, check and log in one portal's node record. */
static int login_portal(const Target *t, const ChapSecrets *secrets, const char *transport) {
        _cleanup_erase_free_ char *record = NULL;
        int r;

        r = node_record_render(t, secrets, transport, &record);
        if (r < 0)
                return log_oom();
        r = node_record_write(NODE_DB_ROOT, t, record);
        if (r < 0)
                return log_error_errno(r, "%s: failed to write the node record under %s/nodes: %m", t->credential,
                                       NODE_DB_ROOT);

        r = node_db_check_record(t);
        if (r == -EBADMSG)
                return log_error_errno(r, "%s: libopeniscsiusr cannot list the node DB after writing the record; "
                                       "not logging in.", t->credential);
        if (r == -ENOENT || r == -ENOTUNIQ)
                return log_error_errno(EBADMSG, "%s: libopeniscsiusr %s the record just written for %s at %s:%u,%u "
                                       "iface %s; not logging in.", t->credential,
                                       r == -ENOENT ? "does not return" : "returns more than one copy of",
                                       t->name, t->portal.address, t->portal.port, t->tpgt, t->iface);
        if (r < 0)
                return log_error_errno(r, "%s: cannot check the node record: %m", t->credential);
        log_info("%s: node record written to the private node DB and read back through libopeniscsiusr.",
                 t->credential);

        return iscsiadm_login(t, chap_secrets_mutual(secrets));
}

/* Log out every portal's session; returns the first error, having tried all. */
static int logout_all(const Target *t) {
        int r = 0;

        for (size_t i = 0; i < t->n_portals; i++) {
                Target path = *t;
                uint32_t sid;
                int k;

                path.portal = t->portals[i];
                k = node_db_find_session(&path, &sid);
                if (k < 0) {
                        k = log_error_errno(k, "%s: cannot list iSCSI sessions: %m", t->credential);
                        if (r == 0)
                                r = k;
                        continue;
                }
                if (k == 0) {
                        log_info("%s: not logged in to %s at %s:%u, nothing to do.", t->alias, t->name,
                                 path.portal.address, path.portal.port);
                        continue;
                }
                k = iscsiadm_logout(&path, sid);
                if (k < 0 && r == 0)
                        r = k;
        }
        return r;
}

int verb_login(const char *alias) {
        _cleanup_(target_freep) Target *t = NULL;
        _cleanup_(chap_secrets_freep) ChapSecrets *secrets = NULL;
        _cleanup_(credential_file_freep) CredentialFile *auth = NULL;
        _cleanup_free_ char *transport = NULL;
        bool logged_in[PORTALS_MAX] = {};
        size_t n_ok = 0;
        int r, first_error = 0;

        r = load_service_target(alias, false, &t);
        if (r < 0)
                return r;

        r = find_auth_credential(t, CREDENTIAL_SEARCH_SERVICE, NULL, 0, &auth);
        if (r < 0)
                return r;
        if (auth) {
                r = load_chap_secrets(auth, &secrets);
                if (r < 0)
                        return r;
                log_info("%s: using %s CHAP secrets from %s.", t->credential,
                         chap_secrets_mutual(secrets) ? "mutual" : secrets->password ? "one-way" : "no",
                         auth->name);
        } else
                log_notice("%s: no CHAP secrets were passed to this service; logging in without authentication.",
                           t->credential);

        r = apply_initiator_credential(t);
        if (r < 0)
                return r;
        if (t->initiator)
                log_info("%s: logging in as initiator %s.", t->credential, t->initiator);

        r = node_db_iface_transport(t->iface, &transport);
        if (r == -ENOENT)
                return log_syntax(t->credential, 0, LOG_ERR, ENOENT,
                                  "iface \"%s\" is not configured in %s/ifaces (iscsiadm -m iface).", t->iface,
                                  NODE_DB_ROOT);
        if (r < 0)
                return log_error_errno(r, "%s: cannot read iface \"%s\": %m", t->credential, t->iface);

        r = check_db_in_memory();
        if (r < 0)
                return r;

        /* One session per portal. With several portals (multipath), the target is up as long as
         * one path is: a dead portal at boot must not fail it. */
        for (size_t i = 0; i < t->n_portals; i++) {
                Target path = *t;       /* shallow: shares the strings of @t */

                path.portal = t->portals[i];
                r = login_portal(&path, secrets, transport);
                if (r < 0) {
                        if (first_error == 0)
                                first_error = r;
                        if (t->n_portals > 1)
                                log_warning("%s: portal %s:%u failed, %zu portal(s) left to try.", t->credential,
                                            path.portal.address, path.portal.port, t->n_portals - i - 1);
                        continue;
                }
                logged_in[i] = true;
                n_ok++;
        }
        if (n_ok == 0)
                return first_error;
        if (n_ok < t->n_portals)
                log_notice("%s: logged in through %zu of %zu portals.", t->credential, n_ok, t->n_portals);

        /* Not fatal: logout falls back to the credentials. */
        (void) save_session_target(t);

        if (!t->scan_auto)
                for (size_t i = 0; i < t->n_portals; i++) {
                        Target path = *t;

                        if (!logged_in[i])
                                continue;
                        path.portal = t->portals[i];
                        r = attach_lun(&path);
                        if (r < 0) {
                                /* ExecStop= does not run when ExecStart= fails: leave no session behind. */
                                (void) logout_all(t);
                                return r;
                        }
                }
        return 0;
}

int verb_logout(const char *alias) {
        _cleanup_(target_freep) Target *t = NULL;
        int r;

        r = load_session_target(alias, &t);
        if (r == 0)
                r = load_service_target(alias, true, &t);
        if (r < 0)
                return r;
        return logout_all(t);
}
