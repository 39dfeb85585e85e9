/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * Running iscsiadm(8). Never with a secret in argv or the environment:
 * "iscsiadm -m node ... --login" reads the CHAP secrets from the node
 * record and hands them to iscsid over its socket.
 */

#include <stdbool.h>
#include <stdint.h>

#include "target.h"

/* Bound for one iscsiadm run: initial_login_retry_max logins of
 * login_timeout each (node-record.h) plus slack; below the login unit's
 * TimeoutStartSec=. Callers with a deadline pass less. */
#define ISCSIADM_TIMEOUT (100 * USEC_PER_SEC)
/* A logout: the logout unit's TimeoutStopSec=60s holds it and the wait for
 * the path's lock. */
#define ISCSIADM_LOGOUT_TIMEOUT (30 * USEC_PER_SEC)

/* Returned when iscsiadm ran past its time and we killed it: distinct from
 * -ETIMEDOUT, iscsiadm's own "connection timed out", because trying again
 * after our own kill only burns the time left. */
#define ISCSIADM_KILLED (-ETIME)

/**
 * iscsiadm_login() - "iscsiadm -m node -T NAME -p ADDR:PORT,TPGT -I IFACE --login"
 * @t: target whose node record has been written
 * @mutual: mutual CHAP is configured (changes how status 19 is reported)
 * @timeout: time limit (µs), at most ISCSIADM_TIMEOUT; iscsiadm gets
 *           SIGTERM, then SIGKILL, when it passes
 *
 * A failing exit status (iscsiadm(8), EXIT STATUS) is turned into one
 * clear log line with a MESSAGE_ID; a success is not logged here (the
 * caller logs it once, with the session, as MESSAGE_ID_LOGGED_IN).
 *
 * Return: 0 on success (iscsiadm's 0, which Fedora/RHEL also answer for a
 * session that already existed); 1 if iscsiadm said the session already
 * existed (15: someone else logged in meanwhile); -EACCES authentication failed (24, or 19 with
 * mutual CHAP: the target failed to authenticate itself); -EPERM fatal
 * login error, e.g. the target refused this initiator (19);
 * -EHOSTUNREACH portal unreachable (4); -ETIMEDOUT connection timed out
 * (8); ISCSIADM_KILLED if iscsiadm ran past @timeout; -ECONNREFUSED iscsid
 * not reachable (20); -ENODEV transport module missing (12); -EBADMSG node
 * DB error (6); -ENOENT no record (21); -EIO any other failure.
 */
int iscsiadm_login(const Target *t, bool mutual, usec_t timeout);

/**
 * iscsiadm_login_all_portals() - "iscsiadm -m node -T NAME -I IFACE --login"
 * @t: target whose node records (one per portal) have been written
 * @mutual: mutual CHAP is configured
 * @timeout: as for iscsiadm_login()
 * @ret_status: iscsiadm's exit status
 *
 * iscsiadm sends the logins of all the target's records to iscsid at once
 * and waits for them together: a dead portal costs its timeout once, not
 * on top of the others. Nothing is logged here: some portals may have
 * logged in even when the status says otherwise; the caller counts the
 * sessions and reports with iscsiadm_report_login().
 *
 * Return: 0 if iscsiadm reported success (0 or 15), -EIO if not,
 * ISCSIADM_KILLED, or -errno if it could not be run.
 */
int iscsiadm_login_all_portals(const Target *t, bool mutual, usec_t timeout, int *ret_status);

/**
 * iscsiadm_report_login() - log a failed login's status as iscsiadm_login() does
 * Return: the mapped -errno (see iscsiadm_login()).
 */
int iscsiadm_report_login(const Target *t, int status, bool mutual);

/**
 * iscsiadm_discover() - "iscsiadm -m discoverydb -t sendtargets -p ADDR:PORT --discover"
 * @t: target whose discovery record (for @t->portal) has been written
 * @mutual: mutual CHAP is configured for discovery
 * @timeout: as for iscsiadm_login()
 *
 * SendTargets discovery (RFC 7143 §13.3) with the discovery record's
 * secrets; iscsiadm writes a node record for every target and portal the
 * target announces.
 *
 * Return: 0; errors as for iscsiadm_login(), a discovery CHAP failure being
 * -EACCES.
 */
int iscsiadm_discover(const Target *t, bool mutual, usec_t timeout);

/**
 * iscsiadm_logout() - "iscsiadm -m session -r SID --logout"
 * @t: target, for messages
 * @sid: session id (iscsi_session_find())
 *
 * Bounded by ISCSIADM_LOGOUT_TIMEOUT.
 *
 * Return: 0 on success or if the session is already gone (21); -EIO or
 * another mapped error as for iscsiadm_login(); ISCSIADM_KILLED.
 */
int iscsiadm_logout(const Target *t, uint32_t sid);
