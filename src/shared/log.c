/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"
#include "string-util.h"

static const char *log_ident = "iscsi-creds";
static LogTarget log_target = LOG_TARGET_STDERR;
static int log_max_level = LOG_INFO;
static log_structured_sink_t log_sink;
static const char *log_object_unit;

/* $JOURNAL_STREAM is "DEV:INODE" of the stream journald gave us
 * (systemd.exec(5)); only trust it if it matches our stderr. */
static bool stderr_is_journal(void) {
        const char *e = getenv("JOURNAL_STREAM");
        unsigned long long dev, ino;
        struct stat st;

        if (!e || sscanf(e, "%llu:%llu", &dev, &ino) != 2)
                return false;
        if (fstat(STDERR_FILENO, &st) < 0)
                return false;
        return (unsigned long long) st.st_dev == dev && (unsigned long long) st.st_ino == ino;
}

/* systemd.generator(7): PID 1 sets $SYSTEMD_EXEC_PID for generators it runs. */
static bool running_as_generator(void) {
        const char *e = getenv("SYSTEMD_EXEC_PID");
        char buf[32];

        if (!e)
                return false;
        snprintf(buf, sizeof buf, "%d", (int) getpid());
        return streq(e, buf) && !isatty(STDERR_FILENO);
}

void log_setup(const char *ident, LogTarget target) {
        if (ident)
                log_ident = ident;
        if (target == LOG_TARGET_AUTO) {
                if (running_as_generator())
                        target = LOG_TARGET_KMSG;
                else if (stderr_is_journal())
                        target = LOG_TARGET_JOURNAL_STREAM;
                else
                        target = LOG_TARGET_STDERR;
        }
        log_target = target;
}

void log_set_max_level(int level) {
        log_max_level = level;
}

void log_set_structured_sink(log_structured_sink_t sink) {
        log_sink = sink;
}

void log_set_object_unit(const char *unit) {
        log_object_unit = unit;
}

const char *log_get_object_unit(void) {
        return log_object_unit;
}

static void write_kmsg(int level, const char *msg) {
        _cleanup_close_ int fd = open("/dev/kmsg", O_WRONLY | O_NOCTTY | O_CLOEXEC);
        char buf[1024];
        int n;

        if (fd < 0) {
                fprintf(stderr, "%s\n", msg);
                return;
        }
        n = snprintf(buf, sizeof buf, "<%d>%s[%d]: %s\n", LOG_DAEMON | level, log_ident, (int) getpid(), msg);
        if (n > 0)
                (void) !write(fd, buf, (size_t) n < sizeof buf ? (size_t) n : sizeof buf - 1);
}

static void emit(int level, const char *message_id, const char *msg) {
        if (log_sink && log_sink(level, message_id, msg) >= 0)
                return;

        switch (log_target) {
        case LOG_TARGET_KMSG:
                write_kmsg(level, msg);
                break;
        case LOG_TARGET_JOURNAL_STREAM:
                fprintf(stderr, "<%d>%s\n", level, msg);
                break;
        default:
                fprintf(stderr, "%s\n", msg);
        }
}

static int log_va(int level, int error, const char *message_id, const char *prefix,
                  const char *format, va_list ap) {
        char msg[LINE_MAX];
        size_t off = 0;

        if (error < 0)
                error = -error;
        if (level > log_max_level)
                return -error;

        if (prefix)
                off = (size_t) snprintf(msg, sizeof msg, "%s", prefix);
        if (off >= sizeof msg)
                off = sizeof msg - 1;
        errno = error;
        vsnprintf(msg + off, sizeof msg - off, format, ap);

        /* Every string a message quotes may come from outside (credential and file names, keys,
         * bare lines): a newline in it would forge a second log line, an ESC drive a terminal. */
        if (has_control_char(msg)) {
                char escaped[LINE_MAX];

                emit(level, message_id, cescape_control(msg, escaped, sizeof escaped));
        } else
                emit(level, message_id, msg);
        return -error;
}

int log_internal(int level, int error, const char *message_id, const char *format, ...) {
        va_list ap;
        int r;

        va_start(ap, format);
        r = log_va(level, error, message_id, NULL, format, ap);
        va_end(ap);
        return r;
}

int log_syntax_internal(const char *credential, unsigned line, int level, int error,
                        const char *format, ...) {
        char prefix[256];
        va_list ap;
        int r;

        if (line > 0)
                snprintf(prefix, sizeof prefix, "%s:%u: ", credential, line);
        else
                snprintf(prefix, sizeof prefix, "%s: ", credential);

        va_start(ap, format);
        r = log_va(level, error, level <= LOG_ERR ? MESSAGE_ID_BAD_CREDENTIAL : NULL, prefix, format, ap);
        va_end(ap);
        return r;
}
