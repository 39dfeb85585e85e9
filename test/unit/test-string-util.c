/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include <check.h>
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "string-util.h"
#include "test-util.h"

/* ---- utf8_is_valid_n() (RFC 3629 §3, §4) --------------------------------- */

static const struct {
        const char *bytes;
        size_t n;
        bool valid;
        const char *what;
} utf8_cases[] = {
        { "", 0, true, "empty" },
        { "plain ascii", 11, true, "ASCII" },
        { "\x7f", 1, true, "DEL is ASCII" },
        { "donn\xc3\xa9" "es", 8, true, "U+00E9 (2 bytes)" },
        { "\xc2\x80", 2, true, "U+0080, smallest 2-byte" },
        { "\xdf\xbf", 2, true, "U+07FF, largest 2-byte" },
        { "\xe0\xa0\x80", 3, true, "U+0800, smallest 3-byte" },
        { "\xe2\x82\xac", 3, true, "U+20AC euro" },
        { "\xed\x9f\xbf", 3, true, "U+D7FF, just below the surrogates" },
        { "\xee\x80\x80", 3, true, "U+E000, just above the surrogates" },
        { "\xef\xbf\xbf", 3, true, "U+FFFF" },
        { "\xf0\x90\x80\x80", 4, true, "U+10000, smallest 4-byte" },
        { "\xf0\x9f\x98\x80", 4, true, "U+1F600" },
        { "\xf4\x8f\xbf\xbf", 4, true, "U+10FFFF, the last code point" },
        /* overlong forms */
        { "\xc0\x80", 2, false, "overlong NUL (C0 80)" },
        { "\xc0\xaf", 2, false, "overlong '/' (C0 AF)" },
        { "\xc1\xbf", 2, false, "overlong U+007F (C1 BF)" },
        { "\xe0\x80\xaf", 3, false, "overlong '/' in 3 bytes" },
        { "\xe0\x9f\xbf", 3, false, "overlong U+07FF in 3 bytes" },
        { "\xf0\x80\x80\xaf", 4, false, "overlong '/' in 4 bytes" },
        { "\xf0\x8f\xbf\xbf", 4, false, "overlong U+FFFF in 4 bytes" },
        /* surrogates */
        { "\xed\xa0\x80", 3, false, "U+D800 high surrogate" },
        { "\xed\xaf\xbf", 3, false, "U+DBFF" },
        { "\xed\xb0\x80", 3, false, "U+DC00 low surrogate" },
        { "\xed\xbf\xbf", 3, false, "U+DFFF" },
        { "\xed\xa0\xbd\xed\xb8\x80", 6, false, "CESU-8 surrogate pair" },
        /* beyond Unicode and invalid lead bytes */
        { "\xf4\x90\x80\x80", 4, false, "U+110000" },
        { "\xf5\x80\x80\x80", 4, false, "lead byte F5" },
        { "\xf8\x88\x80\x80\x80", 5, false, "5-byte form" },
        { "\xfc\x84\x80\x80\x80\x80", 6, false, "6-byte form" },
        { "\xfe", 1, false, "FE" },
        { "\xff", 1, false, "FF" },
        /* structure */
        { "\x80", 1, false, "lone continuation byte" },
        { "a\xbf" "b", 3, false, "continuation byte between ASCII" },
        { "\xc3", 1, false, "truncated 2-byte sequence" },
        { "\xe2\x82", 2, false, "truncated 3-byte sequence" },
        { "\xf0\x9f\x98", 3, false, "truncated 4-byte sequence" },
        { "\xc3" "a", 2, false, "lead byte followed by ASCII" },
        { "\xe2\x28\xa1", 3, false, "bad second byte" },
        { "\xe9", 1, false, "Latin-1 e-acute" },
        /* the length bound is honoured: a valid sequence cut by n */
        { "\xc3\xa9", 1, false, "valid bytes cut short by n" },
        { "ab\xff", 2, true, "invalid byte beyond n is not looked at" },
};

START_TEST(test_utf8_table)
{
        ck_assert_msg(utf8_is_valid_n(utf8_cases[_i].bytes, utf8_cases[_i].n) == utf8_cases[_i].valid,
                      "utf8_is_valid_n(%s) should be %s", utf8_cases[_i].what,
                      utf8_cases[_i].valid ? "true" : "false");
}
END_TEST

/* ---- has_control_char() -------------------------------------------------- */

static const struct {
        const char *s;
        bool control;
} control_cases[] = {
        { "", false },
        { "abc", false },
        { "a b", false },
        { "~", false },
        { "donn\xc3\xa9" "es", false },
        { "\xc2\x85", false },          /* U+0085 is C1, not C0 */
        { "a\tb", true },
        { "a\nb", true },
        { "a\rb", true },
        { "\x1b[31m", true },           /* ESC: terminal escape */
        { "a\x01", true },
        { "\x1f", true },
        { "a\x7f", true },              /* DEL */
        { "\v", true },
        { "\f", true },
};

