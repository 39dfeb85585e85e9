/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include <check.h>
#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include "string-util.h"
#include "target.h"
#include "test-util.h"

#define CRED "iscsi.target.t1"
#define IQN "iqn.2001-04.com.example:t1"
#define B "target = " IQN "\nportal = 192.0.2.1\n"     /* lines 1-2 of most cases */

/* Parse @text as credential "iscsi.target.t1" (must be well formed) and build a target. */
static int parse_target(const char *alias, const char *text, Target **ret) {
        KeyValueList l;
        int r;

        r = test_parse(CRED, text, false, &l);
        ck_assert_msg(r == 0, "keyvalue_parse() failed on test input: %d", r);
        r = target_from_keyvalues(alias, &l, ret);
        keyvalue_list_done(&l);
        return r;
}

START_TEST(test_defaults)
{
        _cleanup_(target_freep) Target *t = NULL;

        ck_assert_int_eq(parse_target("t1", B, &t), 0);
        ck_assert_ptr_nonnull(t);
        ck_assert_str_eq(t->alias, "t1");
        ck_assert_str_eq(t->credential, "iscsi.target.t1");
        ck_assert_str_eq(t->name, IQN);
        ck_assert_int_eq(t->portal.family, AF_INET);
        ck_assert_str_eq(t->portal.address, "192.0.2.1");
        ck_assert_uint_eq(t->portal.port, 3260);
        ck_assert_uint_eq(t->tpgt, 1);
        ck_assert_uint_eq(t->lun, 0);
        ck_assert_str_eq(t->iface, "default");
        ck_assert_ptr_null(t->mount);
        ck_assert_ptr_null(t->fstype);
        ck_assert_ptr_null(t->options);
        ck_assert(!t->mount_options.nofail);
        ck_assert_uint_eq(t->device_timeout, 0);        /* not set: systemd's default applies */
        ck_assert_ptr_null(t->auth);
        ck_assert_ptr_null(t->chap_algs);
}
END_TEST

START_TEST(test_every_key)
{
        _cleanup_(target_freep) Target *t = NULL;

        ck_assert_int_eq(parse_target("Disk_0-a",
                                      "# every key\n"
                                      "target = " IQN "\n"
                                      "portal = [FD00:0::1]:3261\n"
                                      "tpgt = 65535\n"
                                      "lun = 16383\n"
                                      "iface = iface0\n"
                                      "mount = //srv//iscsi/./data/\n"
                                      "fstype = ext4\n"
                                      "options = noatime,nofail,x-systemd.automount\n"
                                      "device-timeout = 1min 30s\n"
                                      "auth = shared\n"
                                      "node.session.auth.chap_algs = SHA3-256,SHA256\n",
                                      &t),
                         0);
        ck_assert_str_eq(t->alias, "Disk_0-a");
        ck_assert_str_eq(t->credential, "iscsi.target.Disk_0-a");
        ck_assert_str_eq(t->name, IQN);
        ck_assert_int_eq(t->portal.family, AF_INET6);
        ck_assert_str_eq(t->portal.address, "fd00::1");
        ck_assert_uint_eq(t->portal.port, 3261);
        ck_assert_uint_eq(t->tpgt, 65535);
        ck_assert_uint_eq(t->lun, 16383);
        ck_assert_str_eq(t->iface, "iface0");
        ck_assert_str_eq(t->mount, "/srv/iscsi/data");
        ck_assert_str_eq(t->fstype, "ext4");
        ck_assert_str_eq(t->options, "noatime,nofail,x-systemd.automount");
        ck_assert(t->mount_options.nofail);
        ck_assert_uint_eq(t->device_timeout, 90 * USEC_PER_SEC);
        ck_assert_str_eq(t->auth, "shared");
        ck_assert_str_eq(t->chap_algs, "SHA3-256,SHA256");
}
END_TEST

START_TEST(test_other_names)
{
        _cleanup_(target_freep) Target *a = NULL, *b = NULL;

        ck_assert_int_eq(parse_target("t1", "target = eui.02004567A425678D\nportal = 192.0.2.1:3260\n", &a), 0);
        ck_assert_str_eq(a->name, "eui.02004567A425678D");
        ck_assert_int_eq(parse_target("t1", "target = naa.62004567BA64678D0123456789ABCDEF\nportal = [::1]\n", &b), 0);
        ck_assert_str_eq(b->name, "naa.62004567BA64678D0123456789ABCDEF");
        ck_assert_str_eq(b->portal.address, "::1");
}
END_TEST

START_TEST(test_ranges_good)
{
        static const struct {
                const char *text;
                unsigned tpgt;
                unsigned long long lun;
        } cases[] = {
                { B "tpgt = 0\n", 0, 0 },
                { B "tpgt = 65535\n", 65535, 0 },
                { B "tpgt = 00001\n", 1, 0 },
                { B "lun = 0\n", 1, 0 },
                { B "lun = 255\n", 1, 255 },
                { B "lun = 256\n", 1, 256 },
                { B "lun = 16383\n", 1, 16383 },
        };

        for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
                Target *t = NULL;

                ck_assert_msg(parse_target("t1", cases[i].text, &t) == 0, "case %zu refused", i);
                ck_assert_uint_eq(t->tpgt, cases[i].tpgt);
                ck_assert_uint_eq(t->lun, cases[i].lun);
                target_free(t);
        }
}
END_TEST

