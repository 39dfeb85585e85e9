/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "secret.h"
#include "spawn.h"

extern char **environ;

static usec_t now_usec(void) {
        struct timespec ts;

        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (usec_t) ts.tv_sec * USEC_PER_SEC + (usec_t) ts.tv_nsec / 1000;
}

void spawn_result_done(SpawnResult *r) {
        r->out = erase_and_free(r->out);
        free(r->err);
        r->err = NULL;
        r->out_size = 0;
}

static _Noreturn void child(char *const argv[], char *const envp[], int out_fd, int err_fd) {
        int null_fd = open("/dev/null", O_RDWR | O_CLOEXEC);

        if (null_fd < 0 || dup2(null_fd, STDIN_FILENO) < 0)
                _exit(127);
        if (out_fd >= 0 && dup2(out_fd, STDOUT_FILENO) < 0)
                _exit(127);
        if (err_fd >= 0 && dup2(err_fd, STDERR_FILENO) < 0)
                _exit(127);
        (void) signal(SIGPIPE, SIG_DFL);
        execve(argv[0], argv, envp ?: environ);
        _exit(127);
}

/* Append what is readable on @fd to @buf. Returns 0 on EOF, 1 if more may
 * come, <0 on error. */
static int drain(int fd, char **buf, size_t *size, size_t max) {
        char tmp[4096];
        ssize_t n;
        char *b;

        n = read(fd, tmp, sizeof tmp);
        if (n < 0)
                return errno == EINTR || errno == EAGAIN ? 1 : -errno;
        if (n == 0)
                return 0;
        if (*size + (size_t) n > max) {
                explicit_bzero(tmp, sizeof tmp);
                return -EFBIG;
        }
        /* Grow by copy so the old block can be wiped: stdout may be a secret. */
        b = malloc(*size + (size_t) n + 1);
        if (!b) {
                explicit_bzero(tmp, sizeof tmp);
                return -ENOMEM;
        }
        if (*buf)
                memcpy(b, *buf, *size);
        memcpy(b + *size, tmp, (size_t) n);
        explicit_bzero(tmp, sizeof tmp);
        *size += (size_t) n;
        b[*size] = '\0';
        erase_and_free(*buf);
        *buf = b;
        return 1;
}

static int wait_child(pid_t pid, usec_t deadline, int *ret_status) {
        for (;;) {
                int st;
                pid_t p = waitpid(pid, &st, WNOHANG);

                if (p < 0 && errno != EINTR)
                        return -errno;
                if (p == pid) {
                        if (!WIFEXITED(st))
                                return -ECHILD;
                        *ret_status = WEXITSTATUS(st);
                        return 0;
                }
                if (now_usec() >= deadline) {
                        (void) kill(pid, SIGKILL);
                        (void) waitpid(pid, NULL, 0);
                        return -ETIMEDOUT;
                }
                (void) nanosleep(&(struct timespec) { .tv_nsec = 5 * 1000 * 1000 }, NULL);
        }
}

int spawn_run(char *const argv[], char *const envp[], int capture, size_t max_output, usec_t timeout,
              SpawnResult *ret) {
        int out_pipe[2] = { -1, -1 }, err_pipe[2] = { -1, -1 };
        usec_t deadline = now_usec() + timeout;
        size_t err_size = 0;
        int r = 0;
        pid_t pid;

        *ret = (SpawnResult) {};

        if (capture && (pipe2(out_pipe, O_CLOEXEC) < 0 || pipe2(err_pipe, O_CLOEXEC) < 0)) {
                r = -errno;
                goto finish;
        }

        pid = fork();
        if (pid < 0) {
                r = -errno;
                goto finish;
        }
        if (pid == 0)
                child(argv, envp, out_pipe[1], err_pipe[1]);

        if (capture) {
                struct pollfd fds[2] = {
                        { .fd = out_pipe[0], .events = POLLIN },
                        { .fd = err_pipe[0], .events = POLLIN },
                };
                int open_fds = 2;

                close(out_pipe[1]);
                close(err_pipe[1]);
                out_pipe[1] = err_pipe[1] = -1;

                while (open_fds > 0 && r >= 0) {
                        usec_t n = now_usec();
                        int k;

                        if (n >= deadline)
                                break;
                        k = poll(fds, 2, (int) ((deadline - n) / USEC_PER_MSEC) + 1);
                        if (k < 0 && errno != EINTR) {
                                r = -errno;
                                break;
                        }
                        for (int i = 0; i < 2 && k > 0; i++) {
                                if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR)))
                                        continue;
                                k = i == 0 ? drain(fds[i].fd, &ret->out, &ret->out_size, max_output)
                                           : drain(fds[i].fd, &ret->err, &err_size, max_output);
                                if (k < 0)
                                        r = k;
                                else if (k == 0) {
                                        fds[i].fd = -1;
                                        open_fds--;
                                }
                                k = 1;
                        }
                }
                if (r < 0)
                        (void) kill(pid, SIGKILL);
        }

        {
                int k = wait_child(pid, r < 0 ? 0 : deadline, &ret->status);

                if (r == 0)
                        r = k;
        }

finish:
        for (int i = 0; i < 2; i++) {
                if (out_pipe[i] >= 0)
                        close(out_pipe[i]);
                if (err_pipe[i] >= 0)
                        close(err_pipe[i]);
        }
        if (r < 0)
                spawn_result_done(ret);
        return r;
}
