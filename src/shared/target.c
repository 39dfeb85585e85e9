/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chap.h"
#include "iscsi-name.h"
#include "log.h"
#include "string-util.h"
#include "target.h"
#include "unit-name.h"
#include "unit-writer.h"

#define ALIAS_CHARS ALPHANUMERICAL "_-"
#define FSTYPE_CHARS LOWERCASE_LETTERS DIGITS "._+-"
#define IFACE_CHARS ALPHANUMERICAL "._:-"

bool alias_is_valid(const char *alias) {
        return !isempty(alias) && strlen(alias) <= ALIAS_MAX && alias[0] != '-' && in_charset(alias, ALIAS_CHARS);
}

void target_free(Target *t) {
        if (!t)
                return;
        free(t->alias);
        free(t->credential);
        free(t->name);
        free(t->iface);
        free(t->mount);
        free(t->fstype);
        free(t->options);
        free(t->auth);
        free(t->chap_algs);
        free(t->initiator);
        free(t->what);
        free(t);
}

typedef int (*target_key_parser_t)(Target *t, const KeyValue *kv);

static int set_string(char **field, const char *value) {
        char *c = strdup(value);

        if (!c)
                return log_oom();
        free(*field);
        *field = c;
        return 0;
}

#define SYNTAX_ERROR(t, kv, error, ...) \
        log_syntax((t)->credential, (kv)->line, LOG_ERR, error, __VA_ARGS__)

static int parse_target_name(Target *t, const KeyValue *kv) {
        const char *reason;

        if (iscsi_name_check(kv->value, &reason) < 0)
                return SYNTAX_ERROR(t, kv, EINVAL, "Invalid target name \"%s\": %s.", kv->value, reason);
        return set_string(&t->name, kv->value);
}

static int parse_portal(Target *t, const KeyValue *kv) {
        const char *reason;
        Portal p;
        int r;

        r = portal_parse(kv->value, &p, &reason);
        if (r < 0)
                return SYNTAX_ERROR(t, kv, r, "Invalid portal \"%s\": %s.", kv->value, reason);
        for (size_t i = 0; i < t->n_portals; i++)
                if (streq(t->portals[i].address, p.address) && t->portals[i].port == p.port)
                        return SYNTAX_ERROR(t, kv, EINVAL, "Portal %s is listed twice.", kv->value);
        if (t->n_portals >= PORTALS_MAX)
                return SYNTAX_ERROR(t, kv, E2BIG, "More than %d portals.", PORTALS_MAX);
        t->portals[t->n_portals++] = p;
        t->portal = t->portals[0];
        return 0;
}

/* udev's encoding of names in /dev/disk/by-label (blkid_encode_string()):
 * bytes outside [0-9A-Za-z#+-.:=@_] and outside valid UTF-8 become \xHH. */
static char *encode_devnode_name(const char *s) {
        char *out = malloc(strlen(s) * 4 + 1), *o = out;

        if (!out)
                return NULL;
        for (const unsigned char *p = (const unsigned char *) s; *p; p++) {
                if (*p >= 0x80 || strchr(ALPHANUMERICAL "#+-.:=@_", *p))
                        *o++ = (char) *p;
                else
                        o += sprintf(o, "\\x%02x", *p);
        }
        *o = '\0';
        return out;
}

static int parse_what(Target *t, const KeyValue *kv) {
        static const struct {
                const char *prefix;
                const char *dir;
                const char *charset;
        } tags[] = {
                { "UUID=", "/dev/disk/by-uuid/", HEXDIGITS "-" },
                { "PARTUUID=", "/dev/disk/by-partuuid/", HEXDIGITS "-" },
                { "LABEL=", "/dev/disk/by-label/", NULL },
        };
        _cleanup_free_ char *path = NULL;
        const char *v;

        for (size_t i = 0; i < ELEMENTSOF(tags); i++) {
                _cleanup_free_ char *enc = NULL;

                v = startswith(kv->value, tags[i].prefix);
                if (!v)
                        continue;
                if (isempty(v) || (tags[i].charset && !in_charset(v, tags[i].charset)) || strchr(v, '/'))
                        return SYNTAX_ERROR(t, kv, EINVAL, "Invalid what \"%s\": malformed %.*s value.", kv->value,
                                            (int) strlen(tags[i].prefix) - 1, tags[i].prefix);
                enc = tags[i].charset ? strdup(v) : encode_devnode_name(v);
                if (!enc || asprintf(&path, "%s%s", tags[i].dir, enc) < 0)
                        return log_oom();
                free(t->what);
                t->what = TAKE_PTR(path);
                return 0;
        }

        if (startswith(kv->value, "/dev/")) {
                const char *reason;
                int r = path_normalize(kv->value, &path, &reason);

                if (r == -ENOMEM)
                        return log_oom();
                if (r >= 0)
                        r = unit_value_check(path, &reason);    /* What= takes it as it is */
                if (r < 0)
                        return SYNTAX_ERROR(t, kv, EINVAL, "Invalid what \"%s\": %s.", kv->value, reason);
                free(t->what);
                t->what = TAKE_PTR(path);
                return 0;
        }
        return SYNTAX_ERROR(t, kv, EINVAL, "Invalid what \"%s\": expected UUID=, LABEL=, PARTUUID= or a path "
                            "under /dev/ (e.g. /dev/disk/by-id/dm-uuid-mpath-WWID).", kv->value);
}

