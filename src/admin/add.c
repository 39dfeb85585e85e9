/* SPDX-License-Identifier: LGPL-2.1-or-later */

/*
 * "iscsi-creds add": declare a target and store its CHAP secrets, both
 * validated by the code the generator and the login helper use.
 */

#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "commands.h"
#include "credstore.h"
#include "kvtext.h"
#include "log.h"
#include "secret-input.h"
#include "secret.h"
#include "string-util.h"

typedef struct AddArgs {
        const char *alias;
        const char *target, *portal, *tpgt, *lun, *iface, *mount, *fstype, *options, *device_timeout;
        const char *username, *username_in;
        bool mutual, no_chap, print, force, root;
        EncryptOptions enc;
} AddArgs;

static void add_help(void) {
        printf("Usage: iscsi-creds add ALIAS --target IQN --portal ADDR[:PORT] [OPTIONS]\n"
               "\n"
               "Declare a target (iscsi.target.ALIAS in /etc/credstore, plaintext, mode 0600) and\n"
               "store its CHAP secrets (iscsi.auth.ALIAS in /etc/credstore.encrypted, encrypted by\n"
               "systemd-creds). The secret is read from stdin, one line (the second line is the\n"
               "target's secret with --mutual), or asked for twice on a terminal; never from the\n"
               "command line. Everything is validated before anything is written; no value may\n"
               "start or end with a blank (open-iscsi trims them, so the login would fail).\n"
               "\n"
               "Target:\n"
               "     --target=IQN          Target name (iqn./eui./naa.)\n"
               "     --portal=ADDR[:PORT]  IPv4 a.b.c.d[:port] or IPv6 [addr][:port]; port 3260\n"
               "     --tpgt=N              Target portal group tag (default 1)\n"
               "     --lun=N               LUN (default 0)\n"
               "     --iface=NAME          open-iscsi iface (default \"default\")\n"
               "     --mount=PATH          Mount the LUN there (else attach only)\n"
               "     --root                The LUN holds the root file system (the initrd mounts\n"
               "                           it; seal with --with-key=tpm2 or auto-initrd)\n"
               "     --fstype=TYPE         File system type (default: probed)\n"
               "     --options=OPTS        Mount options (_netdev is always added)\n"
               "     --device-timeout=SPAN How long to wait for the device, e.g. 2min\n"
               "CHAP:\n"
               "     --username=NAME       The initiator's CHAP name (required unless --no-chap)\n"
               "     --mutual              Mutual CHAP: the target authenticates too\n"
               "     --username-in=NAME    The target's CHAP name (with --mutual)\n"
               "     --no-chap             Log in without CHAP; write no secrets credential\n"
               "Storage:\n"
               "     --with-key=KEY        host, tpm2, host+tpm2, auto (default), auto-initrd\n"
               "                           (auto-initrd without a TPM2 uses a null key)\n"
               "     --not-after=TIME      The encrypted credential expires then\n"
               "     --print               Write nothing; print the SMBIOS and unit-file forms for a\n"
               "                           hypervisor (ciphertext and target definition only)\n"
               "     --force               Replace existing files\n"
               "\n"
               "Example:\n"
               "  iscsi-creds gen-secret | iscsi-creds add data --target iqn.2003-01.org.example:data \\\n"
               "          --portal 192.0.2.10 --mount /srv/data --username node1\n");
}

/* The combinations of options and the alias. Return: 1 go on, RET_USAGE. */
static int add_check_args(const AddArgs *a) {
        /* Combinations, as data: each line is a rule and its message. */
        const struct { bool broken; const char *msg; } rules[] = {
                { !a->target || !a->portal, "--target= and --portal= are required." },
                { a->no_chap && (a->username || a->mutual || a->username_in), "--no-chap excludes the CHAP options." },
                { !a->no_chap && !a->username, "--username= is required (or --no-chap for a login without CHAP)." },
                { a->mutual != !!a->username_in, "--mutual and --username-in= go together." },
                { a->enc.with_key && !with_key_is_valid(a->enc.with_key),
                  "--with-key= takes host, tpm2, host+tpm2, auto or auto-initrd." },
                { !!a->enc.not_after && isempty(a->enc.not_after), "--not-after= needs a time." },
        };
        for (size_t i = 0; i < ELEMENTSOF(rules); i++)
                if (rules[i].broken) {
                        fprintf(stderr, "%s\n", rules[i].msg);
                        return usage_error("add");
                }
        if (!alias_is_valid(a->alias)) {
                fprintf(stderr, "Invalid alias \"%s\": " ALIAS_RULE ".\n",
                        a->alias);
                return usage_error("add");
        }
        return 1;
}

