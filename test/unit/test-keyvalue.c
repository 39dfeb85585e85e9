/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "keyvalue.h"
#include "test-util.h"

#define CRED "iscsi.target.t1"

static void assert_entry(const KeyValueList *l, size_t i, const char *key, const char *value, unsigned line) {
        ck_assert_uint_lt(i, l->n_entries);
        ck_assert_str_eq(l->entries[i].key, key);
        ck_assert_str_eq(l->entries[i].value, value);
        ck_assert_uint_eq(l->entries[i].line, line);
}

/* Value of @n bytes: 'v' repeated. */
static char *value_of(size_t n) {
        char *v = malloc(n + 1);

        ck_assert_ptr_nonnull(v);
        memset(v, 'v', n);
        v[n] = '\0';
        return v;
}

START_TEST(test_parse_format)
{
        KeyValueList l;

        ck_assert_int_eq(test_parse(CRED,
                                    "# a comment\n"
                                    "\n"
                                    "target = iqn.2001-04.com.example:t1\n"
                                    "portal=192.0.2.1\n"
                                    "   \t\n"
                                    "  # indented comment = not a key\n"
                                    "\tlun\t=\t3\t\n"
                                    "options =  a=b,c  \n"
                                    "mount = /mnt/donn\xc3\xa9" "es\n"
                                    "iface = x # not a comment\n"
                                    "last = no newline",
                                    false, &l),
                         0);
        ck_assert_uint_eq(l.n_entries, 7);
        ck_assert(!l.secret);
        assert_entry(&l, 0, "target", "iqn.2001-04.com.example:t1", 3);
        assert_entry(&l, 1, "portal", "192.0.2.1", 4);
        assert_entry(&l, 2, "lun", "3", 7);
        /* only the first '=' splits; the value keeps later ones */
        assert_entry(&l, 3, "options", "a=b,c", 8);
        assert_entry(&l, 4, "mount", "/mnt/donn\xc3\xa9" "es", 9);
        assert_entry(&l, 5, "iface", "x # not a comment", 10);
        assert_entry(&l, 6, "last", "no newline", 11);
        keyvalue_list_done(&l);
        ck_assert_uint_eq(l.n_entries, 0);
        ck_assert_ptr_null(l.entries);
        /* done twice is harmless */
        keyvalue_list_done(&l);
}
END_TEST

START_TEST(test_parse_empty)
{
        KeyValueList l;

        ck_assert_int_eq(keyvalue_parse(CRED, "", 0, false, &l), 0);
        ck_assert_uint_eq(l.n_entries, 0);
        keyvalue_list_done(&l);

        ck_assert_int_eq(test_parse(CRED, "\n\n# only comments\n\n", true, &l), 0);
        ck_assert_uint_eq(l.n_entries, 0);
        ck_assert(l.secret);
        keyvalue_list_done(&l);
}
END_TEST

START_TEST(test_parse_not_nul_terminated)
{
        /* @size bounds the parse: a heap buffer of exactly that size, no NUL
         * (ASan catches any read past it). */
        static const char text[] = "a = 1\nb = 2";
        KeyValueList l;
        char *buf = malloc(5);

        ck_assert_ptr_nonnull(buf);
        memcpy(buf, text, 5);
        ck_assert_int_eq(keyvalue_parse(CRED, buf, 5, false, &l), 0);
        ck_assert_uint_eq(l.n_entries, 1);
        assert_entry(&l, 0, "a", "1", 1);
        keyvalue_list_done(&l);
        free(buf);

        ck_assert_int_eq(keyvalue_parse(CRED, text, 8, false, &l), -EINVAL);   /* "a = 1\nb " */
        ck_assert_uint_eq(l.n_entries, 1);
        keyvalue_list_done(&l);
}
END_TEST

