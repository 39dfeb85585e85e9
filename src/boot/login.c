/* SPDX-License-Identifier: LGPL-2.1-or-later */

/*
 * "iscsi-creds login ALIAS" and "logout ALIAS": what iscsi-creds-login@.service
 * runs. The paths (target, portal, TPGT, iface) come from the credential or
 * from SendTargets discovery; each path's session is shared with other
 * aliases and owned as session-owner.h says; node records live in a tmpfs
 * of the helper's own mount namespace (mount-namespace.h) only for as long
 * as iscsiadm needs them.
 */

#include <errno.h>
#include <linux/magic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "by-path-alias.h"
#include "boot.h"
#include "config.h"
#include "discovery.h"
#include "iscsi-session.h"
#include "iscsiadm.h"
#include "load.h"
#include "log.h"
#include "login-state.h"
#include "manager-bus.h"
#include "mount-namespace.h"
#include "node-db.h"
#include "node-record.h"
#include "portal-probe.h"
#include "scsi-scan.h"
#include "secret.h"
#include "service-creds.h"
#include "session-owner.h"
#include "string-util.h"

/* All of a login within the unit's TimeoutStartSec=120s, with room left to
 * clean up; SendTargets discovery gets at most DISCOVERY_BUDGET of it. */
#define LOGIN_BUDGET (105 * USEC_PER_SEC)
#define DISCOVERY_BUDGET (50 * USEC_PER_SEC)
/* An iscsiadm login started with less time than this would be stopped
 * half-way (and a kill can leave open-iscsi's DB lock behind): not started. */
#define LOGIN_MIN_TIME (5 * USEC_PER_SEC)
/* A logout runs within the unit's TimeoutStopSec=60s: waiting for another
 * alias's login on the same path, then iscsiadm, each bounded. */
#define LOGOUT_LOCK_TIMEOUT (25 * USEC_PER_SEC)

typedef struct Login {
        Target *t;
        ChapSecrets *secrets;
        char *transport;
        NodeRef *refs;
        size_t n;
        Target *paths;          /* one view of @t per path: shallow, names point into @refs */
        uint32_t *sid;          /* the path's session, when @up */
        bool *up;               /* a session is there for us to use */
        bool *need;             /* no session yet: we log in */
        bool *prepared;         /* its node record is written */
        usec_t steps[_LOGIN_STEP_MAX];  /* when each step ended (login-state.h) */
        usec_t cpu[_LOGIN_STEP_MAX];    /* our CPU time then (login-state.h) */
} Login;

/* A step of the login ended: when, and at what CPU time (login-state.h). */
static void login_step(Login *l, LoginStep step) {
        l->steps[step] = now_usec(CLOCK_MONOTONIC);
        l->cpu[step] = now_usec(CLOCK_PROCESS_CPUTIME_ID);
}

static void login_done(Login *l) {
        target_free(l->t);
        chap_secrets_free(l->secrets);
        free(l->transport);
        free(l->refs);
        free(l->paths);
        free(l->sid);
        free(l->up);
        free(l->need);
        free(l->prepared);
}

/* @t reached through one path: a shallow copy sharing @t's and @p's strings. */
static Target path_of(const Target *t, const NodeRef *p) {
        Target path = *t;

        path.name = (char *) p->name;
        path.portal = p->portal;
        path.tpgt = p->tpgt;
        path.iface = (char *) p->iface;
        return path;
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
                                       "Refusing to write CHAP secrets to %s: it is not a tmpfs, although a private "
                                       "one was mounted there (mount-namespace.h).", subdir);
        return 0;
}

