/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "credential.h"
#include "secret.h"
#include "string-util.h"
#include "test-util.h"

#define PLAIN "target = iqn.2001-04.com.example:t1\nportal = 192.0.2.1\n"
/* What "systemd-creds encrypt" writes: base64, wrapped. */
#define CIPHER "k6iUCUh0RJCQyvL8k8q1UyAAAAABAAAADAAAABAAAADXD1ySgOCHaAvmAAAAAAAAgAAAAAAAAAAL\n" \
               "ACMA0AAAACAAAAAAngAgp+Z7d2BZ0r5cQ6Jq+bn8Mh7IQvq8CR4ogsSm/SH8t2cAENsfXz0TLJ==\n"

/* The search path, in order, relative to the test root: systemd's for
 * LoadCredentialEncrypted=ID (systemd.exec(5); credential.h). */
static const struct {
        const char *dir;
        bool encrypted;
} search_dirs[] = {
        { "enc", true },                                        /* $ENCRYPTED_CREDENTIALS_DIRECTORY */
        { "root/run/credentials/@encrypted", true },            /* then PID 1's own */
        { "root/etc/credstore.encrypted", true },
        { "root/run/credstore.encrypted", true },
        { "root/usr/local/lib/credstore.encrypted", true },
        { "root/usr/lib/credstore.encrypted", true },
        { "creds", false },                                     /* $CREDENTIALS_DIRECTORY */
        { "root/run/credentials/@system", false },              /* then the system's (a service's own above) */
        { "root/etc/credstore", false },
        { "root/run/credstore", false },
        { "root/usr/local/lib/credstore", false },
        { "root/usr/lib/credstore", false },
};

/* A test root with every search dir created and the environment pointing at it. */
static char *setup_root(void) {
        char *r = test_mkdtemp();

        for (size_t i = 0; i < ELEMENTSOF(search_dirs); i++) {
                _cleanup_free_ char *d = test_path(r, search_dirs[i].dir);

                test_mkdir_p(d);
        }
        {
                _cleanup_free_ char *c = test_path(r, "creds"), *e = test_path(r, "enc"), *root = test_path(r, "root");

                ck_assert_int_eq(setenv("CREDENTIALS_DIRECTORY", c, 1), 0);
                ck_assert_int_eq(setenv("ENCRYPTED_CREDENTIALS_DIRECTORY", e, 1), 0);
                ck_assert_int_eq(setenv("ISCSI_CREDS_ROOT", root, 1), 0);
        }
        return r;
}

static char *put(const char *root, const char *dir, const char *name, const char *content) {
        _cleanup_free_ char *d = test_path(root, dir);
        char *p = test_path(d, name);

        test_write_file(p, content);
        return p;
}

/* ---- credential_find(): order of the search path --------------------------- */

START_TEST(test_find_order)
{
        char *root = setup_root();
        char *paths[ELEMENTSOF(search_dirs)];
        CredentialFile *f = NULL;

        for (size_t i = 0; i < ELEMENTSOF(search_dirs); i++)
                paths[i] = put(root, search_dirs[i].dir, "iscsi.target.t1", search_dirs[i].encrypted ? CIPHER : PLAIN);

        /* first match wins; remove it and the next one is found */
        for (size_t i = 0; i < ELEMENTSOF(search_dirs); i++) {
                f = NULL;
                ck_assert_int_eq(credential_find("iscsi.target.t1", CREDENTIAL_SEARCH_SYSTEM, &f), 1);
                ck_assert_ptr_nonnull(f);
                ck_assert_str_eq(f->name, "iscsi.target.t1");
                ck_assert_msg(streq(f->path, paths[i]), "step %zu: found %s, expected %s", i, f->path, paths[i]);
                ck_assert_msg(f->encrypted == search_dirs[i].encrypted, "step %zu (%s): encrypted=%d", i,
                              search_dirs[i].dir, f->encrypted);
                credential_file_free(f);
                ck_assert_int_eq(unlink(paths[i]), 0);
        }
        f = NULL;
        ck_assert_int_eq(credential_find("iscsi.target.t1", CREDENTIAL_SEARCH_SYSTEM, &f), 0);
        ck_assert_ptr_null(f);

        for (size_t i = 0; i < ELEMENTSOF(search_dirs); i++)
                free(paths[i]);
        test_rm_rf_free(root);
}
END_TEST