START_TEST(test_parse_duplicates_kept)
{
        /* keyvalue_parse() keeps duplicates in order: the model layer rejects them */
        KeyValueList l;

        ck_assert_int_eq(test_parse(CRED, "lun = 1\nlun = 2\n", false, &l), 0);
        ck_assert_uint_eq(l.n_entries, 2);
        assert_entry(&l, 0, "lun", "1", 1);
        assert_entry(&l, 1, "lun", "2", 2);
        keyvalue_list_done(&l);
}
END_TEST

/* Lines that are malformed, each on its own; expected error. */
/* sizeof, not strlen: some cases hold a NUL byte */
#define BAD(text, error, what) { text, sizeof(text) - 1, error, what }

static const struct {
        const char *text;
        size_t size;
        int error;
        const char *what;
} bad_lines[] = {
        BAD("no equals sign\n", -EINVAL, "line without '='"),
        BAD("target\n", -EINVAL, "key without '='"),
        BAD(" = value\n", -EINVAL, "empty key"),
        BAD("=value\n", -EINVAL, "empty key, no blanks"),
        BAD("target =\n", -EINVAL, "empty value"),
        BAD("target =   \t \n", -EINVAL, "blank value"),
        BAD("tar get = x\n", -EINVAL, "blank in key"),
        BAD("target\x1b = x\n", -EINVAL, "ESC in key"),
        BAD("t\xc3\xa9 = x\n", -EINVAL, "non-ASCII key"),
        BAD("target = a\tb\n", -EINVAL, "tab inside a value"),
        BAD("target = a\rb\n", -EINVAL, "CR inside a value"),
        BAD("target = value\r\n", -EINVAL, "CRLF line ending"),
        BAD("target = \x1b[31mred\n", -EINVAL, "ESC in a value"),
        BAD("target = a\x01" "b\n", -EINVAL, "SOH in a value"),
        BAD("target = a\x7f\n", -EINVAL, "DEL in a value"),
        BAD("target = a\vb\n", -EINVAL, "VT in a value"),
        BAD("target = a\fb\n", -EINVAL, "FF in a value"),
        BAD("a\x00" "b = c\n", -EBADMSG, "NUL byte in a key"),
        BAD("a = b\x00\n", -EBADMSG, "NUL byte in a value"),
        BAD("a = caf\xe9\n", -EBADMSG, "Latin-1, not UTF-8"),
        BAD("a = \xc0\xaf\n", -EBADMSG, "overlong UTF-8"),
        BAD("a = \xed\xa0\x80\n", -EBADMSG, "UTF-8 surrogate"),
        BAD("a = \xf4\x90\x80\x80\n", -EBADMSG, "beyond U+10FFFF"),
        BAD("a = \xc3\n", -EBADMSG, "truncated UTF-8"),
        BAD("# comment \xff\n", -EBADMSG, "invalid UTF-8 even in a comment"),
};

START_TEST(test_parse_bad_line)
{
        KeyValueList l;
        size_t size = bad_lines[_i].size;
        int r;

        r = keyvalue_parse(CRED, bad_lines[_i].text, size, false, &l);
        ck_assert_msg(r == bad_lines[_i].error, "%s: got %d (%s), expected %d (%s)", bad_lines[_i].what, r,
                      strerror(-r), bad_lines[_i].error, strerror(-bad_lines[_i].error));
        ck_assert_uint_eq(l.n_entries, 0);
        keyvalue_list_done(&l);

        /* the same in secret mode */
        r = keyvalue_parse(CRED, bad_lines[_i].text, size, true, &l);
        ck_assert_msg(r == bad_lines[_i].error, "%s (secret): got %d, expected %d", bad_lines[_i].what, r,
                      bad_lines[_i].error);
        ck_assert_uint_eq(l.n_entries, 0);
        keyvalue_list_done(&l);
}
END_TEST

START_TEST(test_trailing_tab_is_trimmed)
{
        /* a blank at the end of a value is trimmed, not a control character */
        KeyValueList l;

        ck_assert_int_eq(test_parse(CRED, "target = value\t\n", false, &l), 0);
        assert_entry(&l, 0, "target", "value", 1);
        keyvalue_list_done(&l);
}
END_TEST

