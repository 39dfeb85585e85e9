/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include <check.h>
#include <errno.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "portal-probe.h"
#include "test-util.h"

/* A TCP socket on the loopback address of @family, port chosen by the
 * kernel; listening when @listen_too. Returns the fd, the port in @ret_port,
 * or -1 when the address family is not available here (no IPv6). */
static int loopback_socket(int family, bool listen_too, uint16_t *ret_port) {
        struct sockaddr_storage sa = {};
        socklen_t len = family == AF_INET6 ? sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in);
        int fd = socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0);

        if (fd < 0)
                return -1;
        sa.ss_family = family;
        if (family == AF_INET6)
                ((struct sockaddr_in6 *) &sa)->sin6_addr = in6addr_loopback;
        else
                ((struct sockaddr_in *) &sa)->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        if (bind(fd, (struct sockaddr *) &sa, len) < 0 || (listen_too && listen(fd, 4) < 0) ||
            getsockname(fd, (struct sockaddr *) &sa, &len) < 0) {
                close(fd);
                return -1;
        }
        *ret_port = ntohs(family == AF_INET6 ? ((struct sockaddr_in6 *) &sa)->sin6_port :
                                               ((struct sockaddr_in *) &sa)->sin_port);
        return fd;
}

static Portal portal_at(const char *text) {
        const char *reason;
        Portal p;

        ck_assert_int_eq(portal_parse(text, &p, &reason), 0);
        return p;
}

/* One portal listening, one bound but not listening (refused at once on
 * loopback), IPv6 too when the machine has it: each gets its own answer. */
START_TEST(test_probe_listening_and_refused)
{
        uint16_t up4, down4, up6 = 0;
        int l4 = loopback_socket(AF_INET, true, &up4), c4 = loopback_socket(AF_INET, false, &down4);
        int l6 = loopback_socket(AF_INET6, true, &up6);
        char text[64];
        Portal p[3];
        int errors[3], n = 2;

        ck_assert_int_ge(l4, 0);
        ck_assert_int_ge(c4, 0);
        snprintf(text, sizeof text, "127.0.0.1:%u", up4);
        p[0] = portal_at(text);
        snprintf(text, sizeof text, "127.0.0.1:%u", down4);
        p[1] = portal_at(text);
        if (l6 >= 0) {
                snprintf(text, sizeof text, "[::1]:%u", up6);
                p[n++] = portal_at(text);
        }
        ck_assert_int_eq(portal_probe_all(p, n, PORTAL_PROBE_TIMEOUT, errors), n - 1);
        ck_assert_int_eq(errors[0], 0);
        ck_assert_int_eq(errors[1], -ECONNREFUSED);
        ck_assert_str_eq(portal_probe_error_string(errors[1]), "connection refused");
        if (l6 >= 0) {
                ck_assert_int_eq(errors[2], 0);
                close(l6);
        }
        close(l4);
        close(c4);
}
END_TEST

/* A listener that never accepts, its accept queue filled by connections
 * kept open: Linux drops further SYNs (tcp_conn_request(), queue full), so
 * only the probe's own timeout ends the wait, with -ETIMEDOUT. */
START_TEST(test_probe_timeout_bounded)
{
        struct sockaddr_in sa = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
        int l, fill[4], errors[1], r;
        uint16_t port;
        char text[32];
        usec_t t0, t;
        Portal p;

        l = loopback_socket(AF_INET, false, &port);
        ck_assert_int_ge(l, 0);
        ck_assert_int_eq(listen(l, 0), 0);
        sa.sin_port = htons(port);
        for (size_t i = 0; i < ELEMENTSOF(fill); i++) {
                fill[i] = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
                ck_assert_int_ge(fill[i], 0);
                (void) connect(fill[i], (struct sockaddr *) &sa, sizeof sa);
        }
        snprintf(text, sizeof text, "127.0.0.1:%u", port);
        p = portal_at(text);
        t0 = now_usec(CLOCK_MONOTONIC);
        r = portal_probe_all(&p, 1, 500 * USEC_PER_MSEC, errors);
        t = now_usec(CLOCK_MONOTONIC) - t0;
        ck_assert_int_eq(r, 0);
        ck_assert_int_eq(errors[0], -ETIMEDOUT);
        ck_assert_uint_ge(t, 450 * USEC_PER_MSEC);
        ck_assert_uint_lt(t, 3 * USEC_PER_SEC);
        for (size_t i = 0; i < ELEMENTSOF(fill); i++)
                close(fill[i]);
        close(l);
}
END_TEST

START_TEST(test_probe_arguments)
{
        Portal p = portal_at("127.0.0.1:1");
        int errors[1];

        ck_assert_int_eq(portal_probe_all(&p, 0, PORTAL_PROBE_TIMEOUT, errors), -EINVAL);
        ck_assert_int_eq(portal_probe_all(&p, PORTAL_PROBE_MAX + 1, PORTAL_PROBE_TIMEOUT, errors), -EINVAL);
        ck_assert_str_eq(portal_probe_error_string(-ETIMEDOUT), "no answer");
        ck_assert_str_eq(portal_probe_error_string(-EHOSTUNREACH), "no route to host");
}
END_TEST

static Suite *portal_probe_suite(void) {
        Suite *s = suite_create("portal-probe");
        TCase *tc = tcase_create("probe");

        tcase_add_test(tc, test_probe_listening_and_refused);
        tcase_add_test(tc, test_probe_timeout_bounded);
        tcase_add_test(tc, test_probe_arguments);
        suite_add_tcase(s, tc);
        return s;
}

int main(void) {
        return test_run_suite(portal_probe_suite());
}