static int parse_discovery(Target *t, const KeyValue *kv) {
        /* RFC 7143 §13.3 SendTargets; "static" is the default (the portal is the target's). */
        if (streq(kv->value, "sendtargets"))
                t->discovery = true;
        else if (streq(kv->value, "static"))
                t->discovery = false;
        else
                return SYNTAX_ERROR(t, kv, EINVAL, "Invalid discovery \"%s\": expected \"sendtargets\" or "
                                    "\"static\".", kv->value);
        return 0;
}

/* A "yes"/"no" key (systemd's boolean words, parse_boolean()) into @ret. */
static int parse_yes_no(Target *t, const KeyValue *kv, bool *ret) {
        int b = parse_boolean(kv->value);

        if (b < 0)
                return SYNTAX_ERROR(t, kv, EINVAL, "Invalid %s \"%s\": expected \"yes\" or \"no\".", kv->key,
                                    kv->value);
        *ret = b;
        return 0;
}

static int parse_multipath(Target *t, const KeyValue *kv) {
        return parse_yes_no(t, kv, &t->multipath);
}

static int parse_number(Target *t, const KeyValue *kv, unsigned long long max, unsigned long long *ret) {
        unsigned long long v;

        if (safe_atou64(kv->value, &v) < 0)
                return SYNTAX_ERROR(t, kv, EINVAL, "Invalid %s \"%s\": not a decimal number.", kv->key, kv->value);
        if (v > max)
                return SYNTAX_ERROR(t, kv, ERANGE, "Invalid %s %llu: must be in the range 0-%llu.", kv->key, v, max);
        *ret = v;
        return 0;
}

static int parse_tpgt(Target *t, const KeyValue *kv) {
        unsigned long long v = 0;
        int r;

        /* RFC 7143 §13.9: TargetPortalGroupTag is a 16-bit value. */
        r = parse_number(t, kv, TPGT_MAX, &v);
        if (r < 0)
                return r;
        t->tpgt = (unsigned) v;
        return 0;
}

static int parse_lun(Target *t, const KeyValue *kv) {
        /* 0..16383: what SAM flat-space addressing can express, and what
         * the by-path name can be derived for (see by_path_name()). */
        unsigned long long v = 0;
        int r;

        r = parse_number(t, kv, LUN_MAX, &v);
        if (r < 0)
                return r;
        t->lun = v;
        return 0;
}

static int parse_iface(Target *t, const KeyValue *kv) {
        if (strlen(kv->value) > IFACE_NAME_MAX || kv->value[0] == '.' || !in_charset(kv->value, IFACE_CHARS))
                return SYNTAX_ERROR(t, kv, EINVAL,
                                    "Invalid iface \"%s\": an open-iscsi iface name is 1-64 characters of "
                                    "[A-Za-z0-9._:-], not starting with '.'.", kv->value);
        return set_string(&t->iface, kv->value);
}

