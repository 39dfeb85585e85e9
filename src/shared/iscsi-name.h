/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stddef.h>

/* RFC 7143 §4.2.7.1 (RFC 3720 §3.2.6.1): an iSCSI name is at most 223
 * bytes. iscsiadm accepts up to 254, but a longer name is not portable. */
#define ISCSI_NAME_MAX 223

/**
 * iscsi_name_check() - validate an iSCSI target or initiator name
 * @name: the name, as written in a credential
 * @ret_reason: on failure, a static, human-readable statement of the rule
 *              that was broken (never NULL on failure)
 *
 * Accepted forms (ASCII subset of RFC 7143 §4.2.7 / RFC 3720 §3.2.6.3):
 *  - "iqn." YYYY "-" MM "." reversed-domain [ ":" unique ], characters
 *    [A-Za-z0-9.:-] (RFC 7143 §4.2.7.2, ASCII only). Upper case is accepted
 *    and the name is never case-folded: RFC 3722 stringprep would map it to
 *    lower case, but open-iscsi, the Linux initiator and LIO compare names
 *    byte for byte, so a target that announces "...:DS918.Target-1" must be
 *    addressed exactly so;
 *  - "eui." followed by 16 hex digits (RFC 3720 §3.2.6.3.2);
 *  - "naa." followed by 16 or 32 hex digits (RFC 3980 §2).
 * The prefixes "iqn.", "eui.", "naa." are lower case (RFC 7143 §4.2.7.3).
 * At most ISCSI_NAME_MAX bytes; never '/', which open-iscsi uses as the
 * node DB path separator. @name is only read, never modified.
 *
 * Return: 0 if valid, -EINVAL otherwise (@ret_reason set), -E2BIG if too
 * long.
 */
int iscsi_name_check(const char *name, const char **ret_reason);
