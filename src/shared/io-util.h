/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stddef.h>

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
