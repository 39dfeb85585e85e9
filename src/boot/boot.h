/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * The commands iscsi-creds' units run at boot and shutdown: "iscsi-creds
 * login|reload|retry|logout|unlock|lock ALIAS". They live in the
 * iscsi-creds program itself, which links only what they need (libsystemd for the journal,
 * libopeniscsiusr, libcryptsetup), so that it starts on a machine, or in
 * an initrd, without the admin commands' libraries.
 */

#include "cli-util.h"

/**
 * verb_login() - "iscsi-creds login ALIAS" (ExecStart= of the login unit)
 * @alias: target alias
 *
 * Reads iscsi.target.ALIAS and its secrets from $CREDENTIALS_DIRECTORY
 * (what PID 1 decrypted for this service). For each path (portal, or what
 * SendTargets discovery announced) it uses the session that is there
 * (session-owner.h) or writes the node record into the node DB (refusing
 * unless DBROOT/nodes is a tmpfs, so no secret reaches persistent
 * storage), checks it through libopeniscsiusr, logs in and removes the
 * record. A path whose portal does not answer a TCP connect within
 * PORTAL_PROBE_TIMEOUT (portal-probe.h; "default" iface only) is not
 * tried. With node.session.scan = manual it then attaches the LUN. The
 * result goes to /run/iscsi-creds/login/ALIAS (login-state.h); with some
 * paths left without a session, iscsi-creds-retry@ALIAS.service is
 * started to watch them.
 *
 * Return: 0; errors of load_target(), load_chap_secrets(),
 * node_record_write(), node_db_check_record(), iscsiadm_login(),
 * login_paths(); -EHOSTUNREACH if no path has a session and no portal
 * answered; -EMEDIUMTYPE if the node DB is not on a tmpfs; -ENXIO if the
 * target has no such LUN; -EIO if no path logged in.
 */
int verb_login(const char *alias);

/**
 * verb_reload() - "iscsi-creds reload ALIAS" (ExecStart= of iscsi-creds-paths@.service)
 * @alias: target alias
 *
 * verb_login() again while the login unit is active: paths with a session
 * are used as they are, the others are logged in (with discovery,
 * SendTargets is asked again). iscsi-creds-retry@.service starts the paths
 * unit once a portal without a session answers; PID 1 hands that unit the
 * login's credentials and the same private tmpfs over the node DB. Unlike
 * verb_login() it never logs out a session when it fails.
 *
 * Return: as verb_login().
 */
int verb_reload(const char *alias);

/**
 * verb_retry() - "iscsi-creds retry ALIAS" (ExecStart= of iscsi-creds-retry@.service)
 * @alias: target alias
 *
 * Watches the portals the last login of @alias left without a session
 * (/run/iscsi-creds/login/ALIAS, login-state.h): probes them with a TCP
 * connect after 2 s, then after twice as long each time, at most 60 s
 * apart (after an authentication failure: every 2 min); when one answers,
 * starts the unit the boot would have started for the alias (its mount,
 * unlock or login unit, target_boot_unit()), or iscsi-creds-paths@ALIAS.service
 * if the login is active with paths missing, and waits for that job. Publishes its
 * state in /run/iscsi-creds/retry/ALIAS and in the unit's STATUS=; logs one
 * message per change of state (MESSAGE_ID_RETRY_*). Needs no credential.
 * When PID 1 failed the login unit at its credentials (exit status 243) it
 * says why, for the login unit's journal too (credential-failure.h,
 * MESSAGE_ID_CREDENTIAL_UNUSABLE), and waits, without retrying, for a start
 * of the login unit that gets past them.
 *
 * Return: 0 once every path has a session, or on SIGTERM (the file is
 * removed); -EINVAL invalid alias; -ENOENT no login result to act on;
 * -errno of connecting to systemd, of asking it about the login unit or of
 * queueing a job.
 */
int verb_retry(const char *alias);

/**
 * verb_logout() - "iscsi-creds logout ALIAS" (ExecStopPost= of the login unit)
 *
 * Stops using every session the alias used (session-owner.h) and logs out
 * those iscsi-creds made that no other alias uses; no session is success.
 * Needs no credential: the session records in /run say what to do.
 *
 * Return: 0; -EINVAL for an invalid alias; the first error of
 * session_owner_lock(), session_owner_leave() or iscsiadm_logout(), all
 * paths having been tried.
 */
int verb_logout(const char *alias);

/**
 * verb_unlock() - "iscsi-creds unlock ALIAS" (ExecStart= of the unlock unit)
 *
 * Opens the LUKS volume on the target's by-path device as
 * /dev/mapper/iscsi-ALIAS with libcryptsetup, the passphrase being the bytes
 * of the "iscsi.luks.ALIAS" credential PID 1 decrypted for the unit (one
 * trailing newline dropped). Already open is success.
 *
 * Return: 0; -EACCES wrong passphrase (logged with MESSAGE_ID_AUTH_FAILED);
 * -EINVAL "luks = yes" not set or empty passphrase; -ENOENT credential
 * missing; other -errno from libcryptsetup.
 */
int verb_unlock(const char *alias);

/**
 * verb_lock() - "iscsi-creds lock ALIAS" (ExecStop= of the unlock unit)
 *
 * Closes /dev/mapper/iscsi-ALIAS; not open is success. Needs no credential.
 *
 * Return: 0, or -errno from libcryptsetup.
 */
int verb_lock(const char *alias);
