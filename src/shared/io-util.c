/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cleanup.h"
#include "io-util.h"

int write_all(int fd, const void *buf, size_t n) {
        const char *p = buf;

        while (n > 0) {
                ssize_t k = write(fd, p, n);

                if (k < 0) {
                        if (errno == EINTR)
                                continue;
                        return -errno;
                }
                p += k;
                n -= (size_t) k;
        }
        return 0;
}

static int mkdir_parents_0700(const char *dir) {
        char p[PATH_MAX];
        size_t l = strlen(dir);

        if (l >= sizeof p)
                return -ENAMETOOLONG;
        memcpy(p, dir, l + 1);
        for (char *s = p + 1; *s; s++) {
                if (*s != '/')
                        continue;
                *s = '\0';
                if (mkdir(p, 0700) < 0 && errno != EEXIST)
                        return -errno;
                *s = '/';
        }
        if (mkdir(p, 0700) < 0 && errno != EEXIST)
                return -errno;
        return 0;
}

int write_private_file(const char *dir, const char *name, const char *data) {
        _cleanup_close_ int fd = -1, dfd = -1;
        char proc[64];
        int r;

        r = mkdir_parents_0700(dir);
        if (r < 0)
                return r;

        dfd = open(dir, O_DIRECTORY | O_RDONLY | O_CLOEXEC);
        if (dfd < 0)
                return -errno;
        fd = openat(dfd, ".", O_TMPFILE | O_WRONLY | O_CLOEXEC, 0600);
        if (fd < 0)
                return errno == EISDIR ? -EOPNOTSUPP : -errno;
        if (fchmod(fd, 0600) < 0)
                return -errno;
        r = write_all(fd, data, strlen(data));
        if (r < 0)
                return r;
        if (fsync(fd) < 0)
                return -errno;

        snprintf(proc, sizeof proc, "/proc/self/fd/%d", fd);
        if (linkat(AT_FDCWD, proc, dfd, name, AT_SYMLINK_FOLLOW) >= 0)
                return 0;
        if (errno != EEXIST)
                return -errno;

        /* Replacing: in the login unit's fresh tmpfs only after iscsiadm's discovery wrote a
         * record first, or when an admin runs the helper by hand twice. */
        if (unlinkat(dfd, name, 0) < 0 && errno != ENOENT)
                return -errno;
        if (linkat(AT_FDCWD, proc, dfd, name, AT_SYMLINK_FOLLOW) < 0)
                return -errno;
        return 0;
}