static int parse_mount(Target *t, const KeyValue *kv) {
        _cleanup_free_ char *path = NULL, *unit = NULL;
        const char *reason;
        int r;

        r = path_normalize(kv->value, &path, &reason);
        if (r == -ENOMEM)
                return log_oom();
        if (r < 0)
                return SYNTAX_ERROR(t, kv, r, "Invalid mount point \"%s\": %s.", kv->value, reason);
        if (streq(path, "/"))
                return SYNTAX_ERROR(t, kv, EINVAL, "Invalid mount point \"/\": the root file system cannot be an iSCSI LUN mounted here.");
        /* Where= takes the path as it is (systemd.mount(5)): it must survive the unit-file syntax. */
        if (unit_value_check(path, &reason) < 0)
                return SYNTAX_ERROR(t, kv, EINVAL, "Invalid mount point \"%s\": %s.", kv->value, reason);

        r = unit_name_from_path(path, ".mount", &unit);
        if (r == -ENAMETOOLONG)
                return SYNTAX_ERROR(t, kv, r,
                                    "Invalid mount point \"%s\": its mount unit name would exceed %d bytes "
                                    "(systemd.unit(5)).", kv->value, UNIT_NAME_MAX);
        if (r < 0)
                return log_oom();

        free(t->mount);
        t->mount = TAKE_PTR(path);
        return 0;
}

static int parse_fstype(Target *t, const KeyValue *kv) {
        if (strlen(kv->value) > 64 || !in_charset(kv->value, FSTYPE_CHARS))
                return SYNTAX_ERROR(t, kv, EINVAL,
                                    "Invalid fstype \"%s\": a file system type is made of [a-z0-9._+-].", kv->value);
        return set_string(&t->fstype, kv->value);
}

/* fstab(5) and systemd.mount(5) options: see mount_options_parse(). */
static int parse_options(Target *t, const KeyValue *kv) {
        _cleanup_free_ char *option = NULL;
        const char *reason;
        int r;

        r = mount_options_parse(kv->value, &t->mount_options, &option, &reason);
        if (r == -ENOMEM)
                return log_oom();
        if (r < 0 && option)
                return SYNTAX_ERROR(t, kv, r, "Invalid options \"%s\": option \"%s\": %s.", kv->value, option, reason);
        if (r < 0)
                return SYNTAX_ERROR(t, kv, r, "Invalid options \"%s\": %s.", kv->value, reason);
        return set_string(&t->options, kv->value);
}

static int parse_device_timeout(Target *t, const KeyValue *kv) {
        usec_t u;

        if (timespan_parse(kv->value, &u) < 0 || u == 0)
                return SYNTAX_ERROR(t, kv, EINVAL,
                                    "Invalid device-timeout \"%s\": expected a positive time span such as \"90s\" "
                                    "or \"2min\" (systemd.time(7)).", kv->value);
        t->device_timeout = u;
        return 0;
}

static int parse_auth(Target *t, const KeyValue *kv) {
        if (!alias_is_valid(kv->value))
                return SYNTAX_ERROR(t, kv, EINVAL,
                                    "Invalid auth \"%s\": it names the credential \"iscsi.auth.NAME\"; NAME is "
                                    ALIAS_RULE ".", kv->value);
        return set_string(&t->auth, kv->value);
}

static int parse_chap_algs(Target *t, const KeyValue *kv) {
        const char *bad;
        int r;

        r = chap_algs_check(kv->value, &bad);
        if (r < 0)
                return SYNTAX_ERROR(t, kv, r,
                                    "Invalid %s \"%s\": %s; expected a comma-separated list of distinct "
                                    "MD5, SHA1, SHA256, SHA3-256 in order of preference (open-iscsi iscsid.conf(5)).",
                                    kv->key, kv->value, bad);
        return set_string(&t->chap_algs, kv->value);
}

static int parse_initiator(Target *t, const KeyValue *kv) {
        const char *reason;

        if (iscsi_name_check(kv->value, &reason) < 0)
                return SYNTAX_ERROR(t, kv, EINVAL, "Invalid initiator name \"%s\": %s.", kv->value, reason);
        return set_string(&t->initiator, kv->value);
}

/* Timers and counters passed to open-iscsi; the ranges keep a boot bounded. */
static int parse_bounded_int(Target *t, const KeyValue *kv, unsigned long long min, unsigned long long max,
                             int *ret) {
        unsigned long long v = 0;
        int r;

        r = parse_number(t, kv, max, &v);
        if (r < 0)
                return r;
        if (v < min)
                return SYNTAX_ERROR(t, kv, ERANGE, "Invalid %s %llu: must be in the range %llu-%llu.", kv->key, v,
                                    min, max);
        *ret = (int) v;
        return 0;
}

static int parse_replacement_timeout(Target *t, const KeyValue *kv) {
        /* Seconds the kernel queues I/O for a lost session before failing it. */
        return parse_bounded_int(t, kv, 0, 86400, &t->replacement_timeout);
}

