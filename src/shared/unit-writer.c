/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cleanup.h"
#include "io-util.h"
#include "string-util.h"
#include "unit-writer.h"

int unit_value_check(const char *s, const char **ret_reason) {
        size_t l = strlen(s);

        if (has_control_char(s)) {
                *ret_reason = "a control character cannot be written to a unit file";
                return -EINVAL;
        }
        if (l > 0 && s[l - 1] == '\\') {
                *ret_reason = "a trailing backslash would continue the line in a unit file (systemd.syntax(7))";
                return -EINVAL;
        }
        if (l > 0 && (s[0] == ' ' || s[l - 1] == ' ')) {
                *ret_reason = "a blank at either end would be stripped from a unit file value (systemd.syntax(7))";
                return -EINVAL;
        }
        return 0;
}

int unit_value_escape(const char *s, char **ret) {
        const char *reason;
        char *out, *t;

        if (unit_value_check(s, &reason) < 0)
                return -EINVAL;
        out = malloc(strlen(s) * 2 + 1);
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

/* The generator output directory, opened once (O_PATH): every file, link and directory below it is
 * made relative to it (openat(2), mkdirat(2), symlinkat(2)), so the kernel does not walk the
 * directory's own path again in each of the ~16 calls per target. One entry: a generator writes
 * into one directory at a time. */
static struct {
        char path[PATH_MAX];
        size_t len;
        int fd;
} out_dir = { .fd = -1 };

/* The fd to use with the name at *@path, which is made relative to it when @path lies below the
 * cached directory @root (@root is how @path starts); AT_FDCWD and @path as is otherwise. */
static int at_root(const char *root, const char **path) {
        size_t len = strlen(root);

        if (len == 0 || len >= sizeof out_dir.path || strncmp(*path, root, len) != 0 || (*path)[len] != '/')
                return AT_FDCWD;
        if (out_dir.fd < 0 || out_dir.len != len || memcmp(out_dir.path, root, len) != 0) {
                int fd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);

                if (fd < 0)
                        return AT_FDCWD;
                if (out_dir.fd >= 0)
                        close(out_dir.fd);
                memcpy(out_dir.path, root, len + 1);
                out_dir.len = len;
                out_dir.fd = fd;
        }
        *path += len + 1;
        return out_dir.fd;
}

static int mkdir_if_missing(const char *root, const char *path, bool *ret_made) {
        int dfd = at_root(root, &path);

        if (mkdirat(dfd, path, 0755) >= 0) {
                if (ret_made)
                        *ret_made = true;
                return 0;
        }
        return errno == EEXIST ? 0 : -errno;
}

