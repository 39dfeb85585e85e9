/* SPDX-License-Identifier: LGPL-2.1-or-later */

/*
 * chap-login: log in to a real iSCSI target with the CHAP secrets that OUR
 * code loads, using libiscsi's userspace initiator (the host kernel has no
 * SCSI, so open-iscsi cannot log in here).
 *
 *   chap-login ALIAS
 *
 * The target definition "iscsi.target.ALIAS" and its secrets are found on
 * the generator's search path (credential_find() with
 * CREDENTIAL_SEARCH_SYSTEM, so $ISCSI_CREDS_ROOT, $CREDENTIALS_DIRECTORY and
 * $ENCRYPTED_CREDENTIALS_DIRECTORY apply) and read with load_target(),
 * find_auth_credential() and load_chap_secrets(); an encrypted credential
 * goes through credential_read(), i.e. "systemd-creds decrypt" (which
 * honours $SYSTEMD_CREDENTIAL_SECRET). Then: login with libiscsi, one
 * standard INQUIRY of the target's LUN, logout.
 *
 * Output (stdout): "connecting to PORTAL" just before the target is
 * contacted; "vendor=... product=..." after a successful INQUIRY.
 * Never prints a secret.
 *
 * Exit status: 0 inquiry done; 1 usage or internal error; 2 the target or
 * its secrets could not be loaded (the target was not contacted);
 * 10 authentication failed (either direction of CHAP); 11 any other login
 * or connection failure; 12 the INQUIRY failed.
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <iscsi/iscsi.h>
#include <iscsi/scsi-lowlevel.h>

#include "chap.h"
#include "credential.h"
#include "load.h"
#include "log.h"
#include "portal.h"
#include "target.h"

#define INITIATOR_NAME "iqn.2003-01.org.example:iscsi-creds-root-test"
#define LOGIN_TIMEOUT_SEC 10

enum {
        EXIT_OK = 0,
        EXIT_INTERNAL = 1,
        EXIT_LOAD = 2,
        EXIT_AUTH = 10,
        EXIT_LOGIN = 11,
        EXIT_INQUIRY = 12,
};

static inline void iscsi_destroy_contextp(struct iscsi_context **ctx) {
        if (*ctx)
                (void) iscsi_destroy_context(*ctx);
}

/* libiscsi 1.19's messages: "Failed to log in to target. Status:
 * Authentication failure(513)" (target rejected us), "Authentication
 * failed. Invalid CHAP_R response from the target" (mutual CHAP: the
 * target did not know password_in), "...did not return CHAP_R...". */
static bool is_auth_failure(const char *error) {
        return error && (strstr(error, "Authentication failure") || strstr(error, "Authentication failed") ||
                         strstr(error, "CHAP_R"));
}

static int load(const char *alias, Target **ret_target, ChapSecrets **ret_secrets) {
        _cleanup_(credential_file_freep) CredentialFile *tf = NULL, *af = NULL;
        _cleanup_(target_freep) Target *t = NULL;
        _cleanup_free_ char *name = NULL;
        int r;

        if (asprintf(&name, TARGET_CREDENTIAL_PREFIX "%s", alias) < 0)
                return log_oom();
        r = credential_find(name, CREDENTIAL_SEARCH_SYSTEM, &tf);
        if (r < 0)
                return log_oom();
        if (r == 0)
                return log_error_errno(ENOENT, "chap-login: credential %s not found.", name);

        r = load_target(tf, &t);
        if (r < 0)
                return log_error_errno(r, "chap-login: cannot load %s: %m", name);

        r = find_auth_credential(t, CREDENTIAL_SEARCH_SYSTEM, NULL, 0, &af);
        if (r < 0)
                return log_error_errno(r, "chap-login: cannot find the secrets of %s: %m", name);
        *ret_secrets = NULL;
        if (af) {
                r = load_chap_secrets(af, ret_secrets);
                if (r < 0)
                        return log_error_errno(r, "chap-login: cannot load %s: %m", af->name);
                printf("secrets from %s (%s)\n", af->name, af->encrypted ? "encrypted" : "plaintext");
        } else
                printf("no secrets credential\n");

        *ret_target = TAKE_PTR(t);
        return 0;
}

