/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include <check.h>
#include <errno.h>
#include <string.h>

#include "chap.h"
#include "test-util.h"

#define CRED "iscsi.auth.t1"
#define U "node.session.auth.username = "
#define P "node.session.auth.password = "
#define UI "node.session.auth.username_in = "
#define PI "node.session.auth.password_in = "

/* Distinctive secrets, at least 12 bytes so no warning is due. */
#define SECRET_OUT "Out-Secret-0123456789"
#define SECRET_IN "In-Secret-9876543210"

static int parse_secrets(const char *text, ChapSecrets **ret) {
        KeyValueList l;
        int r;

        r = test_parse(CRED, text, true, &l);
        ck_assert_msg(r == 0, "keyvalue_parse() failed on test input: %d", r);
        r = chap_secrets_from_keyvalues(CRED, &l, ret);
        keyvalue_list_done(&l);
        return r;
}

START_TEST(test_one_way)
{
        _cleanup_(chap_secrets_freep) ChapSecrets *s = NULL;

        test_log_capture_start();
        ck_assert_int_eq(parse_secrets(U "initiator-user\n" P SECRET_OUT "\n", &s), 0);
        test_log_capture_stop();
        ck_assert_str_eq(s->username, "initiator-user");
        ck_assert_str_eq(s->password, SECRET_OUT);
        ck_assert_ptr_null(s->username_in);
        ck_assert_ptr_null(s->password_in);
        ck_assert(!chap_secrets_mutual(s));
        ck_assert_uint_eq(test_n_logs, 0);
}
END_TEST

START_TEST(test_mutual)
{
        _cleanup_(chap_secrets_freep) ChapSecrets *s = NULL;

        ck_assert_int_eq(parse_secrets("# mutual CHAP\n"
                                       PI SECRET_IN "\n"
                                       UI "target-user\n"
                                       P SECRET_OUT "\n"
                                       U "initiator-user\n",
                                       &s),
                         0);
        ck_assert_str_eq(s->username, "initiator-user");
        ck_assert_str_eq(s->password, SECRET_OUT);
        ck_assert_str_eq(s->username_in, "target-user");
        ck_assert_str_eq(s->password_in, SECRET_IN);
        ck_assert(chap_secrets_mutual(s));
}
END_TEST

START_TEST(test_empty)
{
        /* an empty secrets credential: no CHAP at all */
        _cleanup_(chap_secrets_freep) ChapSecrets *s = NULL;

        ck_assert_int_eq(parse_secrets("# nothing\n", &s), 0);
        ck_assert_ptr_nonnull(s);
        ck_assert_ptr_null(s->username);
        ck_assert_ptr_null(s->password);
        ck_assert(!chap_secrets_mutual(s));
        ck_assert(!chap_secrets_mutual(NULL));
        chap_secrets_free(NULL);
}
END_TEST

START_TEST(test_secret_with_blanks_and_symbols)
{
        /* the value is everything after '=' minus surrounding blanks, inner blanks and '=' included */
        _cleanup_(chap_secrets_freep) ChapSecrets *s = NULL;

        ck_assert_int_eq(parse_secrets(U "user name\n" P "  pa ss=wo#rd%%\\x  \n", &s), 0);
        ck_assert_str_eq(s->username, "user name");
        ck_assert_str_eq(s->password, "pa ss=wo#rd%%\\x");
}
END_TEST

static const struct {
        const char *text;
        unsigned line;
        const char *what;
} bad[] = {
        { P SECRET_OUT "\n", 1, "password without username" },
        { U "user\n", 1, "username without password" },
        { U "user\n" P SECRET_OUT "\n" UI "tgt\n", 3, "username_in without password_in" },
        { U "user\n" P SECRET_OUT "\n" PI SECRET_IN "\n", 3, "password_in without username_in" },
        { UI "tgt\n" PI SECRET_IN "\n", 1, "mutual without one-way" },
        { PI SECRET_IN "\n", 1, "password_in alone" },
        { U "user\n" P SECRET_OUT "\n" UI "tgt\n" PI SECRET_OUT "\n", 4, "same secret both ways" },
        { U "user\n" P SECRET_OUT "\n" U "user\n", 3, "duplicate username" },
        { U "user\n" P SECRET_OUT "\n" P SECRET_IN "\n", 3, "duplicate password" },
        { U "user\n" P SECRET_OUT "\n" "node.session.auth.passwd = x\n", 3, "unknown open-iscsi key" },
        { U "user\n" P SECRET_OUT "\n" "node.session.auth.authmethod = None\n", 3, "authmethod is ours" },
        { U "user\n" P SECRET_OUT "\n" "target = iqn.2001-04.com.example:t\n", 3, "target key in secrets" },
        { U "user\n" P SECRET_OUT "\n" "password = " SECRET_IN "\n", 3, "short key name" },
        { "node.session.auth.Username = user\n" P SECRET_OUT "\n", 1, "key in the wrong case" },
};

