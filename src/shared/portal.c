/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "portal.h"
#include "string-util.h"

static int fail(const char **ret_reason, const char *reason, int error) {
        *ret_reason = reason;
        return error;
}

static int parse_port(const char *s, uint16_t *ret, const char **ret_reason) {
        unsigned long long v;

        int r = safe_atou64(s, &v);

        if (r == -ERANGE)
                return fail(ret_reason, "the port must be in the range 1-65535", -ERANGE);
        if (r < 0)
                return fail(ret_reason, "the port is not a decimal number", -EINVAL);
        if (v < 1 || v > 65535)
                return fail(ret_reason, "the port must be in the range 1-65535", -ERANGE);
        *ret = (uint16_t) v;
        return 0;
}

int portal_parse(const char *s, Portal *ret, const char **ret_reason) {
        char addr[INET6_ADDRSTRLEN + 1];
        unsigned char bin[sizeof(struct in6_addr)];
        const char *port = NULL;
        Portal p = { .port = ISCSI_DEFAULT_PORT };
        size_t n;
        int r;

        if (isempty(s))
                return fail(ret_reason, "the portal is empty", -EINVAL);

        if (s[0] == '[') {
                const char *close = strchr(s, ']');

                if (!close)
                        return fail(ret_reason, "an IPv6 portal needs a closing ']'", -EINVAL);
                n = (size_t) (close - s - 1);
                if (close[1] == ':')
                        port = close + 2;
                else if (close[1] != '\0')
                        return fail(ret_reason, "only \":PORT\" may follow the ']' of an IPv6 portal", -EINVAL);
                if (n == 0 || n >= sizeof addr)
                        return fail(ret_reason, "the IPv6 address in brackets is malformed", -EINVAL);
                memcpy(addr, s + 1, n);
                addr[n] = '\0';
                if (strchr(addr, '%'))
                        return fail(ret_reason, "IPv6 zone ids (\"%if\") are not supported", -EINVAL);
                if (inet_pton(AF_INET6, addr, bin) != 1)
                        return fail(ret_reason, "the IPv6 address in brackets is malformed", -EINVAL);
                p.family = AF_INET6;
        } else {
                const char *colon = strchr(s, ':');

                if (colon && strchr(colon + 1, ':'))
                        return fail(ret_reason, "an IPv6 address must be written in brackets: \"[ADDR]:PORT\"", -EINVAL);
                n = colon ? (size_t) (colon - s) : strlen(s);
                if (n == 0 || n >= sizeof addr)
                        return fail(ret_reason, "the portal address is malformed", -EINVAL);
                memcpy(addr, s, n);
                addr[n] = '\0';
                if (colon)
                        port = colon + 1;
                if (inet_pton(AF_INET, addr, bin) != 1)
                        return fail(ret_reason,
                                    "the portal address must be an IPv4 address \"a.b.c.d\" or an IPv6 address in brackets "
                                    "(host names are not resolved at boot)", -EINVAL);
                p.family = AF_INET;
        }

        if (port) {
                r = parse_port(port, &p.port, ret_reason);
                if (r < 0)
                        return r;
        }

        if (!inet_ntop(p.family, bin, p.address, sizeof p.address))
                return fail(ret_reason, "the portal address cannot be formatted", -EINVAL);

        *ret = p;
        return 0;
}

char *portal_to_string(const Portal *p, char buf[static PORTAL_STRING_MAX]) {
        if (p->family == AF_INET6)
                snprintf(buf, PORTAL_STRING_MAX, "[%s]:%u", p->address, p->port);
        else
                snprintf(buf, PORTAL_STRING_MAX, "%s:%u", p->address, p->port);
        return buf;
}
