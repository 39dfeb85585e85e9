/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "io-util.h"
#include "iscsi-session.h"
#include "session-owner.h"
#include "string-util.h"

#define USER_PREFIX "user."

struct SessionOwner {
        char *dir;              /* REGISTRY/<target>/<address>,<port>,<tpgt>/<iface> */
        int lock_fd;
        Target path;            /* shallow: name and iface point into @name and @iface */
        char name[ISCSI_NAME_MAX + 1];
        char iface[IFACE_NAME_MAX + 1];
};

/* "<address>,<port>,<tpgt>" as open-iscsi names a node's portal directory. */
static void portal_dir_name(const Target *path, char buf[static PORTAL_STRING_MAX + 8]) {
        snprintf(buf, PORTAL_STRING_MAX + 8, "%s,%u,%u", path->portal.address, path->portal.port, path->tpgt);
}

static int record_dir(const char *registry, const Target *path, bool create, char **ret) {
        char portal[PORTAL_STRING_MAX + 8];
        const char *iface = path->iface ?: "default";
        _cleanup_free_ char *dir = NULL;

        /* Names become directory names: no '/', no "." or "..". iSCSI names never hold '/'
         * (iscsi_name_check()); iface names are checked by the target parser. */
        if (isempty(path->name) || strchr(path->name, '/') || streq(path->name, ".") || streq(path->name, "..") ||
            strchr(iface, '/') || streq(iface, ".") || streq(iface, ".."))
                return -EINVAL;
        portal_dir_name(path, portal);
        if (asprintf(&dir, "%s/%s/%s/%s", registry, path->name, portal, iface) < 0)
                return -ENOMEM;
        /* Nothing secret, but nobody else's business either. */
        if (create) {
                int r = mkdir_p(dir, 0700, 0700);

                if (r < 0)
                        return r;
        }
        *ret = TAKE_PTR(dir);
        return 0;
}

void session_owner_unlock(SessionOwner *o) {
        if (!o)
                return;
        if (o->lock_fd >= 0)
                close(o->lock_fd);      /* releases the flock */
        free(o->dir);
        free(o);
}

/* flock(2) with a time limit: polled, since flock() itself has none. */
static int lock_within(int fd, usec_t timeout) {
        struct timespec ts;
        usec_t end;

        if (timeout == USEC_INFINITY) {
                while (flock(fd, LOCK_EX) < 0)
                        if (errno != EINTR)
                                return -errno;
                return 0;
        }
        clock_gettime(CLOCK_MONOTONIC, &ts);
        end = (usec_t) ts.tv_sec * USEC_PER_SEC + (usec_t) ts.tv_nsec / 1000 + timeout;
        for (;;) {
                if (flock(fd, LOCK_EX | LOCK_NB) == 0)
                        return 0;
                if (errno != EWOULDBLOCK && errno != EINTR)
                        return -errno;
                clock_gettime(CLOCK_MONOTONIC, &ts);
                if ((usec_t) ts.tv_sec * USEC_PER_SEC + (usec_t) ts.tv_nsec / 1000 >= end)
                        return -ETIMEDOUT;
                (void) usleep(100 * 1000);
        }
}

int session_owner_lock(const char *registry, const Target *path, usec_t timeout, SessionOwner **ret) {
        _cleanup_(session_owner_unlockp) SessionOwner *o = NULL;
        _cleanup_free_ char *lock = NULL;
        int r;

        o = calloc(1, sizeof(SessionOwner));
        if (!o)
                return -ENOMEM;
        o->lock_fd = -1;
        r = record_dir(registry, path, true, &o->dir);
        if (r < 0)
                return r;
        snprintf(o->name, sizeof o->name, "%s", path->name);
        snprintf(o->iface, sizeof o->iface, "%s", path->iface ?: "default");
        o->path = *path;
        o->path.name = o->name;
        o->path.iface = o->iface;

        if (asprintf(&lock, "%s/lock", o->dir) < 0)
                return -ENOMEM;
        o->lock_fd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
        if (o->lock_fd < 0)
                return -errno;
        r = lock_within(o->lock_fd, timeout);
        if (r < 0)
                return r;
        *ret = TAKE_PTR(o);
        return 0;
}

