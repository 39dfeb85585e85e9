/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/pidfd.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "secret.h"
#include "spawn.h"

extern char **environ;

/* One run of a child: our ends of its pipes and what came back. */
typedef struct Spawn {
        pid_t pid;
        int pidfd;                      /* readable when the child has exited (pidfd_open(2)), or -1 */
        int in_fd, out_fd, err_fd;      /* our ends, or -1 */
        int child_fds[3];               /* the child's stdin, stdout, stderr before the fork, or -1 */
        int exec_fd;                    /* reads the child's errno if execve() fails; EOF on success */
        int exec_write_fd;              /* the child's end of it */
        const char *input;
        size_t input_size, input_done;
        SecretBuf out, err;             /* stdout may be a secret: wiped as it grows */
        size_t max_output;
        usec_t deadline;
} Spawn;

static void sleep_usec(usec_t u) {
        (void) nanosleep(&(struct timespec) { .tv_sec = (time_t) (u / USEC_PER_SEC),
                                              .tv_nsec = (long) (u % USEC_PER_SEC) * 1000 }, NULL);
}

static void close_fd(int *fd) {
        if (*fd >= 0)
                close(*fd);
        *fd = -1;
}

void spawn_result_done(SpawnResult *r) {
        r->out = erase_and_free(r->out);
        free(r->err);
        r->err = NULL;
        r->out_size = 0;
}

