/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cleanup.h"
#include "io-util.h"
#include "string-util.h"
#include "unit-writer.h"

int unit_value_escape(const char *s, char **ret) {
        size_t l = strlen(s);
        char *out, *t;

        if (has_control_char(s) || (l > 0 && s[l - 1] == '\\'))
                return -EINVAL;
        out = malloc(l * 2 + 1);
        if (!out)
                return -ENOMEM;
        t = out;
        for (; *s; s++) {
                if (*s == '%')
                        *t++ = '%';
                *t++ = *s;
        }
        *t = '\0';
        *ret = out;
        return 0;
}

static int mkdir_if_missing(const char *path) {
        if (mkdir(path, 0755) < 0 && errno != EEXIST)
                return -errno;
        return 0;
}

/* Units are composed in memory and written with one write(2) at close. */
static int unit_file_new(const char *path, UnitFile **ret) {
        UnitFile *u = calloc(1, sizeof(UnitFile));

        if (!u)
                return -ENOMEM;
        u->path = strdup(path);
        if (u->path)
                u->f = open_memstream(&u->buf, &u->size);
        if (!u->path || !u->f) {
                free(u->path);
                free(u);
                return -ENOMEM;
        }
        fputs(GENERATOR_HEADER, u->f);
        *ret = u;
        return 0;
}

int unit_file_create(const char *dir, const char *name, UnitFile **ret) {
        char path[PATH_MAX];

        if ((size_t) snprintf(path, sizeof path, "%s/%s", dir, name) >= sizeof path)
                return -ENAMETOOLONG;
        return unit_file_new(path, ret);
}

int unit_dropin_create(const char *dir, const char *unit, const char *name, UnitFile **ret) {
        char path[PATH_MAX];
        int r;

        if ((size_t) snprintf(path, sizeof path, "%s/%s.d", dir, unit) >= sizeof path)
                return -ENAMETOOLONG;
        r = mkdir_if_missing(path);
        if (r < 0)
                return r;
        if ((size_t) snprintf(path, sizeof path, "%s/%s.d/%s", dir, unit, name) >= sizeof path)
                return -ENAMETOOLONG;
        return unit_file_new(path, ret);
}

void unit_file_discard(UnitFile *u) {
        if (!u)
                return;
        fclose(u->f);
        free(u->buf);
        free(u->path);
        free(u);
}

int unit_file_close(UnitFile *u) {
        int fd, r = 0;

        if (!u)
                return 0;
        if (fclose(u->f) != 0)
                r = -ENOMEM;
        if (r == 0) {
                fd = open(u->path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0644);
                if (fd < 0)
                        r = -errno;
                else {
                        r = write_all(fd, u->buf, u->size);
                        if (close(fd) < 0 && r == 0)
                                r = -errno;
                        if (r < 0)
                                (void) unlink(u->path);
                }
        }
        free(u->buf);
        free(u->path);
        free(u);
        return r;
}

int unit_add_dependency_link(const char *dir, const char *dependent, const char *type, const char *unit,
                             const char *target_path) {
        char path[PATH_MAX], parent[PATH_MAX], existing[PATH_MAX];
        ssize_t n;
        int r;

        if ((size_t) snprintf(parent, sizeof parent, "%s/%s.%s", dir, dependent, type) >= sizeof parent ||
            (size_t) snprintf(path, sizeof path, "%s/%s", parent, unit) >= sizeof path)
                return -ENAMETOOLONG;

        /* The .wants/.requires directory is shared by all targets: link first, and make the
         * directory only when it is missing (one mkdir per directory, not per target). */
        r = symlink(target_path, path) >= 0 ? 0 : -errno;
        if (r == -ENOENT) {
                r = mkdir_if_missing(parent);
                if (r < 0)
                        return r;
                r = symlink(target_path, path) >= 0 ? 0 : -errno;
        }
        if (r == 0)
                return 0;
        if (r != -EEXIST)
                return r;

        /* The same link twice is fine; a different one is a conflict. */
        n = readlink(path, existing, sizeof existing - 1);
        if (n < 0)
                return -errno;
        existing[n] = '\0';
        return streq(existing, target_path) ? 0 : -EEXIST;
}