static const struct {
        const char *in;
        const char *out;
} mounts[] = {
        { "/mnt/data", "/mnt/data" },
        { "/mnt/data/", "/mnt/data" },
        { "//mnt//data//", "/mnt/data" },
        { "/mnt/./data", "/mnt/data" },
        { "/mnt/data/.", "/mnt/data" },
        { "/./mnt", "/mnt" },
        { "/mnt/..data", "/mnt/..data" },
        { "/mnt/data..", "/mnt/data.." },
        { "/mnt/.hidden", "/mnt/.hidden" },
        { "/mnt/my data", "/mnt/my data" },
        { "/mnt/donn\xc3\xa9" "es", "/mnt/donn\xc3\xa9" "es" },
        { "/mnt/a-b", "/mnt/a-b" },
};

START_TEST(test_mount_normalized)
{
        _cleanup_(target_freep) Target *t = NULL;
        _cleanup_free_ char *text = NULL;

        ck_assert_int_ge(asprintf(&text, B "mount = %s\n", mounts[_i].in), 0);
        ck_assert_msg(parse_target("t1", text, &t) == 0, "mount \"%s\" refused", mounts[_i].in);
        ck_assert_str_eq(t->mount, mounts[_i].out);
}
END_TEST

static const struct {
        const char *options;
        bool nofail;
} nofail_cases[] = {
        { "nofail", true },
        { "defaults,nofail", true },
        { "nofail,ro", true },
        { "ro,nofail,noatime", true },
        { "ro", false },
        { "defaults", false },
        { "nofailx", false },
        { "xnofail", false },
        { "nofail=1", false },
        { "no-fail", false },
};

START_TEST(test_nofail)
{
        _cleanup_(target_freep) Target *t = NULL;
        _cleanup_free_ char *text = NULL;

        ck_assert_int_ge(asprintf(&text, B "mount = /mnt/x\noptions = %s\n", nofail_cases[_i].options), 0);
        ck_assert_int_eq(parse_target("t1", text, &t), 0);
        ck_assert_str_eq(t->options, nofail_cases[_i].options);
        ck_assert_msg(t->mount_options.nofail == nofail_cases[_i].nofail, "options \"%s\": nofail should be %d",
                      nofail_cases[_i].options, nofail_cases[_i].nofail);
}
END_TEST

static const struct {
        const char *span;
        usec_t usec;
} timeouts[] = {
        { "90", 90 * USEC_PER_SEC },
        { "90s", 90 * USEC_PER_SEC },
        { "1min 30s", 90 * USEC_PER_SEC },
        { "2m", 120 * USEC_PER_SEC },
        { "500ms", 500 * USEC_PER_MSEC },
        { "1us", 1 },
        { "infinity", USEC_INFINITY },
};

START_TEST(test_device_timeout)
{
        _cleanup_(target_freep) Target *t = NULL;
        _cleanup_free_ char *text = NULL;

        ck_assert_int_ge(asprintf(&text, B "mount = /mnt/x\ndevice-timeout = %s\n", timeouts[_i].span), 0);
        ck_assert_msg(parse_target("t1", text, &t) == 0, "device-timeout \"%s\" refused", timeouts[_i].span);
        ck_assert_uint_eq(t->device_timeout, timeouts[_i].usec);
}
END_TEST

START_TEST(test_multipath_what)
{
        _cleanup_(target_freep) Target *t = NULL, *l = NULL, *d = NULL;
        _cleanup_free_ char *dev = NULL, *dev2 = NULL;

        ck_assert_int_eq(parse_target("mp", B "portal = [fd00::2]:3262\nmultipath = yes\nmount = /srv/mp\n"
                                            "what = UUID=0b1c2D3e-0000-4000-8000-00000000000a\n", &t), 0);
        ck_assert_uint_eq(t->n_portals, 2);
        ck_assert_str_eq(t->portals[0].address, "192.0.2.1");
        ck_assert_str_eq(t->portal.address, "192.0.2.1");
        ck_assert_str_eq(t->portals[1].address, "fd00::2");
        ck_assert_uint_eq(t->portals[1].port, 3262);
        ck_assert(t->multipath);
        ck_assert_str_eq(t->what, "/dev/disk/by-uuid/0b1c2D3e-0000-4000-8000-00000000000a");
        ck_assert_int_eq(target_device(t, &dev), 0);
        ck_assert_str_eq(dev, "/dev/disk/by-uuid/0b1c2D3e-0000-4000-8000-00000000000a");

        /* LABEL= is encoded as udev names it: blanks and '/' -> \xHH */
        ck_assert_int_eq(parse_target("l", B "what = LABEL=my data\n", &l), 0);
        ck_assert_str_eq(l->what, "/dev/disk/by-label/my\\x20data");

        /* no what: the first portal's by-path link */
        ck_assert_int_eq(parse_target("d", B "lun = 3\n", &d), 0);
        ck_assert_int_eq(target_device(d, &dev2), 0);
        ck_assert_str_eq(dev2, "/dev/disk/by-path/ip-192.0.2.1:3260-iscsi-" IQN "-lun-3");
}
END_TEST