int spawn_close_fds_proc(int from) {
        char buf[4096];
        int dir, r = 0;
        long n;

        /* Only async-signal-safe calls (this runs between fork and exec): no opendir(). */
        dir = open("/proc/self/fd", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (dir < 0)
                return -errno;
        while ((n = getdents64(dir, buf, sizeof buf)) > 0)
                for (long off = 0; off < n;) {
                        struct dirent64 *de = (struct dirent64 *) (buf + off);
                        int fd = 0;
                        const char *p;

                        off += de->d_reclen;
                        for (p = de->d_name; *p >= '0' && *p <= '9'; p++)
                                fd = fd * 10 + (*p - '0');
                        if (p == de->d_name || *p != '\0' || fd < from || fd == dir)
                                continue;
                        (void) close(fd);
                }
        if (n < 0)
                r = -errno;
        close(dir);
        return r;
}

/* Where the child keeps the errno report channel until execve() closes it (O_CLOEXEC). */
#define CHILD_EXEC_FD 3

/* In the child: make @fds (stdin, stdout, stderr; -1 keeps ours) fds 0-2 and
 * *exec_fd fd 3 (close-on-exec), and close every other descriptor, whatever
 * its O_CLOEXEC flag says. */
static int child_setup_fds(int fds[3], int *exec_fd) {
        /* First move all four above 3, so that placing one cannot clobber another. */
        for (int i = 0; i < 3; i++)
                if (fds[i] >= 0 && (fds[i] = fcntl(fds[i], F_DUPFD_CLOEXEC, CHILD_EXEC_FD + 1)) < 0)
                        return -errno;
        if ((*exec_fd = fcntl(*exec_fd, F_DUPFD_CLOEXEC, CHILD_EXEC_FD + 1)) < 0)
                return -errno;
        for (int i = 0; i < 3; i++)
                if (fds[i] >= 0 && dup2(fds[i], i) < 0)
                        return -errno;
        if (dup3(*exec_fd, CHILD_EXEC_FD, O_CLOEXEC) < 0)
                return -errno;
        *exec_fd = CHILD_EXEC_FD;
        /* close_range(2), Linux 5.9; else walk /proc/self/fd. */
        if (close_range(CHILD_EXEC_FD + 1, ~0U, 0) == 0)
                return 0;
        return spawn_close_fds_proc(CHILD_EXEC_FD + 1);
}

/* In the child, after fork(): never returns. If execve() fails, its errno
 * goes to the parent over exec_fd. */
static _Noreturn void child(const Spawn *s, char *const argv[], char *const envp[], const sigset_t *mask) {
        int fds[3] = { s->child_fds[0], s->child_fds[1], s->child_fds[2] };
        int exec_fd = s->exec_write_fd, err;

        /* Its own process group, so that a timeout can kill its children too. */
        if (setpgid(0, 0) < 0 || (fds[0] < 0 && (fds[0] = open("/dev/null", O_RDONLY | O_CLOEXEC)) < 0) ||
            child_setup_fds(fds, &exec_fd) < 0)
                goto fail;
        (void) signal(SIGPIPE, SIG_DFL);
        (void) sigprocmask(SIG_SETMASK, mask, NULL);
        execve(argv[0], argv, envp ?: environ);
fail:
        err = errno;
        (void) !write(exec_fd, &err, sizeof err);
        _exit(127);
}

/* Append what is readable on *@fd to @buf, closing *@fd at EOF. Returns 0
 * at EOF, 1 if more may come, <0 on error. */
static int drain(int *fd, SecretBuf *buf, size_t max) {
        char tmp[4096];
        ssize_t n;
        int r;

        n = read(*fd, tmp, sizeof tmp);
        if (n < 0)
                return errno == EINTR || errno == EAGAIN ? 1 : -errno;
        if (n == 0) {
                close_fd(fd);
                return 0;
        }
        r = (size_t) n > max - buf->size ? -EFBIG : secret_buf_append(buf, tmp, (size_t) n);
        explicit_bzero(tmp, (size_t) n);
        return r < 0 ? r : 1;
}

/* Write as much of the input as the pipe takes now, closing it when all is
 * written. SIGPIPE is blocked; a reader that went away is EPIPE, and the
 * pending SIGPIPE is consumed. Returns 1 while more is left, 0 when all
 * was written, <0 on error. */
static int feed(Spawn *s) {
        ssize_t n;

        if (s->input_done < s->input_size) {
                n = write(s->in_fd, s->input + s->input_done, s->input_size - s->input_done);
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
                s->input_done += (size_t) n;
        }
        if (s->input_done < s->input_size)
                return 1;
        close_fd(&s->in_fd);
        return 0;
}

/* Whether the child has exited, without reaping it: a zombie keeps its
 * process group ID from being reused until we have killed the group. Waits
 * until @deadline on its pidfd; without one (pidfd_open(2) is Linux 5.3),
 * polls with a growing pause. A poll every few ms for the whole of an
 * iscsiadm login cost the helper more CPU than iscsiadm itself under qemu
 * TCG (issue 14). Returns true if it exited. */
static bool wait_exited(const Spawn *s, usec_t deadline) {
        usec_t pause = USEC_PER_MSEC;

        for (;;) {
                siginfo_t si = {};
                usec_t n;

                if (waitid(P_PID, (id_t) s->pid, &si, WEXITED | WNOHANG | WNOWAIT) < 0 && errno != EINTR)
                        return true;    /* ECHILD: nothing left to wait for */
                if (si.si_pid == s->pid)
                        return true;
                n = now_usec(CLOCK_MONOTONIC);
                if (n >= deadline)
                        return false;
                if (s->pidfd >= 0) {
                        struct pollfd p = { .fd = s->pidfd, .events = POLLIN };

                        (void) poll(&p, 1, (int) ((deadline - n) / USEC_PER_MSEC) + 1);
                        continue;
                }
                sleep_usec(pause < deadline - n ? pause : deadline - n);
                if (pause < 100 * USEC_PER_MSEC)
                        pause *= 2;
        }
}

/* SIGTERM (and SIGCONT, for a stopped one) to the child's process group,
 * SPAWN_KILL_GRACE for the child to exit, then SIGKILL to whatever is left
 * of the group, as systemd.kill(5) does for a unit. */
static void terminate_group(const Spawn *s) {
        (void) kill(-s->pid, SIGTERM);
        (void) kill(-s->pid, SIGCONT);
        (void) wait_exited(s, now_usec(CLOCK_MONOTONIC) + SPAWN_KILL_GRACE);
        (void) kill(-s->pid, SIGKILL);
}

/* Pipes for the child's stdio (as asked) and the exec report channel, all O_CLOEXEC. */
static int make_pipes(Spawn *s, int capture) {
        int p[2];

        if (capture) {
                if (pipe2(p, O_CLOEXEC) < 0)
                        return -errno;
                s->out_fd = p[0], s->child_fds[1] = p[1];
                if (pipe2(p, O_CLOEXEC) < 0)
                        return -errno;
                s->err_fd = p[0], s->child_fds[2] = p[1];
        }
        if (s->input) {
                if (pipe2(p, O_CLOEXEC) < 0)
                        return -errno;
                s->child_fds[0] = p[0], s->in_fd = p[1];
        }
        if (pipe2(p, O_CLOEXEC) < 0)
                return -errno;
        s->exec_fd = p[0], s->exec_write_fd = p[1];
        return 0;
}

/* Wait for the child's execve(): EOF on the report channel means it ran.
 * Returns 0, or the child's -errno (the child is reaped then). */
static int check_exec(Spawn *s) {
        int err = 0;
        ssize_t n;

        close_fd(&s->exec_write_fd);
        do
                n = read(s->exec_fd, &err, sizeof err);
        while (n < 0 && errno == EINTR);
        close_fd(&s->exec_fd);
        if (n <= 0)
                return 0;
        (void) waitpid(s->pid, NULL, 0);
        s->pid = 0;
        return n == sizeof err && err > 0 ? -err : -EIO;
}

/* Fork and exec the child, with SIGPIPE blocked in the caller while there
 * is input to write. Returns 0 or -errno (nothing left running then). */
static int spawn_start(Spawn *s, char *const argv[], char *const envp[], int capture, const sigset_t *old_mask) {
        sigset_t pipe_set;
        int r;

        r = make_pipes(s, capture);
        if (r < 0)
                return r;
        /* A child that exits without reading must not kill us with SIGPIPE. */
        sigemptyset(&pipe_set);
        sigaddset(&pipe_set, SIGPIPE);
        if (s->input && sigprocmask(SIG_BLOCK, &pipe_set, NULL) < 0)
                return -errno;

        s->pid = fork();
        if (s->pid < 0) {
                s->pid = 0;
                return -errno;
        }
        if (s->pid == 0)
                child(s, argv, envp, old_mask);
        /* Not yet reaped, so the PID is still the child's. */
        s->pidfd = pidfd_open(s->pid, 0);

        /* Also here, so that no kill of the group can come before the child's own setpgid(). */
        (void) setpgid(s->pid, s->pid);
        for (int i = 0; i < 3; i++)
                close_fd(&s->child_fds[i]);
        if (s->in_fd >= 0 && fcntl(s->in_fd, F_SETFL, O_NONBLOCK) < 0)
                return -errno;
        return check_exec(s);
}

/* After poll(): feed the input and read the output that are ready. */
static int spawn_io_step(Spawn *s, struct pollfd fds[3]) {
        int r;

        if (fds[2].fd >= 0 && (fds[2].revents & (POLLOUT | POLLERR | POLLHUP))) {
                r = feed(s);
                if (r < 0)
                        return r;
        }
        if (fds[0].fd >= 0 && (fds[0].revents & (POLLIN | POLLHUP | POLLERR))) {
                r = drain(&s->out_fd, &s->out, s->max_output);
                if (r < 0)
                        return r;
        }
        if (fds[1].fd >= 0 && (fds[1].revents & (POLLIN | POLLHUP | POLLERR))) {
                r = drain(&s->err_fd, &s->err, s->max_output);
                if (r < 0)
                        return r;
        }
        return 0;
}

/* Feed the input and capture the output until every pipe is closed.
 * Returns 0; -ETIMEDOUT at the deadline; -EPIPE, -EFBIG, -errno. */
static int spawn_io(Spawn *s) {
        int r;

        /* What the pipe takes at once; the rest as the child reads. */
        if (s->in_fd >= 0) {
                r = feed(s);
                if (r < 0)
                        return r;
        }
        while (s->in_fd >= 0 || s->out_fd >= 0 || s->err_fd >= 0) {
                struct pollfd fds[3] = {
                        { .fd = s->out_fd, .events = POLLIN },
                        { .fd = s->err_fd, .events = POLLIN },
                        { .fd = s->in_fd, .events = POLLOUT },
                };
                usec_t n = now_usec(CLOCK_MONOTONIC);

                if (n >= s->deadline)
                        return -ETIMEDOUT;
                r = poll(fds, ELEMENTSOF(fds), (int) ((s->deadline - n) / USEC_PER_MSEC) + 1);
                if (r < 0 && errno != EINTR)
                        return -errno;
                if (r > 0) {
                        r = spawn_io_step(s, fds);
                        if (r < 0)
                                return r;
                }
        }
        return 0;
}

/* Wait for the child (until the deadline if @r is 0), stop its process group
 * if it is late or @r is an error, and reap it. Returns @r if negative,
 * -ETIMEDOUT if it was late, -ECHILD if a signal ended it, else 0 with its
 * exit status in *@ret_status. */
static int spawn_finish(Spawn *s, int r, int *ret_status) {
        int st;

        if (s->pid <= 0)
                return r;
        if (r >= 0 && !wait_exited(s, s->deadline))
                r = -ETIMEDOUT;
        if (r < 0)
                terminate_group(s);
        while (waitpid(s->pid, &st, 0) < 0 && errno == EINTR)
                ;
        s->pid = 0;
        if (r < 0)
                return r;
        if (!WIFEXITED(st))
                return -ECHILD;
        *ret_status = WEXITSTATUS(st);
        return 0;
}

static void spawn_done(Spawn *s) {
        int *fds[] = { &s->pidfd, &s->in_fd, &s->out_fd, &s->err_fd, &s->exec_fd, &s->exec_write_fd,
                       &s->child_fds[0], &s->child_fds[1], &s->child_fds[2] };

        for (size_t i = 0; i < ELEMENTSOF(fds); i++)
                close_fd(fds[i]);
        secret_buf_done(&s->out);
        secret_buf_done(&s->err);
}

int spawn_run(char *const argv[], char *const envp[], int capture, size_t max_output, usec_t timeout,
              SpawnResult *ret) {
        return spawn_run_with_input(argv, envp, NULL, 0, capture, max_output, timeout, ret);
}

int spawn_run_with_input(char *const argv[], char *const envp[], const char *input, size_t input_size, int capture,
                         size_t max_output, usec_t timeout, SpawnResult *ret) {
        Spawn s = {
                .pidfd = -1, .in_fd = -1, .out_fd = -1, .err_fd = -1, .exec_fd = -1, .exec_write_fd = -1,
                .child_fds = { -1, -1, -1 },
                .input = input, .input_size = input_size,
                .max_output = max_output,
                .deadline = now_usec(CLOCK_MONOTONIC) + timeout,
        };
        sigset_t old_mask;
        int r;

        *ret = (SpawnResult) {};
        (void) sigprocmask(SIG_SETMASK, NULL, &old_mask);
        r = spawn_start(&s, argv, envp, capture, &old_mask);
        if (r >= 0)
                r = spawn_io(&s);
        r = spawn_finish(&s, r, &ret->status);
        /* Restored only now: the last write may have left a SIGPIPE pending. */
        (void) sigprocmask(SIG_SETMASK, &old_mask, NULL);
        if (r >= 0 && capture) {
                ret->out_size = s.out.size;
                ret->out = secret_buf_steal(&s.out);
                ret->err = secret_buf_steal(&s.err);
                if (!ret->out || !ret->err)
                        r = -ENOMEM;
        }
        spawn_done(&s);
        if (r < 0)
                spawn_result_done(ret);
        return r;
}
