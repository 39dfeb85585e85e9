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

const char *kvtext_value_problem(const char *value) {
        size_t n = strlen(value);

        if (n == 0)
                return "is empty";
        if (has_control_char(value))
                return "holds a control character (tab, newline, escape, ...)";
        if (value[0] == ' ' || value[n - 1] == ' ')
                return "starts or ends with a blank, which the credential parser and open-iscsi trim "
                       "(the login would send it without)";
        return NULL;
}

int kvtext_add(KvText *t, const char *key, const char *value) {
        int r;

        if (kvtext_value_problem(value))
                return -EINVAL;
        /* On failure nothing was added. */
        r = secret_buf_printf(t, "%s = %s\n", key, value);
        return r == -ENOMEM ? -ENOMEM : r < 0 ? -EINVAL : 0;
}

void kvtext_done(KvText *t) {
        secret_buf_done(t);
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
