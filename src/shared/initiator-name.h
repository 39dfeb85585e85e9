/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * The "iscsi.initiatorname" credential: the host-wide initiator name
 * (docs/credentials.md). Included by target.h.
 */

#include <stddef.h>

#define INITIATOR_CREDENTIAL "iscsi.initiatorname"

/**
 * initiator_name_parse() - read the "iscsi.initiatorname" credential
 * @credential: credential name, for messages
 * @data: its contents: a bare iSCSI name on one line, or "InitiatorName=NAME"
 *        as in open-iscsi's initiatorname.iscsi, or "initiator = NAME";
 *        comments and blank lines allowed
 * @size: bytes in @data (may hold NUL bytes, which are refused)
 * @ret: the name; free()
 *
 * Both forms follow the credential syntax of docs/credentials.md: a NUL
 * byte, invalid UTF-8 (RFC 3629) or a control character (such as the CR of
 * a DOS line ending) anywhere is refused. Messages name the credential and
 * the line of the problem, and never quote a control character or invalid
 * UTF-8; the name is checked as an iSCSI name (RFC 3720 §3.2.6).
 *
 * Return: 0; -EINVAL if malformed or not a valid iSCSI name (logged);
 * -ENOMEM.
 */
int initiator_name_parse(const char *credential, const char *data, size_t size, char **ret);
