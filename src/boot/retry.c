/* SPDX-License-Identifier: LGPL-2.1-or-later */

/*
 * "iscsi-creds retry ALIAS": what iscsi-creds-retry@.service runs after a
 * login failed (the login unit's OnFailure=) or logged in through fewer
 * portals than it has (the login helper starts it). open-iscsi does not do
 * this: an initial login "is not designed to lurk in the background" (its
 * issue 304). It waits, probes the portals the last login left without a
 * session (portal-probe.h: a TCP connect, no login, no journal line), and
 * only when one answers starts the alias's unit again, the one the boot
 * would have started (target_boot_unit()), or iscsi-creds-paths@ALIAS.service
 * to add the missing paths to an active login. Needs no credential: the
 * login helper left the portals and the unit in /run (login-state.h). When
 * PID 1 could not decrypt a credential of the login unit, the helper never
 * ran and left nothing: PID 1 and the journal say what happened
 * (credential-failure.h).
 */

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <systemd/sd-daemon.h>

#include "boot.h"
#include "credential-failure.h"
#include "log.h"
#include "login-state.h"
#include "manager-bus.h"
#include "portal-probe.h"
#include "string-util.h"
#include "target.h"

/* Back-off while nothing answers: 2 s, doubling, at most a minute between probes. */
#define RETRY_DELAY_FIRST (2 * USEC_PER_SEC)
#define RETRY_DELAY_MAX (60 * USEC_PER_SEC)
/* A rejected secret is a configuration error: tried again, and reported, every 2 minutes (an
 * array whose CHAP account is set up after the host booted still gets used). */
#define RETRY_DELAY_AUTH (2 * USEC_PER_MINUTE)
/* A started mount waits for the login (TimeoutStartSec=120s), then the device (device-timeout,
 * 90 s unless set), then mounts: far less than this. */
#define RETRY_JOB_TIMEOUT (15 * USEC_PER_MINUTE)

static char state_path[sizeof(RETRY_STATE_DIR) + ALIAS_MAX + 2];

/* SIGTERM (the unit's stop, shutdown) may come during a sleep or a job: no state may outlive
 * the service, and nothing else needs undoing. unlink(2) and _exit(2) are async-signal-safe. */
static void on_term(int sig) {
        (void) sig;
        (void) unlink(state_path);
        _exit(0);
}

static void sleep_usec(usec_t t) {
        struct timespec ts = { .tv_sec = t / USEC_PER_SEC, .tv_nsec = (t % USEC_PER_SEC) * 1000 };

        while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
                ;
}

static void publish(const char *alias, const RetryState *st) {
        int r = retry_state_write(RETRY_STATE_DIR, alias, st);

        if (r < 0)
                log_warning_errno(r, "%s: cannot write %s/%s: %m", alias, RETRY_STATE_DIR, alias);
        (void) sd_notifyf(false, "STATUS=%s, %u login attempt%s%s%s", retry_phase_to_string(st->phase),
                          st->attempts, st->attempts == 1 ? "" : "s", st->last_error[0] ? "; last error: " : "",
                          st->last_error);
}

/* What failed, as the last login's exit status says (iscsi-creds(8) EXIT STATUS). */
static const char *status_phrase(int status) {
        switch (status) {
        case EXIT_AUTH_FAILED:
                return "the target rejected the CHAP secrets";
        case EXIT_UNREACHABLE:
                return "the target could not be reached";
        case EXIT_ISCSI_STACK:
                return "the iSCSI stack failed (iscsid, transport module or node DB)";
        default:
                return "the login failed";
        }
}

/* Probes the portals to watch; 1 if one answers (or none is known: then only a login can tell),
 * 0 with @st->last_error saying why not. */
static int probe(const char *alias, const LoginState *ls, RetryState *st, char *answered, size_t size) {
        int errors[LOGIN_STATE_PORTALS_MAX];
        char buf[PORTAL_STRING_MAX];
        size_t len = 0;
        int n;

        if (ls->n_down == 0) {
                snprintf(answered, size, "(no portal recorded)");
                return 1;
        }
        n = portal_probe_all(ls->down, ls->n_down, PORTAL_PROBE_TIMEOUT, errors);
        for (size_t i = 0; i < ls->n_down && n > 0; i++)
                if (errors[i] == 0) {
                        snprintf(answered, size, "%s", portal_to_string(&ls->down[i], buf));
                        return 1;
                }
        if (n < 0)
                return log_error_errno(n, "%s: cannot probe the portals: %m", alias);
        for (size_t i = 0; i < ls->n_down && len < sizeof st->last_error; i++)
                len += snprintf(st->last_error + len, sizeof st->last_error - len, "%s%s: %s", i ? ", " : "",
                                portal_to_string(&ls->down[i], buf), portal_probe_error_string(errors[i]));
        return 0;
}