/* Units are composed in memory and written with one write(2) at close. */
static int unit_file_new(const char *root, const char *path, const char *dir, UnitFile **ret) {
        UnitFile *u = calloc(1, sizeof(UnitFile));

        if (!u)
                return -ENOMEM;
        u->root = strdup(root);
        u->path = strdup(path);
        u->dir = dir ? strdup(dir) : NULL;
        if (u->root && u->path && (!dir || u->dir))
                u->f = open_memstream(&u->buf, &u->size);
        if (!u->f) {
                free(u->root);
                free(u->path);
                free(u->dir);
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
        return unit_file_new(dir, path, NULL, ret);
}

int unit_dropin_create(const char *dir, const char *unit, const char *name, UnitFile **ret) {
        char path[PATH_MAX], d[PATH_MAX];

        if ((size_t) snprintf(d, sizeof d, "%s/%s.d", dir, unit) >= sizeof d ||
            (size_t) snprintf(path, sizeof path, "%s/%s", d, name) >= sizeof path)
                return -ENAMETOOLONG;
        return unit_file_new(dir, path, d, ret);
}

static int unit_file_record(UnitFile *u, int r) {
        if (r < 0 && u->error == 0)
                u->error = r;
        return r;
}

int unit_file_set(UnitFile *u, const char *key, const char *value) {
        _cleanup_free_ char *e = NULL;
        int r;

        r = unit_value_escape(value, &e);
        if (r < 0)
                return unit_file_record(u, r);
        fprintf(u->f, "%s=%s\n", key, e);
        return 0;
}

int unit_file_comment(UnitFile *u, const char *label, const char *value) {
        _cleanup_free_ char *e = NULL;
        int r;

        r = unit_value_escape(value, &e);
        if (r < 0)
                return unit_file_record(u, r);
        fprintf(u->f, "# %s: %s\n", label, e);
        return 0;
}

static void unit_file_free(UnitFile *u) {
        if (!u)
                return;
        if (u->f)
                fclose(u->f);
        free(u->buf);
        free(u->root);
        free(u->path);
        free(u->dir);
        free(u);
}

void unit_file_discard(UnitFile *u) {
        unit_file_free(u);
}

/* Write @u to disk; does not free it. *ret_made_dir tells whether its directory was made here. */
static int unit_file_write(UnitFile *u, bool *ret_made_dir) {
        const char *name = u->path;
        int dfd, fd, r;

        if (u->error < 0)
                return u->error;
        if (fflush(u->f) != 0 || ferror(u->f))
                return -ENOMEM;
        if (u->dir) {
                r = mkdir_if_missing(u->root, u->dir, ret_made_dir);
                if (r < 0)
                        return r;
        }
        dfd = at_root(u->root, &name);
        fd = openat(dfd, name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0644);
        if (fd < 0)
                return -errno;
        r = write_all(fd, u->buf, u->size);
        if (close(fd) < 0 && r == 0)
                r = -errno;
        if (r < 0)
                (void) unlinkat(dfd, name, 0);
        return r;
}

int unit_file_close(UnitFile *u) {
        int r;

        if (!u)
                return 0;
        r = unit_file_write(u, NULL);
        unit_file_free(u);
        return r;
}

/* 1 if the link was made, 0 if the same link was there already, <0 on error. */
static int dependency_link(const char *dir, const char *dependent, const char *type, const char *unit,
                           const char *target_path, bool *ret_made_dir) {
        char path[PATH_MAX], parent[PATH_MAX], existing[PATH_MAX];
        const char *name;
        ssize_t n;
        int dfd, r;

        if ((size_t) snprintf(parent, sizeof parent, "%s/%s.%s", dir, dependent, type) >= sizeof parent ||
            (size_t) snprintf(path, sizeof path, "%s/%s", parent, unit) >= sizeof path)
                return -ENAMETOOLONG;

        /* The .wants/.requires directory is shared by all targets: link first, and make the
         * directory only when it is missing (one mkdir per directory, not per target). A
         * drop-in directory ("d") is one unit's own: it is new, make it first. */
        name = path;
        dfd = at_root(dir, &name);
        r = streq(type, "d") ? -ENOENT : symlinkat(target_path, dfd, name) >= 0 ? 0 : -errno;
        if (r == -ENOENT) {
                r = mkdir_if_missing(dir, parent, ret_made_dir);
                if (r < 0)
                        return r;
                r = symlinkat(target_path, dfd, name) >= 0 ? 0 : -errno;
        }
        if (r == 0)
                return 1;
        if (r != -EEXIST)
                return r;

        /* The same link twice is fine; a different one (or a file) is a conflict. */
        n = readlinkat(dfd, name, existing, sizeof existing - 1);
        if (n < 0)
                return errno == EINVAL ? -EEXIST : -errno;
        existing[n] = '\0';
        return streq(existing, target_path) ? 0 : -EEXIST;
}

int unit_add_dependency_link(const char *dir, const char *dependent, const char *type, const char *unit,
                             const char *target_path) {
        int r = dependency_link(dir, dependent, type, unit, target_path, NULL);

        return r < 0 ? r : 0;
}

int unit_set_add_file(UnitSet *s, UnitFile *u) {
        if (s->n_files >= UNIT_SET_FILES_MAX) {
                unit_file_free(u);
                return -E2BIG;
        }
        s->files[s->n_files++] = u;
        return 0;
}

int unit_set_add_link(UnitSet *s, const char *dependent, const char *type, const char *unit,
                      const char *target_path) {
        UnitSetLink *l;

        if (s->n_links >= UNIT_SET_LINKS_MAX)
                return -E2BIG;
        l = &s->links[s->n_links];
        *l = (UnitSetLink) { strdup(dependent), strdup(type), strdup(unit), strdup(target_path) };
        s->n_links++;
        if (!l->dependent || !l->type || !l->unit || !l->target_path)
                return -ENOMEM;
        return 0;
}

void unit_set_done(UnitSet *s) {
        for (size_t i = 0; i < s->n_files; i++)
                unit_file_free(s->files[i]);
        for (size_t i = 0; i < s->n_links; i++) {
                free(s->links[i].dependent);
                free(s->links[i].type);
                free(s->links[i].unit);
                free(s->links[i].target_path);
        }
        s->n_files = s->n_links = 0;
}

/* What a commit made so far, to be removed again if a later step fails. */
typedef struct Made {
        char *paths[UNIT_SET_FILES_MAX + UNIT_SET_LINKS_MAX];
        char *dirs[UNIT_SET_FILES_MAX + UNIT_SET_LINKS_MAX];
        size_t n_paths, n_dirs;
} Made;

static void made_undo(Made *m, bool remove) {
        for (size_t i = m->n_paths; i > 0; i--) {
                if (remove)
                        (void) unlink(m->paths[i - 1]);
                free(m->paths[i - 1]);
        }
        for (size_t i = m->n_dirs; i > 0; i--) {
                if (remove)
                        (void) rmdir(m->dirs[i - 1]);
                free(m->dirs[i - 1]);
        }
}

static int made_add(char **array, size_t *n, const char *fmt, ...) {
        va_list ap;
        int r;

        va_start(ap, fmt);
        r = vasprintf(&array[*n], fmt, ap);
        va_end(ap);
        if (r < 0)
                return -ENOMEM;
        (*n)++;
        return 0;
}

static int commit_files(UnitSet *s, Made *m) {
        for (size_t i = 0; i < s->n_files; i++) {
                UnitFile *u = s->files[i];
                bool made_dir = false;
                int r;

                r = unit_file_write(u, &made_dir);
                if (made_dir && made_add(m->dirs, &m->n_dirs, "%s", u->dir) < 0)
                        return -ENOMEM;
                if (r < 0) {
                        snprintf(s->failed, sizeof s->failed, "%s", u->path);
                        return r;
                }
                if (made_add(m->paths, &m->n_paths, "%s", u->path) < 0)
                        return -ENOMEM;
        }
        return 0;
}

static int commit_links(UnitSet *s, Made *m) {
        for (size_t i = 0; i < s->n_links; i++) {
                const UnitSetLink *l = &s->links[i];
                bool made_dir = false;
                int r;

                r = dependency_link(s->dir, l->dependent, l->type, l->unit, l->target_path, &made_dir);
                if (made_dir && made_add(m->dirs, &m->n_dirs, "%s/%s.%s", s->dir, l->dependent, l->type) < 0)
                        return -ENOMEM;
                if (r < 0) {
                        snprintf(s->failed, sizeof s->failed, "%s/%s.%s/%s", s->dir, l->dependent, l->type,
                                 l->unit);
                        return r;
                }
                if (r > 0 && made_add(m->paths, &m->n_paths, "%s/%s.%s/%s", s->dir, l->dependent, l->type,
                                      l->unit) < 0)
                        return -ENOMEM;
        }
        return 0;
}

int unit_set_commit(UnitSet *s, const char **ret_failed) {
        Made m = {};
        int r;

        s->failed[0] = '\0';
        r = commit_files(s, &m);
        if (r == 0)
                r = commit_links(s, &m);
        made_undo(&m, r < 0);
        unit_set_done(s);
        if (ret_failed)
                *ret_failed = r < 0 && s->failed[0] ? s->failed : NULL;
        return r;
}
