/* SPDX-License-Identifier: LGPL-2.1-or-later */

/*
 * Session lookup in sysfs, the session-ownership rule, the LUN scan and the
 * by-path udev rule, against a fake sysfs tree laid out as the kernel's
 * iSCSI transport class lays it out (the binary is built with SYSFS_ROOT
 * pointing at FAKE_SYSFS). Each session's "password" attribute is a FIFO:
 * opening it would block, and an alarm fails the test, so a lookup that
 * reads secrets cannot pass.
 */

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "by-path-alias.h"
#include "iscsi-session.h"
#include "scsi-scan.h"
#include "session-owner.h"
#include "string-util.h"

static char registry[] = "/tmp/test-session-owner.XXXXXX";

static void run(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void run(const char *fmt, ...) {
        char cmd[4096];
        va_list ap;

        va_start(ap, fmt);
        vsnprintf(cmd, sizeof cmd, fmt, ap);
        va_end(ap);
        ck_assert_msg(system(cmd) == 0, "failed: %s", cmd);
}

static void put(const char *path, const char *value) {
        FILE *f = fopen(path, "we");

        ck_assert_msg(f, "cannot write %s", path);
        fprintf(f, "%s\n", value);
        fclose(f);
}

/* sessionSID on hostHOST to NAME at ADDR:PORT, TPGT, IFACE */
static void fake_session(unsigned sid, unsigned host, const char *name, const char *addr, unsigned port,
                         unsigned tpgt, const char *iface) {
        char dev[512], p[1024], v[32];

        snprintf(dev, sizeof dev, FAKE_SYSFS "/devices/platform/host%u/session%u/iscsi_session/session%u", host,
                 sid, sid);
        run("mkdir -p '%s' " FAKE_SYSFS "/class/iscsi_session " FAKE_SYSFS "/class/iscsi_connection/connection%u:0 "
            FAKE_SYSFS "/class/scsi_host/host%u " FAKE_SYSFS "/class/scsi_device", dev, sid, host);
        run("ln -sfn '%s' " FAKE_SYSFS "/class/iscsi_session/session%u", dev, sid);
        snprintf(p, sizeof p, "%s/targetname", dev), put(p, name);
        snprintf(p, sizeof p, "%s/tpgt", dev), snprintf(v, sizeof v, "%u", tpgt), put(p, v);
        snprintf(p, sizeof p, "%s/ifacename", dev), put(p, iface);
        snprintf(p, sizeof p, "%s/password", dev);
        ck_assert_int_eq(mkfifo(p, 0600), 0);
        snprintf(p, sizeof p, FAKE_SYSFS "/class/iscsi_connection/connection%u:0/persistent_address", sid);
        put(p, addr);
        snprintf(p, sizeof p, FAKE_SYSFS "/class/iscsi_connection/connection%u:0/persistent_port", sid);
        snprintf(v, sizeof v, "%u", port), put(p, v);
        snprintf(p, sizeof p, FAKE_SYSFS "/class/scsi_host/host%u/scan", host);
        put(p, "");
}

static void drop_session(unsigned sid) {
        run("rm -f " FAKE_SYSFS "/class/iscsi_session/session%u", sid);
}

static Target path(const char *name, const char *addr, unsigned tpgt, const char *iface) {
        Target t = { .alias = (char *) "a", .name = (char *) name, .tpgt = tpgt, .iface = (char *) iface, .lun = 1 };
        const char *reason;

        ck_assert_int_eq(portal_parse(addr, &t.portal, &reason), 0);
        return t;
}

static void setup(void) {
        alarm(20);      /* a read of a password FIFO blocks: fail instead of hanging */
        run("rm -rf " FAKE_SYSFS);
        ck_assert_ptr_nonnull(mkdtemp(strcpy(registry, "/tmp/test-session-owner.XXXXXX")));
}

static void teardown(void) {
        run("rm -rf " FAKE_SYSFS " '%s'", registry);
        alarm(0);
}

#define IQN "iqn.2000-01.com.synology:DS918.Target-1.abcd"

START_TEST(test_find_matches_path_exactly) {
        Target p = path(IQN, "192.0.2.10:3260", 1, "default");
        IscsiSession s;

        fake_session(5, 3, IQN, "192.0.2.10", 3260, 1, "default");
        ck_assert_int_eq(iscsi_session_find(&p, &s), 1);
        ck_assert_uint_eq(s.sid, 5);
        ck_assert_uint_eq(s.host, 3);
        ck_assert_str_eq(s.iface, "default");

        /* byte for byte: the lower-cased name is another target */
        Target lower = path("iqn.2000-01.com.synology:ds918.target-1.abcd", "192.0.2.10:3260", 1, "default");
        ck_assert_int_eq(iscsi_session_find(&lower, NULL), 0);
        /* TPGT, iface and port are part of the path */
        Target tpgt = path(IQN, "192.0.2.10:3260", 2, "default");
        ck_assert_int_eq(iscsi_session_find(&tpgt, NULL), 0);
        Target iface = path(IQN, "192.0.2.10:3260", 1, "eth1-iface");
        ck_assert_int_eq(iscsi_session_find(&iface, NULL), 0);
        Target port = path(IQN, "192.0.2.10:3261", 1, "default");
        ck_assert_int_eq(iscsi_session_find(&port, NULL), 0);
}
END_TEST

START_TEST(test_find_ipv6_spelling) {
        Target p = path(IQN, "[fd00::1]:3260", 1, "default");

        /* sysfs may spell the address differently from the credential */
        fake_session(8, 4, IQN, "fd00:0:0::0001", 3260, 1, "default");
        ck_assert_int_eq(iscsi_session_find(&p, NULL), 1);
}
END_TEST

START_TEST(test_shared_session_last_user_logs_out) {
        Target p = path(IQN, "192.0.2.10:3260", 1, "default");
        SessionOwner *o = NULL;
        uint32_t sid = 0;
        unsigned users = 9;

        /* alias db0 finds nothing, logs in (session 5), records it */
        ck_assert_int_eq(session_owner_lock(registry, &p, USEC_INFINITY, &o), 0);
        ck_assert_int_eq(session_owner_join(o, "db0", &sid), SESSION_ABSENT);
        fake_session(5, 3, IQN, "192.0.2.10", 3260, 1, "default");
        ck_assert_int_eq(session_owner_created(o, "db0", 5), 0);
        session_owner_unlock(o);

        /* alias db300 (another LUN of the same target) shares it */
        ck_assert_int_eq(session_owner_lock(registry, &p, USEC_INFINITY, &o), 0);
        ck_assert_int_eq(session_owner_join(o, "db300", &sid), SESSION_OURS);
        ck_assert_uint_eq(sid, 5);
        session_owner_unlock(o);

        /* db0 stops (or fails): the session stays for db300 */
        ck_assert_int_eq(session_owner_lock(registry, &p, USEC_INFINITY, &o), 0);
        ck_assert_int_eq(session_owner_leave(o, "db0", &sid, &users), 0);
        ck_assert_uint_eq(users, 1);
        session_owner_unlock(o);

        /* db0 starts again: shared again; then both stop, the last one logs out */
        ck_assert_int_eq(session_owner_lock(registry, &p, USEC_INFINITY, &o), 0);
        ck_assert_int_eq(session_owner_join(o, "db0", &sid), SESSION_OURS);
        ck_assert_int_eq(session_owner_leave(o, "db300", &sid, &users), 0);
        sid = 0;
        ck_assert_int_eq(session_owner_leave(o, "db0", &sid, &users), 1);
        ck_assert_uint_eq(sid, 5);
        ck_assert_uint_eq(users, 0);
        ck_assert_int_eq(session_owner_logged_out(o, 5), 0);
        session_owner_unlock(o);
}
END_TEST

START_TEST(test_foreign_session_never_logged_out) {
        Target p = path(IQN, "192.0.2.10:3260", 1, "default");
        SessionOwner *o = NULL;
        uint32_t sid = 0;

        /* made by hand before any alias started */
        fake_session(7, 3, IQN, "192.0.2.10", 3260, 1, "default");
        ck_assert_int_eq(session_owner_lock(registry, &p, USEC_INFINITY, &o), 0);
        ck_assert_int_eq(session_owner_join(o, "db0", &sid), SESSION_FOREIGN);
        ck_assert_uint_eq(sid, 7);
        ck_assert_int_eq(session_owner_leave(o, "db0", &sid, NULL), 0);
        session_owner_unlock(o);
}
END_TEST

START_TEST(test_replaced_session_is_not_ours) {
        Target p = path(IQN, "192.0.2.10:3260", 1, "default");
        SessionOwner *o = NULL;
        uint32_t sid = 0;

        ck_assert_int_eq(session_owner_lock(registry, &p, USEC_INFINITY, &o), 0);
        ck_assert_int_eq(session_owner_join(o, "db0", &sid), SESSION_ABSENT);
        fake_session(5, 3, IQN, "192.0.2.10", 3260, 1, "default");
        ck_assert_int_eq(session_owner_created(o, "db0", 5), 0);
        /* logged out behind our back, then someone else logged in: session 9 */
        drop_session(5);
        fake_session(9, 6, IQN, "192.0.2.10", 3260, 1, "default");
        ck_assert_int_eq(session_owner_join(o, "db300", &sid), SESSION_FOREIGN);
        ck_assert_uint_eq(sid, 9);
        ck_assert_int_eq(session_owner_leave(o, "db300", &sid, NULL), 0);
        ck_assert_int_eq(session_owner_leave(o, "db0", &sid, NULL), 0);
        session_owner_unlock(o);
}
END_TEST

START_TEST(test_lock_excludes_and_orders) {
        Target p = path(IQN, "192.0.2.10:3260", 1, "default");
        Target two[2] = { path(IQN, "192.0.2.11:3260", 1, "default"), path(IQN, "192.0.2.10:3260", 1, "default") };
        SessionOwner *o = NULL, **all = NULL;
        char lock[1024];
        int fd;

        ck_assert_int_eq(session_owner_lock(registry, &p, USEC_INFINITY, &o), 0);
        snprintf(lock, sizeof lock, "%s/%s/192.0.2.10,3260,1/default/lock", registry, IQN);
        fd = open(lock, O_RDWR | O_CLOEXEC);
        ck_assert_int_ge(fd, 0);
        ck_assert_int_eq(flock(fd, LOCK_EX | LOCK_NB), -1);
        ck_assert_int_eq(errno, EWOULDBLOCK);
        session_owner_unlock(o);
        ck_assert_int_eq(flock(fd, LOCK_EX | LOCK_NB), 0);
        close(fd);

        ck_assert_int_eq(session_owner_lock_all(registry, two, 2, &all), 0);
        ck_assert_ptr_nonnull(all[0]);
        ck_assert_ptr_nonnull(all[1]);
        session_owners_unlock(all, 2);

        two[0] = two[1];
        ck_assert_int_eq(session_owner_lock_all(registry, two, 2, &all), -ENOTUNIQ);
}
END_TEST

START_TEST(test_paths_of_alias) {
        Target a = path(IQN, "192.0.2.10:3260", 1, "default"), b = path(IQN, "[fd00::1]:3262", 3, "default");
        SessionOwner *o = NULL;
        NodeRef *refs = NULL;
        uint32_t sid;
        size_t n = 9;

        fake_session(5, 3, IQN, "192.0.2.10", 3260, 1, "default");
        fake_session(6, 4, IQN, "fd00::1", 3262, 3, "default");
        ck_assert_int_eq(session_owner_lock(registry, &a, USEC_INFINITY, &o), 0);
        ck_assert_int_eq(session_owner_join(o, "mp", &sid), SESSION_FOREIGN);
        session_owner_unlock(o);
        ck_assert_int_eq(session_owner_lock(registry, &b, USEC_INFINITY, &o), 0);
        ck_assert_int_eq(session_owner_join(o, "mp", &sid), SESSION_FOREIGN);
        ck_assert_int_eq(session_owner_join(o, "other", &sid), SESSION_FOREIGN);
        session_owner_unlock(o);

        ck_assert_int_eq(session_owner_paths_of(registry, "mp", &refs, &n), 0);
        ck_assert_uint_eq(n, 2);
        for (size_t i = 0; i < n; i++) {
                ck_assert_str_eq(refs[i].name, IQN);
                ck_assert_str_eq(refs[i].iface, "default");
                ck_assert(refs[i].tpgt == 1 || refs[i].tpgt == 3);
                ck_assert_str_eq(refs[i].portal.address, refs[i].tpgt == 1 ? "192.0.2.10" : "fd00::1");
                ck_assert_uint_eq(refs[i].portal.port, refs[i].tpgt == 1 ? 3260 : 3262);
        }
        free(refs);
        ck_assert_int_eq(session_owner_paths_of(registry, "m", &refs, &n), 0);
        ck_assert_uint_eq(n, 0);
        free(refs);
}
END_TEST

START_TEST(test_scan_lun) {
        char dev[256];

        ck_assert_uint_eq(scsi_lun_flat(0), 0);
        ck_assert_uint_eq(scsi_lun_flat(255), 255);
        ck_assert_uint_eq(scsi_lun_flat(300), 0x4000 | 300);
        fake_session(5, 3, IQN, "192.0.2.10", 3260, 1, "default");
        /* the target has no such LUN: nothing appears */
        ck_assert_int_eq(scsi_scan_lun(3, 16684), 0);
        run("grep -qx '0 0 16684' " FAKE_SYSFS "/class/scsi_host/host3/scan");
        /* attached (already, or by the scan) */
        snprintf(dev, sizeof dev, FAKE_SYSFS "/class/scsi_device/3:0:0:300");
        ck_assert_int_eq(mkdir(dev, 0755), 0);
        ck_assert_int_eq(scsi_scan_lun(3, 300), 1);
        ck_assert_int_eq(scsi_scan_lun(99, 1), -ENOENT);
}
END_TEST

START_TEST(test_by_path_alias_rule) {
        Target p = path(IQN, "192.0.2.10:3260", 1, "default"), q = p;
        char rule[1024], other[1024];

        p.alias = (char *) "db", p.lun = 300;
        q.alias = (char *) "db2", q.lun = 301;
        ck_assert_int_eq(by_path_alias_add(registry, &p, false), 0);
        ck_assert_int_eq(by_path_alias_add(registry, &q, false), 0);
        snprintf(rule, sizeof rule, "%s/61-iscsi-creds-db.192.0.2.10,3260,1.rules", registry);
        snprintf(other, sizeof other, "%s/61-iscsi-creds-db2.192.0.2.10,3260,1.rules", registry);
        run("grep -qF 'ENV{DEVTYPE}==\"disk\", ENV{ID_PATH}==\"ip-192.0.2.10:3260-iscsi-" IQN
            "-lun-0x012c000000000000\", SYMLINK+=\"disk/by-path/ip-192.0.2.10:3260-iscsi-" IQN
            "-lun-0x412c000000000000\"' '%s'", rule);
        run("grep -qF 'SYMLINK+=\"disk/by-path/ip-192.0.2.10:3260-iscsi-" IQN "-lun-0x412c000000000000-part%%n\"' '%s'",
            rule);
        ck_assert_int_eq(by_path_alias_remove(registry, "db"), 1);
        ck_assert_int_eq(access(rule, F_OK), -1);
        ck_assert_int_eq(access(other, F_OK), 0);
        p.lun = 255;
        ck_assert_int_eq(by_path_alias_add(registry, &p, false), -ERANGE);
}
END_TEST

START_TEST(test_lock_timeout) {
        Target p = path(IQN, "192.0.2.10:3260", 1, "default");
        SessionOwner *o = NULL, *o2 = NULL;

        ck_assert_int_eq(session_owner_lock(registry, &p, USEC_INFINITY, &o), 0);
        /* another alias's logout must not wait for ever behind a long login */
        ck_assert_int_eq(session_owner_lock(registry, &p, 300 * USEC_PER_MSEC, &o2), -ETIMEDOUT);
        ck_assert_ptr_null(o2);
        session_owner_unlock(o);
        ck_assert_int_eq(session_owner_lock(registry, &p, 300 * USEC_PER_MSEC, &o2), 0);
        session_owner_unlock(o2);

        Target dots = path("..", "192.0.2.10:3260", 1, "default");
        ck_assert_int_eq(session_owner_lock(registry, &dots, USEC_INFINITY, &o), -EINVAL);
}
END_TEST

START_TEST(test_users_for_status) {
        Target p = path(IQN, "192.0.2.10:3260", 1, "default");
        SessionOwner *o = NULL;
        char **users = NULL;
        uint32_t sid;
        bool ours = true;

        ck_assert_int_eq(session_owner_users(registry, &p, &ours, &users), 0);
        ck_assert(!ours);
        ck_assert_ptr_null(users[0]);
        free(users);

        ck_assert_int_eq(session_owner_lock(registry, &p, USEC_INFINITY, &o), 0);
        ck_assert_int_eq(session_owner_join(o, "db0", &sid), SESSION_ABSENT);
        fake_session(5, 3, IQN, "192.0.2.10", 3260, 1, "default");
        ck_assert_int_eq(session_owner_created(o, "db0", 5), 0);
        ck_assert_int_eq(session_owner_join(o, "db300", &sid), SESSION_OURS);
        session_owner_unlock(o);

        ck_assert_int_eq(session_owner_users(registry, &p, &ours, &users), 0);
        ck_assert(ours);
        ck_assert_ptr_nonnull(users[0]);
        ck_assert_ptr_nonnull(users[1]);
        ck_assert_ptr_null(users[2]);
        ck_assert(streq(users[0], "db0") || streq(users[1], "db0"));
        ck_assert(streq(users[0], "db300") || streq(users[1], "db300"));
        free(users[0]), free(users[1]), free(users);
}
END_TEST

START_TEST(test_retrigger) {
        char buf[64] = "";
        FILE *f;

        /* no block device yet */
        ck_assert_int_eq(scsi_lun_retrigger(3, 300), -ENOENT);
        run("mkdir -p " FAKE_SYSFS "/class/scsi_device/3:0:0:300/device/block/sdb/sdb1 "
            FAKE_SYSFS "/class/scsi_device/3:0:0:300/device/block/sdb/queue");
        put(FAKE_SYSFS "/class/scsi_device/3:0:0:300/device/block/sdb/uevent", "");
        put(FAKE_SYSFS "/class/scsi_device/3:0:0:300/device/block/sdb/sdb1/uevent", "");
        ck_assert(scsi_lun_exists(3, 300));
        ck_assert(!scsi_lun_exists(3, 301));
        /* the disk and its partition, not "queue" */
        ck_assert_int_eq(scsi_lun_retrigger(3, 300), 2);
        f = fopen(FAKE_SYSFS "/class/scsi_device/3:0:0:300/device/block/sdb/sdb1/uevent", "re");
        ck_assert_ptr_nonnull(f);
        ck_assert_ptr_nonnull(fgets(buf, sizeof buf, f));
        fclose(f);
        ck_assert_str_eq(buf, "change");
}
END_TEST

static Suite *suite(void) {
        Suite *s = suite_create("session-owner");
        TCase *tc = tcase_create("core");

        tcase_add_checked_fixture(tc, setup, teardown);
        tcase_add_test(tc, test_find_matches_path_exactly);
        tcase_add_test(tc, test_find_ipv6_spelling);
        tcase_add_test(tc, test_shared_session_last_user_logs_out);
        tcase_add_test(tc, test_foreign_session_never_logged_out);
        tcase_add_test(tc, test_replaced_session_is_not_ours);
        tcase_add_test(tc, test_lock_excludes_and_orders);
        tcase_add_test(tc, test_paths_of_alias);
        tcase_add_test(tc, test_scan_lun);
        tcase_add_test(tc, test_by_path_alias_rule);
        tcase_add_test(tc, test_lock_timeout);
        tcase_add_test(tc, test_users_for_status);
        tcase_add_test(tc, test_retrigger);
        suite_add_tcase(s, tc);
        return s;
}

int main(void) {
        SRunner *sr = srunner_create(suite());
        int failed;

        srunner_set_fork_status(sr, CK_NOFORK);
        srunner_run_all(sr, CK_NORMAL);
        failed = srunner_ntests_failed(sr);
        srunner_free(sr);
        return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