START_TEST(test_bad)
{
        ChapSecrets *s = NULL;
        char prefix[64];
        int r;

        test_log_capture_start();
        r = parse_secrets(bad[_i].text, &s);
        test_log_capture_stop();
        chap_secrets_free(s);

        ck_assert_msg(r == -EINVAL, "%s: got %d, expected -EINVAL", bad[_i].what, r);
        ck_assert_uint_ge(test_log_count(LOG_ERR), 1);
        snprintf(prefix, sizeof prefix, CRED ":%u: ", bad[_i].line);
        ck_assert_msg(test_log_find(prefix), "%s: no message starts with \"%s\"; first: \"%s\"", bad[_i].what, prefix,
                      test_n_logs > 0 ? test_logs[0].message : "");
        /* never a secret in a message */
        for (size_t i = 0; i < test_n_logs && i < TEST_LOG_MAX; i++) {
                ck_assert_msg(!strstr(test_logs[i].message, SECRET_OUT), "%s: secret logged: %s", bad[_i].what,
                              test_logs[i].message);
                ck_assert_msg(!strstr(test_logs[i].message, SECRET_IN), "%s: secret logged: %s", bad[_i].what,
                              test_logs[i].message);
        }
}
END_TEST

START_TEST(test_all_problems_reported)
{
        ChapSecrets *s = NULL;

        test_log_capture_start();
        ck_assert_int_eq(parse_secrets("bogus = 1\n" P SECRET_OUT "\n" UI "tgt\n", &s), -EINVAL);
        test_log_capture_stop();
        chap_secrets_free(s);
        /* unknown key, password without username, username_in without password_in */
        ck_assert_uint_ge(test_log_count(LOG_ERR), 3);
        ck_assert_ptr_nonnull(test_log_find(CRED ":1: "));
        ck_assert_ptr_nonnull(test_log_find(CRED ":2: "));
        ck_assert_ptr_nonnull(test_log_find(CRED ":3: "));
}
END_TEST

START_TEST(test_short_secret_warning)
{
        /* RFC 7143 §12.1.3: at least 96 bits; shorter is accepted with a warning */
        ChapSecrets *s = NULL;

        ck_assert_int_eq(CHAP_SECRET_RECOMMENDED_MIN, 12);

        test_log_capture_start();
        ck_assert_int_eq(parse_secrets(U "u\n" P "abcdefghijk\n", &s), 0);      /* 11 bytes */
        test_log_capture_stop();
        ck_assert_uint_eq(test_log_count(LOG_WARNING), 1);
        ck_assert_uint_eq(test_log_count(LOG_ERR), 0);
        ck_assert_ptr_nonnull(test_log_find(CRED ":2: "));
        ck_assert_ptr_null(test_log_find("abcdefghijk"));
        chap_secrets_free(s);

        s = NULL;
        test_log_capture_start();
        ck_assert_int_eq(parse_secrets(U "u\n" P "abcdefghijkl\n", &s), 0);     /* 12 bytes */
        test_log_capture_stop();
        ck_assert_uint_eq(test_log_count(LOG_WARNING), 0);
        chap_secrets_free(s);

        /* both directions are checked */
        s = NULL;
        test_log_capture_start();
        ck_assert_int_eq(parse_secrets(U "u\n" P "short1\n" UI "t\n" PI "short2\n", &s), 0);
        test_log_capture_stop();
        ck_assert_uint_eq(test_log_count(LOG_WARNING), 2);
        ck_assert_ptr_nonnull(test_log_find(CRED ":2: "));
        ck_assert_ptr_nonnull(test_log_find(CRED ":4: "));
        ck_assert_ptr_null(test_log_find("short1"));
        ck_assert_ptr_null(test_log_find("short2"));
        chap_secrets_free(s);
}
END_TEST

/* ---- the secret never reaches stderr --------------------------------------- */

#define CANARY "Zq7-CANARY-SECRET-4f1d"

/* Secret credentials that are broken in every way we can think of; each
 * holds CANARY somewhere a careless message could echo it. */
