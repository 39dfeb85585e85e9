/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * What both programs of iscsi-creds(8) share: the boot helper that units
 * run (iscsi-creds: login, logout, unlock, lock) and the admin's commands
 * (iscsi-creds-admin, which iscsi-creds runs for every other command).
 * Commands return 0 or a negative errno, having logged what went wrong;
 * main() maps that to an exit status.
 */

#include <errno.h>
#include <stdbool.h>

/* A command's own options were wrong (message printed): exit status EXIT_USAGE. */
#define RET_USAGE (-EDOM)

/* Exit statuses of iscsi-creds (documented in iscsi-creds(8)). */
enum {
        EXIT_USAGE = 2,                 /* bad command line */
        EXIT_BAD_CREDENTIAL = 3,        /* a credential is missing or invalid */
        EXIT_AUTH_FAILED = 4,           /* the target rejected our CHAP secrets */
        EXIT_UNREACHABLE = 5,           /* the portal could not be reached */
        EXIT_ISCSI_STACK = 6,           /* iscsid, transport module or node DB problem */
};

/**
 * exit_status_from_errno() - map a command's result to an exit status
 * Return: 0 for r >= 0, else one of the EXIT_* values or EXIT_FAILURE.
 */
int exit_status_from_errno(int r);

/**
 * usage_error() - print "Try 'iscsi-creds VERB --help'" to stderr
 * Return: RET_USAGE.
 */
int usage_error(const char *verb);

/**
 * parse_global_options() - the options before the command: -h, --version, -q, -v
 * @argc, @argv: main()'s
 * @help: prints the help text
 *
 * Stops at the first non-option (the command); optind then points at it.
 *
 * Return: <0 bad option (message printed), 0 done (help or version
 * printed), >0 go on.
 */
int parse_global_options(int argc, char *argv[], void (*help)(void));

/** help_main() - print "iscsi-creds --help": every command of both programs. */
void help_main(void);

/**
 * cli_start() - what both programs do first
 * @argc, @argv: main()'s
 * @ret_verb: the command, when true is returned
 * @ret_exit: the exit status, when false is returned
 *
 * Sets up logging, turns core dumps off before anything is read
 * (secret_protect_process(): execve(2) made the process dumpable again),
 * parses the global options and finds the command.
 *
 * Return: true to go on with *@ret_verb (argv[optind]); false when main()
 * must return *@ret_exit (help or version printed, bad options, no
 * command, core dumps could not be turned off).
 */
bool cli_start(int argc, char *argv[], const char **ret_verb, int *ret_exit);
