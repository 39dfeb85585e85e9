/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include <check.h>
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "string-util.h"
#include "test-util.h"
#include "unit-name.h"

#define SYSTEMD_ESCAPE "/usr/bin/systemd-escape"

/* ---- path_normalize() -------------------------------------------------- */

static const struct {
        const char *in;
        const char *out;        /* NULL: refused with -EINVAL */
} normalize[] = {
        { "/", "/" },
        { "//", "/" },
        { "/./", "/" },
        { "/.", "/" },
        { "/mnt", "/mnt" },
        { "/mnt/", "/mnt" },
        { "/mnt//", "/mnt" },
        { "//mnt//data", "/mnt/data" },
        { "/mnt/./data/.", "/mnt/data" },
        { "/mnt/.data", "/mnt/.data" },
        { "/mnt/..data", "/mnt/..data" },
        { "/mnt/data..", "/mnt/data.." },
        { "/mnt/...", "/mnt/..." },
        { "/mnt/my data", "/mnt/my data" },
        { "/mnt/donn\xc3\xa9" "es", "/mnt/donn\xc3\xa9" "es" },
        { "", NULL },
        { "mnt", NULL },
        { "./mnt", NULL },
        { "../mnt", NULL },
        { "/..", NULL },
        { "/../mnt", NULL },
        { "/mnt/..", NULL },
        { "/mnt/../data", NULL },
        { "/mnt//..//data", NULL },
        { "/mnt/a\nb", NULL },
        { "/mnt/a\tb", NULL },
        { "/mnt/a\rb", NULL },
        { "/mnt/\x1b", NULL },
        /* a backslash is an ordinary byte in a path (systemd's path_is_valid()); whether the path can
         * be written to a unit file is unit_value_check()'s business */
        { "/mnt/a\\b", "/mnt/a\\b" },
        { "/mnt/a\\", "/mnt/a\\" },
        { "/mnt/a /", "/mnt/a " },
};

START_TEST(test_path_normalize)
{
        const char *reason = NULL;
        char *out = NULL;
        int r = path_normalize(normalize[_i].in, &out, &reason);

        if (normalize[_i].out) {
                ck_assert_msg(r == 0, "path_normalize(\"%s\") = %d (%s)", normalize[_i].in, r, reason ?: "");
                ck_assert_str_eq(out, normalize[_i].out);
                free(out);
        } else {
                ck_assert_msg(r == -EINVAL, "path_normalize(\"%s\") = %d, expected -EINVAL", normalize[_i].in, r);
                ck_assert_ptr_nonnull(reason);
        }
}
END_TEST

/* ---- unit_name_escape() ------------------------------------------------- */

static const struct {
        const char *in;
        const char *out;
} escapes[] = {
        { "", "" },
        { "abc", "abc" },
        { "a/b", "a-b" },
        { "a-b", "a\\x2db" },
        { "a b", "a\\x20b" },
        { ".a", "\\x2ea" },             /* leading '.' */
        { "a.b", "a.b" },
        { "a/.b", "a-.b" },             /* only the very first '.' */
        { "a:b_c", "a:b_c" },
        { "100%", "100\\x25" },
        { "a\\b", "a\\x5cb" },
        { "\xc3\xa9", "\\xc3\\xa9" },
        { "A~z", "A\\x7ez" },
        { "@", "\\x40" },
};

START_TEST(test_unit_name_escape)
{
        _cleanup_free_ char *out = NULL;

        ck_assert_int_eq(unit_name_escape(escapes[_i].in, &out), 0);
        ck_assert_str_eq(out, escapes[_i].out);
}
END_TEST

/* ---- unit_name_from_path() against systemd-escape ------------------------- */

static bool have_systemd_escape;

/* systemd-escape --path --suffix=mount PATH; NULL if it refused the path */
static char *systemd_escape_path(const char *path) {
        char *argv[] = { (char *) SYSTEMD_ESCAPE, (char *) "--path", (char *) "--suffix=mount", (char *) "--",
                         (char *) path, NULL };
        char *out;
        size_t n;

        if (test_run(argv, &out) != 0) {
                free(out);
                return NULL;
        }
        n = strlen(out);
        ck_assert_msg(n > 0 && out[n - 1] == '\n', "unexpected systemd-escape output \"%s\"", out);
        out[n - 1] = '\0';
        return out;
}

