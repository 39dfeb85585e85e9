/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* What the import verbs share: the CHAP keys they take and their options. */

#include <stdbool.h>

#include "credstore.h"

/* The eight keys of a kubernetes.io/iscsi-chap Secret, which are also
 * iscsid.conf(5)'s global CHAP settings, in the order they are written. */
extern const char *const chap_keys[8];

/** chap_key_index() - position of @key in chap_keys, or -1. */
int chap_key_index(const char *key);

typedef struct ImportArgs {
        const char *file;
        const char *name;       /* alias or NAME of the credential */
        bool print, force;
        EncryptOptions enc;
} ImportArgs;

/**
 * import_parse_argv() - options shared by the import verbs
 * @verb: verb name, for messages
 * @n_args: positional arguments wanted: 2 (FILE ALIAS) or 1 (FILE, with --name)
 * @help: prints the verb's help
 * @a: result
 *
 * Return: 1 go on, 0 help printed, RET_USAGE.
 */
int import_parse_argv(int argc, char *argv[], const char *verb, int n_args, void (*help)(void), ImportArgs *a);

/**
 * import_store() - validate the secrets in @values and store them
 * @credential: "iscsi.auth.ALIAS" etc.
 * @values: chap_keys-indexed values (secrets), NULL for absent
 * @a: options
 *
 * Builds the credential text, validates it with
 * chap_secrets_from_keyvalues() and encrypts it (store_auth_credential()).
 *
 * Return: 0; -EINVAL (logged); errors of store_auth_credential().
 */
int import_store(const char *credential, char *const values[8], const ImportArgs *a);
