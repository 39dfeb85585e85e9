/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stdbool.h>
#include <stdint.h>

/*
 * Attaching one LUN of an iSCSI session ourselves ("node.session.scan =
 * manual": open-iscsi then scans nothing after login).
 *
 * The kernel's number for a LUN (the L of H:C:T:L, and what udev's path_id
 * prints) is the 8-byte SCSI LUN the target reports, read by
 * scsilun_to_int(). Below 256 every target agrees. From 256 on they do not
 * (SAM-5 §4.7): tgt reports flat space addressing, kernel LUN 0x4000 | N;
 * LIO (the kernel target, targetcli, many NAS products) reports
 * peripheral device addressing with the high bits in the bus identifier,
 * kernel LUN N. Nothing but asking tells them apart, so the login helper
 * (attach_lun() in login.c) probes the flat form first, then the peripheral one: a target answers a
 * probe of a LUN it does not have with "logical unit not supported"
 * (peripheral qualifier 3) and the kernel attaches nothing.
 */

/* LUNs from here on are encoded differently by different targets. */
#define SCSI_LUN_FLAT_MIN 256
#define SCSI_LUN_FLAT_SPACE 0x4000

/**
 * scsi_lun_flat() - the kernel's LUN for configured LUN @lun under SAM flat space addressing
 * Return: @lun below 256, else 0x4000 | @lun (SAM-5 §4.7.7).
 */
uint64_t scsi_lun_flat(uint64_t lun);

/**
 * scsi_scan_lun() - have the kernel probe one LUN of a session's SCSI host
 * @host: SCSI host number of the session (one host per software-iSCSI
 *        session; channel and target id 0)
 * @kernel_lun: the kernel's LUN number to probe
 *
 * Writes "0 0 L" to /sys/class/scsi_host/hostH/scan
 * (Documentation/ABI/testing/sysfs-class-scsi_host); the scan runs before
 * the write returns. A LUN already attached is not probed again.
 *
 * Return: 1 if the SCSI device H:0:0:L exists afterwards; 0 if the target
 * has no such LUN; -ENOENT if the host is not in sysfs; -errno from
 * writing the scan file.
 */
int scsi_scan_lun(unsigned host, uint64_t kernel_lun);

/**
 * scsi_lun_exists() - whether the SCSI device H:0:0:L is attached
 * @host: SCSI host number
 * @kernel_lun: the kernel's LUN number
 *
 * Return: true if /sys/class/scsi_device/H:0:0:L exists.
 */
bool scsi_lun_exists(unsigned host, uint64_t kernel_lun);

/**
 * scsi_lun_retrigger() - have udev process a LUN's disk and partitions again
 * @host: SCSI host number
 * @kernel_lun: the kernel's LUN number
 *
 * Writes "change" to the uevent file of the LUN's block device and of each
 * of its partitions (Documentation/ABI/testing/sysfs-uevent), so that rules
 * added after the disk appeared (by_path_alias_add()) apply to it too.
 *
 * Return: the number of devices triggered; -ENOENT if the LUN has no block
 * device; -errno from opening or writing a uevent file.
 */
int scsi_lun_retrigger(unsigned host, uint64_t kernel_lun);
