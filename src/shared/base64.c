/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base64.h"
#include "secret.h"

static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

int base64_encode(const void *data, size_t size, char **ret) {
        const uint8_t *p = data;
        char *s, *o;

        s = malloc((size + 2) / 3 * 4 + 1);
        if (!s)
                return -ENOMEM;
        o = s;
        for (size_t i = 0; i < size; i += 3) {
                uint32_t v = (uint32_t) p[i] << 16;

                if (i + 1 < size)
                        v |= (uint32_t) p[i + 1] << 8;
                if (i + 2 < size)
                        v |= p[i + 2];
                *o++ = alphabet[(v >> 18) & 63];
                *o++ = alphabet[(v >> 12) & 63];
                *o++ = i + 1 < size ? alphabet[(v >> 6) & 63] : '=';
                *o++ = i + 2 < size ? alphabet[v & 63] : '=';
        }
        *o = '\0';
        *ret = s;
        return 0;
}

static int sextet(char c) {
        const char *p;

        if (c == '\0')
                return -1;
        p = strchr(alphabet, c);
        return p ? (int) (p - alphabet) : -1;
}

int base64_decode(const char *text, size_t len, char **ret, size_t *ret_size) {
        _cleanup_erase_free_ char *out = NULL;
        uint32_t acc = 0;
        size_t n = 0, o = 0, pad = 0;

        out = malloc(len / 4 * 3 + 3 + 1);
        if (!out)
                return -ENOMEM;

        for (size_t i = 0; i < len; i++) {
                char c = text[i];
                int v;

                if (strchr(" \t\r\n", c) && c != '\0')
                        continue;
                if (c == '=') {
                        pad++;
                        n++;
                        continue;
                }
                if (pad > 0)
                        return -EINVAL; /* data after padding */
                v = sextet(c);
                if (v < 0)
                        return -EINVAL;
                acc = acc << 6 | (uint32_t) v;
                n++;
                if (n % 4 == 0) {
                        out[o++] = (char) (acc >> 16);
                        out[o++] = (char) (acc >> 8);
                        out[o++] = (char) acc;
                        acc = 0;
                }
        }
        if (n % 4 != 0 || pad > 2)
                return -EINVAL;
        if (pad > 0) {
                /* The last quantum: 4 - pad sextets were accumulated. */
                unsigned sextets = 4 - (unsigned) pad;

                if (sextets == 2) {
                        if (acc & 0xf)
                                return -EINVAL;
                        out[o++] = (char) (acc >> 4);
                } else {
                        if (acc & 0x3)
                                return -EINVAL;
                        out[o++] = (char) (acc >> 10);
                        out[o++] = (char) (acc >> 2);
                }
        }
        out[o] = '\0';
        *ret_size = o;
        *ret = TAKE_PTR(out);
        return 0;
}