START_TEST(test_value_length)
{
        _cleanup_free_ char *v255 = value_of(KEYVALUE_VALUE_MAX), *v256 = value_of(KEYVALUE_VALUE_MAX + 1);
        _cleanup_free_ char *t255 = NULL, *t256 = NULL, *t255u = NULL;
        KeyValueList l;

        ck_assert_int_eq(KEYVALUE_VALUE_MAX, 255);
        ck_assert_int_ge(asprintf(&t255, "key = %s\n", v255), 0);
        ck_assert_int_ge(asprintf(&t256, "key = %s\n", v256), 0);

        ck_assert_int_eq(test_parse(CRED, t255, false, &l), 0);
        ck_assert_uint_eq(l.n_entries, 1);
        ck_assert_uint_eq(strlen(l.entries[0].value), 255);
        keyvalue_list_done(&l);

        ck_assert_int_eq(test_parse(CRED, t256, false, &l), -E2BIG);
        ck_assert_uint_eq(l.n_entries, 0);
        keyvalue_list_done(&l);

        ck_assert_int_eq(test_parse(CRED, t256, true, &l), -E2BIG);
        keyvalue_list_done(&l);

        /* the limit is in bytes, not characters: 127 x U+00E9 + 'x' = 255 bytes */
        {
                char buf[300] = "key = ";
                size_t o = strlen(buf);

                for (int i = 0; i < 127; i++) {
                        buf[o++] = '\xc3';
                        buf[o++] = '\xa9';
                }
                buf[o++] = 'x';
                buf[o] = '\0';
                t255u = strdup(buf);
                ck_assert_int_eq(test_parse(CRED, t255u, false, &l), 0);
                ck_assert_uint_eq(strlen(l.entries[0].value), 255);
                keyvalue_list_done(&l);

                /* 'x' -> a 128th e-acute: 256 bytes */
                buf[o - 1] = '\xc3';
                buf[o++] = '\xa9';
                buf[o] = '\0';
                ck_assert_int_eq(test_parse(CRED, buf, false, &l), -E2BIG);
                keyvalue_list_done(&l);
        }

        /* blanks around the value do not count */
        free(t255);
        ck_assert_int_ge(asprintf(&t255, "key =    %s    \n", v255), 0);
        ck_assert_int_eq(test_parse(CRED, t255, false, &l), 0);
        keyvalue_list_done(&l);
}
END_TEST

START_TEST(test_goes_on_past_errors)
{
        _cleanup_free_ char *v256 = value_of(256), *text = NULL;
        KeyValueList l;

        /* every line is looked at: the good ones are returned, the first error wins */
        ck_assert_int_ge(asprintf(&text,
                                  "a = 1\n"
                                  "broken\n"
                                  "b = 2\n"
                                  "c = %s\n"
                                  "d = x\ty\n"
                                  "e = 5\n", v256), 0);
        test_log_capture_start();
        ck_assert_int_eq(test_parse(CRED, text, false, &l), -EINVAL);
        test_log_capture_stop();
        ck_assert_uint_eq(l.n_entries, 3);
        assert_entry(&l, 0, "a", "1", 1);
        assert_entry(&l, 1, "b", "2", 3);
        assert_entry(&l, 2, "e", "5", 6);
        keyvalue_list_done(&l);

        /* one error per bad line, each naming the credential and the line */
        ck_assert_uint_eq(test_log_count(LOG_ERR), 3);
        ck_assert_ptr_nonnull(test_log_find(CRED ":2: "));
        ck_assert_ptr_nonnull(test_log_find(CRED ":4: "));
        ck_assert_ptr_nonnull(test_log_find(CRED ":5: "));
        ck_assert_str_eq(test_log_find(CRED ":2: ")->message_id, MESSAGE_ID_BAD_CREDENTIAL);

        /* first error decides the code: E2BIG before EINVAL */
        free(text);
        ck_assert_int_ge(asprintf(&text, "c = %s\nbroken\n", v256), 0);
        ck_assert_int_eq(test_parse(CRED, text, false, &l), -E2BIG);
        keyvalue_list_done(&l);
        free(text);
        ck_assert_int_ge(asprintf(&text, "broken\nc = %s\n", v256), 0);
        ck_assert_int_eq(test_parse(CRED, text, false, &l), -EINVAL);
        keyvalue_list_done(&l);
}
END_TEST

