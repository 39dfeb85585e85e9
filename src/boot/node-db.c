/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libopeniscsiusr.h>

#include "io-util.h"
#include "log.h"
#include "node-db.h"
#include "string-util.h"

int iscsi_error_to_errno(int rc) {
        switch (rc) {
        case LIBISCSI_OK:
                return 0;
        case LIBISCSI_ERR_NOMEM:
                return -ENOMEM;
        case LIBISCSI_ERR_SESS_NOT_FOUND:
                return -ENOENT;
        case LIBISCSI_ERR_ACCESS:
                return -EACCES;
        case LIBISCSI_ERR_INVAL:
                return -EINVAL;
        case LIBISCSI_ERR_IDBM:
                return -EBADMSG;
        case LIBISCSI_ERR_TRANS_NOT_FOUND:
                return -ENODEV;
        default:
                return -EIO;
        }
}

/* libopeniscsiusr's messages about node records may quote record lines,
 * and record lines hold secrets: drop them all, we report on our own. */
static void quiet_log(struct iscsi_context *ctx, int priority, const char *file, int line,
                      const char *func_name, const char *format, va_list args) {
        (void) ctx, (void) priority, (void) file, (void) line, (void) func_name, (void) format, (void) args;
}

static struct iscsi_context *context_new(void) {
        struct iscsi_context *ctx = iscsi_context_new();

        if (ctx)
                iscsi_context_log_func_set(ctx, quiet_log);
        return ctx;
}

static inline void iscsi_context_freep(struct iscsi_context **ctx) {
        if (*ctx)
                iscsi_context_free(*ctx);
}

/* Every record of the node DB; a record libopeniscsiusr cannot parse fails
 * the whole listing (-EBADMSG). */
static int nodes_get(struct iscsi_context **ret_ctx, struct iscsi_node ***ret_nodes, uint32_t *ret_n) {
        struct iscsi_context *ctx = context_new();
        int rc;

        if (!ctx)
                return -ENOMEM;
        rc = iscsi_nodes_get(ctx, ret_nodes, ret_n);
        if (rc != LIBISCSI_OK) {
                iscsi_context_free(ctx);
                return rc == LIBISCSI_ERR_NOMEM ? -ENOMEM : -EBADMSG;
        }
        *ret_ctx = ctx;
        return 0;
}

int node_db_check_record(const Target *t) {
        _cleanup_(iscsi_context_freep) struct iscsi_context *ctx = NULL;
        struct iscsi_node **nodes = NULL;
        uint32_t n = 0, matches = 0;
        int r;

        r = nodes_get(&ctx, &nodes, &n);
        if (r < 0)
                return r;

        for (uint32_t i = 0; i < n; i++) {
                struct iscsi_node *node = nodes[i];

                if (streq_ptr(iscsi_node_target_name_get(node), t->name) &&
                    portal_address_equal(&t->portal, iscsi_node_conn_address_get(node)) &&
                    iscsi_node_conn_port_get(node) == t->portal.port &&
                    iscsi_node_tpgt_get(node) == (int32_t) t->tpgt &&
                    streq_ptr(iscsi_node_iface_name_get(node), t->iface))
                        matches++;
        }
        iscsi_nodes_free(nodes, n);

        if (matches == 0)
                return -ENOENT;
        if (matches > 1)
                return -ENOTUNIQ;
        return 0;
}

int node_db_list(NodeRef **ret, size_t *ret_n) {
        _cleanup_(iscsi_context_freep) struct iscsi_context *ctx = NULL;
        struct iscsi_node **nodes = NULL;
        NodeRef *refs = NULL;
        uint32_t n = 0;
        size_t k = 0;
        int rc;

        rc = nodes_get(&ctx, &nodes, &n);
        if (rc < 0)
                return rc;

        if (n > 0) {
                refs = calloc(n, sizeof(NodeRef));
                if (!refs) {
                        iscsi_nodes_free(nodes, n);
                        return -ENOMEM;
                }
        }
        for (uint32_t i = 0; i < n; i++) {
                const char *name = iscsi_node_target_name_get(nodes[i]);
                const char *addr = iscsi_node_conn_address_get(nodes[i]);
                char text[PORTAL_STRING_MAX];
                const char *reason;
                NodeRef *r = &refs[k];

                if (isempty(name) || isempty(addr) || strlen(name) > ISCSI_NAME_MAX)
                        continue;
                /* Canonical form through the same parser as credentials. */
                snprintf(text, sizeof text, strchr(addr, ':') ? "[%s]:%u" : "%s:%u", addr,
                         iscsi_node_conn_port_get(nodes[i]));
                if (portal_parse(text, &r->portal, &reason) < 0)
                        continue;
                strcpy(r->name, name);
                snprintf(r->iface, sizeof r->iface, "%s", iscsi_node_iface_name_get(nodes[i]) ?: "default");
                r->tpgt = iscsi_node_tpgt_get(nodes[i]) < 0 ? 1 : (unsigned) iscsi_node_tpgt_get(nodes[i]);
                k++;
        }
        iscsi_nodes_free(nodes, n);
        *ret = refs;
        *ret_n = k;
        return 0;
}

int node_db_iface_transport(const char *iface, char **ret) {
        _cleanup_(iscsi_context_freep) struct iscsi_context *ctx = NULL;
        struct iscsi_iface *i = NULL;
        char *s;
        int rc;

        if (streq(iface, "default")) {
                s = strdup("tcp");
                if (!s)
                        return -ENOMEM;
                *ret = s;
                return 0;
        }

        ctx = context_new();
        if (!ctx)
                return -ENOMEM;
        rc = iscsi_iface_get(ctx, iface, &i);
        if (rc != LIBISCSI_OK)
                return rc == LIBISCSI_ERR_NOMEM ? -ENOMEM : -ENOENT;
        s = strdup(iscsi_iface_transport_name_get(i) ?: "tcp");
        iscsi_iface_free(i);
        if (!s)
                return -ENOMEM;
        *ret = s;
        return 0;
}
