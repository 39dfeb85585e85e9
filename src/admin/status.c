/* SPDX-License-Identifier: LGPL-2.1-or-later */

/*
 * "iscsi-creds status [--json] [ALIAS...]": what each declared target is
 * doing now. Every source is optional: without a system bus (not booted
 * with systemd, a container) the unit state is "unknown"; without sessions
 * the session is absent. Reads no secret: sessions are read from sysfs
 * attribute by attribute (iscsi-session.h), not with libopeniscsiusr's
 * iscsi_sessions_get(), which reads every session's CHAP password too.
 */

#include <errno.h>
#include <unistd.h>
#include <getopt.h>
#include <glob.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <json-c/json.h>
#include <systemd/sd-bus.h>

#include "commands.h"
#include "load.h"
#include "log.h"
#include "login-state.h"
#include "iscsi-name.h"
#include "iscsi-session.h"
#include "session-owner.h"
#include "string-util.h"
#include "unit-name.h"

#define BUS_TIMEOUT (5 * USEC_PER_SEC)

typedef struct DeviceLink {
        char *link;             /* /dev/disk/by-path/... */
        char *node;             /* what it resolves to, or NULL */
} DeviceLink;

typedef struct TargetStatus {
        const CredentialFile *file;
        Target *target;                 /* NULL if the definition is invalid */
        char *unit;
        char *active_state, *sub_state; /* "unknown" without a bus */
        bool has_session;
        IscsiSession session;
        Target session_path;            /* the path of @session (shallow copy of @target) */
        char session_name[ISCSI_NAME_MAX + 1], session_iface[IFACE_NAME_MAX + 1];
        bool session_ours;              /* made by iscsi-creds (session-owner.h) */
        char **session_users;           /* aliases using it, from the session records */
        char *session_state, *connection_state;   /* from sysfs, or NULL */
        DeviceLink *devices;            /* [0] the LUN, then its partitions */
        size_t n_devices;
        int mounted;                    /* 1, 0, or -1 when there is no mount point */
        bool retrying;                  /* iscsi-creds-retry@ALIAS.service is active */
        RetryState retry;               /* its state file, when @retrying */
        CredentialFile *auth;           /* the secrets credential, NULL if none */
        char *auth_missing;             /* the name "auth =" gives, when no such credential exists */
        int sealing;                    /* credential_sealing() of @auth: its header, never decrypted */
} TargetStatus;

static void status_help(void) {
        printf("Usage: iscsi-creds status [--json] [ALIAS...]\n"
               "\n"
               "Show each declared target (or those named): its definition, the state of its login\n"
               "unit, its iSCSI session (SID, portal, session and connection state), the block\n"
               "devices of the LUN, whether the mount point is mounted, which key protects its\n"
               "secrets credential (read from its header, not decrypted) and, while a login is tried\n"
               "again in the background, the retry's state. --json prints one JSON\n"
               "object with the stable fields documented in iscsi-creds(8).\n");
}

static void target_status_done(TargetStatus *s) {
        target_free(s->target);
        credential_file_free(s->auth);
        free(s->auth_missing);
        free(s->unit);
        free(s->active_state);
        free(s->sub_state);
        free(s->session_state);
        free(s->connection_state);
        for (char **u = s->session_users; u && *u; u++)
                free(*u);
        free(s->session_users);
        for (size_t i = 0; i < s->n_devices; i++) {
                free(s->devices[i].link);
                free(s->devices[i].node);
        }
        free(s->devices);
}

