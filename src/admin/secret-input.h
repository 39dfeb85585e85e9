/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * Reading a CHAP secret from the admin: never from argv or the
 * environment (both are visible to other users in /proc), only from
 * stdin (a pipe or file: one secret per line) or a TTY prompt without
 * echo, asked twice.
 */

#include <stdio.h>

/* A secret line may be at most this long; keyvalue.h refuses longer values anyway. */
#define SECRET_INPUT_MAX 1024

/**
 * secret_read() - read one secret
 * @prompt: what to ask on the terminal, e.g. "CHAP secret for t1"; unused
 *          when stdin is not a TTY
 * @ret: the secret without its line end; free with erase_and_free()
 *
 * stdin a TTY: echo is turned off (termios(3)), the prompt goes to stderr,
 * the secret is asked twice and both must match. Otherwise: the next line
 * of stdin. The buffers it passes through are wiped.
 *
 * Return: 0; -ENODATA at end of input or for an empty line; -EINVAL if
 * the two entries differ, or the line is longer than SECRET_INPUT_MAX;
 * -errno on read or terminal errors; -ENOMEM. Nothing is logged.
 */
int secret_read(const char *prompt, char **ret);

/**
 * secret_read_line() - read the next line of @f into a wiped buffer
 * @f: stream, e.g. stdin
 * @ret: the line without "\n"; free with erase_and_free()
 *
 * Return: 0; -ENODATA at end of input; -EINVAL if longer than
 * SECRET_INPUT_MAX; -ENOMEM.
 */
int secret_read_line(FILE *f, char **ret);
