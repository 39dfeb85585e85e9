/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stddef.h>

#include "timespan.h"

/* Exit status reported when the child was killed because it ran too long. */
#define SPAWN_TIMEOUT (-ETIMEDOUT)

typedef struct SpawnResult {
        int status;             /* exit status 0..255 */
        char *out;              /* captured stdout (wiped on free), or NULL */
        size_t out_size;
        char *err;              /* captured stderr, NUL-terminated, or NULL */
} SpawnResult;

/**
 * spawn_run() - run a program, capture its output, bound its run time
 * @argv: argv[0] is an absolute path; never put a secret in argv
 * @envp: environment for the child, or NULL to inherit ours
 * @capture: if true, stdout and stderr are captured into @ret (each up to
 *           @max_output bytes); else they are inherited
 * @max_output: capture limit in bytes; more output fails the call
 * @timeout: time limit in microseconds; the child is killed (SIGKILL) when
 *           it expires
 * @ret: exit status and captured output; free with spawn_result_done()
 *
 * stdin is /dev/null. The child gets no other file descriptor of ours
 * (they are all O_CLOEXEC).
 *
 * Return: 0 if the child ran and exited (its status in @ret->status, which
 * may be non-zero); -ETIMEDOUT if it was killed for running too long;
 * -ECHILD if it died from a signal; -EFBIG if it wrote more than
 * @max_output; -errno if it could not be started (e.g. -ENOENT).
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
 * the caller while this runs (restored in the child before exec).
 *
 * Return: as spawn_run(); -EPIPE if the child closed stdin before reading
 * all of @input (its exit status is then not known).
 */
int spawn_run_with_input(char *const argv[], char *const envp[], const char *input, size_t input_size, int capture,
                         size_t max_output, usec_t timeout, SpawnResult *ret);

/** spawn_result_done() - free what spawn_run() captured; wipes stdout. */
void spawn_result_done(SpawnResult *r);
