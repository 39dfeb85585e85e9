/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base64.h"
#include "config.h"
#include "credential.h"
#include "credstore.h"
#include "io-util.h"
#include "log.h"
#include "spawn.h"
#include "string-util.h"

/* systemd-creds --pretty breaks its base64 into lines of this many characters. */
#define PRETTY_LINE 69

bool with_key_is_valid(const char *k) {
        static const char *const keys[] = { "host", "tpm2", "host+tpm2", "auto", "auto-initrd" };

        for (size_t i = 0; i < ELEMENTSOF(keys); i++)
                if (streq(k, keys[i]))
                        return true;
        return false;
}

int credstore_path(bool encrypted, const char *name, char **ret) {
        const char *root = getenv("ISCSI_CREDS_ROOT") ?: "";

        if (asprintf(ret, "%s%s/%s", root, encrypted ? CREDSTORE_ENCRYPTED_DIR : CREDSTORE_DIR, name) < 0)
                return -ENOMEM;
        return 0;
}

int credstore_check_absent(const char *path, bool force) {
        if (force || access(path, F_OK) < 0)
                return 0;
        return log_error_errno(EEXIST, "%s exists already; use --force to replace it.", path);
}

int credstore_write(const char *path, const char *data, size_t size, bool force) {
        _cleanup_free_ char *copy = strdup(path), *tmp = NULL;
        _cleanup_close_ int fd = -1;
        const char *dir;
        int r;

        if (!copy)
                return log_oom();
        dir = dirname(copy);
        /* Parents 0755; the credential store itself 0700, as systemd's tmpfiles make it. */
        r = mkdir_p(dir, 0755, 0700);
        if (r < 0)
                return log_error_errno(r, "Failed to create %s: %m", dir);

        if (asprintf(&tmp, "%s/.#iscsi-creds.XXXXXX", dir) < 0)
                return log_oom();
        fd = mkostemp(tmp, O_CLOEXEC);
        if (fd < 0)
                return log_error_errno(errno, "Failed to create a file in %s: %m", dir);
        if (fchmod(fd, 0600) < 0)
                r = -errno;
        for (size_t done = 0; r >= 0 && done < size;) {
                ssize_t n = write(fd, data + done, size - done);

                if (n < 0 && errno != EINTR)
                        r = -errno;
                else if (n > 0)
                        done += (size_t) n;
        }
        if (r >= 0 && fsync(fd) < 0)
                r = -errno;
        if (r >= 0) {
                if (force)
                        r = rename(tmp, path) < 0 ? -errno : 0;
                else {
                        /* link() fails on an existing file: no check-then-write race. */
                        r = link(tmp, path) < 0 ? -errno : 0;
                        (void) unlink(tmp);
                }
        }
        if (r < 0) {
                (void) unlink(tmp);
                if (r == -EEXIST)
                        return log_error_errno(r, "%s exists already; use --force to replace it.", path);
                return log_error_errno(r, "Failed to write %s: %m", path);
        }
        return 0;
}

void argv_free(char **argv) {
        if (!argv)
                return;
        for (char **a = argv; *a; a++)
                free(*a);
        free(argv);
}

int creds_encrypt_argv(const char *name, const EncryptOptions *opts, char ***ret) {
        char **argv = calloc(8, sizeof(char *));
        size_t n = 0;

        if (!argv)
                return -ENOMEM;
        argv[n++] = strdup(SYSTEMD_CREDS_PATH);
        argv[n++] = strdup("encrypt");
        if (asprintf(&argv[n++], "--name=%s", name) < 0)
                argv[n - 1] = NULL;
        if (asprintf(&argv[n++], "--with-key=%s", opts->with_key ?: "auto") < 0)
                argv[n - 1] = NULL;
        if (opts->not_after && asprintf(&argv[n++], "--not-after=%s", opts->not_after) < 0)
                argv[n - 1] = NULL;
        argv[n++] = strdup("-");
        argv[n++] = strdup("-");
        for (size_t i = 0; i < n; i++)
                if (!argv[i]) {
                        for (size_t j = 0; j < n; j++)
                                free(argv[j]);
                        free(argv);
                        return -ENOMEM;
                }
        *ret = argv;
        return 0;
}

/* The last non-empty line of @text (systemd-creds says why it failed last, after notes). */
static void last_line(const char *text, char *buf, size_t size) {
        const char *end, *start;

        buf[0] = '\0';
        if (!text)
                return;
        end = text + strlen(text);
        while (end > text && end[-1] == '\n')
                end--;
        for (start = end; start > text && start[-1] != '\n'; start--)
                ;
        snprintf(buf, size, "%.*s", (int) (end - start), start);
}

/* One "systemd-creds encrypt" with @key. On failure its messages are passed on, unless @quiet;
 * then -EIO with the last line of them in @ret_err (NULL-able). */
