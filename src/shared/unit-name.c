/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "string-util.h"
#include "unit-name.h"

#define UNIT_NAME_PLAIN_CHARS ALPHANUMERICAL ":_."

/* systemd's path_simplify() plus the checks every path needs. Backslashes are
 * ordinary bytes in a path (device links such as /dev/disk/by-label/a\\x20b
 * have one); whether a value can be written to a unit file is
 * unit_value_check()'s business. */
static int path_simplify_checked(const char *path, char **ret, const char **ret_reason) {
        char *out, *t;
        const char *p;

        if (isempty(path) || path[0] != '/') {
                *ret_reason = "the path must be absolute";
                return -EINVAL;
        }
        if (has_control_char(path)) {
                *ret_reason = "the path contains a control character";
                return -EINVAL;
        }

        out = malloc(strlen(path) + 2);
        if (!out)
                return -ENOMEM;
        t = out;

        for (p = path; *p;) {
                size_t len;

                p += strspn(p, "/");
                len = strcspn(p, "/");
                if (len == 0)
                        break;
                if (len == 1 && p[0] == '.') {
                        p += len;
                        continue;
                }
                if (len == 2 && p[0] == '.' && p[1] == '.') {
                        free(out);
                        *ret_reason = "the path must not contain \"..\" components";
                        return -EINVAL;
                }
                *t++ = '/';
                memcpy(t, p, len);
                t += len;
                p += len;
        }
        if (t == out)
                *t++ = '/';
        *t = '\0';

        *ret = out;
        return 0;
}

int path_normalize(const char *path, char **ret, const char **ret_reason) {
        return path_simplify_checked(path, ret, ret_reason);
}

int unit_name_escape(const char *s, char **ret) {
        static const char hex[] = "0123456789abcdef";
        char *out, *t;

        out = malloc(strlen(s) * 4 + 1);
        if (!out)
                return -ENOMEM;
        t = out;

        for (const char *f = s; *f; f++) {
                unsigned char c = (unsigned char) *f;

                if (c == '/')
                        *t++ = '-';
                else if ((f == s && c == '.') || !c || !strchr(UNIT_NAME_PLAIN_CHARS, c)) {
                        *t++ = '\\';
                        *t++ = 'x';
                        *t++ = hex[c >> 4];
                        *t++ = hex[c & 15];
                } else
                        *t++ = (char) c;
        }
        *t = '\0';
        *ret = out;
        return 0;
}

int unit_name_from_path(const char *path, const char *suffix, char **ret) {
        _cleanup_free_ char *simple = NULL, *escaped = NULL;
        const char *reason;
        char *name, *p;
        size_t l;
        int r;

        /* Backslashes are escaped in unit names like every other byte ("\\x5c"). */
        r = path_simplify_checked(path, &simple, &reason);
        if (r < 0)
                return r;

        if (streq(simple, "/"))
                escaped = strdup("-");
        else {
                p = simple + 1;                 /* no leading '/'; trailing ones are gone already */
                r = unit_name_escape(p, &escaped);
                if (r < 0)
                        return r;
        }
        if (!escaped)
                return -ENOMEM;

        l = strlen(escaped) + strlen(suffix);
        if (l > UNIT_NAME_MAX)
                return -ENAMETOOLONG;

        name = malloc(l + 1);
        if (!name)
                return -ENOMEM;
        stpcpy(stpcpy(name, escaped), suffix);
        *ret = name;
        return 0;
}

int by_path_name(const Portal *portal, const char *target, uint64_t lun, char **ret) {
        char lun_str[32];
        char *s;

        if (lun > 16383)
                return -ERANGE;
        if (lun < 256)
                snprintf(lun_str, sizeof lun_str, "lun-%llu", (unsigned long long) lun);
        else
                snprintf(lun_str, sizeof lun_str, "lun-0x%04llx%04llx00000000",
                         (unsigned long long) ((0x4000 | lun) & 0xffff), 0ULL);

        if (asprintf(&s, "/dev/disk/by-path/ip-%s:%u-iscsi-%s-%s",
                     portal->address, portal->port, target, lun_str) < 0)
                return -ENOMEM;

        for (char *c = s + strlen("/dev/disk/by-path/"); *c; c++)
                if (!strchr(ALPHANUMERICAL "#+-.:=@_/", *c))
                        *c = '_';
        *ret = s;
        return 0;
}
