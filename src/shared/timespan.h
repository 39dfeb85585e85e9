/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stdint.h>
#include <time.h>

typedef uint64_t usec_t;
#define USEC_PER_SEC ((usec_t) 1000000ULL)
#define USEC_PER_MSEC ((usec_t) 1000ULL)
#define USEC_PER_MINUTE (60 * USEC_PER_SEC)
#define USEC_PER_HOUR (60 * USEC_PER_MINUTE)
#define USEC_PER_DAY (24 * USEC_PER_HOUR)
#define USEC_PER_WEEK (7 * USEC_PER_DAY)
/* systemd.time(7): a month is 30.44 days, a year 365.25 days. */
#define USEC_PER_MONTH (2629800 * USEC_PER_SEC)
#define USEC_PER_YEAR (31557600 * USEC_PER_SEC)
#define USEC_INFINITY ((usec_t) UINT64_MAX)

/* Size of a buffer for timespan_format(). */
#define TIMESPAN_STRING_MAX 32

typedef enum TimespanFlags {
        TIMESPAN_BARE_SECONDS = 1 << 0,         /* a number without a unit means seconds */
        TIMESPAN_ALLOW_INFINITY = 1 << 1,       /* "infinity" is accepted (USEC_INFINITY) */
} TimespanFlags;

/**
 * timespan_parse_full() - parse a time span in the syntax of systemd.time(7)
 * @s: one or more "NUMBER[UNIT]" terms, added up, blanks (space, tab)
 *     allowed before, between and after them ("2h 30min", "1min30s",
 *     "1min 30"); NUMBER is decimal digits with an optional fraction
 *     ("1.5min" is 90 s, "0.5" half a second); UNIT is one of
 *     usec, us, µs (U+00B5) or μs (U+03BC);  msec, ms;
 *     seconds, second, sec, s;  minutes, minute, min, m;
 *     hours, hour, hr, h;  days, day, d;  weeks, week, w;
 *     months, month, M (30.44 days);  years, year, y (365.25 days).
 *     Units are case-sensitive ("m" is minutes, "M" months); like systemd,
 *     the longest unit spelling that is a prefix of the text is taken.
 * @flags: TIMESPAN_BARE_SECONDS: a term without a unit means seconds (what
 *         unit-file settings such as JobRunningTimeoutSec= do), otherwise it
 *         is refused; TIMESPAN_ALLOW_INFINITY: the whole text may be
 *         "infinity", otherwise that is refused
 * @ret: the span in microseconds; set only on success
 *
 * Accepts what systemd's parse_sec() (systemd 252 to 257) accepts, with
 * the same result: fraction digits beyond the unit's resolution are
 * dropped ("0.0000001s" is 0), as systemd does. Differs from systemd only
 * in corner cases: a leading '+' and a fraction without a digit before
 * the point (".5s", ".5" after a term) are refused; a number above 2^63-1,
 * which systemd's strtoll() refuses, is accepted while the sum stays below
 * USEC_INFINITY.
 *
 * Return: 0 on success; -EINVAL on a malformed span, an unknown unit, a
 * bare number without TIMESPAN_BARE_SECONDS, "infinity" without
 * TIMESPAN_ALLOW_INFINITY; -ERANGE if the sum reaches USEC_INFINITY.
 */
int timespan_parse_full(const char *s, TimespanFlags flags, usec_t *ret);

/**
 * timespan_parse() - timespan_parse_full() as unit-file time settings read it
 * @s: the span; a bare number means seconds, "infinity" is accepted
 * @ret: microseconds, USEC_INFINITY for "infinity"
 *
 * Same as timespan_parse_full(@s, TIMESPAN_BARE_SECONDS |
 * TIMESPAN_ALLOW_INFINITY, @ret): systemd.time(7), parse_sec().
 *
 * Return: as timespan_parse_full().
 */
int timespan_parse(const char *s, usec_t *ret);

/**
 * timespan_format() - format a span for a unit file setting
 * @t: microseconds
 * @buf: TIMESPAN_STRING_MAX bytes
 *
 * Writes the shortest exact form among "Ns", "Nms" and "Nus", or
 * "infinity"; timespan_parse() reads each back to @t.
 *
 * Return: @buf.
 */
char *timespan_format(usec_t t, char buf[static TIMESPAN_STRING_MAX]);

/**
 * now_usec() - a clock of clock_gettime(2), in µs
 * @clock: CLOCK_MONOTONIC (the clock of systemd's *TimestampMonotonic properties),
 *         CLOCK_REALTIME, ...
 * Return: the time; 0 if @clock is not one the kernel has.
 */
usec_t now_usec(clockid_t clock);
