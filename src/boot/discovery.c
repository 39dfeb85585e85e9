/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "discovery.h"
#include "iscsi-name.h"
#include "iscsiadm.h"
#include "log.h"
#include "node-record.h"
#include "portal-probe.h"
#include "secret.h"
#include "string-util.h"

/* Pause between two tries at one portal. */
#define DISCOVERY_RETRY_PAUSE (1 * USEC_PER_SEC)
/* A try needs at least this much time to be worth starting. */
#define DISCOVERY_MIN_TRY (3 * USEC_PER_SEC)

static int configured_paths(const Target *t, NodeRef **ret, size_t *ret_n) {
        NodeRef *refs = calloc(t->n_portals, sizeof(NodeRef));

        if (!refs)
                return log_oom();
        for (size_t i = 0; i < t->n_portals; i++) {
                snprintf(refs[i].name, sizeof refs[i].name, "%s", t->name);
                refs[i].portal = t->portals[i];
                refs[i].tpgt = t->tpgt;
                snprintf(refs[i].iface, sizeof refs[i].iface, "%s", t->iface);
        }
        *ret = refs;
        *ret_n = t->n_portals;
        return 0;
}

/* SendTargets at one portal within @budget. A target may drop a discovery
 * session now and then (seen with LIO and three concurrent discoveries:
 * "Connection to Discovery Address closed", PDU timeout): try again within
 * the budget, but not after a wrong secret or after we had to stop iscsiadm. */
static int discover_portal(const Target *d, bool mutual, usec_t budget) {
        usec_t end = now_usec(CLOCK_MONOTONIC) + budget;
        int r;

        for (unsigned attempt = 1;; attempt++) {
                usec_t now = now_usec(CLOCK_MONOTONIC);

                r = iscsiadm_discover(d, mutual, end > now ? end - now : 0);
                if (r >= 0 || (r != -ETIMEDOUT && r != -EHOSTUNREACH && r != -EIO))
                        return r;
                now = now_usec(CLOCK_MONOTONIC);
                if (now + DISCOVERY_RETRY_PAUSE + DISCOVERY_MIN_TRY > end)
                        return r;
                log_notice("%s: trying SendTargets discovery at %s:%u again (attempt %u).", d->credential,
                           d->portal.address, d->portal.port, attempt + 1);
                (void) usleep(DISCOVERY_RETRY_PAUSE);
        }
}

/* The discovery record holds the discovery secrets: gone once it was used. */
static void remove_discovery_record(const Portal *p) {
        _cleanup_free_ char *file = NULL;

        if (asprintf(&file, NODE_DB_ROOT "/send_targets/%s,%u/st_config", p->address, p->port) >= 0)
                (void) unlink(file);
}

static int discover_all(const Target *t, const ChapSecrets *secrets, usec_t deadline) {
        bool mutual = secrets && secrets->discovery_username_in;
        size_t n_ok = 0;
        int r, first_error = 0;

        for (size_t i = 0; i < t->n_portals; i++) {
                _cleanup_erase_free_ char *record = NULL;
                usec_t now = now_usec(CLOCK_MONOTONIC);
                Target d = *t;

                d.portal = t->portals[i];
                r = discovery_record_render(&d.portal, secrets, &record);
                if (r < 0)
                        return log_oom();
                r = discovery_record_write(NODE_DB_ROOT, &d.portal, record);
                if (r < 0)
                        return log_error_errno(r, "%s: failed to write the discovery record under %s/send_targets: %m",
                                               t->credential, NODE_DB_ROOT);
                /* An even share of what is left for each portal not yet tried; none started
                 * that could only be stopped half-way. */
                usec_t share = deadline > now ? (deadline - now) / (t->n_portals - i) : 0;
                if (share < DISCOVERY_MIN_TRY)
                        r = log_error_errno(ETIME, "%s: no time left for SendTargets discovery at %s:%u.",
                                            t->credential, d.portal.address, d.portal.port);
                else
                        r = discover_portal(&d, mutual, share);
                remove_discovery_record(&d.portal);
                if (r < 0) {
                        if (first_error == 0)
                                first_error = r;
                        continue;
                }
                n_ok++;
        }
        return n_ok > 0 ? 0 : first_error;
}

