/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stddef.h>
#include <stdio.h>

/*
 * The helper's own mount namespace, instead of one systemd builds for each
 * login unit (issue 14): systemd 252 pays for ProtectSystem=strict and
 * TemporaryFileSystem= in the unit's forked child with work that grows with
 * the number of mounts on the host (0.32 s of CPU per login next to 25
 * mounts, 0.77 s next to 175, under TCG), and at boot 32 or 64 units do it
 * at once while each new LUN adds a mount. unshare(2) copies the mount
 * table in the kernel; mount_setattr(2) changes one flag per mount.
 *
 * What it gives the helper and everything it runs (iscsiadm) is what the
 * unit's TemporaryFileSystem=, ProtectSystem=strict and ReadWritePaths=/run
 * gave (systemd.exec(5)):
 *   - NODE_DB_ROOT/nodes and NODE_DB_ROOT/send_targets: a fresh tmpfs each,
 *     mode 0700, seen by no other process, gone when the last process in
 *     the namespace exits: the node records with the CHAP secrets are never
 *     on persistent storage and never in the host's node DB;
 *   - every mount read-only but those under /dev, /proc, /sys and /run
 *     (state, session records, iscsiadm's lock, udev rules) that were
 *     read-write, read from /proc/self/mountinfo: nothing can write to
 *     persistent storage.
 * Mounts made on the host afterwards (MS_SLAVE propagation) come in as the
 * host has them, as with systemd's own namespaces.
 */

/**
 * mount_namespace_setup() - a private mount namespace with the node DB on tmpfs
 * @db_root: open-iscsi's node DB root (NODE_DB_ROOT: /etc/iscsi or /var/lib/iscsi)
 *
 * Missing mount points under @db_root are made, with missing parents, mode
 * 0700 (io-util.h mkdir_p()), before the tree goes read-only. Call once,
 * before anything writes a node record. On failure the process is put back
 * into the namespace it started in (setns(2)), so its bookkeeping in /run
 * still works; the caller must not write a record then.
 *
 * Return: 0; -errno of open(2) on /proc/self/ns/mnt, unshare(2) (-EPERM
 * without CAP_SYS_ADMIN), mount(2), mount_setattr(2) (-ENOSYS before Linux
 * 5.12, -EPERM under a seccomp filter that forbids it), mkdir_p() or setns(2);
 * -EIO for a /proc/self/mountinfo it cannot read or parse; -ENOMEM.
 */
int mount_namespace_setup(const char *db_root);

/**
 * mountinfo_writable() - the read-write mounts under /dev, /proc, /sys and /run
 * @f: text in the format of /proc/PID/mountinfo (proc(5))
 * @ret_paths: their mount points, unescaped (\ooo), each once; free() each and
 *             the array (NULL when there are none)
 * @ret_n: how many
 * @ret_trees: bit 0..3 set when /dev, /proc, /sys, /run is itself a mount point
 *
 * Where mounts are stacked on one path the last one listed, the one seen
 * there, decides whether it is read-write ("rw" in its per-mount options).
 *
 * Return: 0; -EIO for a line without a mount point and options, or a read
 * error; -ENOMEM.
 */
int mountinfo_writable(FILE *f, char ***ret_paths, size_t *ret_n, unsigned *ret_trees);