/* Return: 1 go on, 0 help printed, RET_USAGE. */
static int add_parse_argv(int argc, char *argv[], AddArgs *a) {
        enum {
                ARG_TARGET = 0x100, ARG_PORTAL, ARG_TPGT, ARG_LUN, ARG_IFACE, ARG_MOUNT, ARG_FSTYPE, ARG_OPTIONS,
                ARG_DEVICE_TIMEOUT, ARG_USERNAME, ARG_MUTUAL, ARG_USERNAME_IN, ARG_NO_CHAP, ARG_WITH_KEY,
                ARG_NOT_AFTER, ARG_PRINT, ARG_FORCE, ARG_ROOT,
        };
        static const struct option options[] = {
                { "help", no_argument, NULL, 'h' },
                { "target", required_argument, NULL, ARG_TARGET },
                { "portal", required_argument, NULL, ARG_PORTAL },
                { "tpgt", required_argument, NULL, ARG_TPGT },
                { "lun", required_argument, NULL, ARG_LUN },
                { "iface", required_argument, NULL, ARG_IFACE },
                { "mount", required_argument, NULL, ARG_MOUNT },
                { "root", no_argument, NULL, ARG_ROOT },
                { "fstype", required_argument, NULL, ARG_FSTYPE },
                { "options", required_argument, NULL, ARG_OPTIONS },
                { "device-timeout", required_argument, NULL, ARG_DEVICE_TIMEOUT },
                { "username", required_argument, NULL, ARG_USERNAME },
                { "mutual", no_argument, NULL, ARG_MUTUAL },
                { "username-in", required_argument, NULL, ARG_USERNAME_IN },
                { "no-chap", no_argument, NULL, ARG_NO_CHAP },
                { "with-key", required_argument, NULL, ARG_WITH_KEY },
                { "not-after", required_argument, NULL, ARG_NOT_AFTER },
                { "print", no_argument, NULL, ARG_PRINT },
                { "force", no_argument, NULL, ARG_FORCE },
                {}
        };
        int c;

        optind = 0;
        while ((c = getopt_long(argc, argv, "h", options, NULL)) >= 0)
                switch (c) {
                case 'h':
                        add_help();
                        return 0;
                case ARG_TARGET: a->target = optarg; break;
                case ARG_PORTAL: a->portal = optarg; break;
                case ARG_TPGT: a->tpgt = optarg; break;
                case ARG_LUN: a->lun = optarg; break;
                case ARG_IFACE: a->iface = optarg; break;
                case ARG_MOUNT: a->mount = optarg; break;
                case ARG_ROOT: a->root = true; break;
                case ARG_FSTYPE: a->fstype = optarg; break;
                case ARG_OPTIONS: a->options = optarg; break;
                case ARG_DEVICE_TIMEOUT: a->device_timeout = optarg; break;
                case ARG_USERNAME: a->username = optarg; break;
                case ARG_MUTUAL: a->mutual = true; break;
                case ARG_USERNAME_IN: a->username_in = optarg; break;
                case ARG_NO_CHAP: a->no_chap = true; break;
                case ARG_WITH_KEY: a->enc.with_key = optarg; break;
                case ARG_NOT_AFTER: a->enc.not_after = optarg; break;
                case ARG_PRINT: a->print = true; break;
                case ARG_FORCE: a->force = true; break;
                default:
                        return usage_error("add");
                }

        if (argc - optind != 1) {
                fprintf(stderr, "add takes exactly one argument, the target alias.\n");
                return usage_error("add");
        }
        a->alias = argv[optind];
        return add_check_args(a);
}

static int build_target_text(const AddArgs *a, KvText *t) {
        const struct { const char *key, *value; } keys[] = {
                { "target", a->target },
                { "portal", a->portal },
                { "tpgt", a->tpgt },
                { "lun", a->lun },
                { "iface", a->iface },
                { "mount", a->mount },
                { "fstype", a->fstype },
                { "options", a->options },
                { "device-timeout", a->device_timeout },
                { "root", a->root ? "yes" : NULL },
        };
        int r;

        for (size_t i = 0; i < ELEMENTSOF(keys); i++) {
                if (!keys[i].value)
                        continue;
                r = kvtext_add(t, keys[i].key, keys[i].value);
                if (r == -EINVAL)
                        return log_error_errno(r, "--%s: the value %s.", keys[i].key,
                                               kvtext_value_problem(keys[i].value));
                if (r < 0)
                        return log_oom();
        }
        return 0;
}

static int read_one_secret(const char *alias, const char *what, char **ret) {
        _cleanup_free_ char *prompt = NULL;
        int r;

        if (asprintf(&prompt, "CHAP secret %s for %s", what, alias) < 0)
                return log_oom();
        r = secret_read(prompt, ret);
        if (r == -ENODATA)
                return log_error_errno(EINVAL, "No CHAP secret %s given on stdin (one line each; "
                                       "\"iscsi-creds gen-secret\" makes one).", what);
        if (r == -EINVAL)
                return log_error_errno(r, "The CHAP secret %s was too long or the two entries differ.", what);
        if (r < 0)
                return log_error_errno(r, "Failed to read the CHAP secret %s: %m", what);
        return 0;
}