START_TEST(test_find_default_system_dirs)
{
        /* without the environment variables: /run/credentials/@system and @encrypted under the root */
        char *root = setup_root();
        _cleanup_free_ char *sys = NULL, *enc = NULL;
        CredentialFile *f = NULL;

        ck_assert_int_eq(unsetenv("CREDENTIALS_DIRECTORY"), 0);
        ck_assert_int_eq(unsetenv("ENCRYPTED_CREDENTIALS_DIRECTORY"), 0);
        {
                _cleanup_free_ char *a = test_path(root, "root/run/credentials/@system"),
                                    *b = test_path(root, "root/run/credentials/@encrypted");

                test_mkdir_p(a);
                test_mkdir_p(b);
        }
        sys = put(root, "root/run/credentials/@system", "iscsi.target.t1", PLAIN);
        enc = put(root, "root/run/credentials/@encrypted", "iscsi.target.t1", CIPHER);
        free(put(root, "root/etc/credstore", "iscsi.target.t1", PLAIN));

        /* @encrypted comes first, as in PID 1's search for LoadCredentialEncrypted= */
        ck_assert_int_eq(credential_find("iscsi.target.t1", CREDENTIAL_SEARCH_SYSTEM, &f), 1);
        ck_assert_str_eq(f->path, enc);
        ck_assert(f->encrypted);
        credential_file_free(f);

        ck_assert_int_eq(unlink(enc), 0);
        f = NULL;
        ck_assert_int_eq(credential_find("iscsi.target.t1", CREDENTIAL_SEARCH_SYSTEM, &f), 1);
        ck_assert_str_eq(f->path, sys);
        ck_assert(!f->encrypted);
        credential_file_free(f);

        /* an empty variable counts as unset */
        ck_assert_int_eq(setenv("CREDENTIALS_DIRECTORY", "", 1), 0);
        f = NULL;
        ck_assert_int_eq(credential_find("iscsi.target.t1", CREDENTIAL_SEARCH_SYSTEM, &f), 1);
        ck_assert_str_eq(f->path, sys);
        credential_file_free(f);

        test_rm_rf_free(root);
}
END_TEST

START_TEST(test_find_service)
{
        /* a service sees only what PID 1 handed it */
        char *root = setup_root();
        _cleanup_free_ char *mine = NULL;
        CredentialFile *f = NULL;

        free(put(root, "root/etc/credstore", "iscsi.auth.t1", PLAIN));
        free(put(root, "enc", "iscsi.auth.t1", CIPHER));
        ck_assert_int_eq(credential_find("iscsi.auth.t1", CREDENTIAL_SEARCH_SERVICE, &f), 0);
        ck_assert_ptr_null(f);

        mine = put(root, "creds", "iscsi.auth.t1", PLAIN);
        ck_assert_int_eq(credential_find("iscsi.auth.t1", CREDENTIAL_SEARCH_SERVICE, &f), 1);
        ck_assert_str_eq(f->path, mine);
        ck_assert(!f->encrypted);
        credential_file_free(f);

        /* no $CREDENTIALS_DIRECTORY: nothing at all */
        ck_assert_int_eq(unsetenv("CREDENTIALS_DIRECTORY"), 0);
        f = NULL;
        ck_assert_int_eq(credential_find("iscsi.auth.t1", CREDENTIAL_SEARCH_SERVICE, &f), 0);
        ck_assert_ptr_null(f);

        test_rm_rf_free(root);
}
END_TEST

