/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cleanup.h"
#include "io-util.h"
#include "secret.h"
#include "string-util.h"

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

int mkdir_p(const char *path, mode_t parent_mode, mode_t mode) {
        char p[PATH_MAX];
        size_t l = strlen(path);
        struct stat st;

        if (l >= sizeof p)
                return -ENAMETOOLONG;
        memcpy(p, path, l + 1);
        while (l > 1 && p[l - 1] == '/')        /* "a/b/" is "a/b" */
                p[--l] = '\0';
        for (char *s = p + 1; *s; s++) {
                if (*s != '/' || s[-1] == '/')
                        continue;
                *s = '\0';
                if (mkdir(p, parent_mode) < 0 && errno != EEXIST)
                        return -errno;
                *s = '/';
        }
        if (mkdir(p, mode) >= 0)
                return 0;
        if (errno != EEXIST)
                return -errno;
        if (stat(p, &st) < 0)
                return -errno;
        return S_ISDIR(st.st_mode) ? 0 : -ENOTDIR;
}

int read_fd_bounded(int fd, size_t max, char **ret, size_t *ret_size) {
        _cleanup_erase_free_ char *buf = NULL;
        size_t size = 0, allocated = 4096;

        if (allocated > max + 1)
                allocated = max + 1;
        buf = malloc(allocated + 1);
        if (!buf)
                return -ENOMEM;

        for (;;) {
                ssize_t n;

                if (size == allocated) {
                        size_t grown = allocated * 2 > max + 1 ? max + 1 : allocated * 2;
                        char *b = malloc(grown + 1);

                        if (!b)
                                return -ENOMEM;
                        memcpy(b, buf, size);
                        erase_and_free(buf);
                        buf = b;
                        allocated = grown;
                }
                n = read(fd, buf + size, allocated - size);
                if (n < 0 && errno == EINTR)
                        continue;
                if (n < 0)
                        return -errno;
                if (n == 0)
                        break;
                size += (size_t) n;
                if (size > max)
                        return -EFBIG;
        }
        buf[size] = '\0';
        *ret = TAKE_PTR(buf);
        *ret_size = size;
        return 0;
}

int read_file_bounded(const char *path, size_t max, char **ret, size_t *ret_size) {
        _cleanup_close_ int fd = -1;

        fd = streq(path, "-") ? fcntl(STDIN_FILENO, F_DUPFD_CLOEXEC, 3) : open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
        if (fd < 0)
                return -errno;
        return read_fd_bounded(fd, max, ret, ret_size);
}

int write_private_file(const char *dir, const char *name, const char *data) {
        _cleanup_close_ int fd = -1, dfd = -1;
        char proc[64];
        int r;

        r = mkdir_p(dir, 0700, 0700);
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
