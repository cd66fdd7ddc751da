/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * launch.c: where a device model's files live, which accelerator this host
 * gets, and starting QEMU detached until its QMP socket answers.
 */
#include "dm/dm.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <yajl/yajl_gen.h>
#include <unistd.h>

#include "dm/internal.h"
#include "dm/qmp.h"
#include "lib/paths.h"

const char *dm_qemu_path(void)
{
    const char *q = getenv("PVSTACK_QEMU");

    return q && *q ? q : "qemu-system-x86_64";
}

static int host_kvm_boots_guests(void)
{
    struct stat st;
    int fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);

    if (fd < 0)
        return 0;
    close(fd);
    /*
     * kvm_pvm runs guests nested; a Linux kernel under QEMU/KVM stalls there
     * (measured: no serial output in minutes) while TCG boots it in ~2 s.
     */
    if (stat("/sys/module/kvm_pvm", &st) == 0)
        return 0;
    return 1;
}

const char *dm_accel_choose(const char *want)
{
    const char *env = getenv("PVSTACK_DM_ACCEL");

    if (want && *want)
        return !strcmp(want, "kvm")   ? "kvm"
               : !strcmp(want, "tcg") ? "tcg"
                                      : NULL;
    if (env && *env)
        return !strcmp(env, "kvm") ? "kvm" : !strcmp(env, "tcg") ? "tcg" : NULL;
    return host_kvm_boots_guests() ? "kvm" : "tcg";
}

static int fmt_path(char *buf, size_t len, const char *fmt, const char *arg,
                    uint32_t domid)
{
    char rel[512];
    int n = arg ? snprintf(rel, sizeof(rel), fmt, arg)
                : snprintf(rel, sizeof(rel), fmt, domid);

    if (n < 0 || (size_t)n >= sizeof(rel))
        return -ENAMETOOLONG;
    return paths_get(buf, len, rel);
}

int dm_qmp_path(uint32_t domid, char *buf, size_t len)
{
    return fmt_path(buf, len, "/run/xen/qmp-libxl-%u", NULL, domid);
}

int dm_event_path(uint32_t domid, char *buf, size_t len)
{
    return fmt_path(buf, len, "/run/xen/qmp-event-%u", NULL, domid);
}

int dm_pid_path(uint32_t domid, char *buf, size_t len)
{
    return fmt_path(buf, len, "/run/xen/qemu-dm-%u.pid", NULL, domid);
}

int dm_shut_path(uint32_t domid, char *buf, size_t len)
{
    return fmt_path(buf, len, "/run/xen/qemu-dm-%u.shutdown", NULL, domid);
}

int dm_log_path(const char *name, char *buf, size_t len)
{
    if (!name || !*name || strchr(name, '/'))
        return -EINVAL;
    return fmt_path(buf, len, "/var/log/xen/qemu-dm-%s.log", name, 0);
}

/* The last non-empty line QEMU logged: its own reason for exiting. */
static void log_last_line(const char *log_path, off_t from, char *out,
                          size_t len)
{
    char buf[4096], *p, *end;
    ssize_t n;
    int fd = open(log_path, O_RDONLY | O_CLOEXEC);

    out[0] = '\0';
    if (fd < 0)
        return;
    n = pread(fd, buf, sizeof(buf) - 1, from);
    close(fd);
    if (n <= 0)
        return;
    buf[n] = '\0';
    end = buf + n;
    while (end > buf && (end[-1] == '\n' || end[-1] == '\r'))
        *--end = '\0';
    p = strrchr(buf, '\n');
    p = p ? p + 1 : buf;
    n = (ssize_t)strlen(p);
    if ((size_t)n >= len)
        n = (ssize_t)len - 1;
    memcpy(out, p, (size_t)n);
    out[n] = '\0';
}

/* In the child: become QEMU, or say why not in the log and exit 127. */
static void exec_qemu(char **argv, int logfd, const struct dm_config *c)
{
    int nullfd = open("/dev/null", O_RDONLY);
    size_t i;

    setsid();
    if (nullfd >= 0)
        dup2(nullfd, 0);
    dup2(logfd, 1);
    dup2(logfd, 2);
    for (i = 0; i < c->nr_nics; i++) {
        int fd = c->nics[i].tap_fd;

        /* The taps are O_CLOEXEC in our hands; QEMU must inherit them. */
        if (fd >= 0)
            fcntl(fd, F_SETFD, 0);
    }
    signal(SIGPIPE, SIG_DFL);
    execvp(argv[0], argv);
    dprintf(2, "%s: %s\n", argv[0], strerror(errno));
    _exit(127);
}