static int parse_login_timeout(Target *t, const KeyValue *kv) {
        return parse_bounded_int(t, kv, 1, 3600, &t->login_timeout);
}

static int parse_login_retry_max(Target *t, const KeyValue *kv) {
        return parse_bounded_int(t, kv, 1, 100, &t->login_retry_max);
}

static int parse_scan(Target *t, const KeyValue *kv) {
        if (streq(kv->value, "manual"))
                t->scan_auto = false;
        else if (streq(kv->value, "auto"))
                t->scan_auto = true;
        else
                return SYNTAX_ERROR(t, kv, EINVAL, "Invalid %s \"%s\": expected \"manual\" (only the configured "
                                    "LUN is attached) or \"auto\" (every LUN of the target).", kv->key, kv->value);
        return 0;
}

static int parse_luks(Target *t, const KeyValue *kv) {
        return parse_yes_no(t, kv, &t->luks);
}

static int parse_root(Target *t, const KeyValue *kv) {
        return parse_yes_no(t, kv, &t->root);
}

static const struct {
        const char *key;
        target_key_parser_t parse;
} target_keys[] = {
        { "target",                     parse_target_name },
        { "portal",                     parse_portal },
        { "tpgt",                       parse_tpgt },
        { "lun",                        parse_lun },
        { "iface",                      parse_iface },
        { "mount",                      parse_mount },
        { "fstype",                     parse_fstype },
        { "options",                    parse_options },
        { "device-timeout",             parse_device_timeout },
        { "auth",                       parse_auth },
        { "node.session.auth.chap_algs", parse_chap_algs },
        { "initiator",                  parse_initiator },
        { "node.session.timeo.replacement_timeout", parse_replacement_timeout },
        { "node.conn[0].timeo.login_timeout", parse_login_timeout },
        { "node.session.initial_login_retry_max", parse_login_retry_max },
        { "node.session.scan",          parse_scan },
        { "luks",                       parse_luks },
        { "multipath",                  parse_multipath },
        { "discovery",                  parse_discovery },
        { "what",                       parse_what },
        { "root",                       parse_root },
};

/* Keys that may be given more than once. */
static bool key_repeats(const char *key) {
        return streq(key, "portal");
}

static int target_new(const char *alias, Target **ret) {
        Target *t = calloc(1, sizeof(Target));

        if (!t)
                return -ENOMEM;
        t->tpgt = TPGT_DEFAULT;
        t->replacement_timeout = t->login_timeout = t->login_retry_max = -1;
        t->alias = strdup(alias);
        t->iface = strdup("default");
        if (!t->alias || !t->iface || asprintf(&t->credential, TARGET_CREDENTIAL_PREFIX "%s", alias) < 0) {
                t->credential = NULL;
                target_free(t);
                return -ENOMEM;
        }
        *ret = t;
        return 0;
}

/* The line @key was first set on, or 0. */
static unsigned key_line(const char *key, const unsigned seen[]) {
        for (size_t k = 0; k < ELEMENTSOF(target_keys); k++)
                if (streq(target_keys[k].key, key))
                        return seen[k];
        return 0;
}

static bool key_seen(const char *key, const unsigned seen[]) {
        return key_line(key, seen) > 0;
}

/* The unit names the generator will need besides the .mount (checked with "mount =") must fit
 * systemd's 255 bytes (systemd.unit(5)): checked here, so that a target is refused as a whole
 * instead of being refused by the generator half way. */
static int target_check_unit_names(Target *t, const unsigned seen[]) {
        _cleanup_free_ char *automount = NULL, *device = NULL, *device_unit = NULL;
        int r = 0, k;

        if (t->mount && t->mount_options.automount) {
                k = unit_name_from_path(t->mount, ".automount", &automount);
                if (k == -ENOMEM)
                        return log_oom();
                if (k < 0)
                        r = log_syntax(t->credential, key_line("options", seen), LOG_ERR, EINVAL,
                                       "x-systemd.automount: the automount unit name of mount point \"%s\" would "
                                       "exceed %d bytes (systemd.unit(5)).", t->mount, UNIT_NAME_MAX);
        }
        /* The unlock unit is bound to the LUN's device unit (BindsTo=), which must have a name. */
        if (t->luks && target_device(t, &device) >= 0) {
                k = unit_name_from_path(device, ".device", &device_unit);
                if (k == -ENOMEM)
                        return log_oom();
                if (k < 0)
                        r = log_syntax(t->credential, key_line("luks", seen), LOG_ERR, EINVAL,
                                       "\"luks = yes\": the unit name of the LUN's device %s would exceed %d bytes "
                                       "(systemd.unit(5)), so the unlock unit cannot be bound to it; name the "
                                       "device with \"what =\" (e.g. UUID=).", device, UNIT_NAME_MAX);
        }
        return r;
}

