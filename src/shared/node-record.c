/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "io-util.h"
#include "node-record.h"
#include "secret.h"
#include "string-util.h"

/* The record being built: a wiped buffer (it holds secrets) and the first error. */
typedef struct Text {
        SecretBuf buf;
        int error;
} Text;

static void text_add(Text *t, const char *key, const char *value) {
        if (t->error || !value)
                return;
        /* "key = value\n": open-iscsi needs the blank before '='. */
        t->error = secret_buf_printf(&t->buf, "%s = %s\n", key, value);
}

static void text_add_uint(Text *t, const char *key, unsigned long long v) {
        char buf[32];

        snprintf(buf, sizeof buf, "%llu", v);
        text_add(t, key, buf);
}

static void text_begin(Text *t) {
        /* Lines starting with '#' are comments to open-iscsi. */
        t->error = secret_buf_append_str(&t->buf, "# BEGIN RECORD\n"
                                         "# Written by iscsi-creds; exists only in the login unit's private tmpfs.\n");
}

/* Terminate the record and hand it out, or fail with the first error. */
static int text_end(Text *t, char **ret) {
        if (!t->error)
                t->error = secret_buf_append_str(&t->buf, "# END RECORD\n");
        if (t->error) {
                secret_buf_done(&t->buf);
                return t->error;
        }
        *ret = secret_buf_steal(&t->buf);
        return *ret ? 0 : -ENOMEM;
}

int node_record_render(const Target *t, const ChapSecrets *s, const char *transport, char **ret) {
        Text text = {};
        bool chap = s && s->password;

        text_begin(&text);

        text_add(&text, "node.name", t->name);
        text_add_uint(&text, "node.tpgt", t->tpgt);
        text_add(&text, "node.startup", "manual");
        text_add(&text, "node.leading_login", "No");
        text_add(&text, "iface.iscsi_ifacename", t->iface);
        text_add(&text, "iface.transport_name", transport);
        text_add(&text, "iface.initiatorname", t->initiator);
        text_add_uint(&text, "node.session.initial_login_retry_max",
                      t->login_retry_max >= 0 ? (unsigned) t->login_retry_max : NODE_INITIAL_LOGIN_RETRY_MAX);
        text_add(&text, "node.session.scan", t->scan_auto ? "auto" : "manual");
        text_add(&text, "node.session.auth.authmethod", chap ? "CHAP" : "None");
        if (chap) {
                text_add(&text, "node.session.auth.username", s->username);
                text_add(&text, "node.session.auth.password", s->password);
                text_add(&text, "node.session.auth.username_in", s->username_in);
                text_add(&text, "node.session.auth.password_in", s->password_in);
        }
        text_add(&text, "node.session.auth.chap_algs", t->chap_algs);
        text_add_uint(&text, "node.session.timeo.replacement_timeout",
                      t->replacement_timeout >= 0 ? (unsigned) t->replacement_timeout : NODE_REPLACEMENT_TIMEOUT_SEC);
        text_add(&text, "node.conn[0].address", t->portal.address);
        text_add_uint(&text, "node.conn[0].port", t->portal.port);
        text_add(&text, "node.conn[0].startup", "manual");
        text_add_uint(&text, "node.conn[0].timeo.login_timeout",
                      t->login_timeout >= 0 ? (unsigned) t->login_timeout : NODE_LOGIN_TIMEOUT_SEC);

        return text_end(&text, ret);
}

int node_record_path(const char *db_root, const Target *t, char **ret_dir, char **ret_file) {
        char *dir, *file;

        /* The address is stored as open-iscsi does: IPv6 without brackets. */
        if (asprintf(&dir, "%s/nodes/%s/%s,%u,%u", db_root, t->name, t->portal.address, t->portal.port, t->tpgt) < 0)
                return -ENOMEM;
        if (asprintf(&file, "%s/%s", dir, t->iface) < 0) {
                free(dir);
                return -ENOMEM;
        }
        *ret_dir = dir;
        *ret_file = file;
        return 0;
}

int node_record_write(const char *db_root, const Target *t, const char *record) {
        _cleanup_free_ char *dir = NULL, *file = NULL;
        int r;

        r = node_record_path(db_root, t, &dir, &file);
        if (r < 0)
                return r;
        return write_private_file(dir, t->iface, record);
}

int discovery_record_render(const Portal *portal, const ChapSecrets *s, char **ret) {
        Text text = {};
        bool chap = s && s->discovery_password;

        text_begin(&text);

        text_add(&text, "discovery.startup", "manual");
        text_add(&text, "discovery.type", "sendtargets");
        text_add(&text, "discovery.sendtargets.address", portal->address);
        text_add_uint(&text, "discovery.sendtargets.port", portal->port);
        text_add(&text, "discovery.sendtargets.auth.authmethod", chap ? "CHAP" : "None");
        if (chap) {
                text_add(&text, "discovery.sendtargets.auth.username", s->discovery_username);
                text_add(&text, "discovery.sendtargets.auth.password", s->discovery_password);
                text_add(&text, "discovery.sendtargets.auth.username_in", s->discovery_username_in);
                text_add(&text, "discovery.sendtargets.auth.password_in", s->discovery_password_in);
        }
        text_add_uint(&text, "discovery.sendtargets.timeo.login_timeout", NODE_LOGIN_TIMEOUT_SEC);
        text_add(&text, "discovery.sendtargets.use_discoveryd", "No");
        text_add_uint(&text, "discovery.sendtargets.reopen_max", 5);
        text_add_uint(&text, "discovery.sendtargets.timeo.auth_timeout", 45);
        text_add_uint(&text, "discovery.sendtargets.timeo.active_timeout", 30);
        text_add_uint(&text, "discovery.sendtargets.iscsi.MaxRecvDataSegmentLength", 32768);
        return text_end(&text, ret);
}

int discovery_record_write(const char *db_root, const Portal *portal, const char *record) {
        _cleanup_free_ char *dir = NULL;

        if (asprintf(&dir, "%s/send_targets/%s,%u", db_root, portal->address, portal->port) < 0)
                return -ENOMEM;
        return write_private_file(dir, "st_config", record);
}
