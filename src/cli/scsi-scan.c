/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cleanup.h"
#include "scsi-scan.h"
#include "string-util.h"

#ifndef SYSFS_ROOT
#define SYSFS_ROOT "/sys"
#endif

/* /sys/class/iscsi_session/sessionN links into the device tree below the
 * session's SCSI host: .../hostH/sessionN/iscsi_session/sessionN. */
static int session_host(uint32_t sid, unsigned *ret) {
        char link[PATH_MAX], resolved[PATH_MAX];
        unsigned host = 0;
        bool found = false;

        snprintf(link, sizeof link, SYSFS_ROOT "/class/iscsi_session/session%u", sid);
        if (!realpath(link, resolved))
                return -errno;

        for (char *p = strtok(resolved, "/"); p; p = strtok(NULL, "/")) {
                unsigned long long v;
                const char *num = startswith(p, "host");

                if (num && safe_atou64(num, &v) >= 0 && v <= UINT_MAX) {
                        host = (unsigned) v;
                        found = true;
                }
        }
        if (!found)
                return -ENOENT;
        *ret = host;
        return 0;
}

int scsi_scan_lun(uint32_t sid, uint64_t lun) {
        _cleanup_close_ int fd = -1;
        char path[PATH_MAX], buf[64];
        unsigned host = 0;
        int r, n;

        r = session_host(sid, &host);
        if (r < 0)
                return r;

        snprintf(path, sizeof path, SYSFS_ROOT "/class/scsi_host/host%u/scan", host);
        fd = open(path, O_WRONLY | O_CLOEXEC);
        if (fd < 0)
                return -errno;

        n = snprintf(buf, sizeof buf, "0 0 %llu", (unsigned long long) (lun < 256 ? lun : (0x4000 | lun)));
        if (write(fd, buf, (size_t) n) != n)
                return errno > 0 ? -errno : -EIO;
        return 0;
}
