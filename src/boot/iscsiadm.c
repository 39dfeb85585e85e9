/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include <errno.h>
#include <stdio.h>

#include "config.h"
#include "string-util.h"
#include "iscsiadm.h"
#include "log.h"
#include "spawn.h"

static char *const clean_env[] = { (char *) "PATH=/usr/sbin:/usr/bin:/sbin:/bin", NULL };

typedef struct ExitMap {
        int status;
        int error;
        const char *message_id;
        const char *what;
} ExitMap;

/* iscsiadm(8) EXIT STATUS, open-iscsi 2.1.8. */
static const ExitMap exit_map[] = {
        { 24, EACCES, MESSAGE_ID_AUTH_FAILED,
          "authentication failed: the target rejected the CHAP credentials (check "
          "node.session.auth.username/password, and username_in/password_in for mutual CHAP)" },
        { 19, EPERM, MESSAGE_ID_LOGIN_FAILED,
          "fatal login error: the target refused the login (wrong target name, or this initiator is not allowed)" },
        { 4, EHOSTUNREACH, MESSAGE_ID_TARGET_UNREACHABLE, "target unreachable: could not connect to the portal" },
        { 8, ETIMEDOUT, MESSAGE_ID_TARGET_UNREACHABLE, "target unreachable: the connection timed out" },
        { 11, ETIMEDOUT, MESSAGE_ID_TARGET_UNREACHABLE, "the target did not answer in time (iSCSI PDU timeout)" },
        { 20, ECONNREFUSED, MESSAGE_ID_LOGIN_FAILED, "cannot connect to iscsid (is iscsid.socket or iscsid.service running?)" },
        { 12, ENODEV, MESSAGE_ID_LOGIN_FAILED, "the iSCSI transport kernel module (iscsi_tcp) is not loaded" },
        { 6, EBADMSG, MESSAGE_ID_LOGIN_FAILED, "iscsiadm reported a node database error" },
        { 21, ENOENT, MESSAGE_ID_LOGIN_FAILED, "iscsiadm found no node record" },
        { 5, EIO, MESSAGE_ID_LOGIN_FAILED, "the login failed" },
};

static int report(const Target *t, const char *action, int status, bool mutual) {
        if (streq(action, "discovery") && (status == 24 || (status == 19 && mutual)))
                return log_internal(LOG_ERR, EACCES, MESSAGE_ID_AUTH_FAILED,
                                    "%s: SendTargets discovery at %s:%u failed: authentication failed: the target rejected the "
                                    "discovery CHAP credentials (check discovery.sendtargets.auth.username/password%s) "
                                    "(iscsiadm exit status %d).", t->alias, t->portal.address, t->portal.port,
                                    mutual ? ", username_in/password_in" : "", status);

        /* Seen with open-iscsi 2.1.8: when the target's answer to mutual CHAP does not match
         * username_in/password_in, the initiator ends the login as non-retryable (19), not 24. */
        if (status == 19 && mutual)
                return log_internal(LOG_ERR, EACCES, MESSAGE_ID_AUTH_FAILED,
                                    "%s: %s to %s at %s:%u failed: authentication failed: the target did not prove "
                                    "its identity for mutual CHAP (check node.session.auth.username_in/password_in), "
                                    "or it refused this initiator (iscsiadm exit status 19).",
                                    t->alias, action, t->name, t->portal.address, t->portal.port);

        for (size_t i = 0; i < ELEMENTSOF(exit_map) && streq(action, "discovery"); i++)
                if (exit_map[i].status == status)
                        return log_internal(LOG_ERR, exit_map[i].error, exit_map[i].message_id,
                                            "%s: SendTargets discovery at %s:%u failed: %s (iscsiadm exit status %d).",
                                            t->alias, t->portal.address, t->portal.port, exit_map[i].what, status);

        for (size_t i = 0; i < ELEMENTSOF(exit_map); i++)
                if (exit_map[i].status == status)
                        return log_internal(LOG_ERR, exit_map[i].error, exit_map[i].message_id,
                                            "%s: %s to %s at %s:%u failed: %s (iscsiadm exit status %d).",
                                            t->alias, action, t->name ?: "SendTargets discovery", t->portal.address, t->portal.port,
                                            exit_map[i].what, status);
        return log_internal(LOG_ERR, EIO, MESSAGE_ID_LOGIN_FAILED,
                            "%s: %s %s %s failed: iscsiadm exit status %d.", t->alias, action, t->name ? "to" : "for",
                            t->name ?: "SendTargets discovery", status);
}

