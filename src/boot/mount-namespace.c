/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mount.h>
#include <sys/statvfs.h>

#include "cleanup.h"
#include "io-util.h"
#include "mount-namespace.h"
#include "string-util.h"

/* The subtrees that stay as they are: the API file systems ProtectSystem=strict
 * leaves alone, and /run (the units' ReadWritePaths=/run): state, session
 * records, iscsiadm's lock, udev rules (systemd.exec(5)). */
static const char *const trees[] = { "/dev", "/proc", "/sys", "/run" };

static bool stays_writable(const char *path) {
        for (size_t i = 0; i < ELEMENTSOF(trees); i++) {
                const char *rest = startswith(path, trees[i]);

                if (rest && (*rest == '\0' || *rest == '/'))
                        return true;
        }
        return false;
}

/* proc(5) mountinfo escapes ' ', '\t', '\n' and '\\' in paths as \ooo. */
static void unescape_octal(char *s) {
        char *w = s;

        for (const char *p = s; *p; p++) {
                if (p[0] == '\\' && p[1] >= '0' && p[1] <= '3' && p[2] >= '0' && p[2] <= '7' && p[3] >= '0' &&
                    p[3] <= '7') {
                        *w++ = (char) ((p[1] - '0') << 6 | (p[2] - '0') << 3 | (p[3] - '0'));
                        p += 3;
                } else
                        *w++ = *p;
        }
        *w = '\0';
}

typedef struct MountList {
        char **paths;
        size_t n;
} MountList;

static void mount_list_free(MountList *l) {
        for (size_t i = 0; i < l->n; i++)
                free(l->paths[i]);
        free(l->paths);
}

static int mount_list_add(MountList *l, const char *path) {
        char **p = realloc(l->paths, (l->n + 1) * sizeof(char *));

        if (!p)
                return -ENOMEM;
        l->paths = p;
        p[l->n] = strdup(path);
        if (!p[l->n])
                return -ENOMEM;
        l->n++;
        return 0;
}

int mountinfo_writable(FILE *f, char ***ret_paths, size_t *ret_n, unsigned *ret_trees) {
        _cleanup_free_ char *line = NULL;
        size_t size = 0;
        MountList l = {};
        unsigned mounted = 0;
        int r = 0;

        while (r >= 0 && getline(&line, &size, f) > 0) {
                char *path, *opts, *save = NULL;
                bool rw;

                /* ID PARENT MAJ:MIN ROOT MOUNT-POINT MOUNT-OPTIONS ... */
                strtok_r(line, " ", &save);
                for (int k = 0; k < 3; k++)
                        strtok_r(NULL, " ", &save);
                path = strtok_r(NULL, " ", &save);
                opts = strtok_r(NULL, " ", &save);
                if (!path || !opts) {
                        r = -EIO;
                        break;
                }
                unescape_octal(path);
                if (!stays_writable(path))
                        continue;
                for (size_t t = 0; t < ELEMENTSOF(trees); t++)
                        if (streq(path, trees[t]))
                                mounted |= 1u << t;
                rw = streq(opts, "rw") || startswith(opts, "rw,");
                size_t i = 0;
                while (i < l.n && !streq(l.paths[i], path))
                        i++;
                if (i < l.n) {          /* stacked: the later one decides */
                        if (!rw) {
                                free(l.paths[i]);
                                l.paths[i] = l.paths[--l.n];
                        }
                        continue;
                }
                if (rw)
                        r = mount_list_add(&l, path);
        }
        if (r >= 0 && ferror(f))
                r = -EIO;
        if (r < 0) {
                mount_list_free(&l);
                return r;
        }
        *ret_paths = l.paths;
        *ret_n = l.n;
        *ret_trees = mounted;
        return 0;
}