START_TEST(test_has_control_char)
{
        ck_assert_msg(has_control_char(control_cases[_i].s) == control_cases[_i].control,
                      "has_control_char(case %d) should be %d", _i, control_cases[_i].control);
}
END_TEST

/* ---- safe_atou64() ------------------------------------------------------- */

START_TEST(test_safe_atou64_good)
{
        unsigned long long v = 42;

        ck_assert_int_eq(safe_atou64("0", &v), 0);
        ck_assert_uint_eq(v, 0);
        ck_assert_int_eq(safe_atou64("1", &v), 0);
        ck_assert_uint_eq(v, 1);
        ck_assert_int_eq(safe_atou64("3260", &v), 0);
        ck_assert_uint_eq(v, 3260);
        ck_assert_int_eq(safe_atou64("007", &v), 0);
        ck_assert_uint_eq(v, 7);
        ck_assert_int_eq(safe_atou64("4294967296", &v), 0);
        ck_assert_uint_eq(v, 4294967296ULL);
        ck_assert_int_eq(safe_atou64("18446744073709551615", &v), 0);
        ck_assert_uint_eq(v, UINT64_MAX);
        ck_assert_int_eq(safe_atou64("18446744073709551610", &v), 0);
        ck_assert_uint_eq(v, 18446744073709551610ULL);
}
END_TEST

START_TEST(test_safe_atou64_overflow)
{
        unsigned long long v = 42;

        ck_assert_int_eq(safe_atou64("18446744073709551616", &v), -ERANGE);
        ck_assert_int_eq(safe_atou64("18446744073709551620", &v), -ERANGE);
        ck_assert_int_eq(safe_atou64("99999999999999999999", &v), -ERANGE);
        ck_assert_int_eq(safe_atou64("184467440737095516150", &v), -ERANGE);
        ck_assert_int_eq(safe_atou64("100000000000000000000000000000", &v), -ERANGE);
        /* the output is left alone on failure */
        ck_assert_uint_eq(v, 42);
}
END_TEST

static const char *const atou_invalid[] = {
        "", " 1", "1 ", "+1", "-1", "-0", "0x10", "1e3", "1.0", "12a", "a12", "\xd9\xa1", /* Arabic-Indic one */
        "1,000", "1_000", "\t1",
};

START_TEST(test_safe_atou64_invalid)
{
        unsigned long long v = 42;

        ck_assert_msg(safe_atou64(atou_invalid[_i], &v) == -EINVAL, "safe_atou64(\"%s\") should be -EINVAL",
                      atou_invalid[_i]);
        ck_assert_uint_eq(v, 42);
}
END_TEST

/* ---- startswith(), strstrip(), in_charset(), streq_ptr(), isempty() ----- */

START_TEST(test_startswith)
{
        const char *s = "iscsi.target.t1";

        ck_assert_ptr_eq(startswith(s, "iscsi.target."), s + 13);
        ck_assert_str_eq(startswith(s, "iscsi.target."), "t1");
        ck_assert_ptr_eq(startswith(s, ""), s);
        ck_assert_ptr_eq(startswith(s, s), s + strlen(s));
        ck_assert_ptr_null(startswith(s, "iscsi.auth."));
        ck_assert_ptr_null(startswith("iscsi", "iscsi.target."));
        ck_assert_ptr_null(startswith(s, "ISCSI"));
}
END_TEST

START_TEST(test_strstrip)
{
        char a[] = "  \t key = value \t ";
        char b[] = "\t\t";
        char c[] = "x";
        char d[] = " a\nb ";

        ck_assert_str_eq(strstrip(a), "key = value");
        ck_assert_str_eq(strstrip(b), "");
        ck_assert_str_eq(strstrip(c), "x");
        /* only blanks (space, tab) are stripped */
        ck_assert_str_eq(strstrip(d), "a\nb");
}
END_TEST

START_TEST(test_in_charset)
{
        ck_assert(in_charset("", DIGITS));
        ck_assert(in_charset("0123", DIGITS));
        ck_assert(!in_charset("01a3", DIGITS));
        ck_assert(in_charset("deadBEEF", HEXDIGITS));
        ck_assert(!in_charset("g", HEXDIGITS));
        ck_assert(in_charset("aZ9", ALPHANUMERICAL));
        ck_assert(!in_charset("a-b", ALPHANUMERICAL));
}
END_TEST