START_TEST(test_discovery)
{
        _cleanup_(target_freep) Target *t = NULL, *f = NULL;
        _cleanup_free_ char *dev = NULL;

        ck_assert_int_eq(parse_target("d", "discovery = sendtargets\nportal = 192.0.2.1\n", &t), 0);
        ck_assert(t->discovery);
        ck_assert_ptr_null(t->name);
        ck_assert_int_eq(target_device(t, &dev), -ENOENT);

        ck_assert_int_eq(parse_target("f", "discovery = sendtargets\nportal = 192.0.2.1\ntarget = " IQN "\n"
                                           "what = PARTUUID=0b1c2d3e-01\nmount = /srv/f\n", &f), 0);
        ck_assert_str_eq(f->name, IQN);
        ck_assert_str_eq(f->what, "/dev/disk/by-partuuid/0b1c2d3e-01");
}
END_TEST

START_TEST(test_tuning_keys)
{
        _cleanup_(target_freep) Target *t = NULL, *d = NULL;

        ck_assert_int_eq(parse_target("t1", B "initiator = iqn.2024-01.org.example:host-7\n"
                                            "node.session.timeo.replacement_timeout = 0\n"
                                            "node.conn[0].timeo.login_timeout = 3600\n"
                                            "node.session.initial_login_retry_max = 1\n"
                                            "node.session.scan = auto\n", &t), 0);
        ck_assert_str_eq(t->initiator, "iqn.2024-01.org.example:host-7");
        ck_assert_int_eq(t->replacement_timeout, 0);
        ck_assert_int_eq(t->login_timeout, 3600);
        ck_assert_int_eq(t->login_retry_max, 1);
        ck_assert(t->scan_auto);
        ck_assert(!t->luks);

        {
                _cleanup_(target_freep) Target *l = NULL;
                _cleanup_free_ char *unit = NULL, *mapping = NULL;

                ck_assert_int_eq(parse_target("vault", B "luks = yes\n", &l), 0);
                ck_assert(l->luks);
                unit = target_unlock_unit(l);
                mapping = target_luks_mapping(l);
                ck_assert_str_eq(unit, "iscsi-creds-unlock@vault.service");
                ck_assert_str_eq(mapping, "iscsi-vault");
        }

        /* defaults: not set (-1), manual scan */
        ck_assert_int_eq(parse_target("t1", B, &d), 0);
        ck_assert_ptr_null(d->initiator);
        ck_assert_int_eq(d->replacement_timeout, -1);
        ck_assert_int_eq(d->login_timeout, -1);
        ck_assert_int_eq(d->login_retry_max, -1);
        ck_assert(!d->scan_auto);
}
END_TEST

static const struct {
        const char *text;
        const char *name;       /* NULL: refused */
} initiator_cases[] = {
        { "iqn.2024-01.org.example:host-7\n", "iqn.2024-01.org.example:host-7" },
        { "iqn.2024-01.org.example:host-7", "iqn.2024-01.org.example:host-7" },
        { "# from the provisioning system\n\n  iqn.2024-01.org.example:h  \n", "iqn.2024-01.org.example:h" },
        { "InitiatorName=iqn.1993-08.org.debian:01:abcdef\n", "iqn.1993-08.org.debian:01:abcdef" },
        { "## DO NOT EDIT\nInitiatorName = eui.0123456789ABCDEF\n", "eui.0123456789ABCDEF" },
        { "initiator = naa.0123456789abcdef\n", "naa.0123456789abcdef" },
        { "", NULL },
        { "# only a comment\n", NULL },
        { "iqn.2024-01.org.example:a\niqn.2024-01.org.example:b\n", NULL },
        { "InitiatorName=iqn.2024-01.org.example:a\nInitiatorName=iqn.2024-01.org.example:b\n", NULL },
        { "InitiatorAlias=x\n", NULL },
        { "InitiatorName=host.example.com\n", NULL },
        { "iqn.2024-13.org.example:a\n", NULL },
};

START_TEST(test_initiator_name)
{
        _cleanup_free_ char *name = NULL;
        int r;

        test_log_capture_start();
        r = initiator_name_parse("iscsi.initiatorname", initiator_cases[_i].text, strlen(initiator_cases[_i].text),
                                 &name);
        test_log_capture_stop();
        if (initiator_cases[_i].name) {
                ck_assert_msg(r == 0, "case %d: %d", _i, r);
                ck_assert_str_eq(name, initiator_cases[_i].name);
        } else {
                ck_assert_msg(r == -EINVAL, "case %d: %d, expected -EINVAL", _i, r);
                ck_assert_msg(test_log_find("iscsi.initiatorname"), "case %d: message does not name the credential", _i);
        }
}
END_TEST

#define BYTES(s) s, sizeof(s) - 1

