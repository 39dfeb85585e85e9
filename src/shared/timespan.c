/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "string-util.h"
#include "timespan.h"

static const struct {
        const char *suffix;
        usec_t usec;
} units[] = {
        /* Longest spelling first, so "ms" is not read as "m" + "s". */
        { "seconds", USEC_PER_SEC },
        { "second", USEC_PER_SEC },
        { "sec", USEC_PER_SEC },
        { "s", USEC_PER_SEC },
        { "minutes", 60 * USEC_PER_SEC },
        { "minute", 60 * USEC_PER_SEC },
        { "min", 60 * USEC_PER_SEC },
        { "msec", USEC_PER_MSEC },
        { "ms", USEC_PER_MSEC },
        { "m", 60 * USEC_PER_SEC },
        { "hours", 3600 * USEC_PER_SEC },
        { "hour", 3600 * USEC_PER_SEC },
        { "hr", 3600 * USEC_PER_SEC },
        { "h", 3600 * USEC_PER_SEC },
        { "days", 86400 * USEC_PER_SEC },
        { "day", 86400 * USEC_PER_SEC },
        { "d", 86400 * USEC_PER_SEC },
        { "weeks", 604800 * USEC_PER_SEC },
        { "week", 604800 * USEC_PER_SEC },
        { "w", 604800 * USEC_PER_SEC },
        { "usec", 1 },
        { "us", 1 },
};

int timespan_parse(const char *s, usec_t *ret) {
        usec_t total = 0;
        bool any = false;

        if (streq(s, "infinity")) {
                *ret = USEC_INFINITY;
                return 0;
        }

        for (const char *p = s;;) {
                unsigned long long n = 0;
                usec_t mult = USEC_PER_SEC;
                size_t digits = 0;

                p += strspn(p, " ");
                if (*p == '\0')
                        break;

                while (isdigit((unsigned char) p[digits])) {
                        unsigned d = (unsigned) (p[digits] - '0');

                        if (n > (UINT64_MAX - d) / 10)
                                return -ERANGE;
                        n = n * 10 + d;
                        digits++;
                }
                if (digits == 0)
                        return -EINVAL;
                p += digits;
                p += strspn(p, " ");

                if (isalpha((unsigned char) *p)) {
                        size_t len = strspn(p, LETTERS);
                        bool found = false;

                        for (size_t i = 0; i < sizeof units / sizeof units[0]; i++)
                                if (strlen(units[i].suffix) == len && strncmp(p, units[i].suffix, len) == 0) {
                                        mult = units[i].usec;
                                        found = true;
                                        break;
                                }
                        if (!found)
                                return -EINVAL;
                        p += len;
                }

                if (n > (UINT64_MAX - 1 - total) / mult)
                        return -ERANGE;
                total += n * mult;
                any = true;
        }

        if (!any)
                return -EINVAL;
        *ret = total;
        return 0;
}

char *timespan_format(usec_t t, char buf[static TIMESPAN_STRING_MAX]) {
        if (t == USEC_INFINITY)
                snprintf(buf, TIMESPAN_STRING_MAX, "infinity");
        else if (t % USEC_PER_SEC == 0)
                snprintf(buf, TIMESPAN_STRING_MAX, "%llus", (unsigned long long) (t / USEC_PER_SEC));
        else if (t % USEC_PER_MSEC == 0)
                snprintf(buf, TIMESPAN_STRING_MAX, "%llums", (unsigned long long) (t / USEC_PER_MSEC));
        else
                snprintf(buf, TIMESPAN_STRING_MAX, "%lluus", (unsigned long long) t);
        return buf;
}
