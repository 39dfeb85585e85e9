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

/* An address one cannot connect to as a target: unspecified (RFC 4291 §2.5.2,
 * RFC 1122 §3.2.1.3 "this host"), limited broadcast (RFC 919/RFC 1122 §3.2.1.3),
 * multicast (224.0.0.0/4, RFC 5771; ff00::/8, RFC 4291 §2.7). iSCSI runs over TCP
 * (RFC 7143 §4.1), which is unicast only. IPv4-mapped IPv6 (::ffff:a.b.c.d,
 * RFC 4291 §2.5.5.2) is checked as the IPv4 address it maps. */
static int check_unicast(int family, const unsigned char *bin, const char **ret_reason) {
        static const unsigned char mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };
        static const unsigned char zero[16] = {};

        if (family == AF_INET6) {
                if (memcmp(bin, zero, 16) == 0)
                        return fail(ret_reason, "the unspecified address [::] is not a portal (RFC 4291 §2.5.2)",
                                    -EINVAL);
                if (bin[0] == 0xff)
                        return fail(ret_reason,
                                    "a multicast address (ff00::/8) is not a portal: iSCSI needs a unicast "
                                    "TCP peer (RFC 4291 §2.7, RFC 7143 §4.1)", -EINVAL);
                if (memcmp(bin, mapped, 12) != 0)
                        return 0;
                bin += 12;
        }

        if (bin[0] == 0 && bin[1] == 0 && bin[2] == 0 && bin[3] == 0)
                return fail(ret_reason, "the unspecified address 0.0.0.0 is not a portal (RFC 1122 §3.2.1.3)",
                            -EINVAL);
        if (bin[0] == 255 && bin[1] == 255 && bin[2] == 255 && bin[3] == 255)
                return fail(ret_reason, "the broadcast address 255.255.255.255 is not a portal (RFC 1122 §3.2.1.3)",
                            -EINVAL);
        if ((bin[0] & 0xf0) == 0xe0)
                return fail(ret_reason,
                            "a multicast address (224.0.0.0/4) is not a portal: iSCSI needs a unicast TCP peer "
                            "(RFC 5771, RFC 7143 §4.1)", -EINVAL);
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

        r = check_unicast(p.family, bin, ret_reason);
        if (r < 0)
                return r;

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

bool portal_address_equal(const Portal *p, const char *address) {
        unsigned char a[sizeof(struct in6_addr)], b[sizeof(struct in6_addr)];

        if (!address || !*address)
                return false;
        if (inet_pton(p->family, p->address, a) != 1 || inet_pton(p->family, address, b) != 1)
                return false;
        return memcmp(a, b, p->family == AF_INET6 ? 16 : 4) == 0;
}
