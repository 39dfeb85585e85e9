/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "by-path-alias.h"
#include "config.h"
#include "io-util.h"
#include "log.h"
#include "scsi-scan.h"
#include "spawn.h"
#include "string-util.h"
#include "unit-name.h"

#define RULE_PREFIX "61-iscsi-creds-"
#define UDEVADM_TIMEOUT (10 * USEC_PER_SEC)

/* udev's name of the LUN under peripheral device addressing: the flat name
 * with the kernel LUN N instead of 0x4000 | N (systemd's path_id,
 * format_lun_number()). */
static int peripheral_name(const char *flat, uint64_t lun, char **ret) {
        const char *suffix = NULL;
        char *s;

        for (const char *p = strstr(flat, "-lun-0x"); p; p = strstr(p + 1, "-lun-0x"))
                suffix = p;
        if (!suffix)
                return -EINVAL;
        if (asprintf(&s, "%.*s-lun-0x%04llx%04llx00000000", (int) (suffix - flat), flat,
                     (unsigned long long) (lun & 0xffff), (unsigned long long) ((lun >> 16) & 0xffff)) < 0)
                return -ENOMEM;
        *ret = s;
        return 0;
}

static int udev_reload(void) {
        char *argv[] = { (char *) UDEVADM_PATH, (char *) "control", (char *) "--reload", NULL };
        SpawnResult res;
        int r;

        r = spawn_run(argv, NULL, true, 4096, UDEVADM_TIMEOUT, &res);
        if (r < 0)
                return r;
        r = res.status == 0 ? 0 : -EIO;
        spawn_result_done(&res);
        return r;
}

int by_path_alias_add(const char *rules_dir, const Target *path, bool reload) {
        _cleanup_free_ char *flat = NULL, *peri = NULL, *name = NULL, *text = NULL;
        const char *dev = "/dev/disk/by-path/";
        int r;

        if (path->lun < SCSI_LUN_FLAT_MIN)
                return -ERANGE;
        r = by_path_name(&path->portal, path->name, path->lun, &flat);
        if (r < 0)
                return r;
        r = peripheral_name(flat, path->lun, &peri);
        if (r < 0)
                return r;
        /* by_path_name() leaves only [0-9A-Za-z#+-.:=@_/]: nothing udev would read as a
         * pattern (udev(7): '*', '?', '[]', '|') or as a substitution ('$', '%'). */
        if (asprintf(&text,
                     "# Written by iscsi-creds login for %s: the target addresses LUN %llu with peripheral\n"
                     "# device addressing; the units wait for the flat space name. Removed at logout.\n"
                     "SUBSYSTEM==\"block\", ENV{DEVTYPE}==\"disk\", ENV{ID_PATH}==\"%s\", SYMLINK+=\"disk/by-path/%s\"\n"
                     "SUBSYSTEM==\"block\", ENV{DEVTYPE}==\"partition\", ENV{ID_PATH}==\"%s\", SYMLINK+=\"disk/by-path/%s-part%%n\"\n",
                     path->alias, (unsigned long long) path->lun, peri + strlen(dev), flat + strlen(dev),
                     peri + strlen(dev), flat + strlen(dev)) < 0 ||
            asprintf(&name, RULE_PREFIX "%s.%s,%u,%u.rules", path->alias, path->portal.address, path->portal.port,
                     path->tpgt) < 0)
                return -ENOMEM;
        r = mkdir_p(rules_dir, 0755, 0755);
        if (r < 0)
                return r;
        r = write_private_file(rules_dir, name, text);
        if (r < 0)
                return r;
        return reload ? udev_reload() : 0;
}

int by_path_alias_remove(const char *rules_dir, const char *alias) {
        _cleanup_closedir_ DIR *d = NULL;
        _cleanup_free_ char *prefix = NULL;
        struct dirent *de;
        int n = 0;

        if (asprintf(&prefix, RULE_PREFIX "%s.", alias) < 0)
                return -ENOMEM;
        d = opendir(rules_dir);
        if (!d)
                return errno == ENOENT ? 0 : -errno;
        while ((de = readdir(d))) {
                /* Aliases hold no '.': "ALIAS." is never the start of another alias's rule. */
                if (!startswith(de->d_name, prefix))
                        continue;
                if (unlinkat(dirfd(d), de->d_name, 0) < 0 && errno != ENOENT)
                        return -errno;
                n++;
        }
        return n;
}
