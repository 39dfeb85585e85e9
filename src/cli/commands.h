/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <errno.h>

/*
 * Subcommands of iscsi-creds(8). Each returns 0 or a negative errno, having
 * logged what went wrong; main() maps that to an exit status
 * (exit_status_from_errno()).
 */

#include <stddef.h>

/* A verb's own options were wrong (message printed): exit status EXIT_USAGE. */
#define RET_USAGE (-EDOM)

/* gen-secret: characters of a generated CHAP secret. */
#define GEN_SECRET_DEFAULT 16
#define GEN_SECRET_MIN 12
#define GEN_SECRET_MAX 255

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
 * verb_unlock() - "iscsi-creds unlock ALIAS" (ExecStart= of the unlock unit)
 *
 * Opens the LUKS volume on the target's by-path device as
 * /dev/mapper/iscsi-ALIAS with libcryptsetup, the passphrase being the bytes
 * of the "iscsi.luks.ALIAS" credential PID 1 decrypted for the unit (one
 * trailing newline dropped). Already open is success.
 *
 * Return: 0; -EACCES wrong passphrase (logged with MESSAGE_ID_AUTH_FAILED);
 * -EINVAL "luks = yes" not set or empty passphrase; -ENOENT credential
 * missing; other -errno from libcryptsetup.
 */
int verb_unlock(const char *alias);

/**
 * verb_lock() - "iscsi-creds lock ALIAS" (ExecStop= of the unlock unit)
 *
 * Closes /dev/mapper/iscsi-ALIAS; not open is success. Needs no credential.
 *
 * Return: 0, or -errno from libcryptsetup.
 */
int verb_lock(const char *alias);

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

/**
 * usage_error() - print "Try 'iscsi-creds VERB --help'" to stderr
 * Return: RET_USAGE.
 */
int usage_error(const char *verb);

/*
 * The admin's verbs. Each takes its own argv (argv[0] is the verb name),
 * parses its options with getopt_long(3) and returns 0, RET_USAGE for a
 * bad command line, or a negative errno after logging what went wrong.
 */

/**
 * gen_secret() - a random secret of @n characters of [A-Za-z0-9_-]
 * @n: GEN_SECRET_MIN..GEN_SECRET_MAX
 * @ret: the secret; free with erase_and_free()
 *
 * Return: 0; -ERANGE for a bad @n; -errno from getrandom(2); -ENOMEM.
 */
int gen_secret(size_t n, char **ret);

/** verb_gen_secret() - "iscsi-creds gen-secret [--bytes N]": the secret goes to stdout only. */
int verb_gen_secret(int argc, char *argv[]);

/**
 * verb_add() - "iscsi-creds add ALIAS --target IQN --portal ADDR[:PORT] ..."
 *
 * Validates the target definition and the secrets (read from stdin or a
 * TTY prompt) with the shared code, then writes iscsi.target.ALIAS (0600)
 * into /etc/credstore and the encrypted iscsi.auth.ALIAS into
 * /etc/credstore.encrypted, or with --print prints the hypervisor forms.
 *
 * Return: 0; -EINVAL (invalid input, logged); -EEXIST (file exists, no
 * --force); errors of store_auth_credential().
 */
int verb_add(int argc, char *argv[]);

/**
 * verb_import_k8s_secret() - "iscsi-creds import-k8s-secret FILE ALIAS"
 *
 * Reads a Secret of type kubernetes.io/iscsi-chap (YAML or JSON) and
 * stores its CHAP keys as the encrypted iscsi.auth.ALIAS.
 *
 * Return: 0; -EINVAL (bad file or secret, logged); -ENOENT; errors of
 * store_auth_credential().
 */
int verb_import_k8s_secret(int argc, char *argv[]);

/**
 * verb_import_iscsid_conf() - "iscsi-creds import-iscsid-conf FILE [--name NAME]"
 *
 * Takes the global node.session.auth.* and discovery.sendtargets.auth.*
 * settings of an iscsid.conf(5) into the encrypted iscsi.auth (or
 * iscsi.auth.NAME).
 *
 * Return: as verb_import_k8s_secret().
 */
int verb_import_iscsid_conf(int argc, char *argv[]);

/**
 * verb_cat() - "iscsi-creds cat [ALIAS...]": the units the generator writes
 *
 * Runs the generator binary (GENERATOR_PATH, or $ISCSI_CREDS_GENERATOR)
 * into a temporary directory and prints the files that belong to the
 * targets named (all without arguments). Never a secret: the generator
 * never reads one.
 *
 * Return: 0; -ENOENT if a target is not declared; -EINVAL if the
 * generator reported a problem; spawn errors.
 */
int verb_cat(int argc, char *argv[]);

/**
 * verb_status() - "iscsi-creds status [--json] [ALIAS...]"
 *
 * For each declared target: definition, login unit state (sd-bus),
 * session (libopeniscsiusr, sysfs), block devices and mount state.
 * Missing information is reported as unknown.
 *
 * Return: 0; -ENOENT for a named target that is not declared; -ENOMEM.
 */
int verb_status(int argc, char *argv[]);
