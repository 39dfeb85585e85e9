/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chap.h"
#include "keyvalue.h"
#include "log.h"
#include "secret.h"
#include "string-util.h"

#define KEY_CHARS ALPHANUMERICAL "._[]-"

bool keyvalue_key_printable(const char *key) {
        return !isempty(key) && strlen(key) <= 64 && in_charset(key, KEY_CHARS);
}

void keyvalue_list_done(KeyValueList *l) {
        for (size_t i = 0; i < l->n_entries; i++) {
                free(l->entries[i].key);
                if (l->secret)
                        erase_and_free(l->entries[i].value);
                else
                        free(l->entries[i].value);
        }
        free(l->entries);
        l->entries = NULL;
        l->n_entries = 0;
}

static int keyvalue_append(KeyValueList *l, const char *key, const char *value, unsigned line) {
        KeyValue *n;

        n = realloc(l->entries, (l->n_entries + 1) * sizeof(KeyValue));
        if (!n)
                return -ENOMEM;
        l->entries = n;

        n[l->n_entries] = (KeyValue) {
                .key = strdup(key),
                .value = secret_strndup(value, strlen(value)),
                .line = line,
        };
        if (!n[l->n_entries].key || !n[l->n_entries].value) {
                free(n[l->n_entries].key);
                erase_and_free(n[l->n_entries].value);
                return -ENOMEM;
        }
        l->n_entries++;
        return 0;
}

/* How a message names the value of @key: a secrets credential names only the keys it knows
 * (chap_key_known()); any other text before '=' may be a secret typed on the wrong line. */
static const char *value_name(const char *key, bool secret, char buf[static 96]) {
        if (secret && !chap_key_known(key))
                return "Value (key not shown: this credential holds secrets)";
        snprintf(buf, 96, "Value of \"%s\"", key);
        return buf;
}

/* Parse one line (NUL-terminated, modified in place). Returns 0 for a
 * comment or blank line, 1 for an entry, <0 on error (already logged). */
static int parse_line(const char *credential, unsigned line, char *s, bool secret, KeyValueList *l) {
        char *eq, *key, *value, buf[96];
        const char *what;

        s = strstrip(s);
        if (s[0] == '\0' || s[0] == '#')
                return 0;

        eq = strchr(s, '=');
        if (!eq)
                return log_syntax(credential, line, LOG_ERR, EINVAL,
                                  "Line is not of the form \"key = value\"%s.",
                                  secret ? " (not shown: this credential holds secrets)" : "");
        *eq = '\0';
        key = strstrip(s);
        value = strstrip(eq + 1);

        if (isempty(key))
                return log_syntax(credential, line, LOG_ERR, EINVAL, "Empty key before '='.");
        if (!keyvalue_key_printable(key) && secret)
                return log_syntax(credential, line, LOG_ERR, EINVAL,
                                  "Malformed key (not shown: this credential holds secrets).");
        if (!keyvalue_key_printable(key))
                return log_syntax(credential, line, LOG_ERR, EINVAL,
                                  "Malformed key \"%s\": keys use only [A-Za-z0-9._[]-].", key);

        what = value_name(key, secret, buf);
        if (strchr(value, '\r'))
                return log_syntax(credential, line, LOG_ERR, EINVAL,
                                  "%s contains a carriage return (DOS line ending?); "
                                  "control characters are not allowed.", what);
        if (has_control_char(value))
                return log_syntax(credential, line, LOG_ERR, EINVAL,
                                  "%s contains a control character; "
                                  "they could inject lines into a node record or unit file.", what);
        if (isempty(value))
                return log_syntax(credential, line, LOG_ERR, EINVAL, "%s is empty.", what);
        if (strlen(value) > KEYVALUE_VALUE_MAX && secret)
                /* No length: it would tell something about a secret. */
                return log_syntax(credential, line, LOG_ERR, E2BIG, "%s is longer than open-iscsi's limit of %d bytes.",
                                  what, KEYVALUE_VALUE_MAX);
        if (strlen(value) > KEYVALUE_VALUE_MAX)
                return log_syntax(credential, line, LOG_ERR, E2BIG,
                                  "%s is %zu bytes, more than open-iscsi's limit of %d.",
                                  what, strlen(value), KEYVALUE_VALUE_MAX);

        if (keyvalue_append(l, key, value, line) < 0)
                return log_oom();
        return 1;
}

int keyvalue_parse(const char *credential, const char *data, size_t size, bool secret, KeyValueList *ret) {
        _cleanup_erase_free_ char *copy = NULL;
        unsigned line = 0;
        char *p, *end;
        int r = 0;

        *ret = (KeyValueList) { .secret = secret };

        /* A UTF-8 byte order mark (U+FEFF) that an editor put at the start is skipped, as
         * systemd's own parser of unit and configuration files does (src/shared/conf-parser.c,
         * UTF8_BYTE_ORDER_MARK of src/basic/utf8.h). */
        if (size >= strlen(UTF8_BYTE_ORDER_MARK) && memcmp(data, UTF8_BYTE_ORDER_MARK, strlen(UTF8_BYTE_ORDER_MARK)) == 0) {
                data += strlen(UTF8_BYTE_ORDER_MARK);
                size -= strlen(UTF8_BYTE_ORDER_MARK);
        }

        if (memchr(data, '\0', size))
                return log_syntax(credential, 0, LOG_ERR, EBADMSG,
                                  "Contains a NUL byte; credentials are UTF-8 text.");
        if (!utf8_is_valid_n(data, size))
                return log_syntax(credential, 0, LOG_ERR, EBADMSG,
                                  "Not valid UTF-8 text (RFC 3629).");

        copy = secret_strndup(data, size);
        if (!copy)
                return log_oom();

        for (p = copy; p < copy + size; p = end + 1) {
                int k;

                end = strchrnul(p, '\n');
                *end = '\0';
                line++;

                k = parse_line(credential, line, p, secret, ret);
                if (k == -ENOMEM)
                        return k;
                if (k < 0 && r == 0)
                        r = k;
                if (end >= copy + size)
                        break;
        }
        return r;
}
