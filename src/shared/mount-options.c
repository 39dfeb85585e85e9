/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "mount-options.h"
#include "string-util.h"
#include "unit-writer.h"

/* Options that systemd or its fstab generator would act on and this generator does not:
 * refused by prefix, with the reason given to the admin. */
static const struct {
        const char *prefix;
        const char *reason;
} refused[] = {
        { "x-systemd.device-timeout", "use the key \"device-timeout =\" instead" },
        { "x-systemd.", "this x-systemd option is not implemented by iscsi-creds-generator (supported: "
                        "x-systemd.automount, x-systemd.idle-timeout=, x-systemd.mount-timeout=)" },
        { "x-initrd.", "iscsi-creds-generator does not run in the initrd" },
        { "comment=systemd.", "the old \"comment=systemd.*\" form is not supported; use x-systemd.*" },
};

static int parse_span(const char *value, bool *set, usec_t *ret, const char **ret_reason) {
        if (*set) {
                *ret_reason = "given twice";
                return -EINVAL;
        }
        if (!value || timespan_parse(value, ret) < 0) {
                *ret_reason = "expected \"=\" and a time span such as \"30s\" or \"5min\" (systemd.time(7))";
                return -EINVAL;
        }
        *set = true;
        return 0;
}

/* One option, @len bytes at @o. */
static int parse_one(const char *o, size_t len, MountOptions *m, const char **ret_reason) {
        _cleanup_free_ char *opt = strndup(o, len);
        const char *v;

        if (!opt)
                return -ENOMEM;

        if (streq(opt, "noauto") || streq(opt, "auto"))
                m->noauto = streq(opt, "noauto");
        else if (streq(opt, "nofail") || streq(opt, "fail"))
                m->nofail = streq(opt, "nofail");
        else if (streq(opt, "ro") || streq(opt, "rw"))
                m->read_only = streq(opt, "ro");
        else if (streq(opt, "x-systemd.automount"))
                m->automount = true;
        else if ((v = startswith(opt, "x-systemd.idle-timeout")) && (*v == '=' || *v == '\0'))
                return parse_span(*v ? v + 1 : NULL, &m->idle_timeout_set, &m->idle_timeout, ret_reason);
        else if ((v = startswith(opt, "x-systemd.mount-timeout")) && (*v == '=' || *v == '\0'))
                return parse_span(*v ? v + 1 : NULL, &m->mount_timeout_set, &m->mount_timeout, ret_reason);
        else
                for (size_t i = 0; i < ELEMENTSOF(refused); i++)
                        if (startswith(opt, refused[i].prefix)) {
                                *ret_reason = refused[i].reason;
                                return -EINVAL;
                        }
        return 0;
}

int mount_options_parse(const char *options, MountOptions *ret, char **ret_option, const char **ret_reason) {
        MountOptions m = {};
        const char *p = options;
        int r;

        *ret_option = NULL;
        if (strpbrk(p, " \t")) {
                *ret_reason = "mount options are separated by ',' without blanks (fstab(5))";
                return -EINVAL;
        }
        r = unit_value_check(options, ret_reason);
        if (r < 0)
                return r;

        for (;;) {
                size_t len = strcspn(p, ",");

                if (len == 0) {
                        *ret_reason = "empty mount option";
                        return -EINVAL;
                }
                r = parse_one(p, len, &m, ret_reason);
                if (r == -EINVAL && !(*ret_option = strndup(p, len)))
                        return -ENOMEM;
                if (r < 0)
                        return r;
                if (p[len] == '\0')
                        break;
                p += len + 1;
        }

        if (m.idle_timeout_set && !m.automount) {
                *ret_reason = "x-systemd.idle-timeout= needs x-systemd.automount (systemd.mount(5))";
                return -EINVAL;
        }
        *ret = m;
        return 0;
}
