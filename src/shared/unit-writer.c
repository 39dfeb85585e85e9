/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cleanup.h"
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

static int create_at(const char *path, FILE **ret) {
        int fd;
        FILE *f;

        fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0644);
        if (fd < 0)
                return -errno;
        f = fdopen(fd, "we");
        if (!f) {
                int r = -errno;
                close(fd);
                return r;
        }
        fputs(GENERATOR_HEADER, f);
        *ret = f;
        return 0;
}

int unit_file_create(const char *dir, const char *name, FILE **ret) {
        char path[PATH_MAX];

        if ((size_t) snprintf(path, sizeof path, "%s/%s", dir, name) >= sizeof path)
                return -ENAMETOOLONG;
        return create_at(path, ret);
}

int unit_dropin_create(const char *dir, const char *unit, const char *name, FILE **ret) {
        char path[PATH_MAX];
        int r;

        if ((size_t) snprintf(path, sizeof path, "%s/%s.d", dir, unit) >= sizeof path)
                return -ENAMETOOLONG;
        r = mkdir_if_missing(path);
        if (r < 0)
                return r;
        if ((size_t) snprintf(path, sizeof path, "%s/%s.d/%s", dir, unit, name) >= sizeof path)
                return -ENAMETOOLONG;
        return create_at(path, ret);
}

int unit_file_close(FILE *f) {
        int r = 0;

        if (fflush(f) != 0 || ferror(f))
                r = errno > 0 ? -errno : -EIO;
        if (fclose(f) != 0 && r == 0)
                r = -errno;
        return r;
}

int unit_add_dependency_link(const char *dir, const char *dependent, const char *type, const char *unit,
                             const char *target_path) {
        char path[PATH_MAX], existing[PATH_MAX];
        ssize_t n;
        int r;

        if ((size_t) snprintf(path, sizeof path, "%s/%s.%s", dir, dependent, type) >= sizeof path)
                return -ENAMETOOLONG;
        r = mkdir_if_missing(path);
        if (r < 0)
                return r;
        if ((size_t) snprintf(path, sizeof path, "%s/%s.%s/%s", dir, dependent, type, unit) >= sizeof path)
                return -ENAMETOOLONG;

        if (symlink(target_path, path) >= 0)
                return 0;
        if (errno != EEXIST)
                return -errno;

        /* The same link twice is fine; a different one is a conflict. */
        n = readlink(path, existing, sizeof existing - 1);
        if (n < 0)
                return -errno;
        existing[n] = '\0';
        return streq(existing, target_path) ? 0 : -EEXIST;
}
