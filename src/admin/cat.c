/* SPDX-License-Identifier: LGPL-2.1-or-later */

/*
 * "iscsi-creds cat [ALIAS...]": a dry run of the generator. The real binary
 * runs into a temporary directory, on the same search path it uses at
 * boot, and the files belonging to the targets asked for are printed. The
 * generator never reads a secret, so neither does this.
 */

#include <errno.h>
#include <ftw.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "commands.h"
#include "config.h"
#include "load.h"
#include "log.h"
#include "spawn.h"
#include "string-util.h"
#include "unit-name.h"

#define GENERATOR_TIMEOUT (60 * USEC_PER_SEC)
/* Where PID 1 has the generator write, for the headers. */
#define GENERATOR_NORMAL_DIR "/run/systemd/generator"

static void cat_help(void) {
        printf("Usage: iscsi-creds cat [ALIAS...]\n"
               "\n"
               "Run iscsi-creds-generator into a temporary directory and print the units and\n"
               "drop-ins it writes for the targets named (all without arguments), each after a\n"
               "\"# PATH\" line; symbolic links as \"# PATH -> TARGET\". Nothing is installed and no\n"
               "secret is read. $ISCSI_CREDS_GENERATOR overrides the generator binary.\n");
}

/* nftw() has no user pointer: collect into these. */
static char **walk_paths;
static size_t walk_n;
static size_t walk_prefix;

static int collect(const char *path, const struct stat *st, int flag, struct FTW *ftw) {
        char **p;

        if (flag != FTW_F && flag != FTW_SL && flag != FTW_SLN)
                return 0;
        p = realloc(walk_paths, (walk_n + 1) * sizeof(char *));
        if (!p)
                return -1;
        walk_paths = p;
        walk_paths[walk_n] = strdup(path + walk_prefix);
        if (!walk_paths[walk_n])
                return -1;
        walk_n++;
        return 0;
}

static int remove_one(const char *path, const struct stat *st, int flag, struct FTW *ftw) {
        (void) remove(path);
        return 0;
}

static int cmp_str(const void *a, const void *b) {
        return strcmp(*(char *const *) a, *(char *const *) b);
}

static void free_paths(void) {
        for (size_t i = 0; i < walk_n; i++)
                free(walk_paths[i]);
        free(walk_paths);
        walk_paths = NULL;
        walk_n = 0;
}

/* Names (relative to the output dir) of what the generator writes for @t. */
static bool belongs_to(const char *rel, const Target *t) {
        _cleanup_free_ char *login = target_login_unit(t), *paths = target_paths_unit(t),
                            *unlock = target_unlock_unit(t), *mount = NULL, *automount = NULL, *what = NULL,
                            *device = NULL;
        const char *p;

        if (!login || !paths || !unlock)
                return false;
        for (const char *const *u = (const char *const[]) { login, paths, unlock, NULL }; *u; u++) {
                if ((p = startswith(rel, *u)) && startswith(p, ".d/"))
                        return true;
                if ((p = startswith(rel, "iscsi-creds.target.wants/")) && streq(p, *u))
                        return true;
        }
        if (!t->mount || unit_name_from_path(t->mount, ".mount", &mount) < 0 ||
            unit_name_from_path(t->mount, ".automount", &automount) < 0)
                return false;
        if (streq(rel, mount) || streq(rel, automount))
                return true;
        if (((p = startswith(rel, "remote-fs.target.wants/")) || (p = startswith(rel, "remote-fs.target.requires/"))) &&
            (streq(p, mount) || streq(p, automount)))
                return true;
        if (target_device(t, &what) >= 0 &&
            unit_name_from_path(what, ".device", &device) >= 0 && (p = startswith(rel, device)) &&
            startswith(p, ".d/"))
                return true;
        return false;
}

