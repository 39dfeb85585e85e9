/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include <malloc.h>
#include <stdlib.h>
#include <string.h>

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
