/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include "chap.h"
#include "node-db.h"
#include "target.h"
#include "timespan.h"

/**
 * login_paths() - the (target, portal, TPGT, iface) paths to log in to
 * @t: the target
 * @secrets: its secrets (discovery.sendtargets.auth.* are used), or NULL
 * @deadline: CLOCK_MONOTONIC time (µs) by which discovery must be done
 * @ret: array of paths (iface: @t->iface); free()
 * @ret_n: number of paths, at least 1 on success
 *
 * Without "discovery =": the configured portals. With "discovery =
 * sendtargets": SendTargets discovery (RFC 7143 §13.3) at each portal
 * through a discovery record in the private node DB, the time left split
 * evenly over the portals not yet tried, so a dead first portal cannot use
 * up the time of the others (a share under a few seconds is not started); a
 * portal whose iscsiadm failed otherwise than by a wrong secret (connection
 * closed or refused, PDU timeout, other failures) is tried again within its
 * share, one that we had to stop is not. The announced records, filtered by
 * "target =" when set, with a valid iSCSI name and a 16-bit TPGT, are the
 * paths. The discovery records are removed again (they hold secrets).
 *
 * Before that, with the "default" iface, every discovery portal is probed
 * with a TCP connect (portal-probe.h); if none answers, nothing is run.
 *
 * Return: 0; -EHOSTUNREACH if no discovery portal answers a TCP connect;
 * -ENOENT if discovery announced no matching target; the first discovery
 * error if no portal answered; -ENOMEM.
 */
int login_paths(const Target *t, const ChapSecrets *secrets, usec_t deadline, NodeRef **ret, size_t *ret_n);

