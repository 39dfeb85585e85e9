/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * The target model: what an "iscsi.target.ALIAS" credential declares,
 * validated. Holds no secret. Parsed once here and used by the generator,
 * the login helper and the admin command alike. Format: docs/credentials.md.
 */

#include <stdbool.h>
#include <stdint.h>

#include "cleanup.h"
#include "initiator-name.h"
#include "keyvalue.h"
#include "mount-options.h"
#include "portal.h"
#include "timespan.h"

#define TARGET_CREDENTIAL_PREFIX "iscsi.target."
#define AUTH_CREDENTIAL_PREFIX "iscsi.auth."
#define AUTH_CREDENTIAL_DEFAULT "iscsi.auth"
#define ALIAS_MAX 64
/* The alias rule as one phrase, for every message that refuses an alias (or an "auth =" NAME, which
 * follows the same rule): "Invalid alias \"%s\": " ALIAS_RULE "." */
#define ALIAS_RULE "1-64 characters of [A-Za-z0-9_-], not starting with '-'"
#define IFACE_NAME_MAX 64
#define LUN_MAX 16383           /* SAM flat-space addressing: 14 bits */
#define TPGT_MAX 65535          /* RFC 7143 §13.9: a 16-bit value */
#define TPGT_DEFAULT 1
#define PORTALS_MAX 8
#define DEVICE_TIMEOUT_DEFAULT (90 * USEC_PER_SEC)  /* systemd's DefaultTimeoutStartSec= */
#define LUKS_CREDENTIAL_PREFIX "iscsi.luks."
#define LUKS_MAPPING_PREFIX "iscsi-"       /* /dev/mapper/iscsi-ALIAS */

typedef struct Target {
        char *alias;
        char *credential;       /* "iscsi.target.ALIAS" */
        char *name;             /* the target's iSCSI name (IQN/EUI/NAA); with discovery: a filter, or NULL */
        bool discovery;         /* "discovery = sendtargets": the portals are discovery portals */
        Portal portal;          /* the first portal (== portals[0]) */
        Portal portals[8];      /* "portal =" may repeat: one session per portal */
        size_t n_portals;
        bool multipath;         /* the portals are paths to one LUN, assembled by dm-multipath */
        char *what;             /* device to mount/unlock from "what =" (/dev/disk/by-uuid/...), or NULL: by-path */
        unsigned tpgt;
        uint64_t lun;
        char *iface;            /* open-iscsi iface name, "default" unless set */
        char *mount;            /* normalized absolute path, or NULL: attach only */
        char *fstype;           /* NULL: let mount(8) probe */
        char *options;          /* user's mount options as given (written to Options= after "_netdev"), or NULL */
        MountOptions mount_options; /* what the generator acts on among @options (mount_options_parse()) */
        usec_t device_timeout;  /* 0: not set, systemd's default device timeout applies */
        char *auth;             /* NAME of a shared "iscsi.auth.NAME", or NULL */
        char *chap_algs;        /* node.session.auth.chap_algs, or NULL */
        char *initiator;        /* iface.initiatorname, or NULL: iscsi.initiatorname / the host's */
        int replacement_timeout; /* node.session.timeo.replacement_timeout, s; -1: default */
        int login_timeout;      /* node.conn[0].timeo.login_timeout, s; -1: default */
        int login_retry_max;    /* node.session.initial_login_retry_max; -1: default */
        bool scan_auto;         /* node.session.scan: false ("manual", default) scans only @lun */
        bool luks;              /* the LUN holds LUKS: unlock with "iscsi.luks.ALIAS", mount the mapping */
        bool root;              /* the LUN holds the root file system: the initrd logs in and mounts it at
                                 * /sysroot; the session is never logged out by iscsi-creds */
} Target;

/**
 * alias_is_valid() - whether @alias can name a target
 *
 * [A-Za-z0-9_-]{1,64}, not starting with '-' (ALIAS_RULE): it becomes part of
 * credential names (no ':' allowed there, systemd's credential_name_valid())
 * and of a unit instance name (systemd.unit(5)).
 */