static const char *const tricky_paths[] = {
        "/mnt/data",
        "/mnt/my data",
        "/mnt/ leading and trailing ",
        "/mnt/a-b",
        "/mnt/a--b",
        "/-",
        "/mnt/-",
        "/-mnt-/-",
        "/mnt/.hidden",
        "/.hidden",
        "/.hidden/.x",
        "/mnt/./data",
        "/./mnt",
        "/mnt/x.",
        "/mnt/..x",
        "/mnt/x..y",
        "/mnt/...",
        "/mnt/donn\xc3\xa9" "es",
        "/srv/\xe6\x97\xa5\xe6\x9c\xac",                /* CJK */
        "/srv/\xf0\x9f\x98\x80",                        /* U+1F600 */
        "//mnt//data",
        "///mnt",
        "/mnt/data/",
        "/mnt/data//",
        "/mnt/data/.",
        "/mnt/100%",
        "/mnt/%i%%",
        "/mnt/a:b",
        "/mnt/a_b",
        "/mnt/a~b",
        "/mnt/a+b",
        "/mnt/a@b",
        "/mnt/a=b",
        "/mnt/#x",
        "/mnt/a'b\"c",
        "/mnt/a,b;c",
        "/mnt/[x]*?",
        "/mnt/$HOME",
        "/mnt/UPPER.lower",
        "/srv/iscsi/lun-0",
        "/",
        "//",
        "/./",
};

START_TEST(test_like_systemd_escape)
{
        const char *path = tricky_paths[_i];
        _cleanup_free_ char *ours = NULL, *theirs = NULL;
        int r;

        r = unit_name_from_path(path, ".mount", &ours);
        ck_assert_msg(r == 0, "unit_name_from_path(\"%s\") = %d", path, r);

        if (!have_systemd_escape)
                return;
        theirs = systemd_escape_path(path);
        ck_assert_msg(theirs, "systemd-escape refused \"%s\"", path);
        ck_assert_msg(streq(ours, theirs), "\"%s\": ours \"%s\", systemd-escape \"%s\"", path, ours, theirs);
}
END_TEST

START_TEST(test_known_names)
{
        /* the same, pinned, so the test means something without systemd-escape */
        static const struct {
                const char *path;
                const char *name;
        } known[] = {
                { "/", "-.mount" },
                { "/mnt/data", "mnt-data.mount" },
                { "//mnt//data/", "mnt-data.mount" },
                { "/mnt/my data", "mnt-my\\x20data.mount" },
                { "/mnt/a-b", "mnt-a\\x2db.mount" },
                { "/.hidden/.x", "\\x2ehidden-.x.mount" },
                { "/mnt/donn\xc3\xa9" "es", "mnt-donn\\xc3\\xa9es.mount" },
                { "/mnt/100%", "mnt-100\\x25.mount" },
                { "/mnt/a:b_c", "mnt-a:b_c.mount" },
        };

        for (size_t i = 0; i < ELEMENTSOF(known); i++) {
                _cleanup_free_ char *n = NULL;

                ck_assert_int_eq(unit_name_from_path(known[i].path, ".mount", &n), 0);
                ck_assert_str_eq(n, known[i].name);
        }
}
END_TEST

START_TEST(test_other_suffix)
{
        _cleanup_free_ char *n = NULL;

        ck_assert_int_eq(unit_name_from_path("/dev/disk/by-path/ip-192.0.2.1:3260-iscsi-iqn.2001-04.com.example:t-lun-0",
                                             ".device", &n),
                         0);
        ck_assert_str_eq(n, "dev-disk-by\\x2dpath-ip\\x2d192.0.2.1:3260\\x2discsi\\x2diqn.2001\\x2d04.com.example:t\\x2dlun\\x2d0.device");
}
END_TEST

START_TEST(test_from_path_refused)
{
        static const char *const paths[] = { "", "mnt", "mnt/data", "./mnt", "/..", "/mnt/..", "/mnt/../data",
                                             "/a/./../b" };

        for (size_t i = 0; i < ELEMENTSOF(paths); i++) {
                char *n = NULL;

                ck_assert_msg(unit_name_from_path(paths[i], ".mount", &n) == -EINVAL, "\"%s\" accepted", paths[i]);
                free(n);
        }
}
END_TEST

/* "/" + @n x 'a' */
static char *path_of(const char *prefix, size_t n, char fill) {
        size_t l = strlen(prefix);
        char *p = malloc(l + n + 1);

        ck_assert_ptr_nonnull(p);
        memcpy(p, prefix, l);
        memset(p + l, fill, n);
        p[l + n] = '\0';
        return p;
}

