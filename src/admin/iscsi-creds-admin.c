/* SPDX-License-Identifier: LGPL-2.1-or-later */

/*
 * iscsi-creds-admin: the admin's commands of iscsi-creds(8) (add,
 * gen-secret, import-*, verify, cat, status). "iscsi-creds COMMAND" runs
 * it with its own arguments; it links what the boot helper must not need
 * (json-c, libyaml, sd-bus). Called as iscsi-creds, it says so in messages.
 */

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "commands.h"
#include "log.h"
#include "secret.h"
#include "string-util.h"

int main(int argc, char *argv[]) {
        static const struct {
                const char *name;
                int (*run)(int argc, char *argv[]);
        } verbs[] = {
                { "add", verb_add },
                { "gen-secret", verb_gen_secret },
                { "import-k8s-secret", verb_import_k8s_secret },
                { "import-iscsid-conf", verb_import_iscsid_conf },
                { "cat", verb_cat },
                { "status", verb_status },
                { "initrd-credentials", verb_initrd_credentials },
        };
        const char *verb;
        int status;

        /* execve(2) made us dumpable again: cli_start() turns core dumps off before any
         * secret is read (add, the importers, verify). */
        if (!cli_start(argc, argv, &verb, &status))
                return status;

        if (streq(verb, "verify"))
                return exit_status_from_errno(verb_verify(argv + optind + 1));
        for (size_t i = 0; i < ELEMENTSOF(verbs); i++)
                if (streq(verb, verbs[i].name)) {
                        /* Secrets are read from stdin line by line: keep none in stdio's buffer. */
                        setvbuf(stdin, NULL, _IONBF, 0);
                        return exit_status_from_errno(verbs[i].run(argc - optind, argv + optind));
                }
        fprintf(stderr, "Unknown command \"%s\".\nTry 'iscsi-creds --help' for more information.\n", verb);
        return EXIT_USAGE;
}
