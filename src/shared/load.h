/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * Credential file -> validated model, the one path every program takes:
 * credential_read() -> keyvalue_parse() -> target_from_keyvalues() /
 * chap_secrets_from_keyvalues().
 */

#include "chap.h"
#include "credential.h"
#include "target.h"

/**
 * alias_from_credential_name() - "iscsi.target.ALIAS" -> "ALIAS"
 * Return: pointer into @name, or NULL if @name lacks the prefix.
 */
const char *alias_from_credential_name(const char *name);

/**
 * find_target_credential() - "iscsi.target.ALIAS" on the generator's search path
 * @alias: target alias as given by the admin
 * @ret: the file; free with credential_file_free()
 *
 * Return: 0; -EINVAL for an invalid alias, -ENOENT if there is no such
 * credential (both logged); -ENOMEM.
 */
int find_target_credential(const char *alias, CredentialFile **ret);

/**
 * load_target() - read, parse and validate one target definition
 * @f: an "iscsi.target.ALIAS" credential file
 * @ret: the target; free with target_free()
 *
 * Return: 0; -EINVAL for an invalid alias or content (every problem
 * logged); errors of credential_read(); -ENOMEM.
 */
int load_target(const CredentialFile *f, Target **ret);

/**
 * load_chap_secrets() - read, parse and validate one secrets credential
 * @f: an "iscsi.auth[.NAME]" credential file
 * @ret: the secrets; free with chap_secrets_free()
 *
 * Return: as load_target().
 */
int load_chap_secrets(const CredentialFile *f, ChapSecrets **ret);

/**
 * find_auth_credential() - the secrets credential a target uses
 * @t: the target
 * @search: where to look
 * @known: if not NULL, a credential_list() array of every "iscsi.auth*"
 *         credential: it is searched instead of the file system (one
 *         directory listing for all targets instead of stat() calls per target)
 * @n_known: entries in @known
 * @ret: the file, or NULL when the target has none (then it logs in
 *       without CHAP); free with credential_file_free()
 *
 * "auth = NAME" means "iscsi.auth.NAME" and it must exist; otherwise
 * "iscsi.auth.ALIAS", else the default "iscsi.auth", else none.
 *
 * Return: 0; -ENOENT if "auth = NAME" names a missing credential (logged);
 * -ENOMEM.
 */
int find_auth_credential(const Target *t, CredentialSearch search, CredentialFile *const *known, size_t n_known,
                         CredentialFile **ret);
