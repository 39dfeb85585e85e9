/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "io-util.h"
#include "keyvalue.h"
#include "login-state.h"
#include "string-util.h"

#define STATE_FILE_MAX (16 * 1024)

static const char *const login_results[] = { "ok", "partial", "failed" };
static const char *const login_steps[] = { "started", "loaded", "probed", "records", "logged-in", "attached" };
static const char *const retry_phases[] = { "waiting", "logging-in", "stopped" };

const char *login_result_to_string(LoginResult r) {
        return (unsigned) r < ELEMENTSOF(login_results) ? login_results[r] : NULL;
}

const char *login_step_to_string(LoginStep s) {
        return (unsigned) s < ELEMENTSOF(login_steps) ? login_steps[s] : NULL;
}

const char *retry_phase_to_string(RetryPhase p) {
        return (unsigned) p < ELEMENTSOF(retry_phases) ? retry_phases[p] : NULL;
}

static int lookup(const char *const *table, size_t n, const char *s) {
        for (size_t i = 0; i < n; i++)
                if (streq(table[i], s))
                        return (int) i;
        return -EBADMSG;
}

/* Reads DIR/ALIAS as key=value lines (keyvalue_parse(), which also checks
 * that the file is text). */
static int state_read(const char *dir, const char *alias, KeyValueList *ret) {
        _cleanup_free_ char *path = NULL, *data = NULL;
        size_t size;
        int r;

        if (asprintf(&path, "%s/%s", dir, alias) < 0)
                return -ENOMEM;
        r = read_file_bounded(path, STATE_FILE_MAX, &data, &size);
        if (r < 0)
                return r;
        r = keyvalue_parse(path, data, size, false, ret);
        return r == -ENOMEM ? r : r < 0 ? -EBADMSG : 0;
}

static int parse_unsigned(const char *s, unsigned long long max, unsigned long long *ret) {
        return safe_atou64(s, ret) < 0 || *ret > max ? -EBADMSG : 0;
}

int login_state_write(const char *dir, const char *alias, const LoginState *s) {
        _cleanup_free_ char *text = NULL;
        size_t size = 0;
        FILE *f = open_memstream(&text, &size);

        if (!f)
                return -ENOMEM;
        fprintf(f, "result=%s\nstatus=%d\n", login_result_to_string(s->result), s->status);
        if (s->unit[0])
                fprintf(f, "unit=%s\n", s->unit);
        for (size_t i = 0; i < s->n_down; i++) {
                char buf[PORTAL_STRING_MAX];

                fprintf(f, "down=%s\n", portal_to_string(&s->down[i], buf));
        }
        for (size_t i = 0; i < _LOGIN_STEP_MAX; i++)
                if (s->steps[i] > 0)
                        fprintf(f, "step.%s=%llu\n", login_steps[i], (unsigned long long) s->steps[i]);
        for (size_t i = 0; i < _LOGIN_STEP_MAX; i++)
                if (s->cpu[i] > 0)
                        fprintf(f, "cpu.%s=%llu\n", login_steps[i], (unsigned long long) s->cpu[i]);
        if (fclose(f) != 0)
                return -ENOMEM;
        return write_private_file(dir, alias, text);
}

int login_state_read(const char *dir, const char *alias, LoginState *ret) {
        _cleanup_(keyvalue_list_done) KeyValueList kv = {};
        LoginState s = {};
        int r = state_read(dir, alias, &kv);

        if (r < 0)
                return r;
        for (size_t i = 0; i < kv.n_entries; i++) {
                const char *k = kv.entries[i].key, *v = kv.entries[i].value, *reason;
                unsigned long long u;

                if (streq(k, "result")) {
                        r = lookup(login_results, ELEMENTSOF(login_results), v);
                        if (r < 0)
                                return r;
                        s.result = r;
                } else if (streq(k, "status")) {
                        if (parse_unsigned(v, 255, &u) < 0)
                                return -EBADMSG;
                        s.status = (int) u;
                } else if (streq(k, "unit")) {
                        if (strlen(v) >= sizeof s.unit)
                                return -EBADMSG;
                        strcpy(s.unit, v);
                } else if (startswith(k, "step.") || startswith(k, "cpu.")) {
                        bool cpu = startswith(k, "cpu.");

                        /* A step only a newer helper knows is ignored, as unknown keys are. */
                        r = lookup(login_steps, ELEMENTSOF(login_steps), k + strlen(cpu ? "cpu." : "step."));
                        if (r >= 0) {
                                if (parse_unsigned(v, UINT64_MAX - 1, &u) < 0)
                                        return -EBADMSG;
                                if (cpu)
                                        s.cpu[r] = u;
                                else
                                        s.steps[r] = u;
                        }
                } else if (streq(k, "down") && s.n_down < LOGIN_STATE_PORTALS_MAX) {
                        if (portal_parse(v, &s.down[s.n_down], &reason) < 0)
                                return -EBADMSG;
                        s.n_down++;
                }
        }
        *ret = s;
        return 0;
}

int retry_state_write(const char *dir, const char *alias, const RetryState *s) {
        _cleanup_free_ char *text = NULL;

        if (asprintf(&text, "phase=%s\nattempts=%u\nprobes=%u\nsince=%llu\nnext_attempt=%llu\n%s%s%s",
                     retry_phase_to_string(s->phase), s->attempts, s->probes, (unsigned long long) s->since,
                     (unsigned long long) s->next_attempt, s->last_error[0] ? "last_error=" : "", s->last_error,
                     s->last_error[0] ? "\n" : "") < 0)
                return -ENOMEM;
        return write_private_file(dir, alias, text);
}

int retry_state_read(const char *dir, const char *alias, RetryState *ret) {
        _cleanup_(keyvalue_list_done) KeyValueList kv = {};
        RetryState s = {};
        int r = state_read(dir, alias, &kv);

        if (r < 0)
                return r;
        for (size_t i = 0; i < kv.n_entries; i++) {
                const char *k = kv.entries[i].key, *v = kv.entries[i].value;
                unsigned long long u;

                if (streq(k, "phase")) {
                        r = lookup(retry_phases, ELEMENTSOF(retry_phases), v);
                        if (r < 0)
                                return r;
                        s.phase = r;
                } else if (streq(k, "attempts") || streq(k, "probes")) {
                        if (parse_unsigned(v, UINT32_MAX, &u) < 0)
                                return -EBADMSG;
                        *(streq(k, "attempts") ? &s.attempts : &s.probes) = (unsigned) u;
                } else if (streq(k, "since") || streq(k, "next_attempt")) {
                        if (parse_unsigned(v, UINT64_MAX, &u) < 0)
                                return -EBADMSG;
                        *(streq(k, "since") ? &s.since : &s.next_attempt) = u;
                } else if (streq(k, "last_error"))
                        snprintf(s.last_error, sizeof s.last_error, "%s", v);
        }
        *ret = s;
        return 0;
}
