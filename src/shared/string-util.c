/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include <errno.h>
#include <stdint.h>
#include <stdio.h>

#include "string-util.h"

const char *startswith(const char *s, const char *prefix) {
        size_t l = strlen(prefix);

        if (strncmp(s, prefix, l) != 0)
                return NULL;
        return s + l;
}

char *strstrip(char *s) {
        size_t l;

        s += strspn(s, " \t");
        l = strlen(s);
        while (l > 0 && (s[l - 1] == ' ' || s[l - 1] == '\t'))
                s[--l] = '\0';
        return s;
}

bool in_charset(const char *s, const char *charset) {
        return s[strspn(s, charset)] == '\0';
}

bool has_control_char(const char *s) {
        for (const unsigned char *p = (const unsigned char *) s; *p; p++)
                if (*p < ' ' || *p == 0x7f)
                        return true;
        return false;
}

bool utf8_is_valid_n(const char *str, size_t n) {
        const unsigned char *s = (const unsigned char *) str;
        size_t i = 0;

        while (i < n) {
                unsigned char c = s[i];
                uint32_t cp;
                size_t len;

                if (c < 0x80) {
                        i++;
                        continue;
                } else if ((c & 0xe0) == 0xc0) {
                        len = 2;
                        cp = c & 0x1f;
                } else if ((c & 0xf0) == 0xe0) {
                        len = 3;
                        cp = c & 0x0f;
                } else if ((c & 0xf8) == 0xf0) {
                        len = 4;
                        cp = c & 0x07;
                } else
                        return false;

                if (n - i < len)
                        return false;
                for (size_t k = 1; k < len; k++) {
                        if ((s[i + k] & 0xc0) != 0x80)
                                return false;
                        cp = (cp << 6) | (s[i + k] & 0x3f);
                }

                /* Overlong encodings, UTF-16 surrogates, beyond Unicode. */
                if ((len == 2 && cp < 0x80) ||
                    (len == 3 && cp < 0x800) ||
                    (len == 4 && cp < 0x10000) ||
                    (cp >= 0xd800 && cp <= 0xdfff) ||
                    cp > 0x10ffff)
                        return false;
                i += len;
        }
        return true;
}

int safe_atou64(const char *s, unsigned long long *ret) {
        unsigned long long v = 0;

        if (isempty(s) || !in_charset(s, DIGITS))
                return -EINVAL;
        for (; *s; s++) {
                unsigned d = (unsigned) (*s - '0');

                if (v > (UINT64_MAX - d) / 10)
                        return -ERANGE;
                v = v * 10 + d;
        }
        *ret = v;
        return 0;
}

/* The escape of byte @c into @esc (at least 5 bytes); returns its length. */
static size_t escape_byte(unsigned char c, char esc[static 5]) {
        if (c == '\n')
                return (size_t) snprintf(esc, 5, "\\n");
        if (c == '\r')
                return (size_t) snprintf(esc, 5, "\\r");
        if (c == '\t')
                return (size_t) snprintf(esc, 5, "\\t");
        if (c < ' ' || c == 0x7f)
                return (size_t) snprintf(esc, 5, "\\x%02x", c);
        esc[0] = (char) c;
        return 1;
}

char *cescape_control(const char *s, char *buf, size_t size) {
        size_t n = 0, total = 0, room;
        char esc[5];

        if (!s)
                s = "(null)";
        for (const unsigned char *p = (const unsigned char *) s; *p; p++)
                total += escape_byte(*p, esc);
        /* All of it, or as much as leaves room for "..." and the NUL. */
        room = total < size ? size - 1 : size - 4;

        for (const unsigned char *p = (const unsigned char *) s; *p; p++) {
                size_t len = escape_byte(*p, esc);

                if (n + len > room)
                        break;
                memcpy(buf + n, esc, len);
                n += len;
        }
        if (total >= size) {
                memcpy(buf + n, "...", 3);
                n += 3;
        }
        buf[n] = '\0';
        return buf;
}

int parse_boolean(const char *s) {
        if (STR_IN_SET(s, "yes", "true", "1"))
                return 1;
        if (STR_IN_SET(s, "no", "false", "0"))
                return 0;
        return -EINVAL;
}
