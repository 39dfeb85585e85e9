/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * The "options =" key of a target: mount options as in fstab(5), with the
 * subset of systemd's fstab options (systemd.mount(5), "FSTAB") that
 * iscsi-creds-generator implements the way systemd-fstab-generator does.
 * Every option other than these is passed to the mount unit's Options=
 * unchanged, except that options addressed to systemd or to the initrd
 * which are not implemented here are refused by name: passed through, they
 * would be silently ignored.
 */

#include <stdbool.h>

#include "timespan.h"

typedef struct MountOptions {
        bool noauto;            /* "noauto" (the last of noauto/auto wins): no link from remote-fs.target */
        bool nofail;            /* "nofail" (the last of nofail/fail wins): Wants= instead of Requires= */
        bool read_only;         /* "ro" (the last of ro/rw wins); passed to Options= like any option */
        bool automount;         /* "x-systemd.automount": an .automount unit is linked instead of the mount */
        bool idle_timeout_set;
        usec_t idle_timeout;    /* "x-systemd.idle-timeout=": TimeoutIdleSec= of the .automount */
        bool mount_timeout_set;
        usec_t mount_timeout;   /* "x-systemd.mount-timeout=": TimeoutSec= of the .mount */
} MountOptions;

/**
 * mount_options_parse() - check a comma-separated mount option string
 * @options: the value of "options =" (already free of control characters)
 * @ret: what the generator acts on (see MountOptions); the string itself
 *       goes to Options= unchanged
 * @ret_option: on -EINVAL, a copy of the offending option, or NULL when the
 *              rule is about the whole string; free()
 * @ret_reason: on -EINVAL, the rule broken, ending without a period
 *
 * Rules: options separated by ',' without blanks, none empty (fstab(5));
 * the string must be writable as a unit-file value (unit_value_check(): no
 * trailing backslash, which would continue the line, systemd.syntax(7));
 * "x-systemd.automount" takes no value; "x-systemd.idle-timeout=" and
 * "x-systemd.mount-timeout=" take a systemd time span (systemd.time(7)),
 * at most once each, and "x-systemd.idle-timeout=" only together with
 * "x-systemd.automount" (systemd.mount(5)); "x-systemd.device-timeout=" is
 * refused in favour of the "device-timeout =" key; every other
 * "x-systemd.*", "x-initrd.*" and the old "comment=systemd.*" form are
 * refused by name, since nothing would act on them.
 *
 * Return: 0; -EINVAL (a rule broken; nothing logged); -ENOMEM.
 */
int mount_options_parse(const char *options, MountOptions *ret, char **ret_option, const char **ret_reason);
