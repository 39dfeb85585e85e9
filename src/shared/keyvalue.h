/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * The credential text format: UTF-8, one "key = value" per line (blanks
 * around '=' optional), '#' starts a comment line, blank lines ignored.
 * Values are trimmed of spaces and tabs. See docs/credentials.md.
 */

#include <stdbool.h>
#include <stddef.h>

/* open-iscsi stores values in 256-byte buffers (AUTH_STR_MAX_LEN and
 * friends): a longer value is truncated by libopeniscsiusr and dropped by
 * iscsiadm, so it is refused up front. */
#define KEYVALUE_VALUE_MAX 255

typedef struct KeyValue {
        char *key;
        char *value;
        unsigned line;          /* 1-based line in the credential */
} KeyValue;

typedef struct KeyValueList {
        KeyValue *entries;
        size_t n_entries;
        bool secret;            /* values wiped on free */
} KeyValueList;

/**
 * keyvalue_parse() - split credential text into key/value pairs
 * @credential: credential name, for messages only
 * @data: credential contents (need not be NUL-terminated)
 * @size: length of @data in bytes
 * @secret: true for a secrets credential: values are wiped on free, and no
 *          message holds a value, the length of one, or a key other than
 *          those chap_key_known() knows (any other text before '=' may be a
 *          secret); such lines are named by credential, line and rule only
 * @ret: filled with the well-formed lines, in order; free with
 *       keyvalue_list_done() even on error
 *
 * A UTF-8 byte order mark at the very start is skipped, as systemd's
 * config_parse() does (src/shared/conf-parser.c); anywhere else it is
 * part of the text. Every malformed line is logged (credential, line,
 * rule; control bytes escaped, see log_internal()) and parsing goes on, so
 * one call reports every problem.
 *
 * Return: 0 if every line was well formed; otherwise the first error:
 * -EBADMSG for a NUL byte or invalid UTF-8 (RFC 3629), -EINVAL for a line
 * without '=', an empty key, an empty value, a control character (incl. CR)
 * in a value, -E2BIG for a value over KEYVALUE_VALUE_MAX bytes, -ENOMEM.
 */
int keyvalue_parse(const char *credential, const char *data, size_t size, bool secret, KeyValueList *ret);

/** keyvalue_list_done() - free all entries of @l (wiping secret values); @l stays valid and empty. */
void keyvalue_list_done(KeyValueList *l);

/**
 * keyvalue_key_printable() - whether a key may be echoed in a message
 *
 * @key: a parsed key
 *
 * Keys made only of [A-Za-z0-9._[]-] and at most 64 bytes long may be
 * echoed for a credential without secrets; anything else might be a
 * misplaced secret. (For a secrets credential, see chap_key_known().)
 *
 * Return: true if @key may be quoted.
 */
bool keyvalue_key_printable(const char *key);
