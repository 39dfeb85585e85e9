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
        if (streq(key, "node.session.auth.username"))
                return &s->username;
        if (streq(key, "node.session.auth.password"))
                return &s->password;
        if (streq(key, "node.session.auth.username_in"))
                return &s->username_in;
        if (streq(key, "node.session.auth.password_in"))
                return &s->password_in;
        return NULL;
}

static unsigned line_of(const KeyValueList *kv, const char *key) {
        for (size_t i = 0; i < kv->n_entries; i++)
                if (streq(kv->entries[i].key, key))
                        return kv->entries[i].line;
        return 0;
}

static int check_pairs(const char *credential, const KeyValueList *kv, const ChapSecrets *s) {
        int r = 0;

        if (s->password && !s->username)
                r = log_syntax(credential, line_of(kv, "node.session.auth.password"), LOG_ERR, EINVAL,
                               "A password is set but no \"node.session.auth.username\".");
        if (s->username && !s->password)
                r = log_syntax(credential, line_of(kv, "node.session.auth.username"), LOG_ERR, EINVAL,
                               "A username is set but no \"node.session.auth.password\".");
        if (s->password_in && !s->username_in)
                r = log_syntax(credential, line_of(kv, "node.session.auth.password_in"), LOG_ERR, EINVAL,
                               "A password_in is set but no \"node.session.auth.username_in\".");
        if (s->username_in && !s->password_in)
                r = log_syntax(credential, line_of(kv, "node.session.auth.username_in"), LOG_ERR, EINVAL,
                               "A username_in is set but no \"node.session.auth.password_in\".");
        if ((s->username_in || s->password_in) && !s->password)
                r = log_syntax(credential, line_of(kv, s->username_in ? "node.session.auth.username_in" :
                                                                           "node.session.auth.password_in"),
                               LOG_ERR, EINVAL,
                               "Mutual CHAP (the \"_in\" keys) needs one-way CHAP too: the initiator "
                               "authenticates first (RFC 7143 §12.1.3).");
        if (s->password && s->password_in && secret_equal(s->password, s->password_in))
                r = log_syntax(credential, line_of(kv, "node.session.auth.password_in"), LOG_ERR, EINVAL,
                               "password_in equals password: the two directions of mutual CHAP must use "
                               "different secrets (RFC 7143 §12.1.3).");
        return r;
}

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
                        /* Echo only what looks like an open-iscsi key: anything else might be a
                         * secret typed on the wrong side of '='. */
                        if (startswith(e->key, "node.") || startswith(e->key, "discovery."))
                                k = log_syntax(credential, e->line, LOG_ERR, EINVAL, "Unknown key \"%s\".", e->key);
                        else
                                k = log_syntax(credential, e->line, LOG_ERR, EINVAL,
                                               "Unknown key (not shown: this credential holds secrets).");
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

        k = check_pairs(credential, kv, s);
        if (k < 0 && r == 0)
                r = k;
        if (r < 0)
                return r;

        warn_short(credential, kv, "node.session.auth.password", s->password);
        warn_short(credential, kv, "node.session.auth.password_in", s->password_in);

        *ret = TAKE_PTR(s);
        return 0;
}