static int print_file(const char *dir, const char *rel) {
        _cleanup_free_ char *path = NULL;
        _cleanup_fclose_ FILE *f = NULL;
        char target[PATH_MAX], buf[4096];
        struct stat st;
        ssize_t n;
        size_t k;

        if (asprintf(&path, "%s/%s", dir, rel) < 0)
                return log_oom();
        if (lstat(path, &st) < 0)
                return log_error_errno(errno, "Failed to stat %s: %m", path);
        if (S_ISLNK(st.st_mode)) {
                n = readlink(path, target, sizeof target - 1);
                if (n < 0)
                        return log_error_errno(errno, "Failed to read link %s: %m", path);
                target[n] = '\0';
                printf("# " GENERATOR_NORMAL_DIR "/%s -> %s\n\n", rel, target);
                return 0;
        }
        f = fopen(path, "re");
        if (!f)
                return log_error_errno(errno, "Failed to open %s: %m", path);
        printf("# " GENERATOR_NORMAL_DIR "/%s\n", rel);
        while ((k = fread(buf, 1, sizeof buf, f)) > 0)
                fwrite(buf, 1, k, stdout);
        printf("\n");
        return 0;
}

static size_t strv_length(char **l) {
        size_t n = 0;

        while (l[n])
                n++;
        return n;
}

static int load_named(char **aliases, Target ***ret, size_t *ret_n) {
        Target **targets = calloc(strv_length(aliases) + 1, sizeof(Target *));
        size_t n = 0;
        int r = 0;

        if (!targets)
                return log_oom();
        for (char **a = aliases; *a; a++) {
                _cleanup_(credential_file_freep) CredentialFile *f = NULL;
                int k;

                k = find_target_credential(*a, &f);
                if (k == -ENOMEM)
                        return k;
                if (k >= 0)
                        k = load_target(f, &targets[n]);
                if (k < 0) {
                        if (r == 0)
                                r = k;
                        continue;
                }
                n++;
        }
        *ret = targets;
        *ret_n = n;
        return r;
}

int verb_cat(int argc, char *argv[]) {
        static const struct option options[] = {
                { "help", no_argument, NULL, 'h' },
                {}
        };
        const char *generator = getenv("ISCSI_CREDS_GENERATOR") ?: GENERATOR_PATH;
        char dir[] = "/tmp/iscsi-creds-cat.XXXXXX";
        Target **targets = NULL;
        size_t n_targets = 0;
        SpawnResult res;
        int c, r, k;

        optind = 0;
        while ((c = getopt_long(argc, argv, "h", options, NULL)) >= 0)
                switch (c) {
                case 'h':
                        cat_help();
                        return 0;
                default:
                        return usage_error("cat");
                }

        if (access(generator, X_OK) < 0)
                return log_error_errno(errno, "Cannot run the generator %s: %m", generator);

        r = load_named(argv + optind, &targets, &n_targets);

        if (!mkdtemp(dir))
                return log_error_errno(errno, "Failed to create a temporary directory: %m");

        {
                char *gen_argv[] = { (char *) generator, dir, dir, dir, NULL };

                k = spawn_run(gen_argv, NULL, false, 0, GENERATOR_TIMEOUT, &res);
        }
        if (k < 0)
                log_error_errno(k, "Failed to run %s: %m", generator);
        else if (res.status != 0)
                k = log_error_errno(EINVAL, "%s reported problems (above); printing what it wrote.", generator);
        spawn_result_done(&res);
        if (k < 0 && r == 0)
                r = k;

        walk_prefix = strlen(dir) + 1;
        if (nftw(dir, collect, 16, FTW_PHYS) < 0)
                r = log_oom();
        qsort(walk_paths, walk_n, sizeof(char *), cmp_str);

        for (size_t i = 0; i < walk_n; i++) {
                bool show = argc - optind == 0;

                for (size_t j = 0; j < n_targets && !show; j++)
                        show = belongs_to(walk_paths[i], targets[j]);
                if (show) {
                        k = print_file(dir, walk_paths[i]);
                        if (k < 0 && r == 0)
                                r = k;
                }
        }

        free_paths();
        (void) nftw(dir, remove_one, 16, FTW_DEPTH | FTW_PHYS);
        for (size_t j = 0; j < n_targets; j++)
                target_free(targets[j]);
        free(targets);
        return r;
}