/* One login attempt: start the alias's unit, or iscsi-creds-paths@ALIAS.service when the login
 * is active with paths missing, and wait for the job. Returns the login's new state in @ls. */
static int attempt(const char *alias, LoginState *ls, RetryState *st, const char *answered) {
        /* A connection per attempt: PID 1 may have dropped one that sat idle for minutes. */
        _cleanup_(sd_bus_flush_close_unrefp) sd_bus *bus = NULL;
        _cleanup_free_ char *named = NULL;
        const char *unit, *result = "unknown";
        bool paths;
        int r;

        paths = ls->result == LOGIN_RESULT_PARTIAL;
        if (paths || !ls->unit[0]) {
                if (asprintf(&named, "iscsi-creds-%s@%s.service", paths ? "paths" : "login", alias) < 0)
                        return log_oom();
                unit = named;
        } else
                unit = ls->unit;
        st->attempts++;
        st->phase = RETRY_LOGGING_IN;
        st->next_attempt = 0;
        publish(alias, st);
        log_internal(LOG_NOTICE, 0, MESSAGE_ID_RETRY_ATTEMPT, "%s: portal %s answers; starting %s (attempt %u).",
                     alias, answered, unit, st->attempts);
        r = manager_bus_open(&bus);
        if (r < 0)
                return log_error_errno(r, "%s: cannot connect to systemd (/run/systemd/private): %m", alias);
        r = manager_queue_job(bus, "StartUnit", unit, RETRY_JOB_TIMEOUT, &result);
        if (r < 0)
                return log_error_errno(r, "%s: cannot start %s: %m", alias, unit);
        r = login_state_read(LOGIN_STATE_DIR, alias, ls);
        if (r < 0)
                return log_error_errno(r, "%s: no login result in %s after the start of %s (job %s): %m", alias,
                                       LOGIN_STATE_DIR, unit, result);
        return 0;
}

/* The wait before the next probe, and the back-off after it. */
static usec_t next_delay(const LoginState *ls, usec_t *delay) {
        usec_t d = *delay;

        if (ls->result == LOGIN_RESULT_FAILED && ls->status == EXIT_AUTH_FAILED)
                return RETRY_DELAY_AUTH;
        *delay = d * 2 > RETRY_DELAY_MAX ? RETRY_DELAY_MAX : d * 2;
        return d;
}

static int reread(const char *alias, LoginState *ls) {
        int r = login_state_read(LOGIN_STATE_DIR, alias, ls);

        if (r < 0)
                return log_error_errno(r, "%s: cannot read the login result %s/%s: %m", alias, LOGIN_STATE_DIR,
                                       alias);
        return 0;
}

/* PID 1 failed the login unit before our helper ran in it: it could not decrypt or read a
 * credential (exit status 243), and left no login result. No retry helps until the admin seals the
 * secret again: say why once, where "journalctl -u" of the login unit shows it, and wait for a start
 * of the unit that gets past its credentials. Returns 0 once the last start did. */
static int await_credentials(const char *alias, RetryState *st) {
        _cleanup_free_ char *unit = NULL;
        char reported[512] = "";

        if (asprintf(&unit, "iscsi-creds-login@%s.service", alias) < 0)
                return log_oom();
        for (;;) {
                _cleanup_(sd_bus_flush_close_unrefp) sd_bus *bus = NULL;
                CredentialFailure f;
                char why[sizeof reported];
                int r;

                r = manager_bus_open(&bus);
                if (r < 0)
                        return log_error_errno(r, "%s: cannot connect to systemd (/run/systemd/private): %m", alias);
                r = unit_credential_failure(bus, unit, &f);
                if (r < 0)
                        return log_error_errno(r, "%s: cannot ask systemd how %s ended: %m", alias, unit);
                if (r == 0)
                        return 0;
                credential_failure_describe(&f, why, sizeof why);
                /* Once per reason: a start of the unit that fails again the same way is not news. */
                if (!streq(reported, why)) {
                        st->phase = RETRY_STOPPED;
                        st->next_attempt = 0;
                        /* The same, cut to what the state file keeps. */
                        credential_failure_describe(&f, st->last_error, sizeof st->last_error);
                        snprintf(reported, sizeof reported, "%s", why);
                        publish(alias, st);
                        log_set_object_unit(unit);
                        log_internal(LOG_ERR, 0, MESSAGE_ID_CREDENTIAL_UNUSABLE,
                                     "%s: %s failed before it ran: %s. Not retrying: seal it again on this machine "
                                     "(iscsi-creds add %s ... --force), then \"systemctl start %s\".", alias, unit,
                                     why, alias, unit);
                        log_set_object_unit(NULL);
                }
                bus = sd_bus_flush_close_unref(bus);
                sleep_usec(RETRY_DELAY_MAX);
        }
}

