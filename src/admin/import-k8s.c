/* SPDX-License-Identifier: LGPL-2.1-or-later */

/*
 * "iscsi-creds import-k8s-secret FILE ALIAS": a Kubernetes Secret of type
 * kubernetes.io/iscsi-chap (YAML, or JSON, which YAML's flow style
 * includes) parsed with libyaml, into the encrypted iscsi.auth.ALIAS.
 */

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <yaml.h>

#include "base64.h"
#include "commands.h"
#include "import.h"
#include "io-util.h"
#include "keyvalue.h"
#include "log.h"
#include "secret.h"
#include "string-util.h"
#include "target.h"

#define K8S_SECRET_TYPE "kubernetes.io/iscsi-chap"
/* A kubernetes.io/iscsi-chap Secret is well under 1 KiB ("kubectl get -o
 * yaml" with metadata and managedFields, under 4 KiB). libyaml 0.2.5's
 * scanner takes time quadratic in the flow nesting depth (it rechecks every
 * open simple key per token): 128 KiB of "[[[...]]]" took 11 s, 256 KiB
 * about 78 s. Both bounds are checked before the document is loaded. */
#define K8S_FILE_MAX (64U * 1024U)
#define K8S_DEPTH_MAX 16
/* Echoed values (kind, type) longer than this are not shown. */
#define K8S_ECHO_MAX 64

static void import_k8s_help(void) {
        printf("Usage: iscsi-creds import-k8s-secret FILE ALIAS [--with-key=KEY] [--not-after=TIME]\n"
               "                                    [--print] [--force]\n"
               "\n"
               "Read a Kubernetes Secret of type kubernetes.io/iscsi-chap (YAML or JSON, e.g. from\n"
               "\"kubectl get secret NAME -o yaml\"; \"-\" reads stdin), with its keys under data:\n"
               "(base64) or stringData:, and store them as iscsi.auth.ALIAS, encrypted by\n"
               "systemd-creds, in /etc/credstore.encrypted (or --print the hypervisor forms).\n"
               "Keys: node.session.auth.{username,password,username_in,password_in} and\n"
               "discovery.sendtargets.auth.{...}; other keys are ignored with a warning.\n"
               "Values must not start or end with a blank (open-iscsi would trim them). The file\n"
               "may be at most 64 KiB and nested at most 16 levels deep.\n");
}

/* Read the whole file into a buffer that is wiped on free. */
static const char *scalar(yaml_document_t *doc, int id) {
        yaml_node_t *n = yaml_document_get_node(doc, id);

        return n && n->type == YAML_SCALAR_NODE ? (const char *) n->data.scalar.value : NULL;
}

static size_t scalar_length(yaml_document_t *doc, int id) {
        yaml_node_t *n = yaml_document_get_node(doc, id);

        return n && n->type == YAML_SCALAR_NODE ? n->data.scalar.length : 0;
}

/* Take the CHAP keys of a data:/stringData: mapping into @values. */
static int take_section(yaml_document_t *doc, yaml_node_t *map, bool base64, const char *file, char *values[8]) {
        bool seen[8] = {};
        int r = 0;

        if (map->type != YAML_MAPPING_NODE)
                return log_error_errno(EINVAL, "%s: %s is not a mapping.", file, base64 ? "data" : "stringData");

        for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top; p++) {
                const char *key = scalar(doc, p->key), *value = scalar(doc, p->value);
                size_t len = scalar_length(doc, p->value);
                char *v = NULL;
                size_t vlen;
                int i;

                if (!key)
                        return log_error_errno(EINVAL, "%s: a key in %s is not a string.", file,
                                               base64 ? "data" : "stringData");
                i = chap_key_index(key);
                if (i < 0) {
                        if (keyvalue_key_printable(key))
                                log_warning("%s: unknown key \"%s\", ignoring.", file, key);
                        else
                                log_warning("%s: unknown key (not shown), ignoring.", file);
                        continue;
                }
                if (!value)
                        return log_error_errno(EINVAL, "%s: %s is not a string.", file, key);
                if (base64) {
                        r = base64_decode(value, len, &v, &vlen);
                        if (r == -ENOMEM)
                                return log_oom();
                        if (r < 0)
                                return log_error_errno(r, "%s: data.%s is not valid base64.", file, key);
                        if (strlen(v) != vlen) {
                                erase_and_free(v);
                                return log_error_errno(EINVAL, "%s: data.%s holds a NUL byte.", file, key);
                        }
                } else {
                        v = secret_strndup(value, len);
                        if (!v)
                                return log_oom();
                        if (strlen(v) != len) {
                                erase_and_free(v);
                                return log_error_errno(EINVAL, "%s: stringData.%s holds a NUL byte.", file, key);
                        }
                }
                /* Within one section a repeated key is an error; stringData (read second)
                 * overrides data, as the Kubernetes API server merges them. */
                if (seen[i]) {
                        erase_and_free(v);
                        return log_error_errno(EINVAL, "%s: %s is given twice.", file, key);
                }
                seen[i] = true;
                erase_and_free(values[i]);
                values[i] = v;
        }
        return 0;
}

