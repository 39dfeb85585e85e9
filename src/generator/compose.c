/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include <errno.h>
#include <stdio.h>

#include "compose.h"
#include "log.h"

int compose_set(UnitFile *u, const Target *t, const char *key, const char *value) {
        const char *reason = "not representable";
        int r;

        r = unit_file_set(u, key, value);
        if (r == -ENOMEM)
                return log_oom();
        if (r < 0) {
                (void) unit_value_check(value, &reason);
                return log_syntax(t->credential, 0, LOG_ERR, r, "Cannot write %s= into a unit file: %s.", key,
                                  reason);
        }
        return 0;
}

int compose_unit_head(UnitFile *u, const Target *t, const char *description, const CredentialFile *target_file) {
        int r;

        fputs("[Unit]\n", u->f);
        r = compose_set(u, t, "Description", description);
        if (r >= 0)
                r = compose_set(u, t, "Documentation", "man:iscsi-creds-generator(8)");
        if (r >= 0)
                r = compose_set(u, t, "SourcePath", target_file->path);
        return r;
}

int compose_source_comment(UnitFile *u, const Target *t, const CredentialFile *c) {
        const char *reason = "not representable";
        int r;

        r = unit_file_comment(u, "Source", c->path);
        if (r == -ENOMEM)
                return log_oom();
        if (r < 0) {
                (void) unit_value_check(c->path, &reason);
                return log_syntax(t->credential, 0, LOG_ERR, r, "Cannot name the credential's path in a unit "
                                  "file: %s.", reason);
        }
        fputc('\n', u->f);
        return 0;
}

int compose_add_file(UnitSet *s, UnitFile *u, const Target *t, int r) {
        if (r < 0) {
                unit_file_discard(u);
                return r;
        }
        r = unit_set_add_file(s, u);
        return r < 0 ? log_error_errno(r, "%s: too many files for one target.", t->credential) : 0;
}

int compose_add_link(UnitSet *s, const Target *t, const char *dependent, const char *type, const char *unit,
                     const char *target_path) {
        int r = unit_set_add_link(s, dependent, type, unit, target_path);

        return r < 0 ? log_error_errno(r, "%s: cannot add the %s.%s link for %s: %m", t->credential, dependent,
                                       type, unit) : 0;
}