static int get_unit_state(sd_bus *bus, const char *unit, char **ret_active, char **ret_sub) {
        sd_bus_error error = SD_BUS_ERROR_NULL;
        sd_bus_message *reply = NULL;
        const char *path;
        int r;

        if (!bus)
                goto unknown;

        r = sd_bus_call_method(bus, "org.freedesktop.systemd1", "/org/freedesktop/systemd1",
                               "org.freedesktop.systemd1.Manager", "GetUnit", &error, &reply, "s", unit);
        if (r < 0) {
                bool not_loaded = sd_bus_error_has_name(&error, "org.freedesktop.systemd1.NoSuchUnit");

                sd_bus_error_free(&error);
                if (!not_loaded)
                        goto unknown;
                /* Not loaded: never started since boot, or stopped and garbage-collected. */
                *ret_active = strdup("inactive");
                *ret_sub = strdup("dead");
                return *ret_active && *ret_sub ? 0 : -ENOMEM;
        }
        r = sd_bus_message_read(reply, "o", &path);
        if (r >= 0)
                r = sd_bus_get_property_string(bus, "org.freedesktop.systemd1", path, "org.freedesktop.systemd1.Unit",
                                               "ActiveState", &error, ret_active);
        if (r >= 0)
                r = sd_bus_get_property_string(bus, "org.freedesktop.systemd1", path, "org.freedesktop.systemd1.Unit",
                                               "SubState", &error, ret_sub);
        sd_bus_error_free(&error);
        sd_bus_message_unref(reply);
        if (r >= 0)
                return 0;
        free(*ret_active);
        *ret_active = NULL;
unknown:
        *ret_active = strdup("unknown");
        *ret_sub = strdup("unknown");
        return *ret_active && *ret_sub ? 0 : -ENOMEM;
}

/* A one-line sysfs attribute, or NULL. */
static char *read_sysfs(const char *fmt, ...) _printf_(1, 2);
static char *read_sysfs(const char *fmt, ...) {
        char path[PATH_MAX], buf[64];
        _cleanup_fclose_ FILE *f = NULL;
        va_list ap;

        va_start(ap, fmt);
        vsnprintf(path, sizeof path, fmt, ap);
        va_end(ap);
        f = fopen(path, "re");
        if (!f || !fgets(buf, sizeof buf, f))
                return NULL;
        buf[strcspn(buf, "\n")] = '\0';
        return strdup(buf);
}

static int add_device(TargetStatus *s, const char *root, const char *link) {
        _cleanup_free_ char *full = NULL;
        char resolved[PATH_MAX];
        DeviceLink *d;

        d = realloc(s->devices, (s->n_devices + 1) * sizeof(DeviceLink));
        if (!d)
                return -ENOMEM;
        s->devices = d;
        d = &s->devices[s->n_devices];
        *d = (DeviceLink) { .link = strdup(link) };
        if (!d->link)
                return -ENOMEM;
        s->n_devices++;
        if (asprintf(&full, "%s%s", root, link) < 0)
                return -ENOMEM;
        if (realpath(full, resolved)) {
                /* Report the node as seen from the root, not the test prefix. */
                const char *p = startswith(resolved, root) && !isempty(root) ? resolved + strlen(root) : resolved;

                d->node = strdup(p);
                if (!d->node)
                        return -ENOMEM;
        }
        return 0;
}

static int find_devices(TargetStatus *s) {
        const char *root = getenv("ISCSI_CREDS_ROOT") ?: "";
        _cleanup_free_ char *link = NULL, *pattern = NULL;
        glob_t g = {};
        int r;

        r = target_device(s->target, &link);
        if (r == -ENOENT)
                return 0;       /* discovery: the devices are not known by name */
        if (r < 0)
                return r;
        r = add_device(s, root, link);
        if (r < 0)
                return r;
        if (asprintf(&pattern, "%s%s-part*", root, link) < 0)
                return -ENOMEM;
        if (glob(pattern, 0, NULL, &g) == 0)
                for (size_t i = 0; i < g.gl_pathc && r >= 0; i++)
                        r = add_device(s, root, g.gl_pathv[i] + strlen(root));
        globfree(&g);
        return r;
}

/* Undo the octal escapes of /proc/self/mountinfo (space, tab, newline, backslash). */
static void unoctal(char *s) {
        char *o = s;

        for (; *s; s++) {
                if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' && s[2] >= '0' && s[2] <= '7' && s[3] >= '0' &&
                    s[3] <= '7') {
                        *o++ = (char) ((s[1] - '0') * 64 + (s[2] - '0') * 8 + (s[3] - '0'));
                        s += 3;
                } else
                        *o++ = *s;
        }
        *o = '\0';
}