/* Wipe what libyaml copied of the file: scalar values, scalar tokens still
 * queued in the scanner (after an early stop) and its input buffers. */
static void wipe_yaml(yaml_parser_t *parser, yaml_document_t *doc) {
        for (yaml_node_t *n = doc->nodes.start; n && n < doc->nodes.top; n++)
                if (n->type == YAML_SCALAR_NODE && n->data.scalar.value)
                        explicit_bzero(n->data.scalar.value, n->data.scalar.length);
        for (yaml_token_t *t = parser->tokens.head; t && t < parser->tokens.tail; t++)
                if (t->type == YAML_SCALAR_TOKEN && t->data.scalar.value)
                        explicit_bzero(t->data.scalar.value, t->data.scalar.length);
        if (parser->buffer.start)
                explicit_bzero(parser->buffer.start, (size_t) (parser->buffer.end - parser->buffer.start));
        if (parser->raw_buffer.start)
                explicit_bzero(parser->raw_buffer.start, (size_t) (parser->raw_buffer.end - parser->raw_buffer.start));
}

/* @s if it can be echoed as is: short, valid UTF-8, no C0 or C1 control
 * character (an escape sequence in a double-quoted YAML scalar, "\e[2J" or
 * "\u009b", must not reach the terminal or the journal); else a placeholder. */
static const char *echoable(const char *s) {
        size_t n = strlen(s);

        if (n > K8S_ECHO_MAX || has_control_char(s) || !utf8_is_valid_n(s, n))
                return "(not shown: unprintable or too long)";
        /* U+0080..U+009F are C2 80..C2 9F in UTF-8. */
        for (const unsigned char *p = (const unsigned char *) s; *p; p++)
                if (p[0] == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f)
                        return "(not shown: unprintable or too long)";
        return s;
}

static int log_yaml_error(const char *file, const yaml_parser_t *parser) {
        /* libyaml's messages quote no input, only the problem and its place. */
        return log_error_errno(EINVAL, "%s:%zu:%zu: not YAML or JSON: %s.", file, parser->problem_mark.line + 1,
                               parser->problem_mark.column + 1, parser->problem ?: "parse error");
}

/* Walk the events of the first document and refuse nesting deeper than
 * K8S_DEPTH_MAX as soon as it is seen, before libyaml has scanned much of
 * a hostile file. Scalars (secrets) are wiped as they pass. */
static int check_depth(const char *file, const char *data, size_t size) {
        yaml_parser_t parser;
        unsigned depth = 0;
        int r = 0;

        if (!yaml_parser_initialize(&parser))
                return log_oom();
        yaml_parser_set_input_string(&parser, (const unsigned char *) data, size);
        for (bool done = false; !done && r >= 0;) {
                yaml_event_t ev;

                if (!yaml_parser_parse(&parser, &ev)) {
                        r = log_yaml_error(file, &parser);
                        break;
                }
                if (ev.type == YAML_SEQUENCE_START_EVENT || ev.type == YAML_MAPPING_START_EVENT) {
                        if (++depth > K8S_DEPTH_MAX)
                                r = log_error_errno(EINVAL, "%s:%zu:%zu: nested more than %u levels deep, not a "
                                                    "Secret.", file, ev.start_mark.line + 1,
                                                    ev.start_mark.column + 1, K8S_DEPTH_MAX);
                } else if (ev.type == YAML_SEQUENCE_END_EVENT || ev.type == YAML_MAPPING_END_EVENT)
                        depth--;
                else if (ev.type == YAML_SCALAR_EVENT && ev.data.scalar.value)
                        explicit_bzero(ev.data.scalar.value, ev.data.scalar.length);
                done = ev.type == YAML_DOCUMENT_END_EVENT || ev.type == YAML_STREAM_END_EVENT;
                yaml_event_delete(&ev);
        }
        wipe_yaml(&parser, &(yaml_document_t) {});
        yaml_parser_delete(&parser);
        return r;
}

