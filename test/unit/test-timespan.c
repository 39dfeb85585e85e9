/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include <check.h>
#include <errno.h>
#include <string.h>

#include "test-util.h"
#include "timespan.h"

#define SEC USEC_PER_SEC
#define MSEC USEC_PER_MSEC

static const struct {
        const char *in;
        usec_t usec;
} good[] = {
        { "90", 90 * SEC },                     /* bare number: seconds */
        { "0", 0 },
        { "90s", 90 * SEC },
        { "90 s", 90 * SEC },
        { "90sec", 90 * SEC },
        { "90second", 90 * SEC },
        { "90seconds", 90 * SEC },
        { "1min 30s", 90 * SEC },
        { "1min30s", 90 * SEC },
        { "1min 30", 90 * SEC },                /* a bare number in a list: seconds too */
        { "  1min   30s  ", 90 * SEC },
        { "2m", 120 * SEC },
        { "2min", 120 * SEC },
        { "2minute", 120 * SEC },
        { "2minutes", 120 * SEC },
        { "500ms", 500 * MSEC },
        { "500msec", 500 * MSEC },
        { "1s 500ms", 1500 * MSEC },
        { "1m 1ms", 60 * SEC + MSEC },          /* "m" is minutes, "ms" milliseconds */
        { "250us", 250 },
        { "250usec", 250 },
        { "1h", 3600 * SEC },
        { "1hr", 3600 * SEC },
        { "2hours", 7200 * SEC },
        { "1d", 86400 * SEC },
        { "2days", 172800 * SEC },
        { "1w", 604800 * SEC },
        { "1week 1day", 691200 * SEC },
        { "1h 2min 3s 4ms 5us", 3723 * SEC + 4 * MSEC + 5 },
        { "infinity", USEC_INFINITY },
        { "18446744073709551614us", UINT64_MAX - 1 },
};

START_TEST(test_good)
{
        usec_t u = 12345;
        int r = timespan_parse(good[_i].in, &u);

        ck_assert_msg(r == 0, "timespan_parse(\"%s\") = %d", good[_i].in, r);
        ck_assert_msg(u == good[_i].usec, "timespan_parse(\"%s\"): %llu, expected %llu", good[_i].in,
                      (unsigned long long) u, (unsigned long long) good[_i].usec);
}
END_TEST

static const struct {
        const char *in;
        int error;
} bad[] = {
        { "", -EINVAL },
        { " ", -EINVAL },
        { "s", -EINVAL },
        { "min", -EINVAL },
        { "5 parsecs", -EINVAL },
        { "5parsecs", -EINVAL },
        { "90x", -EINVAL },
        { "90S", -EINVAL },                     /* units are case-sensitive */
        { "-5s", -EINVAL },
        { "+5s", -EINVAL },
        { "5s garbage", -EINVAL },
        { "5s,3s", -EINVAL },
        { "5 s s", -EINVAL },
        { "0x10", -EINVAL },
        { "1e3", -EINVAL },
        { "Infinity", -EINVAL },
        { "infinity 1s", -EINVAL },
        /* overflow */
        { "18446744073709551616", -ERANGE },
        { "18446744073709551615us", -ERANGE },  /* UINT64_MAX is "infinity", not a finite span */
        { "99999999999999999999999999s", -ERANGE },
        { "18446744073710s", -ERANGE },
        { "213503982335d", -ERANGE },
        { "30600000w", -ERANGE },
        { "10000000000000s 10000000000000s", -ERANGE }, /* each fits, the sum does not */
};

START_TEST(test_bad)
{
        usec_t u = 12345;
        int r = timespan_parse(bad[_i].in, &u);

        ck_assert_msg(r == bad[_i].error, "timespan_parse(\"%s\") = %d, expected %d", bad[_i].in, r,
                      bad[_i].error);
        ck_assert_uint_eq(u, 12345);
}
END_TEST

static const struct {
        usec_t usec;
        const char *out;
} formats[] = {
        { 0, "0s" },
        { 90 * SEC, "90s" },
        { 3600 * SEC, "3600s" },
        { 500 * MSEC, "500ms" },
        { 1500 * MSEC, "1500ms" },
        { 1, "1us" },
        { 1500, "1500us" },
        { 1000001, "1000001us" },
        { USEC_INFINITY, "infinity" },
        { UINT64_MAX - 1, "18446744073709551614us" },
};

START_TEST(test_format)
{
        char buf[TIMESPAN_STRING_MAX];

        ck_assert_ptr_eq(timespan_format(formats[_i].usec, buf), buf);
        ck_assert_str_eq(buf, formats[_i].out);
}
END_TEST

START_TEST(test_roundtrip)
{
        /* what timespan_format() writes, timespan_parse() reads back */
        static const usec_t values[] = { 0, 1, 999, 1000, 1001, 90 * SEC, 90 * SEC + 1, USEC_INFINITY,
                                         UINT64_MAX - 1 };
        char buf[TIMESPAN_STRING_MAX];

        for (size_t i = 0; i < ELEMENTSOF(values); i++) {
                usec_t u;

                ck_assert_int_eq(timespan_parse(timespan_format(values[i], buf), &u), 0);
                ck_assert_msg(u == values[i], "\"%s\" read back as %llu", buf, (unsigned long long) u);
        }
}
END_TEST

static Suite *timespan_suite(void) {
        Suite *s = suite_create("timespan");
        TCase *tc;

        tc = tcase_create("parse");
        tcase_add_loop_test(tc, test_good, 0, (int) ELEMENTSOF(good));
        tcase_add_loop_test(tc, test_bad, 0, (int) ELEMENTSOF(bad));
        suite_add_tcase(s, tc);

        tc = tcase_create("format");
        tcase_add_loop_test(tc, test_format, 0, (int) ELEMENTSOF(formats));
        tcase_add_test(tc, test_roundtrip);
        suite_add_tcase(s, tc);

        return s;
}

int main(void) {
        return test_run_suite(timespan_suite());
}