START_TEST(test_find_ciphertext_in_plain_dir)
{
        /* SMBIOS/fw_cfg system credentials: ciphertext in the plain system dir */
        char *root = setup_root();
        CredentialFile *f = NULL;

        free(put(root, "creds", "iscsi.auth.t1", CIPHER));
        ck_assert_int_eq(credential_find("iscsi.auth.t1", CREDENTIAL_SEARCH_SYSTEM, &f), 1);
        ck_assert(f->encrypted);
        credential_file_free(f);

        /* a credstore is plaintext by systemd's convention, whatever its bytes */
        f = NULL;
        free(put(root, "root/etc/credstore", "iscsi.auth.t2", CIPHER));
        ck_assert_int_eq(credential_find("iscsi.auth.t2", CREDENTIAL_SEARCH_SYSTEM, &f), 1);
        ck_assert(!f->encrypted);
        ck_assert(f->plaintext);
        credential_file_free(f);

        /* a unit's own $CREDENTIALS_DIRECTORY: PID 1 decrypted it already */
        f = NULL;
        ck_assert_int_eq(credential_find("iscsi.auth.t1", CREDENTIAL_SEARCH_SERVICE, &f), 1);
        ck_assert(!f->encrypted);
        ck_assert(f->plaintext);
        credential_file_free(f);

        test_rm_rf_free(root);
}
END_TEST

START_TEST(test_find_skips_non_regular)
{
        char *root = setup_root();
        _cleanup_free_ char *d = NULL, *fifo = NULL, *dangling = NULL, *good = NULL;
        CredentialFile *f = NULL;

        /* a directory of that name in the first dir, a FIFO in the second, a dangling link in the third */
        d = test_path(root, "creds/iscsi.target.t1");
        ck_assert_int_eq(mkdir(d, 0755), 0);
        fifo = test_path(root, "enc/iscsi.target.t1");
        ck_assert_int_eq(mkfifo(fifo, 0600), 0);
        dangling = test_path(root, "root/run/credstore/iscsi.target.t1");
        ck_assert_int_eq(symlink("/nonexistent/iscsi-creds-test", dangling), 0);
        good = put(root, "root/etc/credstore", "iscsi.target.t1", PLAIN);

        ck_assert_int_eq(credential_find("iscsi.target.t1", CREDENTIAL_SEARCH_SYSTEM, &f), 1);
        ck_assert_str_eq(f->path, good);
        credential_file_free(f);

        test_rm_rf_free(root);
}
END_TEST

START_TEST(test_list_name_with_newline_escaped)
{
        /* a file name with a newline must not forge a log line */
        char *root = setup_root();
        _cleanup_free_ char *d = test_path(root, "root/etc/credstore/iscsi.target.a\n<3>forged: ok");
        CredentialFile **files = NULL;
        size_t n = 0;
        TestStderr cap;
        char *out;

        log_setup("test-credential", LOG_TARGET_STDERR);
        log_set_structured_sink(NULL);
        log_set_max_level(LOG_DEBUG);
        ck_assert_int_eq(mkdir(d, 0755), 0);

        test_stderr_begin(&cap, root);
        ck_assert_int_eq(credential_list("iscsi.target.", CREDENTIAL_SEARCH_SYSTEM, false, &files, &n), 0);
        out = test_stderr_end(&cap);
        ck_assert_uint_eq(n, 0);
        credential_files_free(files, n);

        ck_assert_msg(strstr(out, "iscsi.target.a\\n<3>forged: ok is not a regular file"), "not escaped:\n%s", out);
        ck_assert_msg(!strstr(out, "\n<3>forged"), "forged log line:\n%s", out);
        free(out);
        test_rm_rf_free(root);
}
END_TEST

START_TEST(test_find_invalid_names)
{
        char *root = setup_root();
        CredentialFile *f = NULL;

        /* a name that would escape the directory is never looked up */
        free(put(root, "root", "escape", PLAIN));
        ck_assert_int_eq(credential_find("../root/escape", CREDENTIAL_SEARCH_SYSTEM, &f), 0);
        ck_assert_int_eq(credential_find("..", CREDENTIAL_SEARCH_SYSTEM, &f), 0);
        ck_assert_int_eq(credential_find(".", CREDENTIAL_SEARCH_SYSTEM, &f), 0);
        ck_assert_int_eq(credential_find("", CREDENTIAL_SEARCH_SYSTEM, &f), 0);
        ck_assert_ptr_null(f);
        test_rm_rf_free(root);
}
END_TEST

