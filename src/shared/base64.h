/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * Base64 (RFC 4648 §4, the standard alphabet with '=' padding), as
 * Kubernetes uses for Secret "data:" values and systemd for SMBIOS
 * "io.systemd.credential.binary:" values.
 */

#include <stddef.h>

/**
 * base64_encode() - encode @size bytes at @data
 * @ret: NUL-terminated text, one line, padded; free() it
 *
 * Return: 0 or -ENOMEM.
 */
int base64_encode(const void *data, size_t size, char **ret);

/**
 * base64_decode() - decode RFC 4648 base64
 * @text: the encoded text; ASCII blanks and newlines anywhere are skipped
 *        (YAML folds long values)
 * @len: bytes in @text
 * @ret: the decoded bytes plus a NUL (so text can be used as a string);
 *       may be a secret: free with erase_and_free()
 * @ret_size: decoded length without the NUL
 *
 * Strict otherwise: only the standard alphabet, the length (without
 * blanks) a multiple of 4, '=' only as one or two final padding
 * characters, and the unused bits before the padding zero (RFC 4648 §3.5),
 * so every input has one decoding.
 *
 * Return: 0; -EINVAL on malformed input; -ENOMEM.
 */
int base64_decode(const char *text, size_t len, char **ret, size_t *ret_size);
