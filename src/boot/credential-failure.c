/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <systemd/sd-journal.h>

#include "credential-failure.h"
#include "manager-bus.h"
#include "string-util.h"
#include "timespan.h"

/* journald stores PID 1's message a moment after the unit has failed, and the retry service is
 * started (OnFailure=) at that moment too. */
#define JOURNAL_WAIT (3 * USEC_PER_SEC)

/* Any TPM the kernel drives: /sys/class/tpm/tpm0, ... (/dev/tpmrm0 may be hidden by PrivateDevices=). */
static bool have_tpm2(void) {
        _cleanup_closedir_ DIR *d = opendir("/sys/class/tpm");
        struct dirent *de;

        if (!d)
                return false;
        while ((de = readdir(d)))
                if (startswith(de->d_name, "tpm"))
                        return true;
        return false;
}

/* The ERRNO= of the last error PID 1 logged for this invocation of the unit ("Failed to set up
 * credentials: %m"; its executor's messages carry the unit's invocation ID, as _SYSTEMD_INVOCATION_ID=
 * or INVOCATION_ID=); 0 if there is none, or no journal. */
static int invocation_errno(const char *invocation) {
        _cleanup_(sd_journal_closep) sd_journal *j = NULL;
        char match[64];
        usec_t deadline = now_usec(CLOCK_MONOTONIC) + JOURNAL_WAIT;
        int found = 0, r;

        if (!invocation[0] || sd_journal_open(&j, SD_JOURNAL_LOCAL_ONLY | SD_JOURNAL_SYSTEM) < 0)
                return 0;
        snprintf(match, sizeof match, "_SYSTEMD_INVOCATION_ID=%s", invocation);
        r = sd_journal_add_match(j, match, 0);
        if (r >= 0)
                r = sd_journal_add_disjunction(j);
        if (r >= 0)
                r = sd_journal_add_match(j, match + 1, 0);
        if (r < 0 || sd_journal_seek_head(j) < 0)
                return 0;
        for (;;) {
                const void *d;
                size_t l;
                usec_t now;

                while (sd_journal_next(j) > 0) {
                        char buf[16] = "";
                        int e;

                        if (sd_journal_get_data(j, "PRIORITY", &d, &l) < 0 || l != strlen("PRIORITY=3") ||
                            ((const char *) d)[9] > '3')
                                continue;
                        if (sd_journal_get_data(j, "ERRNO", &d, &l) < 0 || l <= 6 || l - 6 >= sizeof buf)
                                continue;
                        memcpy(buf, (const char *) d + 6, l - 6);
                        e = atoi(buf);
                        if (e > 0)
                                found = e;
                }
                now = now_usec(CLOCK_MONOTONIC);
                if (found || now >= deadline)
                        return found;
                if (sd_journal_wait(j, deadline - now) < 0)
                        return 0;
        }
}

static bool sealing_has_tpm2(int s) {
        return s == CREDENTIAL_SEALING_TPM2 || s == CREDENTIAL_SEALING_TPM2_WITH_PUBLIC_KEY ||
               s == CREDENTIAL_SEALING_HOST_TPM2 || s == CREDENTIAL_SEALING_HOST_TPM2_SCOPED ||
               s == CREDENTIAL_SEALING_HOST_TPM2_WITH_PUBLIC_KEY;
}

static bool sealing_has_host(int s) {
        return s == CREDENTIAL_SEALING_HOST || s == CREDENTIAL_SEALING_HOST_SCOPED ||
               s == CREDENTIAL_SEALING_HOST_TPM2 || s == CREDENTIAL_SEALING_HOST_TPM2_SCOPED ||
               s == CREDENTIAL_SEALING_HOST_TPM2_WITH_PUBLIC_KEY;
}

/* PID 1 does not say which credential it failed on: the likeliest one, by what can be seen of each. */
static int suspicion(const UnitCredential *c, int sealing, bool tpm2) {
        if (c->path[0] != '/')
                return 0;
        if (sealing == -ENOENT)
                return 5;
        if (sealing_has_tpm2(sealing))
                return tpm2 ? 3 : 4;
        if (sealing_has_host(sealing))
                return 2;
        return c->encrypted ? 1 : 0;
}

static void blame(const UnitCredential *creds, int n, CredentialFailure *f) {
        int best = -1;

        for (int i = 0; i < n; i++) {
                int sealing = creds[i].path[0] == '/' ? credential_sealing(creds[i].path) : -EINVAL;
                int score = suspicion(&creds[i], sealing, f->tpm2);

                if (best >= 0 && score <= best)
                        continue;
                best = score;
                snprintf(f->credential, sizeof f->credential, "%s", creds[i].id);
                snprintf(f->path, sizeof f->path, "%s", creds[i].path);
                f->sealing = sealing;
        }
}

int unit_credential_failure(sd_bus *bus, const char *unit, CredentialFailure *ret) {
        UnitCredential creds[MANAGER_CREDENTIALS_MAX];
        char invocation[33];
        int code, status, n, r;

        r = manager_get_exec_main(bus, unit, &code, &status, invocation);
        if (r < 0)
                return r;
        if (code != CLD_EXITED || status != EXIT_STATUS_CREDENTIALS)
                return 0;
        n = manager_get_credentials(bus, unit, creds);
        if (n < 0)
                return n;
        *ret = (CredentialFailure) { .sealing = -EINVAL, .tpm2 = have_tpm2() };
        blame(creds, n, ret);
        ret->error = invocation_errno(invocation);
        return 1;
}

/* Why, from what is known; the most specific first. systemd-creds(1): ESTALE is its refusal of a
 * credential past its --not-after time, whatever the key. */
static const char *reason(const CredentialFailure *f) {
        if (f->error == ESTALE)
                return "its validity ended (it was sealed with --not-after, a time that has passed)";
        if (f->sealing == -ENOENT)
                return "the file is missing";
        if (sealing_has_tpm2(f->sealing) && !f->tpm2)
                return "it is sealed to a TPM2 and this machine has none";
        if (sealing_has_tpm2(f->sealing) && sealing_has_host(f->sealing))
                return "the TPM2 could not unseal it (another or a cleared TPM, or PCR values changed since it was "
                       "sealed), or the host key /var/lib/systemd/credential.secret is not the one it was sealed with";
        if (sealing_has_tpm2(f->sealing))
                return "the TPM2 could not unseal it (another or a cleared TPM, or PCR values changed since it was "
                       "sealed)";
        if (sealing_has_host(f->sealing))
                return "the host key /var/lib/systemd/credential.secret is not the one it was sealed with (sealed on "
                       "another machine, or the key was replaced)";
        return NULL;
}

const char *credential_failure_describe(const CredentialFailure *f, char *buf, size_t size) {
        const char *why = reason(f);
        const char *key = f->sealing >= 0 ? credential_sealing_to_string(f->sealing) : NULL;

        if (!f->credential[0])
                snprintf(buf, size, "PID 1 could not set up the credentials (%s)",
                         f->error > 0 ? strerror(f->error) : "no reason logged");
        else if (why)
                snprintf(buf, size, "%s (%s%s) cannot be decrypted: %s", f->credential, key ? "sealed with " : "",
                         key ?: f->path, why);
        else
                snprintf(buf, size, "%s (%s) cannot be read: %s", f->credential, f->path,
                         f->error > 0 ? strerror(f->error) : "no reason logged");
        return buf;
}
