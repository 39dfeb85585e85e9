/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "cleanup.h"
#include "conflicts.h"
#include "log.h"
#include "string-util.h"

static bool same_lun_path(const Target *a, const Target *b) {
        if (!a->name || !b->name || !streq(a->name, b->name) || a->tpgt != b->tpgt || a->lun != b->lun ||
            !streq(a->iface, b->iface))
                return false;
        for (size_t i = 0; i < a->n_portals; i++)
                for (size_t j = 0; j < b->n_portals; j++)
                        if (streq(a->portals[i].address, b->portals[j].address) &&
                            a->portals[i].port == b->portals[j].port)
                                return true;
        return false;
}

/* What one target claims (conflicts_refuse()): its device (target_device(), NULL for a target
 * that neither mounts nor unlocks anything) and hashes of the strings compared, so that the
 * N²/2 pairs of 1000 targets, which share long prefixes ("/dev/disk/by-path/ip-..."), cost a
 * few integer compares each instead of string compares. */
typedef struct Claim {
        const Target *t;
        char *dev;
        uint64_t h_mount, h_name, h_dev;
} Claim;

/* FNV-1a, 64 bit; 0 for NULL. Only a filter: equal hashes are compared as strings. */
static uint64_t hash_str(const char *s) {
        uint64_t h = 0xcbf29ce484222325ULL;

        if (!s)
                return 0;
        for (; *s; s++)
                h = (h ^ (unsigned char) *s) * 0x100000001b3ULL;
        return h;
}

/* What two targets both claim that only one may have, as a phrase for a message: 1 and
 * *ret set, 0 nothing shared, -ENOMEM. */
static int shared_claim(const Claim *ca, const Claim *cb, char **ret) {
        const Target *a = ca->t, *b = cb->t;
        int r = 0;

        if (a->mount && b->mount && ca->h_mount == cb->h_mount && streq(a->mount, b->mount))
                r = asprintf(ret, "mount point %s", a->mount);
        else if (a->root && b->root)
                r = asprintf(ret, "the root file system (\"root = yes\")");
        else if (ca->h_name == cb->h_name && same_lun_path(a, b))
                r = asprintf(ret, "LUN %llu of %s through the same portal, TPGT %u and iface %s",
                             (unsigned long long) a->lun, a->name, a->tpgt, a->iface);
        else if (ca->dev && cb->dev && ca->h_dev == cb->h_dev && streq(ca->dev, cb->dev))
                r = asprintf(ret, "device %s", ca->dev);
        else
                return 0;
        return r < 0 ? -ENOMEM : 1;
}

static void claims_free(Claim *c, size_t n) {
        for (size_t i = 0; c && i < n; i++)
                free(c[i].dev);
        free(c);
}

int conflicts_refuse(Target **targets, size_t n) {
        bool *refuse = calloc(n, sizeof(bool));
        Claim *c = calloc(n, sizeof(Claim));
        int r = 0;

        if (!refuse || !c)
                goto oom;
        for (size_t i = 0; i < n; i++) {
                const Target *t = targets[i];

                if (!t)
                        continue;
                c[i].t = t;
                if ((t->mount || t->root || t->luks) && target_device(t, &c[i].dev) == -ENOMEM)
                        goto oom;
                c[i].h_mount = hash_str(t->mount);
                c[i].h_name = hash_str(t->name);
                c[i].h_dev = hash_str(c[i].dev);
        }
        for (size_t i = 0; i < n; i++)
                for (size_t j = 0; c[i].t && j < i; j++) {
                        _cleanup_free_ char *what = NULL;
                        int k;

                        if (!c[j].t)
                                continue;
                        k = shared_claim(&c[j], &c[i], &what);
                        if (k < 0)
                                goto oom;
                        if (k == 0)
                                continue;
                        r = log_syntax(c[i].t->credential, 0, LOG_ERR, EEXIST,
                                       "%s is also claimed by %s: skipping both targets.", what,
                                       c[j].t->credential);
                        refuse[i] = refuse[j] = true;
                }
        for (size_t i = 0; i < n; i++)
                if (refuse[i]) {
                        target_free(targets[i]);
                        targets[i] = NULL;
                }
        free(refuse);
        claims_free(c, n);
        return r;
oom:
        free(refuse);
        claims_free(c, n);
        return log_oom();
}
