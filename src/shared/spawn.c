/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
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

static _Noreturn void child(char *const argv[], char *const envp[], int in_fd, int out_fd, int err_fd) {
        int null_fd = in_fd >= 0 ? in_fd : open("/dev/null", O_RDWR | O_CLOEXEC);

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

/* Write as much of @data as the pipe takes now. SIGPIPE is blocked by the
 * caller; a reader that went away is EPIPE, and the pending SIGPIPE is
 * consumed. Returns 1 while more is left, 0 when all was written, <0 on
 * error. */
static int feed(int fd, const char *data, size_t size, size_t *done) {
        ssize_t n;

        if (*done >= size)
                return 0;
        n = write(fd, data + *done, size - *done);
        if (n < 0) {
                if (errno == EINTR || errno == EAGAIN)
                        return 1;
                if (errno == EPIPE) {
                        sigset_t pipe_set;

                        sigemptyset(&pipe_set);
                        sigaddset(&pipe_set, SIGPIPE);
                        (void) sigtimedwait(&pipe_set, NULL, &(struct timespec) {});
                }
                return -errno;
        }
        *done += (size_t) n;
        return *done < size;
}

int spawn_run(char *const argv[], char *const envp[], int capture, size_t max_output, usec_t timeout,
              SpawnResult *ret) {
        return spawn_run_with_input(argv, envp, NULL, 0, capture, max_output, timeout, ret);
}

int spawn_run_with_input(char *const argv[], char *const envp[], const char *input, size_t input_size, int capture,
                         size_t max_output, usec_t timeout, SpawnResult *ret) {
        int out_pipe[2] = { -1, -1 }, err_pipe[2] = { -1, -1 }, in_pipe[2] = { -1, -1 };
        usec_t deadline = now_usec() + timeout;
        size_t err_size = 0, in_done = 0;
        sigset_t pipe_set, old_set;
        bool sigmask_set = false;
        int r = 0;
        pid_t pid;

        *ret = (SpawnResult) {};

        if (capture && (pipe2(out_pipe, O_CLOEXEC) < 0 || pipe2(err_pipe, O_CLOEXEC) < 0)) {
                r = -errno;
                goto finish;
        }
        if (input) {
                if (pipe2(in_pipe, O_CLOEXEC) < 0) {
                        r = -errno;
                        goto finish;
                }
                /* A child that exits without reading must not kill us with SIGPIPE. */
                sigemptyset(&pipe_set);
                sigaddset(&pipe_set, SIGPIPE);
                if (sigprocmask(SIG_BLOCK, &pipe_set, &old_set) < 0) {
                        r = -errno;
                        goto finish;
                }
                sigmask_set = true;
        }

        pid = fork();
        if (pid < 0) {
                r = -errno;
                goto finish;
        }
        if (pid == 0) {
                if (sigmask_set)
                        (void) sigprocmask(SIG_SETMASK, &old_set, NULL);
                child(argv, envp, in_pipe[0], out_pipe[1], err_pipe[1]);
        }

        if (input) {
                close(in_pipe[0]);
                in_pipe[0] = -1;
                if (fcntl(in_pipe[1], F_SETFL, O_NONBLOCK) < 0)
                        r = -errno;
        }

        if (capture || input) {
                struct pollfd fds[3] = {
                        { .fd = capture ? out_pipe[0] : -1, .events = POLLIN },
                        { .fd = capture ? err_pipe[0] : -1, .events = POLLIN },
                        { .fd = in_pipe[1], .events = POLLOUT },
                };
                int open_fds = capture ? 2 : 0;

                if (capture) {
                        close(out_pipe[1]);
                        close(err_pipe[1]);
                        out_pipe[1] = err_pipe[1] = -1;
                }

                /* Feed what the pipe takes at once; the rest as the child reads. */
                if (input && r >= 0) {
                        int k = feed(in_pipe[1], input, input_size, &in_done);

                        if (k < 0)
                                r = k;
                        else if (k > 0)
                                open_fds++;
                        else {
                                close(in_pipe[1]);
                                in_pipe[1] = fds[2].fd = -1;
                        }
                }

                while (open_fds > 0 && r >= 0) {
                        usec_t n = now_usec();
                        int k;

                        if (n >= deadline)
                                break;
                        k = poll(fds, 3, (int) ((deadline - n) / USEC_PER_MSEC) + 1);
                        if (k < 0 && errno != EINTR) {
                                r = -errno;
                                break;
                        }
                        if (k > 0 && fds[2].fd >= 0 && (fds[2].revents & (POLLOUT | POLLERR | POLLHUP))) {
                                int w = feed(fds[2].fd, input, input_size, &in_done);

                                if (w < 0) {
                                        r = w;
                                        break;
                                }
                                if (w == 0) {
                                        close(in_pipe[1]);
                                        in_pipe[1] = fds[2].fd = -1;
                                        open_fds--;
                                }
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
                if (in_pipe[i] >= 0)
                        close(in_pipe[i]);
        }
        if (sigmask_set)
                (void) sigprocmask(SIG_SETMASK, &old_set, NULL);
        if (r < 0)
                spawn_result_done(ret);
        return r;
}
