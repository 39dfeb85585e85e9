/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * Reading open-iscsi's state through libopeniscsiusr: node records, ifaces
 * and sessions. libopeniscsiusr reads the node DB at its compiled-in root
 * (ISCSI_DB_ROOT) and sessions from sysfs; it cannot write records.
 */

#include <stdint.h>

#include "iscsi-name.h"
#include "target.h"

/**
 * node_db_check_record() - read the node DB back and find @t's record
 * @t: the target whose record was just written
 *
 * Lists every record with iscsi_nodes_get() and requires exactly one with
 * @t's target name, portal address and port, TPGT and iface. A record that
 * libopeniscsiusr cannot parse makes the whole listing fail (and would
 * break "iscsiadm -m node" for the host), so that is an error too.
 *
 * Return: 0 if exactly that record came back; -EBADMSG if the listing
 * failed; -ENOENT if no record matched; -ENOTUNIQ if more than one did;
 * -ENOMEM.
 */
int node_db_check_record(const Target *t);

/* One node record: a target reached through one portal, TPGT and iface. */
typedef struct NodeRef {
        char name[ISCSI_NAME_MAX + 1];
        Portal portal;
        unsigned tpgt;
        char iface[IFACE_NAME_MAX + 1];
} NodeRef;

/**
 * node_db_list() - every node record in the node DB
 * @ret: array of records (free()); NULL when there are none
 * @ret_n: number of records
 *
 * Used after SendTargets discovery, which writes one record per target and
 * portal it learned of. Records whose address is not an IP literal are
 * skipped.
 *
 * Return: 0; -EBADMSG if the listing failed; -ENOMEM.
 */
int node_db_list(NodeRef **ret, size_t *ret_n);

/**
 * node_db_iface_transport() - transport of an open-iscsi iface
 * @iface: iface name; "default" is always "tcp"
 * @ret: transport name ("tcp", "iser", "bnx2i", ...); free()
 *
 * Return: 0; -ENOENT if no such iface is configured; -ENOMEM; -EIO.
 */
int node_db_iface_transport(const char *iface, char **ret);

/**
 * iscsi_error_to_errno() - libopeniscsiusr's LIBISCSI_ERR_* as -errno
 * Return: 0 for LIBISCSI_OK, else a negative errno.
 */
int iscsi_error_to_errno(int rc);
