/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * The admin's commands of iscsi-creds(8), in iscsi-creds-admin (which
 * "iscsi-creds COMMAND" runs). Each returns 0 or a negative errno, having
 * logged what went wrong; main() maps that to an exit status
 * (exit_status_from_errno()).
 */

#include <stddef.h>

#include "cli-util.h"

/* gen-secret: characters of a generated CHAP secret. */
#define GEN_SECRET_DEFAULT 16
#define GEN_SECRET_MIN 12
#define GEN_SECRET_MAX 255

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

/**
 * verb_initrd_credentials() - "iscsi-creds initrd-credentials"
 *
 * For the initrd (the dracut module): the one valid target with "root =
 * yes" on the generator's search path, its secrets credential and the
 * iscsi.initiatorname credential it uses, printed as "SOURCE<TAB>PATH IN THE
 * INITRD" lines. The secrets must be encrypted with a key the initrd has: a
 * TPM2 (tpm2) or none (null, with a warning); the host key
 * (/var/lib/systemd/credential.secret) is on the root file system.
 *
 * Return: 0; RET_USAGE; -ENOENT (no root target); -EEXIST (several);
 * -EINVAL (secrets in plaintext or sealed with the host key); errors of
 * find_auth_credential(), credential_sealing(); -EIO writing stdout.
 */
int verb_initrd_credentials(int argc, char *argv[]);
