/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * Jobs for systemd's manager over D-Bus (org.freedesktop.systemd1(5)): how
 * the login helper starts the retry service and the retry service starts
 * the alias's units again. The connection goes to PID 1's private socket
 * (/run/systemd/private, root only), as systemctl's does for root: it works
 * before, and without, a D-Bus daemon.
 */

#include <stdbool.h>

#include <systemd/sd-bus.h>

#include "cleanup.h"
#include "timespan.h"

/**
 * manager_bus_open() - connect to PID 1
 * @ret: the connection; sd_bus_flush_close_unref() it
 * Return: 0, or the -errno of sd-bus (-ENOENT, -ECONNREFUSED: no systemd
 * as PID 1; -EACCES: not root).
 */
int manager_bus_open(sd_bus **ret);

/**
 * manager_queue_job() - queue a job, and optionally wait for its end
 * @bus: from manager_bus_open()
 * @method: a job method of org.freedesktop.systemd1.Manager taking a unit
 *          name and a job mode, e.g. "StartUnit" (org.freedesktop.systemd1(5));
 *          job mode "replace"
 * @unit: unit name
 * @timeout: 0: do not wait; else the longest wait for the job's JobRemoved
 *           signal, µs
 * @ret_result: when waited for, the job's result as systemd says it
 *              ("done", "failed", "dependency", "timeout", "canceled",
 *              "skipped"; static or "unknown"); may be NULL
 *
 * Return: 0 once queued (and, with @timeout, finished, whatever its
 * result); -ETIMEDOUT if it did not finish in time; -errno of sd-bus, the
 * D-Bus error mapped by sd_bus_error_get_errno() (-ENOENT for a unit that
 * does not exist, ...).
 */
int manager_queue_job(sd_bus *bus, const char *method, const char *unit, usec_t timeout, const char **ret_result);

/* How the last main process of a service ended (org.freedesktop.systemd1(5)). */
typedef struct ServiceExecMain {
        int code;               /* ExecMainCode: a CLD_* code of waitid(2) (CLD_EXITED: @status is an exit
                                 * status; CLD_KILLED, CLD_DUMPED: a signal), 0 while none has ended */
        int status;             /* ExecMainStatus */
        char invocation[33];    /* InvocationID as 32 lower-case hex digits, "" if none */
        usec_t since;           /* InactiveExitTimestamp: when the last start began, CLOCK_REALTIME µs; 0 if never */
} ServiceExecMain;

/**
 * manager_get_exec_main() - how the last main process of a service ended
 * @bus: from manager_bus_open()
 * @unit: a service's unit name
 * @ret: filled on success
 *
 * Properties ExecMainCode, ExecMainStatus of org.freedesktop.systemd1.Service,
 * InvocationID, InactiveExitTimestamp of org.freedesktop.systemd1.Unit.
 *
 * Return: 0; -errno of sd-bus (-ENOENT: no such unit loaded, -EINVAL: not a service).
 */
int manager_get_exec_main(sd_bus *bus, const char *unit, ServiceExecMain *ret);

#define MANAGER_CREDENTIALS_MAX 8

/* One credential that PID 1 loads for a unit: LoadCredential=ID:PATH or LoadCredentialEncrypted=ID:PATH. */
typedef struct UnitCredential {
        char id[256];           /* credential name */
        char path[4096];        /* the file, or the name to search for when not absolute */
        bool encrypted;         /* from LoadCredentialEncrypted= */
} UnitCredential;

/**
 * manager_get_credentials() - the credentials PID 1 loads from files for a service
 * @bus: from manager_bus_open()
 * @unit: a service's unit name
 * @ret: room for MANAGER_CREDENTIALS_MAX entries: LoadCredentialEncrypted= first, then LoadCredential=
 *
 * Properties LoadCredentialEncrypted and LoadCredential, a(ss) (org.freedesktop.systemd1(5),
 * systemd >= 250). Entries beyond MANAGER_CREDENTIALS_MAX are left out.
 *
 * Return: the number of entries in @ret; -errno of sd-bus.
 */
int manager_get_credentials(sd_bus *bus, const char *unit, UnitCredential *ret);