START_TEST(test_length_boundary)
{
        _cleanup_free_ char *p249 = path_of("/", 249, 'a'), *p250 = path_of("/", 250, 'a');
        _cleanup_free_ char *n249 = NULL, *n250 = NULL, *t249 = NULL, *t250 = NULL;

        ck_assert_int_eq(UNIT_NAME_MAX, 255);

        /* 249 + ".mount" = 255 bytes: the longest name PID 1 accepts */
        ck_assert_int_eq(unit_name_from_path(p249, ".mount", &n249), 0);
        ck_assert_uint_eq(strlen(n249), 255);

        /* 256 bytes: refused */
        ck_assert_int_eq(unit_name_from_path(p250, ".mount", &n250), -ENAMETOOLONG);

        if (!have_systemd_escape)
                return;
        /* systemd-escape agrees on the name that fits ... */
        t249 = systemd_escape_path(p249);
        ck_assert_ptr_nonnull(t249);
        ck_assert_str_eq(n249, t249);
        /* ... and itself does not enforce the unit name limit (it only
         * escapes): the name it prints for one more byte is exactly the
         * 256-byte name that PID 1 would refuse, which is why we refuse it. */
        t250 = systemd_escape_path(p250);
        if (t250)
                ck_assert_uint_eq(strlen(t250), 256);
}
END_TEST

START_TEST(test_length_250_byte_paths)
{
        /* 250-byte paths: fine when nothing needs escaping, too long when escaping grows the name */
        _cleanup_free_ char *plain = path_of("/mnt/", 245, 'a');
        _cleanup_free_ char *dashed = path_of("/mnt/", 245, 'a');
        _cleanup_free_ char *n1 = NULL, *n2 = NULL, *t1 = NULL, *t2 = NULL;

        ck_assert_uint_eq(strlen(plain), 250);
        dashed[100] = '-';
        ck_assert_int_eq(unit_name_from_path(plain, ".mount", &n1), 0);
        ck_assert_uint_eq(strlen(n1), 255);
        ck_assert_int_eq(unit_name_from_path(dashed, ".mount", &n2), -ENAMETOOLONG);

        if (!have_systemd_escape)
                return;
        t1 = systemd_escape_path(plain);
        ck_assert_ptr_nonnull(t1);
        ck_assert_str_eq(n1, t1);
        t2 = systemd_escape_path(dashed);
        if (t2)
                ck_assert_uint_gt(strlen(t2), UNIT_NAME_MAX);
}
END_TEST

START_TEST(test_length_component_too_long)
{
        /* a component over NAME_MAX: systemd-escape refuses the path, and so do we */
        _cleanup_free_ char *p = path_of("/", 256, 'a'), *n = NULL, *t = NULL;

        ck_assert_int_eq(unit_name_from_path(p, ".mount", &n), -ENAMETOOLONG);
        if (!have_systemd_escape)
                return;
        t = systemd_escape_path(p);
        ck_assert_ptr_null(t);
}
END_TEST

START_TEST(test_length_utf8)
{
        /* escaping multiplies UTF-8 by 4: 30 x U+00E9 = 60 bytes of path, 240 bytes of name */
        _cleanup_free_ char *ok = NULL, *long_ = NULL, *n1 = NULL, *n2 = NULL, *t1 = NULL;
        char buf[128] = "/";

        for (int i = 0; i < 30; i++)
                strcat(buf, "\xc3\xa9");
        strcat(buf, "123456789");               /* 240 + 9 + 6 = 255 */
        ok = strdup(buf);
        strcat(buf, "0");                       /* 256 */
        long_ = strdup(buf);

        ck_assert_int_eq(unit_name_from_path(ok, ".mount", &n1), 0);
        ck_assert_uint_eq(strlen(n1), 255);
        ck_assert_int_eq(unit_name_from_path(long_, ".mount", &n2), -ENAMETOOLONG);

        if (!have_systemd_escape)
                return;
        t1 = systemd_escape_path(ok);
        ck_assert_ptr_nonnull(t1);
        ck_assert_str_eq(n1, t1);
}
END_TEST

/* ---- by_path_name() ----------------------------------------------------- */

