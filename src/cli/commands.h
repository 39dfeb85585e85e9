/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * Subcommands of iscsi-creds(8). Each returns 0 or a negative errno, having
 * logged what went wrong; main() maps that to an exit status
 * (exit_status_from_errno()).
 */

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
 * verb_login() - "iscsi-creds login ALIAS" (ExecStart= of the login unit)
 * @alias: target alias
 *
 * Reads iscsi.target.ALIAS and its secrets from $CREDENTIALS_DIRECTORY
 * (what PID 1 decrypted for this service), writes the node record into the
 * node DB (refusing unless DBROOT/nodes is a tmpfs, so no secret reaches
 * persistent storage), checks it through libopeniscsiusr and logs in.
 *
 * Return: 0; errors of load_target(), load_chap_secrets(),
 * node_record_write(), node_db_check_record(), iscsiadm_login();
 * -EMEDIUMTYPE if the node DB is not on a tmpfs.
 */
int verb_login(const char *alias);

/**
 * verb_logout() - "iscsi-creds logout ALIAS" (ExecStop= of the login unit)
 *
 * Finds the session through libopeniscsiusr and logs it out; no session is
 * success. Needs only the target definition, not the secrets.
 *
 * Return: 0; errors of load_target(), node_db_find_session(),
 * iscsiadm_logout().
 */
int verb_logout(const char *alias);

/**
 * verb_verify() - "iscsi-creds verify [ALIAS...]"
 * @aliases: NULL-terminated list, empty for every target found
 *
 * Loads each target as the generator would (same search path), and its
 * secrets (decrypting through systemd-creds where needed), printing one
 * line per target to stdout and every problem to stderr. Never prints a
 * secret.
 *
 * Return: 0 if all are valid; the first error otherwise.
 */
int verb_verify(char **aliases);
