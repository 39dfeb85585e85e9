/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base64.h"
#include "credential.h"
#include "io-util.h"
#include "log.h"
#include "secret.h"
#include "spawn.h"
#include "string-util.h"

#ifndef SYSTEMD_CREDS_PATH
#define SYSTEMD_CREDS_PATH "/usr/bin/systemd-creds"
#endif

#define BASE64_CHARS ALPHANUMERICAL "+/="

/* What a directory on the search path holds. */
typedef enum DirKind {
        DIR_PLAIN,              /* credstore: plaintext by systemd's convention */
        DIR_ENCRYPTED,          /* *.encrypted, @encrypted: ciphertext */
        DIR_SYSTEM,             /* system credentials: hypervisors put either there; look at the bytes */
        DIR_SERVICE,            /* a unit's $CREDENTIALS_DIRECTORY: PID 1 decrypted it already */
} DirKind;

typedef struct SearchDir {
        char path[PATH_MAX];
        DirKind kind;
} SearchDir;

void credential_file_free(CredentialFile *f) {
        if (!f)
                return;
        free(f->name);
        free(f->path);
        free(f);
}

void credential_files_free(CredentialFile **files, size_t n) {
        for (size_t i = 0; i < n; i++)
                credential_file_free(files[i]);
        free(files);
}

bool credential_name_is_valid(const char *name) {
        return !isempty(name) && strlen(name) <= NAME_MAX && !strchr(name, '/') && !strchr(name, ':') &&
               !streq(name, ".") && !streq(name, "..");
}

/* Room for the whole search path of credential.h. */
#define SEARCH_DIRS_MAX 12

/* "DIR" from the environment variable @env if set and not empty, then ROOT + @fallback if it is another
 * directory: a generator gets the system credentials in $CREDENTIALS_DIRECTORY (systemd 254), but the admin
 * command run from a service sees that service's own credentials there, and the system ones only in
 * /run/credentials/@system. Returns how many entries of @d were filled (1 or 2). */
static size_t env_or_root(SearchDir *d, const char *env, const char *root, const char *fallback, DirKind kind) {
        const char *e = getenv(env);
        size_t n = 0;

        if (!isempty(e)) {
                snprintf(d[n].path, PATH_MAX, "%s", e);
                d[n++].kind = kind;
        }
        snprintf(d[n].path, PATH_MAX, "%s%s", root, fallback);
        d[n].kind = kind;
        if (n > 0 && streq(d[0].path, d[1].path))
                return n;
        return n + 1;
}

static size_t search_path(CredentialSearch search, SearchDir dirs[static SEARCH_DIRS_MAX]) {
        /* systemd's CONF_PATHS("credstore.encrypted") and CONF_PATHS("credstore"), in that order. */
        static const char *const encrypted_stores[] = {
                "/etc/credstore.encrypted",
                "/run/credstore.encrypted",
                "/usr/local/lib/credstore.encrypted",
                "/usr/lib/credstore.encrypted",
        };
        static const char *const plain_stores[] = {
                "/etc/credstore",
                "/run/credstore",
                "/usr/local/lib/credstore",
                "/usr/lib/credstore",
        };
        const char *root = getenv("ISCSI_CREDS_ROOT") ?: "";
        const char *e;
        size_t n = 0;

        if (search == CREDENTIAL_SEARCH_SERVICE) {
                e = getenv("CREDENTIALS_DIRECTORY");
                if (isempty(e))
                        return 0;
                snprintf(dirs[n].path, PATH_MAX, "%s", e);
                dirs[n++].kind = DIR_SERVICE;
                return n;
        }

        n += env_or_root(&dirs[n], "ENCRYPTED_CREDENTIALS_DIRECTORY", root, "/run/credentials/@encrypted", DIR_ENCRYPTED);
        for (size_t i = 0; i < ELEMENTSOF(encrypted_stores); i++) {
                snprintf(dirs[n].path, PATH_MAX, "%s%s", root, encrypted_stores[i]);
                dirs[n++].kind = DIR_ENCRYPTED;
        }
        n += env_or_root(&dirs[n], "CREDENTIALS_DIRECTORY", root, "/run/credentials/@system", DIR_SYSTEM);
        for (size_t i = 0; i < ELEMENTSOF(plain_stores); i++) {
                snprintf(dirs[n].path, PATH_MAX, "%s%s", root, plain_stores[i]);
                dirs[n++].kind = DIR_PLAIN;
        }
        return n;
}

#define IN_SET_KIND(k, a, b) ((k) == (a) || (k) == (b))

/* The first 16 bytes of systemd-creds output name the sealing mode
 * (systemd src/shared/creds-util.h, CRED_AES256_GCM_BY_*); base64 text
 * that does not start with one of them is not a credential systemd made.
 * Entry i is CredentialSealing i + 1. */