bool alias_is_valid(const char *alias);

/**
 * target_from_keyvalues() - build and validate a target
 * @alias: the ALIAS of "iscsi.target.ALIAS"; must pass alias_is_valid()
 * @kv: the parsed credential (keyvalue_parse())
 * @ret: the target; free with target_free()
 *
 * Every problem is logged with credential name, line and rule, and
 * checking goes on past the first one. Unknown and duplicate keys are
 * errors: a typo must not silently change what gets mounted or how.
 * Everything the generator will write for the target is checked here too
 * (values writable in a unit file, unit_value_check(); the unit names it
 * needs fit systemd's 255 bytes: the .mount, with x-systemd.automount the
 * .automount, with "luks = yes" the .device of the LUN), so that the
 * generator, "iscsi-creds verify", "add" and "cat" agree on what is valid.
 *
 * Return: 0 on success; -EINVAL (first rule broken; all logged), -ENOMEM.
 */
int target_from_keyvalues(const char *alias, const KeyValueList *kv, Target **ret);

/** target_free() - free @t; NULL is fine. */
void target_free(Target *t);
DEFINE_TRIVIAL_CLEANUP_FUNC(Target *, target_free);

/**
 * target_login_unit() - "iscsi-creds-login@ALIAS.service"
 * Return: newly allocated name or NULL on ENOMEM.
 */
char *target_login_unit(const Target *t);

/**
 * target_paths_unit() - "iscsi-creds-paths@ALIAS.service"
 * Return: newly allocated name or NULL on ENOMEM.
 */
char *target_paths_unit(const Target *t);

/**
 * target_boot_unit() - the unit whose start brings the target's LUN into use
 * @t: the target
 * @ret: its .mount when the boot mounts it (remote-fs.target pulls it in:
 *       "mount =" without "noauto" and "x-systemd.automount"), else
 *       iscsi-creds-unlock@ALIAS.service with "luks = yes", else
 *       iscsi-creds-login@ALIAS.service; free()
 *
 * What the retry service starts once the target answers: the same units
 * the boot would have (the mount Requires= the unlock and the login).
 *
 * Return: 0, -ENOMEM, errors of unit_name_from_path().
 */
int target_boot_unit(const Target *t, char **ret);

/**
 * target_device() - the device the LUN is reached by, for mount or unlock
 * @t: the target
 * @ret: "what =" as a path, else the by-path link of the first portal
 *       (by_path_name()); free()
 *
 * Return: 0, -ERANGE (LUN not expressible), -ENOENT (a discovery target
 * without "what =" and without a target name), -ENOMEM.
 */
int target_device(const Target *t, char **ret);

/**
 * target_unlock_unit() - "iscsi-creds-unlock@ALIAS.service"
 * Return: newly allocated name or NULL on ENOMEM.
 */
char *target_unlock_unit(const Target *t);

/**
 * target_luks_mapping() - the dm-crypt mapping name, "iscsi-ALIAS"
 * Return: newly allocated name or NULL on ENOMEM.
 */
char *target_luks_mapping(const Target *t);

/**
 * luks_mapping_name() - the dm-crypt mapping name of an alias, "iscsi-ALIAS"
 * @alias: a valid alias (alias_is_valid())
 *
 * The one place the name is built: target_luks_mapping() uses it, and so
 * must any caller that has only the alias (closing the volume needs no
 * credential).
 *
 * Return: newly allocated name or NULL on ENOMEM.
 */
char *luks_mapping_name(const char *alias);

/**
 * target_auth_credential() - name of the auth credential a target asks for
 * @t: the target
 * @ret: "iscsi.auth.NAME" for "auth = NAME"; else "iscsi.auth.ALIAS"
 * @ret_fallback: set to "iscsi.auth" (the default secrets, looked up only
 *                if @ret is absent) when "auth =" is not set, else NULL.
 *                Static strings need not be freed; @ret must be freed.
 *
 * Return: 0 or -ENOMEM.
 */
int target_auth_credential(const Target *t, char **ret, const char **ret_fallback);