static const struct {
        const char *text;
        size_t size;
} leaky[] = {
#define L(s) { s, sizeof(s) - 1 }
        L(U "user\n" P CANARY "\x1b\n"),                          /* control character */
        L(U "user\n" P CANARY "\r\n"),                            /* CR */
        L(U "user\n" P CANARY "\tx\n"),                           /* tab */
        L(U "user\n" P CANARY "\n" P CANARY "\n"),                /* duplicate */
        L(P CANARY "\n"),                                         /* password without username */
        L(U "user\n" P CANARY "\n" UI "t\n" PI CANARY "\n"),      /* same secret both ways */
        L(UI "t\n" PI CANARY "\n"),                               /* mutual without one-way */
        L(U CANARY "\n"),                                         /* a secret typed as the user name */
        L(CANARY "\n"),                                           /* a line without '=' */
        L(P "\n" CANARY "\n"),                                    /* value on the next line */
        L(CANARY " = x\n"),                                       /* secret as a key */
        L("node.session.auth.password " CANARY " = x\n"),        /* blank instead of '=' */
        L("node.session.auth.password: " CANARY "\n"),           /* ':' instead of '=' */
        L(U "user\n" P CANARY "\xff\n"),                          /* invalid UTF-8 */
        L(U "user\n" P CANARY "\0\n"),                            /* NUL byte */
        L(U "user\n" P "short" CANARY "\n" UI "t\n" PI "x\n"),     /* short in-secret warning path */
#undef L
};

START_TEST(test_no_secret_on_stderr)
{
        _cleanup_free_ char *v256 = NULL;
        char *dir = test_mkdtemp();
        TestStderr cap;
        char *out;
        size_t total = 0;

        log_setup("test-chap", LOG_TARGET_STDERR);
        log_set_structured_sink(NULL);
        log_set_max_level(LOG_DEBUG);

        test_stderr_begin(&cap, dir);
        for (size_t i = 0; i < ELEMENTSOF(leaky); i++) {
                KeyValueList l;
                ChapSecrets *s = NULL;
                int r;

                r = keyvalue_parse(CRED, leaky[i].text, leaky[i].size, true, &l);
                if (r == 0) {
                        (void) chap_secrets_from_keyvalues(CRED, &l, &s);
                        chap_secrets_free(s);
                }
                keyvalue_list_done(&l);
        }
        /* a value over 255 bytes that ends in the secret */
        v256 = malloc(512);
        ck_assert_ptr_nonnull(v256);
        strcpy(v256, P);
        memset(v256 + strlen(P), 'x', 250);
        strcpy(v256 + strlen(P) + 250, CANARY "\n");
        {
                KeyValueList l;

                ck_assert_int_eq(test_parse(CRED, v256, true, &l), -E2BIG);
                keyvalue_list_done(&l);
        }
        out = test_stderr_end(&cap);
        total = strlen(out);

        /* the capture works: the messages are there and name the credential */
        ck_assert_msg(strstr(out, CRED ":"), "nothing captured on stderr");
        ck_assert_uint_ge(total, 10 * strlen(CRED));
        /* ... and none of them holds the secret, not even a part of it */
        ck_assert_msg(!strstr(out, CANARY), "secret on stderr:\n%s", out);
        ck_assert_msg(!strstr(out, "CANARY-SECRET"), "part of the secret on stderr:\n%s", out);
        ck_assert_msg(!strstr(out, "Zq7"), "part of the secret on stderr:\n%s", out);

        free(out);
        test_rm_rf_free(dir);
}
END_TEST

/* ---- only known keys are named, no secret and no length ------------------- */

#define V300 "vvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvv"

/* Each case: the text, something secret in it, that secret's length (as printed), and the
 * line the message must name. */
static const struct {
        const char *text;
        const char *secret;
        const char *length;
        const char *line;
} unnamed[] = {
        /* a base64 secret alone on a line: "c2VjcmV0MTIzNDU" before '=', empty value */
        { U "u\nc2VjcmV0MTIzNDU=\n", "c2VjcmV0MTIzNDU", "15", CRED ":2:" },
        /* a key that looks like open-iscsi's but is not one of ours */
        { U "u\n" P "Long-enough-secret\nnode.session.auth.Qx8wLm2secret = x\n", "Qx8wLm2secret", "13",
          CRED ":3:" },
        /* unknown key, value with a control byte */
        { U "u\nPw4unknownkey = a\x01" "b\n", "Pw4unknownkey", "13", CRED ":2:" },
        /* unknown key, value over 255 bytes: neither the key nor the length */
        { U "u\nZk8mysecretkey = " V300 V300 V300 "\n", "Zk8mysecretkey", "300", CRED ":2:" },
        /* known key, value over 255 bytes: the key may be named, the length not */
        { U "u\n" P V300 V300 V300 "\n", V300, "300", CRED ":2:" },
        /* a line without '=' */
        { U "u\nHx3PlainSecretLine\n", "Hx3PlainSecretLine", "18", CRED ":2:" },
        /* short secret: a warning with the rule, not the length */
        { U "u\n" P "Ab3dEfGh\n", "Ab3dEfGh", "8", CRED ":2:" },
};