START_TEST(test_streq_isempty)
{
        ck_assert(streq("a", "a"));
        ck_assert(!streq("a", "ab"));
        ck_assert(streq_ptr(NULL, NULL));
        ck_assert(!streq_ptr("a", NULL));
        ck_assert(!streq_ptr(NULL, "a"));
        ck_assert(streq_ptr("x", "x"));
        ck_assert(isempty(NULL));
        ck_assert(isempty(""));
        ck_assert(!isempty(" "));
}
END_TEST

/* ---- cescape_control() ----------------------------------------------------- */

static const struct {
        const char *in;
        const char *out;
} escapes[] = {
        { "iscsi.target.t1", "iscsi.target.t1" },
        { "", "" },
        { "a\nb", "a\\nb" },
        { "iscsi.target.x\n<3>forged: login ok", "iscsi.target.x\\n<3>forged: login ok" },
        { "a\rb\tc", "a\\rb\\tc" },
        { "\x1b[31mred", "\\x1b[31mred" },
        { "\x01\x7f", "\\x01\\x7f" },
        { "back\\slash", "back\\slash" },               /* only control bytes are changed */
        { "donn\xc3\xa9" "es", "donn\xc3\xa9" "es" },   /* UTF-8 is kept */
};

START_TEST(test_cescape_control)
{
        char buf[64];

        ck_assert_ptr_eq(cescape_control(escapes[_i].in, buf, sizeof buf), buf);
        ck_assert_str_eq(buf, escapes[_i].out);
        ck_assert(!has_control_char(buf));
}
END_TEST

START_TEST(test_cescape_control_truncates)
{
        char buf[8];

        ck_assert_str_eq(cescape_control("1234567", buf, sizeof buf), "1234567");  /* fits exactly */
        ck_assert_str_eq(cescape_control("12345678", buf, sizeof buf), "1234...");
        ck_assert_str_eq(cescape_control("1\n45678", buf, sizeof buf), "1\\n4...");
        ck_assert_str_eq(cescape_control("12345\n", buf, sizeof buf), "12345\\n");  /* fits exactly */
        ck_assert_str_eq(cescape_control("123\n5678", buf, sizeof buf), "123...");  /* never half an escape */
        ck_assert_str_eq(cescape_control(NULL, buf, sizeof buf), "(null)");
        ck_assert_str_eq(CESCAPE("x\ny"), "x\\ny");
}
END_TEST

/* ---- parse_boolean() ----------------------------------------------------- */

static const struct {
        const char *in;
        int r;
} booleans[] = {
        { "yes", 1 }, { "true", 1 }, { "1", 1 },
        { "no", 0 }, { "false", 0 }, { "0", 0 },
        { "", -EINVAL }, { "Yes", -EINVAL }, { "on", -EINVAL }, { "y", -EINVAL }, { "2", -EINVAL },
        { "yes ", -EINVAL }, { "nope", -EINVAL },
};

START_TEST(test_parse_boolean)
{
        ck_assert_msg(parse_boolean(booleans[_i].in) == booleans[_i].r, "\"%s\": %d", booleans[_i].in,
                      parse_boolean(booleans[_i].in));
}
END_TEST

static Suite *string_util_suite(void) {
        Suite *s = suite_create("string-util");
        TCase *tc;

        tc = tcase_create("utf8");
        tcase_add_loop_test(tc, test_utf8_table, 0, (int) ELEMENTSOF(utf8_cases));
        suite_add_tcase(s, tc);

        tc = tcase_create("control");
        tcase_add_loop_test(tc, test_has_control_char, 0, (int) ELEMENTSOF(control_cases));
        suite_add_tcase(s, tc);

        tc = tcase_create("safe_atou64");
        tcase_add_test(tc, test_safe_atou64_good);
        tcase_add_test(tc, test_safe_atou64_overflow);
        tcase_add_loop_test(tc, test_safe_atou64_invalid, 0, (int) ELEMENTSOF(atou_invalid));
        suite_add_tcase(s, tc);

        tc = tcase_create("escape");
        tcase_add_loop_test(tc, test_cescape_control, 0, (int) ELEMENTSOF(escapes));
        tcase_add_test(tc, test_cescape_control_truncates);
        tcase_add_loop_test(tc, test_parse_boolean, 0, (int) ELEMENTSOF(booleans));
        suite_add_tcase(s, tc);

        tc = tcase_create("helpers");
        tcase_add_test(tc, test_startswith);
        tcase_add_test(tc, test_strstrip);
        tcase_add_test(tc, test_in_charset);
        tcase_add_test(tc, test_streq_isempty);
        suite_add_tcase(s, tc);

        return s;
}

int main(void) {
        return test_run_suite(string_util_suite());
}
