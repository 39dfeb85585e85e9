/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include <check.h>
#include <errno.h>
#include <string.h>

#include "string-util.h"
#include "test-util.h"
#include "timespan.h"

#define SEC USEC_PER_SEC
#define MSEC USEC_PER_MSEC

/*
 * Every value below was printed by the real "systemd-analyze timespan IN"
 * (systemd 252.39, the "μs:" line), except where marked "ours": those are
 * beyond systemd's strtoll() and not compared. "test-timespan
 * --compare-systemd-analyze" (meson test test-timespan-systemd-analyze)
 * runs the tool on this table again, so it cannot drift.
 */
static const struct {
        const char *in;
        usec_t usec;
        bool ours;              /* not compared with systemd-analyze */
} good[] = {
        { "90", 90000000 },                     /* bare number: seconds */
        { "0", 0 },
        { "90s", 90000000 },
        { "90 s", 90000000 },
        { "90s ", 90000000 },
        { "90sec", 90000000 },
        { "90second", 90000000 },
        { "90seconds", 90000000 },
        { "1min 30s", 90000000 },
        { "1min30s", 90000000 },
        { "1min 30", 90000000 },                /* a bare number in a list: seconds too */
        { "  1min   30s  ", 90000000 },
        { "1.5min", 90000000 },                 /* fractions */
        { "1.5min 30s", 120000000 },
        { "1min30.5s", 90500000 },
        { "2h 30min", 9000000000 },
        { "2h30m", 9000000000 },
        { "5 min 5", 305000000 },
        { "2m", 120000000 },
        { "10m", 600000000 },
        { "2minute", 120000000 },
        { "2minutes", 120000000 },
        { "500ms", 500000 },
        { "500msec", 500000 },
        { "1s 500ms", 1500000 },
        { "1m 1ms", 60001000 },                 /* "m" is minutes, "ms" milliseconds */
        { "1m1ms", 60001000 },
        { "1.001ms", 1001 },
        { "250us", 250 },
        { "250usec", 250 },
        { "250\xc2\xb5s", 250 },                /* µs, U+00B5 */
        { "250\xce\xbcs", 250 },                /* μs, U+03BC */
        { "1h", 3600000000 },
        { "1hr", 3600000000 },
        { "2hours", 7200000000 },
        { "1.5h", 5400000000 },
        { "3.14159h", 11309724000 },
        { "1d", 86400000000 },
        { "2days", 172800000000 },
        { "2.5d", 216000000000 },
        { "1w", 604800000000 },
        { "0.5w", 302400000000 },
        { "3weeks", 1814400000000 },
        { "1week 1day", 691200000000 },
        { "1M", 2629800000000 },                /* a month is 30.44 days */
        { "1month", 2629800000000 },
        { "2months", 5259600000000 },
        { "1.5M", 3944700000000 },
        { "1y", 31557600000000 },               /* a year is 365.25 days */
        { "1 y", 31557600000000 },
        { "1year", 31557600000000 },
        { "2years", 63115200000000 },
        { "1.5y", 47336400000000 },
        { "1year 2months", 36817200000000 },
        { "1y 1M 1w 1d 1h 1min 1s 1ms 1us", 34882261001001 },
        { "1h 2min 3s 4ms 5us", 3723004005 },
        { "0.5", 500000 },                      /* a bare fraction: seconds */
        { "1.5", 1500000 },
        { "1.25s", 1250000 },
        { "59.999999s", 59999999 },
        { "0.000001s", 1 },
        { "0.0000001s", 0 },                    /* below 1 us: dropped, as systemd does */
        { "0.1us", 0 },
        { "1.9us", 1 },
        { "infinity", USEC_INFINITY },
        { " infinity ", USEC_INFINITY },
        { "18446744073709551614us", UINT64_MAX - 1, true },
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
        bool systemd_accepts;   /* where we are stricter than systemd */
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
        { "+5s", -EINVAL, true },               /* systemd's strtoll() takes a sign */
        { "5s garbage", -EINVAL },
        { "5s,3s", -EINVAL },
        { "5 s s", -EINVAL },
        { "0x10", -EINVAL },
        { "1e3", -EINVAL },
        { "Infinity", -EINVAL },
        { "5sx", -EINVAL },
        { "1 secs", -EINVAL },
        { "2hm", -EINVAL },
        { "1.5.5s", -EINVAL },                  /* "12.34.56" */
        { "1.2.3", -EINVAL },
        { "3.", -EINVAL },
        { "3.s", -EINVAL },
        { "-0", -EINVAL },
        { ".5s", -EINVAL, true },               /* systemd takes it; we want a digit first */
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

START_TEST(test_flags)
{
        static const struct {
                const char *in;
                TimespanFlags flags;
                int error;
                usec_t usec;
        } cases[] = {
                { "90", 0, -EINVAL, 0 },                /* a bare number only where the caller says so */
                { "0.5", 0, -EINVAL, 0 },
                { "1min 30", 0, -EINVAL, 0 },
                { "1min 30", TIMESPAN_BARE_SECONDS, 0, 90 * SEC },
                { "1.5min", 0, 0, 90 * SEC },
                { "2h 30min", 0, 0, 9000 * SEC },
                { "90", TIMESPAN_BARE_SECONDS, 0, 90 * SEC },
                { "infinity", 0, -EINVAL, 0 },          /* infinity only where allowed */
                { "infinity", TIMESPAN_BARE_SECONDS, -EINVAL, 0 },
                { "infinity", TIMESPAN_ALLOW_INFINITY, 0, USEC_INFINITY },
                { " infinity\t", TIMESPAN_ALLOW_INFINITY, 0, USEC_INFINITY },
                { "infinityx", TIMESPAN_ALLOW_INFINITY, -EINVAL, 0 },
        };

        for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
                usec_t u = 12345;
                int r = timespan_parse_full(cases[i].in, cases[i].flags, &u);

                ck_assert_msg(r == cases[i].error, "\"%s\" flags %d: %d, expected %d", cases[i].in,
                              (int) cases[i].flags, r, cases[i].error);
                ck_assert_msg(u == (r == 0 ? cases[i].usec : 12345), "\"%s\": %llu", cases[i].in,
                              (unsigned long long) u);
        }
}
END_TEST

