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
#include <sys/uio.h>
#include <unistd.h>

#include <systemd/sd-journal.h>
#include <systemd/sd-login.h>

#include "boot.h"
#include "config.h"
#include "log.h"
#include "secret.h"
#include "string-util.h"

static const char *arg_alias;
static char *own_unit;
static bool in_initrd;

/* With stderr connected to the journal, log natively so MESSAGE_ID= and
 * ISCSI_CREDS_ALIAS= become fields ("journalctl MESSAGE_ID=..."), with
 * OBJECT_SYSTEMD_UNIT= naming the unit the message is about: another unit
 * (log_set_object_unit()), else our own. journald learns a datagram's
 * sender's unit from /proc/PID/cgroup, which is gone when the sender has
 * exited by the time journald reads the datagram (a failed login logs its
 * reason and exits at once; under load the reason then lacked _SYSTEMD_UNIT=
 * and "journalctl -u" did not show it, VM scenario "advanced").
 * "journalctl -u UNIT" also matches OBJECT_SYSTEMD_UNIT=UNIT from root's
 * processes (journalctl(1), systemd.journal-fields(7)). */
static int journal_sink(int level, const char *message_id, const char *message) {
        _cleanup_free_ char *m = NULL, *p = NULL, *a = NULL, *id = NULL, *u = NULL;
        const char *unit = log_get_object_unit() ?: own_unit;
        struct iovec iov[6];
        int n = 0;

        if (asprintf(&m, "MESSAGE=%s", message) < 0 || asprintf(&p, "PRIORITY=%i", level) < 0 ||
            asprintf(&a, "ISCSI_CREDS_ALIAS=%s", arg_alias ?: "") < 0 ||
            (message_id && asprintf(&id, "MESSAGE_ID=%s", message_id) < 0) ||
            (unit && asprintf(&u, "OBJECT_SYSTEMD_UNIT=%s", unit) < 0))
                return -ENOMEM;
        iov[n++] = (struct iovec) { m, strlen(m) };
        iov[n++] = (struct iovec) { p, strlen(p) };
        iov[n++] = (struct iovec) { (char *) "SYSLOG_IDENTIFIER=iscsi-creds", strlen("SYSLOG_IDENTIFIER=iscsi-creds") };
        iov[n++] = (struct iovec) { a, strlen(a) };
        if (id)
                iov[n++] = (struct iovec) { id, strlen(id) };
        if (u)
                iov[n++] = (struct iovec) { u, strlen(u) };
        return sd_journal_sendv(iov, n);
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
        /* In the initrd (os-release(5): /etc/initrd-release, systemd's own test) a failed root
         * login stops the boot; say why on the console, not only in its journal: every line goes
         * through the unit's stream, which the generator makes StandardError=journal+console
         * there (journald copies the stream to the console, native journal messages not). */
        in_initrd = access("/etc/initrd-release", F_OK) >= 0;
        if (getenv("JOURNAL_STREAM") && !in_initrd) {
                /* Read while we are alive: it is what journald could not read after our exit. */
                if (sd_pid_get_unit(0, &own_unit) < 0)
                        own_unit = NULL;
                log_set_structured_sink(journal_sink);
        }
        for (size_t i = 0; i < ELEMENTSOF(unit_verbs); i++)
                if (streq(verb, unit_verbs[i].name))
                        r = unit_verbs[i].run(arg_alias);
        free(own_unit);
        return exit_status_from_errno(r);
}
