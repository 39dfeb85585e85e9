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