static const uint8_t creds_header_ids[][16] = {
        { 0x5a, 0x1c, 0x6a, 0x86, 0xdf, 0x9d, 0x40, 0x96, 0xb1, 0xd5, 0xa6, 0x5e, 0x08, 0x62, 0xf1, 0x9a }, /* host */
        { 0x55, 0xb9, 0xed, 0x1d, 0x38, 0x59, 0x4d, 0x43, 0xa8, 0x31, 0x9d, 0x2e, 0xbb, 0x33, 0x2a, 0xc6 }, /* host, scoped */
        { 0x0c, 0x7c, 0xc0, 0x7b, 0x11, 0x76, 0x45, 0x91, 0x9c, 0x4b, 0x0b, 0xea, 0x08, 0xbc, 0x20, 0xfe }, /* tpm2 */
        { 0xfa, 0xf7, 0xeb, 0x93, 0x41, 0xe3, 0x41, 0x2c, 0xa1, 0xa4, 0x36, 0xf9, 0x5a, 0x29, 0x36, 0x2f }, /* tpm2 + pubkey */
        { 0x93, 0xa8, 0x94, 0x09, 0x48, 0x74, 0x44, 0x90, 0x90, 0xca, 0xf2, 0xfc, 0x93, 0xca, 0xb5, 0x53 }, /* host + tpm2 */
        { 0xef, 0x4a, 0xc1, 0x36, 0x79, 0xa9, 0x48, 0x0e, 0xa7, 0xdb, 0x68, 0x89, 0x7f, 0x9f, 0x16, 0x5d }, /* host + tpm2, scoped */
        { 0xaf, 0x49, 0x50, 0xa8, 0x49, 0x13, 0x4e, 0xb1, 0xa7, 0x38, 0x46, 0x30, 0x4f, 0xf3, 0x0c, 0x05 }, /* host + tpm2 + pubkey */
        { 0x05, 0x84, 0x69, 0xda, 0xf6, 0xf5, 0x43, 0x24, 0x80, 0x05, 0x49, 0xda, 0x0f, 0x8e, 0xa2, 0xfb }, /* null key */
};

static const char *const sealing_names[_CREDENTIAL_SEALING_MAX] = {
        [CREDENTIAL_SEALING_NONE] = "none",
        [CREDENTIAL_SEALING_HOST] = "host",
        [CREDENTIAL_SEALING_HOST_SCOPED] = "host (user-scoped)",
        [CREDENTIAL_SEALING_TPM2] = "tpm2",
        [CREDENTIAL_SEALING_TPM2_WITH_PUBLIC_KEY] = "tpm2-with-public-key",
        [CREDENTIAL_SEALING_HOST_TPM2] = "host+tpm2",
        [CREDENTIAL_SEALING_HOST_TPM2_SCOPED] = "host+tpm2 (user-scoped)",
        [CREDENTIAL_SEALING_HOST_TPM2_WITH_PUBLIC_KEY] = "host+tpm2-with-public-key",
        [CREDENTIAL_SEALING_NULL] = "null",
};

const char *credential_sealing_to_string(CredentialSealing s) {
        return s >= 0 && s < _CREDENTIAL_SEALING_MAX ? sealing_names[s] : NULL;
}

/* @text: at least the first 24 base64 characters (whitespace removed). The
 * CredentialSealing its header names, CREDENTIAL_SEALING_NONE for none. */
static CredentialSealing creds_header_sealing(const char *text, size_t len) {
        _cleanup_free_ char *bin = NULL;
        CredentialSealing r = CREDENTIAL_SEALING_NONE;
        size_t size = 0;

        if (len < 24 || base64_decode(text, 24, &bin, &size) < 0 || size < 16)
                return CREDENTIAL_SEALING_NONE;
        for (size_t i = 0; i < ELEMENTSOF(creds_header_ids) && r == CREDENTIAL_SEALING_NONE; i++)
                if (memcmp(bin, creds_header_ids[i], 16) == 0)
                        r = (CredentialSealing) (i + 1);
        explicit_bzero(bin, size);
        return r;
}

/* The one sniffer: looks at the first 24 non-blank bytes of @data only (base64 of the
 * 16-byte header id plus 2 bytes). The CredentialSealing (> 0) if they are base64 with a known
 * header, 0 if not (a non-base64 byte among them, or fewer than 24), -EAGAIN if @data ends
 * before a decision. */
static int sniff(const char *data, size_t size, bool complete) {
        char head[24];
        size_t n_head = 0;
        int r;

        for (size_t i = 0; i < size && n_head < sizeof head; i++) {
                if (data[i] == ' ' || data[i] == '\t' || data[i] == '\n')
                        continue;
                if (data[i] == '\0' || !strchr(BASE64_CHARS, data[i])) {
                        explicit_bzero(head, sizeof head);
                        return 0;
                }
                head[n_head++] = data[i];
        }
        if (n_head < sizeof head && !complete)
                r = -EAGAIN;
        else
                r = creds_header_sealing(head, n_head);
        explicit_bzero(head, sizeof head);
        return r;
}