static int parse_secret(const char *file, const char *data, size_t size, char *values[8]) {
        yaml_parser_t parser;
        yaml_document_t doc;
        yaml_node_t *root;
        yaml_node_t *sections[2] = {};  /* data, stringData */
        const char *type = NULL, *kind = NULL;
        int r = 0;

        r = check_depth(file, data, size);
        if (r < 0)
                return r;
        if (!yaml_parser_initialize(&parser))
                return log_oom();
        yaml_parser_set_input_string(&parser, (const unsigned char *) data, size);
        if (!yaml_parser_load(&parser, &doc)) {
                r = log_yaml_error(file, &parser);
                wipe_yaml(&parser, &(yaml_document_t) {});
                yaml_parser_delete(&parser);
                return r;
        }

        root = yaml_document_get_root_node(&doc);
        if (!root || root->type != YAML_MAPPING_NODE) {
                r = log_error_errno(EINVAL, "%s: not a Kubernetes object (expected a mapping).", file);
                goto finish;
        }
        for (yaml_node_pair_t *p = root->data.mapping.pairs.start; p < root->data.mapping.pairs.top; p++) {
                const char *key = scalar(&doc, p->key);

                if (streq_ptr(key, "type"))
                        type = scalar(&doc, p->value);
                else if (streq_ptr(key, "kind"))
                        kind = scalar(&doc, p->value);
                else if (streq_ptr(key, "data"))
                        sections[0] = yaml_document_get_node(&doc, p->value);
                else if (streq_ptr(key, "stringData"))
                        sections[1] = yaml_document_get_node(&doc, p->value);
        }

        if (kind && !streq(kind, "Secret")) {
                r = log_error_errno(EINVAL, "%s: kind is \"%s\", expected \"Secret\".", file, echoable(kind));
                goto finish;
        }
        if (!streq_ptr(type, K8S_SECRET_TYPE)) {
                r = log_error_errno(EINVAL, "%s: type is \"%s\", expected \"" K8S_SECRET_TYPE "\".", file,
                                    !type ? "(missing)" : echoable(type));
                goto finish;
        }
        if (!sections[0] && !sections[1]) {
                r = log_error_errno(EINVAL, "%s: neither data: nor stringData: is present.", file);
                goto finish;
        }
        for (int i = 0; i < 2 && r >= 0; i++)
                if (sections[i] && !(sections[i]->type == YAML_SCALAR_NODE && sections[i]->data.scalar.length == 0))
                        r = take_section(&doc, sections[i], i == 0, file, values);

finish:
        wipe_yaml(&parser, &doc);
        yaml_document_delete(&doc);
        yaml_parser_delete(&parser);
        return r;
}

int verb_import_k8s_secret(int argc, char *argv[]) {
        _cleanup_erase_free_ char *data = NULL;
        _cleanup_free_ char *credential = NULL;
        char *values[8] = {};
        ImportArgs a;
        size_t size = 0;
        int r;

        r = import_parse_argv(argc, argv, "import-k8s-secret", 2, import_k8s_help, &a);
        if (r <= 0)
                return r;
        if (asprintf(&credential, AUTH_CREDENTIAL_PREFIX "%s", a.name) < 0)
                return log_oom();

        r = read_file_bounded(a.file, K8S_FILE_MAX, &data, &size);
        if (r == -EFBIG)
                return log_error_errno(EINVAL, "%s: larger than %u bytes, not a Secret.", a.file, K8S_FILE_MAX);
        if (r < 0)
                return log_error_errno(r, "Failed to read %s: %m", a.file);

        r = parse_secret(a.file, data, size, values);
        if (r >= 0 && (!values[0] || !values[1]))
                r = log_error_errno(EINVAL, "%s: node.session.auth.username and node.session.auth.password are "
                                    "required.", a.file);
        if (r >= 0)
                r = import_store(credential, values, &a);
        for (size_t i = 0; i < ELEMENTSOF(values); i++)
                erase_and_free(values[i]);
        return r;
}