START_TEST(test_only_known_keys_named)
{
        char *dir = test_mkdtemp();
        TestStderr cap;
        KeyValueList l;
        ChapSecrets *s = NULL;
        char *out;
        int r;

        log_setup("test-chap", LOG_TARGET_STDERR);
        log_set_structured_sink(NULL);
        log_set_max_level(LOG_DEBUG);

        test_stderr_begin(&cap, dir);
        r = test_parse(CRED, unnamed[_i].text, true, &l);
        if (r == 0)
                (void) chap_secrets_from_keyvalues(CRED, &l, &s);
        chap_secrets_free(s);
        keyvalue_list_done(&l);
        out = test_stderr_end(&cap);

        ck_assert_msg(strstr(out, unnamed[_i].line), "case %d: no message naming %s:\n%s", _i, unnamed[_i].line, out);
        ck_assert_msg(!strstr(out, unnamed[_i].secret), "case %d: secret on stderr:\n%s", _i, out);
        ck_assert_msg(!strstr(out, unnamed[_i].length), "case %d: its length %s on stderr:\n%s", _i,
                      unnamed[_i].length, out);
        free(out);
        test_rm_rf_free(dir);
}
END_TEST

START_TEST(test_chap_key_known)
{
        static const char *const known[] = {
                "node.session.auth.username", "node.session.auth.password",
                "node.session.auth.username_in", "node.session.auth.password_in",
                "discovery.sendtargets.auth.username", "discovery.sendtargets.auth.password",
                "discovery.sendtargets.auth.username_in", "discovery.sendtargets.auth.password_in",
        };
        static const char *const unknown[] = {
                "", "node.session.auth.", "node.session.auth.pasword", "node.session.auth.PASSWORD",
                "discovery.sendtargets.auth.password_out", "password", "node.session.auth.password ",
                "c2VjcmV0MTIzNDU",
        };

        for (size_t i = 0; i < ELEMENTSOF(known); i++)
                ck_assert_msg(chap_key_known(known[i]), "%s", known[i]);
        for (size_t i = 0; i < ELEMENTSOF(unknown); i++)
                ck_assert_msg(!chap_key_known(unknown[i]), "%s", unknown[i]);
        ck_assert(!chap_key_known(NULL));
}
END_TEST

/* ---- chap_algs_check() ---------------------------------------------------- */

static const char *const algs_good[] = {
        "MD5", "SHA1", "SHA256", "SHA3-256",
        "SHA3-256,SHA256,SHA1,MD5",
        "MD5,SHA3-256",
        "SHA256,MD5",
};

START_TEST(test_algs_good)
{
        const char *reason = NULL;

        ck_assert_msg(chap_algs_check(algs_good[_i], &reason) == 0, "\"%s\" refused: %s", algs_good[_i],
                      reason ?: "");
}
END_TEST

static const char *const algs_bad[] = {
        "",                     /* empty list */
        ",",
        "MD5,",                 /* empty entry */
        ",MD5",
        "MD5,,SHA1",
        "MD4",                  /* unknown */
        "SHA-1",
        "SHA3",
        "SHA512",
        "SHA3-256 ",
        "MD5, SHA1",
        "MD5;SHA1",
        "MD5,MD5",              /* repeated */
        "SHA1,SHA256,SHA1",
        "MD5,SHA1,SHA256,SHA3-256,MD5",
};

START_TEST(test_algs_bad)
{
        const char *reason = NULL;

        ck_assert_msg(chap_algs_check(algs_bad[_i], &reason) == -EINVAL, "\"%s\" accepted", algs_bad[_i]);
        ck_assert_ptr_nonnull(reason);
        ck_assert_uint_gt(strlen(reason), 0);
}
END_TEST

static Suite *chap_suite(void) {
        Suite *s = suite_create("chap");
        TCase *tc;

        tc = tcase_create("secrets");
        tcase_add_test(tc, test_one_way);
        tcase_add_test(tc, test_mutual);
        tcase_add_test(tc, test_empty);
        tcase_add_test(tc, test_secret_with_blanks_and_symbols);
        tcase_add_loop_test(tc, test_bad, 0, (int) ELEMENTSOF(bad));
        tcase_add_test(tc, test_all_problems_reported);
        tcase_add_test(tc, test_short_secret_warning);
        tcase_add_test(tc, test_no_secret_on_stderr);
        tcase_add_loop_test(tc, test_only_known_keys_named, 0, (int) ELEMENTSOF(unnamed));
        tcase_add_test(tc, test_chap_key_known);
        suite_add_tcase(s, tc);

        tc = tcase_create("chap_algs");
        tcase_add_loop_test(tc, test_algs_good, 0, (int) ELEMENTSOF(algs_good));
        tcase_add_loop_test(tc, test_algs_bad, 0, (int) ELEMENTSOF(algs_bad));
        suite_add_tcase(s, tc);

        return s;
}

int main(void) {
        return test_run_suite(chap_suite());
}