bool credential_data_looks_encrypted(const char *data, size_t size) {
        return sniff(data, size, true) > 0;
}

int credential_looks_encrypted(const char *path) {
        int r = credential_sealing(path);

        return r < 0 ? r : r > 0;
}

int credential_sealing(const char *path) {
        _cleanup_close_ int fd = -1;
        char buf[64];
        size_t n = 0;
        int r;

        fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
        if (fd < 0)
                return -errno;

        /* Small reads, each followed by sniff(): a plaintext credential has a non-base64 byte
         * ('.', '#', ' ') within its first few bytes, so reading stops before any value is
         * reached. Blanks are skipped by sniff(), so a few may be read past the head. */
        for (;;) {
                ssize_t k;

                if (n + 8 > sizeof buf) {
                        /* Only blanks beyond the < 24 bytes of head so far: drop them. */
                        size_t m = 0;

                        for (size_t i = 0; i < n; i++)
                                if (!strchr(" \t\n", buf[i]))
                                        buf[m++] = buf[i];
                        n = m;
                }
                k = read(fd, buf + n, 8);

                if (k < 0 && errno == EINTR)
                        continue;
                if (k < 0) {
                        r = -errno;
                        break;
                }
                n += (size_t) k;
                r = sniff(buf, n, k == 0);
                if (r != -EAGAIN)
                        break;
        }
        explicit_bzero(buf, sizeof buf);
        return r;
}

static int credential_file_new(const SearchDir *d, const char *name, bool classify, CredentialFile **ret) {
        CredentialFile *f = calloc(1, sizeof(CredentialFile));
        int r;

        if (!f)
                return -ENOMEM;
        f->name = strdup(name);
        if (!f->name || asprintf(&f->path, "%s/%s", d->path, name) < 0) {
                f->path = NULL;
                credential_file_free(f);
                return -ENOMEM;
        }

        f->plaintext = IN_SET_KIND(d->kind, DIR_PLAIN, DIR_SERVICE);
        if (d->kind == DIR_ENCRYPTED)
                f->encrypted = true;
        else if (d->kind == DIR_SYSTEM && classify) {
                /* Hypervisors (SMBIOS, fw_cfg) put ciphertext into the plain system credential
                 * directory, and an admin may drop it into /etc/credstore: look. */
                r = credential_looks_encrypted(f->path);
                f->encrypted = r > 0;
        }
        *ret = f;
        return 0;
}

static bool is_regular_file(const char *dir, const char *name) {
        char p[PATH_MAX];
        struct stat st;

        if ((size_t) snprintf(p, sizeof p, "%s/%s", dir, name) >= sizeof p)
                return false;
        return stat(p, &st) == 0 && S_ISREG(st.st_mode);
}

int credential_find(const char *name, CredentialSearch search, CredentialFile **ret) {
        SearchDir dirs[SEARCH_DIRS_MAX];
        size_t n = search_path(search, dirs);

        if (!credential_name_is_valid(name))
                return 0;
        for (size_t i = 0; i < n; i++) {
                if (!is_regular_file(dirs[i].path, name))
                        continue;
                if (credential_file_new(&dirs[i], name, true, ret) < 0)
                        return -ENOMEM;
                return 1;
        }
        return 0;
}

static int cmp_files(const void *a, const void *b) {
        return strcmp((*(CredentialFile *const *) a)->name, (*(CredentialFile *const *) b)->name);
}

int credential_list(const char *prefix, CredentialSearch search, bool classify, CredentialFile ***ret,
                    size_t *ret_n) {
        CredentialFile **files = NULL;
        SearchDir dirs[SEARCH_DIRS_MAX];
        size_t n_dirs = search_path(search, dirs), n = 0;

        for (size_t i = 0; i < n_dirs; i++) {
                _cleanup_closedir_ DIR *d = opendir(dirs[i].path);
                /* The earlier directories' files, sorted: looked up by bisection (a name is
                 * there once per directory, so this directory's own need no check). */
                size_t n_earlier = n;
                struct dirent *de;

                if (!d)
                        continue;
                if (n > 0)
                        qsort(files, n, sizeof(CredentialFile *), cmp_files);
                while ((de = readdir(d))) {
                        CredentialFile **grown;

                        if (de->d_name[0] == '.' || !startswith(de->d_name, prefix))
                                continue;
                        if (credential_list_lookup(files, n_earlier, de->d_name))
                                continue;       /* an earlier directory wins */
                        /* d_type spares a stat(); links and unknown types are looked at. */
                        if (de->d_type != DT_REG && !is_regular_file(dirs[i].path, de->d_name)) {
                                log_warning("%s/%s is not a regular file, ignoring.", dirs[i].path, de->d_name);
                                continue;
                        }

                        grown = realloc(files, (n + 1) * sizeof(CredentialFile *));
                        if (!grown)
                                goto oom;
                        files = grown;
                        if (credential_file_new(&dirs[i], de->d_name, classify, &files[n]) < 0)
                                goto oom;
                        n++;
                }
        }

        if (n > 0)
                qsort(files, n, sizeof(CredentialFile *), cmp_files);
        *ret = files;
        *ret_n = n;
        return 0;

oom:
        credential_files_free(files, n);
        return -ENOMEM;
}

