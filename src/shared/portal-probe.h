/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * Does anything answer at a network portal? A TCP connect(2), nothing else:
 * no iSCSI PDU, no secret. The login helper asks before it runs iscsiadm
 * (a portal that does not answer would cost node.session.initial_login_
 * retry_max x login_timeout, about a minute, while the boot waits), and the
 * retry service asks before every new attempt, so an outage is watched
 * without a login, and without a journal line, every few seconds.
 */

#include <stddef.h>

#include "portal.h"
#include "timespan.h"

/* Long enough for SYN retransmits on a lossy link (1 s, then 3 s: RFC 6298
 * §2 and Linux's initial RTO), short next to a login's own timeout. */
#define PORTAL_PROBE_TIMEOUT (5 * USEC_PER_SEC)

/**
 * portal_probe_all() - connect to every portal at once, then close
 * @portals: the portals (TCP, RFC 7143 §4.1)
 * @n: how many
 * @timeout: longest wait for all of them together, µs
 * @ret_errors: per portal, 0 if it accepted the connection, else
 *              -ECONNREFUSED (host up, nothing listening), -ETIMEDOUT (no
 *              answer within @timeout), -EHOSTUNREACH or -ENETUNREACH (no
 *              route, ARP/ND failed), or another -errno of socket(2) or
 *              connect(2)
 *
 * The connections go out in parallel, from the default route (what
 * open-iscsi's "default" iface does); each is closed as soon as it is
 * established, so the target sees a connection that ends before a Login
 * Request (tgtd and LIO log it and carry on).
 *
 * Return: the number of portals that answered (0..@n); -EINVAL if @n is
 * 0 or more than PORTAL_PROBE_MAX.
 */
int portal_probe_all(const Portal *portals, size_t n, usec_t timeout, int *ret_errors);

#define PORTAL_PROBE_MAX 64

/**
 * portal_probe_error_string() - a short phrase for a probe's error
 * @error: a negative errno from portal_probe_all()
 * Return: "connection refused", "no answer", "no route to host", ... (static).
 */
const char *portal_probe_error_string(int error);
