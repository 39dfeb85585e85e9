/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * Finding and reading credentials where systemd looks for them, first match
 * wins. This is the order in which PID 1 resolves LoadCredentialEncrypted=ID
 * with no path (systemd.exec(5), "CREDENTIALS"; src/core/execute.c, later
 * exec-credential.c, credential_search_path()), so that what we read is
 * what the unit will get:
 *   1. $ENCRYPTED_CREDENTIALS_DIRECTORY, then /run/credentials/@encrypted
 *   2. /etc/credstore.encrypted, /run/credstore.encrypted,
 *      /usr/local/lib/credstore.encrypted, /usr/lib/credstore.encrypted
 *   3. system credentials: $CREDENTIALS_DIRECTORY, then /run/credentials/@system
 *      (a generator finds them in the first, systemd 254; the admin command
 *      run from a service with credentials of its own only in the second)
 *   4. /etc/credstore, /run/credstore, /usr/local/lib/credstore, /usr/lib/credstore
 * The stores come in systemd's CONF_PATHS() order: /etc, /run,
 * /usr/local/lib, /usr/lib (the 252 man page lists /etc, /run, /usr/lib
 * and /run before /etc for the encrypted ones, but the code, and the
 * strings in Debian's libsystemd-core-252.so, follow CONF_PATHS()).
 * Per version: LoadCredentialEncrypted= searches this list in 252 and in
 * 254-257. LoadCredential=ID (plain) in 252-253 searches only 3 and 4;
 * from 254 on it searches the whole list as above. ImportCredential= (254)
 * searches 3 and 4 first, then 1 and 2. A split-/usr build also looks in
 * /lib/credstore*, which on a merged-/usr system is /usr/lib again.
 * $ISCSI_CREDS_ROOT, if set, is prepended to every fixed path above (for
 * tests; environment variables are used as they are).
 */

#include <stdbool.h>
#include <stddef.h>

#include "cleanup.h"
#include "timespan.h"

/* Plaintext credentials are small text files. */
#define CREDENTIAL_SIZE_MAX (64U * 1024U)
/* systemd-creds output is base64 with a header and a TPM2 blob. */
#define CREDENTIAL_ENCRYPTED_SIZE_MAX (1024U * 1024U)
#define CREDENTIAL_DECRYPT_TIMEOUT (10 * USEC_PER_SEC)

typedef enum CredentialSearch {
        CREDENTIAL_SEARCH_SYSTEM,       /* the whole search path above */
        CREDENTIAL_SEARCH_SERVICE,      /* only $CREDENTIALS_DIRECTORY: what PID 1 handed a service */
} CredentialSearch;

typedef struct CredentialFile {
        char *name;             /* credential name, e.g. "iscsi.target.t1" */
        char *path;             /* absolute path of the file */
        bool encrypted;         /* holds systemd-creds ciphertext */
        bool plaintext;         /* known to be plaintext: from a credstore, or decrypted by PID 1 */
} CredentialFile;

/** credential_file_free() - free @f; NULL is fine. */
void credential_file_free(CredentialFile *f);
DEFINE_TRIVIAL_CLEANUP_FUNC(CredentialFile *, credential_file_free);

/** credential_files_free() - free an array from credential_list(). */
void credential_files_free(CredentialFile **files, size_t n);

/**
 * credential_name_is_valid() - systemd's rule for credential names
 *
 * A valid file name (no '/', not "." or "..", at most 255 bytes) without ':'
 * (systemd.exec(5)).
 */
bool credential_name_is_valid(const char *name);

/**
 * credential_find() - locate one credential on the search path
 * @name: credential name
 * @search: which directories to search
 * @ret: the file found (set only when found); free with credential_file_free()
 *
 * Return: 1 if found, 0 if not, -ENOMEM.
 */
int credential_find(const char *name, CredentialSearch search, CredentialFile **ret);

/**
 * credential_list() - all credentials whose name starts with @prefix
 * @prefix: e.g. "iscsi.target."
 * @search: which directories to search
 * @classify: look into files among the system credentials (where
 *            hypervisors put ciphertext and plaintext alike) to set
 *            ->encrypted (credential_looks_encrypted()); if false,
 *            credential_read() decides on the bytes it reads (one read
 *            instead of two). Credstore files are plaintext and
 *            *.encrypted files ciphertext by systemd's convention, whatever
 *            their bytes; a unit's own $CREDENTIALS_DIRECTORY is plaintext.
 * @ret: array sorted by name, one entry per name (first match on the
 *       search path wins); free with credential_files_free()
 * @ret_n: number of entries
 *
 * Unreadable directories are skipped; entries that are not regular files
 * are skipped with a warning.
 *
 * Return: 0 or -ENOMEM.
 */
int credential_list(const char *prefix, CredentialSearch search, bool classify, CredentialFile ***ret,
                    size_t *ret_n);

/**
 * credential_list_lookup() - find @name in a sorted credential_list() array
 * Return: the entry (owned by the array), or NULL.
 */
CredentialFile *credential_list_lookup(CredentialFile *const *files, size_t n, const char *name);

/** credential_file_dup() - deep copy; NULL on ENOMEM. */
CredentialFile *credential_file_dup(const CredentialFile *f);

/*
 * The key systemd-creds sealed a credential with, as its header names it
 * (systemd src/shared/creds-util.h, CRED_AES256_GCM_BY_*; the names are
 * systemd-creds' own --with-key= values).
 */
typedef enum CredentialSealing {
        CREDENTIAL_SEALING_NONE,                        /* plaintext: no known header */
        CREDENTIAL_SEALING_HOST,                        /* host */
        CREDENTIAL_SEALING_HOST_SCOPED,                 /* host, a user's (systemd >= 256) */
        CREDENTIAL_SEALING_TPM2,                        /* tpm2 */
        CREDENTIAL_SEALING_TPM2_WITH_PUBLIC_KEY,        /* tpm2-with-public-key (signed PCR policy) */
        CREDENTIAL_SEALING_HOST_TPM2,                   /* host+tpm2 */
        CREDENTIAL_SEALING_HOST_TPM2_SCOPED,            /* host+tpm2, a user's */
        CREDENTIAL_SEALING_HOST_TPM2_WITH_PUBLIC_KEY,   /* host+tpm2-with-public-key */
        CREDENTIAL_SEALING_NULL,                        /* null: no key (systemd >= 254), not secret */
        _CREDENTIAL_SEALING_MAX,
} CredentialSealing;

/**
 * credential_sealing_to_string() - "none", "host", "tpm2", "host+tpm2", ...
 * Return: the name; NULL for a value out of range.
 */
const char *credential_sealing_to_string(CredentialSealing s);

/**
 * credential_data_looks_encrypted() - whether bytes in memory start like systemd-creds output
 * @data: credential contents (need not be NUL-terminated; may be secret)
 * @size: bytes at @data
 *
 * "systemd-creds encrypt" writes base64 text whose first 16 decoded bytes
 * name the sealing mode (systemd's CRED_AES256_GCM_BY_* ids, src/shared/
 * creds-util.h). Only the first 24 non-blank bytes are looked at: a
 * plaintext credential of ours has a non-base64 byte ('.', ' ', '#') among
 * them, and a plaintext passphrase made of base64 characters does not start
 * with a known id. The one sniffer behind credential_looks_encrypted() too.
 *
 * Return: true if @data starts with a systemd-creds header.
 */
bool credential_data_looks_encrypted(const char *data, size_t size);

/**
 * credential_looks_encrypted() - credential_data_looks_encrypted() on a file
 * @path: file to look at
 *
 * Reads in chunks of 8 bytes, into a buffer that is wiped, and stops as
 * soon as the answer is known: normally within the first 24 non-blank
 * bytes, before any value of a plaintext credential.
 *
 * Return: 1 if the file starts with a systemd-creds header, 0 if not,
 * -errno if it cannot be opened or read.
 */
int credential_looks_encrypted(const char *path);

/**
 * credential_sealing() - which key protects a credential file, from its header
 * @path: file to look at
 *
 * Reads as credential_looks_encrypted() does (the header only, never a
 * value, into a wiped buffer) and decrypts nothing: the answer holds whether
 * or not this machine could decrypt the file.
 *
 * Return: a CredentialSealing (CREDENTIAL_SEALING_NONE for plaintext), or
 * -errno if the file cannot be opened or read.
 */
int credential_sealing(const char *path);

/**
 * credential_read() - read a credential, decrypting it if needed
 * @f: the file
 * @ret_data: contents (plaintext), NUL-terminated; free with erase_and_free()
 * @ret_size: length of @ret_data without the NUL
 *
 * Ciphertext (->encrypted, or a plain-directory file whose bytes are
 * base64 text) is decrypted by running "systemd-creds decrypt --name=NAME
 * FILE -" (no public library API does this; systemd.generator(7) allows a
 * generator to run a tool that changes no state), killed after
 * CREDENTIAL_DECRYPT_TIMEOUT.
 *
 * Return: 0; -EFBIG if larger than CREDENTIAL_SIZE_MAX (plaintext) or
 * CREDENTIAL_ENCRYPTED_SIZE_MAX (ciphertext); -EBADMSG if decryption
 * failed (systemd-creds' reason is logged); -ETIMEDOUT; -errno on read
 * errors.
 */
int credential_read(const CredentialFile *f, char **ret_data, size_t *ret_size);
