/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include <check.h>
#include <errno.h>
#include <string.h>

#include "login-state.h"
#include "test-util.h"

START_TEST(test_login_state_round_trip)
{
        char *dir = test_mkdtemp();
        _cleanup_free_ char *path = test_path(dir, "data"), *text = NULL;
        const char *reason;
        LoginState in = { .result = LOGIN_RESULT_PARTIAL, .status = 0, .unit = "srv-data.mount" }, out;

        ck_assert_int_eq(portal_parse("192.0.2.7:3261", &in.down[0], &reason), 0);
        ck_assert_int_eq(portal_parse("[2001:db8::1]", &in.down[1], &reason), 0);
        in.n_down = 2;
        in.steps[LOGIN_STEP_STARTED] = 17000001;
        in.steps[LOGIN_STEP_LOGGED_IN] = 18500000;
        in.cpu[LOGIN_STEP_STARTED] = 41000;
        in.cpu[LOGIN_STEP_LOGGED_IN] = 230500;
        ck_assert_int_eq(login_state_write(dir, "data", &in), 0);
        text = test_read_file(path, NULL);
        ck_assert_str_eq(text, "result=partial\nstatus=0\nunit=srv-data.mount\n"
                               "down=192.0.2.7:3261\ndown=[2001:db8::1]:3260\n"
                               "step.started=17000001\nstep.logged-in=18500000\n"
                               "cpu.started=41000\ncpu.logged-in=230500\n");
        ck_assert_int_eq(login_state_read(dir, "data", &out), 0);
        ck_assert_int_eq(out.result, LOGIN_RESULT_PARTIAL);
        ck_assert_str_eq(out.unit, "srv-data.mount");
        ck_assert_int_eq(out.n_down, 2);
        ck_assert_str_eq(out.down[0].address, "192.0.2.7");
        ck_assert_int_eq(out.down[0].port, 3261);
        ck_assert_str_eq(out.down[1].address, "2001:db8::1");
        ck_assert_uint_eq(out.steps[LOGIN_STEP_STARTED], 17000001);
        ck_assert_uint_eq(out.steps[LOGIN_STEP_LOADED], 0);
        ck_assert_uint_eq(out.steps[LOGIN_STEP_LOGGED_IN], 18500000);
        ck_assert_uint_eq(out.cpu[LOGIN_STEP_STARTED], 41000);
        ck_assert_uint_eq(out.cpu[LOGIN_STEP_LOADED], 0);
        ck_assert_uint_eq(out.cpu[LOGIN_STEP_LOGGED_IN], 230500);
        ck_assert_str_eq(login_step_to_string(LOGIN_STEP_ATTACHED), "attached");
        ck_assert_ptr_null(login_step_to_string(_LOGIN_STEP_MAX));

        /* A failure: its exit status survives, no unit line when there is none. */
        in = (LoginState) { .result = LOGIN_RESULT_FAILED, .status = 4 };
        ck_assert_int_eq(login_state_write(dir, "data", &in), 0);
        ck_assert_int_eq(login_state_read(dir, "data", &out), 0);
        ck_assert_int_eq(out.result, LOGIN_RESULT_FAILED);
        ck_assert_int_eq(out.status, 4);
        ck_assert_str_eq(out.unit, "");
        ck_assert_int_eq(out.n_down, 0);
        test_rm_rf_free(dir);
}
END_TEST

START_TEST(test_login_state_bad_files)
{
        char *dir = test_mkdtemp();
        _cleanup_free_ char *path = test_path(dir, "x");
        LoginState out;

        ck_assert_int_eq(login_state_read(dir, "absent", &out), -ENOENT);
        test_write_file(path, "result=maybe\n");
        ck_assert_int_eq(login_state_read(dir, "x", &out), -EBADMSG);
        test_write_file(path, "result=failed\ndown=not-an-address\n");
        ck_assert_int_eq(login_state_read(dir, "x", &out), -EBADMSG);
        test_write_file(path, "result=failed\nstatus=256\n");
        ck_assert_int_eq(login_state_read(dir, "x", &out), -EBADMSG);
        test_write_file(path, "result=ok\nstep.started=-5\n");
        ck_assert_int_eq(login_state_read(dir, "x", &out), -EBADMSG);
        test_write_file(path, "result=ok\ncpu.records=x\n");
        ck_assert_int_eq(login_state_read(dir, "x", &out), -EBADMSG);
        /* keys a newer helper may add are ignored, steps too */
        test_write_file(path, "result=ok\nstatus=0\nfuture=1\nstep.later=12\ncpu.later=3\n");
        ck_assert_int_eq(login_state_read(dir, "x", &out), 0);
        ck_assert_int_eq(out.result, LOGIN_RESULT_OK);
        test_rm_rf_free(dir);
}
END_TEST

START_TEST(test_retry_state_round_trip)
{
        char *dir = test_mkdtemp();
        RetryState in = { .phase = RETRY_WAITING, .attempts = 3, .probes = 17, .since = 1700000000000000ULL,
                          .next_attempt = 1700000060000000ULL,
                          .last_error = "192.0.2.7:3260: connection refused, [::1]:3260: no answer" }, out;

        ck_assert_int_eq(retry_state_write(dir, "data", &in), 0);
        ck_assert_int_eq(retry_state_read(dir, "data", &out), 0);
        ck_assert_int_eq(out.phase, RETRY_WAITING);
        ck_assert_uint_eq(out.attempts, 3);
        ck_assert_uint_eq(out.probes, 17);
        ck_assert_uint_eq(out.since, in.since);
        ck_assert_uint_eq(out.next_attempt, in.next_attempt);
        ck_assert_str_eq(out.last_error, in.last_error);

        in = (RetryState) { .phase = RETRY_STOPPED };
        ck_assert_int_eq(retry_state_write(dir, "data", &in), 0);
        ck_assert_int_eq(retry_state_read(dir, "data", &out), 0);
        ck_assert_int_eq(out.phase, RETRY_STOPPED);
        ck_assert_str_eq(out.last_error, "");
        ck_assert_str_eq(retry_phase_to_string(RETRY_LOGGING_IN), "logging-in");
        ck_assert_ptr_null(retry_phase_to_string((RetryPhase) 7));
        ck_assert_ptr_null(login_result_to_string((LoginResult) -1));
        test_rm_rf_free(dir);
}
END_TEST

static Suite *login_state_suite(void) {
        Suite *s = suite_create("login-state");
        TCase *tc = tcase_create("files");

        tcase_add_test(tc, test_login_state_round_trip);
        tcase_add_test(tc, test_login_state_bad_files);
        tcase_add_test(tc, test_retry_state_round_trip);
        suite_add_tcase(s, tc);
        return s;
}

int main(void) {
        return test_run_suite(login_state_suite());
}