/* proc(5): mountinfo field 5 is the mount point. */
static int is_mounted(const char *where) {
        _cleanup_fclose_ FILE *f = fopen("/proc/self/mountinfo", "re");
        char line[4096];

        if (!f)
                return -errno;
        while (fgets(line, sizeof line, f)) {
                char *field = line, *mp = NULL;

                for (int i = 0; i < 5 && field; i++) {
                        mp = strsep(&field, " ");
                }
                if (!mp)
                        continue;
                unoctal(mp);
                if (streq(mp, where))
                        return 1;
        }
        return 0;
}

/* The session the alias uses: the paths its login recorded (several portals,
 * discovered ones), else the configured portal. From sysfs, attribute by
 * attribute: never a session's CHAP secrets. Returns 1 if found. */
static int find_session(TargetStatus *s) {
        _cleanup_free_ NodeRef *refs = NULL;
        size_t n = 0;
        int r;

        r = session_owner_paths_of(SESSION_REGISTRY_DIR, s->target->alias, &refs, &n);
        if (r < 0)
                return r;
        for (size_t i = 0; i < n; i++) {
                s->session_path = *s->target;
                snprintf(s->session_name, sizeof s->session_name, "%s", refs[i].name);
                snprintf(s->session_iface, sizeof s->session_iface, "%s", refs[i].iface);
                s->session_path.name = s->session_name;
                s->session_path.iface = s->session_iface;
                s->session_path.portal = refs[i].portal;
                s->session_path.tpgt = refs[i].tpgt;
                r = iscsi_session_find(&s->session_path, &s->session);
                if (r != 0)
                        return r;
        }
        if (!s->target->name)
                return 0;
        s->session_path = *s->target;
        return iscsi_session_find(&s->session_path, &s->session);
}

/* The retry service's state (login-state.h), shown only while the service runs: a file left
 * behind by one that was killed says nothing. */
static int collect_retry(TargetStatus *s, sd_bus *bus) {
        _cleanup_free_ char *unit = NULL, *active = NULL, *sub = NULL;
        int r;

        if (asprintf(&unit, "iscsi-creds-retry@%s.service", s->target->alias) < 0)
                return -ENOMEM;
        r = get_unit_state(bus, unit, &active, &sub);
        if (r < 0)
                return r;
        if (!STR_IN_SET(active, "active", "activating", "reloading", "unknown"))
                return 0;
        r = retry_state_read(RETRY_STATE_DIR, s->target->alias, &s->retry);
        if (r == -ENOMEM)
                return r;
        s->retrying = r >= 0;
        return 0;
}

/* Seconds from now to a CLOCK_REALTIME time in µs, 0 if past. */
static long long seconds_until(usec_t t) {
        struct timespec ts;
        usec_t now;

        clock_gettime(CLOCK_REALTIME, &ts);
        now = (usec_t) ts.tv_sec * USEC_PER_SEC + (usec_t) ts.tv_nsec / 1000;
        return t > now ? (long long) ((t - now + USEC_PER_SEC / 2) / USEC_PER_SEC) : 0;
}

