/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <unistd.h>

#include "cleanup.h"
#include "scsi-scan.h"

#ifndef SYSFS_ROOT
#define SYSFS_ROOT "/sys"
#endif

uint64_t scsi_lun_flat(uint64_t lun) {
        return lun < SCSI_LUN_FLAT_MIN ? lun : (SCSI_LUN_FLAT_SPACE | lun);
}

static bool device_exists(unsigned host, uint64_t kernel_lun) {
        char path[PATH_MAX];

        snprintf(path, sizeof path, SYSFS_ROOT "/class/scsi_device/%u:0:0:%llu", host,
                 (unsigned long long) kernel_lun);
        return access(path, F_OK) >= 0;
}

int scsi_scan_lun(unsigned host, uint64_t kernel_lun) {
        _cleanup_close_ int fd = -1;
        char path[PATH_MAX], buf[64];
        int n;

        if (device_exists(host, kernel_lun))
                return 1;
        snprintf(path, sizeof path, SYSFS_ROOT "/class/scsi_host/host%u/scan", host);
        fd = open(path, O_WRONLY | O_CLOEXEC);
        if (fd < 0)
                return -errno;
        n = snprintf(buf, sizeof buf, "0 0 %llu", (unsigned long long) kernel_lun);
        if (write(fd, buf, (size_t) n) != n)
                return errno > 0 ? -errno : -EIO;
        return device_exists(host, kernel_lun);
}
