/* SPDX-License-Identifier: LGPL-2.1-or-later */

/*
 * Unit tests of the admin command's building blocks: base64 (RFC 4648
 * test vectors and strictness), the systemd-creds argv (no secret can be
 * in it: it is built from the name and options only, and the plaintext
 * goes to stdin), and the credential text builder (control characters).
 */

#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "base64.h"
#include "config.h"
#include "credstore.h"
#include "kvtext.h"
#include "secret.h"

/* RFC 4648 §10. */
static const struct { const char *plain, *encoded; } vectors[] = {
        { "", "" }, { "f", "Zg==" }, { "fo", "Zm8=" }, { "foo", "Zm9v" },
        { "foob", "Zm9vYg==" }, { "fooba", "Zm9vYmE=" }, { "foobar", "Zm9vYmFy" },
};

START_TEST(test_base64_vectors) {
        for (size_t i = 0; i < sizeof vectors / sizeof vectors[0]; i++) {
                char *enc = NULL, *dec = NULL;
                size_t n;

                ck_assert_int_eq(base64_encode(vectors[i].plain, strlen(vectors[i].plain), &enc), 0);
                ck_assert_str_eq(enc, vectors[i].encoded);
                ck_assert_int_eq(base64_decode(vectors[i].encoded, strlen(vectors[i].encoded), &dec, &n), 0);
                ck_assert_uint_eq(n, strlen(vectors[i].plain));
                ck_assert_str_eq(dec, vectors[i].plain);
                free(enc);
                erase_and_free(dec);
        }
}
END_TEST

START_TEST(test_base64_binary_roundtrip) {
        unsigned char all[256];
        char *enc = NULL, *dec = NULL;
        size_t n;

        for (int i = 0; i < 256; i++)
                all[i] = (unsigned char) i;
        for (size_t len = 0; len <= sizeof all; len += 37) {
                ck_assert_int_eq(base64_encode(all, len, &enc), 0);
                ck_assert_int_eq(base64_decode(enc, strlen(enc), &dec, &n), 0);
                ck_assert_uint_eq(n, len);
                ck_assert_int_eq(memcmp(dec, all, len), 0);
                free(enc);
                erase_and_free(dec);
        }
}
END_TEST

START_TEST(test_base64_blanks) {
        char *dec = NULL;
        size_t n;

        ck_assert_int_eq(base64_decode("Zm9v\nYmFy\n", 10, &dec, &n), 0);
        ck_assert_str_eq(dec, "foobar");
        erase_and_free(dec);
        ck_assert_int_eq(base64_decode(" Zm8= ", 6, &dec, &n), 0);
        ck_assert_str_eq(dec, "fo");
        erase_and_free(dec);
}
END_TEST

START_TEST(test_base64_bad) {
        static const char *const bad[] = {
                "Zg", "Zg=", "Zm9", "Z===", "====", "Zg==Zg==", "Zm9v!", "Zm9v-_", "Zh==", "Zm9=", "Zg=a", "Z",
        };
        char *dec = NULL;
        size_t n;

        for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
                ck_assert_msg(base64_decode(bad[i], strlen(bad[i]), &dec, &n) == -EINVAL, "accepted \"%s\"", bad[i]);
                ck_assert_ptr_null(dec);
        }
        /* A NUL byte inside is not base64. */
        ck_assert_int_eq(base64_decode("Zm\0v", 4, &dec, &n), -EINVAL);
}
END_TEST

START_TEST(test_encrypt_argv) {
        EncryptOptions o = { .with_key = "host+tpm2", .not_after = "2030-01-01" };
        char **argv = NULL;

        ck_assert_int_eq(creds_encrypt_argv("iscsi.auth.t1", &o, &argv), 0);
        ck_assert_str_eq(argv[0], SYSTEMD_CREDS_PATH);
        ck_assert_str_eq(argv[1], "encrypt");
        ck_assert_str_eq(argv[2], "--name=iscsi.auth.t1");
        ck_assert_str_eq(argv[3], "--with-key=host+tpm2");
        ck_assert_str_eq(argv[4], "--not-after=2030-01-01");
        ck_assert_str_eq(argv[5], "-");
        ck_assert_str_eq(argv[6], "-");
        ck_assert_ptr_null(argv[7]);
        argv_free(argv);

        o = (EncryptOptions) { .with_key = "auto-initrd" };
        ck_assert_int_eq(creds_encrypt_argv("iscsi.auth", &o, &argv), 0);
        ck_assert_str_eq(argv[3], "--with-key=auto-initrd");
        ck_assert_str_eq(argv[4], "-");
        ck_assert_str_eq(argv[5], "-");
        ck_assert_ptr_null(argv[6]);
        argv_free(argv);
}
END_TEST