START_TEST(test_unreadable_dir_skipped)
{
        /* a search dir that cannot be opened (here: a file) is skipped */
        char *root = setup_root();
        _cleanup_free_ char *run = test_path(root, "root/run/credstore"), *good = NULL;
        CredentialFile **files = NULL, *f = NULL;
        size_t n = 99;

        ck_assert_int_eq(rmdir(run), 0);
        test_write_file(run, "not a dir\n");
        good = put(root, "root/etc/credstore", "iscsi.target.t1", PLAIN);

        ck_assert_int_eq(credential_find("iscsi.target.t1", CREDENTIAL_SEARCH_SYSTEM, &f), 1);
        ck_assert_str_eq(f->path, good);
        credential_file_free(f);

        ck_assert_int_eq(credential_list("iscsi.target.", CREDENTIAL_SEARCH_SYSTEM, true, &files, &n), 0);
        ck_assert_uint_eq(n, 1);
        ck_assert_str_eq(files[0]->path, good);
        credential_files_free(files, n);

        /* a missing search dir too */
        ck_assert_int_eq(setenv("CREDENTIALS_DIRECTORY", "/nonexistent/iscsi-creds-test", 1), 0);
        ck_assert_int_eq(credential_list("iscsi.target.", CREDENTIAL_SEARCH_SYSTEM, true, &files, &n), 0);
        ck_assert_uint_eq(n, 1);
        credential_files_free(files, n);

        test_rm_rf_free(root);
}
END_TEST

/* ---- credential_list() --------------------------------------------------- */

START_TEST(test_list)
{
        char *root = setup_root();
        _cleanup_free_ char *a = NULL, *b = NULL, *c = NULL, *z = NULL, *d = NULL, *fifo = NULL, *dangling = NULL;
        CredentialFile **files = NULL;
        size_t n = 0;

        /* in search order, not in name order */
        z = put(root, "creds", "iscsi.target.z", PLAIN);
        b = put(root, "creds", "iscsi.target.b", PLAIN);
        free(put(root, "root/run/credstore", "iscsi.target.b", PLAIN));         /* loses against creds/ */
        c = put(root, "enc", "iscsi.target.c", CIPHER);
        a = put(root, "root/usr/lib/credstore.encrypted", "iscsi.target.a", CIPHER);
        free(put(root, "root/etc/credstore", "iscsi.target.a", PLAIN));         /* loses: encrypted first */
        /* other prefixes */
        free(put(root, "creds", "iscsi.auth.a", PLAIN));
        free(put(root, "creds", "iscsi.auth", PLAIN));
        free(put(root, "creds", "iscsi.targetx", PLAIN));
        free(put(root, "creds", "iscsi.target", PLAIN));
        free(put(root, "root/etc/credstore", "other.iscsi.target.q", PLAIN));
        /* not regular files */
        d = test_path(root, "creds/iscsi.target.dir");
        ck_assert_int_eq(mkdir(d, 0755), 0);
        fifo = test_path(root, "root/run/credstore/iscsi.target.fifo");
        ck_assert_int_eq(mkfifo(fifo, 0600), 0);
        dangling = test_path(root, "root/etc/credstore/iscsi.target.dangling");
        ck_assert_int_eq(symlink("/nonexistent/iscsi-creds-test", dangling), 0);

        test_log_capture_start();
        ck_assert_int_eq(credential_list("iscsi.target.", CREDENTIAL_SEARCH_SYSTEM, true, &files, &n), 0);
        test_log_capture_stop();

        ck_assert_uint_eq(n, 4);
        ck_assert_str_eq(files[0]->name, "iscsi.target.a");
        ck_assert_str_eq(files[0]->path, a);
        ck_assert(files[0]->encrypted);
        ck_assert_str_eq(files[1]->name, "iscsi.target.b");
        ck_assert_str_eq(files[1]->path, b);
        ck_assert(!files[1]->encrypted);
        ck_assert_str_eq(files[2]->name, "iscsi.target.c");
        ck_assert_str_eq(files[2]->path, c);
        ck_assert(files[2]->encrypted);
        ck_assert_str_eq(files[3]->name, "iscsi.target.z");
        ck_assert_str_eq(files[3]->path, z);
        credential_files_free(files, n);

        /* each non-regular entry got a warning naming it */
        ck_assert_uint_eq(test_log_count(LOG_WARNING), 3);
        ck_assert_ptr_nonnull(test_log_find("iscsi.target.dir"));
        ck_assert_ptr_nonnull(test_log_find("iscsi.target.fifo"));
        ck_assert_ptr_nonnull(test_log_find("iscsi.target.dangling"));

        /* the prefix "iscsi.auth" matches the default and the named ones */
        files = NULL;
        ck_assert_int_eq(credential_list("iscsi.auth", CREDENTIAL_SEARCH_SYSTEM, true, &files, &n), 0);
        ck_assert_uint_eq(n, 2);
        ck_assert_str_eq(files[0]->name, "iscsi.auth");
        ck_assert_str_eq(files[1]->name, "iscsi.auth.a");
        credential_files_free(files, n);

        /* service search: only $CREDENTIALS_DIRECTORY */
        files = NULL;
        test_log_capture_start();
        ck_assert_int_eq(credential_list("iscsi.target.", CREDENTIAL_SEARCH_SERVICE, true, &files, &n), 0);
        test_log_capture_stop();
        ck_assert_uint_eq(n, 2);
        ck_assert_str_eq(files[0]->name, "iscsi.target.b");
        ck_assert_str_eq(files[1]->name, "iscsi.target.z");
        credential_files_free(files, n);

        test_rm_rf_free(root);
}
END_TEST