static Suite *timespan_suite(void) {
        Suite *s = suite_create("timespan");
        TCase *tc;

        tc = tcase_create("parse");
        tcase_add_loop_test(tc, test_good, 0, (int) ELEMENTSOF(good));
        tcase_add_loop_test(tc, test_bad, 0, (int) ELEMENTSOF(bad));
        tcase_add_test(tc, test_flags);
        suite_add_tcase(s, tc);

        tc = tcase_create("format");
        tcase_add_loop_test(tc, test_format, 0, (int) ELEMENTSOF(formats));
        tcase_add_test(tc, test_roundtrip);
        suite_add_tcase(s, tc);

        return s;
}

/* ---- the same tables against the real systemd-analyze ------------------ */

/* Run argv[0] without a shell; its stdout into @buf (NUL-terminated). Plain libc, no Check
 * assertions: this runs outside any test case. Returns the exit status or -1. */
static int run_capture(char *const argv[], char *buf, size_t size) {
        int pipefd[2], status;
        size_t n = 0;
        pid_t pid;

        if (pipe2(pipefd, O_CLOEXEC) < 0)
                return -1;
        pid = fork();
        if (pid < 0)
                return -1;
        if (pid == 0) {
                int null = open("/dev/null", O_RDWR);

                if (null < 0 || dup2(pipefd[1], STDOUT_FILENO) < 0 || dup2(null, STDERR_FILENO) < 0)
                        _exit(127);
                execv(argv[0], argv);
                _exit(127);
        }
        close(pipefd[1]);
        for (;;) {
                ssize_t k = read(pipefd[0], buf + n, size - 1 - n);

                if (k < 0 && errno == EINTR)
                        continue;
                if (k <= 0)
                        break;
                n += (size_t) k;
        }
        buf[n] = '\0';
        close(pipefd[0]);
        if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
                return -1;
        return WEXITSTATUS(status);
}

/* "systemd-analyze timespan IN": 1 and the "μs:" value if it parsed, 0 if it refused. */
static int analyze(const char *tool, const char *in, usec_t *ret) {
        char *argv[] = { (char *) tool, (char *) "timespan", (char *) in, NULL };
        char out[4096];
        const char *p;

        if (run_capture(argv, out, sizeof out) != 0)
                return 0;
        /* "Original: IN\n      μs: N\n   Human: ..." */
        p = strchr(out, '\n');
        if (!p || !(p = strstr(p, "s: ")))
                return -EBADMSG;
        *ret = strtoull(p + 3, NULL, 10);
        return 1;
}

static int compare_systemd_analyze(void) {
        const char *tool = getenv("SYSTEMD_ANALYZE") ?: "/usr/bin/systemd-analyze";
        unsigned failed = 0, compared = 0;

        if (access(tool, X_OK) < 0) {
                printf("%s not found, skipping the comparison.\n", tool);
                return 77;
        }
        for (size_t i = 0; i < ELEMENTSOF(good); i++) {
                usec_t u = 0;
                int r;

                if (good[i].ours)
                        continue;
                r = analyze(tool, good[i].in, &u);
                compared++;
                if (r != 1 || u != good[i].usec) {
                        printf("FAIL: \"%s\": systemd-analyze %s %llu, table %llu\n", good[i].in,
                               r == 1 ? "gives" : "refuses", (unsigned long long) u,
                               (unsigned long long) good[i].usec);
                        failed++;
                }
        }
        for (size_t i = 0; i < ELEMENTSOF(bad); i++) {
                usec_t u = 0;
                int r = analyze(tool, bad[i].in, &u);

                compared++;
                if (r != (bad[i].systemd_accepts ? 1 : 0)) {
                        printf("FAIL: \"%s\": systemd-analyze %s it, table says it %s\n", bad[i].in,
                               r == 1 ? "accepts" : "refuses", bad[i].systemd_accepts ? "accepts" : "refuses");
                        failed++;
                }
        }
        printf("%u of %u spans agree with %s.\n", compared - failed, compared, tool);
        return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}

int main(int argc, char *argv[]) {
        if (argc > 1 && streq(argv[1], "--compare-systemd-analyze"))
                return compare_systemd_analyze();
        return test_run_suite(timespan_suite());
}