static const struct {
        const char *data;
        size_t size;
        unsigned line;          /* the line the message must name */
} initiator_bad_bytes[] = {
        { BYTES("iqn.2024-01.org.example:a\0garbage\n"), 1 },                 /* NUL: the rest was dropped */
        { BYTES("# host name\n\niqn.2024-01.org.example:a\0\n"), 3 },
        { BYTES("# c\n\xff\xfe\n"), 2 },                                      /* invalid UTF-8 */
        { BYTES("iqn.2024-01.org.example:caf\xc3\n"), 1 },                     /* truncated sequence */
        { BYTES("iqn.2024-01.org.example:a\r\n"), 1 },                          /* DOS line ending */
        { BYTES("# c\r\niqn.2024-01.org.example:a\n"), 1 },
        { BYTES("iqn.2024-01.org.example:a\x1b[2J\n"), 1 },                     /* terminal escape */
        { BYTES("InitiatorName=iqn.2024-01.org.example:a\r\n"), 1 },
        { BYTES("# c\nInitiatorName=iqn.2024-01.org.example:a\xff\n"), 2 },
        /* the line of the name, not the last line of the credential */
        { BYTES("# comment\niqn.2024-13.org.example:a\n\n# trailing\n"), 2 },
        { BYTES("\n\niqn.2024-01.org.example:a\niqn.2024-01.org.example:b\n\n"), 4 },
};

START_TEST(test_initiator_bad_bytes)
{
        _cleanup_free_ char *name = NULL;
        char prefix[64];
        int r;

        test_log_capture_start();
        r = initiator_name_parse("iscsi.initiatorname", initiator_bad_bytes[_i].data, initiator_bad_bytes[_i].size,
                                 &name);
        test_log_capture_stop();
        ck_assert_msg(r == -EINVAL, "case %d: %d (name \"%s\"), expected -EINVAL", _i, r, name ?: "");
        ck_assert_ptr_null(name);
        snprintf(prefix, sizeof prefix, "iscsi.initiatorname:%u: ", initiator_bad_bytes[_i].line);
        ck_assert_msg(test_log_find(prefix), "case %d: no message starts with \"%s\"; first: \"%s\"", _i, prefix,
                      test_n_logs > 0 ? test_logs[0].message : "");
        /* never a raw control byte or invalid UTF-8 in a message */
        for (size_t i = 0; i < test_n_logs && i < TEST_LOG_MAX; i++) {
                const char *m = test_logs[i].message;

                ck_assert_msg(!strpbrk(m, "\r\x1b") && utf8_is_valid_n(m, strlen(m)),
                              "case %d: raw bytes in \"%s\"", _i, m);
        }
}
END_TEST

START_TEST(test_value_255)
{
        /* a 255-byte value is fine all the way through (256 is refused by keyvalue_parse()) */
        _cleanup_(target_freep) Target *t = NULL;
        char opts[256], *text = NULL;

        memcpy(opts, "nofail,", 7);
        memset(opts + 7, 'a', 255 - 7);
        opts[255] = '\0';
        ck_assert_int_ge(asprintf(&text, B "mount = /mnt/x\noptions = %s\n", opts), 0);
        ck_assert_int_eq(parse_target("t1", text, &t), 0);
        ck_assert_uint_eq(strlen(t->options), 255);
        ck_assert(t->mount_options.nofail);
        free(text);
}
END_TEST

/* ---- refused definitions ------------------------------------------------- */

