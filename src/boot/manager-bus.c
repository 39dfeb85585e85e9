/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include <errno.h>
#include <stdbool.h>
#include <string.h>
#include <time.h>

#include "manager-bus.h"
#include "string-util.h"

#define MANAGER_SERVICE "org.freedesktop.systemd1"
#define MANAGER_PATH "/org/freedesktop/systemd1"
#define MANAGER_INTERFACE "org.freedesktop.systemd1.Manager"

int manager_bus_open(sd_bus **ret) {
        sd_bus *bus = NULL;
        int r;

        r = sd_bus_new(&bus);
        if (r < 0)
                return r;
        r = sd_bus_set_address(bus, "unix:path=/run/systemd/private");
        if (r >= 0)
                r = sd_bus_start(bus);
        if (r < 0) {
                sd_bus_unref(bus);
                return r;
        }
        *ret = bus;
        return 0;
}

typedef struct JobWait {
        const char *path;       /* the job's object path, once known */
        const char *result;
        bool done;
        char early_path[256];   /* a JobRemoved that came before the method's reply */
        const char *early_result;
} JobWait;

static const char *result_static(const char *s) {
        static const char *const known[] = { "done", "failed", "dependency", "timeout", "canceled", "skipped" };

        for (size_t i = 0; i < ELEMENTSOF(known); i++)
                if (streq(known[i], s))
                        return known[i];
        return "unknown";
}

static int on_job_removed(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        JobWait *w = userdata;
        const char *path, *unit, *result;
        uint32_t id;

        (void) error;
        if (sd_bus_message_read(m, "uoss", &id, &path, &unit, &result) < 0)
                return 0;
        if (w->path && streq(w->path, path)) {
                w->result = result_static(result);
                w->done = true;
        } else if (!w->path && strlen(path) < sizeof w->early_path) {
                strcpy(w->early_path, path);
                w->early_result = result_static(result);
        }
        return 0;
}

static usec_t now_usec(void) {
        struct timespec ts;

        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (usec_t) ts.tv_sec * USEC_PER_SEC + (usec_t) ts.tv_nsec / 1000;
}

int manager_queue_job(sd_bus *bus, const char *method, const char *unit, usec_t timeout, const char **ret_result) {
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        _cleanup_(sd_bus_slot_unrefp) sd_bus_slot *slot = NULL;
        JobWait w = {};
        usec_t deadline = now_usec() + timeout;
        int r;

        if (timeout > 0) {
                /* Signals reach a direct connection only after Subscribe(); the match must be
                 * in place before the job exists, or its end could be missed. */
                r = sd_bus_match_signal(bus, &slot, NULL, MANAGER_PATH, MANAGER_INTERFACE, "JobRemoved",
                                        on_job_removed, &w);
                if (r >= 0)
                        r = sd_bus_call_method(bus, MANAGER_SERVICE, MANAGER_PATH, MANAGER_INTERFACE, "Subscribe",
                                               &error, NULL, NULL);
                if (r < 0)
                        return r;
        }
        r = sd_bus_call_method(bus, MANAGER_SERVICE, MANAGER_PATH, MANAGER_INTERFACE, method, &error, &reply, "ss",
                               unit, "replace");
        if (r < 0)
                return r;
        if (timeout == 0)
                return 0;
        r = sd_bus_message_read(reply, "o", &w.path);
        if (r < 0)
                return r;
        if (w.early_result && streq(w.early_path, w.path)) {
                w.result = w.early_result;
                w.done = true;
        }
        while (!w.done) {
                usec_t now = now_usec();

                r = sd_bus_process(bus, NULL);
                if (r < 0)
                        return r;
                if (r > 0)
                        continue;
                if (now >= deadline)
                        return -ETIMEDOUT;
                r = sd_bus_wait(bus, deadline - now);
                if (r < 0 && r != -EINTR)
                        return r;
        }
        if (ret_result)
                *ret_result = w.result;
        return 0;
}