START_TEST(test_list_empty)
{
        char *root = setup_root();
        CredentialFile **files = NULL;
        size_t n = 99;

        ck_assert_int_eq(credential_list("iscsi.target.", CREDENTIAL_SEARCH_SYSTEM, true, &files, &n), 0);
        ck_assert_uint_eq(n, 0);
        credential_files_free(files, n);

        ck_assert_int_eq(unsetenv("CREDENTIALS_DIRECTORY"), 0);
        n = 99;
        files = NULL;
        ck_assert_int_eq(credential_list("iscsi.target.", CREDENTIAL_SEARCH_SERVICE, true, &files, &n), 0);
        ck_assert_uint_eq(n, 0);
        credential_files_free(files, n);

        test_rm_rf_free(root);
}
END_TEST

START_TEST(test_list_many_sorted)
{
        char *root = setup_root();
        CredentialFile **files = NULL;
        size_t n = 0;

        /* 60 names spread over the dirs in scrambled order */
        for (int i = 0; i < 60; i++) {
                char name[64];
                int k = (i * 37) % 60;

                snprintf(name, sizeof name, "iscsi.target.t%02d", k);
                free(put(root, search_dirs[(size_t) i % ELEMENTSOF(search_dirs)].dir, name,
                         search_dirs[(size_t) i % ELEMENTSOF(search_dirs)].encrypted ? CIPHER : PLAIN));
        }
        ck_assert_int_eq(credential_list("iscsi.target.", CREDENTIAL_SEARCH_SYSTEM, true, &files, &n), 0);
        ck_assert_uint_eq(n, 60);
        for (size_t i = 0; i < n; i++) {
                char name[64];

                snprintf(name, sizeof name, "iscsi.target.t%02zu", i);
                ck_assert_str_eq(files[i]->name, name);
        }
        credential_files_free(files, n);
        test_rm_rf_free(root);
}
END_TEST

START_TEST(test_list_classify)
{
        /* classify=false: ->encrypted comes from the directory only; true: from the bytes too */
        char *root = setup_root();
        CredentialFile **files = NULL;
        size_t n = 0;

        free(put(root, "creds", "iscsi.auth.cipher-in-plain-dir", CIPHER));
        free(put(root, "creds", "iscsi.auth.plain", PLAIN));
        free(put(root, "enc", "iscsi.auth.enc", CIPHER));
        free(put(root, "root/etc/credstore.encrypted", "iscsi.auth.enc2", CIPHER));

        ck_assert_int_eq(credential_list("iscsi.auth.", CREDENTIAL_SEARCH_SYSTEM, false, &files, &n), 0);
        ck_assert_uint_eq(n, 4);
        ck_assert_str_eq(files[0]->name, "iscsi.auth.cipher-in-plain-dir");
        ck_assert(!files[0]->encrypted);
        ck_assert_str_eq(files[1]->name, "iscsi.auth.enc");
        ck_assert(files[1]->encrypted);
        ck_assert_str_eq(files[2]->name, "iscsi.auth.enc2");
        ck_assert(files[2]->encrypted);
        ck_assert_str_eq(files[3]->name, "iscsi.auth.plain");
        ck_assert(!files[3]->encrypted);
        credential_files_free(files, n);

        files = NULL;
        ck_assert_int_eq(credential_list("iscsi.auth.", CREDENTIAL_SEARCH_SYSTEM, true, &files, &n), 0);
        ck_assert_uint_eq(n, 4);
        ck_assert(files[0]->encrypted);
        ck_assert(files[1]->encrypted);
        ck_assert(files[2]->encrypted);
        ck_assert(!files[3]->encrypted);
        credential_files_free(files, n);

        test_rm_rf_free(root);
}
END_TEST