static const struct {
        const char *text;
        unsigned line;          /* line the message must name; 0: the credential as a whole */
        const char *what;
} bad[] = {
        /* keys */
        { B "tpgtt = 1\n", 3, "unknown key" },
        { B "Target = " IQN "\n", 3, "key in the wrong case" },
        { B "node.session.auth.chap_alg = MD5\n", 3, "typo in chap_algs key" },
        { B "node.session.auth.password = secret123456\n", 3, "secret key in a target definition" },
        { B "lun = 1\nlun = 1\n", 4, "duplicate key, same value" },
        { B "lun = 1\nlun = 2\n", 4, "duplicate key" },
        { "target = " IQN "\ntarget = " IQN "\nportal = 192.0.2.1\n", 2, "duplicate target" },
        { B "portal = 192.0.2.1:3260\n", 3, "same portal twice" },
        { B "portal = 192.0.2.2\nmount = /mnt/x\n", 0, "two portals and a mount without multipath" },
        { B "portal = 192.0.2.2\nmultipath = yes\nmount = /mnt/x\n", 0, "multipath mount without what" },
        { B "what = UUID=not-hex\n", 3, "what UUID not hex" },
        { B "what = UUID=\n", 3, "what UUID empty" },
        { B "what = LABEL=a/b\n", 3, "what LABEL with slash" },
        { B "what = /etc/passwd\n", 3, "what outside /dev" },
        { B "what = /dev/../etc\n", 3, "what with .." },
        { B "what = sda1\n", 3, "what relative" },
        { B "multipath = sometimes\n", 3, "multipath not a boolean" },
        { B "discovery = isns\n", 3, "discovery method not supported" },
        { "discovery = sendtargets\n", 0, "discovery without portal" },
        { "discovery = sendtargets\nportal = 192.0.2.1\nmount = /srv/x\n", 0, "discovery mount without what" },
        { "discovery = sendtargets\nportal = 192.0.2.1\nluks = yes\n", 0, "discovery luks without what" },
        { B "portal = 192.0.2.2\nportal = 192.0.2.3\nportal = 192.0.2.4\nportal = 192.0.2.5\n"
            "portal = 192.0.2.6\nportal = 192.0.2.7\nportal = 192.0.2.8\nportal = 192.0.2.9\n", 10, "nine portals" },
        { B "mount = /a\nmount = /b\n", 4, "duplicate mount" },
        { "portal = 192.0.2.1\n", 0, "missing target" },
        { "target = " IQN "\n", 0, "missing portal" },
        { "", 0, "empty credential" },
        /* target name */
        { "target = iqn.2001-13.com.example:t1\nportal = 192.0.2.1\n", 1, "IQN month 13" },
        { "target = iqn.2001-04.com.Ex_ample:t1\nportal = 192.0.2.1\n", 1, "IQN with '_'" },
        { "target = iqn.2001-04:t1\nportal = 192.0.2.1\n", 1, "IQN without domain" },
        { "target = iqn.2001-04.com.example:\nportal = 192.0.2.1\n", 1, "IQN trailing ':'" },
        { "target = iqn.2001-04.com.example:a/b\nportal = 192.0.2.1\n", 1, "IQN with '/'" },
        { "target = eui.0123456789abcde\nportal = 192.0.2.1\n", 1, "EUI of 15 digits" },
        { "target = naa.0123456789abcdef0123\nportal = 192.0.2.1\n", 1, "NAA of 20 digits" },
        { "target = " IQN "\nportal = 192.0.2.1\ntarget = bogus\n", 3, "bad duplicate target" },
        /* portal */
        { "target = " IQN "\nportal = 192.0.2.1:0\n", 2, "port 0" },
        { "target = " IQN "\nportal = 192.0.2.1:65536\n", 2, "port 65536" },
        { "target = " IQN "\nportal = [fd00::1]:65536\n", 2, "IPv6 port 65536" },
        { "target = " IQN "\nportal = fd00::1\n", 2, "IPv6 without brackets" },
        { "target = " IQN "\nportal = iscsi.example.com\n", 2, "host name" },
        { "target = " IQN "\nportal = iscsi.example.com:3260\n", 2, "host name with port" },
        { "target = " IQN "\nportal = [fd00::1%eth0]\n", 2, "zone id" },
        /* tpgt, lun */
        { B "tpgt = 65536\n", 3, "TPGT 65536" },
        { B "tpgt = -1\n", 3, "TPGT -1" },
        { B "tpgt = 1x\n", 3, "TPGT not a number" },
        { B "tpgt = 99999999999999999999999\n", 3, "TPGT beyond 64 bits" },
        { B "lun = 16384\n", 3, "LUN 16384" },
        { B "lun = -1\n", 3, "LUN -1" },
        { B "lun = 0x10\n", 3, "LUN in hex" },
        { B "lun = 4294967296\n", 3, "LUN 2^32" },
        { B "lun = 18446744073709551616\n", 3, "LUN beyond 64 bits" },
        /* iface */
        { B "iface = .hidden\n", 3, "iface starting with '.'" },
        { B "iface = a/b\n", 3, "iface with '/'" },
        { B "iface = a b\n", 3, "iface with a blank" },
        { B "iface = aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n", 3, "iface of 65 bytes" },
        /* mount */
        { B "mount = mnt/data\n", 3, "relative mount path" },
        { B "mount = ./data\n", 3, "relative mount path with ./" },
        { B "mount = ../data\n", 3, "relative mount path with ../" },
        { B "mount = /mnt/../etc\n", 3, "'..' component" },
        { B "mount = /mnt/data/..\n", 3, "trailing '..' component" },
        { B "mount = /..\n", 3, "'/..'" },
        { B "mount = /\n", 3, "'/' as mount point" },
        { B "mount = //\n", 3, "'//' as mount point" },
        { B "mount = /./\n", 3, "'/./' as mount point" },
        { B "mount = /mnt/a\\\n", 3, "trailing backslash in mount path (would continue the Where= line)" },
        { B "mount = /mnt/a /\n", 3, "mount path ending in a blank once simplified (stripped from Where=)" },
        { B "what = /dev/disk/by-id/x\\\n", 3, "trailing backslash in what" },
        { B "mount = ~/data\n", 3, "home-relative mount path" },
        /* keys that need mount */
        { B "fstype = ext4\n", 3, "fstype without mount" },
        { B "options = nofail\n", 3, "options without mount" },
        { B "device-timeout = 90s\n", 3, "device-timeout without mount" },
        /* options */
        { B "mount = /mnt/x\noptions = defaults, noatime\n", 4, "options with a blank" },
        { B "mount = /mnt/x\noptions = ro,,nofail\n", 4, "empty option" },
        { B "mount = /mnt/x\noptions = ,ro\n", 4, "leading ','" },
        { B "mount = /mnt/x\noptions = ro,\n", 4, "trailing ','" },
        { B "mount = /mnt/x\noptions = noatime\\\n", 4, "options ending in a backslash (would continue the line)" },
        { B "mount = /mnt/x\noptions = x-systemd.nofail\n", 4, "x-systemd option not implemented" },
        { B "mount = /mnt/x\noptions = x-systemd.requires=a.service\n", 4, "x-systemd.requires= not implemented" },
        { B "mount = /mnt/x\noptions = x-systemd.device-timeout=5s\n", 4, "x-systemd.device-timeout= (a key)" },
        { B "mount = /mnt/x\noptions = x-initrd.mount\n", 4, "x-initrd.mount" },
        { B "mount = /mnt/x\noptions = x-systemd.idle-timeout=1min\n", 4, "idle-timeout without automount" },
        { B "mount = /mnt/x\noptions = x-systemd.mount-timeout=soon\n", 4, "mount-timeout not a time span" },
        /* device-timeout */
        { B "mount = /mnt/x\ndevice-timeout = 0\n", 4, "device-timeout 0" },
        { B "mount = /mnt/x\ndevice-timeout = 0s\n", 4, "device-timeout 0s" },
        { B "mount = /mnt/x\ndevice-timeout = 5 parsecs\n", 4, "device-timeout 5 parsecs" },
        { B "mount = /mnt/x\ndevice-timeout = -5s\n", 4, "negative device-timeout" },
        /* auth */
        { B "auth = -shared\n", 3, "auth starting with '-'" },
        { B "auth = a.b\n", 3, "auth with '.'" },
        { B "auth = a:b\n", 3, "auth with ':'" },
        { B "auth = aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n", 3, "auth of 65 bytes" },
        /* chap_algs */
        { B "node.session.auth.chap_algs = MD4\n", 3, "unknown CHAP algorithm" },
        { B "node.session.auth.chap_algs = SHA256,SHA-1\n", 3, "unknown CHAP algorithm in a list" },
        { B "node.session.auth.chap_algs = MD5,SHA1,MD5\n", 3, "duplicate CHAP algorithm" },
        { B "node.session.auth.chap_algs = MD5,\n", 3, "empty CHAP algorithm at the end" },
        { B "node.session.auth.chap_algs = ,MD5\n", 3, "empty CHAP algorithm at the start" },
        { B "node.session.auth.chap_algs = MD5,,SHA1\n", 3, "empty CHAP algorithm in the middle" },
        /* initiator and tuning keys (issue 4) */
        { B "initiator = iqn.2001-04.com.Ex_ample:host\n", 3, "initiator with '_'" },
        { B "initiator = host1\n", 3, "initiator not an iSCSI name" },
        { B "node.session.timeo.replacement_timeout = 86401\n", 3, "replacement_timeout too large" },
        { B "node.session.timeo.replacement_timeout = -1\n", 3, "replacement_timeout negative" },
        { B "node.conn[0].timeo.login_timeout = 0\n", 3, "login_timeout 0" },
        { B "node.conn[0].timeo.login_timeout = 3601\n", 3, "login_timeout too large" },
        { B "node.session.initial_login_retry_max = 0\n", 3, "retry_max 0" },
        { B "node.session.initial_login_retry_max = 101\n", 3, "retry_max too large" },
        { B "node.session.scan = Manual\n", 3, "scan in the wrong case" },
        { B "node.session.scan = yes\n", 3, "scan not manual/auto" },
        { B "node.conn[1].timeo.login_timeout = 5\n", 3, "second connection not supported" },
        { B "luks = maybe\n", 3, "luks not a boolean" },
        { B "luks = Yes\n", 3, "luks in the wrong case" },
};

