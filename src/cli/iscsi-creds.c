/* SPDX-License-Identifier: LGPL-2.1-or-later */

/*
 * iscsi-creds(8): the login helper run by iscsi-creds-login@.service and
 * the admin's command. Option parsing with getopt_long(3); subcommands in
 * their own files (commands.h).
 */

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include <systemd/sd-journal.h>

#include "commands.h"
#include "config.h"
#include "log.h"
#include "secret.h"
#include "string-util.h"

static const char *arg_alias;

static void help(void) {
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
               "  login ALIAS         Write the node record and log in (run by\n"
               "                      iscsi-creds-login@ALIAS.service)\n"
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

/* With stderr connected to the journal, log natively so MESSAGE_ID= and
 * ISCSI_CREDS_ALIAS= become fields ("journalctl MESSAGE_ID=..."). */
static int journal_sink(int level, const char *message_id, const char *message) {
        if (message_id)
                return sd_journal_send("MESSAGE=%s", message, "PRIORITY=%i", level, "MESSAGE_ID=%s", message_id,
                                       "SYSLOG_IDENTIFIER=iscsi-creds", "ISCSI_CREDS_ALIAS=%s", arg_alias ?: "",
                                       NULL);
        return sd_journal_send("MESSAGE=%s", message, "PRIORITY=%i", level, "SYSLOG_IDENTIFIER=iscsi-creds",
                               "ISCSI_CREDS_ALIAS=%s", arg_alias ?: "", NULL);
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

/* Return: <0 error, 0 done (help/version printed), >0 go on. */
static int parse_argv(int argc, char *argv[]) {
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

static int need_alias(int argc, char *argv[], const char *verb) {
        if (argc - optind != 2) {
                fprintf(stderr, "iscsi-creds %s takes exactly one argument, the target alias.\n"
                                "Try 'iscsi-creds --help' for more information.\n", verb);
                return -EINVAL;
        }
        arg_alias = argv[optind + 1];
        return 0;
}

int main(int argc, char *argv[]) {
        const char *verb;
        int r;

        log_setup("iscsi-creds", LOG_TARGET_AUTO);

        /* Before anything else, for every verb: no core dump may hold a secret
         * (login, unlock, add, the importers hold one; the rest cost nothing to cover). */
        r = secret_protect_process();
        if (r < 0) {
                log_error_errno(r, "Failed to turn off core dumps (PR_SET_DUMPABLE, RLIMIT_CORE), refusing to run: %m");
                return EXIT_FAILURE;
        }

        r = parse_argv(argc, argv);
        if (r <= 0)
                return r < 0 ? EXIT_USAGE : EXIT_SUCCESS;

        if (optind >= argc) {
                fprintf(stderr, "A command is required.\nTry 'iscsi-creds --help' for more information.\n");
                return EXIT_USAGE;
        }
        verb = argv[optind];

        if (STR_IN_SET(verb, "login", "logout", "unlock", "lock")) {
                static const struct {
                        const char *name;
                        int (*run)(const char *alias);
                } unit_verbs[] = {
                        { "login", verb_login },
                        { "logout", verb_logout },
                        { "unlock", verb_unlock },
                        { "lock", verb_lock },
                };

                if (need_alias(argc, argv, verb) < 0)
                        return EXIT_USAGE;
                if (getenv("JOURNAL_STREAM"))
                        log_set_structured_sink(journal_sink);
                for (size_t i = 0; i < ELEMENTSOF(unit_verbs); i++)
                        if (streq(verb, unit_verbs[i].name))
                                r = unit_verbs[i].run(arg_alias);
        } else if (streq(verb, "verify"))
                r = verb_verify(argv + optind + 1);
        else {
                static const struct {
                        const char *name;
                        int (*run)(int argc, char *argv[]);
                } verbs[] = {
                        { "add", verb_add },
                        { "gen-secret", verb_gen_secret },
                        { "import-k8s-secret", verb_import_k8s_secret },
                        { "import-iscsid-conf", verb_import_iscsid_conf },
                        { "cat", verb_cat },
                        { "status", verb_status },
                };
                size_t i;

                for (i = 0; i < ELEMENTSOF(verbs); i++)
                        if (streq(verb, verbs[i].name))
                                break;
                if (i < ELEMENTSOF(verbs)) {
                        /* Secrets are read from stdin line by line: keep none in stdio's buffer. */
                        setvbuf(stdin, NULL, _IONBF, 0);
                        r = verbs[i].run(argc - optind, argv + optind);
                        return exit_status_from_errno(r);
                }

                fprintf(stderr, "Unknown command \"%s\".\nTry 'iscsi-creds --help' for more information.\n", verb);
                return EXIT_USAGE;
        }

        return exit_status_from_errno(r);
}
