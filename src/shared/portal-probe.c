/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "portal-probe.h"

/* A non-blocking connect(2) under way: returns the socket, or -errno if it
 * failed at once (ECONNREFUSED on loopback, ENETUNREACH without a route). */
static int connect_start(const Portal *p) {
        struct sockaddr_storage sa = {};
        socklen_t len;
        int fd;

        if (p->family == AF_INET6) {
                struct sockaddr_in6 *s6 = (struct sockaddr_in6 *) &sa;

                s6->sin6_family = AF_INET6;
                s6->sin6_port = htons(p->port);
                if (inet_pton(AF_INET6, p->address, &s6->sin6_addr) != 1)
                        return -EINVAL;
                len = sizeof *s6;
        } else {
                struct sockaddr_in *s4 = (struct sockaddr_in *) &sa;

                s4->sin_family = AF_INET;
                s4->sin_port = htons(p->port);
                if (inet_pton(AF_INET, p->address, &s4->sin_addr) != 1)
                        return -EINVAL;
                len = sizeof *s4;
        }
        fd = socket(p->family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_TCP);
        if (fd < 0)
                return -errno;
        if (connect(fd, (struct sockaddr *) &sa, len) == 0 || errno == EINPROGRESS)
                return fd;
        int r = -errno;
        close(fd);
        return r;
}

int portal_probe_all(const Portal *portals, size_t n, usec_t timeout, int *ret_errors) {
        struct pollfd pfd[PORTAL_PROBE_MAX];
        usec_t deadline = now_usec(CLOCK_MONOTONIC) + timeout;
        size_t pending = 0, answered = 0;

        if (n == 0 || n > PORTAL_PROBE_MAX)
                return -EINVAL;
        for (size_t i = 0; i < n; i++) {
                int fd = connect_start(&portals[i]);

                pfd[i] = (struct pollfd) { .fd = fd < 0 ? -1 : fd, .events = POLLOUT };
                ret_errors[i] = fd < 0 ? fd : -ETIMEDOUT;
                pending += fd >= 0;
        }
        while (pending > 0) {
                usec_t now = now_usec(CLOCK_MONOTONIC);
                int k;

                if (now >= deadline)
                        break;
                k = poll(pfd, n, (int) ((deadline - now + USEC_PER_MSEC - 1) / USEC_PER_MSEC));
                if (k < 0 && errno == EINTR)
                        continue;
                if (k <= 0)
                        break;
                for (size_t i = 0; i < n; i++) {
                        int error = 0;
                        socklen_t len = sizeof error;

                        if (pfd[i].fd < 0 || pfd[i].revents == 0)
                                continue;
                        /* The outcome of a non-blocking connect(2): SO_ERROR (connect(2), EINPROGRESS). */
                        if (getsockopt(pfd[i].fd, SOL_SOCKET, SO_ERROR, &error, &len) < 0)
                                error = errno;
                        ret_errors[i] = -error;
                        answered += error == 0;
                        close(pfd[i].fd);
                        pfd[i].fd = -1;
                        pending--;
                }
        }
        for (size_t i = 0; i < n; i++)
                if (pfd[i].fd >= 0)
                        close(pfd[i].fd);
        return (int) answered;
}

const char *portal_probe_error_string(int error) {
        switch (-error) {
        case 0:
                return "answers";
        case ECONNREFUSED:
                return "connection refused";
        case ETIMEDOUT:
                return "no answer";
        case EHOSTUNREACH:
                return "no route to host";
        case ENETUNREACH:
                return "network unreachable";
        default:
                return strerror(-error);
        }
}
