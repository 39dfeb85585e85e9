/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/vfs.h>
#include <time.h>
#include <unistd.h>

#include "commands.h"
#include "config.h"
#include "io-util.h"
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
#define DISCOVERY_ATTEMPTS 3
#define IN_SET_ERRNO(r, a, b, c) ((r) == (a) || (r) == (b) || (r) == (c))

/* @t reached through one path: a shallow copy sharing @t's strings. */
static Target path_of(const Target *t, const NodeRef *p) {
        Target path = *t;

        path.name = (char *) p->name;
        path.portal = p->portal;
        path.tpgt = p->tpgt;
        return path;
}

static int logout_all(const Target *t);

/* Note one logged-in path (target, portal, TPGT) as "session.ALIAS.INDEX". */
static int save_session_target(const Target *t, size_t index) {
        _cleanup_free_ char *name = NULL, *text = NULL;
        const char *dir = getenv("RUNTIME_DIRECTORY");
        char portal[PORTAL_STRING_MAX];
        int r;

        if (isempty(dir))
                return 0;
        if (asprintf(&name, SESSION_FILE_PREFIX "%s.%zu", t->alias, index) < 0 ||
            asprintf(&text, "# Written by iscsi-creds login for logout; not secret.\n"
                            "target = %s\nportal = %s\ntpgt = %u\nlun = %llu\niface = %s\n",
                     t->name, portal_to_string(&t->portal, portal), t->tpgt, (unsigned long long) t->lun,
                     t->iface) < 0)
                return log_oom();
        r = write_private_file(dir, name, text);
        if (r < 0)
                return log_warning_errno(r, "%s: cannot note the session in %s: %m", t->alias, dir);
        return 0;
}

/* Log out every path a login noted. Returns 1 if there were notes, 0 if
 * none, <0 on the first error (all are tried). */
static int logout_noted_sessions(const char *alias) {
        _cleanup_free_ char *prefix = NULL, *cred = NULL;
        _cleanup_closedir_ DIR *d = NULL;
        const char *dir = getenv("RUNTIME_DIRECTORY");
        struct dirent *de;
        int r = 0, found = 0;

        if (isempty(dir) || !alias_is_valid(alias))
                return 0;
        d = opendir(dir);
        if (!d)
                return 0;
        if (asprintf(&prefix, SESSION_FILE_PREFIX "%s.", alias) < 0 ||
            asprintf(&cred, TARGET_CREDENTIAL_PREFIX "%s", alias) < 0)
                return log_oom();

        while ((de = readdir(d))) {
                _cleanup_(target_freep) Target *t = NULL;
                _cleanup_free_ char *path = NULL;
                int k;

                if (!startswith(de->d_name, prefix))
                        continue;
                if (asprintf(&path, "%s/%s", dir, de->d_name) < 0)
                        return log_oom();
                found = 1;
                /* Parsed like the credential it was made from, under the credential's name. */
                k = load_target(&(CredentialFile) { .name = cred, .path = path }, &t);
                if (k >= 0)
                        k = logout_all(t);
                if (k < 0 && r == 0)
                        r = k;
        }
        return r < 0 ? r : found;
}

/* The record will hold secrets: refuse unless it goes to memory. */
static int check_dir_in_memory(const char *subdir) {
        struct statfs sfs;

        if (statfs(subdir, &sfs) < 0) {
                log_error_errno(errno, "Cannot examine %s: %m", subdir);
                return -EMEDIUMTYPE;
        }
        if (sfs.f_type != TMPFS_MAGIC && sfs.f_type != RAMFS_MAGIC)
                return log_error_errno(EMEDIUMTYPE,
                                       "Refusing to write CHAP secrets to %s: it is not a tmpfs. Run through "
                                       "iscsi-creds-login@.service, which mounts a private tmpfs there.", subdir);
        return 0;
}

