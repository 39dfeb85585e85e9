/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * What the last login of an alias left behind, and what its retry service is
 * doing: small "key=value" files under /run/iscsi-creds, nothing secret in
 * them. The login helper writes /run/iscsi-creds/login/ALIAS after every
 * attempt; iscsi-creds-retry@ALIAS.service reads it to know what to watch
 * and which unit to start again, and writes /run/iscsi-creds/retry/ALIAS;
 * "iscsi-creds status" reads both. Missing files mean "never tried" and
 * "not retrying".
 */

#include <stdbool.h>
#include <stddef.h>

#include "portal.h"
#include "timespan.h"

#define LOGIN_STATE_DIR "/run/iscsi-creds/login"
#define RETRY_STATE_DIR "/run/iscsi-creds/retry"
#define LOGIN_STATE_PORTALS_MAX 64
#define RETRY_ERROR_MAX 200

typedef enum LoginResult {
        LOGIN_RESULT_OK,        /* every path has a session */
        LOGIN_RESULT_PARTIAL,   /* some paths have one; @down lists the others */
        LOGIN_RESULT_FAILED,    /* none has one */
} LoginResult;

/* The steps of a login, in order; LoginState.steps[] holds when each ended. */
typedef enum LoginStep {
        LOGIN_STEP_STARTED,     /* the helper runs: PID 1 set up the sandbox and credentials, exec done */
        LOGIN_STEP_LOADED,      /* credentials read and checked, iface looked up */
        LOGIN_STEP_PROBED,      /* paths known (discovery), session records locked, portals probed */
        LOGIN_STEP_RECORDS,     /* node records written and read back through libopeniscsiusr */
        LOGIN_STEP_LOGGED_IN,   /* iscsiadm returned: sessions up */
        LOGIN_STEP_ATTACHED,    /* the configured LUN scanned (node.session.scan = manual) */
        _LOGIN_STEP_MAX,
} LoginStep;

typedef struct LoginState {
        LoginResult result;
        int status;             /* the login's exit status (cli-util.h: EXIT_*), 0 for OK and PARTIAL */
        char unit[256];         /* the unit the boot starts for the alias (target_boot_unit()), or "" */
        Portal down[LOGIN_STATE_PORTALS_MAX];   /* portals to watch: paths without a session, or the
                                                 * discovery portals when discovery failed */
        size_t n_down;
        usec_t steps[_LOGIN_STEP_MAX];  /* CLOCK_MONOTONIC µs (the clock of systemd's
                                         * *TimestampMonotonic properties) when each step ended;
                                         * 0: not reached. Stored as "step.NAME=USEC". */
        usec_t cpu[_LOGIN_STEP_MAX];    /* the helper's own CPU time then (CLOCK_PROCESS_CPUTIME_ID
                                         * µs: since PID 1 forked it, so "started" holds the
                                         * sandbox, credentials, exec and dynamic linking; its
                                         * children, iscsiadm, not counted); 0: not reached.
                                         * Stored as "cpu.NAME=USEC". For test/bench/. */
} LoginState;

typedef enum RetryPhase {
        RETRY_WAITING,          /* until @next_attempt; then the portals are probed */
        RETRY_LOGGING_IN,       /* a portal answered: a unit is being started */
        RETRY_STOPPED,          /* given up: a configuration error that a retry cannot fix */
} RetryPhase;

typedef struct RetryState {
        RetryPhase phase;
        unsigned attempts;      /* logins tried by the retry service (probes do not count) */
        unsigned probes;        /* probes that found no portal answering */
        char last_error[RETRY_ERROR_MAX];
        usec_t since;           /* CLOCK_REALTIME µs: when the retry service started */
        usec_t next_attempt;    /* CLOCK_REALTIME µs of the next probe; 0 if none */
} RetryState;

/**
 * login_state_write() - store @s as DIR/ALIAS, atomically (write_private_file())
 * @dir: LOGIN_STATE_DIR (tests pass their own)
 * @alias: a valid alias
 * Return: 0, -errno of write_private_file(), -ENOMEM.
 */
int login_state_write(const char *dir, const char *alias, const LoginState *s);

/**
 * login_state_read() - read what login_state_write() stored
 * @ret: filled; unknown keys are ignored (a newer helper may add some)
 * Return: 0; -ENOENT if there is no file; -EBADMSG if it cannot be parsed
 * (a result or portal that does not parse); -errno of reading it.
 */
int login_state_read(const char *dir, const char *alias, LoginState *ret);

/** retry_state_write() - store @s as DIR/ALIAS, atomically. Return: as login_state_write(). */
int retry_state_write(const char *dir, const char *alias, const RetryState *s);

/** retry_state_read() - read what retry_state_write() stored. Return: as login_state_read(). */
int retry_state_read(const char *dir, const char *alias, RetryState *ret);

/** login_result_to_string() - "ok", "partial", "failed"; NULL if out of range. */
const char *login_result_to_string(LoginResult r);

/** login_step_to_string() - "started", "loaded", "probed", "records", "logged-in", "attached"; NULL if out of range. */
const char *login_step_to_string(LoginStep s);

/** retry_phase_to_string() - "waiting", "logging-in", "stopped"; NULL if out of range. */
const char *retry_phase_to_string(RetryPhase p);
