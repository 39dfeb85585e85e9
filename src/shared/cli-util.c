/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <syslog.h>

#include "cli-util.h"
#include "config.h"
#include "log.h"
#include "secret.h"

void help_main(void) {
        printf("Usage: iscsi-creds [OPTIONS] COMMAND [ARGS...]\n"
               "\n"
               "Attach iSCSI LUNs protected by CHAP with secrets kept in systemd credentials.\n"
               "\n"
               "Commands:\n"
               "  add ALIAS --target IQN --portal ADDR[:PORT] ...\n"
               "                      Declare a target and store its CHAP secrets encrypted (the\n"
               "                      secret is read from stdin or a prompt, never argv)\n"
               "  gen-secret [--bytes N]\n"
               "                      Print a random CHAP secret (16 characters = 96 bits)\n"
               "  import-k8s-secret FILE ALIAS\n"
               "                      Store a kubernetes.io/iscsi-chap Secret as iscsi.auth.ALIAS\n"
               "  import-iscsid-conf FILE [--name NAME]\n"
               "                      Store the global CHAP settings of an iscsid.conf as iscsi.auth\n"
               "  verify [ALIAS...]   Check target definitions and their secrets as the generator\n"
               "                      would find them; print one line per target\n"
               "  cat [ALIAS...]      Print the units the generator writes (no secrets)\n"
               "  status [--json] [ALIAS...]\n"
               "                      Show each target's unit, session, device and mount\n"
               "  initrd-credentials  List the credentials an initrd needs for a root file system\n"
               "                      on a LUN (root = yes); run by the dracut module\n"
               "  login ALIAS         Write the node record and log in (run by\n"
               "                      iscsi-creds-login@ALIAS.service)\n"
               "  reload ALIAS        Log in the paths of ALIAS that have no session\n"
               "                      (iscsi-creds-paths@ALIAS.service)\n"
               "  retry ALIAS         Log in again when a portal answers (run by\n"
               "                      iscsi-creds-retry@ALIAS.service)\n"
               "  logout ALIAS        Log out the session of ALIAS\n"
               "  unlock ALIAS        Open the LUKS volume on ALIAS's LUN (run by\n"
               "                      iscsi-creds-unlock@ALIAS.service)\n"
               "  lock ALIAS          Close it\n"
               "\n"
               "Options:\n"
               "  -h --help           Show this help\n"
               "     --version        Show the version\n"
               "  -q --quiet          Only log errors\n"
               "  -v --verbose        Log debug messages too\n"
               "\n"
               "\"iscsi-creds COMMAND --help\" shows a command's options.\n"
               "See iscsi-creds(8) and iscsi-creds.credentials(5).\n");
}

int usage_error(const char *verb) {
        fprintf(stderr, "Try 'iscsi-creds %s --help' for more information.\n", verb);
        return RET_USAGE;
}

int exit_status_from_errno(int r) {
        if (r >= 0)
                return EXIT_SUCCESS;
        if (r == RET_USAGE)
                return EXIT_USAGE;
        switch (-r) {
        case EINVAL:
        case ENOENT:
        case E2BIG:
        case EEXIST:
                return EXIT_BAD_CREDENTIAL;
        case EACCES:
        case EPERM:
                return EXIT_AUTH_FAILED;
        case EHOSTUNREACH:
        case ETIMEDOUT:
        case ETIME:
                return EXIT_UNREACHABLE;
        case ECONNREFUSED:
        case ENODEV:
        case EBADMSG:
        case EMEDIUMTYPE:
                return EXIT_ISCSI_STACK;
        default:
                return EXIT_FAILURE;
        }
}

int parse_global_options(int argc, char *argv[], void (*help)(void)) {
        enum { ARG_VERSION = 0x100 };
        static const struct option options[] = {
                { "help", no_argument, NULL, 'h' },
                { "version", no_argument, NULL, ARG_VERSION },
                { "quiet", no_argument, NULL, 'q' },
                { "verbose", no_argument, NULL, 'v' },
                {}
        };
        int c;

        /* '+': stop at the first non-option, the command. */
        while ((c = getopt_long(argc, argv, "+hqv", options, NULL)) >= 0)
                switch (c) {
                case 'h':
                        help();
                        return 0;
                case ARG_VERSION:
                        printf("iscsi-creds %s\n", PROJECT_VERSION);
                        return 0;
                case 'q':
                        log_set_max_level(LOG_ERR);
                        break;
                case 'v':
                        log_set_max_level(LOG_DEBUG);
                        break;
                default:
                        fprintf(stderr, "Try 'iscsi-creds --help' for more information.\n");
                        return -EINVAL;
                }
        return 1;
}

bool cli_start(int argc, char *argv[], const char **ret_verb, int *ret_exit) {
        int r;

        log_setup("iscsi-creds", LOG_TARGET_AUTO);

        /* Before anything else, for every command: no core dump may hold a secret (login,
         * unlock, add, the importers hold one; the rest cost nothing to cover). */
        r = secret_protect_process();
        if (r < 0) {
                log_error_errno(r, "Failed to turn off core dumps (PR_SET_DUMPABLE, RLIMIT_CORE), refusing to run: %m");
                *ret_exit = EXIT_FAILURE;
                return false;
        }
        r = parse_global_options(argc, argv, help_main);
        if (r <= 0) {
                *ret_exit = r < 0 ? EXIT_USAGE : EXIT_SUCCESS;
                return false;
        }
        if (optind >= argc) {
                fprintf(stderr, "A command is required.\nTry 'iscsi-creds --help' for more information.\n");
                *ret_exit = EXIT_USAGE;
                return false;
        }
        *ret_verb = argv[optind];
        return true;
}
