/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include <check.h>
#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include "portal.h"
#include "test-util.h"

static const struct {
        const char *in;
        int family;
        const char *address;    /* canonical (inet_ntop, RFC 5952) */
        unsigned port;
        const char *string;     /* portal_to_string() */
} good[] = {
        { "192.0.2.1", AF_INET, "192.0.2.1", 3260, "192.0.2.1:3260" },
        { "192.0.2.1:3261", AF_INET, "192.0.2.1", 3261, "192.0.2.1:3261" },
        { "192.0.2.1:1", AF_INET, "192.0.2.1", 1, "192.0.2.1:1" },
        { "192.0.2.1:65535", AF_INET, "192.0.2.1", 65535, "192.0.2.1:65535" },
        { "192.0.2.1:03260", AF_INET, "192.0.2.1", 3260, "192.0.2.1:3260" },
        { "0.0.0.1", AF_INET, "0.0.0.1", 3260, "0.0.0.1:3260" },
        { "255.255.255.254:860", AF_INET, "255.255.255.254", 860, "255.255.255.254:860" },
        { "223.255.255.255", AF_INET, "223.255.255.255", 3260, "223.255.255.255:3260" },  /* below 224/4 */
        { "240.0.0.1", AF_INET, "240.0.0.1", 3260, "240.0.0.1:3260" },                    /* above 224/4 */
        { "[fe80::1]", AF_INET6, "fe80::1", 3260, "[fe80::1]:3260" },                     /* not ff00::/8 */
        { "[feff::1]", AF_INET6, "feff::1", 3260, "[feff::1]:3260" },
        { "[fd00::1]", AF_INET6, "fd00::1", 3260, "[fd00::1]:3260" },
        { "[FD00:0::1]", AF_INET6, "fd00::1", 3260, "[fd00::1]:3260" },
        { "[FD00:0::1]:3261", AF_INET6, "fd00::1", 3261, "[fd00::1]:3261" },
        { "[::1]", AF_INET6, "::1", 3260, "[::1]:3260" },
        { "[::1]:65535", AF_INET6, "::1", 65535, "[::1]:65535" },
        { "[2001:db8:0:0:0:0:0:1]", AF_INET6, "2001:db8::1", 3260, "[2001:db8::1]:3260" },
        { "[2001:0DB8:0000:0000:0001:0000:0000:0001]:1", AF_INET6, "2001:db8::1:0:0:1", 1,
          "[2001:db8::1:0:0:1]:1" },                                /* RFC 5952 §4.2.3: first of equal runs */
        { "[2001:db8:0:1:1:1:1:1]", AF_INET6, "2001:db8:0:1:1:1:1:1", 3260,
          "[2001:db8:0:1:1:1:1:1]:3260" },                          /* RFC 5952 §4.2.2: one 0 is not "::" */
        { "[::ffff:192.0.2.1]", AF_INET6, "::ffff:192.0.2.1", 3260, "[::ffff:192.0.2.1]:3260" },
        { "[fdff:ffff:ffff:ffff:ffff:ffff:ffff:ffff]:65535", AF_INET6, "fdff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
          65535, "[fdff:ffff:ffff:ffff:ffff:ffff:ffff:ffff]:65535" },
};

START_TEST(test_good)
{
        char buf[PORTAL_STRING_MAX];
        const char *reason = NULL;
        Portal p;
        int r;

        memset(&p, 0x55, sizeof p);
        r = portal_parse(good[_i].in, &p, &reason);
        ck_assert_msg(r == 0, "\"%s\" refused: %d (%s)", good[_i].in, r, reason ?: "no reason");
        ck_assert_int_eq(p.family, good[_i].family);
        ck_assert_str_eq(p.address, good[_i].address);
        ck_assert_uint_eq(p.port, good[_i].port);
        ck_assert_ptr_eq(portal_to_string(&p, buf), buf);
        ck_assert_str_eq(buf, good[_i].string);
}
END_TEST

static const struct {
        const char *in;
        int error;
} bad[] = {
        { "", -EINVAL },
        { "fd00::1", -EINVAL },                 /* IPv6 without brackets */
        { "fd00::1:3260", -EINVAL },
        { "::1", -EINVAL },
        { "2001:db8::1", -EINVAL },
        { "[fd00::1", -EINVAL },
        { "fd00::1]", -EINVAL },
        { "[fd00::1]3260", -EINVAL },
        { "[fd00::1]:", -EINVAL },
        { "[fd00::1]:x", -EINVAL },
        { "[fd00::1]:3260:1", -EINVAL },
        { "[]", -EINVAL },
        { "[]:3260", -EINVAL },
        { "[fd00::1%eth0]", -EINVAL },          /* zone id */
        { "[fe80::1%25eth0]:3260", -EINVAL },
        { "[fd00::g]", -EINVAL },
        { "[fd00:::1]", -EINVAL },
        { "[192.0.2.1]", -EINVAL },             /* IPv4 in brackets */
        { "[[fd00::1]]", -EINVAL },
        { "target.example.com", -EINVAL },      /* host names */
        { "target.example.com:3260", -EINVAL },
        { "localhost", -EINVAL },
        { "iscsi", -EINVAL },
        { "192.0.2", -EINVAL },
        { "192.0.2.256", -EINVAL },
        { "192.0.2.1.5", -EINVAL },
        { "010.0.0.1", -EINVAL },               /* leading zero: octal to inet_aton */
        { "0x7f.0.0.1", -EINVAL },
        { "192.0.2.1:", -EINVAL },
        { ":3260", -EINVAL },
        { "192.0.2.1:abc", -EINVAL },
        { "192.0.2.1:+3260", -EINVAL },
        { "192.0.2.1:-1", -EINVAL },
        { "192.0.2.1:0x10", -EINVAL },
        { "192.0.2.1: 3260", -EINVAL },
        { "192.0.2.1 :3260", -EINVAL },
        { " 192.0.2.1", -EINVAL },
        { "192.0.2.1:3260,1", -EINVAL },        /* a TPGT is its own key */
        { "192.0.2.1/24", -EINVAL },
        /* port out of range */
        { "192.0.2.1:0", -ERANGE },
        { "192.0.2.1:65536", -ERANGE },
        { "192.0.2.1:100000", -ERANGE },
        { "[fd00::1]:0", -ERANGE },
        { "[fd00::1]:65536", -ERANGE },
        { "192.0.2.1:00", -ERANGE },
        /* decimal but beyond 64 bits: still a port out of range, not malformed */
        { "192.0.2.1:99999999999999999999999", -ERANGE },
};

