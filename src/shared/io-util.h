/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stddef.h>

/**
 * write_all() - write @n bytes of @buf to @fd, retrying short writes and EINTR
 * Return: 0, or -errno of the failing write(2).
 */
int write_all(int fd, const void *buf, size_t n);
