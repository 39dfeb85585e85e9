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
 * read_service_secret() - read a secret credential handed to this unit
 * @name: credential name, e.g. "iscsi.luks.t1"
 * @ret: its bytes, NUL-terminated; free with erase_and_free()
 * @ret_size: length without the NUL
 *
 * Return: 0; -ENOENT if the unit was not given it; errors of credential_read().
 */
int read_service_secret(const char *name, char **ret, size_t *ret_size);