/* "root = yes": the LUN holds the root file system, which the initrd mounts at /sysroot
 * (bootup(7)); what a mount point and fstab(5) options would choose is fixed for it. */
static int target_check_root(Target *t, const unsigned seen[]) {
        const MountOptions *o = &t->mount_options;
        int r = 0;

        if (t->mount || key_seen("mount", seen))
                r = log_syntax(t->credential, key_line("root", seen), LOG_ERR, EINVAL,
                               "\"root = yes\" and \"mount\" exclude each other: the initrd mounts the root file "
                               "system at /sysroot.");
        if (t->luks)
                r = log_syntax(t->credential, key_line("root", seen), LOG_ERR, EOPNOTSUPP,
                               "\"root = yes\" with \"luks = yes\" is not supported.");
        if (o->noauto || o->nofail || o->automount || o->idle_timeout_set)
                r = log_syntax(t->credential, key_line("options", seen), LOG_ERR, EINVAL,
                               "\"%s\" is meaningless for the root file system: the boot cannot go on without it.",
                               o->automount ? "x-systemd.automount" : o->idle_timeout_set ? "x-systemd.idle-timeout" :
                               o->noauto ? "noauto" : "nofail");
        return r;
}

/* Checks across keys, after every line has been read. */
static int target_check_complete(Target *t, const unsigned seen[]) {
        int r = 0;

        /* Keys that were present but invalid have been reported already. */
        if (!t->name && !key_seen("target", seen) && !t->discovery)
                r = log_syntax(t->credential, 0, LOG_ERR, EINVAL, "Missing required key \"target\" (or "
                               "\"discovery = sendtargets\").");
        /* What discovery finds is not known when the generator runs: no by-path name. */
        if (t->discovery && (t->mount || t->root || t->luks) && !t->what && !key_seen("what", seen))
                r = log_syntax(t->credential, 0, LOG_ERR, EINVAL,
                               "\"discovery = sendtargets\" with \"%s\" needs \"what =\" (UUID=, LABEL=, PARTUUID= "
                               "or a /dev path): the by-path name of a discovered LUN is not known in advance.",
                               t->mount ? "mount" : t->root ? "root = yes" : "luks");
        if (t->portal.family == 0 && !key_seen("portal", seen))
                r = log_syntax(t->credential, 0, LOG_ERR, EINVAL, "Missing required key \"portal\".");
        /* Several sessions to one LUN give several block devices for the same data: mount only
         * through dm-multipath, and name the device, whose WWID or file system the generator
         * cannot know in advance. */
        if (t->n_portals > 1 && (t->mount || t->root) && !t->multipath)
                r = log_syntax(t->credential, 0, LOG_ERR, EINVAL, "Several portals with \"%s\" need \"multipath = "
                               "yes\".", t->mount ? "mount" : "root = yes");
        if (t->multipath && (t->mount || t->root) && !t->what && !key_seen("what", seen))
                r = log_syntax(t->credential, 0, LOG_ERR, EINVAL,
                               "\"multipath = yes\" with \"%s\" needs \"what =\" (UUID=, LABEL= or "
                               "/dev/disk/by-id/dm-uuid-mpath-WWID): the by-path link names one path, not the "
                               "multipath device.", t->mount ? "mount" : "root = yes");
        if (t->root) {
                int k = target_check_root(t, seen);

                if (k < 0)
                        r = k;
        }
        if (!t->mount && !key_seen("mount", seen) && !t->root) {
                static const char *const need_mount[] = { "fstype", "options", "device-timeout" };

                for (size_t i = 0; i < ELEMENTSOF(need_mount); i++)
                        for (size_t k = 0; k < ELEMENTSOF(target_keys); k++)
                                if (streq(target_keys[k].key, need_mount[i]) && seen[k] > 0)
                                        r = log_syntax(t->credential, seen[k], LOG_ERR, EINVAL,
                                                       "\"%s\" is only meaningful together with \"mount\" "
                                                       "or \"root = yes\".",
                                                       need_mount[i]);
        }
        return r;
}

