/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "io-util.h"
#include "secret.h"
#include "test-util.h"

/* ---- read_file_bounded() / read_fd_bounded() ------------------------------ */

static const struct {
        size_t size;            /* bytes in the file */
        size_t max;
        int error;
} reads[] = {
        { 0, 10, 0 },
        { 10, 10, 0 },          /* exactly the limit */
        { 11, 10, -EFBIG },
        { 4095, 65536, 0 },     /* around the first buffer of 4 KiB */
        { 4096, 65536, 0 },
        { 4097, 65536, 0 },
        { 100000, 1048576, 0 }, /* grows several times */
        { 65536, 65536, 0 },
        { 65537, 65536, -EFBIG },
        { 1, 0, -EFBIG },
        { 0, 0, 0 },
};

START_TEST(test_read_bounded)
{
        char *dir = test_mkdtemp();
        _cleanup_free_ char *p = test_path(dir, "f"), *data = malloc(reads[_i].size + 1);
        char *got = (char *) 0x1;
        size_t n = 12345;
        int r;

        ck_assert_ptr_nonnull(data);
        for (size_t i = 0; i < reads[_i].size; i++)
                data[i] = (char) ('a' + i % 26);
        test_write_file_n(p, data, reads[_i].size);

        r = read_file_bounded(p, reads[_i].max, &got, &n);
        ck_assert_msg(r == reads[_i].error, "size %zu max %zu: %d", reads[_i].size, reads[_i].max, r);
        if (r == 0) {
                ck_assert_uint_eq(n, reads[_i].size);
                ck_assert_int_eq(memcmp(got, data, n), 0);
                ck_assert_int_eq(got[n], '\0');
                erase_and_free(got);
        } else {
                ck_assert_ptr_eq(got, (char *) 0x1);    /* untouched on error */
                ck_assert_uint_eq(n, 12345);
        }
        test_rm_rf_free(dir);
}
END_TEST

START_TEST(test_read_bounded_errors_and_stdin)
{
        char *dir = test_mkdtemp();
        _cleanup_free_ char *p = test_path(dir, "f"), *missing = test_path(dir, "missing");
        char *got = NULL;
        size_t n;
        int saved, fd;

        ck_assert_int_eq(read_file_bounded(missing, 10, &got, &n), -ENOENT);
        ck_assert_int_eq(read_file_bounded(dir, 10, &got, &n), -EISDIR);

        /* "-" is stdin */
        test_write_file(p, "from stdin\n");
        saved = dup(STDIN_FILENO);
        fd = open(p, O_RDONLY | O_CLOEXEC);
        ck_assert_int_ge(fd, 0);
        ck_assert_int_eq(dup2(fd, STDIN_FILENO), STDIN_FILENO);
        close(fd);
        ck_assert_int_eq(read_file_bounded("-", 100, &got, &n), 0);
        ck_assert_int_eq(dup2(saved, STDIN_FILENO), STDIN_FILENO);
        close(saved);
        ck_assert_str_eq(got, "from stdin\n");
        ck_assert_uint_eq(n, 11);
        erase_and_free(got);
        test_rm_rf_free(dir);
}
END_TEST

/* ---- mkdir_p() -------------------------------------------------------------- */

static mode_t mode_of(const char *p) {
        struct stat st;

        ck_assert_int_eq(stat(p, &st), 0);
        ck_assert(S_ISDIR(st.st_mode));
        return st.st_mode & 07777;
}

START_TEST(test_mkdir_parents)
{
        char *dir = test_mkdtemp();
        _cleanup_free_ char *a = test_path(dir, "a"), *ab = test_path(dir, "a/b"), *abc = test_path(dir, "a/b/c"),
                            *slashes = test_path(dir, "x//y/"), *file = test_path(dir, "file"),
                            *under_file = test_path(dir, "file/sub");
        mode_t old = umask(022);

        ck_assert_int_eq(mkdir_p(abc, 0755, 0700), 0);
        ck_assert_uint_eq(mode_of(a), 0755);
        ck_assert_uint_eq(mode_of(ab), 0755);
        ck_assert_uint_eq(mode_of(abc), 0700);
        /* existing: fine, modes untouched */
        ck_assert_int_eq(mkdir_p(abc, 0700, 0755), 0);
        ck_assert_uint_eq(mode_of(abc), 0700);
        ck_assert_int_eq(mkdir_p(ab, 0700, 0700), 0);
        ck_assert_uint_eq(mode_of(ab), 0755);
        /* runs of '/' and a trailing one */
        ck_assert_int_eq(mkdir_p(slashes, 0755, 0700), 0);
        {
                _cleanup_free_ char *y = test_path(dir, "x/y");

                ck_assert_uint_eq(mode_of(y), 0700);
        }
        /* a file in the way */
        test_write_file(file, "x");
        ck_assert_int_eq(mkdir_p(file, 0755, 0700), -ENOTDIR);
        ck_assert_int_eq(mkdir_p(under_file, 0755, 0700), -ENOTDIR);
        umask(old);
        test_rm_rf_free(dir);
}
END_TEST

START_TEST(test_mkdir_p_too_long)
{
        char buf[PATH_MAX + 10];

        memset(buf, 'a', sizeof buf - 1);
        buf[0] = '/';
        buf[sizeof buf - 1] = '\0';
        ck_assert_int_eq(mkdir_p(buf, 0755, 0755), -ENAMETOOLONG);
}
END_TEST

static Suite *io_util_suite(void) {
        Suite *s = suite_create("io-util");
        TCase *tc;

        tc = tcase_create("read");
        tcase_add_loop_test(tc, test_read_bounded, 0, (int) ELEMENTSOF(reads));
        tcase_add_test(tc, test_read_bounded_errors_and_stdin);
        suite_add_tcase(s, tc);

        tc = tcase_create("mkdir");
        tcase_add_test(tc, test_mkdir_parents);
        tcase_add_test(tc, test_mkdir_p_too_long);
        suite_add_tcase(s, tc);

        return s;
}

int main(void) {
        return test_run_suite(io_util_suite());
}