void session_owners_unlock(SessionOwner **o, size_t n) {
        if (!o)
                return;
        for (size_t i = 0; i < n; i++)
                session_owner_unlock(o[i]);
        free(o);
}

typedef struct Ordered {
        char *dir;
        size_t index;
} Ordered;

static int cmp_ordered(const void *a, const void *b) {
        return strcmp(((const Ordered *) a)->dir, ((const Ordered *) b)->dir);
}

int session_owner_lock_all(const char *registry, const Target *paths, size_t n, SessionOwner ***ret) {
        _cleanup_free_ Ordered *order = NULL;
        SessionOwner **o = NULL;
        int r = 0;

        order = calloc(n ?: 1, sizeof(Ordered));
        o = calloc(n ?: 1, sizeof(SessionOwner *));
        if (!order || !o) {
                free(o);
                return -ENOMEM;
        }
        for (size_t i = 0; i < n && r >= 0; i++) {
                order[i].index = i;
                r = record_dir(registry, &paths[i], false, &order[i].dir);
        }
        /* One global order (the record's path) for every alias: no two can wait on each other. */
        if (r >= 0)
                qsort(order, n, sizeof(Ordered), cmp_ordered);
        for (size_t i = 0; i < n && r >= 0; i++) {
                size_t k = order[i].index;

                /* flock(2) on a second descriptor of the same file would wait for ourselves. */
                if (i > 0 && streq(order[i].dir, order[i - 1].dir))
                        r = -ENOTUNIQ;
                else
                        r = session_owner_lock(registry, &paths[k], USEC_INFINITY, &o[k]);
        }
        for (size_t i = 0; i < n; i++)
                free(order[i].dir);
        if (r < 0) {
                session_owners_unlock(o, n);
                return r;
        }
        *ret = o;
        return 0;
}

