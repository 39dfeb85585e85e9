/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "keyvalue.h"
#include "kvtext.h"
#include "log.h"
#include "secret.h"
#include "string-util.h"

int kvtext_add(KvText *t, const char *key, const char *value) {
        size_t kl = strlen(key), vl = strlen(value), n = t->size + kl + 3 + vl + 1;
        char *d;

        if (vl == 0 || has_control_char(value))
                return -EINVAL;
        /* Grow by copy so the old block can be wiped. */
        d = malloc(n + 1);
        if (!d)
                return -ENOMEM;
        if (t->data)
                memcpy(d, t->data, t->size);
        memcpy(d + t->size, key, kl);
        memcpy(d + t->size + kl, " = ", 3);
        memcpy(d + t->size + kl + 3, value, vl);
        d[n - 1] = '\n';
        d[n] = '\0';
        erase_and_free(t->data);
        t->data = d;
        t->size = n;
        return 0;
}

void kvtext_done(KvText *t) {
        t->data = erase_and_free(t->data);
        t->size = 0;
}

int kvtext_to_target(const KvText *t, const char *alias, Target **ret) {
        _cleanup_(target_freep) Target *target = NULL;
        _cleanup_free_ char *name = NULL;
        KeyValueList kv = {};
        int r;

        if (asprintf(&name, TARGET_CREDENTIAL_PREFIX "%s", alias) < 0)
                return log_oom();
        r = keyvalue_parse(name, t->data ?: "", t->size, false, &kv);
        if (r >= 0)
                r = target_from_keyvalues(alias, &kv, &target);
        keyvalue_list_done(&kv);
        if (r < 0)
                return r;
        if (ret)
                *ret = TAKE_PTR(target);
        return 0;
}

int kvtext_to_chap(const KvText *t, const char *credential, ChapSecrets **ret) {
        _cleanup_(chap_secrets_freep) ChapSecrets *s = NULL;
        KeyValueList kv = {};
        int r;

        r = keyvalue_parse(credential, t->data ?: "", t->size, true, &kv);
        if (r >= 0)
                r = chap_secrets_from_keyvalues(credential, &kv, &s);
        keyvalue_list_done(&kv);
        if (r < 0)
                return r;
        if (ret)
                *ret = TAKE_PTR(s);
        return 0;
}
