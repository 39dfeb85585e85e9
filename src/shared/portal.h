/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <arpa/inet.h>
#include <stdbool.h>
#include <stdint.h>

/* The well-known iSCSI port (RFC 7143 §13.1 assigns TCP port 3260). */
#define ISCSI_DEFAULT_PORT 3260

/* "[" + IPv6 + "]:" + port + ",tpgt" fits comfortably. */
#define PORTAL_STRING_MAX (INET6_ADDRSTRLEN + 16)

typedef struct Portal {
        int family;                             /* AF_INET or AF_INET6 */
        char address[INET6_ADDRSTRLEN];         /* canonical text, no brackets */
        uint16_t port;                          /* 1..65535 */
} Portal;

/**
 * portal_parse() - parse a network portal "ADDR[:PORT]"
 * @s: IPv4 "a.b.c.d[:port]" or IPv6 "[addr][:port]"; port 1-65535,
 *     default 3260 (ISCSI_DEFAULT_PORT)
 * @ret: the portal, address in canonical form (inet_ntop(3): RFC 5952 for
 *       IPv6), which is also what open-iscsi stores in node.conn[0].address
 *       and what udev's path_id copies into the by-path name
 * @ret_reason: on failure, a static description of the rule broken
 *
 * Host names are refused: they need DNS at boot, and the by-path name
 * of the LUN would depend on what the resolver returned.
 * IPv6 zone ids ("%eth0") are refused. So are addresses that cannot be a
 * TCP peer (iSCSI runs over unicast TCP, RFC 7143 §4.1): the unspecified
 * 0.0.0.0 and [::], the broadcast 255.255.255.255 (RFC 1122 §3.2.1.3),
 * multicast 224.0.0.0/4 (RFC 5771) and ff00::/8 (RFC 4291 §2.7), also when
 * written as IPv4-mapped IPv6 ([::ffff:a.b.c.d]).
 *
 * Return: 0 on success; -EINVAL (malformed, unspecified, broadcast or
 * multicast address), -ERANGE (port out of range), each with @ret_reason
 * set.
 */
int portal_parse(const char *s, Portal *ret, const char **ret_reason);

/**
 * portal_address_equal() - whether @address names the same host as @p
 * @p: a parsed portal
 * @address: an address as text (a node record's or sysfs' spelling; IPv6
 *           without brackets), may be NULL
 *
 * Compared as addresses (inet_pton(3)), not as text: records and sysfs may
 * spell one IPv6 address differently.
 *
 * Return: true if equal; false if not, or if @address is empty or not an
 * address of @p's family.
 */
bool portal_address_equal(const Portal *p, const char *address);

/**
 * portal_to_string() - "ADDR:PORT" as iscsiadm's -p wants it
 * @p: the portal
 * @buf: output buffer of PORTAL_STRING_MAX bytes
 *
 * IPv6 addresses are put in brackets: "[fd00::1]:3260".
 *
 * Return: @buf.
 */
char *portal_to_string(const Portal *p, char buf[static PORTAL_STRING_MAX]);
