/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * Writing credentials where the generator finds them: plaintext target
 * definitions into /etc/credstore, secrets encrypted by systemd-creds(1)
 * into /etc/credstore.encrypted ($ISCSI_CREDS_ROOT prefixed, for tests).
 * Also the forms for hypervisors (--print): SMBIOS type 11 strings and
 * SetCredential[Encrypted]= lines.
 */

#include <stdbool.h>
#include <stddef.h>

#include "timespan.h"

#define CREDSTORE_DIR "/etc/credstore"
#define CREDSTORE_ENCRYPTED_DIR "/etc/credstore.encrypted"
/* The kernel's TPM 2.0 resource manager device (tpm2.target waits for it, systemd >= 256). */
#define TPM2_DEVICE "/dev/tpmrm0"
/* systemd-creds encrypt, even with a TPM2: a few seconds at most. */
#define CREDS_ENCRYPT_TIMEOUT (60 * USEC_PER_SEC)

/* What the admin chose for the encryption: --with-key= and --not-after=. */
typedef struct EncryptOptions {
        const char *with_key;   /* host, tpm2, host+tpm2, auto, auto-initrd */
        const char *not_after;  /* a systemd.time(7) timestamp, or NULL */
} EncryptOptions;

/** with_key_is_valid() - whether @k is one of the --with-key= values we pass on. */
bool with_key_is_valid(const char *k);

/**
 * credstore_path() - where a credential of ours is stored
 * @encrypted: /etc/credstore.encrypted instead of /etc/credstore
 * @name: credential name
 * @ret: $ISCSI_CREDS_ROOT + directory + "/" + @name; free()
 *
 * Return: 0 or -ENOMEM.
 */
int credstore_path(bool encrypted, const char *name, char **ret);

/**
 * credstore_check_absent() - refuse to overwrite without --force
 * @path: file to be written
 * @force: overwriting is allowed
 *
 * Return: 0 if @path does not exist or @force; -EEXIST (logged) otherwise.
 */
int credstore_check_absent(const char *path, bool force);

/**
 * credstore_write() - store a credential file, mode 0600, never half-written
 * @path: destination; its directory is created with mode 0700 if missing
 * @data: contents
 * @size: bytes in @data
 * @force: replace an existing file; without it an existing file is kept
 *         and -EEXIST returned (checked atomically with link(2))
 *
 * Written to a temporary file in the same directory, then moved in.
 *
 * Return: 0; -EEXIST; -errno from the file system (logged).
 */
int credstore_write(const char *path, const char *data, size_t size, bool force);

/**
 * creds_encrypt_argv() - the systemd-creds command line for encrypting @name
 * @name: credential name, embedded in the ciphertext (--name=)
 * @opts: key choice and expiry
 * @ret: NULL-terminated argv: SYSTEMD_CREDS_PATH encrypt --name=NAME
 *       --with-key=K [--not-after=T] - -, i.e. plaintext from stdin,
 *       ciphertext to stdout; free with argv_free()
 *
 * The plaintext never appears here: it goes to the child's stdin.
 *
 * Return: 0 or -ENOMEM.
 */
int creds_encrypt_argv(const char *name, const EncryptOptions *opts, char ***ret);

/** argv_free() - free a NULL-terminated array of strings and the array. */
void argv_free(char **argv);

/**
 * creds_encrypt() - encrypt a credential with systemd-creds
 * @name: credential name
 * @opts: key choice and expiry
 * @plaintext: credential contents (a secret: fed through a pipe only)
 * @size: bytes in @plaintext
 * @ret: the ciphertext as one line of base64 (systemd-creds' output with
 *       its line breaks removed); free()
 * @ret_key: the --with-key= used (static); may be NULL
 *
 * "auto" (or no choice) is ours, not only systemd-creds': where the kernel
 * has a TPM 2.0 resource manager (TPM2_DEVICE; $ISCSI_CREDS_TPM2_DEVICE
 * names another file, for tests) it is host+tpm2, since
 * systemd-creds' auto also wants the firmware to report the TPM and picks
 * the host key alone on a BIOS-booted machine; when sealing there fails,
 * and without a TPM, it is systemd-creds' auto (systemd-creds(1)).
 *
 * Return: 0; -EIO if systemd-creds failed (its messages are passed on);
 * errors of spawn_run_with_input(); -ENOMEM.
 */
int creds_encrypt(const char *name, const EncryptOptions *opts, const char *plaintext, size_t size, char **ret,
                  const char **ret_key);

/**
 * creds_print_encrypted() - the --print forms of an encrypted credential
 *
 * Prints to stdout:
 *   -smbios type=11,value=io.systemd.credential.binary:NAME=BASE64
 * and the unit-file form as "systemd-creds encrypt --pretty" writes it:
 *   SetCredentialEncrypted=NAME: \
 *           BASE64...
 */
void creds_print_encrypted(const char *name, const char *base64);

/**
 * creds_print_plain() - the --print forms of a plaintext (non-secret) credential
 *
 * SMBIOS strings hold one line, so the SMBIOS form is
 * "io.systemd.credential.binary:NAME=BASE64"; the unit-file form is
 * SetCredential=NAME:VALUE with newlines written as "\n" (systemd.exec(5)
 * unescapes C escapes in SetCredential=).
 *
 * Return: 0 or -ENOMEM.
 */
int creds_print_plain(const char *name, const char *data, size_t size);

/**
 * store_auth_credential() - encrypt secrets and store or print them
 * @name: "iscsi.auth.ALIAS", "iscsi.auth.NAME" or "iscsi.auth"
 * @opts: key choice and expiry
 * @plaintext: validated credential text (a secret)
 * @size: bytes in @plaintext
 * @print: print the hypervisor forms instead of writing a file
 * @force: replace an existing file
 *
 * Return: 0; errors of creds_encrypt(), credstore_write().
 */
int store_auth_credential(const char *name, const EncryptOptions *opts, const char *plaintext, size_t size,
                          bool print, bool force);