int main(int argc, char *argv[]) {
        _cleanup_(iscsi_destroy_contextp) struct iscsi_context *ctx = NULL;
        _cleanup_(chap_secrets_freep) ChapSecrets *s = NULL;
        _cleanup_(target_freep) Target *t = NULL;
        char portal[PORTAL_STRING_MAX];
        struct scsi_task *task;
        struct scsi_inquiry_standard *inq;
        const char *err;
        int r;

        log_setup("chap-login", LOG_TARGET_STDERR);
        setvbuf(stdout, NULL, _IOLBF, 0);

        if (argc != 2) {
                fprintf(stderr, "Usage: chap-login ALIAS\n");
                return EXIT_INTERNAL;
        }

        r = load(argv[1], &t, &s);
        if (r < 0)
                return r == -ENOMEM ? EXIT_INTERNAL : EXIT_LOAD;

        ctx = iscsi_create_context(INITIATOR_NAME);
        if (!ctx) {
                fprintf(stderr, "chap-login: iscsi_create_context() failed.\n");
                return EXIT_INTERNAL;
        }
        if (iscsi_set_targetname(ctx, t->name) < 0 || iscsi_set_session_type(ctx, ISCSI_SESSION_NORMAL) < 0 ||
            iscsi_set_header_digest(ctx, ISCSI_HEADER_DIGEST_NONE) < 0 ||
            iscsi_set_timeout(ctx, LOGIN_TIMEOUT_SEC) < 0) {
                fprintf(stderr, "chap-login: cannot set up the libiscsi context: %s\n", iscsi_get_error(ctx));
                return EXIT_INTERNAL;
        }
        if (s && s->username && iscsi_set_initiator_username_pwd(ctx, s->username, s->password) < 0) {
                fprintf(stderr, "chap-login: iscsi_set_initiator_username_pwd() failed: %s\n", iscsi_get_error(ctx));
                return EXIT_INTERNAL;
        }
        if (s && chap_secrets_mutual(s) && iscsi_set_target_username_pwd(ctx, s->username_in, s->password_in) < 0) {
                fprintf(stderr, "chap-login: iscsi_set_target_username_pwd() failed: %s\n", iscsi_get_error(ctx));
                return EXIT_INTERNAL;
        }
        printf("chap: %s\n", !s || !s->username ? "none" : chap_secrets_mutual(s) ? "mutual" : "one-way");

        portal_to_string(&t->portal, portal);
        printf("connecting to %s target %s lun %llu\n", portal, t->name, (unsigned long long) t->lun);
        if (iscsi_full_connect_sync(ctx, portal, (int) t->lun) < 0) {
                err = iscsi_get_error(ctx);
                fprintf(stderr, "chap-login: login to %s at %s failed: %s\n", t->name, portal, err ?: "(no error)");
                return is_auth_failure(err) ? EXIT_AUTH : EXIT_LOGIN;
        }
        printf("logged in\n");

        task = iscsi_inquiry_sync(ctx, (int) t->lun, 0, 0, 255);
        if (!task || task->status != SCSI_STATUS_GOOD) {
                fprintf(stderr, "chap-login: INQUIRY failed: %s\n", iscsi_get_error(ctx));
                if (task)
                        scsi_free_scsi_task(task);
                return EXIT_INQUIRY;
        }
        inq = scsi_datain_unmarshall(task);
        if (!inq) {
                fprintf(stderr, "chap-login: cannot parse the INQUIRY data: %s\n", iscsi_get_error(ctx));
                scsi_free_scsi_task(task);
                return EXIT_INQUIRY;
        }
        printf("vendor=%s product=%s\n", inq->vendor_identification, inq->product_identification);
        scsi_free_scsi_task(task);

        (void) iscsi_logout_sync(ctx);
        return EXIT_OK;
}