static int set_readonly(const char *path, unsigned flags, bool readonly) {
        struct mount_attr attr = {
                .attr_set = readonly ? MOUNT_ATTR_RDONLY : 0,
                .attr_clr = readonly ? 0 : MOUNT_ATTR_RDONLY,
        };

        if (mount_setattr(AT_FDCWD, path, flags | AT_NO_AUTOMOUNT | AT_SYMLINK_NOFOLLOW, &attr, sizeof(attr)) < 0)
                return -errno;
        return 0;
}

/* Read-only but what stays writable; the tmpfs mounts come after this. */
static int protect_tree(void) {
        _cleanup_fclose_ FILE *f = NULL;
        MountList w = {};
        unsigned mounted = 0;
        int r;

        f = fopen("/proc/self/mountinfo", "re");
        if (!f)
                return -errno;
        r = mountinfo_writable(f, &w.paths, &w.n, &mounted);
        /* /run is a tmpfs of its own under systemd, but not in every container: a
         * plain directory becomes a mount of its own (as systemd's ReadWritePaths=
         * does it), so that it can stay writable alone. */
        for (size_t t = 0; r >= 0 && t < ELEMENTSOF(trees); t++) {
                struct statvfs sv;

                if ((mounted & (1u << t)) || statvfs(trees[t], &sv) < 0 || (sv.f_flag & ST_RDONLY))
                        continue;
                if (mount(trees[t], trees[t], NULL, MS_BIND | MS_REC, NULL) < 0)
                        r = -errno;
                else
                        r = mount_list_add(&w, trees[t]);
        }
        if (r >= 0)
                r = set_readonly("/", AT_RECURSIVE, true);
        for (size_t i = 0; r >= 0 && i < w.n; i++) {
                r = set_readonly(w.paths[i], 0, false);
                /* Hidden by a later mount over a parent (gone, or a plain directory
                 * there now): unreachable, so it stays read-only. */
                if (r == -ENOENT || r == -EINVAL)
                        r = 0;
        }
        mount_list_free(&w);
        return r;
}

static int setup(char *const paths[], size_t n) {
        if (unshare(CLONE_NEWNS) < 0)
                return -errno;
        /* Nothing mounted here may reach the host's namespace. */
        if (mount(NULL, "/", NULL, MS_REC | MS_SLAVE, NULL) < 0)
                return -errno;
        /* The mount points hold nothing: made on the real tree while it is
         * writable, as systemd makes a missing TemporaryFileSystem= one. */
        for (size_t i = 0; i < n; i++) {
                int r = mkdir_p(paths[i], 0700, 0700);

                if (r < 0)
                        return r;
        }
        int r = protect_tree();
        if (r < 0)
                return r;
        for (size_t i = 0; i < n; i++)
                if (mount("tmpfs", paths[i], "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, "mode=0700") < 0)
                        return -errno;
        return 0;
}

int mount_namespace_setup(const char *db_root) {
        static const char *const subdirs[] = { "nodes", "send_targets" };
        char *paths[ELEMENTSOF(subdirs)] = {};
        _cleanup_close_ int ns = -EBADF;
        int r = 0;

        for (size_t i = 0; r >= 0 && i < ELEMENTSOF(subdirs); i++)
                if (asprintf(&paths[i], "%s/%s", db_root, subdirs[i]) < 0) {
                        paths[i] = NULL;
                        r = -ENOMEM;
                }
        /* To go back to on failure: a half-made namespace (say, the tree read-only
         * before /run is writable again) would break the caller's bookkeeping. */
        ns = open("/proc/self/ns/mnt", O_RDONLY | O_CLOEXEC);
        if (r >= 0 && ns < 0)
                r = -errno;
        if (r >= 0)
                r = setup(paths, ELEMENTSOF(subdirs));
        if (r < 0 && ns >= 0 && setns(ns, CLONE_NEWNS) < 0)
                r = -errno;     /* still half made: the caller must not write a record */

        for (size_t i = 0; i < ELEMENTSOF(subdirs); i++)
                free(paths[i]);
        return r;
}
