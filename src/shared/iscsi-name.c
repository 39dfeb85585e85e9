/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include <errno.h>
#include <string.h>

#include "iscsi-name.h"
#include "string-util.h"

/* RFC 7143 §4.2.7.2 (ASCII subset): letters of either case, digits, '.', ':', '-'.
 * Upper case is kept byte for byte: RFC 3722 stringprep would fold it, but
 * open-iscsi, the kernel and LIO compare names as bytes, and arrays announce
 * upper-case names (Synology "iqn.2000-01.com.synology:DS918.Target-1.x"). */
#define IQN_CHARS LETTERS DIGITS ".:-"

static int fail(const char **ret_reason, const char *reason) {
        *ret_reason = reason;
        return -EINVAL;
}

static bool hex_of_length(const char *s, size_t n) {
        return strlen(s) == n && in_charset(s, HEXDIGITS);
}

/* Reversed domain name: labels of [A-Za-z0-9-], separated by single dots, a
 * label neither starting nor ending with '-' (RFC 1123 §2.1). */
static bool reversed_domain_valid(const char *s, size_t n) {
        size_t label = 0;

        if (n == 0)
                return false;
        for (size_t i = 0; i < n; i++) {
                char c = s[i];

                if (c == '.') {
                        if (label == 0 || s[i - 1] == '-')
                                return false;
                        label = 0;
                        continue;
                }
                if (!strchr(LETTERS DIGITS "-", c))
                        return false;
                if (c == '-' && label == 0)
                        return false;
                label++;
        }
        return label > 0 && s[n - 1] != '-';
}

static int iqn_check(const char *name, const char **ret_reason) {
        const char *p = name + 4, *colon;
        unsigned month;

        /* "yyyy-mm." */
        if (strlen(p) < 8 || !strchr(DIGITS, p[0]) || !strchr(DIGITS, p[1]) || !strchr(DIGITS, p[2]) ||
            !strchr(DIGITS, p[3]) || p[4] != '-' || !strchr(DIGITS, p[5]) || !strchr(DIGITS, p[6]) || p[7] != '.')
                return fail(ret_reason, "an IQN starts with \"iqn.YYYY-MM.\" (RFC 7143 §4.2.7.4)");
        month = (unsigned) (p[5] - '0') * 10 + (unsigned) (p[6] - '0');
        if (month < 1 || month > 12)
                return fail(ret_reason, "the month in \"iqn.YYYY-MM.\" must be 01-12 (RFC 7143 §4.2.7.4)");

        if (!in_charset(name, IQN_CHARS))
                return fail(ret_reason, "an IQN may only contain A-Z, a-z, 0-9, '.', ':' and '-' (RFC 7143 §4.2.7.2)");

        p += 8;
        colon = strchr(p, ':');
        if (!reversed_domain_valid(p, colon ? (size_t) (colon - p) : strlen(p)))
                return fail(ret_reason,
                            "the naming authority after \"iqn.YYYY-MM.\" must be a reversed domain name (RFC 7143 §4.2.7.4)");
        if (colon && colon[1] == '\0')
                return fail(ret_reason, "nothing follows the ':' of the IQN (RFC 7143 §4.2.7.4)");
        return 0;
}

int iscsi_name_check(const char *name, const char **ret_reason) {
        const char *p;

        if (isempty(name))
                return fail(ret_reason, "the iSCSI name is empty");
        if (strlen(name) > ISCSI_NAME_MAX) {
                *ret_reason = "an iSCSI name is at most 223 bytes (RFC 7143 §4.2.7.1)";
                return -E2BIG;
        }
        if (strchr(name, '/'))
                return fail(ret_reason, "an iSCSI name cannot contain '/'");

        if (startswith(name, "iqn."))
                return iqn_check(name, ret_reason);
        if ((p = startswith(name, "eui."))) {
                if (!hex_of_length(p, 16))
                        return fail(ret_reason, "\"eui.\" is followed by exactly 16 hex digits (RFC 7143 §4.2.7.5)");
                return 0;
        }
        if ((p = startswith(name, "naa."))) {
                if (!hex_of_length(p, 16) && !hex_of_length(p, 32))
                        return fail(ret_reason, "\"naa.\" is followed by 16 or 32 hex digits (RFC 3980 §2)");
                return 0;
        }
        return fail(ret_reason, "an iSCSI name starts with \"iqn.\", \"eui.\" or \"naa.\" (RFC 7143 §4.2.7.3)");
}
