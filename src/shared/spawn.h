/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stddef.h>

#include "timespan.h"

/*
 * Running a helper program (iscsiadm, systemd-creds, the generator) with a
 * time limit and, if asked, its stdin fed and its output captured.
 *
 * The child runs in its own process group (setpgid(2)) with only fds 0-2:
 * every other descriptor of ours is closed between fork and exec
 * (close_range(2), else a walk over /proc/self/fd), whatever its
 * O_CLOEXEC flag. Its signal mask is ours from before the call, SIGPIPE
 * at its default. Because it is not in our process group, a Ctrl-C on the
 * terminal reaches only us, not the child.
 */

/* spawn_run() returns this when the time limit expired and WE stopped the
 * child (see SPAWN_KILL_GRACE): the child did not fail by itself, so its
 * result is unknown, and a caller must not read it as the program's own
 * "timed out" (e.g. iscsiadm exit status 8) nor retry blindly. */
#define SPAWN_TIMEOUT (-ETIMEDOUT)

/* On timeout the child's process group gets SIGTERM (and SIGCONT), then
 * SIGKILL when the child has not exited within this grace, or as soon as
 * it has (for what is left of its group). Short, since the caller is
 * within its own unit's time limit; long enough for iscsiadm to release
 * open-iscsi's DB lock: killed while holding it, iscsiadm leaves every
 * later iscsiadm stalled for about 30 s. */
#define SPAWN_KILL_GRACE (2 * USEC_PER_SEC)

typedef struct SpawnResult {
        int status;             /* exit status 0..255 */
        char *out;              /* captured stdout, NUL-terminated (wiped on free), or NULL without capture */
        size_t out_size;        /* bytes in @out without the NUL */
        char *err;              /* captured stderr, NUL-terminated, or NULL without capture */
} SpawnResult;

/**
 * spawn_run() - run a program, capture its output, bound its run time
 * @argv: argv[0] is an absolute path; never put a secret in argv
 * @envp: environment for the child, or NULL to inherit ours
 * @capture: if true, stdout and stderr are captured into @ret (each up to
 *           @max_output bytes); else they are inherited
 * @max_output: capture limit in bytes; more output fails the call
 * @timeout: time limit in microseconds, for the whole run (exec, I/O and
 *           exit); when it expires the child's process group is stopped:
 *           SIGTERM, then SIGKILL after SPAWN_KILL_GRACE
 * @ret: exit status and captured output; free with spawn_result_done()
 *       (it is cleared on every error)
 *
 * stdin is /dev/null. The child gets no file descriptor of ours but 0-2
 * and runs in its own process group (see above). The child's own children
 * are left alone when it exits in time, and stopped with it on timeout.
 *
 * Return: 0 if the child ran and exited by itself (its status in
 * @ret->status, which may be non-zero); SPAWN_TIMEOUT (-ETIMEDOUT) if the
 * time limit expired and we stopped it, whatever it then exited with;
 * -ECHILD if a signal not sent by us ended it; -EFBIG if it wrote more than
 * @max_output (it is then stopped as on timeout); -errno of execve(2) if
 * the program could not be started (-ENOENT, -EACCES, -ENOEXEC);
 * -errno of pipe2(2), fork(2), poll(2) or read(2); -ENOMEM.
 */
int spawn_run(char *const argv[], char *const envp[], int capture, size_t max_output, usec_t timeout,
              SpawnResult *ret);

/**
 * spawn_run_with_input() - spawn_run() with data on the child's stdin
 * @input: bytes the child reads on stdin (then EOF); may be a secret: it
 *         only travels through a pipe, never argv or the environment, and
 *         is not copied. NULL means stdin is /dev/null, as for spawn_run().
 * @input_size: length of @input
 * Other parameters as for spawn_run().
 *
 * The input is written as the child reads it, interleaved with capturing
 * its output, so neither side can block the other. SIGPIPE is blocked in
 * the caller while this runs (the child gets the caller's mask from
 * before the call).
 *
 * Return: as spawn_run(); -EPIPE if the child closed stdin before reading
 * all of @input (it is then stopped as on timeout; its exit status is
 * not known).
 */
int spawn_run_with_input(char *const argv[], char *const envp[], const char *input, size_t input_size, int capture,
                         size_t max_output, usec_t timeout, SpawnResult *ret);

/** spawn_result_done() - free what spawn_run() captured; wipes stdout. */
void spawn_result_done(SpawnResult *r);

/**
 * spawn_close_fds_proc() - close every fd >= @from listed in /proc/self/fd
 * @from: lowest descriptor to close
 *
 * The fallback for close_range(2) (Linux 5.9+) between fork and exec: it
 * uses only async-signal-safe calls (open, getdents64, close). Exposed for
 * tests.
 *
 * Return: 0; -errno if /proc/self/fd cannot be opened or read (-ENOENT
 * without /proc).
 */
int spawn_close_fds_proc(int from);
