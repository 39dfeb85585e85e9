/* SPDX-License-Identifier: LGPL-2.1-or-later */

/*
 * "iscsi-creds import-iscsid-conf FILE [--name NAME]": the global CHAP
 * settings of an iscsid.conf(5) into the encrypted iscsi.auth (the
 * default secrets of targets without their own) or iscsi.auth.NAME.
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "import.h"
#include "log.h"
#include "secret-input.h"
#include "secret.h"
#include "string-util.h"
#include "target.h"

static void import_iscsid_help(void) {
        printf("Usage: iscsi-creds import-iscsid-conf FILE [--name=NAME] [--with-key=KEY]\n"
               "                                     [--not-after=TIME] [--print] [--force]\n"
               "\n"
               "Take the global CHAP settings of an iscsid.conf (node.session.auth.{username,\n"
               "password,username_in,password_in} and discovery.sendtargets.auth.*) into iscsi.auth\n"
               "(or iscsi.auth.NAME), encrypted by systemd-creds, in /etc/credstore.encrypted, or\n"
               "--print the hypervisor forms. Commented lines, authmethod, chap_algs and every\n"
               "other setting are ignored. Afterwards remove the secrets from the iscsid.conf.\n");
}

/* iscsid.conf: "key = value", blanks optional, '#' comments; a later line wins, as in
 * open-iscsi's own reader. */
static int parse_iscsid_conf(FILE *f, const char *file, char *values[8]) {
        unsigned line = 0;
        int r;

        for (;;) {
                _cleanup_erase_free_ char *l = NULL;
                char *key, *value, *eq;
                int i;

                r = secret_read_line(f, &l);
                if (r == -ENODATA)
                        return 0;
                line++;
                if (r == -EINVAL)
                        return log_error_errno(r, "%s:%u: line too long.", file, line);
                if (r < 0)
                        return log_oom();

                key = strstrip(l);
                if (key[0] == '#' || key[0] == '\0')
                        continue;
                eq = strchr(key, '=');
                if (!eq)
                        continue;
                *eq = '\0';
                key = strstrip(key);
                value = strstrip(eq + 1);
                i = chap_key_index(key);
                if (i < 0)
                        continue;
                if (value[0] == '\0') {
                        log_warning("%s:%u: %s is empty, ignoring.", file, line, key);
                        continue;
                }
                if (values[i])
                        log_warning("%s:%u: %s is set again; the later value wins, as in iscsid.", file, line, key);
                erase_and_free(values[i]);
                values[i] = secret_strndup(value, strlen(value));
                if (!values[i])
                        return log_oom();
        }
}

int verb_import_iscsid_conf(int argc, char *argv[]) {
        _cleanup_free_ char *credential = NULL;
        _cleanup_fclose_ FILE *f = NULL;
        char *values[8] = {};
        ImportArgs a;
        int r;

        r = import_parse_argv(argc, argv, "import-iscsid-conf", 1, import_iscsid_help, &a);
        if (r <= 0)
                return r;
        if ((a.name ? asprintf(&credential, AUTH_CREDENTIAL_PREFIX "%s", a.name)
                    : asprintf(&credential, AUTH_CREDENTIAL_DEFAULT)) < 0)
                return log_oom();

        f = fopen(a.file, "re");
        if (!f)
                return log_error_errno(errno, "Failed to open %s: %m", a.file);
        /* No stdio buffer keeps the file's secrets after we are done with them. */
        setvbuf(f, NULL, _IONBF, 0);

        r = parse_iscsid_conf(f, a.file, values);
        if (r >= 0 && !values[0] && !values[1] && !values[4] && !values[5])
                r = log_error_errno(EINVAL, "%s: no CHAP settings (node.session.auth.* or "
                                    "discovery.sendtargets.auth.*) found.", a.file);
        if (r >= 0)
                r = import_store(credential, values, &a);
        for (size_t i = 0; i < ELEMENTSOF(values); i++)
                erase_and_free(values[i]);
        return r;
}