/* The argv builder has no parameter through which a secret could enter: check that the
 * whole flow (text built, validated, argv built) leaves the secret out of argv. */
START_TEST(test_argv_has_no_secret) {
        static const char secret[] = "Zz8-VerySecret-42";
        KvText t = {};
        EncryptOptions o = { .with_key = "host" };
        char **argv = NULL;

        ck_assert_int_eq(kvtext_add(&t, "node.session.auth.username", "u"), 0);
        ck_assert_int_eq(kvtext_add(&t, "node.session.auth.password", secret), 0);
        ck_assert_int_eq(kvtext_to_chap(&t, "iscsi.auth.t1", NULL), 0);
        ck_assert_int_eq(creds_encrypt_argv("iscsi.auth.t1", &o, &argv), 0);
        for (char **a = argv; *a; a++)
                ck_assert_ptr_null(strstr(*a, secret));
        argv_free(argv);
        kvtext_done(&t);
}
END_TEST

START_TEST(test_kvtext) {
        KvText t = {};
        Target *target = NULL;

        ck_assert_int_eq(kvtext_add(&t, "target", "iqn.2003-01.org.example:x"), 0);
        ck_assert_int_eq(kvtext_add(&t, "portal", "192.0.2.1"), 0);
        ck_assert_str_eq(t.data, "target = iqn.2003-01.org.example:x\nportal = 192.0.2.1\n");
        ck_assert_int_eq(kvtext_add(&t, "mount", "/a\nauth = x"), -EINVAL);
        ck_assert_int_eq(kvtext_add(&t, "mount", "/a\tb"), -EINVAL);
        ck_assert_int_eq(kvtext_add(&t, "mount", ""), -EINVAL);
        ck_assert_int_eq(kvtext_to_target(&t, "x", &target), 0);
        ck_assert_str_eq(target->name, "iqn.2003-01.org.example:x");
        target_free(target);
        ck_assert_int_eq(kvtext_add(&t, "lun", "99999"), 0);
        ck_assert_int_eq(kvtext_to_target(&t, "x", NULL), -EINVAL);
        kvtext_done(&t);
        ck_assert_ptr_null(t.data);

        ck_assert_int_eq(kvtext_add(&t, "node.session.auth.password", "abcdefghijkl"), 0);
        ck_assert_int_eq(kvtext_to_chap(&t, "iscsi.auth.x", NULL), -EINVAL);   /* no username */
        kvtext_done(&t);
}
END_TEST

START_TEST(test_with_key) {
        ck_assert(with_key_is_valid("host"));
        ck_assert(with_key_is_valid("tpm2"));
        ck_assert(with_key_is_valid("host+tpm2"));
        ck_assert(with_key_is_valid("auto"));
        ck_assert(with_key_is_valid("auto-initrd"));
        ck_assert(!with_key_is_valid("tpm2-absent"));
        ck_assert(!with_key_is_valid(""));
        ck_assert(!with_key_is_valid("host "));
}
END_TEST

int main(void) {
        Suite *s = suite_create("cli");
        TCase *tc = tcase_create("core");
        SRunner *sr;
        int failed;

        tcase_add_test(tc, test_base64_vectors);
        tcase_add_test(tc, test_base64_binary_roundtrip);
        tcase_add_test(tc, test_base64_blanks);
        tcase_add_test(tc, test_base64_bad);
        tcase_add_test(tc, test_encrypt_argv);
        tcase_add_test(tc, test_argv_has_no_secret);
        tcase_add_test(tc, test_kvtext);
        tcase_add_test(tc, test_with_key);
        suite_add_tcase(s, tc);
        sr = srunner_create(s);
        srunner_run_all(sr, CK_NORMAL);
        failed = srunner_ntests_failed(sr);
        srunner_free(sr);
        return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
