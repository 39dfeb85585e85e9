/* SPDX-License-Identifier: LGPL-2.1-or-later */

/*
 * Linked with -Wl,--wrap=free: every free() the library makes goes through
 * __wrap_free() below, which looks at the block before it is released. That
 * is how these tests see that secrets are wiped before free(), without
 * reading freed memory.
 */

#include <check.h>
#include <errno.h>
#include <malloc.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>
#include <stdint.h>
#include <string.h>

#include "chap.h"
#include "keyvalue.h"
#include "node-record.h"
#include "secret.h"
#include "target.h"
#include "test-util.h"

void __real_free(void *p);
void __wrap_free(void *p);

/* Blocks to check: each must be all zero when freed. */
static void *watched[8];
static size_t n_watched, n_watched_freed, n_watched_dirty;
/* Any freed block holding this string while armed is a leak of a secret. */
static const char *canary;
static size_t n_canary_freed;

void __wrap_free(void *p) {
        if (p) {
                size_t size = malloc_usable_size(p);

                for (size_t i = 0; i < n_watched; i++)
                        if (watched[i] == p) {
                                const unsigned char *b = p;

                                n_watched_freed++;
                                for (size_t k = 0; k < size; k++)
                                        if (b[k] != 0) {
                                                n_watched_dirty++;
                                                break;
                                        }
                                watched[i] = NULL;
                        }
                if (canary && memmem(p, size, canary, strlen(canary)))
                        n_canary_freed++;
        }
        __real_free(p);
}

static void watch(void *p) {
        ck_assert_uint_lt(n_watched, ELEMENTSOF(watched));
        watched[n_watched++] = p;
}

static void watch_reset(void) {
        memset(watched, 0, sizeof watched);
        n_watched = n_watched_freed = n_watched_dirty = 0;
}

/* ---- erase_and_free() ---------------------------------------------------- */

START_TEST(test_erase_whole_block)
{
        /* the whole block, not only up to the first NUL */
        char *p = malloc(64);

        ck_assert_ptr_nonnull(p);
        static const char fill[] = "secret\0after-the-nul-there-is-more-secret-material";

        memcpy(p, fill, sizeof fill);
        memset(p + sizeof fill, 'Z', 64 - sizeof fill);
        watch_reset();
        watch(p);
        ck_assert_ptr_null(erase_and_free(p));
        ck_assert_uint_eq(n_watched_freed, 1);
        ck_assert_uint_eq(n_watched_dirty, 0);
}
END_TEST

START_TEST(test_erase_null)
{
        ck_assert_ptr_null(erase_and_free(NULL));
}
END_TEST

START_TEST(test_erase_cleanup_attribute)
{
        watch_reset();
        {
                _cleanup_erase_free_ char *p = strdup("a secret in a scope");

                ck_assert_ptr_nonnull(p);
                watch(p);
        }
        ck_assert_uint_eq(n_watched_freed, 1);
        ck_assert_uint_eq(n_watched_dirty, 0);
}
END_TEST

START_TEST(test_watch_detects_dirty)
{
        /* the checker itself works: a plain free() of a secret is seen
         * (--wrap applies to this file's calls as well) */
        char *p = strdup("not wiped");

        watch_reset();
        watch(p);
        free(p);
        ck_assert_uint_eq(n_watched_freed, 1);
        ck_assert_uint_eq(n_watched_dirty, 1);

        /* and so is one made by the library: values of a non-secret list are not wiped */
        watch_reset();
        {
                KeyValueList l;

                ck_assert_int_eq(test_parse("iscsi.target.t1", "portal = 192.0.2.1\n", false, &l), 0);
                watch(l.entries[0].value);
                keyvalue_list_done(&l);
        }
        ck_assert_uint_eq(n_watched_freed, 1);
        ck_assert_uint_eq(n_watched_dirty, 1);

        /* the canary scan too */
        canary = "canary-probe";
        n_canary_freed = 0;
        free(secret_strndup("a canary-probe here", 19));     /* not strdup(): the compiler may drop that pair */
        canary = NULL;
        ck_assert_uint_eq(n_canary_freed, 1);
}
END_TEST

/* ---- secret_strndup(), secret_equal() ----------------------------------- */

START_TEST(test_strndup)
{
        _cleanup_erase_free_ char *a = secret_strndup("password123", 8), *b = secret_strndup("", 0),
                                  *c = secret_strndup("ab\0cd", 5);

        ck_assert_str_eq(a, "password");
        ck_assert_str_eq(b, "");
        ck_assert_mem_eq(c, "ab\0cd", 6);
}
END_TEST

