/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "initrd.h"
#include "io-util.h"
#include "log.h"
#include "string-util.h"

int kernel_cmdline_has_root(void) {
        _cleanup_free_ char *buf = NULL;
        const char *line = getenv("SYSTEMD_PROC_CMDLINE");
        bool quoted = false, word_start = true;
        size_t size;
        int r;

        if (!line) {
                r = read_file_bounded("/proc/cmdline", 64 * 1024, &buf, &size);
                if (r < 0)
                        return r;
                line = buf;
        }
        for (const char *p = line; *p; p++) {
                if (*p == '"') {
                        quoted = !quoted;
                        continue;
                }
                if (!quoted && strchr(" \t\n", *p)) {
                        word_start = true;
                        continue;
                }
                if (word_start && startswith(p, "root="))
                        return 1;
                word_start = false;
        }
        return 0;
}

int compose_sysroot(UnitSet *s, const Target *t, const CredentialFile *target_file, const char *what) {
        _cleanup_free_ char *description = NULL, *login = target_login_unit(t);
        char span[TIMESPAN_STRING_MAX];
        UnitFile *u;
        int r;

        if (!login || asprintf(&description, "Root file system on iSCSI LUN %llu of %s (%s)",
                               (unsigned long long) t->lun, t->name ?: "a discovered target", t->alias) < 0)
                return log_oom();
        r = unit_file_create(s->dir, "sysroot.mount", &u);
        if (r < 0)
                return log_error_errno(r, "%s: cannot create sysroot.mount: %m", t->credential);
        r = compose_unit_head(u, t, description, target_file);
        if (r >= 0)
                r = compose_set(u, t, "Before", "initrd-root-fs.target");
        if (r >= 0)
                r = compose_set(u, t, "Requires", login);
        if (r >= 0)
                r = compose_set(u, t, "After", login);
        fputs("\n[Mount]\n", u->f);
        if (r >= 0)
                r = compose_set(u, t, "What", what);
        if (r >= 0)
                r = compose_set(u, t, "Where", "/sysroot");
        if (r >= 0 && t->fstype)
                r = compose_set(u, t, "Type", t->fstype);
        if (r >= 0 && t->options)
                r = compose_set(u, t, "Options", t->options);
        if (r >= 0 && t->mount_options.mount_timeout_set)
                r = compose_set(u, t, "TimeoutSec", timespan_format(t->mount_options.mount_timeout, span));
        r = compose_add_file(s, u, t, r);
        if (r < 0)
                return r;
        return compose_add_link(s, t, "initrd-root-fs.target", "requires", "sysroot.mount", "../sysroot.mount");
}
