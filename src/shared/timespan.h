/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stdint.h>

typedef uint64_t usec_t;
#define USEC_PER_SEC ((usec_t) 1000000ULL)
#define USEC_PER_MSEC ((usec_t) 1000ULL)
#define USEC_INFINITY ((usec_t) UINT64_MAX)

/* Size of a buffer for timespan_format(). */
#define TIMESPAN_STRING_MAX 32

/**
 * timespan_parse() - parse a time span as systemd.time(7) writes it
 * @s: e.g. "90", "90s", "1min 30s", "2m", "500ms", "1h", "infinity"; a bare
 *     number means seconds; units us, ms, s, min/m, h, d, w and their long
 *     spellings (usec, msec, sec, seconds, minutes, hours, days, weeks)
 * @ret: the span in microseconds, USEC_INFINITY for "infinity"
 *
 * Return: 0 on success, -EINVAL on a malformed span or unknown unit,
 * -ERANGE on overflow.
 */
int timespan_parse(const char *s, usec_t *ret);

/**
 * timespan_format() - format a span for a unit file setting
 * @t: microseconds
 * @buf: TIMESPAN_STRING_MAX bytes
 *
 * Writes the shortest exact form among "Ns", "Nms" and "Nus", or
 * "infinity".
 *
 * Return: @buf.
 */
char *timespan_format(usec_t t, char buf[static TIMESPAN_STRING_MAX]);
