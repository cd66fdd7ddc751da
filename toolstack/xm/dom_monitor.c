/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * dom_monitor.c: the per-domain monitor, xl's "xl-<name>" child: waits for
 * the domain to shut down (hv_domain_wait) and applies on_poweroff /
 * on_reboot / on_crash / on_watchdog. restart builds the same cfg again
 * under a new domid; preserve leaves the domain listed until destroyed.
 * Logs to /var/log/xen/xl-<name>.log.
 */
#include "xm/dom.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <xen/sched.h>
#include <xenstore.h>

#include "cfg/cfg.h"
#include "hv/hv.h"
#include "lib/paths.h"
#include "xm/xm.h"

void dom_monitor_spawn(struct xm *xm, const struct domain_config *cfg,
                       uint32_t domid);

static const char *reason_name(unsigned r)
{
    static const char *const n[] = {"poweroff", "reboot",   "suspend",
                                    "crash",    "watchdog", "soft_reset"};

    return r < sizeof(n) / sizeof(n[0]) ? n[r] : "unknown";
}

static enum action_on_shutdown pick(const struct domain_config *cfg,
                                    unsigned reason)
{
    switch (reason) {
    case SHUTDOWN_poweroff:
        return cfg->on_poweroff;
    case SHUTDOWN_reboot:
        return cfg->on_reboot;
    case SHUTDOWN_crash:
        return cfg->on_crash;
    case SHUTDOWN_watchdog:
        return cfg->on_watchdog;
    default:
        return ACTION_DESTROY;
    }
}

static void mlog(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void mlog(const char *fmt, ...)
{
    char ts[32];
    time_t t = time(NULL);
    va_list ap;

    strftime(ts, sizeof(ts), "%F %T", localtime(&t));
    fprintf(stderr, "%s ", ts);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

/* One domain incarnation; returns the next domid to watch, or 0 to stop. */
static uint32_t monitor_once(struct xm *xm, const struct domain_config *cfg,
                             uint32_t domid)
{
    struct hv_dominfo info;
    struct xs_handle *xs;
    struct hv *hv = NULL;
    enum action_on_shutdown act;
    uint32_t next = 0;
    int rc;

    if (hv_open(&hv) < 0)
        return 0;
    rc = hv_domain_wait(hv, domid, &info);
    hv_close(hv);
    if (rc < 0) {
        /* Destroyed by xm (nothing left to do) or the VMM died: then its
         * store entries must go too, or the name stays taken. */
        mlog("domain %u (%s) is gone (%s)", domid, cfg->name, strerror(-rc));
        xs = dom_xs_open(xm);
        if (xs) {
            dom_destroy(xm, xs, domid);
            xs_close(xs);
        }
        return 0;
    }
    act = pick(cfg, info.shutdown_reason);
    mlog("domain %u (%s) shut down: %s", domid, cfg->name,
         reason_name(info.shutdown_reason));
    if (act == ACTION_PRESERVE) {
        mlog("on_%s=preserve: leaving domain %u for `xm destroy`",
             reason_name(info.shutdown_reason), domid);
        return 0;
    }
    xs = dom_xs_open(xm);
    if (!xs)
        return 0;
    dom_destroy(xm, xs, domid);
    xs_close(xs);
    if (act == ACTION_RESTART || act == ACTION_RESTART_RENAME ||
        act == ACTION_COREDUMP_RESTART) {
        rc = dom_create(xm, cfg, DOM_CREATE_NO_MONITOR, &next);
        if (rc < 0) {
            mlog("restart of %s failed: %s", cfg->name, strerror(-rc));
            return 0;
        }
        mlog("restarted %s as domain %u", cfg->name, next);
        return next;
    }
    mlog("domain %u destroyed", domid);
    return 0;
}

void dom_monitor_spawn(struct xm *xm, const struct domain_config *cfg,
                       uint32_t domid)
{
    struct xm mx = *xm;
    char rel[160], path[4096];
    pid_t pid;
    int fd;

    fflush(NULL);
    pid = fork();
    if (pid < 0)
        return;
    if (pid > 0) {
        waitpid(pid, NULL, 0);
        return;
    }
    setsid();
    if (fork() != 0)
        _exit(0);
    /* The grandchild: detached, output to xl-<name>.log like xl. */
    snprintf(rel, sizeof(rel), "/var/log/xen/xl-%s.log", cfg->name);
    paths_mkdir("/var/log/xen", 0755);
    fd = -1;
    if (paths_get(path, sizeof(path), rel) == 0)
        fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (fd < 0)
        fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
    dup2(fd, 1);
    dup2(fd, 2);
    close(fd);
    fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
    dup2(fd, 0);
    close(fd);
    mx.out = stderr;
    mx.err = stderr;
    setvbuf(stderr, NULL, _IOLBF, 0);
    snprintf(rel, sizeof(rel), "xl-%s", cfg->name);
    prctl(PR_SET_NAME, rel, 0, 0, 0); /* `ps` shows xl-<name>, as xl's */
    mlog("monitoring domain %u (%s)", domid, cfg->name);
    while (domid)
        domid = monitor_once(&mx, cfg, domid);
    _exit(0);
}
