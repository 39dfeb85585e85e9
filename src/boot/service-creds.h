/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stdbool.h>

#include "target.h"

/**
 * load_service_target() - the target definition a unit was handed
 * @alias: target alias (validated here)
 * @system_fallback: if $CREDENTIALS_DIRECTORY is unset (run by hand), search
 *                   the generator's search path instead of failing
 * @ret: the target; free with target_free()
 *
 * Reads "iscsi.target.ALIAS" from $CREDENTIALS_DIRECTORY, where PID 1 put
 * what the generator's drop-in named (systemd.exec(5), "CREDENTIALS").
 *
 * Return: 0; -EINVAL (bad alias or definition, logged); -ENOENT if the
 * credential is missing or $CREDENTIALS_DIRECTORY is unset without
 * @system_fallback; -ENOMEM.
 */
int load_service_target(const char *alias, bool system_fallback, Target **ret);

/**
 * use_login_unit_credentials() - point $CREDENTIALS_DIRECTORY at the login unit's
 * @alias: target alias (validated here)
 *
 * An ExecReload= process gets no $CREDENTIALS_DIRECTORY before systemd 257
 * (only the main process is set up with EXEC_WRITE_CREDENTIALS; systemd
 * issue 35227). The credentials of an active unit are in /run/credentials/UNIT
 * (the %d specifier, systemd.unit(5)); if the variable is unset and that
 * directory exists, set it. On systemd 252 a unit with a mount namespace has
 * them only inside that namespace, so a "+" ExecReload= finds the directory
 * empty and load_service_target() reports the credential as not passed
 * (seen in the VM, scenario late; iscsi-creds-retry@.service(8), BUGS).
 *
 * Return: 1 if set, 0 if already set or the directory is absent; -EINVAL
 * (bad alias); -ENOMEM.
 */
int use_login_unit_credentials(const char *alias);

/**
 * read_service_secret() - read a secret credential handed to this unit
 * @name: credential name, e.g. "iscsi.luks.t1"
 * @ret: its bytes, NUL-terminated; free with erase_and_free()
 * @ret_size: length without the NUL
 *
 * Return: 0; -ENOENT if the unit was not given it; errors of credential_read().
 */
int read_service_secret(const char *name, char **ret, size_t *ret_size);