static int decrypt(const CredentialFile *f, char **ret, size_t *ret_size) {
        _cleanup_free_ char *name_arg = NULL;
        SpawnResult res;
        int r;

        if (asprintf(&name_arg, "--name=%s", f->name) < 0)
                return -ENOMEM;

        char *argv[] = { (char *) SYSTEMD_CREDS_PATH, (char *) "decrypt", name_arg, f->path, (char *) "-", NULL };

        r = spawn_run(argv, NULL, true, CREDENTIAL_SIZE_MAX, CREDENTIAL_DECRYPT_TIMEOUT, &res);
        if (r == -ETIMEDOUT)
                return log_error_errno(r, "%s: systemd-creds decrypt did not finish within %llu s, giving up.",
                                       f->name, (unsigned long long) (CREDENTIAL_DECRYPT_TIMEOUT / USEC_PER_SEC));
        if (r == -EFBIG)
                return log_error_errno(r, "%s: decrypted credential is larger than %u bytes.", f->name,
                                       CREDENTIAL_SIZE_MAX);
        if (r < 0)
                return log_error_errno(r, "%s: could not run %s: %m", f->name, SYSTEMD_CREDS_PATH);
        if (res.status != 0) {
                /* systemd-creds' stderr names the reason ("Decryption failed (incorrect key?)");
                 * it never contains plaintext. Keep only its first line. */
                if (res.err)
                        res.err[strcspn(res.err, "\n")] = '\0';
                log_error("%s: decryption with systemd-creds failed (exit status %d): %s", f->name, res.status,
                          isempty(res.err) ? "no reason given" : res.err);
                spawn_result_done(&res);
                return -EBADMSG;
        }

        *ret = TAKE_PTR(res.out);
        *ret_size = res.out_size;
        spawn_result_done(&res);
        if (!*ret) {
                *ret = strdup("");
                if (!*ret)
                        return -ENOMEM;
        }
        return 0;
}

int credential_read(const CredentialFile *f, char **ret_data, size_t *ret_size) {
        _cleanup_erase_free_ char *data = NULL;
        size_t size = 0;
        int r;

        if (f->encrypted)
                return decrypt(f, ret_data, ret_size);

        /* Ciphertext may be up to CREDENTIAL_ENCRYPTED_SIZE_MAX; plaintext is checked below. */
        r = read_file_bounded(f->path, CREDENTIAL_ENCRYPTED_SIZE_MAX, &data, &size);
        if (r == -EFBIG)
                return log_error_errno(r, "%s: larger than %u bytes, refusing.", f->name, CREDENTIAL_ENCRYPTED_SIZE_MAX);
        if (r < 0)
                return log_error_errno(r, "%s: cannot read %s: %m", f->name, f->path);

        /* Listed without classification: decide now, on the bytes already read. */
        if (!f->plaintext && credential_data_looks_encrypted(data, size))
                return decrypt(f, ret_data, ret_size);
        if (size > CREDENTIAL_SIZE_MAX)
                return log_error_errno(EFBIG, "%s: larger than %u bytes, refusing.", f->name, CREDENTIAL_SIZE_MAX);

        *ret_data = TAKE_PTR(data);
        *ret_size = size;
        return 0;
}

CredentialFile *credential_list_lookup(CredentialFile *const *files, size_t n, const char *name) {
        size_t lo = 0, hi = n;

        while (lo < hi) {
                size_t mid = lo + (hi - lo) / 2;
                int c = strcmp(files[mid]->name, name);

                if (c == 0)
                        return files[mid];
                if (c < 0)
                        lo = mid + 1;
                else
                        hi = mid;
        }
        return NULL;
}

CredentialFile *credential_file_dup(const CredentialFile *f) {
        CredentialFile *d = calloc(1, sizeof(CredentialFile));

        if (!d)
                return NULL;
        d->name = strdup(f->name);
        d->path = strdup(f->path);
        d->encrypted = f->encrypted;
        d->plaintext = f->plaintext;
        if (!d->name || !d->path) {
                credential_file_free(d);
                return NULL;
        }
        return d;
}
