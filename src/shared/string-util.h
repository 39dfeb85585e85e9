/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <string.h>

static inline bool streq(const char *a, const char *b) {
        return strcmp(a, b) == 0;
}

static inline bool streq_ptr(const char *a, const char *b) {
        if (!a || !b)
                return a == b;
        return streq(a, b);
}

/* STR_IN_SET(x, "a", "b"): whether x equals one of the strings. */
#define STR_IN_SET(x, ...)                                                      \
        ({                                                                      \
                const char *_needles_[] = { __VA_ARGS__ };                      \
                bool _found_ = false;                                           \
                for (size_t _i_ = 0; _i_ < sizeof _needles_ / sizeof _needles_[0]; _i_++) \
                        if (strcmp((x), _needles_[_i_]) == 0)                   \
                                _found_ = true;                                 \
                _found_;                                                        \
        })

static inline bool isempty(const char *s) {
        return !s || s[0] == '\0';
}

/**
 * startswith() - test for a prefix
 * @s: string
 * @prefix: prefix to look for
 *
 * Return: pointer into @s just after @prefix, or NULL if @s does not start
 * with @prefix.
 */
const char *startswith(const char *s, const char *prefix);

/**
 * strstrip() - remove leading and trailing blanks (space, tab) in place
 * @s: string, modified
 *
 * Return: pointer to the first non-blank byte of @s.
 */
char *strstrip(char *s);

/**
 * in_charset() - whether every byte of @s is in @charset
 */
bool in_charset(const char *s, const char *charset);

/**
 * utf8_is_valid_n() - whether @n bytes at @s are well-formed UTF-8
 *
 * Rejects overlong forms, surrogates and code points above U+10FFFF
 * (RFC 3629 §3).
 */
bool utf8_is_valid_n(const char *s, size_t n);

/**
 * has_control_char() - whether @s holds a C0 control byte or DEL
 *
 * Used on every credential value: a newline or CR would inject lines into
 * a node record or a unit file.
 */
bool has_control_char(const char *s);

/**
 * safe_atou64() - parse a decimal unsigned integer, whole string
 * @s: text, digits only (no sign, no blanks, no base prefix)
 * @ret: parsed value
 *
 * Return: 0 on success, -EINVAL if @s is not a decimal number, -ERANGE if
 * it does not fit 64 bits.
 */
int safe_atou64(const char *s, unsigned long long *ret);

/**
 * cescape_control() - make control bytes visible, for quoting untrusted text in a log line
 * @s: text from outside (a credential or file name, a key, a bare line); may be NULL
 * @buf: output buffer
 * @size: bytes in @buf, at least 8
 *
 * Copies @s into @buf with every C0 control byte and DEL written as a C
 * escape: "\n", "\r", "\t", else "\xHH" (the forms of systemd's cescape()),
 * so that a newline in a file name cannot start a forged log line (journald
 * and the kernel log split at it) and an ESC cannot drive a terminal. Other
 * bytes, UTF-8 included, are copied. If @buf is too small, the copy ends in
 * "..." (never in half an escape). NULL is written as "(null)".
 *
 * Return: @buf.
 */
char *cescape_control(const char *s, char *buf, size_t size);

/* Room for quoting a credential name, a key or a short line. */
#define CESCAPE_CONTROL_MAX 1024

/* CESCAPE(s): cescape_control() into a buffer that lives until the end of the
 * enclosing block, for use as a printf() argument. */
#define CESCAPE(s) cescape_control((s), (char[CESCAPE_CONTROL_MAX]) {}, CESCAPE_CONTROL_MAX)

/* U+FEFF, which some editors put at the start of a text file (systemd's utf8.h name). */
#define UTF8_BYTE_ORDER_MARK "\xef\xbb\xbf"

/**
 * parse_boolean() - the yes/no values of our credentials
 * @s: "yes", "true", "1" or "no", "false", "0" (lower case, exact)
 *
 * The subset of systemd's parse_boolean() (which also takes "y", "n", "on",
 * "off" and any case) that docs/credentials.md documents for keys such as
 * "multipath" and "luks".
 *
 * Return: 1 for yes, 0 for no, -EINVAL otherwise.
 */
int parse_boolean(const char *s);

/* Lower-case ASCII letters, digits and friends, for charset checks. */
#define LOWERCASE_LETTERS "abcdefghijklmnopqrstuvwxyz"
#define UPPERCASE_LETTERS "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
#define DIGITS "0123456789"
#define HEXDIGITS DIGITS "abcdefABCDEF"
#define LETTERS LOWERCASE_LETTERS UPPERCASE_LETTERS
#define ALPHANUMERICAL LETTERS DIGITS
