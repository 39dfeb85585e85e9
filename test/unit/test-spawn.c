/* SPDX-License-Identifier: LGPL-2.1-or-later */

/*
 * spawn_run(): real children (/usr/bin/ls, /bin/sh, /usr/bin/cat). What the
 * child inherits, how a late child and its own children are stopped, and
 * the return codes.
 */

#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "spawn.h"
#include "test-util.h"

/* A file name under $TMPDIR (set by test_run_suite()) for the shell to write to. */
static void tmp_path(char *buf, size_t size, const char *name) {
        snprintf(buf, size, "%s/%s.%d", getenv("TMPDIR"), name, (int) getpid());
        (void) unlink(buf);
}

/* Whether @pid is gone: no /proc entry, or only a zombie waiting for its reaper. */
static bool pid_gone(pid_t pid) {
        char path[64], buf[512];
        FILE *f;
        char *p;

        snprintf(path, sizeof path, "/proc/%d/stat", (int) pid);
        f = fopen(path, "re");
        if (!f)
                return true;
        p = fgets(buf, sizeof buf, f);
        fclose(f);
        p = p ? strrchr(buf, ')') : NULL;
        return p && (p[2] == 'Z' || p[2] == 'X');
}

static long read_long(const char *path) {
        FILE *f = fopen(path, "re");
        long v = -1;

        if (f) {
                if (fscanf(f, "%ld", &v) != 1)
                        v = -1;
                fclose(f);
        }
        return v;
}

START_TEST(test_no_fd_inherited)
{
        /* Descriptors without O_CLOEXEC, low and high: the child must see none. */
        int fd = open("/dev/null", O_RDONLY), high;
        char *argv[] = { (char *) "/usr/bin/ls", (char *) "/proc/self/fd", NULL };
        SpawnResult res;

        ck_assert_int_ge(fd, 3);
        high = dup2(fd, 200);
        ck_assert_int_eq(high, 200);
        ck_assert_int_eq(spawn_run(argv, NULL, true, 4096, 5 * USEC_PER_SEC, &res), 0);
        ck_assert_int_eq(res.status, 0);
        /* ls itself opens one descriptor, 3, for the directory it lists. */
        ck_assert_str_eq(res.out, "0\n1\n2\n3\n");
        spawn_result_done(&res);
        close(fd);
        close(high);
}
END_TEST

START_TEST(test_close_fds_proc)
{
        /* The fallback for kernels without close_range(2), in a child of our own. */
        pid_t pid = fork();
        int st;

        ck_assert_int_ge(pid, 0);
        if (pid == 0) {
                DIR *d;
                struct dirent *de;
                int bad = 0;

                if (dup2(0, 20) < 0 || dup2(0, 300) < 0 || spawn_close_fds_proc(3) < 0)
                        _exit(2);
                d = opendir("/proc/self/fd");
                if (!d)
                        _exit(3);
                while ((de = readdir(d)))
                        if (de->d_name[0] != '.' && atoi(de->d_name) >= 3 && atoi(de->d_name) != dirfd(d))
                                bad++;
                _exit(bad ? 1 : 0);
        }
        ck_assert_int_eq(waitpid(pid, &st, 0), pid);
        ck_assert(WIFEXITED(st));
        ck_assert_int_eq(WEXITSTATUS(st), 0);
}
END_TEST

START_TEST(test_timeout_kills_grandchild)
{
        char pidfile[512], script[1100];
        char *argv[] = { (char *) "/bin/sh", (char *) "-c", script, NULL };
        SpawnResult res;
        long grandchild;

        tmp_path(pidfile, sizeof pidfile, "grandchild");
        snprintf(script, sizeof script, "sleep 100 & echo $! >'%s'; sleep 100", pidfile);
        ck_assert_int_eq(spawn_run(argv, NULL, false, 0, USEC_PER_SEC / 2, &res), SPAWN_TIMEOUT);
        grandchild = read_long(pidfile);
        ck_assert_int_gt(grandchild, 1);
        /* Killed with its group: at most a zombie waiting for init. */
        for (int i = 0; i < 100 && !pid_gone((pid_t) grandchild); i++)
                usleep(10000);
        ck_assert_msg(pid_gone((pid_t) grandchild), "grandchild %ld survived the timeout", grandchild);
        unlink(pidfile);
}
END_TEST

START_TEST(test_timeout_sigterm_first)
{
        char outfile[512], script[1100];
        char *argv[] = { (char *) "/bin/sh", (char *) "-c", script, NULL };
        SpawnResult res;
        FILE *f;
        char buf[16] = {};

        tmp_path(outfile, sizeof outfile, "term");
        snprintf(script, sizeof script, "trap \"echo term >'%s'; exit 3\" TERM; sleep 100", outfile);
        ck_assert_int_eq(spawn_run(argv, NULL, false, 0, USEC_PER_SEC / 2, &res), SPAWN_TIMEOUT);
        f = fopen(outfile, "re");
        ck_assert_msg(f, "the child got no SIGTERM before SIGKILL");
        ck_assert_ptr_nonnull(fgets(buf, sizeof buf, f));
        fclose(f);
        ck_assert_str_eq(buf, "term\n");
        unlink(outfile);
}
END_TEST

