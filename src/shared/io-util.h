/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stddef.h>
#include <sys/types.h>

/**
 * write_all() - write @n bytes of @buf to @fd, retrying short writes and EINTR
 * Return: 0, or -errno of the failing write(2).
 */
int write_all(int fd, const void *buf, size_t n);

/**
 * write_private_file() - store @data as DIR/NAME, never half-written
 * @dir: directory; missing components are created with mode 0700
 * @name: file name in @dir
 * @data: NUL-terminated contents (may be secret)
 *
 * The data goes to an unnamed file (O_TMPFILE) in @dir with mode 0600,
 * which is linked into place only when complete: no reader ever sees a
 * partial file, and no temporary name ever appears (in open-iscsi's DB, a
 * stray entry breaks every listing). An existing file is replaced.
 *
 * Return: 0; -EOPNOTSUPP if the file system has no O_TMPFILE; -errno.
 */
int write_private_file(const char *dir, const char *name, const char *data);

/**
 * read_fd_bounded() - read @fd to its end into a buffer that is wiped on free
 * @fd: file descriptor, read from its current offset; not closed
 * @max: largest accepted size in bytes
 * @ret: the data plus a terminating NUL (usable as a string if the data has
 *       no NUL); may be secret: free with erase_and_free()
 * @ret_size: bytes read, without the NUL
 *
 * The buffer starts at 4 KiB and doubles up to @max + 1 (credentials are
 * small; a buffer of the full limit per read was measurable in the
 * generator). Every buffer given up while growing is wiped first. Short
 * reads and EINTR are retried.
 *
 * Return: 0; -EFBIG if there are more than @max bytes; -ENOMEM; -errno of
 * read(2). Nothing is returned on error.
 */
int read_fd_bounded(int fd, size_t max, char **ret, size_t *ret_size);

/**
 * read_file_bounded() - read_fd_bounded() on a file, or on stdin for "-"
 * @path: file to open (O_RDONLY|O_NOCTTY|O_CLOEXEC), or "-" for stdin
 * @max, @ret, @ret_size: as for read_fd_bounded()
 *
 * Return: as read_fd_bounded(); -errno of open(2).
 */
int read_file_bounded(const char *path, size_t max, char **ret, size_t *ret_size);

/**
 * mkdir_p() - create a directory and its missing parents (mkdir -p)
 * @path: absolute or relative path; '/' runs are fine
 * @parent_mode: mode of created parents (before the umask)
 * @mode: mode of @path itself, if created (before the umask)
 *
 * Existing directories are left as they are, modes included. A credential
 * store wants 0755 parents and a 0700 store (systemd's tmpfiles for
 * /etc/credstore), open-iscsi's node DB 0700 throughout.
 *
 * Return: 0; -ENAMETOOLONG if @path has PATH_MAX bytes or more; -ENOTDIR if
 * @path or one of its parents exists and is not a directory; other -errno
 * of mkdir(2), e.g. -EACCES, -EROFS.
 */
int mkdir_p(const char *path, mode_t parent_mode, mode_t mode);
