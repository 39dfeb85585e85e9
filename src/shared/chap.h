/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * CHAP secrets: what an "iscsi.auth.ALIAS" (or "iscsi.auth.NAME", or the
 * default "iscsi.auth") credential holds. Keys are the ones iscsid.conf(5)
 * and Kubernetes "kubernetes.io/iscsi-chap" secrets use.
 *
 * Values are wiped on free and never logged: messages name the credential,
 * the line and the key only.
 */

#include <stdbool.h>

#include "cleanup.h"
#include "keyvalue.h"

/* RFC 7143 §12.1.3 asks for CHAP secrets of at least 96 random bits. */
#define CHAP_SECRET_RECOMMENDED_MIN 12

typedef struct ChapSecrets {
        char *username;         /* node.session.auth.username: initiator's CHAP name */
        char *password;         /* node.session.auth.password */
        char *username_in;      /* node.session.auth.username_in: target's name (mutual CHAP) */
        char *password_in;      /* node.session.auth.password_in */
        /* discovery.sendtargets.auth.*: SendTargets discovery (iscsid.conf(5)) */
        char *discovery_username;
        char *discovery_password;
        char *discovery_username_in;
        char *discovery_password_in;
} ChapSecrets;

/**
 * chap_secrets_from_keyvalues() - build and validate CHAP secrets
 * @credential: credential name, for messages
 * @kv: parsed credential (keyvalue_parse() with secret=true)
 * @ret: the secrets; free with chap_secrets_free()
 *
 * Rules: only the keys above (node.session.auth.* and
 * discovery.sendtargets.auth.*, each set checked on its own), each at most once; a username needs a
 * password and vice versa; mutual CHAP (the "_in" pair) needs both "_in"
 * keys and one-way CHAP as well (the initiator always authenticates first,
 * RFC 7143 §12.1.3); the two directions must not share a secret (RFC 7143
 * §12.1.3: a secret used to authenticate initiators MUST NOT be used to
 * authenticate targets). A secret shorter than 12 bytes gets a warning.
 * All problems are logged (credential, line, rule); checking goes on past
 * the first. Messages never contain a value, nor the length of one, nor a
 * key that chap_key_known() does not know.
 *
 * Return: 0 on success; -EINVAL (first rule broken), -ENOMEM.
 */
int chap_secrets_from_keyvalues(const char *credential, const KeyValueList *kv, ChapSecrets **ret);

/**
 * chap_key_known() - whether @key is one of the eight keys of a secrets credential
 * @key: a key as parsed (may be anything a user typed before '=')
 *
 * node.session.auth.{username,password,username_in,password_in} and
 * discovery.sendtargets.auth.{...} (iscsid.conf(5)). Only these keys are
 * ever named in a message about a secrets credential: any other text before
 * '=' may be a secret typed on the wrong line.
 *
 * Return: true if known.
 */
bool chap_key_known(const char *key);

/** chap_secrets_free() - wipe and free @s; NULL is fine. */
void chap_secrets_free(ChapSecrets *s);
DEFINE_TRIVIAL_CLEANUP_FUNC(ChapSecrets *, chap_secrets_free);

/** chap_secrets_mutual() - whether @s asks the target to authenticate too. */
bool chap_secrets_mutual(const ChapSecrets *s);

/**
 * chap_algs_check() - validate a node.session.auth.chap_algs list
 * @list: comma-separated, preference order: MD5, SHA1, SHA256, SHA3-256
 * @ret_reason: on failure, what is wrong (static string)
 *
 * Return: 0 if valid; -EINVAL on an unknown, empty or repeated entry.
 */
int chap_algs_check(const char *list, const char **ret_reason);
