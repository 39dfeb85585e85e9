/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * The generator cannot know how a target encodes LUNs >= 256 (scsi-scan.h),
 * yet it must name the device the mount waits for: it writes udev's by-path
 * name under SAM flat space addressing (tgt). When the login finds that the
 * target uses peripheral device addressing (LIO), a runtime udev rule of
 * ours gives that LUN's disk (and its partitions) the by-path name the
 * units wait for, next to udev's own name:
 *
 *   /run/udev/rules.d/61-iscsi-creds-ALIAS.ADDRESS,PORT,TPGT.rules
 *
 * It runs after 60-persistent-storage.rules (which sets ID_PATH), matches
 * one ID_PATH exactly, and is removed when the alias logs out.
 */

#include "target.h"

#define BY_PATH_ALIAS_RULES_DIR "/run/udev/rules.d"

/**
 * by_path_alias_add() - make the flat-space by-path name point to the peripheral-addressed LUN
 * @rules_dir: BY_PATH_ALIAS_RULES_DIR (tests pass their own)
 * @path: alias, target name, portal, TPGT and LUN (>= 256) of one path
 * @reload: run "udevadm control --reload" so the next uevent sees the rule
 *
 * Call before the kernel is asked for the LUN, so its "add" uevent gets
 * the name (udev(7): rules files in /run/udev/rules.d, SYMLINK+=).
 *
 * Return: 0; -ERANGE for a LUN below 256 or above 16383; -ENOMEM; -errno
 * from writing the rule; -EIO if udevadm failed.
 */
int by_path_alias_add(const char *rules_dir, const Target *path, bool reload);

/**
 * by_path_alias_remove() - remove every rule by_path_alias_add() wrote for @alias
 * @rules_dir: BY_PATH_ALIAS_RULES_DIR
 * @alias: the alias
 *
 * The links udev made stay until the disk goes away (the logout), which is
 * when this is called.
 *
 * Return: the number of rules removed, or -errno.
 */
int by_path_alias_remove(const char *rules_dir, const char *alias);