START_TEST(test_bad)
{
        Target *t = NULL;
        char prefix[64];
        int r;

        test_log_capture_start();
        r = parse_target("t1", bad[_i].text, &t);
        test_log_capture_stop();
        target_free(t);

        ck_assert_msg(r == -EINVAL, "%s: target_from_keyvalues() = %d (%s), expected -EINVAL (%s)", bad[_i].what, r,
                      strerror(-r), strerror(EINVAL));

        /* logged as an error that names the credential (and the line) */
        ck_assert_msg(test_log_count(LOG_ERR) >= 1, "%s: nothing logged", bad[_i].what);
        if (bad[_i].line > 0)
                snprintf(prefix, sizeof prefix, CRED ":%u: ", bad[_i].line);
        else
                snprintf(prefix, sizeof prefix, CRED ": ");
        ck_assert_msg(test_log_find(prefix), "%s: no message starts with \"%s\"; first: \"%s\"", bad[_i].what,
                      prefix, test_n_logs > 0 ? test_logs[0].message : "");
        ck_assert_str_eq(test_log_find(prefix)->message_id, MESSAGE_ID_BAD_CREDENTIAL);
}
END_TEST

START_TEST(test_unknown_key_named)
{
        Target *t = NULL;

        test_log_capture_start();
        ck_assert_int_eq(parse_target("t1", B "tpgtt = 1\n", &t), -EINVAL);
        test_log_capture_stop();
        ck_assert_ptr_nonnull(test_log_find("\"tpgtt\""));
        target_free(t);
}
END_TEST

