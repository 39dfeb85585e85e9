/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * Live iSCSI sessions as the kernel's iSCSI transport class shows them in
 * sysfs (Documentation/ABI/... iscsi_session, iscsi_connection; drivers/
 * scsi/scsi_transport_iscsi.c). Only the identifying attributes are read:
 * libopeniscsiusr's iscsi_sessions_get() reads every session's CHAP
 * username and password too, and a lookup must not pull secrets into our
 * memory.
 *
 * A session is identified the way open-iscsi identifies a node: target
 * name, persistent portal (address and port the session was created for),
 * TPGT and iface (iscsiadm(8) "-T -p ADDR:PORT,TPGT -I IFACE").
 */

#include <stdbool.h>
#include <stdint.h>

#include "target.h"

typedef struct IscsiSession {
        uint32_t sid;                   /* /sys/class/iscsi_session/session<SID>; iscsiadm -m session -r SID */
        unsigned host;                  /* SCSI host number of the session (hostH) */
        char persistent_address[64];    /* the portal address the session was created for */
        unsigned persistent_port;
        int tpgt;
        char iface[IFACE_NAME_MAX + 1]; /* open-iscsi iface name ("default") */
} IscsiSession;

/**
 * iscsi_session_find() - the live session of one path
 * @path: target name (@path->name), portal, TPGT and iface to match; the
 *        name is compared byte for byte (open-iscsi and the kernel do), the
 *        address as an address (sysfs and records may spell IPv6 alike
 *        differently)
 * @ret: filled when found; may be NULL
 *
 * Return: 1 if found, 0 if there is none, -ENOMEM. Sessions that vanish
 * while they are read are skipped; a missing /sys/class/iscsi_session (no
 * iSCSI transport loaded) is "none".
 */
int iscsi_session_find(const Target *path, IscsiSession *ret);

/**
 * iscsi_session_read() - the identifying attributes of session @sid
 * @sid: session id
 * @ret: filled on success
 *
 * Return: 0; -ENOENT if the session is gone or is not a session this
 * module understands; -ENOMEM.
 */
int iscsi_session_read(uint32_t sid, IscsiSession *ret);
