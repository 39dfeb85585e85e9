/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * Composing credential text ("key = value" lines) from command-line
 * options or imported files, so that it is validated by exactly the code
 * the generator and the login helper use (keyvalue_parse(),
 * target_from_keyvalues(), chap_secrets_from_keyvalues()) before anything
 * is written. The buffer is wiped whenever it moves or is freed: it may
 * hold CHAP secrets.
 */

#include <stdbool.h>
#include <stddef.h>

#include "chap.h"
#include "secret.h"
#include "target.h"

/* .data: NUL-terminated text (wiped whenever it moves or is freed); .size:
 * bytes without the NUL. */
typedef SecretBuf KvText;

/**
 * kvtext_value_problem() - why @value cannot be stored as given
 * @value: a value from the command line or an imported file; may be a secret
 *
 * The credential parser (keyvalue_parse(), "Values are trimmed of spaces
 * and tabs"; docs/credentials.md) and open-iscsi's node record reader
 * (usr/idbm.c, which strips blanks around each value) both drop blanks at
 * either end of a value. A
 * secret stored with them would be sent without them, and the login fail
 * later with "authorization failure" and no hint why: refuse it here.
 *
 * Return: NULL if @value can be stored; else a static description of the
 * problem that never quotes @value, e.g. "starts or ends with a blank".
 */
const char *kvtext_value_problem(const char *value);

/**
 * kvtext_add() - append "KEY = VALUE\n"
 * @t: text being built
 * @key: key name
 * @value: value; may be a secret (never logged here)
 *
 * Return: 0; -EINVAL if kvtext_value_problem() names a problem (@value is
 * empty, holds a control character, a newline would add a line nobody
 * asked for, or starts or ends with a blank); -ENOMEM. On error nothing
 * is added.
 */
int kvtext_add(KvText *t, const char *key, const char *value);

/** kvtext_done() - wipe and free; @t stays valid and empty. */
void kvtext_done(KvText *t);

/**
 * kvtext_to_target() - parse and validate @t as "iscsi.target.ALIAS"
 * @ret: the target (may be NULL if only validation is wanted); target_free()
 *
 * Return: 0; -EINVAL (every problem logged by the shared code); -ENOMEM.
 */
int kvtext_to_target(const KvText *t, const char *alias, Target **ret);

/**
 * kvtext_to_chap() - parse and validate @t as the secrets credential @credential
 * @ret: the secrets (may be NULL); chap_secrets_free()
 *
 * Return: 0; -EINVAL (logged, values never shown); -ENOMEM.
 */
int kvtext_to_chap(const KvText *t, const char *credential, ChapSecrets **ret);
