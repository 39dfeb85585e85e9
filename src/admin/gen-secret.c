/* SPDX-License-Identifier: LGPL-2.1-or-later */

/*
 * "iscsi-creds gen-secret": a random CHAP secret. Printing it is the
 * point of the command, so it goes to stdout, and nowhere else.
 */

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "commands.h"
#include "log.h"
#include "secret.h"
#include "string-util.h"

/* 64 symbols, so one random byte masked to 6 bits picks one uniformly; none of them
 * needs quoting in a shell, YAML, a unit file or a credential ("key = value"). */
static const char secret_alphabet[] = ALPHANUMERICAL "-_";

static void gen_secret_help(void) {
        printf("Usage: iscsi-creds gen-secret [--bytes N]\n"
               "\n"
               "Print a random CHAP secret of N characters (default %d, %d..%d) from the kernel's\n"
               "random number generator (getrandom(2)), drawn from a 64-symbol alphabet\n"
               "[A-Za-z0-9_-]: each character carries 6 bits, so 16 characters are 96 bits, the\n"
               "minimum RFC 7143 §12.1.3 asks for. Most targets accept 12 to 16 characters\n"
               "(some allow up to 255). Use a different secret for each direction of mutual CHAP.\n"
               "\n"
               "Example: iscsi-creds gen-secret | iscsi-creds add ... (reads the secret on stdin)\n",
               GEN_SECRET_DEFAULT, GEN_SECRET_MIN, GEN_SECRET_MAX);
}

int gen_secret(size_t n, char **ret) {
        _cleanup_erase_free_ char *s = NULL;
        size_t done = 0;

        if (n < GEN_SECRET_MIN || n > GEN_SECRET_MAX)
                return -ERANGE;
        s = malloc(n + 1);
        if (!s)
                return -ENOMEM;
        while (done < n) {
                ssize_t k = getrandom(s + done, n - done, 0);

                if (k < 0) {
                        if (errno == EINTR)
                                continue;
                        return -errno;
                }
                done += (size_t) k;
        }
        for (size_t i = 0; i < n; i++)
                s[i] = secret_alphabet[(unsigned char) s[i] & 63];
        s[n] = '\0';
        *ret = TAKE_PTR(s);
        return 0;
}

int verb_gen_secret(int argc, char *argv[]) {
        enum { ARG_BYTES = 0x100 };
        static const struct option options[] = {
                { "help", no_argument, NULL, 'h' },
                { "bytes", required_argument, NULL, ARG_BYTES },
                {}
        };
        _cleanup_erase_free_ char *s = NULL;
        unsigned long long n = GEN_SECRET_DEFAULT;
        int c, r;

        optind = 0;
        while ((c = getopt_long(argc, argv, "h", options, NULL)) >= 0)
                switch (c) {
                case 'h':
                        gen_secret_help();
                        return 0;
                case ARG_BYTES:
                        if (safe_atou64(optarg, &n) < 0 || n < GEN_SECRET_MIN || n > GEN_SECRET_MAX) {
                                fprintf(stderr, "--bytes= takes a number from %d to %d.\n", GEN_SECRET_MIN,
                                        GEN_SECRET_MAX);
                                return usage_error("gen-secret");
                        }
                        break;
                default:
                        return usage_error("gen-secret");
                }
        if (optind < argc) {
                fprintf(stderr, "gen-secret takes no arguments.\n");
                return usage_error("gen-secret");
        }

        r = gen_secret((size_t) n, &s);
        if (r < 0)
                return log_error_errno(r, "Failed to get random bytes: %m");
        printf("%s\n", s);
        fflush(stdout);
        return 0;
}
