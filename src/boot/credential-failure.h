/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * Why PID 1 failed a unit before its program ran: it could not decrypt or
 * read a credential of LoadCredentialEncrypted=/LoadCredential=, so the
 * unit's main process ended with exit status 243, "CREDENTIALS"
 * (systemd.exec(5), "PROCESS EXIT CODES"), and nothing of ours logged a
 * word. Told from what can be known without decrypting anything: the key
 * each credential's header names (credential_sealing()), whether this
 * machine has a TPM2, and what PID 1 logged for that start of the unit. That
 * is "Failed to set up credentials: %m" with the errno (EPROTO for any
 * decryption failure in systemd 252 and 257, which decrypt credentials in a
 * child process, "(sd-mkdcred)") and, from that child, for a credential past
 * its --not-after time, "Credential's time passed, refusing to use."
 * (src/shared/creds-util.c; measured on 252 and 257).
 */

#include <stdbool.h>
#include <stddef.h>

#include <systemd/sd-bus.h>

#include "credential.h"

/* systemd.exec(5): EXIT_CREDENTIALS, "failed to set up unit's credentials" (systemd >= 247). */
#define EXIT_STATUS_CREDENTIALS 243

typedef struct CredentialFailure {
        char credential[256];   /* the credential to blame (an encrypted one first), "" if none known */
        char path[4096];        /* its file */
        int sealing;            /* its CredentialSealing, -errno if the header cannot be read */
        int error;              /* the errno PID 1 logged for the failed start (positive), 0 if none found */
        bool expired;           /* PID 1 said a credential's --not-after time has passed */
        bool tpm2;              /* the kernel drives a TPM on this machine (/sys/class/tpm/tpm*) */
} CredentialFailure;

/**
 * unit_credential_failure() - whether the last start of @unit failed at its credentials, and why
 * @bus: from manager_bus_open()
 * @unit: a service's unit name
 * @ret: filled when it did
 *
 * Asks PID 1 for the unit's ExecMainCode/ExecMainStatus, InvocationID and
 * credentials, and the journal for the messages of that start of the unit
 * (reads for 3 s, less when it finds a credential's --not-after passed:
 * journald may store PID 1's error and the decrypting child's reason late).
 *
 * Return: 1 if the unit's last main process exited with 243; 0 if not (still
 * running, succeeded, failed otherwise); -errno of sd-bus.
 */
int unit_credential_failure(sd_bus *bus, const char *unit, CredentialFailure *ret);

/**
 * credential_failure_describe() - a sentence on what went wrong, for the journal and the retry state
 * @f: from unit_credential_failure()
 * @buf, @size: where to write it (truncated to fit)
 *
 * E.g. "iscsi.auth.db (sealed with tpm2) cannot be decrypted: it is sealed
 * to a TPM2 and this machine has none". Names no value: only the
 * credential's name, file and key.
 *
 * Return: @buf.
 */
const char *credential_failure_describe(const CredentialFailure *f, char *buf, size_t size);