START_TEST(test_equal)
{
        ck_assert(secret_equal("abc", "abc"));
        ck_assert(secret_equal("", ""));
        ck_assert(!secret_equal("abc", "abd"));
        ck_assert(!secret_equal("abc", "abcd"));
        ck_assert(!secret_equal("abcd", "abc"));
        ck_assert(!secret_equal("", "a"));
        ck_assert(!secret_equal("Abc", "abc"));
        ck_assert(!secret_equal(NULL, "abc"));
        ck_assert(!secret_equal("abc", NULL));
        ck_assert(!secret_equal(NULL, NULL));
}
END_TEST

#define CANARY "Wiped-Canary-0123456789"

/* ---- secret_protect_process() ------------------------------------------------ */

START_TEST(test_protect_process)
{
        /* In a child, which may lower its limits for good. */
        pid_t pid = fork();
        int st;

        ck_assert_int_ge(pid, 0);
        if (pid == 0) {
                struct rlimit rl;

                if (setrlimit(RLIMIT_CORE, &(struct rlimit) { RLIM_INFINITY, RLIM_INFINITY }) < 0)
                        (void) setrlimit(RLIMIT_CORE, &(struct rlimit) { 4096, 4096 });
                if (secret_protect_process() < 0)
                        _exit(2);
                if (prctl(PR_GET_DUMPABLE, 0, 0, 0, 0) != 0)
                        _exit(3);
                if (getrlimit(RLIMIT_CORE, &rl) < 0 || rl.rlim_cur != 0 || rl.rlim_max != 0)
                        _exit(4);
                /* the hard limit cannot go up again (without CAP_SYS_RESOURCE) */
                if (geteuid() != 0 && setrlimit(RLIMIT_CORE, &(struct rlimit) { 4096, 4096 }) == 0)
                        _exit(5);
                _exit(0);
        }
        ck_assert_int_eq(waitpid(pid, &st, 0), pid);
        ck_assert(WIFEXITED(st));
        ck_assert_int_eq(WEXITSTATUS(st), 0);
}
END_TEST

/* ---- SecretBuf ------------------------------------------------------------ */

START_TEST(test_secret_buf_grows_wiped)
{
        /* Many appends force many moves: no old block may keep the secret. */
        SecretBuf b = {};
        char *d;

        n_canary_freed = 0;
        canary = CANARY;
        for (int i = 0; i < 200; i++) {
                ck_assert_int_eq(secret_buf_append_str(&b, "x-" CANARY "\n"), 0);
                ck_assert_int_eq(secret_buf_printf(&b, "%d=%s;", i, CANARY), 0);
        }
        ck_assert_uint_eq(b.size, strlen(b.data));
        ck_assert_uint_lt(b.size, b.allocated);
        ck_assert_ptr_nonnull(strstr(b.data, "199=" CANARY ";"));
        ck_assert_uint_eq(n_canary_freed, 0);

        /* the last block is wiped by secret_buf_done() */
        watch_reset();
        watch(b.data);
        secret_buf_done(&b);
        ck_assert_ptr_null(b.data);
        ck_assert_uint_eq(b.size, 0);
        ck_assert_uint_eq(n_watched_freed, 1);
        ck_assert_uint_eq(n_watched_dirty, 0);

        /* binary data with NULs, and steal */
        ck_assert_int_eq(secret_buf_append(&b, "a\0b", 3), 0);
        ck_assert_int_eq(secret_buf_append(&b, NULL, 0), 0);
        ck_assert_uint_eq(b.size, 3);
        d = secret_buf_steal(&b);
        ck_assert_ptr_null(b.data);
        ck_assert_mem_eq(d, "a\0b", 4);
        erase_and_free(d);
        canary = NULL;
        ck_assert_uint_eq(n_canary_freed, 0);

        /* an empty buffer steals as "" */
        d = secret_buf_steal(&b);
        ck_assert_str_eq(d, "");
        erase_and_free(d);
}
END_TEST

START_TEST(test_secret_buf_overflow)
{
        SecretBuf b = {};

        ck_assert_int_eq(secret_buf_append_str(&b, "abc"), 0);
        ck_assert_int_eq(secret_buf_append(&b, "x", SIZE_MAX - 2), -EOVERFLOW);
        ck_assert_str_eq(b.data, "abc");
        secret_buf_done(&b);
}
END_TEST

/* ---- secrets through the model: every block that held one is wiped -------- */

