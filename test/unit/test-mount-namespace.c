/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mount-namespace.h"
#include "test-util.h"

/* mountinfo_writable() on TEXT: the paths joined by ' ', and the tree bits. */
static int writable(const char *text, char *out, size_t size, unsigned *trees) {
        FILE *f = fmemopen((void *) text, strlen(text), "r");
        char **paths = NULL;
        size_t n = 0;
        int r;

        ck_assert_ptr_nonnull(f);
        r = mountinfo_writable(f, &paths, &n, trees);
        fclose(f);
        out[0] = '\0';
        for (size_t i = 0; r >= 0 && i < n; i++) {
                if (i > 0)
                        strncat(out, " ", size - strlen(out) - 1);
                strncat(out, paths[i], size - strlen(out) - 1);
                free(paths[i]);
        }
        free(paths);
        return r;
}

/* Lines as systemd 252 hosts show them (proc(5) format). */
static const char *const host =
        "21 26 0:20 / /sys rw,nosuid,nodev,noexec,relatime shared:7 - sysfs sysfs rw\n"
        "22 26 0:21 / /proc rw,nosuid,nodev,noexec,relatime shared:12 - proc proc rw\n"
        "23 26 0:5 / /dev rw,nosuid,relatime shared:2 - devtmpfs udev rw,size=1000k,mode=755\n"
        "25 26 0:23 / /run rw,nosuid,nodev,noexec,relatime shared:5 - tmpfs tmpfs rw,mode=755\n"
        "26 1 254:1 / / rw,relatime shared:1 - ext4 /dev/vda1 rw\n"
        "27 21 0:6 / /sys/kernel/security rw,nosuid,nodev,noexec,relatime shared:8 - securityfs securityfs rw\n"
        "30 21 0:26 / /sys/fs/cgroup ro,nosuid,nodev,noexec,relatime shared:9 - cgroup2 cgroup2 rw\n"
        "31 25 0:27 / /run/lock rw,nosuid,nodev,noexec,relatime shared:6 - tmpfs tmpfs rw,size=5120k\n"
        "40 25 0:40 / /run/credentials/iscsi-creds-login@db.service ro,nosuid,nodev,noexec,relatime shared:20 - ramfs ramfs rw,mode=700\n"
        "50 26 8:16 / /srv/db rw,relatime shared:30 - ext4 /dev/sdb rw\n"
        "51 26 8:32 / /var/lib/runner rw,relatime shared:31 - ext4 /dev/sdc rw\n";

START_TEST(test_host)
{
        char out[512];
        unsigned trees = 0;

        ck_assert_int_eq(writable(host, out, sizeof out, &trees), 0);
        /* Read-only ones (cgroup2 here, the credentials) stay out; /srv, /var: not API, not /run. */
        ck_assert_str_eq(out, "/sys /proc /dev /run /sys/kernel/security /run/lock");
        ck_assert_uint_eq(trees, 0xf);
}
END_TEST

START_TEST(test_escapes_and_prefixes)
{
        char out[512];
        unsigned trees = 0;

        /* \040 is a blank in a mount point; "/runner" and "/system" are not under /run or /sys. */
        ck_assert_int_eq(writable("60 26 0:50 / /run/media/a\\040b rw,relatime - tmpfs t rw\n"
                                  "61 26 0:51 / /runner rw,relatime - tmpfs t rw\n"
                                  "62 26 0:52 / /system rw,relatime - tmpfs t rw\n"
                                  "63 26 0:53 / /dev/back\\134slash rw - tmpfs t rw\n",
                                  out, sizeof out, &trees), 0);
        ck_assert_str_eq(out, "/run/media/a b /dev/back\\slash");
        /* None of /dev, /proc, /sys, /run is a mount point here (a plain /run: a container). */
        ck_assert_uint_eq(trees, 0);
}
END_TEST

START_TEST(test_stacked)
{
        char out[512];
        unsigned trees = 0;

        /* rw, then ro on top: the ro one is what the path shows. */
        ck_assert_int_eq(writable("70 25 0:60 / /run/x rw - tmpfs t rw\n"
                                  "71 70 0:61 / /run/x ro - tmpfs t rw\n"
                                  "72 25 0:62 / /run/y ro - tmpfs t rw\n"
                                  "73 72 0:63 / /run/y rw - tmpfs t rw\n",
                                  out, sizeof out, &trees), 0);
        ck_assert_str_eq(out, "/run/y");
        /* Only the option "rw" itself counts, not a word that begins with it. */
        ck_assert_int_eq(writable("80 25 0:70 / /run/z rwx - tmpfs t rw\n", out, sizeof out, &trees), 0);
        ck_assert_str_eq(out, "");
}
END_TEST

START_TEST(test_bad_line)
{
        char out[64];
        unsigned trees = 0;

        ck_assert_int_eq(writable("90 25 0:80 / /run/a rw - tmpfs t rw\n91 25 0:81\n", out, sizeof out, &trees),
                         -EIO);
        ck_assert_int_eq(writable("", out, sizeof out, &trees), 0);
        ck_assert_str_eq(out, "");
}
END_TEST

static Suite *mount_namespace_suite(void) {
        Suite *s = suite_create("mount-namespace");
        TCase *tc = tcase_create("mountinfo");

        tcase_add_test(tc, test_host);
        tcase_add_test(tc, test_escapes_and_prefixes);
        tcase_add_test(tc, test_stacked);
        tcase_add_test(tc, test_bad_line);
        suite_add_tcase(s, tc);
        return s;
}

int main(void) {
        return test_run_suite(mount_namespace_suite());
}