static int collect_status(TargetStatus *s, sd_bus *bus) {
        const char *fallback;
        int r;

        r = load_target(s->file, &s->target);
        if (r == -ENOMEM)
                return r;
        if (r < 0) {
                s->target = NULL;
                return 0;       /* reported as invalid; the messages went to stderr */
        }

        s->unit = target_login_unit(s->target);
        if (!s->unit)
                return -ENOMEM;
        r = find_auth_credential(s->target, CREDENTIAL_SEARCH_SYSTEM, NULL, 0, &s->auth);
        if (r == -ENOMEM)
                return r;
        /* "auth = NAME" naming a credential that is not there (find_auth_credential() said so
         * on stderr): not "no CHAP". */
        if (r < 0 && target_auth_credential(s->target, &s->auth_missing, &fallback) < 0)
                return -ENOMEM;
        s->sealing = s->auth ? credential_sealing(s->auth->path) : 0;
        r = get_unit_state(bus, s->unit, &s->active_state, &s->sub_state);
        if (r < 0)
                return r;

        r = collect_retry(s, bus);
        if (r < 0)
                return r;
        r = find_session(s);
        if (r < 0)
                return r;
        s->has_session = r > 0;
        if (s->has_session) {
                r = session_owner_users(SESSION_REGISTRY_DIR, &s->session_path, &s->session_ours,
                                        &s->session_users);
                if (r == -ENOMEM)
                        return r;
                s->session_state = read_sysfs("/sys/class/iscsi_session/session%u/state", s->session.sid);
                s->connection_state = read_sysfs("/sys/class/iscsi_connection/connection%u:0/state", s->session.sid);
        }

        r = find_devices(s);
        if (r < 0)
                return r;
        s->mounted = s->target->mount ? is_mounted(s->target->mount) : -1;
        if (s->mounted < -1)
                s->mounted = 0;
        return 0;
}

static void print_text(const TargetStatus *s) {
        const Target *t = s->target;
        char portal[PORTAL_STRING_MAX];

        if (!t) {
                printf("%s: invalid definition (%s); see \"iscsi-creds verify\"\n\n", s->file->name, s->file->path);
                return;
        }
        printf("%s: %s at %s, tpgt %u, lun %llu, iface %s\n", t->alias, t->name ?: "(discovered)",
               portal_to_string(&t->portal, portal),
               t->tpgt, (unsigned long long) t->lun, t->iface);
        printf("    unit:    %s: %s (%s)\n", s->unit, s->active_state, s->sub_state);
        if (s->auth)
                printf("    secrets: %s, sealed with %s%s (%s)\n", s->auth->name,
                       s->sealing < 0 ? "unknown: " : "", s->sealing < 0 ? strerror(-s->sealing) :
                       credential_sealing_to_string(s->sealing), s->auth->path);
        else if (s->auth_missing)
                printf("    secrets: %s, missing (see \"iscsi-creds verify\")\n", s->auth_missing);
        else
                printf("    secrets: none (no CHAP)\n");
        if (s->has_session)
        {
                printf("    session: SID %u to %s:%u, session %s, connection %s, made by %s\n", s->session.sid,
                       s->session.persistent_address, s->session.persistent_port, s->session_state ?: "unknown",
                       s->connection_state ?: "unknown", s->session_ours ? "iscsi-creds" : "someone else");
                for (char **u = s->session_users; u && *u; u++)
                        printf("%s%s", u == s->session_users ? "    used by: " : ", ", *u);
                if (s->session_users && *s->session_users)
                        printf("\n");
        }
        else
                printf("    session: none\n");
        for (size_t i = 0; i < s->n_devices; i++)
                printf("    %s %s -> %s\n", i == 0 ? "device: " : "         ", s->devices[i].link,
                       s->devices[i].node ?: "(absent)");
        if (t->mount && s->mounted <= 0 && streq(s->active_state, "active")) {
                _cleanup_free_ char *unit = NULL;

                /* Logged in, yet not mounted: unmounted behind systemd's back (Debian's
                 * umountiscsi.sh when open-iscsi.service stops) or by hand. */
                (void) unit_name_from_path(t->mount, ".mount", &unit);
                printf("    mount:   %s (not mounted, although logged in: systemctl start %s)\n", t->mount,
                       unit ?: "remote-fs.target");
        } else if (t->mount)
                printf("    mount:   %s (%s)\n", t->mount, s->mounted > 0 ? "mounted" : "not mounted");
        else
                printf("    mount:   none (attach only)\n");
        if (s->retrying) {
                printf("    retry:   %s, %u login attempt%s, %u probe%s without answer", retry_phase_to_string(s->retry.phase),
                       s->retry.attempts, s->retry.attempts == 1 ? "" : "s", s->retry.probes,
                       s->retry.probes == 1 ? "" : "s");
                if (s->retry.phase == RETRY_WAITING && s->retry.next_attempt)
                        printf(", next in %lld s", seconds_until(s->retry.next_attempt));
                printf("\n");
                if (s->retry.last_error[0])
                        printf("             last error: %s\n", s->retry.last_error);
        }
        printf("\n");
}