START_TEST(test_timeout_sigkill_after_grace)
{
        /* A child that ignores SIGTERM (and so does its sleep) is killed after the grace. */
        char *argv[] = { (char *) "/bin/sh", (char *) "-c", (char *) "trap '' TERM; sleep 100", NULL };
        SpawnResult res;
        usec_t t0 = now_usec(CLOCK_MONOTONIC), dt;

        ck_assert_int_eq(spawn_run(argv, NULL, false, 0, USEC_PER_SEC / 2, &res), SPAWN_TIMEOUT);
        dt = now_usec(CLOCK_MONOTONIC) - t0;
        ck_assert_uint_ge(dt, USEC_PER_SEC / 2 + SPAWN_KILL_GRACE);
        ck_assert_uint_lt(dt, USEC_PER_SEC / 2 + SPAWN_KILL_GRACE + 3 * USEC_PER_SEC);
}
END_TEST

START_TEST(test_status_and_errors)
{
        char *exit7[] = { (char *) "/bin/sh", (char *) "-c", (char *) "echo out; echo err >&2; exit 7", NULL };
        char *sig[] = { (char *) "/bin/sh", (char *) "-c", (char *) "kill -USR1 $$", NULL };
        char *missing[] = { (char *) "/nonexistent/program", NULL };
        char *big[] = { (char *) "/bin/sh", (char *) "-c", (char *) "yes | head -c 100000", NULL };
        SpawnResult res;

        ck_assert_int_eq(spawn_run(exit7, NULL, true, 4096, 5 * USEC_PER_SEC, &res), 0);
        ck_assert_int_eq(res.status, 7);
        ck_assert_str_eq(res.out, "out\n");
        ck_assert_uint_eq(res.out_size, 4);
        ck_assert_str_eq(res.err, "err\n");
        spawn_result_done(&res);

        ck_assert_int_eq(spawn_run(sig, NULL, false, 0, 5 * USEC_PER_SEC, &res), -ECHILD);
        ck_assert_int_eq(spawn_run(missing, NULL, true, 4096, 5 * USEC_PER_SEC, &res), -ENOENT);
        ck_assert_ptr_null(res.out);
        ck_assert_int_eq(spawn_run(big, NULL, true, 1000, 5 * USEC_PER_SEC, &res), -EFBIG);
        ck_assert_ptr_null(res.out);
}
END_TEST

START_TEST(test_input_round_trip)
{
        /* More than a pipe holds, both ways: feeding and capturing interleave. */
        char *argv[] = { (char *) "/usr/bin/cat", NULL };
        size_t n = 1024 * 1024;
        char *in = malloc(n);
        SpawnResult res;

        ck_assert_ptr_nonnull(in);
        for (size_t i = 0; i < n; i++)
                in[i] = (char) ('a' + i % 26);
        ck_assert_int_eq(spawn_run_with_input(argv, NULL, in, n, true, n, 10 * USEC_PER_SEC, &res), 0);
        ck_assert_int_eq(res.status, 0);
        ck_assert_uint_eq(res.out_size, n);
        ck_assert_mem_eq(res.out, in, n);
        spawn_result_done(&res);
        free(in);
}
END_TEST

/* While the child runs we sleep until it exits (its pidfd), instead of waking
 * every few ms to ask: 0.5 s of polling every 5 ms was 100 wake-ups, and
 * under qemu TCG more CPU than the iscsiadm it waited for (issue 14). */
START_TEST(test_wait_without_polling)
{
        char *argv[] = { (char *) "/bin/sleep", (char *) "0.5", NULL };
        struct rusage before, after;
        SpawnResult res;

        ck_assert_int_eq(getrusage(RUSAGE_SELF, &before), 0);
        ck_assert_int_eq(spawn_run(argv, NULL, false, 0, 10 * USEC_PER_SEC, &res), 0);
        ck_assert_int_eq(getrusage(RUSAGE_SELF, &after), 0);
        ck_assert_int_eq(res.status, 0);
        /* exec report, exit: a few; a preempted test may add some */
        ck_assert_int_lt(after.ru_nvcsw - before.ru_nvcsw, 20);
}
END_TEST

static Suite *spawn_suite(void) {
        Suite *s = suite_create("spawn");
        TCase *tc;

        tc = tcase_create("fds");
        tcase_add_test(tc, test_no_fd_inherited);
        tcase_add_test(tc, test_close_fds_proc);
        suite_add_tcase(s, tc);

        tc = tcase_create("timeout");
        tcase_set_timeout(tc, 30);
        tcase_add_test(tc, test_timeout_kills_grandchild);
        tcase_add_test(tc, test_timeout_sigterm_first);
        tcase_add_test(tc, test_timeout_sigkill_after_grace);
        suite_add_tcase(s, tc);

        tc = tcase_create("results");
        tcase_add_test(tc, test_status_and_errors);
        tcase_add_test(tc, test_input_round_trip);
        tcase_add_test(tc, test_wait_without_polling);
        suite_add_tcase(s, tc);

        return s;
}

int main(void) {
        return test_run_suite(spawn_suite());
}