START_TEST(test_chap_secrets_free_wipes)
{
        KeyValueList l;
        ChapSecrets *s = NULL;

        ck_assert_int_eq(test_parse("iscsi.auth.t1",
                                    "node.session.auth.username = user-" CANARY "\n"
                                    "node.session.auth.password = out-" CANARY "\n"
                                    "node.session.auth.username_in = tgt-" CANARY "\n"
                                    "node.session.auth.password_in = in-" CANARY "\n",
                                    true, &l),
                         0);
        ck_assert_int_eq(chap_secrets_from_keyvalues("iscsi.auth.t1", &l, &s), 0);

        /* the values of a secret list are wiped */
        watch_reset();
        for (size_t i = 0; i < l.n_entries; i++)
                watch(l.entries[i].value);
        keyvalue_list_done(&l);
        ck_assert_uint_eq(n_watched_freed, 4);
        ck_assert_uint_eq(n_watched_dirty, 0);

        /* every field and the struct itself */
        watch_reset();
        watch(s->username);
        watch(s->password);
        watch(s->username_in);
        watch(s->password_in);
        watch(s);
        chap_secrets_free(s);
        ck_assert_uint_eq(n_watched_freed, 5);
        ck_assert_uint_eq(n_watched_dirty, 0);
}
END_TEST

START_TEST(test_no_unwiped_copy_anywhere)
{
        /* Parse, validate, render a node record, free everything: no block
         * freed on the way may still hold the secret. */
        KeyValueList lt, ls;
        Target *t = NULL;
        ChapSecrets *s = NULL;
        char *rec = NULL;

        ck_assert_int_eq(test_parse("iscsi.target.t1",
                                    "target = iqn.2001-04.com.example:t1\nportal = 192.0.2.1\n"
                                    "node.session.auth.chap_algs = SHA256\n",
                                    false, &lt),
                         0);
        ck_assert_int_eq(target_from_keyvalues("t1", &lt, &t), 0);
        keyvalue_list_done(&lt);

        n_canary_freed = 0;
        canary = CANARY;
        ck_assert_int_eq(test_parse("iscsi.auth.t1",
                                    "# " CANARY " in a comment too\n"
                                    "node.session.auth.username = user\n"
                                    "node.session.auth.password = out-" CANARY "\n"
                                    "node.session.auth.username_in = tgt\n"
                                    "node.session.auth.password_in = in-" CANARY "\n",
                                    true, &ls),
                         0);
        ck_assert_int_eq(chap_secrets_from_keyvalues("iscsi.auth.t1", &ls, &s), 0);
        keyvalue_list_done(&ls);
        ck_assert_int_eq(node_record_render(t, s, "tcp", &rec), 0);
        ck_assert_ptr_nonnull(strstr(rec, "out-" CANARY));
        erase_and_free(rec);
        chap_secrets_free(s);

        /* a failing parse of a secret credential too */
        ck_assert_int_eq(test_parse("iscsi.auth.t1", "node.session.auth.password = x-" CANARY "\x1b\n"
                                                     "node.session.auth.password = y-" CANARY "\n", true, &ls),
                         -EINVAL);
        ck_assert_int_eq(chap_secrets_from_keyvalues("iscsi.auth.t1", &ls, &s), -EINVAL);
        keyvalue_list_done(&ls);
        canary = NULL;

        target_free(t);
        ck_assert_msg(n_canary_freed == 0, "%zu freed block(s) still held the secret", n_canary_freed);
}
END_TEST

static Suite *secret_suite(void) {
        Suite *s = suite_create("secret");
        TCase *tc;

        tc = tcase_create("erase");
        tcase_add_test(tc, test_erase_whole_block);
        tcase_add_test(tc, test_erase_null);
        tcase_add_test(tc, test_erase_cleanup_attribute);
        tcase_add_test(tc, test_watch_detects_dirty);
        suite_add_tcase(s, tc);

        tc = tcase_create("helpers");
        tcase_add_test(tc, test_strndup);
        tcase_add_test(tc, test_equal);
        suite_add_tcase(s, tc);

        tc = tcase_create("process");
        tcase_add_test(tc, test_protect_process);
        suite_add_tcase(s, tc);

        tc = tcase_create("secret-buf");
        tcase_add_test(tc, test_secret_buf_grows_wiped);
        tcase_add_test(tc, test_secret_buf_overflow);
        suite_add_tcase(s, tc);

        tc = tcase_create("model");
        tcase_add_test(tc, test_chap_secrets_free_wipes);
        tcase_add_test(tc, test_no_unwiped_copy_anywhere);
        suite_add_tcase(s, tc);

        return s;
}

int main(void) {
        return test_run_suite(secret_suite());
}
