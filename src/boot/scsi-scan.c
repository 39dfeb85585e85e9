/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <dirent.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cleanup.h"
#include "scsi-scan.h"
#include "string-util.h"

#ifndef SYSFS_ROOT
#define SYSFS_ROOT "/sys"
#endif

uint64_t scsi_lun_flat(uint64_t lun) {
        return lun < SCSI_LUN_FLAT_MIN ? lun : (SCSI_LUN_FLAT_SPACE | lun);
}

bool scsi_lun_exists(unsigned host, uint64_t kernel_lun) {
        char path[PATH_MAX];

        snprintf(path, sizeof path, SYSFS_ROOT "/class/scsi_device/%u:0:0:%llu", host,
                 (unsigned long long) kernel_lun);
        return access(path, F_OK) >= 0;
}

int scsi_scan_lun(unsigned host, uint64_t kernel_lun) {
        _cleanup_close_ int fd = -1;
        char path[PATH_MAX], buf[64];
        int n;

        if (scsi_lun_exists(host, kernel_lun))
                return 1;
        snprintf(path, sizeof path, SYSFS_ROOT "/class/scsi_host/host%u/scan", host);
        fd = open(path, O_WRONLY | O_CLOEXEC);
        if (fd < 0)
                return -errno;
        n = snprintf(buf, sizeof buf, "0 0 %llu", (unsigned long long) kernel_lun);
        if (write(fd, buf, (size_t) n) != n)
                return errno > 0 ? -errno : -EIO;
        return scsi_lun_exists(host, kernel_lun);
}

static int write_change(int dirfd_block, const char *name) {
        _cleanup_close_ int fd = -1;
        char path[PATH_MAX];

        snprintf(path, sizeof path, "%s/uevent", name);
        fd = openat(dirfd_block, path, O_WRONLY | O_CLOEXEC);
        if (fd < 0)
                return -errno;
        if (write(fd, "change", 6) != 6)
                return errno > 0 ? -errno : -EIO;
        return 0;
}

int scsi_lun_retrigger(unsigned host, uint64_t kernel_lun) {
        _cleanup_closedir_ DIR *block = NULL, *disk = NULL;
        char path[PATH_MAX];
        struct dirent *de, *pe;
        int n = 0, r;

        /* .../H:0:0:L/device/block/sdX/{uevent, sdX1/uevent, ...} */
        snprintf(path, sizeof path, SYSFS_ROOT "/class/scsi_device/%u:0:0:%llu/device/block", host,
                 (unsigned long long) kernel_lun);
        block = opendir(path);
        if (!block)
                return -ENOENT;
        while ((de = readdir(block))) {
                char sub[PATH_MAX + NAME_MAX + 2];

                if (de->d_name[0] == '.')
                        continue;
                r = write_change(dirfd(block), de->d_name);
                if (r < 0)
                        return r;
                n++;
                snprintf(sub, sizeof sub, "%s/%s", path, de->d_name);
                disk = opendir(sub);
                while (disk && (pe = readdir(disk))) {
                        char part[NAME_MAX * 2 + 2];

                        /* Partitions are subdirectories named after the disk: sda1, nvme0n1p1. */
                        if (!startswith(pe->d_name, de->d_name) || streq(pe->d_name, de->d_name))
                                continue;
                        snprintf(part, sizeof part, "%s/%s", de->d_name, pe->d_name);
                        if (write_change(dirfd(block), part) >= 0)
                                n++;
                }
                if (disk) {
                        closedir(disk);
                        disk = NULL;
                }
        }
        return n > 0 ? n : -ENOENT;
}