static int retry_loop(const char *alias, RetryState *st) {
        usec_t delay = RETRY_DELAY_FIRST;
        char reported[RETRY_ERROR_MAX] = "";
        LoginState ls;
        int r;

        r = await_credentials(alias, st);
        if (r < 0)
                return r;
        r = reread(alias, &ls);
        if (r < 0)
                return r;
        for (;;) {
                char answered[PORTAL_STRING_MAX + 32];
                bool was_failed;
                usec_t wait;

                if (ls.result == LOGIN_RESULT_OK) {
                        log_internal(LOG_NOTICE, 0, MESSAGE_ID_RETRY_DONE, "%s: logged in through every portal%s.",
                                     alias, st->attempts ? "; no more retries" : "");
                        return 0;
                }
                if (ls.result == LOGIN_RESULT_FAILED &&
                    (ls.status == EXIT_BAD_CREDENTIAL || ls.status == EXIT_USAGE)) {
                        if (st->phase != RETRY_STOPPED) {
                                st->phase = RETRY_STOPPED;
                                snprintf(st->last_error, sizeof st->last_error,
                                         "invalid or missing credential (exit status %d)", ls.status);
                                st->next_attempt = 0;
                                publish(alias, st);
                                log_internal(LOG_ERR, 0, MESSAGE_ID_RETRY_STOPPED,
                                             "%s: not retrying: a credential is missing or invalid (see the login "
                                             "unit's journal); fix it, run \"systemctl daemon-reload\" and start "
                                             "%s again.", alias, ls.unit[0] ? ls.unit : "the login unit");
                        }
                        /* Stay, so that status shows why, until a login by someone else changes it. */
                        sleep_usec(RETRY_DELAY_MAX);
                        r = reread(alias, &ls);
                        if (r < 0)
                                return r;
                        continue;
                }
                if (ls.result == LOGIN_RESULT_FAILED && st->attempts > 0)
                        snprintf(st->last_error, sizeof st->last_error, "%s (exit status %d)",
                                 status_phrase(ls.status), ls.status);
                wait = next_delay(&ls, &delay);
                st->phase = RETRY_WAITING;
                st->next_attempt = now_usec(CLOCK_REALTIME) + wait;
                publish(alias, st);
                if (!streq(reported, st->last_error) || st->probes + st->attempts == 0) {
                        log_internal(ls.status == EXIT_AUTH_FAILED ? LOG_ERR : LOG_NOTICE, 0, MESSAGE_ID_RETRY_WAITING,
                                     "%s: %s; trying again in the background, next in %llu s%s%s.", alias,
                                     ls.result == LOGIN_RESULT_PARTIAL ? "some portals have no session" :
                                     status_phrase(ls.status), (unsigned long long) (wait / USEC_PER_SEC),
                                     st->last_error[0] ? ": " : "", st->last_error);
                        snprintf(reported, sizeof reported, "%s", st->last_error);
                }
                sleep_usec(wait);
                /* Someone else may have logged in meanwhile (the admin, an automount). */
                r = reread(alias, &ls);
                if (r < 0)
                        return r;
                if (ls.result == LOGIN_RESULT_OK)
                        continue;

                r = probe(alias, &ls, st, answered, sizeof answered);
                if (r < 0)
                        return r;
                if (r == 0) {
                        st->probes++;
                        continue;
                }
                was_failed = ls.result == LOGIN_RESULT_FAILED;
                r = attempt(alias, &ls, st, answered);
                if (r < 0)
                        return r;
                /* Progress (some paths up now): watch the rest from the shortest delay again. */
                if (was_failed && ls.result == LOGIN_RESULT_PARTIAL)
                        delay = RETRY_DELAY_FIRST;
        }
}

int verb_retry(const char *alias) {
        struct sigaction sa = { .sa_handler = on_term };
        RetryState st = { .since = now_usec(CLOCK_REALTIME) };
        int r;

        if (!alias_is_valid(alias))
                return log_error_errno(EINVAL, "Invalid target alias \"%s\": " ALIAS_RULE ".", alias);
        snprintf(state_path, sizeof state_path, "%s/%s", RETRY_STATE_DIR, alias);
        sigemptyset(&sa.sa_mask);
        if (sigaction(SIGTERM, &sa, NULL) < 0 || sigaction(SIGINT, &sa, NULL) < 0)
                return log_error_errno(errno, "Cannot handle SIGTERM: %m");
        r = retry_loop(alias, &st);
        (void) unlink(state_path);
        return r;
}