START_TEST(test_list_lookup)
{
        char *root = setup_root();
        CredentialFile **files = NULL;
        size_t n = 0;
        static const char *const names[] = { "iscsi.auth", "iscsi.auth.a", "iscsi.auth.b", "iscsi.auth.shared",
                                             "iscsi.auth.t1", "iscsi.auth.z" };

        for (size_t i = 0; i < ELEMENTSOF(names); i++)
                free(put(root, search_dirs[(i * 3) % ELEMENTSOF(search_dirs)].dir, names[i], PLAIN));
        ck_assert_int_eq(credential_list("iscsi.auth", CREDENTIAL_SEARCH_SYSTEM, true, &files, &n), 0);
        ck_assert_uint_eq(n, ELEMENTSOF(names));

        for (size_t i = 0; i < ELEMENTSOF(names); i++) {
                CredentialFile *f = credential_list_lookup(files, n, names[i]);

                ck_assert_msg(f, "%s not found", names[i]);
                ck_assert_str_eq(f->name, names[i]);
                ck_assert_ptr_eq(f, files[i]);
        }
        ck_assert_ptr_null(credential_list_lookup(files, n, "iscsi.auth.c"));
        ck_assert_ptr_null(credential_list_lookup(files, n, "iscsi.aut"));
        ck_assert_ptr_null(credential_list_lookup(files, n, "iscsi.auth.zz"));
        ck_assert_ptr_null(credential_list_lookup(files, n, ""));
        ck_assert_ptr_null(credential_list_lookup(files, 0, "iscsi.auth"));
        ck_assert_ptr_null(credential_list_lookup(NULL, 0, "iscsi.auth"));
        /* one-element array */
        ck_assert_ptr_eq(credential_list_lookup(files, 1, "iscsi.auth"), files[0]);
        ck_assert_ptr_null(credential_list_lookup(files, 1, "iscsi.auth.a"));
        credential_files_free(files, n);
        test_rm_rf_free(root);
}
END_TEST

START_TEST(test_file_dup)
{
        CredentialFile src = { .name = (char *) "iscsi.auth.t1", .path = (char *) "/run/credstore/iscsi.auth.t1",
                               .encrypted = true };
        CredentialFile *d = credential_file_dup(&src);

        ck_assert_ptr_nonnull(d);
        ck_assert_str_eq(d->name, src.name);
        ck_assert_str_eq(d->path, src.path);
        ck_assert(d->encrypted);
        ck_assert_ptr_ne(d->name, src.name);
        ck_assert_ptr_ne(d->path, src.path);
        credential_file_free(d);
        credential_file_free(NULL);
}
END_TEST

/* ---- credential_name_is_valid() -------------------------------------------- */

START_TEST(test_name_is_valid)
{
        char n255[256], n256[257];

        memset(n255, 'a', 255);
        n255[255] = '\0';
        memset(n256, 'a', 256);
        n256[256] = '\0';

        ck_assert(credential_name_is_valid("iscsi.target.t1"));
        ck_assert(credential_name_is_valid("iscsi.auth"));
        ck_assert(credential_name_is_valid("..."));
        ck_assert(credential_name_is_valid(".hidden"));
        ck_assert(credential_name_is_valid(n255));
        ck_assert(!credential_name_is_valid(n256));
        ck_assert(!credential_name_is_valid(""));
        ck_assert(!credential_name_is_valid("."));
        ck_assert(!credential_name_is_valid(".."));
        ck_assert(!credential_name_is_valid("a/b"));
        ck_assert(!credential_name_is_valid("iscsi.target.iqn.2001-04.com.example:t1"));
}
END_TEST