START_TEST(test_bad)
{
        const char *reason = NULL;
        Portal p;
        int r;

        r = portal_parse(bad[_i].in, &p, &reason);
        ck_assert_msg(r == bad[_i].error, "portal_parse(\"%s\") = %d (%s), expected %d", bad[_i].in, r,
                      reason ?: "no reason", bad[_i].error);
        ck_assert_ptr_nonnull(reason);
        ck_assert_uint_gt(strlen(reason), 0);
}
END_TEST

/* Addresses that are no TCP peer: refused with the rule named. */
static const struct {
        const char *in;
        const char *reason;     /* a substring of the reason */
} not_unicast[] = {
        { "0.0.0.0", "unspecified address 0.0.0.0" },
        { "0.0.0.0:3260", "unspecified address 0.0.0.0" },
        { "[::]", "unspecified address [::]" },
        { "[0:0:0:0:0:0:0:0]:3260", "unspecified address [::]" },
        { "[::ffff:0.0.0.0]", "unspecified address 0.0.0.0" },
        { "255.255.255.255", "broadcast address 255.255.255.255" },
        { "255.255.255.255:860", "broadcast address 255.255.255.255" },
        { "[::ffff:255.255.255.255]", "broadcast address 255.255.255.255" },
        { "224.0.0.1", "multicast address (224.0.0.0/4)" },
        { "239.255.255.255:3260", "multicast address (224.0.0.0/4)" },
        { "[::ffff:224.0.0.5]", "multicast address (224.0.0.0/4)" },
        { "[ff02::1]", "multicast address (ff00::/8)" },
        { "[ff00::]:3260", "multicast address (ff00::/8)" },
        { "[ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff]", "multicast address (ff00::/8)" },
};

START_TEST(test_not_unicast)
{
        const char *reason = NULL;
        Portal p = {};
        int r;

        r = portal_parse(not_unicast[_i].in, &p, &reason);
        ck_assert_msg(r == -EINVAL, "portal_parse(\"%s\") = %d, expected -EINVAL", not_unicast[_i].in, r);
        ck_assert_ptr_nonnull(reason);
        ck_assert_msg(strstr(reason, not_unicast[_i].reason), "\"%s\": reason \"%s\"", not_unicast[_i].in, reason);
        ck_assert_ptr_nonnull(strstr(reason, "RFC"));
        ck_assert_int_eq(p.family, 0);  /* *ret untouched */
}
END_TEST

START_TEST(test_ipv4_canonical)
{
        /* the canonical text is inet_ntop()'s: what open-iscsi and udev print */
        const char *reason;
        Portal p;

        ck_assert_int_eq(portal_parse("10.0.0.1", &p, &reason), 0);
        ck_assert_str_eq(p.address, "10.0.0.1");
        ck_assert_int_eq(ISCSI_DEFAULT_PORT, 3260);
}
END_TEST

START_TEST(test_address_equal) {
        Portal p6, p4;
        const char *reason;

        ck_assert_int_eq(portal_parse("[fd00::1]:3260", &p6, &reason), 0);
        ck_assert_int_eq(portal_parse("192.0.2.10", &p4, &reason), 0);
        /* sysfs and records may spell one IPv6 address differently */
        ck_assert(portal_address_equal(&p6, "fd00:0:0::0001"));
        ck_assert(portal_address_equal(&p6, "FD00::1"));
        ck_assert(!portal_address_equal(&p6, "fd00::2"));
        ck_assert(!portal_address_equal(&p6, "192.0.2.10"));
        ck_assert(portal_address_equal(&p4, "192.0.2.10"));
        ck_assert(!portal_address_equal(&p4, "192.0.2.1"));
        ck_assert(!portal_address_equal(&p4, ""));
        ck_assert(!portal_address_equal(&p4, NULL));
        ck_assert(!portal_address_equal(&p4, "host.example"));
}
END_TEST

static Suite *portal_suite(void) {
        Suite *s = suite_create("portal");
        TCase *tc;

        tc = tcase_create("good");
        tcase_add_loop_test(tc, test_good, 0, (int) ELEMENTSOF(good));
        tcase_add_test(tc, test_ipv4_canonical);
        tcase_add_test(tc, test_address_equal);
        suite_add_tcase(s, tc);

        tc = tcase_create("bad");
        tcase_add_loop_test(tc, test_bad, 0, (int) ELEMENTSOF(bad));
        tcase_add_loop_test(tc, test_not_unicast, 0, (int) ELEMENTSOF(not_unicast));
        suite_add_tcase(s, tc);

        return s;
}

int main(void) {
        return test_run_suite(portal_suite());
}
