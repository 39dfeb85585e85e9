/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * Logging at the boundary. Three sinks:
 *  - stderr, plain, for interactive use;
 *  - stderr with "<N>" priority prefixes when stderr is connected to the
 *    journal (systemd.exec(5) $JOURNAL_STREAM; journald parses the prefix);
 *  - /dev/kmsg as "<PRI>ident[pid]: msg", for a system generator whose stdio
 *    is /dev/null (systemd.generator(7)).
 * A program may install a structured sink (log_set_structured_sink()) that
 * receives the MESSAGE_ID of messages that carry one.
 *
 * No function here may ever be handed a secret.
 */

#include <errno.h>
#include <stdarg.h>
#include <syslog.h>

#include "cleanup.h"

typedef enum LogTarget {
        LOG_TARGET_AUTO,
        LOG_TARGET_STDERR,
        LOG_TARGET_JOURNAL_STREAM,
        LOG_TARGET_KMSG,
} LogTarget;

/* Structured sink: gets the priority, a MESSAGE_ID (32 hex chars, may be
 * NULL) and the formatted message; returns 0 if it took the message, <0 to
 * fall back to the plain target. */
typedef int (*log_structured_sink_t)(int level, const char *message_id, const char *message);

/**
 * log_setup() - choose the identifier and the sink
 * @ident: program name used in kmsg lines
 * @target: LOG_TARGET_AUTO picks kmsg when this process was started by
 *          systemd as a generator ($SYSTEMD_EXEC_PID equals our pid and
 *          stderr is not a terminal), the journal stream when $JOURNAL_STREAM
 *          matches stderr, else plain stderr.
 */
void log_setup(const char *ident, LogTarget target);

/** log_set_max_level() - drop messages above @level (LOG_DEBUG..LOG_EMERG). */
void log_set_max_level(int level);

/** log_set_structured_sink() - install (or with NULL remove) a structured sink. */
void log_set_structured_sink(log_structured_sink_t sink);

/**
 * log_set_object_unit() - name the unit the next messages are about
 * @unit: a unit name (not copied: it must outlive its use), or NULL to stop
 *
 * For a structured sink that writes to the journal as OBJECT_SYSTEMD_UNIT=:
 * "journalctl -u UNIT" and "systemctl status UNIT" show messages of root's
 * processes that carry it (systemd.journal-fields(7)), so a message about
 * a unit whose own process never ran is found where the admin looks.
 */
void log_set_object_unit(const char *unit);

/** log_get_object_unit() - what log_set_object_unit() set, or NULL. */
const char *log_get_object_unit(void);

/**
 * log_internal() - format and emit one message
 * @level: syslog level
 * @error: errno value (either sign) made available to "%m"; 0 for none
 * @message_id: MESSAGE_ID for the structured sink, or NULL
 * @format: printf format
 *
 * Control bytes (C0, DEL) in the formatted message, wherever they came
 * from, are written as C escapes (cescape_control()): a quoted file name
 * with a newline cannot forge a second log line.
 *
 * Return: -abs(@error), so callers can "return log_error_errno(r, ...)".
 */
int log_internal(int level, int error, const char *message_id, const char *format, ...) _printf_(4, 5);

/**
 * log_syntax_internal() - report a problem in a credential
 * @credential: credential name (e.g. "iscsi.target.t1")
 * @line: 1-based line number, 0 when the problem is not tied to a line
 * @level, @error, @format: as for log_internal()
 *
 * Prints "CREDENTIAL:LINE: message", control bytes escaped as by
 * log_internal(). Never pass a secret value, nor its length, nor (for a
 * secrets credential) a key that chap_key_known() does not know.
 *
 * Return: -abs(@error).
 */
int log_syntax_internal(const char *credential, unsigned line, int level, int error,
                        const char *format, ...) _printf_(5, 6);

#define log_full_errno(level, error, ...) log_internal(level, error, NULL, __VA_ARGS__)
#define log_debug(...) log_internal(LOG_DEBUG, 0, NULL, __VA_ARGS__)
#define log_info(...) log_internal(LOG_INFO, 0, NULL, __VA_ARGS__)
#define log_notice(...) log_internal(LOG_NOTICE, 0, NULL, __VA_ARGS__)
#define log_warning(...) log_internal(LOG_WARNING, 0, NULL, __VA_ARGS__)
#define log_error(...) log_internal(LOG_ERR, 0, NULL, __VA_ARGS__)
#define log_debug_errno(e, ...) log_internal(LOG_DEBUG, e, NULL, __VA_ARGS__)
#define log_warning_errno(e, ...) log_internal(LOG_WARNING, e, NULL, __VA_ARGS__)
#define log_error_errno(e, ...) log_internal(LOG_ERR, e, NULL, __VA_ARGS__)
#define log_oom() log_internal(LOG_ERR, ENOMEM, NULL, "Out of memory.")

#define log_syntax(cred, line, level, error, ...) \
        log_syntax_internal(cred, line, level, error, __VA_ARGS__)

/* Stable MESSAGE_IDs, one per failure kind, for journalctl MESSAGE_ID=. */
#define MESSAGE_ID_BAD_CREDENTIAL    "6f3c2f0e9b7a4d51a1c8e2d4b0f95a17"
#define MESSAGE_ID_AUTH_FAILED       "b5e1a3c97d2f4e6a8c0b1d3f5a7e9c21"
#define MESSAGE_ID_TARGET_UNREACHABLE "2d8f4b6a1c3e4f5a9b7d0e2c4a6f8b13"
#define MESSAGE_ID_LOGIN_FAILED      "9a1e3c5b7d9f4b2a8e6c4a2f0d8b6e45"
#define MESSAGE_ID_LOGGED_IN         "e7c5a3b1f9d74e2c8a6b4d2f0e8c6a39"
#define MESSAGE_ID_LOGGED_OUT        "4c2e0a8f6d4b4a9e8c7a5b3d1f9e7c53"
/* The retry service (iscsi-creds-retry@.service): one message per change of state. */
#define MESSAGE_ID_RETRY_WAITING     "95bf2ba722004d4f8d8b71bcd4164869"
#define MESSAGE_ID_RETRY_ATTEMPT     "425f1e10b3c3402fa531683a49ab9827"
#define MESSAGE_ID_RETRY_DONE        "5f0772f7850d4793b3c4d711c50de53b"
#define MESSAGE_ID_RETRY_STOPPED     "e1e5f7e893964dc885df636e3f4161fe"
/* PID 1 could not decrypt (or read) a credential of the login unit, which therefore never ran. */
#define MESSAGE_ID_CREDENTIAL_UNUSABLE "f7d339eb684a4289b6f85201b3d91c16"