/* ---- credential_looks_encrypted() ------------------------------------------ */

static const struct {
        const char *content;
        size_t size;
        int expected;
} looks[] = {
#define C(s, e) { s, sizeof(s) - 1, e }
        C(CIPHER, 1),
        C("  k6iUCUh0RJCQyvL8k8q1UyAA\n\tAAABAAAADAAAABAA==\n", 1),  /* header split by blanks */
        C("QUJD", 0),                   /* base64 text, but no systemd-creds header: a passphrase */
        C("  QUJD\n\tRUZH==\n", 0),
        C("c2VjcmV0LXBhc3NwaHJhc2UtMTIzNDU2Nzg5MA==", 0),  /* "openssl rand -base64"-style passphrase */
        C(PLAIN, 0),
        C("node.session.auth.username = u\nnode.session.auth.password = p\n", 0),
        C("# comment\n", 0),
        C("", 0),                       /* nothing at all */
        C(" \n\t\n", 0),                /* only whitespace */
        C("QUJD\0RUZH", 0),             /* NUL */
        C("QUJD-RUZH", 0),              /* base64url is not what systemd-creds writes */
        C("k6iU\xc3\xa9", 0),
#undef C
};

START_TEST(test_looks_encrypted)
{
        char *root = test_mkdtemp();
        _cleanup_free_ char *p = test_path(root, "cred");

        test_write_file_n(p, looks[_i].content, looks[_i].size);
        ck_assert_msg(credential_looks_encrypted(p) == looks[_i].expected, "case %d: expected %d", _i,
                      looks[_i].expected);
        test_rm_rf_free(root);
}
END_TEST

START_TEST(test_data_looks_encrypted)
{
        /* the same rule on bytes in memory */
        ck_assert_msg(credential_data_looks_encrypted(looks[_i].content, looks[_i].size) == (looks[_i].expected == 1),
                      "case %d: expected %d", _i, looks[_i].expected);
}
END_TEST

START_TEST(test_looks_encrypted_large)
{
        /* a large base64 file (a TPM2 blob), longer than any read buffer, still counts */
        char *root = test_mkdtemp();
        _cleanup_free_ char *p = test_path(root, "cred"), *big = malloc(200001);

        for (size_t i = 0; i < 200000; i++)
                big[i] = (i % 77 == 76) ? '\n' : "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"[i % 64];
        big[200000] = '\0';
        test_write_file(p, big);
        ck_assert_int_eq(credential_looks_encrypted(p), 0);     /* no header */

        /* with a systemd-creds header: only the first 24 characters are looked at */
        memcpy(big, "k6iUCUh0RJCQyvL8k8q1UyAA", 24);
        test_write_file(p, big);
        ck_assert_int_eq(credential_looks_encrypted(p), 1);
        test_rm_rf_free(root);
}
END_TEST

START_TEST(test_looks_encrypted_stops_early)
{
        /* "read only until the first byte outside the base64 alphabet": on a
         * FIFO whose writer stays open, reading to the end would block (and
         * the test would time out) */
        char *root = test_mkdtemp();
        _cleanup_free_ char *p = test_path(root, "fifo");
        int fd;

        ck_assert_int_eq(mkfifo(p, 0600), 0);
        fd = open(p, O_RDWR | O_CLOEXEC);              /* keeps a writer: no EOF ever */
        ck_assert_int_ge(fd, 0);
        ck_assert_int_eq(write(fd, "# comment\nnode.session.auth.password = x\n", 41), 41);
        ck_assert_int_eq(credential_looks_encrypted(p), 0);
        close(fd);
        test_rm_rf_free(root);
}
END_TEST

START_TEST(test_looks_encrypted_errors)
{
        char *root = test_mkdtemp();
        _cleanup_free_ char *missing = test_path(root, "missing");

        ck_assert_int_eq(credential_looks_encrypted(missing), -ENOENT);
        ck_assert_int_eq(credential_looks_encrypted(root), -EISDIR);
        test_rm_rf_free(root);
}
END_TEST

/* ---- credential_read() of plaintext (no systemd-creds involved) ----------- */

