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
#include "unit-name.h"

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

/* systemd's words for a credential past its --not-after time (src/shared/creds-util.c; logged so by
 * 252 and 257 in the VM scenario "failures", unchanged in systemd's current source). */
#define NOT_AFTER_MESSAGE "Credential's time passed"

static int journal_field(sd_journal *j, const char *field, char *buf, size_t size) {
        size_t prefix = strlen(field) + 1, l;
        const void *d;

        if (sd_journal_get_data(j, field, &d, &l) < 0 || l < prefix)
                return -ENOENT;
        l -= prefix;
        if (l >= size)
                l = size - 1;
        memcpy(buf, (const char *) d + prefix, l);
        buf[l] = '\0';
        return 0;
}

/* One journal entry: records an error's errno, and whether it says a credential expired. */
static void journal_entry(sd_journal *j, CredentialFailure *f) {
        char priority[4], value[256];

        if (journal_field(j, "PRIORITY", priority, sizeof priority) < 0 || priority[0] > '3')
                return;
        if (journal_field(j, "ERRNO", value, sizeof value) >= 0 && atoi(value) > 0) {
                f->error = atoi(value);
                if (f->error == ESTALE)
                        f->expired = true;
        }
        if (journal_field(j, "MESSAGE", value, sizeof value) >= 0 && strstr(value, NOT_AFTER_MESSAGE))
                f->expired = true;
}

/* What PID 1 logged at error level for the start @m of @unit: the messages of its invocation, and
 * of any process in the unit's cgroup since it began (systemd 252 and 257 decrypt the credentials
 * in a child process, "(sd-mkdcred)"). journald may store them a moment after the unit failed, and
 * the child's reason after PID 1's own "Failed to set up credentials" (seen in CI on 257): so only
 * an expiry ends the wait early; any other reason is what was found when JOURNAL_WAIT ran out. */
static void journal_scan(const char *unit, const ServiceExecMain *m, CredentialFailure *f) {
        _cleanup_(sd_journal_closep) sd_journal *j = NULL;
        usec_t deadline = now_usec(CLOCK_MONOTONIC) + JOURNAL_WAIT;
        char match[UNIT_NAME_MAX + 32];
        int r;

        if (sd_journal_open(&j, SD_JOURNAL_LOCAL_ONLY | SD_JOURNAL_SYSTEM) < 0)
                return;
        /* journald's own fields (_SYSTEMD_UNIT=, _SYSTEMD_INVOCATION_ID=) come from the sender's
         * cgroup, read when journald gets to the message: a child that logged and exited before
         * that has none (the CI failure of vm-trixie-failures, twice). The fields systemd puts in
         * the message itself, UNIT= and INVOCATION_ID= (its log context, which the decrypting
         * child inherits), have no such race: with only those, the 257 VM found the expiry. */
        static const char *const fields[] = { "_SYSTEMD_UNIT", "UNIT", "_SYSTEMD_INVOCATION_ID", "INVOCATION_ID" };

        r = 0;
        for (size_t i = 0; r >= 0 && i < ELEMENTSOF(fields); i++) {
                const char *value = i < 2 ? unit : m->invocation;

                if (!value[0])
                        continue;
                snprintf(match, sizeof match, "%s=%s", fields[i], value);
                if (i > 0)
                        r = sd_journal_add_disjunction(j);
                if (r >= 0)
                        r = sd_journal_add_match(j, match, 0);
        }
        if (r < 0 || (m->since > 0 ? sd_journal_seek_realtime_usec(j, m->since) : sd_journal_seek_head(j)) < 0)
                return;
        for (;;) {
                usec_t now;

                while (sd_journal_next(j) > 0)
                        journal_entry(j, f);
                now = now_usec(CLOCK_MONOTONIC);
                if (f->expired || now >= deadline || sd_journal_wait(j, deadline - now) < 0)
                        return;
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
        ServiceExecMain m;
        int n, r;

        r = manager_get_exec_main(bus, unit, &m);
        if (r < 0)
                return r;
        if (m.code != CLD_EXITED || m.status != EXIT_STATUS_CREDENTIALS)
                return 0;
        n = manager_get_credentials(bus, unit, creds);
        if (n < 0)
                return n;
        *ret = (CredentialFailure) { .sealing = -EINVAL, .tpm2 = have_tpm2() };
        blame(creds, n, ret);
        journal_scan(unit, &m, ret);
        return 1;
}

/* Why, from what is known; the most specific first. A credential past its --not-after time is
 * refused whatever the key (systemd-creds(1)). */
static const char *reason(const CredentialFailure *f) {
        if (f->expired)
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
