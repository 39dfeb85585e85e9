/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * What every part of the generator uses to compose a target's files: one
 * escaping path for values (unit_file_set()), errors logged with the
 * credential's name and the rule, never with the value (it may hold a
 * control character).
 */

#include "credential.h"
#include "target.h"
#include "unit-writer.h"

/**
 * compose_set() - write KEY=VALUE into @u through unit_file_set()
 * Return: 0; -ENOMEM (logged); -EINVAL when @value cannot be written into a
 * unit file (logged with @t's credential and the rule, unit_value_check()).
 */
int compose_set(UnitFile *u, const Target *t, const char *key, const char *value);

/**
 * compose_unit_head() - "[Unit]" with Description=, Documentation= and SourcePath=
 * @description: the unit's description
 * @target_file: the credential the unit is made from (SourcePath=)
 *
 * The head of every whole unit the generator writes (.mount, .automount,
 * sysroot.mount), as systemd's generators write theirs.
 *
 * Return: 0; errors of compose_set().
 */
int compose_unit_head(UnitFile *u, const Target *t, const char *description, const CredentialFile *target_file);

/**
 * compose_source_comment() - "# Source: PATH" of @c and a blank line
 *
 * Drop-ins carry no SourcePath=, which would make "systemctl status" show
 * the credential as the unit's file.
 *
 * Return: 0; -ENOMEM; -EINVAL when the path cannot be written (logged).
 */
int compose_source_comment(UnitFile *u, const Target *t, const CredentialFile *c);

/**
 * compose_add_file() - hand @u, composed with result @r, to the set @s
 *
 * On a failed composition (@r < 0) @u is dropped and @r returned (already
 * logged).
 *
 * Return: 0; @r; -E2BIG when @s is full (logged).
 */
int compose_add_file(UnitSet *s, UnitFile *u, const Target *t, int r);

/**
 * compose_add_link() - add the link DEPENDENT.TYPE/UNIT -> @target_path to @s
 * Return: 0; errors of unit_set_add_link() (logged).
 */
int compose_add_link(UnitSet *s, const Target *t, const char *dependent, const char *type, const char *unit,
                     const char *target_path);
