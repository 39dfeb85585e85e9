/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "secret-input.h"
#include "secret.h"

int secret_read_line(FILE *f, char **ret) {
        char buf[SECRET_INPUT_MAX + 2];
        size_t len;
        int r = 0;

        /* Unbuffered reads of stdin would be slow; a buffered FILE keeps what follows the line
         * in its buffer for the next call, which stdio frees at exit without wiping. The caller
         * turns buffering off for stdin (setvbuf) before the first call. */
        if (!fgets(buf, sizeof buf, f)) {
                explicit_bzero(buf, sizeof buf);
                return -ENODATA;
        }
        len = strlen(buf);
        if (len > 0 && buf[len - 1] == '\n')
                buf[--len] = '\0';
        else if (len > SECRET_INPUT_MAX)
                r = -EINVAL;
        if (r == 0) {
                *ret = secret_strndup(buf, len);
                if (!*ret)
                        r = -ENOMEM;
        }
        explicit_bzero(buf, sizeof buf);
        return r;
}

static int read_no_echo(const char *prompt, char **ret) {
        struct termios old, quiet;
        int r;

        if (tcgetattr(STDIN_FILENO, &old) < 0)
                return -errno;
        quiet = old;
        quiet.c_lflag &= ~(tcflag_t) ECHO;
        quiet.c_lflag |= ECHONL;
        fprintf(stderr, "%s: ", prompt);
        fflush(stderr);
        if (tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet) < 0)
                return -errno;
        r = secret_read_line(stdin, ret);
        (void) tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
        return r;
}

int secret_read(const char *prompt, char **ret) {
        _cleanup_erase_free_ char *a = NULL, *b = NULL;
        _cleanup_free_ char *again = NULL;
        int r;

        if (!isatty(STDIN_FILENO)) {
                r = secret_read_line(stdin, &a);
                if (r < 0)
                        return r;
        } else {
                r = read_no_echo(prompt, &a);
                if (r < 0)
                        return r;
                if (asprintf(&again, "%s (again)", prompt) < 0)
                        return -ENOMEM;
                r = read_no_echo(again, &b);
                if (r < 0)
                        return r;
                if (!secret_equal(a, b))
                        return -EINVAL;
        }
        if (a[0] == '\0')
                return -ENODATA;
        *ret = TAKE_PTR(a);
        return 0;
}