static int encrypt_with(const char *name, const char *key, const char *not_after, const char *plaintext,
                        size_t size, bool quiet, char **ret, char *ret_err, size_t err_size) {
        EncryptOptions o = { .with_key = key, .not_after = not_after };
        char **argv = NULL;
        SpawnResult res;
        char *b64, *out;
        int r;

        r = creds_encrypt_argv(name, &o, &argv);
        if (r < 0)
                return log_oom();
        r = spawn_run_with_input(argv, NULL, plaintext, size, true, CREDENTIAL_ENCRYPTED_SIZE_MAX,
                                 CREDS_ENCRYPT_TIMEOUT, &res);
        argv_free(argv);
        if (r < 0)
                return log_error_errno(r, "Failed to run %s: %m", SYSTEMD_CREDS_PATH);

        if (res.status != 0 || res.out_size == 0) {
                /* systemd-creds' own messages say why (no TPM2, no host key, bad --not-after=). */
                if (res.err && !quiet)
                        fputs(res.err, stderr);
                if (ret_err)
                        last_line(res.err, ret_err, err_size);
                r = res.status;
                spawn_result_done(&res);
                if (quiet)
                        return -EIO;
                return log_error_errno(EIO, "systemd-creds encrypt --name=%s --with-key=%s failed (exit status %d).",
                                       name, key, r);
        }

        b64 = malloc(res.out_size + 1);
        if (!b64) {
                spawn_result_done(&res);
                return log_oom();
        }
        out = b64;
        for (size_t i = 0; i < res.out_size; i++)
                if (!strchr(" \t\r\n", res.out[i]))
                        *out++ = res.out[i];
        *out = '\0';
        spawn_result_done(&res);
        *ret = b64;
        return 0;
}

int creds_encrypt(const char *name, const EncryptOptions *opts, const char *plaintext, size_t size, char **ret,
                  const char **ret_key) {
        const char *key = opts->with_key ?: "auto";
        char err[256] = "";
        int r;
        /* systemd-creds' own "auto" also wants the firmware to report the TPM (an EFI variable in
         * systemd 252; full TPM2 support, firmware included, in 257): on a machine booted by BIOS
         * whose TPM the kernel drives, it seals with the host key alone (measured in the VM
         * scenario tpm2, Debian 12 and 13). Ours seals to the TPM whenever the kernel has a TPM 2.0
         * resource manager (/dev/tpmrm0, as tpm2.target waits for), and falls back to systemd-creds'
         * choice when that fails (no tpm2-tss libraries, say). */
        const char *tpm = getenv("ISCSI_CREDS_TPM2_DEVICE");   /* for tests, as $ISCSI_CREDS_ROOT */

        if (streq(key, "auto") && access(isempty(tpm) ? TPM2_DEVICE : tpm, F_OK) == 0) {
                r = encrypt_with(name, "host+tpm2", opts->not_after, plaintext, size, true, ret, err, sizeof err);
                if (r != -EIO) {
                        if (r >= 0 && ret_key)
                                *ret_key = "host+tpm2";
                        return r;
                }
                log_notice("%s: cannot seal to the TPM2 here (systemd-creds: %s); letting systemd-creds choose "
                           "(--with-key=auto).", name, isempty(err) ? "no message" : err);
        }
        r = encrypt_with(name, key, opts->not_after, plaintext, size, false, ret, NULL, 0);
        if (r >= 0 && ret_key)
                *ret_key = key;
        return r;
}

void creds_print_encrypted(const char *name, const char *base64) {
        size_t len = strlen(base64);

        printf("# qemu (SMBIOS type 11 OEM string; libvirt: an <oemStrings> <entry>):\n");
        printf("-smbios type=11,value=io.systemd.credential.binary:%s=%s\n\n", name, base64);
        printf("# unit file or systemd-nspawn --set-credential= equivalent:\n");
        printf("SetCredentialEncrypted=%s: \\\n", name);
        for (size_t i = 0; i < len; i += PRETTY_LINE)
                printf("        %.*s%s\n", PRETTY_LINE, base64 + i, i + PRETTY_LINE < len ? " \\" : "");
        printf("\n");
}

int creds_print_plain(const char *name, const char *data, size_t size) {
        _cleanup_free_ char *b64 = NULL;

        if (base64_encode(data, size, &b64) < 0)
                return log_oom();
        printf("# qemu (SMBIOS type 11 OEM string; libvirt: an <oemStrings> <entry>):\n");
        printf("-smbios type=11,value=io.systemd.credential.binary:%s=%s\n\n", name, b64);
        printf("# unit file form:\nSetCredential=%s:", name);
        for (size_t i = 0; i < size; i++) {
                if (data[i] == '\n')
                        fputs("\\n", stdout);
                else if (data[i] == '\\')
                        fputs("\\\\", stdout);
                else if (data[i] == '%')
                        fputs("%%", stdout);
                else
                        putchar(data[i]);
        }
        printf("\n\n");
        return 0;
}

int store_auth_credential(const char *name, const EncryptOptions *opts, const char *plaintext, size_t size,
                          bool print, bool force) {
        _cleanup_free_ char *b64 = NULL, *path = NULL;
        const char *key;
        int r;

        r = creds_encrypt(name, opts, plaintext, size, &b64, &key);
        if (r < 0)
                return r;
        if (print) {
                creds_print_encrypted(name, b64);
                return 0;
        }
        if (credstore_path(true, name, &path) < 0)
                return log_oom();
        /* One line of base64 and a newline: what "systemd-creds decrypt" and LoadCredentialEncrypted= read. */
        {
                size_t len = strlen(b64);
                char *line = realloc(b64, len + 2);

                if (!line)
                        return log_oom();
                b64 = line;
                memcpy(b64 + len, "\n", 2);
        }
        r = credstore_write(path, b64, strlen(b64), force);
        if (r < 0)
                return r;
        log_info("Wrote %s (encrypted with --with-key=%s).", path, key);
        return 0;
}
