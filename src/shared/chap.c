/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "chap.h"
#include "log.h"
#include "secret.h"
#include "string-util.h"

void chap_secrets_free(ChapSecrets *s) {
        if (!s)
                return;
        erase_and_free(s->username);
        erase_and_free(s->password);
        erase_and_free(s->username_in);
        erase_and_free(s->password_in);
        erase_and_free(s->discovery_username);
        erase_and_free(s->discovery_password);
        erase_and_free(s->discovery_username_in);
        erase_and_free(s->discovery_password_in);
        erase_and_free(s);
}

bool chap_secrets_mutual(const ChapSecrets *s) {
        return s && s->username_in && s->password_in;
}

int chap_algs_check(const char *list, const char **ret_reason) {
        static const char *const algs[] = { "MD5", "SHA1", "SHA256", "SHA3-256" };
        bool used[ELEMENTSOF(algs)] = {};
        const char *p = list;

        for (;;) {
                size_t len = strcspn(p, ","), i;

                for (i = 0; i < ELEMENTSOF(algs); i++)
                        if (strlen(algs[i]) == len && strncmp(p, algs[i], len) == 0)
                                break;
                if (i >= ELEMENTSOF(algs)) {
                        *ret_reason = len == 0 ? "empty entry" : "unknown algorithm";
                        return -EINVAL;
                }
                if (used[i]) {
                        *ret_reason = "algorithm listed twice";
                        return -EINVAL;
                }
                used[i] = true;
                if (p[len] == '\0')
                        return 0;
                p += len + 1;
        }
}

static char **chap_field(ChapSecrets *s, const char *key) {
        const char *k;

        if ((k = startswith(key, "node.session.auth."))) {
                if (streq(k, "username"))
                        return &s->username;
                if (streq(k, "password"))
                        return &s->password;
                if (streq(k, "username_in"))
                        return &s->username_in;
                if (streq(k, "password_in"))
                        return &s->password_in;
        } else if ((k = startswith(key, "discovery.sendtargets.auth."))) {
                if (streq(k, "username"))
                        return &s->discovery_username;
                if (streq(k, "password"))
                        return &s->discovery_password;
                if (streq(k, "username_in"))
                        return &s->discovery_username_in;
                if (streq(k, "password_in"))
                        return &s->discovery_password_in;
        }
        return NULL;
}

bool chap_key_known(const char *key) {
        ChapSecrets probe = {};

        return key && chap_field(&probe, key);
}

static unsigned line_of(const KeyValueList *kv, const char *key) {
        for (size_t i = 0; i < kv->n_entries; i++)
                if (streq(kv->entries[i].key, key))
                        return kv->entries[i].line;
        return 0;
}

/* The rules for one set of keys: PREFIX{username,password,username_in,password_in}. */
static int check_pairs(const char *credential, const KeyValueList *kv, const char *prefix, const char *u,
                       const char *p, const char *u_in, const char *p_in) {
        char key[96], key2[96];
        int r = 0;

#define KEY(buf, name) (snprintf(buf, sizeof buf, "%s%s", prefix, name), buf)
        if (p && !u)
                r = log_syntax(credential, line_of(kv, KEY(key, "password")), LOG_ERR, EINVAL,
                               "A password is set but no \"%s\".", KEY(key2, "username"));
        if (u && !p)
                r = log_syntax(credential, line_of(kv, KEY(key, "username")), LOG_ERR, EINVAL,
                               "A username is set but no \"%s\".", KEY(key2, "password"));
        if (p_in && !u_in)
                r = log_syntax(credential, line_of(kv, KEY(key, "password_in")), LOG_ERR, EINVAL,
                               "A password_in is set but no \"%s\".", KEY(key2, "username_in"));
        if (u_in && !p_in)
                r = log_syntax(credential, line_of(kv, KEY(key, "username_in")), LOG_ERR, EINVAL,
                               "A username_in is set but no \"%s\".", KEY(key2, "password_in"));
        if ((u_in || p_in) && !p)
                r = log_syntax(credential, line_of(kv, KEY(key, u_in ? "username_in" : "password_in")), LOG_ERR,
                               EINVAL,
                               "Mutual CHAP (the \"_in\" keys) needs one-way CHAP too: the initiator "
                               "authenticates first (RFC 7143 §12.1.3).");
        if (p && p_in && secret_equal(p, p_in))
                r = log_syntax(credential, line_of(kv, KEY(key, "password_in")), LOG_ERR, EINVAL,
                               "password_in equals password: the two directions of mutual CHAP must use "
                               "different secrets (RFC 7143 §12.1.3).");
#undef KEY
        return r;
}

/* Names the key and the recommended minimum only: never the secret's own length. */
static void warn_short(const char *credential, const KeyValueList *kv, const char *key, const char *secret) {
        if (secret && strlen(secret) < CHAP_SECRET_RECOMMENDED_MIN)
                log_syntax(credential, line_of(kv, key), LOG_WARNING, 0,
                           "The secret in \"%s\" is shorter than %d bytes; RFC 7143 §12.1.3 asks for at "
                           "least 96 random bits (\"iscsi-creds gen-secret\" makes one).",
                           key, CHAP_SECRET_RECOMMENDED_MIN);
}

int chap_secrets_from_keyvalues(const char *credential, const KeyValueList *kv, ChapSecrets **ret) {
        _cleanup_(chap_secrets_freep) ChapSecrets *s = NULL;
        int r = 0, k;

        s = calloc(1, sizeof(ChapSecrets));
        if (!s)
                return log_oom();

        for (size_t i = 0; i < kv->n_entries; i++) {
                const KeyValue *e = &kv->entries[i];
                char **field = chap_field(s, e->key);

                if (!field) {
                        /* Never echo an unknown key, not even one that looks like an open-iscsi
                         * key: it might be a secret typed on the wrong side of '='. */
                        k = log_syntax(credential, e->line, LOG_ERR, EINVAL,
                                       "Unknown key (not shown: this credential holds secrets); expected "
                                       "node.session.auth.* or discovery.sendtargets.auth.* "
                                       "username, password, username_in, password_in.");
                        if (r == 0)
                                r = k;
                        continue;
                }
                if (*field) {
                        k = log_syntax(credential, e->line, LOG_ERR, EINVAL,
                                       "Duplicate key \"%s\", first set on line %u.", e->key, line_of(kv, e->key));
                        if (r == 0)
                                r = k;
                        continue;
                }
                *field = strdup(e->value);
                if (!*field)
                        return log_oom();
        }

        k = check_pairs(credential, kv, "node.session.auth.", s->username, s->password, s->username_in,
                        s->password_in);
        if (k < 0 && r == 0)
                r = k;
        k = check_pairs(credential, kv, "discovery.sendtargets.auth.", s->discovery_username,
                        s->discovery_password, s->discovery_username_in, s->discovery_password_in);
        if (k < 0 && r == 0)
                r = k;
        if (r < 0)
                return r;

        warn_short(credential, kv, "node.session.auth.password", s->password);
        warn_short(credential, kv, "node.session.auth.password_in", s->password_in);
        warn_short(credential, kv, "discovery.sendtargets.auth.password", s->discovery_password);
        warn_short(credential, kv, "discovery.sendtargets.auth.password_in", s->discovery_password_in);

        *ret = TAKE_PTR(s);
        return 0;
}
