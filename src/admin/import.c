/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "import.h"
#include "kvtext.h"
#include "log.h"
#include "string-util.h"
#include "target.h"

const char *const chap_keys[8] = {
        "node.session.auth.username",
        "node.session.auth.password",
        "node.session.auth.username_in",
        "node.session.auth.password_in",
        "discovery.sendtargets.auth.username",
        "discovery.sendtargets.auth.password",
        "discovery.sendtargets.auth.username_in",
        "discovery.sendtargets.auth.password_in",
};

int chap_key_index(const char *key) {
        for (int i = 0; i < (int) ELEMENTSOF(chap_keys); i++)
                if (streq(key, chap_keys[i]))
                        return i;
        return -1;
}

int import_parse_argv(int argc, char *argv[], const char *verb, int n_args, void (*help)(void), ImportArgs *a) {
        enum { ARG_WITH_KEY = 0x100, ARG_NOT_AFTER, ARG_PRINT, ARG_FORCE, ARG_NAME };
        static const struct option options[] = {
                { "help", no_argument, NULL, 'h' },
                { "with-key", required_argument, NULL, ARG_WITH_KEY },
                { "not-after", required_argument, NULL, ARG_NOT_AFTER },
                { "print", no_argument, NULL, ARG_PRINT },
                { "force", no_argument, NULL, ARG_FORCE },
                { "name", required_argument, NULL, ARG_NAME },
                {}
        };
        int c;

        *a = (ImportArgs) { .enc.with_key = "auto" };
        optind = 0;
        while ((c = getopt_long(argc, argv, "h", options, NULL)) >= 0)
                switch (c) {
                case 'h':
                        help();
                        return 0;
                case ARG_WITH_KEY:
                        if (!with_key_is_valid(optarg)) {
                                fprintf(stderr, "--with-key= takes host, tpm2, host+tpm2, auto or auto-initrd.\n");
                                return usage_error(verb);
                        }
                        a->enc.with_key = optarg;
                        break;
                case ARG_NOT_AFTER:
                        a->enc.not_after = optarg;
                        break;
                case ARG_PRINT:
                        a->print = true;
                        break;
                case ARG_FORCE:
                        a->force = true;
                        break;
                case ARG_NAME:
                        if (n_args != 1) {
                                fprintf(stderr, "%s has no --name option.\n", verb);
                                return usage_error(verb);
                        }
                        a->name = optarg;
                        break;
                default:
                        return usage_error(verb);
                }
        if (argc - optind != n_args) {
                fprintf(stderr, "%s takes %s.\n", verb, n_args == 2 ? "two arguments, FILE and ALIAS" : "one argument, FILE");
                return usage_error(verb);
        }
        a->file = argv[optind];
        if (n_args == 2)
                a->name = argv[optind + 1];
        if (a->name && !alias_is_valid(a->name)) {
                fprintf(stderr, "Invalid name \"%s\": " ALIAS_RULE ".\n",
                        a->name);
                return usage_error(verb);
        }
        return 1;
}

int import_store(const char *credential, char *const values[8], const ImportArgs *a) {
        _cleanup_(kvtext_done) KvText text = {};
        _cleanup_free_ char *path = NULL;
        int r;

        if (!a->print) {
                if (credstore_path(true, credential, &path) < 0)
                        return log_oom();
                r = credstore_check_absent(path, a->force);
                if (r < 0)
                        return r;
        }

        for (size_t i = 0; i < ELEMENTSOF(chap_keys); i++) {
                if (!values[i])
                        continue;
                r = kvtext_add(&text, chap_keys[i], values[i]);
                /* The message describes the problem and never quotes the value. */
                if (r == -EINVAL)
                        return log_error_errno(r, "%s: %s: the value %s; not imported.", a->file, chap_keys[i],
                                               kvtext_value_problem(values[i]));
                if (r < 0)
                        return log_oom();
        }
        r = kvtext_to_chap(&text, credential, NULL);
        if (r < 0)
                return log_error_errno(r, "%s: not imported.", a->file);

        r = store_auth_credential(credential, &a->enc, text.data, text.size, a->print, a->force);
        if (r < 0)
                return r;

        fprintf(stderr, "Imported into %s:", credential);
        for (size_t i = 0; i < ELEMENTSOF(chap_keys); i++)
                if (values[i])
                        fprintf(stderr, " %s", chap_keys[i]);
        fprintf(stderr, "\n");
        return 0;
}