static int check_db_in_memory(bool discovery) {
        int r = check_dir_in_memory(NODE_DB_ROOT "/nodes");

        if (r >= 0 && discovery)
                r = check_dir_in_memory(NODE_DB_ROOT "/send_targets");
        return r;
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
/* Write one path's node record and check it through libopeniscsiusr. */
static int prepare_portal(const Target *t, const ChapSecrets *secrets, const char *transport) {
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
        return 0;
}

/* Several paths: one iscsiadm per target name logs in all its portals at
 * once, then the sessions tell which portals answered. */
static int login_many(const Target *t, const NodeRef *paths, size_t n_paths, const bool *prepared,
                      bool *logged_in, bool mutual) {
        int first_error = 0;

        for (size_t i = 0; i < n_paths; i++) {
                Target path = path_of(t, &paths[i]);
                size_t n_sessions = 0;
                int status = 0, k;
                bool seen = false;

                if (!prepared[i])
                        continue;
                for (size_t j = 0; j < i && !seen; j++)
                        seen = prepared[j] && streq(paths[j].name, paths[i].name);
                if (seen)
                        continue;       /* this target name was logged in with an earlier path */

                k = iscsiadm_login_all_portals(&path, mutual, &status);

                for (size_t j = i; j < n_paths; j++) {
                        Target p = path_of(t, &paths[j]);
                        uint32_t sid;

                        if (!prepared[j] || !streq(paths[j].name, paths[i].name))
                                continue;
                        if (node_db_find_session(&p, &sid) > 0) {
                                logged_in[j] = true;
                                n_sessions++;
                                log_internal(LOG_INFO, 0, MESSAGE_ID_LOGGED_IN, "%s: logged in to %s at %s:%u,%u.",
                                             t->alias, p.name, p.portal.address, p.portal.port, p.tpgt);
                        } else
                                log_warning("%s: portal %s:%u of %s did not log in.", t->credential,
                                            p.portal.address, p.portal.port, p.name);
                }

                if (k == -EIO && n_sessions == 0)
                        k = iscsiadm_report_login(&path, status, mutual);
                else if (k == -EIO) {
                        log_warning("%s: not every portal of %s answered (iscsiadm exit status %d).", t->credential,
                                    path.name, status);
                        k = 0;
                }
                if (k < 0 && first_error == 0)
                        first_error = k;
        }
        return first_error;
}

/* Log out the session of one path (@t->name at @t->portal); none is fine. */
static int logout_path(const Target *t) {
        uint32_t sid;
        int r;

        r = node_db_find_session(t, &sid);
        if (r < 0)
                return log_error_errno(r, "%s: cannot list iSCSI sessions: %m", t->credential);
        if (r == 0) {
                log_info("%s: not logged in to %s at %s:%u, nothing to do.", t->alias, t->name, t->portal.address,
                         t->portal.port);
                return 0;
        }
        return iscsiadm_logout(t, sid);
}

/* Log out every portal's session; returns the first error, having tried all. */
static int logout_all(const Target *t) {
        int r = 0;

        for (size_t i = 0; i < t->n_portals; i++) {
                Target path = *t;
                int k;

                path.portal = t->portals[i];
                k = logout_path(&path);
                if (k < 0 && r == 0)
                        r = k;
        }
        return r;
}

/* The (target, portal, TPGT) paths to log in to: the configured portals, or
 * what SendTargets discovery at them announced (filtered by "target =" if set). */
static int login_paths(const Target *t, const ChapSecrets *secrets, NodeRef **ret, size_t *ret_n) {
        _cleanup_free_ NodeRef *refs = NULL;
        size_t n = 0, k = 0, n_discovered = 0;
        int r, first_error = 0;

        if (!t->discovery) {
                refs = calloc(t->n_portals, sizeof(NodeRef));
                if (!refs)
                        return log_oom();
                for (size_t i = 0; i < t->n_portals; i++) {
                        snprintf(refs[i].name, sizeof refs[i].name, "%s", t->name);
                        refs[i].portal = t->portals[i];
                        refs[i].tpgt = t->tpgt;
                }
                *ret = TAKE_PTR(refs);
                *ret_n = t->n_portals;
                return 0;
        }

        for (size_t i = 0; i < t->n_portals; i++) {
                _cleanup_erase_free_ char *record = NULL;
                Target d = *t;

                d.portal = t->portals[i];
                r = discovery_record_render(&d.portal, secrets, &record);
                if (r < 0)
                        return log_oom();
                r = discovery_record_write(NODE_DB_ROOT, &d.portal, record);
                if (r < 0)
                        return log_error_errno(r, "%s: failed to write the discovery record under %s/send_targets: %m",
                                               t->credential, NODE_DB_ROOT);
                /* A target may drop a discovery session now and then (seen with LIO and three
                 * concurrent discoveries: "Connection to Discovery Address closed", PDU timeout);
                 * try again, except when the answer was "wrong secret". */
                for (unsigned attempt = 1;; attempt++) {
                        r = iscsiadm_discover(&d, secrets && secrets->discovery_username_in);
                        if (r >= 0 || attempt >= DISCOVERY_ATTEMPTS ||
                            !IN_SET_ERRNO(r, -ETIMEDOUT, -EHOSTUNREACH, -EIO))
                                break;
                        log_notice("%s: trying SendTargets discovery at %s:%u again (%u of %u).", t->credential,
                                   d.portal.address, d.portal.port, attempt + 1, DISCOVERY_ATTEMPTS);
                        (void) nanosleep(&(struct timespec) { .tv_sec = 1 }, NULL);
                }
                if (r < 0) {
                        if (first_error == 0)
                                first_error = r;
                        continue;
                }
                n_discovered++;
        }
        if (n_discovered == 0)
                return first_error;

        r = node_db_list(&refs, &n);
        if (r < 0)
                return log_error_errno(r, "%s: cannot list what discovery found: %m", t->credential);
        for (size_t i = 0; i < n; i++) {
                if (t->name && !streq(refs[i].name, t->name))
                        continue;
                log_info("%s: discovered %s at %s:%u,%u.", t->credential, refs[i].name, refs[i].portal.address,
                         refs[i].portal.port, refs[i].tpgt);
                refs[k++] = refs[i];
        }
        if (k == 0)
                return log_error_errno(ENOENT, "%s: SendTargets discovery found %s.", t->credential,
                                       t->name ? "no portal of this target" : "no target");
        *ret = TAKE_PTR(refs);
        *ret_n = k;
        return 0;
}

int verb_login(const char *alias) {
        _cleanup_(target_freep) Target *t = NULL;
        _cleanup_(chap_secrets_freep) ChapSecrets *secrets = NULL;
        _cleanup_(credential_file_freep) CredentialFile *auth = NULL;
        _cleanup_free_ char *transport = NULL;
        _cleanup_free_ NodeRef *paths = NULL;
        _cleanup_free_ bool *logged_in = NULL, *prepared = NULL;
        size_t n_ok = 0, n_paths = 0;
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
                log_info("%s: using %s CHAP secrets from %s%s.", t->credential,
                         chap_secrets_mutual(secrets) ? "mutual" : secrets->password ? "one-way" : "no",
                         auth->name,
                         !t->discovery ? "" :
                         secrets->discovery_username_in ? ", mutual CHAP for discovery" :
                         secrets->discovery_password ? ", one-way CHAP for discovery" : ", none for discovery");
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

        r = check_db_in_memory(t->discovery);
        if (r < 0)
                return r;

        r = login_paths(t, secrets, &paths, &n_paths);
        if (r < 0)
                return r;

        /* One session per path. With several (multipath, discovery), the target is up as long as
         * one answers: a dead portal at boot must not fail it. */
        logged_in = calloc(n_paths, sizeof(bool));
        prepared = calloc(n_paths, sizeof(bool));
        if (!logged_in || !prepared)
                return log_oom();
        for (size_t i = 0; i < n_paths; i++) {
                Target path = path_of(t, &paths[i]);

                r = prepare_portal(&path, secrets, transport);
                if (r < 0) {
                        if (first_error == 0)
                                first_error = r;
                        continue;
                }
                prepared[i] = true;
        }

        if (n_paths == 1 && prepared[0]) {
                Target path = path_of(t, &paths[0]);

                r = iscsiadm_login(&path, chap_secrets_mutual(secrets));
                if (r < 0 && first_error == 0)
                        first_error = r;
                logged_in[0] = r >= 0;
        } else if (n_paths > 1) {
                r = login_many(t, paths, n_paths, prepared, logged_in, chap_secrets_mutual(secrets));
                if (r < 0 && first_error == 0)
                        first_error = r;
        }

        for (size_t i = 0; i < n_paths; i++) {
                Target path = path_of(t, &paths[i]);

                if (!logged_in[i])
                        continue;
                n_ok++;
                /* Not fatal: logout falls back to the credentials. */
                (void) save_session_target(&path, i);
        }
        if (n_ok == 0)
                return first_error < 0 ? first_error : -EIO;
        if (n_ok < n_paths)
                log_notice("%s: logged in through %zu of %zu portals.", t->credential, n_ok, n_paths);

        for (size_t i = 0; i < n_paths && !t->scan_auto; i++) {
                Target path = path_of(t, &paths[i]);

                if (!logged_in[i])
                        continue;
                r = attach_lun(&path);
                if (r < 0) {
                        /* ExecStop= does not run when ExecStart= fails: leave no session behind. */
                        for (size_t j = 0; j < n_paths; j++)
                                if (logged_in[j]) {
                                        Target p = path_of(t, &paths[j]);

                                        (void) logout_path(&p);
                                }
                        return r;
                }
        }
        return 0;
}

int verb_logout(const char *alias) {
        _cleanup_(target_freep) Target *t = NULL;
        int r;

        r = logout_noted_sessions(alias);
        if (r != 0)
                return r < 0 ? r : 0;

        r = load_service_target(alias, true, &t);
        if (r < 0)
                return r;
        if (t->discovery && !t->name)
                return log_warning_errno(ENOENT, "%s: no note of the sessions this unit's discovery found; "
                                         "nothing to log out.", alias);
        return logout_all(t);
}
