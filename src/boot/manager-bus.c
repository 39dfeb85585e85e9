/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "manager-bus.h"
#include "string-util.h"

#define MANAGER_SERVICE "org.freedesktop.systemd1"
#define MANAGER_PATH "/org/freedesktop/systemd1"
#define MANAGER_INTERFACE "org.freedesktop.systemd1.Manager"
#define UNIT_INTERFACE "org.freedesktop.systemd1.Unit"
#define SERVICE_INTERFACE "org.freedesktop.systemd1.Service"

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

int manager_queue_job(sd_bus *bus, const char *method, const char *unit, usec_t timeout, const char **ret_result) {
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        _cleanup_(sd_bus_slot_unrefp) sd_bus_slot *slot = NULL;
        JobWait w = {};
        usec_t deadline = now_usec(CLOCK_MONOTONIC) + timeout;
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
                usec_t now = now_usec(CLOCK_MONOTONIC);

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

static int unit_object_path(const char *unit, char **ret) {
        return sd_bus_path_encode("/org/freedesktop/systemd1/unit", unit, ret);
}

int manager_get_exec_main(sd_bus *bus, const char *unit, ServiceExecMain *ret) {
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        _cleanup_free_ char *path = NULL;
        ServiceExecMain m = {};
        const void *id = NULL;
        size_t size = 0;
        uint64_t since = 0;
        int32_t code = 0, status = 0;
        int r;

        r = unit_object_path(unit, &path);
        if (r < 0)
                return r;
        r = sd_bus_get_property_trivial(bus, MANAGER_SERVICE, path, SERVICE_INTERFACE, "ExecMainCode", &error, 'i',
                                        &code);
        if (r >= 0)
                r = sd_bus_get_property_trivial(bus, MANAGER_SERVICE, path, SERVICE_INTERFACE, "ExecMainStatus",
                                                &error, 'i', &status);
        if (r >= 0)
                r = sd_bus_get_property_trivial(bus, MANAGER_SERVICE, path, UNIT_INTERFACE, "InactiveExitTimestamp",
                                                &error, 't', &since);
        if (r >= 0)
                r = sd_bus_get_property(bus, MANAGER_SERVICE, path, UNIT_INTERFACE, "InvocationID", &error, &reply,
                                        "ay");
        if (r >= 0)
                r = sd_bus_message_read_array(reply, 'y', &id, &size);
        if (r < 0)
                return r;
        if (size == 16) {
                for (size_t i = 0; i < 16; i++)
                        sprintf(m.invocation + 2 * i, "%02x", ((const unsigned char *) id)[i]);
                if (strspn(m.invocation, "0") == 32)
                        m.invocation[0] = '\0';
        }
        m.code = code;
        m.status = status;
        m.since = since;
        *ret = m;
        return 0;
}

static int read_credentials(sd_bus *bus, const char *path, const char *property, bool encrypted,
                            UnitCredential *ret, size_t n) {
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        const char *id, *source;
        int r;

        r = sd_bus_get_property(bus, MANAGER_SERVICE, path, SERVICE_INTERFACE, property, &error, &reply, "a(ss)");
        if (r >= 0)
                r = sd_bus_message_enter_container(reply, 'a', "(ss)");
        if (r < 0)
                return r;
        while ((r = sd_bus_message_read(reply, "(ss)", &id, &source)) > 0)
                if (n < MANAGER_CREDENTIALS_MAX) {
                        snprintf(ret[n].id, sizeof ret[n].id, "%s", id);
                        snprintf(ret[n].path, sizeof ret[n].path, "%s", source);
                        ret[n++].encrypted = encrypted;
                }
        return r < 0 ? r : (int) n;
}

int manager_get_credentials(sd_bus *bus, const char *unit, UnitCredential *ret) {
        _cleanup_free_ char *path = NULL;
        int r;

        r = unit_object_path(unit, &path);
        if (r < 0)
                return r;
        r = read_credentials(bus, path, "LoadCredentialEncrypted", true, ret, 0);
        if (r < 0)
                return r;
        return read_credentials(bus, path, "LoadCredential", false, ret, (size_t) r);
}