static const struct {
        const char *portal;
        const char *target;
        unsigned long long lun;
        const char *link;
} by_path[] = {
        { "192.0.2.1", "iqn.2001-04.com.example:t1", 0,
          "/dev/disk/by-path/ip-192.0.2.1:3260-iscsi-iqn.2001-04.com.example:t1-lun-0" },
        { "192.0.2.1:3261", "iqn.2001-04.com.example:t1", 1,
          "/dev/disk/by-path/ip-192.0.2.1:3261-iscsi-iqn.2001-04.com.example:t1-lun-1" },
        { "192.0.2.1", "iqn.2001-04.com.example:t1", 255,
          "/dev/disk/by-path/ip-192.0.2.1:3260-iscsi-iqn.2001-04.com.example:t1-lun-255" },
        /* SAM flat space: kernel LUN 0x4000 | N, printed by path_id as "0x%04x%04x00000000" (16 hex digits) */
        { "192.0.2.1", "iqn.2001-04.com.example:t1", 256,
          "/dev/disk/by-path/ip-192.0.2.1:3260-iscsi-iqn.2001-04.com.example:t1-lun-0x4100000000000000" },
        { "192.0.2.1", "iqn.2001-04.com.example:t1", 4660,
          "/dev/disk/by-path/ip-192.0.2.1:3260-iscsi-iqn.2001-04.com.example:t1-lun-0x5234000000000000" },
        { "192.0.2.1", "iqn.2001-04.com.example:t1", 16383,
          "/dev/disk/by-path/ip-192.0.2.1:3260-iscsi-iqn.2001-04.com.example:t1-lun-0x7fff000000000000" },
        /* IPv6: canonical, without brackets */
        { "[FD00:0::1]", "iqn.2001-04.com.example:t1", 0,
          "/dev/disk/by-path/ip-fd00::1:3260-iscsi-iqn.2001-04.com.example:t1-lun-0" },
        { "[::1]:860", "eui.02004567A425678D", 2,
          "/dev/disk/by-path/ip-::1:860-iscsi-eui.02004567A425678D-lun-2" },
        { "192.0.2.1", "naa.52004567BA64678D", 0,
          "/dev/disk/by-path/ip-192.0.2.1:3260-iscsi-naa.52004567BA64678D-lun-0" },
};

START_TEST(test_by_path)
{
        _cleanup_free_ char *link = NULL;
        const char *reason;
        Portal p;

        ck_assert_int_eq(portal_parse(by_path[_i].portal, &p, &reason), 0);
        ck_assert_int_eq(by_path_name(&p, by_path[_i].target, by_path[_i].lun, &link), 0);
        ck_assert_str_eq(link, by_path[_i].link);
}
END_TEST

START_TEST(test_by_path_range)
{
        const char *reason;
        char *link = NULL;
        Portal p;

        ck_assert_int_eq(portal_parse("192.0.2.1", &p, &reason), 0);
        ck_assert_int_eq(by_path_name(&p, "iqn.2001-04.com.example:t1", 16384, &link), -ERANGE);
        ck_assert_int_eq(by_path_name(&p, "iqn.2001-04.com.example:t1", UINT64_MAX, &link), -ERANGE);
}
END_TEST

START_TEST(test_by_path_udev_chars)
{
        /* bytes outside udev's allowed set become '_' (the target part only) */
        _cleanup_free_ char *link = NULL;
        const char *reason;
        Portal p;

        ck_assert_int_eq(portal_parse("192.0.2.1", &p, &reason), 0);
        ck_assert_int_eq(by_path_name(&p, "a b*c", 0, &link), 0);
        ck_assert_str_eq(link, "/dev/disk/by-path/ip-192.0.2.1:3260-iscsi-a_b_c-lun-0");
}
END_TEST

static Suite *unit_name_suite(void) {
        Suite *s = suite_create("unit-name");
        TCase *tc;

        tc = tcase_create("path_normalize");
        tcase_add_loop_test(tc, test_path_normalize, 0, (int) ELEMENTSOF(normalize));
        suite_add_tcase(s, tc);

        tc = tcase_create("escape");
        tcase_add_loop_test(tc, test_unit_name_escape, 0, (int) ELEMENTSOF(escapes));
        tcase_add_loop_test(tc, test_like_systemd_escape, 0, (int) ELEMENTSOF(tricky_paths));
        tcase_add_test(tc, test_known_names);
        tcase_add_test(tc, test_other_suffix);
        tcase_add_test(tc, test_from_path_refused);
        suite_add_tcase(s, tc);

        tc = tcase_create("length");
        tcase_add_test(tc, test_length_boundary);
        tcase_add_test(tc, test_length_250_byte_paths);
        tcase_add_test(tc, test_length_component_too_long);
        tcase_add_test(tc, test_length_utf8);
        suite_add_tcase(s, tc);

        tc = tcase_create("by_path");
        tcase_add_loop_test(tc, test_by_path, 0, (int) ELEMENTSOF(by_path));
        tcase_add_test(tc, test_by_path_range);
        tcase_add_test(tc, test_by_path_udev_chars);
        suite_add_tcase(s, tc);

        return s;
}

int main(void) {
        int r;

        have_systemd_escape = access(SYSTEMD_ESCAPE, X_OK) == 0;
        r = test_run_suite(unit_name_suite());
        if (r == EXIT_SUCCESS && !have_systemd_escape) {
                fprintf(stderr, "%s not found: the comparisons with systemd's own escaping were not run.\n",
                        SYSTEMD_ESCAPE);
                return 77;
        }
        return r;
}
