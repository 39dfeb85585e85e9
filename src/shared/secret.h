/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * Buffers that may hold a CHAP secret. They are wiped with explicit_bzero()
 * before they are freed, so a secret does not linger in freed heap memory,
 * and nothing in this file ever prints one.
 */

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
