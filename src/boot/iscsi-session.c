/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cleanup.h"
#include "iscsi-name.h"
#include "iscsi-session.h"
#include "string-util.h"

#ifndef SYSFS_ROOT
#define SYSFS_ROOT "/sys"
#endif

/* One sysfs attribute, trailing newline dropped. Never used on the
 * session's password attributes. */
static int read_attr(const char *path, char *buf, size_t size) {
        _cleanup_close_ int fd = -1;
        ssize_t n;

        fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0)
                return -errno;
        n = read(fd, buf, size - 1);
        if (n < 0)
                return -errno;
        buf[n] = '\0';
        buf[strcspn(buf, "\n")] = '\0';
        return 0;
}

/* /sys/class/iscsi_session/sessionN links into the device tree below the
 * session's SCSI host: .../hostH/sessionN/iscsi_session/sessionN. */
static int session_host(uint32_t sid, unsigned *ret) {
        char link[PATH_MAX], resolved[PATH_MAX];
        bool found = false;
        unsigned host = 0;
        char *save = NULL;

        snprintf(link, sizeof link, SYSFS_ROOT "/class/iscsi_session/session%u", sid);
        if (!realpath(link, resolved))
                return -errno;
        for (char *p = strtok_r(resolved, "/", &save); p; p = strtok_r(NULL, "/", &save)) {
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

int iscsi_session_read(uint32_t sid, IscsiSession *ret) {
        char path[PATH_MAX], value[256];
        unsigned long long v;
        IscsiSession s = { .sid = sid };
        int r;

        r = session_host(sid, &s.host);
        if (r < 0)
                return r == -ENOMEM ? r : -ENOENT;

        /* The leading connection (CID 0) holds the portal the session was made for. */
        snprintf(path, sizeof path, SYSFS_ROOT "/class/iscsi_connection/connection%u:0/persistent_address", sid);
        if (read_attr(path, s.persistent_address, sizeof s.persistent_address) < 0)
                return -ENOENT;
        snprintf(path, sizeof path, SYSFS_ROOT "/class/iscsi_connection/connection%u:0/persistent_port", sid);
        if (read_attr(path, value, sizeof value) < 0 || safe_atou64(value, &v) < 0 || v > 65535)
                return -ENOENT;
        s.persistent_port = (unsigned) v;

        snprintf(path, sizeof path, SYSFS_ROOT "/class/iscsi_session/session%u/tpgt", sid);
        if (read_attr(path, value, sizeof value) < 0 || safe_atou64(value, &v) < 0 || v > 65535)
                return -ENOENT;
        s.tpgt = (int) v;

        /* Older kernels and offloading drivers may lack it: open-iscsi then means "default". */
        snprintf(path, sizeof path, SYSFS_ROOT "/class/iscsi_session/session%u/ifacename", sid);
        if (read_attr(path, s.iface, sizeof s.iface) < 0 || isempty(s.iface) || streq(s.iface, "<NULL>"))
                snprintf(s.iface, sizeof s.iface, "default");

        *ret = s;
        return 0;
}

static bool session_matches(const Target *path, uint32_t sid, IscsiSession *ret) {
        char file[PATH_MAX], name[ISCSI_NAME_MAX + 2];
        IscsiSession s;

        snprintf(file, sizeof file, SYSFS_ROOT "/class/iscsi_session/session%u/targetname", sid);
        if (read_attr(file, name, sizeof name) < 0 || !streq(name, path->name))
                return false;
        if (iscsi_session_read(sid, &s) < 0)
                return false;
        if (!portal_address_equal(&path->portal, s.persistent_address) || s.persistent_port != path->portal.port ||
            s.tpgt != (int) path->tpgt || !streq(s.iface, path->iface ?: "default"))
                return false;
        if (ret)
                *ret = s;
        return true;
}

int iscsi_session_find(const Target *path, IscsiSession *ret) {
        _cleanup_closedir_ DIR *d = NULL;
        struct dirent *de;

        d = opendir(SYSFS_ROOT "/class/iscsi_session");
        if (!d)
                return errno == ENOMEM ? -ENOMEM : 0;
        while ((de = readdir(d))) {
                const char *num = startswith(de->d_name, "session");
                unsigned long long sid;

                if (!num || safe_atou64(num, &sid) < 0 || sid > UINT32_MAX)
                        continue;
                if (session_matches(path, (uint32_t) sid, ret))
                        return 1;
        }
        return 0;
}
