/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * Who may log out an iSCSI session: the rule, in one place.
 *
 * Several aliases may name LUNs of one target through the same portal,
 * TPGT and iface; open-iscsi gives them one session (a node has at most
 * one). That session is logged out when the last alias using it stops, and
 * only if iscsi-creds made it: a session someone else made (by hand, the
 * distribution's iscsi.service, the initrd) is used but never logged out.
 * iscsiadm's exit status cannot tell who made a session (upstream answers
 * 15 for "already logged in", Fedora/RHEL 0), so the decision is taken
 * from what is live before our login, under a lock.
 *
 * The record lives in memory (/run) and holds nothing secret, laid out like
 * open-iscsi's node DB:
 *
 *   REGISTRY/<target>/<address>,<port>,<tpgt>/<iface>/
 *       lock          flock(2)ed while an alias logs in or out of the path
 *       sid           "SID\n": iscsi-creds made the live session SID
 *       user.<alias>  one per alias that uses the session
 *
 * /run is emptied at every boot and kernel session ids are not reused
 * while the system runs (scsi_transport_iscsi.c counts them up), so a
 * recorded SID names one session only.
 */

#include <stdbool.h>
#include <stdint.h>

#include "cleanup.h"
#include "node-db.h"
#include "timespan.h"
#include "target.h"

#define SESSION_REGISTRY_DIR "/run/iscsi-creds/sessions"

typedef struct SessionOwner SessionOwner;

typedef enum SessionUse {
        SESSION_ABSENT,         /* no session: the caller logs in, then session_owner_created() */
        SESSION_OURS,           /* iscsi-creds made it (for this or another alias): shared */
        SESSION_FOREIGN,        /* someone else made it: used, never logged out by iscsi-creds */
} SessionUse;

/**
 * session_owner_lock() - take the ownership record of one path
 * @registry: SESSION_REGISTRY_DIR (tests pass their own)
 * @path: target name, portal, TPGT and iface of the path (@path->name set)
 * @timeout: how long to wait for the lock (µs); USEC_INFINITY: as long as it
 *           takes (a login, bounded by its unit's TimeoutStartSec=)
 * @ret: the locked record; release with session_owner_unlock()
 *
 * Creates the record's directories (0700) and waits in flock(2) until no
 * other alias is logging in to or out of the same path. Lock several paths
 * with session_owner_lock_all(), which takes them in one global order.
 *
 * Return: 0; -EINVAL if @path has no target name or a name that cannot be
 * a directory ("", ".", "..", one with '/'); -ETIMEDOUT if @timeout passed;
 * -ENOMEM; -errno from mkdir_p() (-ENAMETOOLONG, -ENOTDIR, ...), open(2),
 * flock(2).
 */
int session_owner_lock(const char *registry, const Target *path, usec_t timeout, SessionOwner **ret);

/**
 * session_owner_lock_all() - session_owner_lock() for @n paths, deadlock-free
 * @ret: array of @n locked records, in the order of @paths; free with
 *       session_owners_unlock() (entries may be unlocked and set to NULL
 *       one by one before that)
 *
 * Waits as long as it takes (USEC_INFINITY).
 *
 * Return: as session_owner_lock(); -ENOTUNIQ if a path is given twice; on
 * error none is held.
 */
int session_owner_lock_all(const char *registry, const Target *paths, size_t n, SessionOwner ***ret);

/** session_owner_unlock() - release the lock and free; NULL is fine. */
void session_owner_unlock(SessionOwner *o);
DEFINE_TRIVIAL_CLEANUP_FUNC(SessionOwner *, session_owner_unlock);

/** session_owners_unlock() - session_owner_unlock() each of @n, then free the array. */
void session_owners_unlock(SessionOwner **o, size_t n);

/**
 * session_owner_join() - start using the live session of the path, if any
 * @o: locked record
 * @alias: the alias that will use it
 * @ret_sid: the live session's id (SESSION_OURS, SESSION_FOREIGN)
 *
 * Looks the path's session up in sysfs (iscsi_session_find()). When there
 * is one, @alias is recorded as a user and the session is ours only if its
 * id is the one recorded when iscsi-creds made it; a stale record (the
 * session was logged out or replaced behind our back) is dropped, so a
 * replacement made by someone else is never taken for ours.
 *
 * Return: SESSION_ABSENT, SESSION_OURS or SESSION_FOREIGN; -ENOMEM; -errno
 * from writing the record.
 */
int session_owner_join(SessionOwner *o, const char *alias, uint32_t *ret_sid);

/**
 * session_owner_created() - record that our login made session @sid
 * @o: locked record that session_owner_join() found SESSION_ABSENT
 * @alias: the alias that logged in
 * @sid: the new session's id
 *
 * Return: 0 or -errno from writing the record.
 */
int session_owner_created(SessionOwner *o, const char *alias, uint32_t sid);

/**
 * session_owner_leave() - stop using the path; say whether to log out
 * @o: locked record
 * @alias: the alias that stops
 * @ret_sid: the session to log out, when 1 is returned
 * @ret_users: if not NULL, set to how many other aliases still use it
 *
 * Return: 1 if iscsi-creds made the live session and @alias was its last
 * user: the caller logs it out (while still holding the lock); 0 if it must
 * stay (other users, not ours, or gone); -errno from the record.
 */
int session_owner_leave(SessionOwner *o, const char *alias, uint32_t *ret_sid, unsigned *ret_users);

/**
 * session_owner_logged_out() - forget session @sid after its logout
 * Return: 0 or -errno.
 */
int session_owner_logged_out(SessionOwner *o, uint32_t sid);

/**
 * session_owner_paths_of() - the paths an alias uses, from the registry
 * @registry: SESSION_REGISTRY_DIR
 * @alias: alias
 * @ret: array of paths (target name, portal, TPGT, iface); free(); NULL
 *       when there are none
 * @ret_n: number of paths
 *
 * This is what logout needs: it works without the unit's credentials
 * (systemd 252 hides them from ExecStop=, 257 unsets the variable).
 * Entries whose names do not parse are skipped.
 *
 * Return: 0; -ENOMEM.
 */
int session_owner_paths_of(const char *registry, const char *alias, NodeRef **ret, size_t *ret_n);

/**
 * session_owner_users() - the aliases using a path, for status
 * @registry: SESSION_REGISTRY_DIR
 * @path: the path
 * @ret_ours: set to whether iscsi-creds made the live session with @ret_sid
 * @ret_users: NULL-terminated list of aliases (free each, then the array);
 *             empty when none are recorded
 *
 * Reads without locking: a snapshot.
 *
 * Return: 0; -EINVAL for a path that cannot name a record (see
 * session_owner_lock()); -ENOMEM.
 */
int session_owner_users(const char *registry, const Target *path, bool *ret_ours, char ***ret_users);