static int read_sid(const SessionOwner *o, uint32_t *ret) {
        char buf[32];
        unsigned long long v;
        _cleanup_free_ char *p = NULL;
        _cleanup_close_ int fd = -1;
        ssize_t n;

        if (asprintf(&p, "%s/sid", o->dir) < 0)
                return -ENOMEM;
        fd = open(p, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
        if (fd < 0)
                return errno == ENOENT ? 0 : -errno;
        n = read(fd, buf, sizeof buf - 1);
        if (n <= 0)
                return 0;
        buf[n] = '\0';
        buf[strcspn(buf, "\n")] = '\0';
        if (safe_atou64(buf, &v) < 0 || v > UINT32_MAX)
                return 0;       /* unreadable: not ours */
        *ret = (uint32_t) v;
        return 1;
}

static int unlink_in(const SessionOwner *o, const char *name) {
        _cleanup_free_ char *p = NULL;

        if (asprintf(&p, "%s/%s", o->dir, name) < 0)
                return -ENOMEM;
        if (unlink(p) < 0 && errno != ENOENT)
                return -errno;
        return 0;
}

static int add_user(const SessionOwner *o, const char *alias) {
        _cleanup_free_ char *name = NULL;

        if (asprintf(&name, USER_PREFIX "%s", alias) < 0)
                return -ENOMEM;
        return write_private_file(o->dir, name, "");
}

int session_owner_join(SessionOwner *o, const char *alias, uint32_t *ret_sid) {
        IscsiSession live;
        uint32_t recorded = 0;
        int r, have;

        r = iscsi_session_find(&o->path, &live);
        if (r < 0)
                return r;
        have = read_sid(o, &recorded);
        if (have < 0)
                return have;
        if (r == 0) {
                /* Gone behind our back (logged out by hand, or the record is from a login
                 * that died): whatever comes next is a new session. */
                if (have > 0)
                        (void) unlink_in(o, "sid");
                return SESSION_ABSENT;
        }
        if (have > 0 && recorded != live.sid) {
                r = unlink_in(o, "sid");
                if (r < 0)
                        return r;
                have = 0;
        }
        r = add_user(o, alias);
        if (r < 0)
                return r;
        *ret_sid = live.sid;
        return have > 0 ? SESSION_OURS : SESSION_FOREIGN;
}

int session_owner_created(SessionOwner *o, const char *alias, uint32_t sid) {
        char text[32];
        int r;

        /* The user first: a record that says "ours" with no user in it would let the
         * next alias to leave log out a session this one uses. */
        r = add_user(o, alias);
        if (r < 0)
                return r;
        snprintf(text, sizeof text, "%u\n", sid);
        return write_private_file(o->dir, "sid", text);
}

static int count_users(const SessionOwner *o, unsigned *ret) {
        _cleanup_closedir_ DIR *d = NULL;
        struct dirent *de;
        unsigned n = 0;

        d = opendir(o->dir);
        if (!d)
                return -errno;
        while ((de = readdir(d)))
                if (startswith(de->d_name, USER_PREFIX))
                        n++;
        *ret = n;
        return 0;
}

int session_owner_leave(SessionOwner *o, const char *alias, uint32_t *ret_sid, unsigned *ret_users) {
        _cleanup_free_ char *name = NULL;
        IscsiSession live;
        uint32_t recorded = 0;
        unsigned users = 0;
        int r, have;

        if (asprintf(&name, USER_PREFIX "%s", alias) < 0)
                return -ENOMEM;
        r = unlink_in(o, name);
        if (r < 0)
                return r;
        r = count_users(o, &users);
        if (r < 0)
                return r;
        if (ret_users)
                *ret_users = users;

        have = read_sid(o, &recorded);
        if (have <= 0)
                return have;            /* not ours (or unreadable): never log out */
        r = iscsi_session_find(&o->path, &live);
        if (r < 0)
                return r;
        if (r == 0 || live.sid != recorded) {
                (void) unlink_in(o, "sid");
                return 0;               /* ours is gone; a replacement is not ours */
        }
        if (users > 0)
                return 0;
        *ret_sid = recorded;
        return 1;
}

int session_owner_logged_out(SessionOwner *o, uint32_t sid) {
        uint32_t recorded = 0;

        if (read_sid(o, &recorded) > 0 && recorded == sid)
                return unlink_in(o, "sid");
        return 0;
}

/* "<address>,<port>,<tpgt>" back into a portal and TPGT. */
static int parse_portal_dir(const char *s, Portal *ret_portal, unsigned *ret_tpgt) {
        _cleanup_free_ char *copy = strdup(s), *text = NULL;
        unsigned long long tpgt;
        const char *reason;
        char *c1, *c2;

        if (!copy)
                return -ENOMEM;
        c2 = strrchr(copy, ',');
        if (!c2)
                return -EINVAL;
        *c2 = '\0';
        c1 = strrchr(copy, ',');
        if (!c1 || safe_atou64(c2 + 1, &tpgt) < 0 || tpgt > TPGT_MAX)
                return -EINVAL;
        *c1 = '\0';
        if (asprintf(&text, strchr(copy, ':') ? "[%s]:%s" : "%s:%s", copy, c1 + 1) < 0)
                return -ENOMEM;
        if (portal_parse(text, ret_portal, &reason) < 0)
                return -EINVAL;
        *ret_tpgt = (unsigned) tpgt;
        return 0;
}

static bool is_dir_entry(const struct dirent *de) {
        return de->d_name[0] != '.' && (de->d_type == DT_DIR || de->d_type == DT_UNKNOWN);
}

static int append_path(NodeRef **refs, size_t *n, const char *name, const Portal *portal, unsigned tpgt,
                       const char *iface) {
        NodeRef *m = reallocarray(*refs, *n + 1, sizeof(NodeRef));

        if (!m)
                return -ENOMEM;
        *refs = m;
        m[*n] = (NodeRef) { .portal = *portal, .tpgt = tpgt };
        snprintf(m[*n].name, sizeof m[*n].name, "%s", name);
        snprintf(m[*n].iface, sizeof m[*n].iface, "%s", iface);
        (*n)++;
        return 0;
}

/* Every REGISTRY/<target>/<portal>/<iface> that holds user.<alias>. */
static int scan_portals(const char *registry, const char *target, const char *user, NodeRef **refs,
                        size_t *n) {
        _cleanup_free_ char *tdir = NULL;
        _cleanup_closedir_ DIR *d = NULL;
        struct dirent *de;

        if (asprintf(&tdir, "%s/%s", registry, target) < 0)
                return -ENOMEM;
        d = opendir(tdir);
        if (!d)
                return 0;
        while ((de = readdir(d))) {
                _cleanup_closedir_ DIR *pd = NULL;
                _cleanup_free_ char *pdir = NULL;
                struct dirent *ie;
                Portal portal;
                unsigned tpgt;

                if (!is_dir_entry(de) || parse_portal_dir(de->d_name, &portal, &tpgt) < 0)
                        continue;
                if (asprintf(&pdir, "%s/%s", tdir, de->d_name) < 0)
                        return -ENOMEM;
                pd = opendir(pdir);
                while (pd && (ie = readdir(pd))) {
                        _cleanup_free_ char *u = NULL;

                        if (!is_dir_entry(ie) || strlen(ie->d_name) > IFACE_NAME_MAX)
                                continue;
                        if (asprintf(&u, "%s/%s", ie->d_name, user) < 0)
                                return -ENOMEM;
                        if (faccessat(dirfd(pd), u, F_OK, AT_SYMLINK_NOFOLLOW) < 0)
                                continue;
                        if (append_path(refs, n, target, &portal, tpgt, ie->d_name) < 0)
                                return -ENOMEM;
                }
        }
        return 0;
}

int session_owner_paths_of(const char *registry, const char *alias, NodeRef **ret, size_t *ret_n) {
        _cleanup_closedir_ DIR *d = NULL;
        _cleanup_free_ char *user = NULL;
        NodeRef *refs = NULL;
        struct dirent *de;
        size_t n = 0;

        if (asprintf(&user, USER_PREFIX "%s", alias) < 0)
                return -ENOMEM;
        d = opendir(registry);
        while (d && (de = readdir(d))) {
                if (!is_dir_entry(de) || strlen(de->d_name) > ISCSI_NAME_MAX)
                        continue;
                if (scan_portals(registry, de->d_name, user, &refs, &n) < 0) {
                        free(refs);
                        return -ENOMEM;
                }
        }
        *ret = refs;
        *ret_n = n;
        return 0;
}

int session_owner_users(const char *registry, const Target *path, bool *ret_ours, char ***ret_users) {
        _cleanup_free_ char *dir = NULL;
        _cleanup_closedir_ DIR *d = NULL;
        SessionOwner probe = { .lock_fd = -1 };
        char **users = NULL;
        struct dirent *de;
        IscsiSession live;
        uint32_t recorded;
        size_t n = 0;
        int r;

        r = record_dir(registry, path, false, &dir);
        if (r < 0)
                return r;
        probe.dir = dir;
        *ret_ours = read_sid(&probe, &recorded) > 0 && iscsi_session_find(path, &live) > 0 &&
                    live.sid == recorded;
        d = opendir(dir);
        while (d && (de = readdir(d))) {
                const char *a = startswith(de->d_name, USER_PREFIX);
                char **m;

                if (!a)
                        continue;
                m = reallocarray(users, n + 2, sizeof(char *));
                if (!m || !(m[n] = strdup(a))) {
                        users = m ?: users;
                        for (size_t i = 0; i < n; i++)
                                free(users[i]);
                        free(users);
                        return -ENOMEM;
                }
                users = m;
                users[++n] = NULL;
        }
        if (!users && !(users = calloc(1, sizeof(char *))))
                return -ENOMEM;
        *ret_users = users;
        return 0;
}
