/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * The root file system on an iSCSI LUN ("root = yes"), in the initrd: the
 * mount of /sysroot that the initrd's boot waits for (bootup(7): "Bootup
 * in the initrd", initrd-root-fs.target), as systemd-fstab-generator writes
 * it for "root=" on the kernel command line.
 */

#include <stdbool.h>

#include "compose.h"

/**
 * kernel_cmdline_has_root() - whether the kernel command line has "root="
 *
 * Then systemd-fstab-generator writes sysroot.mount for that device and
 * ours must not. The command line is $SYSTEMD_PROC_CMDLINE when set (as
 * systemd's own generators read it, for tests), else /proc/cmdline; words
 * are split at blanks, double quotes group (kernel-parameters.txt).
 *
 * Return: 1 if a word starts with "root=", 0 if none does; -errno from
 * reading /proc/cmdline.
 */
int kernel_cmdline_has_root(void);

/**
 * compose_sysroot() - sysroot.mount for a "root = yes" target
 * @s: the target's set
 * @t: the target (t->root)
 * @target_file: its credential, for SourcePath=
 * @what: the device (target_device())
 *
 * Requires= and After= the login unit, Before= initrd-root-fs.target, and
 * the link initrd-root-fs.target.requires/sysroot.mount, which makes the
 * initrd stop (emergency mode) when the root file system cannot be mounted.
 * Options= are the credential's "options" as given (no _netdev: in the
 * initrd the mount is ordered by these dependencies, not remote-fs.target).
 *
 * Return: 0; errors of compose_set(), compose_add_file(),
 * compose_add_link(), unit_file_create() (logged).
 */
int compose_sysroot(UnitSet *s, const Target *t, const CredentialFile *target_file, const char *what);
