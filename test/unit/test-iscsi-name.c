/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include <check.h>
#include <errno.h>
#include <string.h>

#include "iscsi-name.h"
#include "test-util.h"

static const char *const good_names[] = {
        "iqn.2001-04.com.example",
        "iqn.2001-04.com.example:storage.disk2.sys1.xyz",                /* RFC 3720 §3.2.6.3.1 */
        "iqn.1992-01.com.example:storage:diskarrays-sn-a8675309",        /* RFC 3720 §3.2.6.3.1 */
        "iqn.1992-01.com.example:storage.tape1.sys1.xyz",
        "iqn.2005-03.org.open-iscsi:01:abcdef012345",
        "iqn.2003-01.org.linux-iscsi.host.x8664:sn.0123456789ab",
        "iqn.2024-12.lan:t",
        "iqn.2001-04.com.example:a-b.c:d",
        /* upper case is kept and compared byte for byte by open-iscsi, the kernel and LIO */
        "iqn.2000-01.com.synology:DS918.Target-1.abcd",
        "iqn.2001-04.com.Example",
        "iqn.2001-04.com.example:Disk",
        "iqn.1991-05.com.microsoft:WIN-SRV01",
        "iqn.2001-04.com.x-y.example:z",
        "iqn.2001-04.com.example1:9",
        "eui.02004567A425678D",                                            /* RFC 3720 §3.2.6.3.2 */
        "eui.0123456789abcdef",
        "naa.52004567BA64678D",                                            /* RFC 3980 §2, 64 bits */
        "naa.62004567BA64678D0123456789ABCDEF",                            /* RFC 3980 §2, 128 bits */
};

START_TEST(test_good)
{
        const char *reason = NULL;
        int r = iscsi_name_check(good_names[_i], &reason);

        ck_assert_msg(r == 0, "\"%s\" refused: %d (%s)", good_names[_i], r, reason ?: "no reason");
}
END_TEST

static const char *const bad_names[] = {
        "",
        "iqn",
        "iqn.",
        "foo.2001-04.com.example",
        "IQN.2001-04.com.example",              /* upper-case type */
        "EUI.0123456789abcdef",
        "iqn.2001-13.com.example",              /* month 13 */
        "iqn.2001-00.com.example",              /* month 00 */
        "iqn.2001-4.com.example",               /* one-digit month */
        "iqn.01-04.com.example",                /* two-digit year */
        "iqn.200a-04.com.example",
        "iqn.2001/04.com.example",
        "iqn.2001-04com.example",               /* no '.' after the date */
        "iqn.2001-04",                          /* no domain */
        "iqn.2001-04.",                         /* empty domain */
        "iqn.2001-04.:disk",                    /* empty domain before ':' */
        "iqn.2001-04.com.example:",             /* trailing ':' */
        "iqn.2001-04.com.example:a/b",          /* '/' */
        "iqn.2001-04.com/example",
        "iqn.2001-04.com..example",             /* empty label */
        "iqn.2001-04..com.example",
        "iqn.2001-04.com.example.:x",           /* trailing '.' of the domain */
        "iqn.2001-04.-com.example",             /* label starting with '-' */
        "iqn.2001-04.com-.example",             /* label ending with '-' */
        "iqn.2001-04.com_example",              /* '_' */
        "iqn.2001-04.com.example:a b",          /* blank */
        "iqn.2001-04.com.example:a\nb",         /* newline */
        "iqn.2001-04.com.example:a\tb",
        "iqn.2001-04.com.example:caf\xc3\xa9",  /* non-ASCII */
        "iqn.2001-04.com.example:a,b",          /* ',' separates the node DB path fields */
        "iqn.2001-04.com.example:a%b",
        "eui.0123456789abcde",                  /* 15 hex digits */
        "eui.0123456789abcdef0",                /* 17 */
        "eui.0123456789abcdeg",
        "eui.",
        "eui.0123456789abcdef:x",
        "naa.0123456789abcde",                  /* 15 */
        "naa.0123456789abcdef0",                /* 17 */
        "naa.0123456789abcdef0123456789abcde",  /* 31 */
        "naa.0123456789abcdef0123456789abcdef0",        /* 33 */
        "naa.0123456789abcdef01234567",         /* 24 */
        "naa.0123456789abcdeX",
        "naa.",
};

START_TEST(test_bad)
{
        const char *reason = NULL;
        int r = iscsi_name_check(bad_names[_i], &reason);

        ck_assert_msg(r == -EINVAL, "\"%s\": got %d, expected -EINVAL", bad_names[_i], r);
        ck_assert_ptr_nonnull(reason);
        ck_assert_uint_gt(strlen(reason), 0);
}
END_TEST

/* "iqn.2001-04.com.example:" padded with 'a' to @n bytes */
static void iqn_of_length(char *buf, size_t n) {
        static const char prefix[] = "iqn.2001-04.com.example:";

        ck_assert_uint_ge(n, sizeof prefix);
        memcpy(buf, prefix, sizeof prefix - 1);
        memset(buf + sizeof prefix - 1, 'a', n - (sizeof prefix - 1));
        buf[n] = '\0';
}

START_TEST(test_length)
{
        char buf[512];
        const char *reason = NULL;

        ck_assert_int_eq(ISCSI_NAME_MAX, 223);

        iqn_of_length(buf, 223);
        ck_assert_uint_eq(strlen(buf), 223);
        ck_assert_int_eq(iscsi_name_check(buf, &reason), 0);

        iqn_of_length(buf, 224);
        reason = NULL;
        ck_assert_int_eq(iscsi_name_check(buf, &reason), -E2BIG);
        ck_assert_ptr_nonnull(reason);

        iqn_of_length(buf, 500);
        reason = NULL;
        ck_assert_int_eq(iscsi_name_check(buf, &reason), -E2BIG);
        ck_assert_ptr_nonnull(reason);
}
END_TEST

START_TEST(test_every_month)
{
        char buf[64];
        const char *reason;

        for (int m = 0; m <= 99; m++) {
                snprintf(buf, sizeof buf, "iqn.2001-%02d.com.example", m);
                ck_assert_msg(iscsi_name_check(buf, &reason) == (m >= 1 && m <= 12 ? 0 : -EINVAL),
                              "month %02d", m);
        }
}
END_TEST

static Suite *iscsi_name_suite(void) {
        Suite *s = suite_create("iscsi-name");
        TCase *tc;

        tc = tcase_create("good");
        tcase_add_loop_test(tc, test_good, 0, (int) ELEMENTSOF(good_names));
        suite_add_tcase(s, tc);

        tc = tcase_create("bad");
        tcase_add_loop_test(tc, test_bad, 0, (int) ELEMENTSOF(bad_names));
        tcase_add_test(tc, test_length);
        tcase_add_test(tc, test_every_month);
        suite_add_tcase(s, tc);

        return s;
}

int main(void) {
        return test_run_suite(iscsi_name_suite());
}
