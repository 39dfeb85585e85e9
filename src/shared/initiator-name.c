/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "initiator-name.h"
#include "iscsi-name.h"
#include "keyvalue.h"
#include "log.h"
#include "string-util.h"

/* Each line checked as keyvalue_parse() checks a credential (NUL, UTF-8, control characters), but
 * naming the line, and never quoting it when it breaks one of those rules. */
static int check_lines(const char *credential, const char *data, size_t size) {
        unsigned line = 0;

        for (const char *p = data, *end = data + size; p < end;) {
                const char *nl = memchr(p, '\n', (size_t) (end - p));
                size_t len = (size_t) ((nl ? nl : end) - p);

                line++;
                if (memchr(p, '\0', len))
                        return log_syntax(credential, line, LOG_ERR, EINVAL,
                                          "Contains a NUL byte; credentials are UTF-8 text.");
                if (!utf8_is_valid_n(p, len))
                        return log_syntax(credential, line, LOG_ERR, EINVAL, "Not valid UTF-8 text (RFC 3629).");
                for (size_t i = 0; i < len; i++)
                        if ((unsigned char) p[i] < ' ' || p[i] == 0x7f)
                                return log_syntax(credential, line, LOG_ERR, EINVAL,
                                                  "Contains a control character%s; not shown.",
                                                  p[i] == '\r' ? " (a DOS line ending?)" : "");
                p = nl ? nl + 1 : end;
        }
        return 0;
}

/* The bare form: one name, possibly with comments and blank lines around it. */
static int initiator_bare_parse(const char *credential, const char *data, size_t size, char **ret,
                                unsigned *ret_line) {
        _cleanup_free_ char *text = strndup(data, size), *name = NULL;
        unsigned line = 0;
        char *p, *nl;

        if (!text)
                return log_oom();
        for (p = text; p; p = nl ? nl + 1 : NULL) {
                char *l;

                nl = strchr(p, '\n');
                if (nl)
                        *nl = '\0';
                line++;
                l = strstrip(p);
                if (isempty(l) || l[0] == '#')
                        continue;
                if (name)
                        return log_syntax(credential, line, LOG_ERR, EINVAL, "More than one initiator name.");
                name = strdup(l);
                if (!name)
                        return log_oom();
                *ret_line = line;
        }
        *ret = TAKE_PTR(name);
        return 0;
}

int initiator_name_parse(const char *credential, const char *data, size_t size, char **ret) {
        KeyValueList kv;
        _cleanup_free_ char *copy = NULL;
        const char *name = NULL, *reason;
        unsigned line = 0;
        int r;

        /* Before anything else: strndup() would stop at a NUL, and nothing below may quote a raw byte. */
        r = check_lines(credential, data, size);
        if (r < 0)
                return r;

        if (memchr(data, '=', size)) {
                r = keyvalue_parse(credential, data, size, false, &kv);
                if (r >= 0) {
                        for (size_t i = 0; i < kv.n_entries; i++) {
                                if ((!streq(kv.entries[i].key, "InitiatorName") && !streq(kv.entries[i].key, "initiator")) ||
                                    name) {
                                        r = log_syntax(credential, kv.entries[i].line, LOG_ERR, EINVAL,
                                                       "Expected one \"InitiatorName=NAME\" line and nothing else.");
                                        break;
                                }
                                name = kv.entries[i].value;
                                line = kv.entries[i].line;
                        }
                        if (r >= 0 && name && !(copy = strdup(name)))
                                r = -ENOMEM;
                }
                keyvalue_list_done(&kv);
        } else
                r = initiator_bare_parse(credential, data, size, &copy, &line);
        if (r < 0)      /* keyvalue_parse() says -EBADMSG for invalid UTF-8; to callers every broken rule is -EINVAL */
                return r == -ENOMEM ? r : -EINVAL;

        if (!copy)
                return log_syntax(credential, 0, LOG_ERR, EINVAL, "No initiator name found.");
        if (iscsi_name_check(copy, &reason) < 0)
                return log_syntax(credential, line, LOG_ERR, EINVAL, "Invalid initiator name \"%s\": %s.", copy,
                                  reason);
        *ret = TAKE_PTR(copy);
        return 0;
}