START_TEST(test_read_plain)
{
        char *root = setup_root();
        CredentialFile *f = NULL;
        char *data = NULL;
        size_t size = 0;

        free(put(root, "creds", "iscsi.target.t1", PLAIN));
        ck_assert_int_eq(credential_find("iscsi.target.t1", CREDENTIAL_SEARCH_SYSTEM, &f), 1);
        ck_assert(!f->encrypted);
        ck_assert_int_eq(credential_read(f, &data, &size), 0);
        ck_assert_uint_eq(size, strlen(PLAIN));
        ck_assert_str_eq(data, PLAIN);
        erase_and_free(data);
        credential_file_free(f);
        test_rm_rf_free(root);
}
END_TEST

START_TEST(test_read_plain_size_limit)
{
        char *root = setup_root();
        _cleanup_free_ char *big = malloc(CREDENTIAL_SIZE_MAX + 2);
        CredentialFile *f = NULL;
        char *data = NULL;
        size_t size = 0;

        /* "#...": plaintext (a comment), never mistaken for base64 */
        memset(big, '#', CREDENTIAL_SIZE_MAX + 1);
        big[CREDENTIAL_SIZE_MAX] = '\0';
        free(put(root, "creds", "iscsi.target.max", big));
        big[CREDENTIAL_SIZE_MAX] = '#';
        big[CREDENTIAL_SIZE_MAX + 1] = '\0';
        free(put(root, "creds", "iscsi.target.over", big));

        ck_assert_int_eq(credential_find("iscsi.target.max", CREDENTIAL_SEARCH_SYSTEM, &f), 1);
        ck_assert_int_eq(credential_read(f, &data, &size), 0);
        ck_assert_uint_eq(size, CREDENTIAL_SIZE_MAX);
        erase_and_free(data);
        credential_file_free(f);

        f = NULL;
        ck_assert_int_eq(credential_find("iscsi.target.over", CREDENTIAL_SEARCH_SYSTEM, &f), 1);
        test_log_capture_start();
        ck_assert_int_eq(credential_read(f, &data, &size), -EFBIG);
        test_log_capture_stop();
        ck_assert_ptr_nonnull(test_log_find("iscsi.target.over"));
        credential_file_free(f);

        test_rm_rf_free(root);
}
END_TEST

static Suite *credential_suite(void) {
        Suite *s = suite_create("credential");
        TCase *tc;

        tc = tcase_create("find");
        tcase_add_test(tc, test_find_order);
        tcase_add_test(tc, test_find_default_system_dirs);
        tcase_add_test(tc, test_find_service);
        tcase_add_test(tc, test_find_ciphertext_in_plain_dir);
        tcase_add_test(tc, test_find_skips_non_regular);
        tcase_add_test(tc, test_find_invalid_names);
        tcase_add_test(tc, test_list_name_with_newline_escaped);
        tcase_add_test(tc, test_unreadable_dir_skipped);
        suite_add_tcase(s, tc);

        tc = tcase_create("list");
        tcase_add_test(tc, test_list);
        tcase_add_test(tc, test_list_empty);
        tcase_add_test(tc, test_list_many_sorted);
        tcase_add_test(tc, test_list_classify);
        tcase_add_test(tc, test_list_lookup);
        tcase_add_test(tc, test_file_dup);
        suite_add_tcase(s, tc);

        tc = tcase_create("names");
        tcase_add_test(tc, test_name_is_valid);
        suite_add_tcase(s, tc);

        tc = tcase_create("encrypted");
        tcase_add_loop_test(tc, test_looks_encrypted, 0, (int) ELEMENTSOF(looks));
        tcase_add_loop_test(tc, test_data_looks_encrypted, 0, (int) ELEMENTSOF(looks));
        tcase_add_test(tc, test_looks_encrypted_large);
        tcase_add_test(tc, test_looks_encrypted_stops_early);
        tcase_add_test(tc, test_looks_encrypted_errors);
        suite_add_tcase(s, tc);

        tc = tcase_create("read");
        tcase_add_test(tc, test_read_plain);
        tcase_add_test(tc, test_read_plain_size_limit);
        suite_add_tcase(s, tc);

        return s;
}

int main(void) {
        return test_run_suite(credential_suite());
}