START_TEST(test_mount_name_too_long)
{
        /* the mount unit name would exceed 255 bytes: refused with -EINVAL like every other rule */
        Target *t = NULL;
        char path[300], *text = NULL;
        int r;

        /* "/mnt/" + 246 x 'a': name "mnt-aaa...a.mount" is 4 + 246 + 6 = 256 bytes */
        strcpy(path, "/mnt/");
        memset(path + 5, 'a', 246);
        path[251] = '\0';
        ck_assert_int_ge(asprintf(&text, B "mount = %s\n", path), 0);
        test_log_capture_start();
        r = parse_target("t1", text, &t);
        test_log_capture_stop();
        free(text);
        target_free(t);
        ck_assert_msg(r == -EINVAL, "mount unit name of 256 bytes: got %d (%s), expected -EINVAL", r, strerror(-r));
        ck_assert_ptr_nonnull(test_log_find(CRED ":3: "));

        /* one byte less fits */
        t = NULL;
        path[250] = '\0';
        ck_assert_int_ge(asprintf(&text, B "mount = %s\n", path), 0);
        ck_assert_int_eq(parse_target("t1", text, &t), 0);
        ck_assert_str_eq(t->mount, path);
        free(text);
        target_free(t);
}
END_TEST

START_TEST(test_option_named)
{
        /* the refused option is named, in the line of "options =" */
        Target *t = NULL;

        test_log_capture_start();
        ck_assert_int_eq(parse_target("t1", B "mount = /mnt/x\noptions = ro,x-systemd.makefs,noatime\n", &t), -EINVAL);
        test_log_capture_stop();
        ck_assert_ptr_null(t);
        ck_assert_ptr_nonnull(test_log_find(CRED ":4: "));
        ck_assert_ptr_nonnull(test_log_find("option \"x-systemd.makefs\""));
}
END_TEST

START_TEST(test_automount_name_too_long)
{
        /* "/mnt/" + 245 x 'a': the .mount name (255 bytes) fits, the .automount name (259) does not */
        _cleanup_(target_freep) Target *ok = NULL;
        Target *t = NULL;
        char path[300], *text = NULL;

        strcpy(path, "/mnt/");
        memset(path + 5, 'a', 245);
        path[250] = '\0';
        ck_assert_int_ge(asprintf(&text, B "mount = %s\noptions = x-systemd.automount\n", path), 0);
        test_log_capture_start();
        ck_assert_int_eq(parse_target("t1", text, &t), -EINVAL);
        test_log_capture_stop();
        free(text);
        ck_assert_ptr_null(t);
        ck_assert_ptr_nonnull(test_log_find(CRED ":4: x-systemd.automount"));

        ck_assert_int_ge(asprintf(&text, B "mount = %s\noptions = nofail\n", path), 0);
        ck_assert_int_eq(parse_target("t1", text, &ok), 0);
        free(text);
}
END_TEST

START_TEST(test_luks_device_name_too_long)
{
        /* a valid IQN of 204 bytes: its by-path device unit name is 279 bytes, too long to bind the
         * unlock unit to; fine without LUKS (PID 1 hashes the name) and with "what =" */
        _cleanup_(target_freep) Target *plain = NULL, *named = NULL;
        char iqn[256], *text = NULL;
        Target *t = NULL;

        strcpy(iqn, "iqn.2001-04.com.example:");
        memset(iqn + 24, 'a', 180);
        iqn[204] = '\0';
        ck_assert_int_ge(asprintf(&text, "target = %s\nportal = 192.0.2.1\nmount = /mnt/x\nluks = yes\n", iqn), 0);
        test_log_capture_start();
        ck_assert_int_eq(parse_target("t1", text, &t), -EINVAL);
        test_log_capture_stop();
        free(text);
        ck_assert_ptr_null(t);
        ck_assert_ptr_nonnull(test_log_find(CRED ":4: \"luks = yes\": the unit name of the LUN's device"));

        ck_assert_int_ge(asprintf(&text, "target = %s\nportal = 192.0.2.1\nmount = /mnt/x\n", iqn), 0);
        ck_assert_int_eq(parse_target("t1", text, &plain), 0);
        free(text);
        ck_assert_int_ge(asprintf(&text, "target = %s\nportal = 192.0.2.1\nmount = /mnt/x\nluks = yes\n"
                                  "what = UUID=0b1c2d3e-0000-4000-8000-00000000000a\n", iqn), 0);
        ck_assert_int_eq(parse_target("t1", text, &named), 0);
        free(text);
}
END_TEST

