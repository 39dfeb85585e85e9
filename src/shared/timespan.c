/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cleanup.h"
#include "string-util.h"
#include "timespan.h"

#define BLANKS " \t"

/* systemd's table (src/basic/time-util.c, extract_multiplier()), in its order: the first
 * entry that is a prefix of the text wins, so "ms" is not read as "m" + "s" and "months"
 * not as "m" + "onths". */
static const struct {
        const char *suffix;
        usec_t usec;
} units[] = {
        { "seconds", USEC_PER_SEC },
        { "second", USEC_PER_SEC },
        { "sec", USEC_PER_SEC },
        { "s", USEC_PER_SEC },
        { "minutes", USEC_PER_MINUTE },
        { "minute", USEC_PER_MINUTE },
        { "min", USEC_PER_MINUTE },
        { "months", USEC_PER_MONTH },
        { "month", USEC_PER_MONTH },
        { "M", USEC_PER_MONTH },
        { "msec", USEC_PER_MSEC },
        { "ms", USEC_PER_MSEC },
        { "m", USEC_PER_MINUTE },
        { "hours", USEC_PER_HOUR },
        { "hour", USEC_PER_HOUR },
        { "hr", USEC_PER_HOUR },
        { "h", USEC_PER_HOUR },
        { "days", USEC_PER_DAY },
        { "day", USEC_PER_DAY },
        { "d", USEC_PER_DAY },
        { "weeks", USEC_PER_WEEK },
        { "week", USEC_PER_WEEK },
        { "w", USEC_PER_WEEK },
        { "years", USEC_PER_YEAR },
        { "year", USEC_PER_YEAR },
        { "y", USEC_PER_YEAR },
        { "usec", 1 },
        { "us", 1 },
        { "\xc2\xb5s", 1 },     /* µs, U+00B5 MICRO SIGN */
        { "\xce\xbcs", 1 },     /* μs, U+03BC GREEK SMALL LETTER MU */
};

/* The unit at @p: its length (0 if none) and multiplier. */
static size_t unit_at(const char *p, usec_t *ret_mult) {
        for (size_t i = 0; i < ELEMENTSOF(units); i++)
                if (startswith(p, units[i].suffix)) {
                        *ret_mult = units[i].usec;
                        return strlen(units[i].suffix);
                }
        return 0;
}

/* Add @a to *@sum; -ERANGE when the result would reach USEC_INFINITY. */
static int add(usec_t *sum, usec_t a) {
        if (a >= USEC_INFINITY - *sum)
                return -ERANGE;
        *sum += a;
        return 0;
}

/* One "NUMBER[.FRACTION][UNIT]" term at *@p; advances *@p past it. */
static int parse_term(const char **p, TimespanFlags flags, usec_t *sum) {
        const char *s = *p, *frac = NULL;
        unsigned long long n;
        usec_t mult = USEC_PER_SEC;
        size_t digits, nfrac = 0, len;
        char buf[24];
        int r;

        digits = strspn(s, DIGITS);
        if (digits == 0)
                return -EINVAL;
        if (digits >= sizeof buf)
                return -ERANGE;
        memcpy(buf, s, digits);
        buf[digits] = '\0';
        r = safe_atou64(buf, &n);
        if (r < 0)
                return r;
        s += digits;
        if (*s == '.') {
                frac = ++s;
                nfrac = strspn(s, DIGITS);
                if (nfrac == 0)         /* "3.s", "3." */
                        return -EINVAL;
                s += nfrac;
        }

        s += strspn(s, BLANKS);
        len = unit_at(s, &mult);
        if (len == 0) {
                if (!(flags & TIMESPAN_BARE_SECONDS))
                        return -EINVAL;
                /* A bare number must end the term: "12.34.56" and "5x" are malformed. */
                if (*s != '\0' && !strchr(BLANKS, s[-1]))
                        return -EINVAL;
        }
        s += len;

        if (n >= USEC_INFINITY / mult)
                return -ERANGE;
        r = add(sum, (usec_t) n * mult);
        if (r < 0)
                return r;
        /* Each fraction digit is worth a tenth of the one before; digits below the unit's
         * resolution add nothing (systemd does the same). */
        for (usec_t m = mult / 10; nfrac > 0; nfrac--, frac++, m /= 10) {
                r = add(sum, (usec_t) (*frac - '0') * m);
                if (r < 0)
                        return r;
        }
        *p = s;
        return 0;
}

int timespan_parse_full(const char *s, TimespanFlags flags, usec_t *ret) {
        const char *p = s + strspn(s, BLANKS), *e;
        usec_t total = 0;
        bool any = false;
        int r;

        if ((e = startswith(p, "infinity"))) {
                if (e[strspn(e, BLANKS)] != '\0' || !(flags & TIMESPAN_ALLOW_INFINITY))
                        return -EINVAL;
                *ret = USEC_INFINITY;
                return 0;
        }

        for (;;) {
                p += strspn(p, BLANKS);
                if (*p == '\0')
                        break;
                r = parse_term(&p, flags, &total);
                if (r < 0)
                        return r;
                any = true;
        }
        if (!any)
                return -EINVAL;
        *ret = total;
        return 0;
}

int timespan_parse(const char *s, usec_t *ret) {
        return timespan_parse_full(s, TIMESPAN_BARE_SECONDS | TIMESPAN_ALLOW_INFINITY, ret);
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

usec_t now_usec(clockid_t clock) {
        struct timespec ts;

        if (clock_gettime(clock, &ts) < 0)
                return 0;
        return (usec_t) ts.tv_sec * USEC_PER_SEC + (usec_t) ts.tv_nsec / 1000;
}
