/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "node-record.h"
#include "secret.h"
#include "string-util.h"
#include "test-util.h"

#define IQN "iqn.2001-04.com.example:storage.disk1"

static Target *make_target(const char *text) {
        KeyValueList l;
        Target *t = NULL;

        ck_assert_int_eq(test_parse("iscsi.target.t1", text, false, &l), 0);
        ck_assert_int_eq(target_from_keyvalues("t1", &l, &t), 0);
        keyvalue_list_done(&l);
        return t;
}

static ChapSecrets *make_secrets(const char *text) {
        KeyValueList l;
        ChapSecrets *s = NULL;

        ck_assert_int_eq(test_parse("iscsi.auth.t1", text, true, &l), 0);
        ck_assert_int_eq(chap_secrets_from_keyvalues("iscsi.auth.t1", &l, &s), 0);
        keyvalue_list_done(&l);
        return s;
}

/* Whether @record has the exact line "KEY = VALUE". */
static bool has_line(const char *record, const char *line) {
        size_t n = strlen(line);

        for (const char *p = record; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
                if (strncmp(p, line, n) == 0 && p[n] == '\n')
                        return true;
        return false;
}

/* Whether any line starts with "KEY = ". */
static bool has_key(const char *record, const char *key) {
        size_t n = strlen(key);

        for (const char *p = record; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
                if (strncmp(p, key, n) == 0 && strncmp(p + n, " = ", 3) == 0)
                        return true;
        return false;
}

/* Every line is a comment or "key = value" with one blank each side of '=', each key once. */
static void assert_well_formed(const char *record) {
        char *copy = strdup(record), *save = NULL, *keys[128];
        size_t n_keys = 0, len = strlen(record);

        ck_assert_uint_gt(len, 0);
        ck_assert_msg(record[len - 1] == '\n', "record does not end in a newline");
        for (char *line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
                char *eq;

                if (line[0] == '#')
                        continue;
                eq = strstr(line, " = ");
                ck_assert_msg(eq && eq > line, "malformed record line \"%s\"", line);
                ck_assert_msg(!has_control_char(line), "control character in \"%s\"", line);
                *eq = '\0';
                ck_assert_msg(!strchr(line, ' '), "blank in key \"%s\"", line);
                for (size_t i = 0; i < n_keys; i++)
                        ck_assert_msg(!streq(keys[i], line), "key \"%s\" twice", line);
                ck_assert_uint_lt(n_keys, ELEMENTSOF(keys));
                keys[n_keys++] = line;
        }
        ck_assert_uint_ge(n_keys, 5);
        free(copy);
}

/* ---- node_record_render() ------------------------------------------------ */

START_TEST(test_render_chap)
{
        _cleanup_(target_freep) Target *t = make_target("target = " IQN "\n"
                                                         "portal = 192.0.2.10:3261\n"
                                                         "tpgt = 2\n"
                                                         "node.session.auth.chap_algs = SHA256,MD5\n");
        _cleanup_(chap_secrets_freep) ChapSecrets *s = make_secrets("node.session.auth.username = init-user\n"
                                                                   "node.session.auth.password = Pass-0123456789\n");
        _cleanup_erase_free_ char *rec = NULL;

        ck_assert_int_eq(node_record_render(t, s, "tcp", &rec), 0);
        assert_well_formed(rec);
        ck_assert(has_line(rec, "node.name = " IQN));
        ck_assert(has_line(rec, "node.tpgt = 2"));
        ck_assert(has_line(rec, "node.startup = manual"));
        ck_assert(has_line(rec, "node.conn[0].startup = manual"));
        ck_assert(has_line(rec, "iface.iscsi_ifacename = default"));
        ck_assert(has_line(rec, "iface.transport_name = tcp"));
        ck_assert(has_line(rec, "node.conn[0].address = 192.0.2.10"));
        ck_assert(has_line(rec, "node.conn[0].port = 3261"));
        ck_assert(has_line(rec, "node.session.auth.authmethod = CHAP"));
        ck_assert(has_line(rec, "node.session.auth.username = init-user"));
        ck_assert(has_line(rec, "node.session.auth.password = Pass-0123456789"));
        ck_assert(!has_key(rec, "node.session.auth.username_in"));
        ck_assert(!has_key(rec, "node.session.auth.password_in"));
        ck_assert(has_line(rec, "node.session.auth.chap_algs = SHA256,MD5"));
        /* left out on purpose: open-iscsi 2.1.9-2.1.11 misread "static" */
        ck_assert(!has_key(rec, "node.discovery_type"));
        /* neither startup may be automatic */
        ck_assert(!strstr(rec, "automatic"));
}
END_TEST

START_TEST(test_render_mutual_ipv6)
{
        _cleanup_(target_freep) Target *t = make_target("target = " IQN "\n"
                                                         "portal = [FD00:0::1]\n"
                                                         "iface = iface0\n");
        _cleanup_(chap_secrets_freep) ChapSecrets *s = make_secrets("node.session.auth.username = init-user\n"
                                                                   "node.session.auth.password = Pass-0123456789\n"
                                                                   "node.session.auth.username_in = tgt-user\n"
                                                                   "node.session.auth.password_in = Back-9876543210\n");
        _cleanup_erase_free_ char *rec = NULL;

        ck_assert_int_eq(node_record_render(t, s, "tcp", &rec), 0);
        assert_well_formed(rec);
        /* open-iscsi stores the address without brackets */
        ck_assert(has_line(rec, "node.conn[0].address = fd00::1"));
        ck_assert(has_line(rec, "node.conn[0].port = 3260"));
        ck_assert(has_line(rec, "node.tpgt = 1"));
        ck_assert(has_line(rec, "iface.iscsi_ifacename = iface0"));
        ck_assert(has_line(rec, "node.session.auth.authmethod = CHAP"));
        ck_assert(has_line(rec, "node.session.auth.username_in = tgt-user"));
        ck_assert(has_line(rec, "node.session.auth.password_in = Back-9876543210"));
        ck_assert(has_line(rec, "node.startup = manual"));
        ck_assert(has_line(rec, "node.conn[0].startup = manual"));
}
END_TEST

START_TEST(test_render_no_auth)
{
        _cleanup_(target_freep) Target *t = make_target("target = " IQN "\nportal = 192.0.2.10\n");
        _cleanup_(chap_secrets_freep) ChapSecrets *empty = make_secrets("# none\n");
        _cleanup_erase_free_ char *a = NULL, *b = NULL;

        ck_assert_int_eq(node_record_render(t, NULL, "tcp", &a), 0);
        assert_well_formed(a);
        ck_assert(has_line(a, "node.session.auth.authmethod = None"));
        ck_assert(!has_key(a, "node.session.auth.username"));
        ck_assert(!has_key(a, "node.session.auth.password"));
        ck_assert(has_line(a, "node.conn[0].port = 3260"));

        /* an empty secrets credential is the same as none */
        ck_assert_int_eq(node_record_render(t, empty, "tcp", &b), 0);
        ck_assert(has_line(b, "node.session.auth.authmethod = None"));
        ck_assert(!has_key(b, "node.session.auth.password"));
}
END_TEST

START_TEST(test_render_transport)
{
        _cleanup_(target_freep) Target *t = make_target("target = " IQN "\nportal = 192.0.2.10\niface = bnx2i.00:11:22:33:44:55\n");
        _cleanup_erase_free_ char *rec = NULL;

        ck_assert_int_eq(node_record_render(t, NULL, "bnx2i", &rec), 0);
        ck_assert(has_line(rec, "iface.iscsi_ifacename = bnx2i.00:11:22:33:44:55"));
        ck_assert(has_line(rec, "iface.transport_name = bnx2i"));
}
END_TEST

/* ---- node_record_path() -------------------------------------------------- */

START_TEST(test_record_path)
{
        _cleanup_(target_freep) Target *t4 = make_target("target = " IQN "\nportal = 192.0.2.10:3261\ntpgt = 2\n");
        _cleanup_(target_freep) Target *t6 = make_target("target = " IQN "\nportal = [FD00:0::1]\niface = iface0\n");
        _cleanup_free_ char *d4 = NULL, *f4 = NULL, *d6 = NULL, *f6 = NULL;

        ck_assert_int_eq(node_record_path("/etc/iscsi", t4, &d4, &f4), 0);
        ck_assert_str_eq(d4, "/etc/iscsi/nodes/" IQN "/192.0.2.10,3261,2");
        ck_assert_str_eq(f4, "/etc/iscsi/nodes/" IQN "/192.0.2.10,3261,2/default");

        ck_assert_int_eq(node_record_path("/var/lib/iscsi", t6, &d6, &f6), 0);
        ck_assert_str_eq(d6, "/var/lib/iscsi/nodes/" IQN "/fd00::1,3260,1");
        ck_assert_str_eq(f6, "/var/lib/iscsi/nodes/" IQN "/fd00::1,3260,1/iface0");
}
END_TEST

/* ---- node_record_write() ------------------------------------------------- */

static void assert_mode(const char *path, mode_t type, mode_t mode) {
        struct stat st;

        ck_assert_msg(lstat(path, &st) == 0, "%s: %s", path, strerror(errno));
        ck_assert_msg((st.st_mode & S_IFMT) == type, "%s: wrong file type %o", path, st.st_mode & S_IFMT);
        ck_assert_msg((st.st_mode & 07777) == mode, "%s: mode %04o, expected %04o", path, st.st_mode & 07777, mode);
}

/* Names in @dir, sorted, joined by ' '. */
static char *dir_listing(const char *dir) {
        struct dirent **names;
        char *out = calloc(1, 4096);
        int n = scandir(dir, &names, NULL, alphasort);

        ck_assert_int_ge(n, 0);
        for (int i = 0; i < n; i++) {
                if (!streq(names[i]->d_name, ".") && !streq(names[i]->d_name, "..")) {
                        if (out[0])
                                strcat(out, " ");
                        strcat(out, names[i]->d_name);
                }
                free(names[i]);
        }
        free(names);
        return out;
}

static void write_and_check(mode_t umask_value) {
        _cleanup_(target_freep) Target *t = make_target("target = " IQN "\nportal = 192.0.2.10:3261\ntpgt = 2\n");
        _cleanup_(chap_secrets_freep) ChapSecrets *s = make_secrets("node.session.auth.username = init-user\n"
                                                                   "node.session.auth.password = Pass-0123456789\n");
        _cleanup_erase_free_ char *rec = NULL;
        _cleanup_free_ char *db = NULL, *dir = NULL, *file = NULL, *content = NULL, *nodes = NULL, *iqn = NULL,
                            *listing = NULL;
        char *tmp = test_mkdtemp();
        struct stat st;
        size_t size;

        umask(umask_value);
        db = test_path(tmp, "iscsi");                   /* does not exist yet */
        ck_assert_int_eq(node_record_render(t, s, "tcp", &rec), 0);
        ck_assert_int_eq(node_record_write(db, t, rec), 0);

        ck_assert_int_eq(node_record_path(db, t, &dir, &file), 0);
        nodes = test_path(db, "nodes");
        iqn = test_path(nodes, IQN);
        assert_mode(db, S_IFDIR, 0700);
        assert_mode(nodes, S_IFDIR, 0700);
        assert_mode(iqn, S_IFDIR, 0700);
        assert_mode(dir, S_IFDIR, 0700);
        assert_mode(file, S_IFREG, 0600);
        ck_assert_int_eq(stat(file, &st), 0);
        ck_assert_uint_eq(st.st_nlink, 1);

        content = test_read_file(file, &size);
        ck_assert_uint_eq(size, strlen(rec));
        ck_assert_str_eq(content, rec);

        /* nothing else anywhere under nodes/: no temporary names left */
        listing = dir_listing(dir);
        ck_assert_str_eq(listing, "default");
        free(listing);
        listing = dir_listing(iqn);
        ck_assert_str_eq(listing, "192.0.2.10,3261,2");
        free(listing);
        listing = dir_listing(nodes);
        ck_assert_str_eq(listing, IQN);

        umask(022);
        test_rm_rf_free(tmp);
}

START_TEST(test_write_umask_022)
{
        write_and_check(022);
}
END_TEST

START_TEST(test_write_umask_000)
{
        /* the modes do not depend on the caller's umask */
        write_and_check(000);
}
END_TEST

START_TEST(test_write_replaces)
{
        _cleanup_(target_freep) Target *t = make_target("target = " IQN "\nportal = [fd00::1]\n");
        _cleanup_free_ char *db = NULL, *dir = NULL, *file = NULL, *content = NULL, *listing = NULL;
        char *tmp = test_mkdtemp();
        ino_t first;
        struct stat st;

        umask(022);
        db = test_path(tmp, "iscsi");
        ck_assert_int_eq(node_record_path(db, t, &dir, &file), 0);

        ck_assert_int_eq(node_record_write(db, t, "# BEGIN RECORD\nnode.name = old\n# END RECORD\n"), 0);
        ck_assert_int_eq(stat(file, &st), 0);
        first = st.st_ino;

        /* an existing record with a looser mode (an admin's copy) */
        ck_assert_int_eq(chmod(file, 0644), 0);
        ck_assert_int_eq(node_record_write(db, t, "# BEGIN RECORD\nnode.name = new\n# END RECORD\n"), 0);

        content = test_read_file(file, NULL);
        ck_assert_str_eq(content, "# BEGIN RECORD\nnode.name = new\n# END RECORD\n");
        assert_mode(file, S_IFREG, 0600);
        ck_assert_int_eq(stat(file, &st), 0);
        ck_assert_uint_ne(st.st_ino, first);            /* a new file, not rewritten in place */
        listing = dir_listing(dir);
        ck_assert_str_eq(listing, "default");

        /* and a shorter record over a longer one leaves no tail behind */
        free(content);
        ck_assert_int_eq(node_record_write(db, t, "x = y\n"), 0);
        content = test_read_file(file, NULL);
        ck_assert_str_eq(content, "x = y\n");

        test_rm_rf_free(tmp);
}
END_TEST

START_TEST(test_write_two_ifaces)
{
        /* records of one portal for two ifaces live side by side */
        _cleanup_(target_freep) Target *a = make_target("target = " IQN "\nportal = 192.0.2.10\n");
        _cleanup_(target_freep) Target *b = make_target("target = " IQN "\nportal = 192.0.2.10\niface = iface1\n");
        _cleanup_free_ char *db = NULL, *dir = NULL, *file = NULL, *listing = NULL, *ca = NULL;
        char *tmp = test_mkdtemp();

        db = test_path(tmp, "iscsi");
        ck_assert_int_eq(node_record_write(db, a, "a = 1\n"), 0);
        ck_assert_int_eq(node_record_write(db, b, "b = 2\n"), 0);
        ck_assert_int_eq(node_record_path(db, a, &dir, &file), 0);
        listing = dir_listing(dir);
        ck_assert_str_eq(listing, "default iface1");
        ca = test_read_file(file, NULL);
        ck_assert_str_eq(ca, "a = 1\n");
        test_rm_rf_free(tmp);
}
END_TEST

START_TEST(test_write_error)
{
        /* a DB root that is a regular file: the file system's errno comes back */
        _cleanup_(target_freep) Target *t = make_target("target = " IQN "\nportal = 192.0.2.10\n");
        char *tmp = test_mkdtemp();
        _cleanup_free_ char *db = test_path(tmp, "file");

        test_write_file(db, "not a directory\n");
        ck_assert_int_eq(node_record_write(db, t, "a = 1\n"), -ENOTDIR);
        test_rm_rf_free(tmp);
}
END_TEST

static Suite *node_record_suite(void) {
        Suite *s = suite_create("node-record");
        TCase *tc;

        tc = tcase_create("render");
        tcase_add_test(tc, test_render_chap);
        tcase_add_test(tc, test_render_mutual_ipv6);
        tcase_add_test(tc, test_render_no_auth);
        tcase_add_test(tc, test_render_transport);
        tcase_add_test(tc, test_record_path);
        suite_add_tcase(s, tc);

        tc = tcase_create("write");
        tcase_add_test(tc, test_write_umask_022);
        tcase_add_test(tc, test_write_umask_000);
        tcase_add_test(tc, test_write_replaces);
        tcase_add_test(tc, test_write_two_ifaces);
        tcase_add_test(tc, test_write_error);
        suite_add_tcase(s, tc);

        return s;
}

int main(void) {
        return test_run_suite(node_record_suite());
}
