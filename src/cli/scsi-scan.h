/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stdint.h>

/**
 * scsi_scan_lun() - have the kernel probe one LUN of an iSCSI session
 * @sid: session id (/sys/class/iscsi_session/session<SID>)
 * @lun: the configured LUN, 0..16383
 *
 * With "node.session.scan = manual" open-iscsi does not scan the target's
 * LUNs after login; this attaches exactly the one configured. It writes
 * "0 0 L" (channel, target id, LUN; one SCSI host per software-iSCSI
 * session, channel and id 0) to the session's /sys/class/scsi_host/hostH/scan
 * (Documentation/ABI/testing/sysfs-class-scsi_host). L is the kernel's LUN
 * number: N below 256, 0x4000 | N above (SAM flat-space addressing, which
 * is how Linux numbers such LUNs).
 *
 * Return: 0; -ENOENT if the session or its SCSI host is not in sysfs;
 * -errno from writing the scan file.
 */
int scsi_scan_lun(uint32_t sid, uint64_t lun);