int target_from_keyvalues(const char *alias, const KeyValueList *kv, Target **ret) {
        _cleanup_(target_freep) Target *t = NULL;
        unsigned seen[ELEMENTSOF(target_keys)] = {};
        int r = 0, k;

        if (!alias_is_valid(alias))
                return log_error_errno(EINVAL,
                                       "Invalid target alias \"%s\": " ALIAS_RULE ".", alias);
        if (target_new(alias, &t) < 0)
                return log_oom();

        for (size_t i = 0; i < kv->n_entries; i++) {
                const KeyValue *e = &kv->entries[i];
                size_t j;

                for (j = 0; j < ELEMENTSOF(target_keys); j++)
                        if (streq(target_keys[j].key, e->key))
                                break;
                if (j >= ELEMENTSOF(target_keys)) {
                        k = log_syntax(t->credential, e->line, LOG_ERR, EINVAL,
                                       "Unknown key \"%s\" (secrets belong in \"iscsi.auth.%s\"; see "
                                       "iscsi-creds.credentials(5)).", e->key, alias);
                        if (r == 0)
                                r = k;
                        continue;
                }
                if (seen[j] > 0 && !key_repeats(e->key)) {
                        k = log_syntax(t->credential, e->line, LOG_ERR, EINVAL,
                                       "Duplicate key \"%s\", first set on line %u.", e->key, seen[j]);
                        if (r == 0)
                                r = k;
                        continue;
                }
                if (seen[j] == 0)
                        seen[j] = e->line;

                k = target_keys[j].parse(t, e);
                if (k == -ENOMEM)
                        return k;
                if (k < 0 && r == 0)
                        r = k;
        }

        k = target_check_complete(t, seen);
        if (k < 0 && r == 0)
                r = k;
        k = target_check_unit_names(t, seen);
        if (k < 0 && r == 0)
                r = k;
        /* The messages say which rule; to callers every broken rule is -EINVAL. */
        if (r < 0)
                return r == -ENOMEM ? r : -EINVAL;

        *ret = TAKE_PTR(t);
        return 0;
}

char *target_login_unit(const Target *t) {
        char *s;

        if (asprintf(&s, "iscsi-creds-login@%s.service", t->alias) < 0)
                return NULL;
        return s;
}

char *target_paths_unit(const Target *t) {
        char *s;

        if (asprintf(&s, "iscsi-creds-paths@%s.service", t->alias) < 0)
                return NULL;
        return s;
}

int target_device(const Target *t, char **ret) {
        char *s;

        if (t->what) {
                s = strdup(t->what);
                if (!s)
                        return -ENOMEM;
                *ret = s;
                return 0;
        }
        if (!t->name)
                return -ENOENT;         /* discovery without a target filter: not known in advance */
        return by_path_name(&t->portal, t->name, t->lun, ret);
}

char *target_unlock_unit(const Target *t) {
        char *s;

        if (asprintf(&s, "iscsi-creds-unlock@%s.service", t->alias) < 0)
                return NULL;
        return s;
}

char *luks_mapping_name(const char *alias) {
        char *s;

        if (asprintf(&s, LUKS_MAPPING_PREFIX "%s", alias) < 0)
                return NULL;
        return s;
}

char *target_luks_mapping(const Target *t) {
        return luks_mapping_name(t->alias);
}

int target_auth_credential(const Target *t, char **ret, const char **ret_fallback) {
        char *s;

        if (asprintf(&s, AUTH_CREDENTIAL_PREFIX "%s", t->auth ?: t->alias) < 0)
                return -ENOMEM;
        *ret = s;
        *ret_fallback = t->auth ? NULL : AUTH_CREDENTIAL_DEFAULT;
        return 0;
}

int target_boot_unit(const Target *t, char **ret) {
        char *s;

        /* A mount the boot starts (remote-fs.target pulls it in); with x-systemd.automount the
         * access does that, so below it only the LUN is made ready, as for "noauto". */
        if (t->mount && !t->mount_options.noauto && !t->mount_options.automount)
                return unit_name_from_path(t->mount, ".mount", ret);
        s = t->luks ? target_unlock_unit(t) : target_login_unit(t);
        if (!s)
                return -ENOMEM;
        *ret = s;
        return 0;
}
