/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * open-iscsi node records (iscsiadm(8), "node DB"; idbm.c in open-iscsi is
 * the reference for the format): one file per target, portal, TPGT and iface at
 * DBROOT/nodes/<target>/<address>,<port>,<tpgt>/<iface>, "key = value"
 * lines (the blank before '=' is required), directories 0700, file 0600.
 *
 * A record holds CHAP secrets. The login unit mounts a private tmpfs over
 * DBROOT/nodes, so the record exists only in memory and only inside that
 * unit's mount namespace, and the login helper removes it as soon as
 * iscsiadm has handed it to iscsid.
 */

#include "chap.h"
#include "target.h"

/* Login tuning written into every record: a dead portal fails the login
 * after initial_login_retry_max attempts of login_timeout seconds each,
 * well inside the unit's TimeoutStartSec=. */
#define NODE_LOGIN_TIMEOUT_SEC 15
#define NODE_INITIAL_LOGIN_RETRY_MAX 4
#define NODE_REPLACEMENT_TIMEOUT_SEC 120

/**
 * node_record_render() - the text of the node record for @t
 * @t: validated target
 * @secrets: CHAP secrets, or NULL for a login without authentication
 * @transport: open-iscsi transport of the iface ("tcp" for "default")
 * @ret: NUL-terminated record text, ending in '\n' (open-iscsi drops an
 *       unterminated last line); holds secrets: free with erase_and_free()
 *
 * Both node.startup and node.conn[0].startup are "manual": "iscsiadm
 * --loginall=automatic" picks a record if either is "automatic".
 * node.discovery_type is left out on purpose (open-iscsi 2.1.9-2.1.11
 * misread "static").
 *
 * Return: 0 or -ENOMEM.
 */
int node_record_render(const Target *t, const ChapSecrets *secrets, const char *transport, char **ret);

/**
 * node_record_path() - where the record for @t lives
 * @db_root: open-iscsi's node DB root (/etc/iscsi or /var/lib/iscsi)
 * @t: target
 * @ret_dir: DBROOT/nodes/<target>/<address>,<port>,<tpgt>; free()
 * @ret_file: @ret_dir + "/" + iface; free()
 *
 * Return: 0 or -ENOMEM.
 */
int node_record_path(const char *db_root, const Target *t, char **ret_dir, char **ret_file);

/**
 * node_record_write() - store a rendered record, never half-written
 * @db_root: node DB root
 * @t: target (gives the path)
 * @record: text from node_record_render()
 *
 * Creates missing directories with mode 0700, writes the record to an
 * unnamed file (O_TMPFILE) in its final directory with mode 0600, and
 * links it into place only when complete, so no reader ever sees a
 * partial record and no temporary name is ever visible under nodes/ (a
 * stray entry there breaks every listing of the node DB). An existing
 * record is replaced.
 *
 * Return: 0; -errno from the file system (-EOPNOTSUPP if it has no
 * O_TMPFILE, -EROFS, -EACCES, -ENOSPC).
 */
int node_record_write(const char *db_root, const Target *t, const char *record);

/**
 * discovery_record_render() - the SendTargets discovery record for a portal
 * @portal: discovery portal
 * @secrets: secrets whose discovery.sendtargets.auth.* are used, or NULL
 * @ret: record text (as iscsiadm -m discoverydb -o new writes it, plus the
 *       auth keys); holds secrets: free with erase_and_free()
 *
 * Return: 0 or -ENOMEM.
 */
int discovery_record_render(const Portal *portal, const ChapSecrets *secrets, char **ret);

/**
 * discovery_record_write() - store it at DBROOT/send_targets/ADDR,PORT/st_config
 *
 * Same guarantees as node_record_write(). The login unit keeps a private
 * tmpfs over DBROOT/send_targets too.
 *
 * Return: 0 or -errno.
 */
int discovery_record_write(const char *db_root, const Portal *portal, const char *record);