static json_object *json_string_or_null(const char *s) {
        return s ? json_object_new_string(s) : NULL;
}

static json_object *status_to_json(const TargetStatus *s) {
        json_object *o = json_object_new_object(), *x;
        const Target *t = s->target;

        json_object_object_add(o, "alias", json_string_or_null(alias_from_credential_name(s->file->name)));
        json_object_object_add(o, "credential", json_object_new_string(s->file->name));
        json_object_object_add(o, "path", json_object_new_string(s->file->path));
        json_object_object_add(o, "valid", json_object_new_boolean(t != NULL));
        if (!t)
                return o;

        json_object_object_add(o, "target", t->name ? json_object_new_string(t->name) : NULL);
        x = json_object_new_object();
        json_object_object_add(x, "address", json_object_new_string(t->portal.address));
        json_object_object_add(x, "port", json_object_new_int(t->portal.port));
        json_object_object_add(o, "portal", x);
        json_object_object_add(o, "tpgt", json_object_new_int((int) t->tpgt));
        json_object_object_add(o, "lun", json_object_new_int64((int64_t) t->lun));
        json_object_object_add(o, "iface", json_object_new_string(t->iface));
        json_object_object_add(o, "mount", json_string_or_null(t->mount));
        json_object_object_add(o, "mounted", t->mount ? json_object_new_boolean(s->mounted > 0) : NULL);

        x = json_object_new_object();
        json_object_object_add(x, "name", json_object_new_string(s->unit));
        json_object_object_add(x, "active_state", json_object_new_string(s->active_state));
        json_object_object_add(x, "sub_state", json_object_new_string(s->sub_state));
        json_object_object_add(o, "unit", x);
        x = NULL;
        if (s->auth || s->auth_missing) {
                x = json_object_new_object();
                json_object_object_add(x, "credential", json_object_new_string(s->auth ? s->auth->name :
                                                                                s->auth_missing));
                json_object_object_add(x, "path", s->auth ? json_object_new_string(s->auth->path) : NULL);
                json_object_object_add(x, "sealed_with", !s->auth || s->sealing < 0 ? NULL :
                                       json_object_new_string(credential_sealing_to_string(s->sealing)));
        }
        json_object_object_add(o, "secrets", x);

        if (s->has_session) {
                x = json_object_new_object();
                json_object_object_add(x, "sid", json_object_new_int64(s->session.sid));
                json_object_object_add(x, "persistent_address", json_object_new_string(s->session.persistent_address));
                json_object_object_add(x, "persistent_port", json_object_new_int(s->session.persistent_port));
                json_object_object_add(x, "tpgt", json_object_new_int(s->session.tpgt));
                json_object_object_add(x, "state", json_string_or_null(s->session_state));
                json_object_object_add(x, "connection_state", json_string_or_null(s->connection_state));
                json_object_object_add(x, "made_by_iscsi_creds", json_object_new_boolean(s->session_ours));
                json_object *users = json_object_new_array();
                for (char **u = s->session_users; u && *u; u++)
                        json_object_array_add(users, json_object_new_string(*u));
                json_object_object_add(x, "used_by", users);
                json_object_object_add(o, "session", x);
        } else
                json_object_object_add(o, "session", NULL);

        x = json_object_new_array();
        for (size_t i = 0; i < s->n_devices; i++) {
                json_object *d = json_object_new_object();

                json_object_object_add(d, "link", json_object_new_string(s->devices[i].link));
                json_object_object_add(d, "node", json_string_or_null(s->devices[i].node));
                json_object_array_add(x, d);
        }
        json_object_object_add(o, "devices", x);

        x = NULL;
        if (s->retrying) {
                x = json_object_new_object();
                json_object_object_add(x, "state", json_object_new_string(retry_phase_to_string(s->retry.phase)));
                json_object_object_add(x, "attempts", json_object_new_int64(s->retry.attempts));
                json_object_object_add(x, "probes", json_object_new_int64(s->retry.probes));
                json_object_object_add(x, "last_error", json_string_or_null(s->retry.last_error[0] ?
                                                                             s->retry.last_error : NULL));
                json_object_object_add(x, "next_attempt_usec", s->retry.next_attempt ?
                                       json_object_new_int64((int64_t) s->retry.next_attempt) : NULL);
                json_object_object_add(x, "next_attempt_in_sec", s->retry.next_attempt ?
                                       json_object_new_int64(seconds_until(s->retry.next_attempt)) : NULL);
        }
        json_object_object_add(o, "retry", x);
        return o;
}