static int run(const Target *t, const char *action, char *const argv[], usec_t timeout, int *ret_status) {
        SpawnResult res;
        int r;

        if (timeout > ISCSIADM_TIMEOUT)
                timeout = ISCSIADM_TIMEOUT;
        r = spawn_run(argv, clean_env, false, 0, timeout, &res);
        if (r == SPAWN_TIMEOUT && streq(action, "discovery"))
                log_internal(LOG_ERR, ETIMEDOUT, MESSAGE_ID_TARGET_UNREACHABLE,
                             "%s: SendTargets discovery at %s:%u did not finish within %.1f s; iscsiadm was stopped.",
                             t->alias, t->portal.address, t->portal.port, (double) timeout / USEC_PER_SEC);
        else if (r == SPAWN_TIMEOUT)
                log_internal(LOG_ERR, ETIMEDOUT, MESSAGE_ID_TARGET_UNREACHABLE,
                             "%s: %s to %s at %s:%u did not finish within %.1f s; iscsiadm was stopped.", t->alias,
                             action, t->name, t->portal.address, t->portal.port, (double) timeout / USEC_PER_SEC);
        if (r == SPAWN_TIMEOUT)
                return ISCSIADM_KILLED;
        if (r < 0)
                return log_error_errno(r, "%s: cannot run %s: %m", t->alias, ISCSIADM_PATH);
        *ret_status = res.status;
        spawn_result_done(&res);
        return 0;
}

int iscsiadm_login(const Target *t, bool mutual, usec_t timeout) {
        char portal[PORTAL_STRING_MAX], portal_tpgt[PORTAL_STRING_MAX + 8], tpgt[16];
        int status, r;

        snprintf(tpgt, sizeof tpgt, "%u", t->tpgt);
        snprintf(portal_tpgt, sizeof portal_tpgt, "%s,%s", portal_to_string(&t->portal, portal), tpgt);

        char *argv[] = { (char *) ISCSIADM_PATH, (char *) "-m", (char *) "node", (char *) "-T", t->name,
                         (char *) "-p", portal_tpgt, (char *) "-I", t->iface, (char *) "--login", NULL };

        r = run(t, "login", argv, timeout, &status);
        if (r < 0)
                return r;
        /* The caller logs the login with its session (MESSAGE_ID_LOGGED_IN, once per login). */
        if (status == 15)
                log_info("%s: a session to %s at %s already existed (someone else logged in meanwhile).", t->alias,
                         t->name, portal_tpgt);
        if (status == 0 || status == 15)
                return status == 15;
        return report(t, "login", status, mutual);
}

int iscsiadm_login_all_portals(const Target *t, bool mutual, usec_t timeout, int *ret_status) {
        int status, r;

        char *argv[] = { (char *) ISCSIADM_PATH, (char *) "-m", (char *) "node", (char *) "-T", t->name,
                         (char *) "-I", t->iface, (char *) "--login", NULL };

        r = run(t, "login", argv, timeout, &status);
        if (r < 0)
                return r;
        *ret_status = status;
        return status == 0 || status == 15 ? 0 : -EIO;
}

int iscsiadm_report_login(const Target *t, int status, bool mutual) {
        return report(t, "login", status, mutual);
}

int iscsiadm_discover(const Target *t, bool mutual, usec_t timeout) {
        char portal[PORTAL_STRING_MAX];
        int status, r;

        portal_to_string(&t->portal, portal);
        char *argv[] = { (char *) ISCSIADM_PATH, (char *) "-m", (char *) "discoverydb", (char *) "-t",
                         (char *) "sendtargets", (char *) "-p", portal, (char *) "--discover", NULL };

        r = run(t, "discovery", argv, timeout, &status);
        if (r < 0)
                return r;
        if (status == 0) {
                log_info("%s: SendTargets discovery at %s done.", t->alias, portal);
                return 0;
        }
        return report(t, "discovery", status, mutual);
}

int iscsiadm_logout(const Target *t, uint32_t sid) {
        char sid_str[16];
        int status, r;

        snprintf(sid_str, sizeof sid_str, "%u", sid);
        char *argv[] = { (char *) ISCSIADM_PATH, (char *) "-m", (char *) "session", (char *) "-r", sid_str,
                         (char *) "--logout", NULL };

        r = run(t, "logout", argv, ISCSIADM_LOGOUT_TIMEOUT, &status);
        if (r < 0)
                return r;
        if (status == 0 || status == 21) {
                log_internal(LOG_INFO, 0, MESSAGE_ID_LOGGED_OUT, "%s: logged out of %s (session %s).", t->alias,
                             t->name, sid_str);
                return 0;
        }
        return report(t, "logout", status, false);
}
