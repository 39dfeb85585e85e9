/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include <errno.h>
#include <malloc.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>

#include "secret.h"

void *erase_and_free(void *p) {
        if (!p)
                return NULL;
        explicit_bzero(p, malloc_usable_size(p));
        free(p);
        return NULL;
}

char *secret_strndup(const char *s, size_t n) {
        char *d = malloc(n + 1);

        if (!d)
                return NULL;
        memcpy(d, s, n);
        d[n] = '\0';
        return d;
}

int secret_equal(const char *a, const char *b) {
        size_t la, lb, n;
        unsigned char diff;

        if (!a || !b)
                return 0;
        la = strlen(a);
        lb = strlen(b);
        n = la < lb ? la : lb;
        diff = (unsigned char) (la != lb);
        for (size_t i = 0; i < n; i++)
                diff |= (unsigned char) (a[i] ^ b[i]);
        return diff == 0;
}

int secret_protect_process(void) {
        if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
                return -errno;
        if (setrlimit(RLIMIT_CORE, &(struct rlimit) { .rlim_cur = 0, .rlim_max = 0 }) < 0)
                return -errno;
        return 0;
}

/* Make room for @extra more bytes plus the NUL, moving to a new block
 * (the old one wiped) when the current one is too small. */
static int secret_buf_reserve(SecretBuf *b, size_t extra) {
        size_t need, n;
        char *d;

        if (extra > SIZE_MAX - 1 - b->size)
                return -EOVERFLOW;
        need = b->size + extra + 1;
        if (need <= b->allocated)
                return 0;
        n = b->allocated < 64 ? 64 : b->allocated;
        while (n < need)
                n = n > SIZE_MAX / 2 ? need : n * 2;
        d = malloc(n);
        if (!d)
                return -ENOMEM;
        if (b->data)
                memcpy(d, b->data, b->size);
        d[b->size] = '\0';
        erase_and_free(b->data);
        b->data = d;
        b->allocated = n;
        return 0;
}

int secret_buf_append(SecretBuf *b, const void *p, size_t n) {
        int r;

        r = secret_buf_reserve(b, n);
        if (r < 0)
                return r;
        if (n > 0)
                memcpy(b->data + b->size, p, n);
        b->size += n;
        b->data[b->size] = '\0';
        return 0;
}

int secret_buf_append_str(SecretBuf *b, const char *s) {
        return secret_buf_append(b, s, strlen(s));
}

int secret_buf_printf(SecretBuf *b, const char *format, ...) {
        va_list ap;
        int k, r;

        va_start(ap, format);
        k = vsnprintf(NULL, 0, format, ap);
        va_end(ap);
        if (k < 0)
                return -EINVAL;
        r = secret_buf_reserve(b, (size_t) k);
        if (r < 0)
                return r;
        va_start(ap, format);
        k = vsnprintf(b->data + b->size, b->allocated - b->size, format, ap);
        va_end(ap);
        if (k < 0)
                return -EINVAL;
        b->size += (size_t) k;
        return 0;
}

char *secret_buf_steal(SecretBuf *b) {
        char *d;

        if (!b->data && secret_buf_reserve(b, 0) < 0)
                return NULL;
        d = b->data;
        *b = (SecretBuf) {};
        return d;
}

void secret_buf_done(SecretBuf *b) {
        erase_and_free(b->data);
        *b = (SecretBuf) {};
}