static int list_targets(char **aliases, CredentialFile ***ret, size_t *ret_n) {
        CredentialFile **files;
        size_t n = 0, want = 0;
        int r = 0;

        if (!aliases[0])
                return credential_list(TARGET_CREDENTIAL_PREFIX, CREDENTIAL_SEARCH_SYSTEM, false, ret, ret_n) < 0
                               ? log_oom() : 0;

        while (aliases[want])
                want++;
        files = calloc(want + 1, sizeof(CredentialFile *));
        if (!files)
                return log_oom();
        for (size_t i = 0; i < want; i++) {
                int k = find_target_credential(aliases[i], &files[n]);

                if (k == -ENOMEM) {
                        credential_files_free(files, n);
                        return k;
                }
                if (k < 0)
                        r = k;
                else
                        n++;
        }
        *ret = files;
        *ret_n = n;
        return r;
}

/* The system bus, or without D-Bus (minimal systems) PID 1's private socket,
 * as systemctl does for root (systemd's bus_connect_system_systemd()). */
static int open_manager_bus(sd_bus **ret) {
        sd_bus *bus = NULL;
        int r;

        r = sd_bus_open_system(ret);
        if (r >= 0 || geteuid() != 0)
                return r;

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

int verb_status(int argc, char *argv[]) {
        enum { ARG_JSON = 0x100 };
        static const struct option options[] = {
                { "help", no_argument, NULL, 'h' },
                { "json", no_argument, NULL, ARG_JSON },
                {}
        };
        CredentialFile **files = NULL;
        sd_bus *bus = NULL;
        bool json = false;
        json_object *root = NULL, *array = NULL;
        size_t n = 0;
        int c, r, k;

        optind = 0;
        while ((c = getopt_long(argc, argv, "h", options, NULL)) >= 0)
                switch (c) {
                case 'h':
                        status_help();
                        return 0;
                case ARG_JSON:
                        json = true;
                        break;
                default:
                        return usage_error("status");
                }

        r = list_targets(argv + optind, &files, &n);
        if (r == -ENOMEM)
                return r;

        k = open_manager_bus(&bus);
        if (k < 0) {
                log_debug_errno(k, "No bus to the service manager, unit states are unknown: %m");
                bus = NULL;
        } else
                (void) sd_bus_set_method_call_timeout(bus, BUS_TIMEOUT);

        if (json) {
                root = json_object_new_object();
                array = json_object_new_array();
                json_object_object_add(root, "targets", array);
        } else if (n == 0)
                printf("No iscsi.target.* credentials found.\n");

        for (size_t i = 0; i < n; i++) {
                TargetStatus s = { .file = files[i], .mounted = -1 };

                k = collect_status(&s, bus);
                if (k < 0) {
                        target_status_done(&s);
                        r = log_oom();
                        break;
                }
                if (json)
                        json_object_array_add(array, status_to_json(&s));
                else
                        print_text(&s);
                target_status_done(&s);
        }

        if (json) {
                printf("%s\n", json_object_to_json_string_ext(root, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE));
                json_object_put(root);
        }
        sd_bus_flush_close_unref(bus);
        credential_files_free(files, n);
        return r;
}
