/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include <check.h>
#include <errno.h>
#include <string.h>

#include "mount-options.h"
#include "test-util.h"

#define INF USEC_INFINITY

static const struct {
        const char *in;
        bool noauto, nofail, ro, automount;
        usec_t idle;            /* 0 and !idle_set below: not given */
        bool idle_set;
        usec_t mount;
        bool mount_set;
} good[] = {
        { "defaults", false, false, false, false, 0, false, 0, false },
        { "noatime,discard", false, false, false, false, 0, false, 0, false },
        { "noauto", true, false, false, false, 0, false, 0, false },
        { "noauto,auto", false, false, false, false, 0, false, 0, false },     /* the last one wins (fstab(5)) */
        { "auto,noauto", true, false, false, false, 0, false, 0, false },
        { "nofail", false, true, false, false, 0, false, 0, false },
        { "nofail,fail", false, false, false, false, 0, false, 0, false },
        { "nofailx,xnofail,nofail=1,no-fail", false, false, false, false, 0, false, 0, false },
        { "ro", false, false, true, false, 0, false, 0, false },
        { "ro,rw", false, false, false, false, 0, false, 0, false },
        { "x-systemd.automount", false, false, false, true, 0, false, 0, false },
        { "x-systemd.automount,x-systemd.idle-timeout=5min", false, false, false, true, 300 * USEC_PER_SEC, true,
          0, false },
        { "x-systemd.idle-timeout=0,x-systemd.automount", false, false, false, true, 0, true, 0, false },
        { "x-systemd.mount-timeout=1min30s", false, false, false, false, 0, false, 90 * USEC_PER_SEC, true },
        { "x-systemd.mount-timeout=infinity", false, false, false, false, 0, false, INF, true },
        { "noauto,nofail,ro,x-systemd.automount,x-systemd.mount-timeout=20s", true, true, true, true, 0, false,
          20 * USEC_PER_SEC, true },
        { "context=\"system_u:object_r:tmp_t:s0\",100%", false, false, false, false, 0, false, 0, false },
        { "a\\b", false, false, false, false, 0, false, 0, false },
        { "_netdev", false, false, false, false, 0, false, 0, false },
};

START_TEST(test_good)
{
        _cleanup_free_ char *option = NULL;
        const char *reason = NULL;
        MountOptions m;
        int r;

        memset(&m, 0xaa, sizeof m);
        r = mount_options_parse(good[_i].in, &m, &option, &reason);
        ck_assert_msg(r == 0, "\"%s\": %d (%s)", good[_i].in, r, reason ?: "");
        ck_assert_ptr_null(option);
        ck_assert_msg(m.noauto == good[_i].noauto, "\"%s\": noauto", good[_i].in);
        ck_assert_msg(m.nofail == good[_i].nofail, "\"%s\": nofail", good[_i].in);
        ck_assert_msg(m.read_only == good[_i].ro, "\"%s\": ro", good[_i].in);
        ck_assert_msg(m.automount == good[_i].automount, "\"%s\": automount", good[_i].in);
        ck_assert_msg(m.idle_timeout_set == good[_i].idle_set, "\"%s\": idle set", good[_i].in);
        if (good[_i].idle_set)
                ck_assert_uint_eq(m.idle_timeout, good[_i].idle);
        ck_assert_msg(m.mount_timeout_set == good[_i].mount_set, "\"%s\": mount-timeout set", good[_i].in);
        if (good[_i].mount_set)
                ck_assert_uint_eq(m.mount_timeout, good[_i].mount);
}
END_TEST

static const struct {
        const char *in;
        const char *option;     /* the option named, or NULL: the whole string */
        const char *reason;     /* a part of the reason */
} bad[] = {
        { "a b", NULL, "without blanks" },
        { "a\tb", NULL, "without blanks" },
        { "ro,,nofail", NULL, "empty" },
        { ",ro", NULL, "empty" },
        { "ro,", NULL, "empty" },
        { "noatime\\", NULL, "trailing backslash" },
        { "x-systemd.nofail", "x-systemd.nofail", "not implemented" },
        { "ro,x-systemd.requires=iscsid.service", "x-systemd.requires=iscsid.service", "not implemented" },
        { "x-systemd.makefs", "x-systemd.makefs", "not implemented" },
        { "x-systemd.growfs", "x-systemd.growfs", "not implemented" },
        { "x-systemd.after=a.service", "x-systemd.after=a.service", "not implemented" },
        { "x-systemd.wanted-by=a.target", "x-systemd.wanted-by=a.target", "not implemented" },
        { "x-systemd.device-timeout=5s", "x-systemd.device-timeout=5s", "device-timeout =" },
        { "x-systemd.automount=yes", "x-systemd.automount=yes", "not implemented" },
        { "x-initrd.mount", "x-initrd.mount", "initrd" },
        { "comment=systemd.automount", "comment=systemd.automount", "comment=systemd" },
        { "x-systemd.idle-timeout=5min", NULL, "needs x-systemd.automount" },
        { "x-systemd.automount,x-systemd.idle-timeout", "x-systemd.idle-timeout", "time span" },
        { "x-systemd.automount,x-systemd.idle-timeout=soon", "x-systemd.idle-timeout=soon", "time span" },
        { "x-systemd.mount-timeout=5 parsecs", "x-systemd.mount-timeout=5 parsecs", "without blanks" },
        { "x-systemd.mount-timeout=-5s", "x-systemd.mount-timeout=-5s", "time span" },
        { "x-systemd.mount-timeout=1s,x-systemd.mount-timeout=2s", "x-systemd.mount-timeout=2s", "twice" },
};

START_TEST(test_bad)
{
        _cleanup_free_ char *option = NULL;
        const char *reason = NULL;
        MountOptions m = {};
        int r;

        r = mount_options_parse(bad[_i].in, &m, &option, &reason);
        ck_assert_msg(r == -EINVAL, "\"%s\": %d, expected -EINVAL", bad[_i].in, r);
        ck_assert_ptr_nonnull(reason);
        ck_assert_msg(strstr(reason, bad[_i].reason), "\"%s\": reason \"%s\" lacks \"%s\"", bad[_i].in, reason,
                      bad[_i].reason);
        if (bad[_i].option && strcmp(bad[_i].reason, "without blanks") != 0) {
                ck_assert_ptr_nonnull(option);
                ck_assert_str_eq(option, bad[_i].option);
        } else if (!bad[_i].option)
                ck_assert_ptr_null(option);
}
END_TEST

static Suite *mount_options_suite(void) {
        Suite *s = suite_create("mount-options");
        TCase *tc = tcase_create("parse");

        tcase_add_loop_test(tc, test_good, 0, (int) ELEMENTSOF(good));
        tcase_add_loop_test(tc, test_bad, 0, (int) ELEMENTSOF(bad));
        suite_add_tcase(s, tc);
        return s;
}

int main(void) {
        return test_run_suite(mount_options_suite());
}