static int check_db_in_memory(bool discovery) {
        int r = check_dir_in_memory(NODE_DB_ROOT "/nodes");

        if (r >= 0 && discovery)
                r = check_dir_in_memory(NODE_DB_ROOT "/send_targets");
        return r;
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

/* Write one path's node record and check it through libopeniscsiusr. */
static int prepare_path(const Target *t, const ChapSecrets *secrets, const char *transport) {
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

/* The record holds the CHAP secrets and iscsid keeps its own copy once
 * iscsiadm handed it over: remove it, so it is not even in (swappable)
 * tmpfs memory for the life of the unit. */
static void remove_record(const Target *path) {
        _cleanup_free_ char *dir = NULL, *file = NULL;

        if (node_record_path(NODE_DB_ROOT, path, &dir, &file) < 0)
                return;
        if (unlink(file) < 0 && errno != ENOENT)
                log_warning_errno(errno, "%s: cannot remove the node record %s: %m", path->credential, file);
}

/* Loads what a login needs: target, secrets, initiator name, iface. */
static int login_load(const char *alias, Login *l) {
        _cleanup_(credential_file_freep) CredentialFile *auth = NULL;
        Target *t;
        int r;

        r = load_service_target(alias, false, &l->t);
        if (r < 0)
                return r;
        t = l->t;
        r = find_auth_credential(t, CREDENTIAL_SEARCH_SERVICE, NULL, 0, &auth);
        if (r < 0)
                return r;
        if (auth) {
                r = load_chap_secrets(auth, &l->secrets);
                if (r < 0)
                        return r;
                log_info("%s: using %s CHAP secrets from %s%s.", t->credential,
                         chap_secrets_mutual(l->secrets) ? "mutual" : l->secrets->password ? "one-way" : "no",
                         auth->name,
                         !t->discovery ? "" :
                         l->secrets->discovery_username_in ? ", mutual CHAP for discovery" :
                         l->secrets->discovery_password ? ", one-way CHAP for discovery" : ", none for discovery");
        } else
                log_notice("%s: no CHAP secrets were passed to this service; logging in without authentication.",
                           t->credential);

        r = apply_initiator_credential(t);
        if (r < 0)
                return r;
        if (t->initiator)
                log_info("%s: logging in as initiator %s.", t->credential, t->initiator);

        r = node_db_iface_transport(t->iface, &l->transport);
        if (r == -ENOENT)
                return log_syntax(t->credential, 0, LOG_ERR, ENOENT,
                                  "iface \"%s\" is not configured in %s/ifaces (iscsiadm -m iface).", t->iface,
                                  NODE_DB_ROOT);
        if (r < 0)
                return log_error_errno(r, "%s: cannot read iface \"%s\": %m", t->credential, t->iface);
        r = mount_namespace_setup(NODE_DB_ROOT);
        if (r < 0) {
                log_error_errno(r, "%s: cannot make the private mount namespace for the node records (a tmpfs "
                                "over %s/nodes, the rest read-only); not logging in: %m", t->credential,
                                NODE_DB_ROOT);
                /* Whatever the cause, a node DB problem (exit 6), not one of the
                 * target or the credential: the retry service acts on the status. */
                return -EMEDIUMTYPE;
        }
        return check_db_in_memory(t->discovery);
}

static int login_alloc_paths(Login *l) {
        l->paths = calloc(l->n, sizeof(Target));
        l->sid = calloc(l->n, sizeof(uint32_t));
        l->up = calloc(l->n, sizeof(bool));
        l->need = calloc(l->n, sizeof(bool));
        l->prepared = calloc(l->n, sizeof(bool));
        if (!l->paths || !l->sid || !l->up || !l->need || !l->prepared)
                return log_oom();
        for (size_t i = 0; i < l->n; i++)
                l->paths[i] = path_of(l->t, &l->refs[i]);
        return 0;
}

/* Which paths have a session already (ours for another alias, or made by
 * someone else), which need a login. Under the paths' locks. */
static int join_sessions(Login *l, SessionOwner **owners) {
        for (size_t i = 0; i < l->n; i++) {
                const Target *p = &l->paths[i];
                int r = session_owner_join(owners[i], p->alias, &l->sid[i]);

                if (r < 0)
                        return log_error_errno(r, "%s: cannot record the use of the session to %s at %s:%u: %m",
                                               p->credential, p->name, p->portal.address, p->portal.port);
                if (r == SESSION_ABSENT) {
                        l->need[i] = true;
                        continue;
                }
                l->up[i] = true;
                log_internal(LOG_INFO, 0, MESSAGE_ID_LOGGED_IN,
                             r == SESSION_OURS ?
                             "%s: using session %u to %s at %s:%u,%u, made by iscsi-creds for another alias; it is "
                             "logged out when the last alias using it stops." :
                             "%s: using session %u to %s at %s:%u,%u, which iscsi-creds did not make; iscsi-creds "
                             "will not log it out.",
                             p->alias, l->sid[i], p->name, p->portal.address, p->portal.port, p->tpgt);
        }
        return 0;
}

/* The sessions our login made, recorded as ours (a root file system's
 * excepted); 15 ("already there") means someone else made it meanwhile:
 * used, never logged out by us. */
static size_t note_new_sessions(Login *l, SessionOwner **owners, const char *name, bool raced) {
        size_t n_new = 0;

        for (size_t j = 0; j < l->n; j++) {
                const Target *p = &l->paths[j];
                IscsiSession s;

                if (!l->prepared[j] || !streq(l->refs[j].name, name))
                        continue;
                remove_record(p);
                if (iscsi_session_find(p, &s) <= 0) {
                        log_warning("%s: portal %s:%u of %s did not log in.", p->credential, p->portal.address,
                                    p->portal.port, p->name);
                        continue;
                }
                l->up[j] = true;
                l->sid[j] = s.sid;
                n_new++;
                /* raced: someone else made it meanwhile: used, not ours. root: the root file
                 * system's session must outlive every unit of ours (the initrd's stop at the switch
                 * to the host, the host's at shutdown), so it is recorded as not ours and never
                 * logged out by iscsi-creds. */
                if (raced || l->t->root) {
                        if (session_owner_join(owners[j], p->alias, &l->sid[j]) <= SESSION_ABSENT)
                                l->up[j] = false;
                        if (raced)
                                continue;
                } else if (session_owner_created(owners[j], p->alias, s.sid) < 0)
                        log_warning("%s: cannot record session %u as made by iscsi-creds; it will not be logged "
                                    "out at stop.", p->credential, s.sid);
                log_internal(LOG_INFO, 0, MESSAGE_ID_LOGGED_IN, "%s: logged in to %s at %s:%u,%u (session %u).",
                             p->alias, p->name, p->portal.address, p->portal.port, p->tpgt, s.sid);
        }
        return n_new;
}

/* Write the records of the paths without a session and log them in. */
static int login_needed(Login *l, SessionOwner **owners, usec_t deadline) {
        int first_error = 0, r;

        for (size_t i = 0; i < l->n; i++) {
                if (!l->need[i])
                        continue;
                r = prepare_path(&l->paths[i], l->secrets, l->transport);
                if (r < 0) {
                        remove_record(&l->paths[i]);
                        if (first_error == 0)
                                first_error = r;
                        continue;
                }
                l->prepared[i] = true;
        }
        login_step(l, LOGIN_STEP_RECORDS);
        for (size_t i = 0; i < l->n; i++) {
                const Target *p = &l->paths[i];
                bool mutual = chap_secrets_mutual(l->secrets), seen = false;
                usec_t now = now_usec(CLOCK_MONOTONIC), left = deadline > now ? deadline - now : 0;
                size_t n_paths = 0, n_new;
                int status = 0;

                if (!l->prepared[i])
                        continue;
                for (size_t j = 0; j < l->n; j++)
                        if (l->prepared[j] && streq(l->refs[j].name, p->name)) {
                                seen = seen || j < i;
                                n_paths++;
                        }
                if (seen)
                        continue;       /* logged in with an earlier path of the same name */
                if (left < LOGIN_MIN_TIME) {
                        r = log_error_errno(ETIME, "%s: no time left to log in to %s (the unit's TimeoutStartSec= "
                                            "is nearly used up).", p->credential, p->name);
                        for (size_t j = i; j < l->n; j++)
                                if (l->prepared[j] && streq(l->refs[j].name, p->name))
                                        remove_record(&l->paths[j]);
                        if (first_error == 0)
                                first_error = r;
                        continue;
                }

                /* Several paths: one iscsiadm per target name logs them in at once (a dead
                 * portal costs its timeout once), then the sessions tell which answered. */
                if (n_paths > 1)
                        r = iscsiadm_login_all_portals(p, mutual, left, &status);
                else
                        r = iscsiadm_login(p, mutual, left);
                /* 15 for one path: someone else logged in since we looked. For several it
                 * is about paths that were up before (discovery wrote their records too). */
                n_new = note_new_sessions(l, owners, p->name, n_paths == 1 && r == 1);
                if (n_paths > 1 && r == -EIO && n_new == 0)
                        r = iscsiadm_report_login(p, status, mutual);
                else if (n_paths > 1 && r == -EIO) {
                        log_warning("%s: not every portal of %s answered (iscsiadm exit status %d).",
                                    p->credential, p->name, status);
                        r = 0;
                }
                if (r < 0 && n_new == 0 && first_error == 0)
                        first_error = r;
        }
        login_step(l, LOGIN_STEP_LOGGED_IN);
        return first_error;
}

/* node.session.scan = manual: attach the one configured LUN ourselves, in
 * whichever encoding the target uses for LUNs >= 256 (scsi-scan.h). */
static int attach_lun(const Target *path, uint32_t sid) {
        uint64_t kernel_lun = scsi_lun_flat(path->lun);
        IscsiSession s;
        int r;

        r = iscsi_session_read(sid, &s);
        if (r < 0)
                return log_error_errno(r, "%s: session %u to %s is not in sysfs: %m", path->credential, sid,
                                       path->name);
        r = scsi_scan_lun(s.host, kernel_lun);
        if (r == 0 && path->lun >= SCSI_LUN_FLAT_MIN) {
                /* Not flat space: peripheral device addressing (LIO). The units wait for the flat
                 * space by-path name; a rule of ours gives it to this LUN before it appears. */
                int k = by_path_alias_add(BY_PATH_ALIAS_RULES_DIR, path, true);

                if (k < 0)
                        log_warning_errno(k, "%s: cannot add the udev rule that names LUN %llu's disk as the units "
                                          "expect: %m", path->credential, (unsigned long long) path->lun);
                kernel_lun = path->lun;
                bool existed = scsi_lun_exists(s.host, kernel_lun);
                r = scsi_scan_lun(s.host, kernel_lun);
                /* Attached before the rule existed (a shared or foreign session that scanned
                 * it): no "add" event will come, so ask udev to look at it again. */
                if (r > 0 && existed && k >= 0 && (k = scsi_lun_retrigger(s.host, kernel_lun)) < 0)
                        log_warning_errno(k, "%s: cannot have udev name the disk of LUN %llu again: %m",
                                          path->credential, (unsigned long long) path->lun);
        }
        if (r < 0)
                return log_error_errno(r, "%s: cannot scan LUN %llu of session %u: %m", path->credential,
                                       (unsigned long long) path->lun, sid);
        if (r == 0)
                return log_error_errno(ENXIO, "%s: the target %s has no LUN %llu (session %u; the kernel found "
                                       "nothing there).", path->credential, path->name,
                                       (unsigned long long) path->lun, sid);
        log_info("%s: attached LUN %llu of session %u (kernel LUN %llu%s).", path->credential,
                 (unsigned long long) path->lun, sid, (unsigned long long) kernel_lun,
                 path->lun < SCSI_LUN_FLAT_MIN ? "" :
                 kernel_lun == path->lun ? ", peripheral device addressing" : ", flat space addressing");
        return 0;
}

/* Stop using every path @alias uses; log out the sessions iscsi-creds made
 * that nobody else uses. Returns the first error, having tried all. */
static int leave_all(const char *alias) {
        _cleanup_free_ NodeRef *refs = NULL;
        size_t n = 0;
        int r, first_error = 0;

        r = session_owner_paths_of(SESSION_REGISTRY_DIR, alias, &refs, &n);
        if (r < 0)
                return log_oom();
        if (n == 0)
                log_info("%s: uses no iSCSI session, nothing to log out.", alias);
        for (size_t i = 0; i < n; i++) {
                _cleanup_(session_owner_unlockp) SessionOwner *o = NULL;
                Target path = { .alias = (char *) alias, .credential = (char *) alias };
                unsigned users = 0;
                uint32_t sid = 0;

                path = path_of(&path, &refs[i]);
                r = session_owner_lock(SESSION_REGISTRY_DIR, &path, LOGOUT_LOCK_TIMEOUT, &o);
                if (r >= 0)
                        r = session_owner_leave(o, alias, &sid, &users);
                if (r < 0) {
                        log_error_errno(r, "%s: cannot update the record of the session to %s at %s:%u: %m", alias,
                                        path.name, path.portal.address, path.portal.port);
                } else if (r > 0) {
                        r = iscsiadm_logout(&path, sid);
                        if (r >= 0)
                                (void) session_owner_logged_out(o, sid);
                } else if (users > 0)
                        log_info("%s: the session to %s at %s:%u,%u stays: %u other alias%s still use%s it.", alias,
                                 path.name, path.portal.address, path.portal.port, path.tpgt, users,
                                 users == 1 ? "" : "es", users == 1 ? "s" : "");
                else
                        log_info("%s: the session to %s at %s:%u,%u was not made by iscsi-creds (or is gone); "
                                 "leaving it as it is.", alias, path.name, path.portal.address, path.portal.port,
                                 path.tpgt);
                if (r < 0 && first_error == 0)
                        first_error = r;
        }
        r = by_path_alias_remove(BY_PATH_ALIAS_RULES_DIR, alias);
        if (r < 0)
                log_warning_errno(r, "%s: cannot remove its udev rules from %s: %m", alias, BY_PATH_ALIAS_RULES_DIR);
        return first_error;
}

/* A portal where nothing answers would cost iscsiadm initial_login_retry_max x
 * login_timeout (about a minute) while the boot waits: ask TCP first
 * (portal-probe.h), and leave such paths to the retry service. Only for
 * the "default" iface over TCP, whose connections leave by the routing
 * table as the probe's do; other ifaces are bound to a NIC or offloaded.
 * Returns -EHOSTUNREACH when no path is up and none answers. */
static int probe_needed(Login *l) {
        Portal portals[PORTAL_PROBE_MAX];
        int errors[PORTAL_PROBE_MAX];
        size_t idx[PORTAL_PROBE_MAX], n = 0, n_up = 0, n_left = 0;

        if (!streq(l->t->iface, "default") || !streq_ptr(l->transport, "tcp"))
                return 0;
        for (size_t i = 0; i < l->n && n < PORTAL_PROBE_MAX; i++)
                if (l->need[i]) {
                        idx[n] = i;
                        portals[n++] = l->paths[i].portal;
                }
        if (n == 0 || portal_probe_all(portals, n, PORTAL_PROBE_TIMEOUT, errors) < 0)
                return 0;
        for (size_t k = 0; k < n; k++) {
                const Target *p = &l->paths[idx[k]];

                if (errors[k] == 0)
                        continue;
                l->need[idx[k]] = false;
                log_internal(LOG_ERR, errors[k], MESSAGE_ID_TARGET_UNREACHABLE,
                             "%s: portal %s:%u of %s does not answer (%s within %llu s); not logging in there.",
                             p->credential, p->portal.address, p->portal.port, p->name,
                             portal_probe_error_string(errors[k]),
                             (unsigned long long) (PORTAL_PROBE_TIMEOUT / USEC_PER_SEC));
        }
        for (size_t i = 0; i < l->n; i++) {
                n_up += l->up[i];
                n_left += l->need[i];
        }
        return n_up + n_left == 0 ? -EHOSTUNREACH : 0;
}

/* Everything up to having sessions, under the paths' locks. */
static int login_sessions(Login *l) {
        SessionOwner **owners = NULL;
        usec_t start = now_usec(CLOCK_MONOTONIC);
        int r;

        r = login_paths(l->t, l->secrets, start + DISCOVERY_BUDGET, &l->refs, &l->n);
        if (r < 0)
                return r;
        r = login_alloc_paths(l);
        if (r < 0)
                return r;
        r = session_owner_lock_all(SESSION_REGISTRY_DIR, l->paths, l->n, &owners);
        if (r < 0)
                return log_error_errno(r, "%s: cannot lock the session records under %s: %m", l->t->credential,
                                       SESSION_REGISTRY_DIR);
        r = join_sessions(l, owners);
        /* Paths already up are recorded: let other aliases in (their logouts too) while
         * the paths that need a login stay locked through it. */
        for (size_t i = 0; i < l->n; i++)
                if (l->up[i]) {
                        session_owner_unlock(owners[i]);
                        owners[i] = NULL;
                }
        if (r >= 0)
                r = probe_needed(l);
        login_step(l, LOGIN_STEP_PROBED);
        if (r >= 0)
                r = login_needed(l, owners, start + LOGIN_BUDGET);
        session_owners_unlock(owners, l->n);
        return r;
}

/* What the retry service needs to know (login-state.h): the result, the
 * unit to start again, the portals to watch. Nothing secret. */
static void record_result(const char *alias, const Login *l, size_t n_up, int r) {
        LoginState st = {
                .result = n_up == 0 ? LOGIN_RESULT_FAILED : n_up < l->n ? LOGIN_RESULT_PARTIAL : LOGIN_RESULT_OK,
                .status = n_up == 0 ? exit_status_from_errno(r < 0 ? r : -EIO) : 0,
        };
        _cleanup_free_ char *unit = NULL;
        int k;

        memcpy(st.steps, l->steps, sizeof st.steps);
        memcpy(st.cpu, l->cpu, sizeof st.cpu);
        if (l->t && target_boot_unit(l->t, &unit) >= 0 && strlen(unit) < sizeof st.unit)
                strcpy(st.unit, unit);
        for (size_t i = 0; i < l->n && st.n_down < LOGIN_STATE_PORTALS_MAX; i++)
                if (!l->up[i])
                        st.down[st.n_down++] = l->paths[i].portal;
        /* No path known (discovery failed): watch the discovery portals. */
        for (size_t i = 0; l->t && l->n == 0 && i < l->t->n_portals; i++)
                st.down[st.n_down++] = l->t->portals[i];
        k = login_state_write(LOGIN_STATE_DIR, alias, &st);
        if (k < 0)
                log_warning_errno(k, "%s: cannot record the login's result in %s: %m", alias, LOGIN_STATE_DIR);
}

/* Paths without a session: iscsi-creds-retry@.service watches them (a failed
 * login starts it by OnFailure=). Queued, not waited for: it runs after us. */
static void start_retry(const char *alias) {
        _cleanup_(sd_bus_flush_close_unrefp) sd_bus *bus = NULL;
        _cleanup_free_ char *unit = NULL;
        int r;

        if (asprintf(&unit, "iscsi-creds-retry@%s.service", alias) < 0)
                return (void) log_oom();
        r = manager_bus_open(&bus);
        if (r >= 0)
                r = manager_queue_job(bus, "StartUnit", unit, 0, NULL);
        if (r < 0)
                log_warning_errno(r, "%s: cannot start %s; the portals without a session are not tried again: %m",
                                  alias, unit);
}

/* verb_login() and, with @reload, verb_reload(): the same, except that a
 * reload never logs out what is there when nothing new comes up. */
static int login_run(const char *alias, bool reload) {
        _cleanup_(login_done) Login l = {};
        size_t n_up = 0;
        int r;

        login_step(&l, LOGIN_STEP_STARTED);
        r = login_load(alias, &l);
        login_step(&l, LOGIN_STEP_LOADED);
        if (r >= 0)
                r = login_sessions(&l);
        for (size_t i = 0; i < l.n; i++)
                n_up += l.up[i];
        if (alias_is_valid(alias))
                record_result(alias, &l, n_up, r);
        if (n_up == 0) {
                if (!reload)
                        (void) leave_all(alias);
                return r < 0 ? r : -EIO;
        }
        if (n_up < l.n) {
                log_notice("%s: logged in through %zu of %zu portals; the others are tried again in the background "
                           "(iscsi-creds-retry@%s.service).", l.t->credential, n_up, l.n, alias);
                if (!reload)
                        start_retry(alias);
        }

        for (size_t i = 0; i < l.n && !l.t->scan_auto; i++) {
                if (!l.up[i])
                        continue;
                r = attach_lun(&l.paths[i], l.sid[i]);
                if (r < 0 && !reload) {
                        /* ExecStopPost= would do it too; be sure no session of ours stays behind. */
                        record_result(alias, &l, 0, r);
                        (void) leave_all(alias);
                        return r;
                }
                if (r < 0)
                        return r;
        }
        if (!l.t->scan_auto) {
                /* The LUN is there: the same result, with the last step's time. */
                login_step(&l, LOGIN_STEP_ATTACHED);
                record_result(alias, &l, n_up, 0);
        }
        return 0;
}

int verb_login(const char *alias) {
        return login_run(alias, false);
}

int verb_reload(const char *alias) {
        return login_run(alias, true);
}

int verb_logout(const char *alias) {
        int r;

        if (!alias_is_valid(alias))
                return log_error_errno(EINVAL, "Invalid target alias \"%s\": " ALIAS_RULE ".", alias);
        /* No record is written here; the read-only tree is for iscsiadm. A logout
         * goes on without it: a stop must not fail on it. */
        r = mount_namespace_setup(NODE_DB_ROOT);
        if (r < 0)
                log_warning_errno(r, "%s: cannot make a private mount namespace; logging out without it: %m", alias);
        return leave_all(alias);
}
