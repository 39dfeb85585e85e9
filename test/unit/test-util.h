/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * Helpers shared by the Check unit tests (header only: every test is one
 * executable). Temp dirs, small file I/O, a log capture through the
 * structured sink of log.h, stderr capture through dup2(), and running a
 * program without a shell.
 */

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cleanup.h"
#include "keyvalue.h"
#include "log.h"

/* ---- temp dirs and files ------------------------------------------------ */

static inline int test_rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw) {
        (void) st;
        (void) ftw;
        if (flag == FTW_DP || flag == FTW_D)
                return rmdir(path) < 0 ? -1 : 0;
        return unlink(path) < 0 ? -1 : 0;
}

static inline char *test_mkdtemp(void) {
        const char *tmp = getenv("TMPDIR");
        char *p;

        ck_assert_int_ge(asprintf(&p, "%s/iscsi-creds-unit.XXXXXX", tmp && *tmp ? tmp : "/tmp"), 0);
        ck_assert_msg(mkdtemp(p), "mkdtemp(%s): %s", p, strerror(errno));
        return p;
}

/* Remove @dir recursively and free the string. */
static inline void test_rm_rf_free(char *dir) {
        if (!dir)
                return;
        (void) nftw(dir, test_rm_one, 16, FTW_DEPTH | FTW_PHYS);
        free(dir);
}

static inline char *test_path(const char *dir, const char *name) {
        char *p;

        ck_assert_int_ge(asprintf(&p, "%s/%s", dir, name), 0);
        return p;
}

/* mkdir -p with mode 0755 */
static inline void test_mkdir_p(const char *path) {
        char buf[PATH_MAX];

        ck_assert_uint_lt(strlen(path), sizeof buf);
        strcpy(buf, path);
        for (char *s = buf + 1; *s; s++) {
                if (*s != '/')
                        continue;
                *s = '\0';
                ck_assert_msg(mkdir(buf, 0755) == 0 || errno == EEXIST, "mkdir(%s): %s", buf, strerror(errno));
                *s = '/';
        }
        ck_assert_msg(mkdir(buf, 0755) == 0 || errno == EEXIST, "mkdir(%s): %s", buf, strerror(errno));
}

static inline void test_write_file_n(const char *path, const char *data, size_t n) {
        int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

        ck_assert_msg(fd >= 0, "open(%s): %s", path, strerror(errno));
        ck_assert_int_eq(write(fd, data, n), (ssize_t) n);
        ck_assert_int_eq(close(fd), 0);
}

static inline void test_write_file(const char *path, const char *data) {
        test_write_file_n(path, data, strlen(data));
}

/* Whole file, NUL-terminated; free() it. */
static inline char *test_read_file(const char *path, size_t *ret_size) {
        FILE *f = fopen(path, "re");
        char *buf = NULL;
        size_t n = 0;

        ck_assert_msg(f, "fopen(%s): %s", path, strerror(errno));
        for (;;) {
                char *b = realloc(buf, n + 4097);
                size_t k;

                ck_assert_ptr_nonnull(b);
                buf = b;
                k = fread(buf + n, 1, 4096, f);
                n += k;
                if (k == 0)
                        break;
        }
        ck_assert_int_eq(ferror(f), 0);
        fclose(f);
        buf[n] = '\0';
        if (ret_size)
                *ret_size = n;
        return buf;
}

/* ---- credential text --------------------------------------------------- */

/* keyvalue_parse() on a C string; the list must be freed by the caller. */
static inline int test_parse(const char *credential, const char *text, bool secret, KeyValueList *ret) {
        return keyvalue_parse(credential, text, strlen(text), secret, ret);
}

/* ---- log capture through the structured sink --------------------------- */

#define TEST_LOG_MAX 64

typedef struct TestLog {
        int level;
        char message_id[40];
        char message[LINE_MAX];
} TestLog;

_unused_ static TestLog test_logs[TEST_LOG_MAX];
_unused_ static size_t test_n_logs;

static inline int test_log_sink(int level, const char *message_id, const char *message) {
        if (test_n_logs < TEST_LOG_MAX) {
                test_logs[test_n_logs].level = level;
                snprintf(test_logs[test_n_logs].message_id, sizeof test_logs[0].message_id, "%s",
                         message_id ?: "");
                snprintf(test_logs[test_n_logs].message, sizeof test_logs[0].message, "%s", message);
        }
        test_n_logs++;
        return 0;
}

static inline void test_log_capture_start(void) {
        test_n_logs = 0;
        log_set_max_level(LOG_DEBUG);
        log_set_structured_sink(test_log_sink);
}

static inline void test_log_capture_stop(void) {
        log_set_structured_sink(NULL);
}