static void kill_wait(pid_t pid)
{
    kill(pid, SIGKILL);
    while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
        ;
}

static int launch_fail(char *err, size_t errlen, int rc, const char *fmt,
                       const char *a, const char *b)
{
    if (err && errlen)
        snprintf(err, errlen, fmt, a, b);
    return rc;
}

/* libxl's device_model_postconfig_vnc_passwd: -vnc ...,password=on
 * refuses everyone until the password is set. */
static int vnc_password(const struct dm_config *c, struct qmp *q, char *err,
                        size_t errlen)
{
    const unsigned char *js;
    char *args = NULL;
    size_t jl;
    yajl_gen g;
    int rc;

    if (c->vnc <= 0 || !c->vncpasswd || !*c->vncpasswd)
        return 0;
    g = yajl_gen_alloc(NULL);
    if (!g)
        return -ENOMEM;
    if (yajl_gen_map_open(g) != yajl_gen_status_ok ||
        yajl_gen_string(g, (const unsigned char *)"password", 8) !=
            yajl_gen_status_ok ||
        yajl_gen_string(g, (const unsigned char *)c->vncpasswd,
                        strlen(c->vncpasswd)) != yajl_gen_status_ok ||
        yajl_gen_map_close(g) != yajl_gen_status_ok ||
        yajl_gen_get_buf(g, &js, &jl) != yajl_gen_status_ok ||
        !(args = strndup((const char *)js, jl))) {
        yajl_gen_free(g);
        return launch_fail(err, errlen, -EINVAL, "vncpasswd: %s%s",
                           "not a valid UTF-8 string", "");
    }
    yajl_gen_free(g);
    rc = qmp_execute(q, "change-vnc-password", args, 5000, NULL);
    free(args);
    if (rc)
        launch_fail(err, errlen, rc, "vncpasswd: QEMU refused it: %s%s",
                    strerror(-rc), "");
    return rc;
}

int dm_launch(const struct dm_config *c, const char *log_path, int timeout_ms,
              pid_t *pid_out, char *err, size_t errlen)
{
    struct dm_argv argv;
    struct timespec tick = {0, 20 * 1000 * 1000};
    struct qmp *q = NULL;
    char last[512];
    off_t log_start;
    int logfd = -1, status, waited = 0, rc;
    pid_t pid = -1;

    *pid_out = -1;
    rc = dm_argv_build(c, &argv, err, errlen);
    if (rc)
        goto out;
    if (paths_mkdir("/run/xen", 0755) || paths_mkdir("/var/log/xen", 0755)) {
        rc = launch_fail(err, errlen, -EIO, "cannot create %s%s", paths_root(),
                         "/run/xen or /var/log/xen");
        goto out;
    }
    unlink(c->qmp_path);
    if (c->event_path)
        unlink(c->event_path);
    logfd = open(log_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (logfd < 0) {
        rc = -errno;
        launch_fail(err, errlen, rc, "%s: %s", log_path, strerror(-rc));
        goto out;
    }
    log_start = lseek(logfd, 0, SEEK_END);
    pid = fork();
    if (pid < 0) {
        rc = -errno;
        goto out;
    }
    if (pid == 0)
        exec_qemu(argv.v, logfd, c);
    /* Until QMP answers, QEMU may still fail on its options: watch both. */
    for (;;) {
        pid_t w = waitpid(pid, &status, WNOHANG);

        if (w == pid) {
            pid = -1;
            log_last_line(log_path, log_start, last, sizeof(last));
            if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
                rc = launch_fail(err, errlen, -ENOENT,
                                 "device model %s not found (%s)", argv.v[0],
                                 last);
            else
                rc =
                    launch_fail(err, errlen, -EINVAL,
                                "device model failed to start: %s%s", last, "");
            goto out;
        }
        rc = qmp_connect(c->qmp_path, 2000, &q);
        if (rc == 0)
            break;
        if (waited >= timeout_ms) {
            rc = launch_fail(err, errlen, -ETIMEDOUT,
                             "device model did not answer on %s%s", c->qmp_path,
                             "");
            goto out;
        }
        nanosleep(&tick, NULL);
        waited += 20;
    }
    rc = vnc_password(c, q, err, errlen);
    qmp_close(q);
    if (rc)
        goto out;
    *pid_out = pid;
    pid = -1;
    rc = 0;
out:
    if (pid > 0) {
        kill_wait(pid);
        unlink(c->qmp_path);
        if (c->event_path)
            unlink(c->event_path);
    }
    if (logfd >= 0)
        close(logfd);
    dm_argv_fini(&argv);
    return rc;
}