START_TEST(test_line_numbers_with_crlf_error)
{
        KeyValueList l;

        test_log_capture_start();
        ck_assert_int_eq(test_parse(CRED, "a = 1\r\nb = 2\r\n", false, &l), -EINVAL);
        test_log_capture_stop();
        ck_assert_uint_eq(l.n_entries, 0);
        ck_assert_uint_eq(test_log_count(LOG_ERR), 2);
        ck_assert_ptr_nonnull(test_log_find(CRED ":1: "));
        ck_assert_ptr_nonnull(test_log_find(CRED ":2: "));
        keyvalue_list_done(&l);
}
END_TEST

START_TEST(test_secret_flag_and_unprintable_key)
{
        KeyValueList l;

        /* secret mode: a malformed key may be a misplaced secret: never echoed */
        test_log_capture_start();
        ck_assert_int_eq(test_parse("iscsi.auth.t1", "Hunter2 Secret!! = x\n", true, &l), -EINVAL);
        test_log_capture_stop();
        ck_assert_uint_eq(test_log_count(LOG_ERR), 1);
        ck_assert_ptr_null(test_log_find("Hunter2"));
        ck_assert_ptr_nonnull(test_log_find("iscsi.auth.t1:1: "));
        keyvalue_list_done(&l);
}
END_TEST

static const struct {
        const char *key;
        bool printable;
} key_cases[] = {
        { "target", true },
        { "device-timeout", true },
        { "node.session.auth.chap_algs", true },
        { "node.conn[0].address", true },
        { "A_Z.0-9", true },
        { "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", true },   /* 64 */
        { "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", false },  /* 65 */
        { "", false },
        { "a b", false },
        { "a=b", false },
        { "a:b", false },
        { "a/b", false },
        { "a\tb", false },
        { "s3cr3t!", false },
        { "t\xc3\xa9", false },
};

START_TEST(test_key_printable)
{
        ck_assert_msg(keyvalue_key_printable(key_cases[_i].key) == key_cases[_i].printable,
                      "keyvalue_key_printable(\"%s\") should be %d", key_cases[_i].key, key_cases[_i].printable);
}
END_TEST

/* ---- byte order mark ------------------------------------------------------ */

START_TEST(test_parse_bom)
{
        KeyValueList l;

        /* skipped at the start, as systemd's conf-parser does; the line numbers stay */
        ck_assert_int_eq(test_parse(CRED, "\xef\xbb\xbftarget = iqn.2001-04.com.example:t1\nlun = 1\n", false, &l), 0);
        ck_assert_uint_eq(l.n_entries, 2);
        assert_entry(&l, 0, "target", "iqn.2001-04.com.example:t1", 1);
        assert_entry(&l, 1, "lun", "1", 2);
        keyvalue_list_done(&l);

        ck_assert_int_eq(test_parse(CRED, "\xef\xbb\xbf", false, &l), 0);
        ck_assert_uint_eq(l.n_entries, 0);
        keyvalue_list_done(&l);

        ck_assert_int_eq(test_parse(CRED, "\xef\xbb\xbf# comment\nlun = 1\n", true, &l), 0);
        assert_entry(&l, 0, "lun", "1", 2);
        keyvalue_list_done(&l);

        /* only one, and only at the very start */
        ck_assert_int_eq(test_parse(CRED, "\xef\xbb\xbf\xef\xbb\xbflun = 1\n", false, &l), -EINVAL);
        keyvalue_list_done(&l);
        ck_assert_int_eq(test_parse(CRED, "lun = 1\n\xef\xbb\xbfportal = 192.0.2.1\n", false, &l), -EINVAL);
        keyvalue_list_done(&l);
        ck_assert_int_eq(test_parse(CRED, " \xef\xbb\xbflun = 1\n", false, &l), -EINVAL);
        keyvalue_list_done(&l);
}
END_TEST