START_TEST(test_all_problems_reported)
{
        /* checking goes on past the first problem: one error per broken rule */
        Target *t = NULL;

        test_log_capture_start();
        ck_assert_int_eq(parse_target("t1",
                                      "target = iqn.2001-13.com.example\n"
                                      "portal = 192.0.2.1:0\n"
                                      "lun = 16384\n"
                                      "bogus = 1\n"
                                      "fstype = ext4\n",
                                      &t),
                         -EINVAL);
        test_log_capture_stop();
        target_free(t);
        ck_assert_uint_eq(test_log_count(LOG_ERR), 5);
        for (unsigned line = 1; line <= 5; line++) {
                char prefix[64];

                snprintf(prefix, sizeof prefix, CRED ":%u: ", line);
                ck_assert_msg(test_log_find(prefix), "no message for line %u", line);
        }
}
END_TEST

/* ---- aliases ----------------------------------------------------------- */

static const struct {
        const char *alias;
        bool valid;
} aliases[] = {
        { "t1", true },
        { "a", true },
        { "0", true },
        { "_", true },
        { "Disk_0-a", true },
        { "a-", true },
        { "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", true },  /* 64 */
        { "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", false }, /* 65 */
        { "", false },
        { "-a", false },
        { "a.b", false },
        { "a:b", false },
        { "a/b", false },
        { "a b", false },
        { "a@b", false },
        { "a\\x2d", false },
        { "caf\xc3\xa9", false },
};

START_TEST(test_alias)
{
        ck_assert_msg(alias_is_valid(aliases[_i].alias) == aliases[_i].valid, "alias_is_valid(\"%s\") should be %d",
                      aliases[_i].alias, aliases[_i].valid);

        if (!aliases[_i].valid) {
                Target *t = NULL;

                test_log_capture_start();
                ck_assert_int_eq(parse_target(aliases[_i].alias, B, &t), -EINVAL);
                test_log_capture_stop();
                ck_assert_uint_ge(test_log_count(LOG_ERR), 1);
                target_free(t);
        }
}
END_TEST

/* ---- derived names ----------------------------------------------------- */

START_TEST(test_login_unit)
{
        _cleanup_(target_freep) Target *t = NULL;
        _cleanup_free_ char *u = NULL;

        ck_assert_int_eq(parse_target("db-01", B, &t), 0);
        u = target_login_unit(t);
        ck_assert_str_eq(u, "iscsi-creds-login@db-01.service");
}
END_TEST

START_TEST(test_auth_credential)
{
        _cleanup_(target_freep) Target *own = NULL, *shared = NULL;
        _cleanup_free_ char *a = NULL, *b = NULL;
        const char *fallback = (const char *) 1;

        ck_assert_int_eq(parse_target("t1", B, &own), 0);
        ck_assert_int_eq(target_auth_credential(own, &a, &fallback), 0);
        ck_assert_str_eq(a, "iscsi.auth.t1");
        ck_assert_ptr_nonnull(fallback);
        ck_assert_str_eq(fallback, "iscsi.auth");

        fallback = (const char *) 1;
        ck_assert_int_eq(parse_target("t1", B "auth = shared\n", &shared), 0);
        ck_assert_int_eq(target_auth_credential(shared, &b, &fallback), 0);
        ck_assert_str_eq(b, "iscsi.auth.shared");
        ck_assert_ptr_null(fallback);
}
END_TEST

static Suite *target_suite(void) {
        Suite *s = suite_create("target");
        TCase *tc;

        tc = tcase_create("good");
        tcase_add_test(tc, test_defaults);
        tcase_add_test(tc, test_every_key);
        tcase_add_test(tc, test_other_names);
        tcase_add_test(tc, test_ranges_good);
        tcase_add_loop_test(tc, test_mount_normalized, 0, (int) ELEMENTSOF(mounts));
        tcase_add_loop_test(tc, test_nofail, 0, (int) ELEMENTSOF(nofail_cases));
        tcase_add_loop_test(tc, test_device_timeout, 0, (int) ELEMENTSOF(timeouts));
        tcase_add_test(tc, test_value_255);
        tcase_add_test(tc, test_tuning_keys);
        tcase_add_test(tc, test_multipath_what);
        tcase_add_test(tc, test_discovery);
        tcase_add_loop_test(tc, test_initiator_name, 0, (int) ELEMENTSOF(initiator_cases));
        tcase_add_loop_test(tc, test_initiator_bad_bytes, 0, (int) ELEMENTSOF(initiator_bad_bytes));
        suite_add_tcase(s, tc);

        tc = tcase_create("bad");
        tcase_add_loop_test(tc, test_bad, 0, (int) ELEMENTSOF(bad));
        tcase_add_test(tc, test_unknown_key_named);
        tcase_add_test(tc, test_mount_name_too_long);
        tcase_add_test(tc, test_option_named);
        tcase_add_test(tc, test_automount_name_too_long);
        tcase_add_test(tc, test_luks_device_name_too_long);
        tcase_add_test(tc, test_all_problems_reported);
        suite_add_tcase(s, tc);

        tc = tcase_create("alias");
        tcase_add_loop_test(tc, test_alias, 0, (int) ELEMENTSOF(aliases));
        tcase_add_test(tc, test_login_unit);
        tcase_add_test(tc, test_auth_credential);
        suite_add_tcase(s, tc);

        return s;
}

int main(void) {
        return test_run_suite(target_suite());
}