static int build_auth_text(const AddArgs *a, KvText *t) {
        _cleanup_erase_free_ char *pw = NULL, *pw_in = NULL;
        int r;

        r = read_one_secret(a->alias, "(node.session.auth.password)", &pw);
        if (r < 0)
                return r;
        if (a->mutual) {
                r = read_one_secret(a->alias, "(node.session.auth.password_in, the target's)", &pw_in);
                if (r < 0)
                        return r;
        }

        const struct { const char *key, *value; } keys[] = {
                { "node.session.auth.username", a->username },
                { "node.session.auth.password", pw },
                { "node.session.auth.username_in", a->username_in },
                { "node.session.auth.password_in", pw_in },
        };
        for (size_t i = 0; i < ELEMENTSOF(keys); i++) {
                if (!keys[i].value)
                        continue;
                r = kvtext_add(t, keys[i].key, keys[i].value);
                /* The message describes the problem and never quotes the value. */
                if (r == -EINVAL)
                        return log_error_errno(r, "%s: the %s %s; nothing was written.", keys[i].key,
                                               strstr(keys[i].key, "password") ? "secret" : "name",
                                               kvtext_value_problem(keys[i].value));
                if (r < 0)
                        return log_oom();
        }
        return 0;
}

int verb_add(int argc, char *argv[]) {
        _cleanup_free_ char *target_cred = NULL, *auth_cred = NULL, *target_path = NULL, *auth_path = NULL;
        _cleanup_(kvtext_done) KvText target_text = {}, auth_text = {};
        AddArgs a = { .enc.with_key = "auto" };
        int r;

        r = add_parse_argv(argc, argv, &a);
        if (r <= 0)
                return r;

        if (asprintf(&target_cred, TARGET_CREDENTIAL_PREFIX "%s", a.alias) < 0 ||
            asprintf(&auth_cred, AUTH_CREDENTIAL_PREFIX "%s", a.alias) < 0 ||
            credstore_path(false, target_cred, &target_path) < 0 || credstore_path(true, auth_cred, &auth_path) < 0)
                return log_oom();

        r = build_target_text(&a, &target_text);
        if (r < 0)
                return r;
        r = kvtext_to_target(&target_text, a.alias, NULL);
        if (r < 0)
                return log_error_errno(r, "%s: not written, fix the options above.", target_cred);

        if (!a.print) {
                r = credstore_check_absent(target_path, a.force);
                if (r >= 0 && !a.no_chap)
                        r = credstore_check_absent(auth_path, a.force);
                if (r < 0)
                        return r;
        }

        if (!a.no_chap) {
                r = build_auth_text(&a, &auth_text);
                if (r < 0)
                        return r;
                r = kvtext_to_chap(&auth_text, auth_cred, NULL);
                if (r < 0)
                        return log_error_errno(r, "%s: not written.", auth_cred);
        }

        if (a.print) {
                printf("# %s (plaintext, no secret):\n", target_cred);
                r = creds_print_plain(target_cred, target_text.data, target_text.size);
                if (r >= 0 && !a.no_chap) {
                        printf("# %s (encrypted with --with-key=%s; only a machine holding that key can "
                               "decrypt it):\n", auth_cred, a.enc.with_key);
                        r = store_auth_credential(auth_cred, &a.enc, auth_text.data, auth_text.size, true, false);
                }
                return r;
        }

        /* Encrypt before writing anything, so a failing systemd-creds leaves no half-added target. */
        _cleanup_free_ char *ciphertext = NULL;
        const char *key = a.enc.with_key;
        if (!a.no_chap) {
                r = creds_encrypt(auth_cred, &a.enc, auth_text.data, auth_text.size, &ciphertext, &key);
                if (r < 0)
                        return r;
                kvtext_done(&auth_text);
        }

        r = credstore_write(target_path, target_text.data, target_text.size, a.force);
        if (r < 0)
                return r;
        log_info("Wrote %s.", target_path);
        if (ciphertext) {
                _cleanup_free_ char *line = NULL;

                if (asprintf(&line, "%s\n", ciphertext) < 0)
                        return log_oom();
                r = credstore_write(auth_path, line, strlen(line), a.force);
                if (r < 0) {
                        if (!a.force)
                                (void) unlink(target_path);
                        return r;
                }
                log_info("Wrote %s (encrypted with --with-key=%s).", auth_path, key);
        }
        log_info("Check with \"iscsi-creds verify %s\"; the units appear at the next boot or "
                 "\"systemctl daemon-reload\".", a.alias);
        return 0;
}
