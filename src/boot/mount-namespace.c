/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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

/* Every mount under stays_writable() that is read-write now, as seen at
 * its path: where mounts are stacked the last one listed (the top) counts.
 * @is_mount[i]: whether trees[i] is a mount point. */
static int writable_mounts(MountList *ret, bool is_mount[static ELEMENTSOF(trees)]) {
        _cleanup_fclose_ FILE *f = NULL;
        _cleanup_free_ char *line = NULL;
        size_t size = 0;
        MountList l = {};
        int r = 0;

        f = fopen("/proc/self/mountinfo", "re");
        if (!f)
                return -errno;
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
                                is_mount[t] = true;
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
        if (r < 0) {
                mount_list_free(&l);
                return r;
        }
        *ret = l;
        return 0;
}

static int set_readonly(const char *path, unsigned flags, bool readonly) {
        struct mount_attr attr = {
                .attr_set = readonly ? MOUNT_ATTR_RDONLY : 0,
                .attr_clr = readonly ? 0 : MOUNT_ATTR_RDONLY,
        };

        if (mount_setattr(AT_FDCWD, path, flags | AT_NO_AUTOMOUNT, &attr, sizeof(attr)) < 0)
                return -errno;
        return 0;
}

/* Read-only but what stays writable; the tmpfs mounts come after this. */
static int protect_tree(void) {
        bool is_mount[ELEMENTSOF(trees)] = {};
        MountList w = {};
        int r;

        r = writable_mounts(&w, is_mount);
        /* /run is a tmpfs of its own under systemd, but not in every container: a
         * plain directory becomes a mount of its own (as systemd's ReadWritePaths=
         * does it), so that it can stay writable alone. */
        for (size_t t = 0; r >= 0 && t < ELEMENTSOF(trees); t++) {
                struct statvfs sv;

                if (is_mount[t] || statvfs(trees[t], &sv) < 0 || (sv.f_flag & ST_RDONLY))
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
                if (r == -ENOENT)       /* under another mount that hides it: unreachable anyway */
                        r = 0;
        }
        mount_list_free(&w);
        return r;
}

int mount_namespace_setup(const char *db_root) {
        static const char *const subdirs[] = { "nodes", "send_targets" };
        char *paths[ELEMENTSOF(subdirs)] = {};
        int r = 0;

        for (size_t i = 0; r >= 0 && i < ELEMENTSOF(subdirs); i++)
                if (asprintf(&paths[i], "%s/%s", db_root, subdirs[i]) < 0) {
                        paths[i] = NULL;
                        r = -ENOMEM;
                }
        if (r >= 0 && unshare(CLONE_NEWNS) < 0)
                r = -errno;
        /* Nothing mounted here may reach the host's namespace. */
        if (r >= 0 && mount(NULL, "/", NULL, MS_REC | MS_SLAVE, NULL) < 0)
                r = -errno;
        /* The mount points hold nothing: made on the real tree while it is
         * writable, as systemd makes a missing TemporaryFileSystem= one. */
        for (size_t i = 0; r >= 0 && i < ELEMENTSOF(subdirs); i++)
                r = mkdir_p(paths[i], 0700, 0700);
        if (r >= 0)
                r = protect_tree();
        for (size_t i = 0; r >= 0 && i < ELEMENTSOF(subdirs); i++)
                if (mount("tmpfs", paths[i], "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, "mode=0700") < 0)
                        r = -errno;

        for (size_t i = 0; i < ELEMENTSOF(subdirs); i++)
                free(paths[i]);
        return r;
}