/* ---- control bytes never reach a log line raw --------------------------------- */

START_TEST(test_control_bytes_escaped)
{
        char *dir = test_mkdtemp();
        TestStderr cap;
        KeyValueList l;
        char *out;

        log_setup("test-keyvalue", LOG_TARGET_STDERR);
        log_set_structured_sink(NULL);
        log_set_max_level(LOG_DEBUG);

        test_stderr_begin(&cap, dir);
        /* a credential (file) name with a newline, a key with an ESC sequence */
        ck_assert_int_eq(test_parse("iscsi.target.x\n<3>forged", "lun\n", false, &l), -EINVAL);
        keyvalue_list_done(&l);
        ck_assert_int_eq(test_parse(CRED, "lu\x1b[2Jn = 1\n", false, &l), -EINVAL);
        keyvalue_list_done(&l);
        ck_assert_int_eq(test_parse(CRED, "a\rb = 1\n", false, &l), -EINVAL);
        keyvalue_list_done(&l);
        out = test_stderr_end(&cap);

        ck_assert_msg(strstr(out, "iscsi.target.x\\n<3>forged:1: "), "name not escaped:\n%s", out);
        ck_assert_msg(!strstr(out, "\n<3>forged"), "forged line:\n%s", out);
        ck_assert_msg(strstr(out, CRED ":1: Malformed key \"lu\\x1b[2Jn\""), "key not escaped:\n%s", out);
        ck_assert_msg(strstr(out, CRED ":1: Malformed key \"a\\rb\""), "CR not escaped:\n%s", out);
        ck_assert_ptr_null(memchr(out, '\x1b', strlen(out)));
        ck_assert_ptr_null(memchr(out, '\r', strlen(out)));
        /* three messages, three lines */
        {
                size_t lines = 0;

                for (const char *p = out; *p; p++)
                        lines += *p == '\n';
                ck_assert_uint_eq(lines, 3);
        }
        free(out);
        test_rm_rf_free(dir);
}
END_TEST

static Suite *keyvalue_suite(void) {
        Suite *s = suite_create("keyvalue");
        TCase *tc;

        tc = tcase_create("format");
        tcase_add_test(tc, test_parse_format);
        tcase_add_test(tc, test_parse_empty);
        tcase_add_test(tc, test_parse_not_nul_terminated);
        tcase_add_test(tc, test_parse_duplicates_kept);
        tcase_add_test(tc, test_trailing_tab_is_trimmed);
        suite_add_tcase(s, tc);

        tc = tcase_create("errors");
        tcase_add_loop_test(tc, test_parse_bad_line, 0, (int) ELEMENTSOF(bad_lines));
        tcase_add_test(tc, test_value_length);
        tcase_add_test(tc, test_goes_on_past_errors);
        tcase_add_test(tc, test_line_numbers_with_crlf_error);
        tcase_add_test(tc, test_secret_flag_and_unprintable_key);
        suite_add_tcase(s, tc);

        tc = tcase_create("bom-and-escapes");
        tcase_add_test(tc, test_parse_bom);
        tcase_add_test(tc, test_control_bytes_escaped);
        suite_add_tcase(s, tc);

        tc = tcase_create("keys");
        tcase_add_loop_test(tc, test_key_printable, 0, (int) ELEMENTSOF(key_cases));
        suite_add_tcase(s, tc);

        return s;
}

int main(void) {
        return test_run_suite(keyvalue_suite());
}
