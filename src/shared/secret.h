/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * Buffers that may hold a CHAP secret. They are wiped with explicit_bzero()
 * before they are freed, so a secret does not linger in freed heap memory,
 * and nothing in this file ever prints one.
 */

#include <stdarg.h>
#include <stddef.h>

#include "cleanup.h"

/**
 * erase_and_free() - wipe the whole heap block at @p, then free it
 * @p: block from malloc()/strdup(), or NULL
 *
 * The whole usable size of the block is wiped, not only up to a NUL.
 *
 * Return: NULL, for "p = erase_and_free(p);".
 */
void *erase_and_free(void *p);

static inline void erase_and_freep(void *p) {
        erase_and_free(*(void **) p);
}
#define _cleanup_erase_free_ _cleanup_(erase_and_freep)

/**
 * secret_strndup() - copy @n bytes of a secret into a new NUL-terminated block
 *
 * Return: the copy (free with erase_and_free()), or NULL on ENOMEM.
 */
char *secret_strndup(const char *s, size_t n);

/**
 * secret_equal() - compare two secrets without an early exit
 *
 * Return: true if both are non-NULL and byte-identical.
 */
int secret_equal(const char *a, const char *b);

/**
 * secret_protect_process() - no core dump of this process, ever
 *
 * Call first thing in main() of every program that may hold a secret,
 * before any is read. Two settings, because each covers a case the other
 * does not:
 *
 * - prctl(PR_SET_DUMPABLE, 0) (prctl(2)): the kernel makes no core dump of
 *   a process whose dumpable flag is 0, not a file and not a pipe to
 *   systemd-coredump (fs/coredump.c: do_coredump() returns before it looks
 *   at core_pattern). fs.suid_dumpable=2, which systemd's
 *   50-coredump.conf sets, does not change that: it is the value the
 *   kernel gives the flag when credentials change (setuid exec), not an
 *   override of 0 set by prctl (Documentation/admin-guide/sysctl/fs.rst,
 *   suid_dumpable). Also keeps ptrace(2) and /proc/PID/mem from other
 *   processes of the same user. The flag is reset by execve(2), so a
 *   child we spawn is dumpable again.
 * - setrlimit(RLIMIT_CORE, 0/0) (getrlimit(2), core(5)): no core file, and
 *   systemd-coredump honours a limit below a page ("Resource limits
 *   disable core dumping", systemd src/coredump/coredump.c) although the
 *   kernel ignores RLIMIT_CORE for a pipe. The limit IS inherited across
 *   fork and exec, so it covers the children we spawn (systemd-creds
 *   reading a secret on stdin, iscsiadm reading the node record). Hard
 *   limit 0 too: nothing in this process can raise it again.
 *
 * The units add LimitCORE=0 (systemd.exec(5)) so that the limit is in
 * place from the exec on.
 *
 * Return: 0; -errno of prctl(2) or setrlimit(2) (not expected: both only
 * lower privileges).
 */
int secret_protect_process(void);

/*
 * SecretBuf: a growable byte buffer for text that may hold a secret (a
 * node record, credential text, a child's captured stdout). Whenever it
 * grows, the contents move to a new block and the old block is wiped
 * before it is freed (realloc(3) would free it unwiped); secret_buf_done()
 * wipes too. The data is always NUL-terminated once anything was added.
 * Initialise with "SecretBuf b = {};".
 */
typedef struct SecretBuf {
        char *data;             /* NUL-terminated contents, or NULL while empty */
        size_t size;            /* bytes in use, without the NUL */
        size_t allocated;       /* size of the block at @data */
} SecretBuf;

/**
 * secret_buf_append() - append @n bytes at @p
 * @b: buffer
 * @p: bytes to append (may be a secret; may contain NULs); may be NULL if @n is 0
 * @n: number of bytes
 *
 * Grows geometrically: the number of wiped copies is logarithmic in the
 * final size.
 *
 * Return: 0; -ENOMEM (@b unchanged); -EOVERFLOW if the size would wrap.
 */
int secret_buf_append(SecretBuf *b, const void *p, size_t n);

/**
 * secret_buf_append_str() - append the NUL-terminated string @s
 *
 * Return: as secret_buf_append().
 */
int secret_buf_append_str(SecretBuf *b, const char *s);

/**
 * secret_buf_printf() - append printf(3)-formatted text
 *
 * The formatted text goes straight into the buffer (vsnprintf(3)), never
 * through an unwiped temporary.
 *
 * Return: as secret_buf_append(); -EINVAL on a format error.
 */
int secret_buf_printf(SecretBuf *b, const char *format, ...) _printf_(2, 3);

/**
 * secret_buf_steal() - hand the contents out, leaving @b empty
 *
 * Return: the NUL-terminated data (an empty string if nothing was added),
 * to be freed with erase_and_free(); NULL on -ENOMEM.
 */
char *secret_buf_steal(SecretBuf *b);

/** secret_buf_done() - wipe and free the contents; @b stays valid and empty. */
void secret_buf_done(SecretBuf *b);