/* No discovery portal answering TCP (portal-probe.h): fail now rather than
 * after every portal's share of the discovery time. With some answering,
 * discover_all() tries them all (a dead one fails its share quickly). */
static int probe_discovery_portals(const Target *t) {
        int errors[PORTALS_MAX], n;

        if (!streq(t->iface, "default"))
                return 0;
        n = portal_probe_all(t->portals, t->n_portals, PORTAL_PROBE_TIMEOUT, errors);
        if (n != 0)
                return 0;
        for (size_t i = 0; i < t->n_portals; i++)
                log_internal(LOG_ERR, errors[i], MESSAGE_ID_TARGET_UNREACHABLE,
                             "%s: discovery portal %s:%u does not answer (%s within %llu s).", t->credential,
                             t->portals[i].address, t->portals[i].port, portal_probe_error_string(errors[i]),
                             (unsigned long long) (PORTAL_PROBE_TIMEOUT / USEC_PER_SEC));
        return -EHOSTUNREACH;
}

int login_paths(const Target *t, const ChapSecrets *secrets, usec_t deadline, NodeRef **ret, size_t *ret_n) {
        _cleanup_free_ NodeRef *refs = NULL;
        size_t n = 0, k = 0;
        int r;

        if (!t->discovery)
                return configured_paths(t, ret, ret_n);

        r = probe_discovery_portals(t);
        if (r < 0)
                return r;
        r = discover_all(t, secrets, deadline);
        if (r < 0)
                return r;
        r = node_db_list(&refs, &n);
        if (r < 0)
                return log_error_errno(r, "%s: cannot list what discovery found: %m", t->credential);
        for (size_t i = 0; i < n; i++) {
                const char *reason;
                bool seen = false;

                if (t->name && !streq(refs[i].name, t->name))
                        continue;
                /* The name comes from the target: it becomes part of paths and udev rules,
                 * so it must be an iSCSI name like any configured one (RFC 7143 §4.2.7). */
                if (refs[i].tpgt > TPGT_MAX) {
                        log_warning("%s: ignoring %s at %s:%u: TPGT %u is not a 16-bit value (RFC 7143 §13.9).",
                                    t->credential, refs[i].name, refs[i].portal.address, refs[i].portal.port,
                                    refs[i].tpgt);
                        continue;
                }
                if (iscsi_name_check(refs[i].name, &reason) < 0) {
                        log_warning("%s: ignoring a discovered target whose name is not a valid iSCSI name (%s).",
                                    t->credential, reason);
                        continue;
                }
                /* One record per iface may exist for a path: the path counts once. */
                for (size_t j = 0; j < k && !seen; j++)
                        seen = streq(refs[j].name, refs[i].name) && refs[j].tpgt == refs[i].tpgt &&
                               refs[j].portal.port == refs[i].portal.port &&
                               streq(refs[j].portal.address, refs[i].portal.address);
                if (seen)
                        continue;
                log_info("%s: discovered %s at %s:%u,%u.", t->credential, refs[i].name, refs[i].portal.address,
                         refs[i].portal.port, refs[i].tpgt);
                refs[k] = refs[i];
                /* We log in through the configured iface, whatever discovery wrote. */
                snprintf(refs[k].iface, sizeof refs[k].iface, "%s", t->iface);
                k++;
        }
        if (k == 0)
                return log_error_errno(ENOENT, "%s: SendTargets discovery found %s.", t->credential,
                                       t->name ? "no portal of this target" : "no target");
        *ret = TAKE_PTR(refs);
        *ret_n = k;
        return 0;
}
