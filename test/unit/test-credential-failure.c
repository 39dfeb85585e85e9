/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include <check.h>
#include <errno.h>
#include <string.h>

#include "credential-failure.h"
#include "test-util.h"

static CredentialFailure failure(const char *name, int sealing, int error, bool tpm2) {
        CredentialFailure f = { .sealing = sealing, .error = error, .tpm2 = tpm2 };

        snprintf(f.credential, sizeof f.credential, "%s", name);
        snprintf(f.path, sizeof f.path, "/etc/credstore.encrypted/%s", name);
        return f;
}

START_TEST(test_describe_tpm2)
{
        CredentialFailure f = failure("iscsi.auth.db", CREDENTIAL_SEALING_TPM2, EREMOTE, false);
        char buf[512];

        /* No TPM at all: said so, whatever errno PID 1 logged. */
        ck_assert_str_eq(credential_failure_describe(&f, buf, sizeof buf),
                         "iscsi.auth.db (sealed with tpm2) cannot be decrypted: it is sealed to a TPM2 and this "
                         "machine has none");
        /* A TPM that says no: another one, cleared, or other PCR values. */
        f.tpm2 = true;
        ck_assert_str_eq(credential_failure_describe(&f, buf, sizeof buf),
                         "iscsi.auth.db (sealed with tpm2) cannot be decrypted: the TPM2 could not unseal it "
                         "(another or a cleared TPM, or PCR values changed since it was sealed)");
        f.sealing = CREDENTIAL_SEALING_HOST_TPM2;
        ck_assert_ptr_nonnull(strstr(credential_failure_describe(&f, buf, sizeof buf),
                                     "(sealed with host+tpm2) cannot be decrypted: the TPM2 could not unseal it"));
        ck_assert_ptr_nonnull(strstr(buf, "or the host key /var/lib/systemd/credential.secret"));
}
END_TEST

START_TEST(test_describe_not_after)
{
        /* PID 1 refuses a credential past its --not-after time whatever the key; systemd 252 then
         * reports EPROTO for the credentials as a whole. */
        CredentialFailure f = failure("iscsi.auth.old", CREDENTIAL_SEALING_HOST, EPROTO, true);
        char buf[512];

        f.expired = true;

        ck_assert_str_eq(credential_failure_describe(&f, buf, sizeof buf),
                         "iscsi.auth.old (sealed with host) cannot be decrypted: its validity ended (it was sealed "
                         "with --not-after, a time that has passed)");
}
END_TEST

START_TEST(test_describe_host_missing_unknown)
{
        CredentialFailure f = failure("iscsi.auth.h", CREDENTIAL_SEALING_HOST, EBADMSG, false);
        CredentialFailure none = { .sealing = -EINVAL, .error = EIO };
        char buf[512];

        ck_assert_str_eq(credential_failure_describe(&f, buf, sizeof buf),
                         "iscsi.auth.h (sealed with host) cannot be decrypted: the host key "
                         "/var/lib/systemd/credential.secret is not the one it was sealed with (sealed on another "
                         "machine, or the key was replaced)");
        f.sealing = -ENOENT;
        ck_assert_str_eq(credential_failure_describe(&f, buf, sizeof buf),
                         "iscsi.auth.h (/etc/credstore.encrypted/iscsi.auth.h) cannot be decrypted: the file is "
                         "missing");
        /* A plaintext file PID 1 could not read: its errno, nothing invented. */
        f.sealing = CREDENTIAL_SEALING_NONE;
        f.error = EACCES;
        ck_assert_str_eq(credential_failure_describe(&f, buf, sizeof buf),
                         "iscsi.auth.h (/etc/credstore.encrypted/iscsi.auth.h) cannot be read: Permission denied");
        ck_assert_str_eq(credential_failure_describe(&none, buf, sizeof buf),
                         "PID 1 could not set up the credentials (Input/output error)");
        /* Truncated to the buffer, still a string. */
        ck_assert_int_eq(strlen(credential_failure_describe(&f, buf, 20)), 19);
}
END_TEST

static Suite *credential_failure_suite(void) {
        Suite *s = suite_create("credential-failure");
        TCase *tc = tcase_create("core");

        tcase_add_test(tc, test_describe_tpm2);
        tcase_add_test(tc, test_describe_not_after);
        tcase_add_test(tc, test_describe_host_missing_unknown);
        suite_add_tcase(s, tc);
        return s;
}

int main(void) {
        return test_run_suite(credential_failure_suite());
}
