/* SPDX-License-Identifier: LGPL-2.1-or-later */

/*
 * iscsi-creds(8). The commands the units run (login, reload, retry, logout,
 * unlock, lock) are here; every other command is the admin's and runs in
 * iscsi-creds-admin, which this program executes with the same arguments.
 * So what PID 1 starts at boot links only libsystemd, libopeniscsiusr and
 * libcryptsetup, and starts where the admin's libraries (json-c, libyaml)
 * are not installed.
 */

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <systemd/sd-journal.h>

#include "boot.h"
#include "config.h"
#include "log.h"
#include "secret.h"
#include "string-util.h"

static const char *arg_alias;

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

static int need_alias(int argc, char *argv[], const char *verb) {
        if (argc - optind != 2) {
                fprintf(stderr, "iscsi-creds %s takes exactly one argument, the target alias.\n"
                                "Try 'iscsi-creds --help' for more information.\n", verb);
                return -EINVAL;
        }
        arg_alias = argv[optind + 1];
        return 0;
}

/* Every other command: the admin's program, same arguments. $ISCSI_CREDS_ADMIN
 * names another one (the build tree's, for the tests), as $ISCSI_CREDS_GENERATOR
 * does for "cat". */
static int run_admin(char *argv[]) {
        const char *admin = getenv("ISCSI_CREDS_ADMIN");

        if (isempty(admin))
                admin = ADMIN_PATH;
        execv(admin, argv);
        log_error_errno(errno, "\"iscsi-creds %s\" is a command of %s, which cannot be run: %m", argv[optind],
                        admin);
        return EXIT_FAILURE;
}

int main(int argc, char *argv[]) {
        static const struct {
                const char *name;
                int (*run)(const char *alias);
        } unit_verbs[] = {
                { "login", verb_login },
                { "reload", verb_reload },
                { "retry", verb_retry },
                { "logout", verb_logout },
                { "unlock", verb_unlock },
                { "lock", verb_lock },
        };
        const char *verb;
        int r = -EINVAL, status;

        /* The admin's program, run below with execve(2), turns core dumps off again itself. */
        if (!cli_start(argc, argv, &verb, &status))
                return status;
        if (!STR_IN_SET(verb, "login", "reload", "retry", "logout", "unlock", "lock"))
                return run_admin(argv);

        if (need_alias(argc, argv, verb) < 0)
                return EXIT_USAGE;
        if (getenv("JOURNAL_STREAM"))
                log_set_structured_sink(journal_sink);
        for (size_t i = 0; i < ELEMENTSOF(unit_verbs); i++)
                if (streq(verb, unit_verbs[i].name))
                        r = unit_verbs[i].run(arg_alias);
        return exit_status_from_errno(r);
}
