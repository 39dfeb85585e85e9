/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "portal.h"

/* systemd: a unit name is at most 255 bytes (UNIT_NAME_MAX 256 incl. NUL). */
#define UNIT_NAME_MAX 255

/**
 * path_normalize() - check and simplify an absolute path for a mount point
 * @path: the path as configured
 * @ret: simplified copy: "//" collapsed, "/./" removed, no trailing '/'
 *       (systemd's path_simplify()); free() it
 * @ret_reason: on failure, the rule that was broken
 *
 * A backslash is an ordinary byte here (systemd's path_is_valid() allows
 * it); callers that write the path into a unit file check it with
 * unit_value_check().
 *
 * Return: 0 on success; -EINVAL if the path is not absolute, has a ".."
 * component or a control character; -ENOMEM.
 */
int path_normalize(const char *path, char **ret, const char **ret_reason);

/**
 * unit_name_escape() - systemd's string escaping for unit names
 * @s: string to escape
 * @ret: escaped copy; free() it
 *
 * Every byte outside [A-Za-z0-9:_.] becomes "\xHH" (lower-case hex), '/'
 * becomes '-', a leading '.' is escaped (systemd.unit(5), "STRING
 * ESCAPING FOR INCLUSION IN UNIT NAMES"; same as "systemd-escape").
 *
 * Return: 0 or -ENOMEM.
 */
int unit_name_escape(const char *s, char **ret);

/**
 * unit_name_from_path() - the unit name systemd derives from a path
 * @path: absolute path (simplified first, as "systemd-escape --path" does)
 * @suffix: ".mount", ".device", ...
 * @ret: the unit name; free() it
 *
 * "/" becomes "-"; otherwise leading and trailing slashes are dropped and
 * the rest escaped with unit_name_escape().
 *
 * Return: 0; -EINVAL if @path is not absolute or has a ".." component;
 * -ENAMETOOLONG if the name would exceed UNIT_NAME_MAX bytes (PID 1
 * would not accept it); -ENOMEM.
 */
int unit_name_from_path(const char *path, const char *suffix, char **ret);

/**
 * by_path_name() - udev's /dev/disk/by-path link of a software-iSCSI LUN
 * @portal: the portal the session connects to (its canonical address is
 *          what open-iscsi reports as the persistent address)
 * @target: the target's iSCSI name
 * @lun: configured LUN, 0..16383
 * @ret: "/dev/disk/by-path/ip-ADDR:PORT-iscsi-TARGET-lun-N"; free() it
 *
 * Mirrors systemd's path_id (src/udev/udev-builtin-path_id.c,
 * handle_scsi_iscsi() and format_lun_number()): IPv6 addresses appear
 * without brackets; LUNs 0..255 print as "lun-N"; larger LUNs print as
 * "lun-0x%04x%04x00000000" of the kernel's LUN value, which for SAM
 * flat-space addressing (SAM-5 §4.7.7, used by targets for LUNs >= 256)
 * is 0x4000 | N. Bytes outside [0-9A-Za-z#+-.:=@_/] become '_' as udev
 * does for symlink names.
 *
 * Return: 0; -ERANGE if @lun > 16383; -ENOMEM.
 */
int by_path_name(const Portal *portal, const char *target, uint64_t lun, char **ret);