/* Number of captured messages at exactly @level. */
static inline size_t test_log_count(int level) {
        size_t n = 0;

        for (size_t i = 0; i < test_n_logs && i < TEST_LOG_MAX; i++)
                if (test_logs[i].level == level)
                        n++;
        return n;
}

/* The first captured message containing @needle, or NULL. */
static inline const TestLog *test_log_find(const char *needle) {
        for (size_t i = 0; i < test_n_logs && i < TEST_LOG_MAX; i++)
                if (strstr(test_logs[i].message, needle))
                        return &test_logs[i];
        return NULL;
}

/* ---- stderr capture ---------------------------------------------------- */

typedef struct TestStderr {
        int saved;
        char *path;
} TestStderr;

/* Point fd 2 at a temp file in @dir until test_stderr_end(). */
static inline void test_stderr_begin(TestStderr *c, const char *dir) {
        int fd;

        c->path = test_path(dir, "stderr.log");
        fflush(stderr);
        c->saved = dup(STDERR_FILENO);
        ck_assert_int_ge(c->saved, 0);
        fd = open(c->path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
        ck_assert_int_ge(fd, 0);
        ck_assert_int_eq(dup2(fd, STDERR_FILENO), STDERR_FILENO);
        close(fd);
}

/* Restore fd 2; return what was written to it (free()). */
static inline char *test_stderr_end(TestStderr *c) {
        char *out;

        fflush(stderr);
        ck_assert_int_eq(dup2(c->saved, STDERR_FILENO), STDERR_FILENO);
        close(c->saved);
        out = test_read_file(c->path, NULL);
        free(c->path);
        return out;
}

/* Whether @needle occurs in the @n bytes at @hay (memmem, for logs that may hold any byte). */
static inline bool test_contains(const char *hay, size_t n, const char *needle) {
        return memmem(hay, n, needle, strlen(needle)) != NULL;
}

/* ---- running a program ------------------------------------------------- */

/*
 * Run argv[0] (absolute path) with fork/exec, no shell; stdout is captured
 * into *ret_out (free()), stderr goes to /dev/null. Returns the exit status,
 * or -1 if the program could not be run or died from a signal.
 */
static inline int test_run(char *const argv[], char **ret_out) {
        int pipefd[2], status;
        char *out = NULL;
        size_t n = 0;
        pid_t pid;

        ck_assert_int_eq(pipe2(pipefd, O_CLOEXEC), 0);
        pid = fork();
        ck_assert_int_ge(pid, 0);
        if (pid == 0) {
                int null = open("/dev/null", O_RDWR);

                if (null < 0 || dup2(pipefd[1], STDOUT_FILENO) < 0 || dup2(null, STDERR_FILENO) < 0 ||
                    dup2(null, STDIN_FILENO) < 0)
                        _exit(127);
                execv(argv[0], argv);
                _exit(127);
        }
        close(pipefd[1]);
        for (;;) {
                char *b = realloc(out, n + 4097);
                ssize_t k;

                ck_assert_ptr_nonnull(b);
                out = b;
                k = read(pipefd[0], out + n, 4096);
                if (k < 0 && errno == EINTR)
                        continue;
                ck_assert_int_ge(k, 0);
                if (k == 0)
                        break;
                n += (size_t) k;
        }
        out[n] = '\0';
        close(pipefd[0]);
        ck_assert_int_eq(waitpid(pid, &status, 0), pid);
        *ret_out = out;
        if (!WIFEXITED(status))
                return -1;
        return WEXITSTATUS(status);
}

/* ---- main ---------------------------------------------------------------- */

/*
 * Run @s. Every temp dir of the tests is made inside one base dir (via
 * $TMPDIR, which the forked test processes inherit), removed here at the
 * end: a failing assertion _exit()s the test process before its own
 * clean-up.
 */
static inline int test_run_suite(Suite *s) {
        const char *tmp = getenv("TMPDIR");
        char base[PATH_MAX];
        SRunner *sr;
        int failed;

        snprintf(base, sizeof base, "%s/iscsi-creds-unit-base.XXXXXX", tmp && *tmp ? tmp : "/tmp");
        if (!mkdtemp(base)) {
                fprintf(stderr, "mkdtemp(%s): %s\n", base, strerror(errno));
                return EXIT_FAILURE;
        }
        setenv("TMPDIR", base, 1);

        sr = srunner_create(s);
        srunner_run_all(sr, CK_NORMAL);
        failed = srunner_ntests_failed(sr);
        srunner_free(sr);

        (void) nftw(base, test_rm_one, 16, FTW_DEPTH | FTW_PHYS);
        return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
