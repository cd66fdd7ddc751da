/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * monitor.c: the per-domain monitor, xl's "xl-<name>" child, one for every
 * domain type: waits for the domain to shut down (the type's wait: the
 * engine's for PV, QEMU's recorded shutdown for HVM) and
 * applies on_poweroff / on_reboot / on_crash / on_watchdog from the
 * domain's kept config. restart builds that config again under a new
 * domid; preserve leaves the domain listed until destroyed. Logs to
 * /var/log/xen/xl-<name>.log.
 */
#include "domain/internal.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <xen/sched.h>
#include <xenstore.h>

#include "cfg/cfg.h"
#include "domain/restart.h"
#include "hv/hv.h"
#include "lib/paths.h"
#include "lib/spawn.h"

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

/*
 * A monitor holds a POSIX lock on /run/xen/xl-monitor.<domid>.lock while
 * it watches domid. The kernel drops it when the monitor dies, however it
 * dies, so a lock file that nobody holds names a domain whose monitor is
 * gone (domain_monitor_adopt). The file goes when its monitor lets go.
 * A POSIX lock, not flock(2): it is the process's, so what the monitor
 * forks (QEMU's own monitor on an HVM restart) does not keep it alive.
 */
#define MONITOR_LOCK_DIR "/run/xen"
#define MONITOR_LOCK_FMT "xl-monitor.%u.lock"

static int lock_path(uint32_t domid, char *buf, size_t len)
{
    char rel[64];

    snprintf(rel, sizeof(rel), MONITOR_LOCK_DIR "/" MONITOR_LOCK_FMT, domid);
    return paths_get(buf, len, rel);
}

/* domid's monitor lock: an fd, -EWOULDBLOCK if a monitor holds it, or
 * -errno. */
static int monitor_lock(uint32_t domid)
{
    struct flock fl = {.l_type = F_WRLCK, .l_whence = SEEK_SET};
    char path[4096];
    struct stat a, b;
    int fd, e;

    if (lock_path(domid, path, sizeof(path)) < 0)
        return -ENAMETOOLONG;
    for (;;) {
        fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
        if (fd < 0)
            return -errno;
        if (fcntl(fd, F_SETLK, &fl) < 0) {
            e = errno == EACCES ? EWOULDBLOCK : errno;
            close(fd);
            return -e;
        }
        /* Its last holder may have unlinked it meanwhile: hold the file
         * that is at path, or another monitor could take that one too. */
        if (fstat(fd, &a) == 0 && stat(path, &b) == 0 && a.st_ino == b.st_ino &&
            a.st_dev == b.st_dev)
            return fd;
        close(fd);
    }
}

/* Let domid go: the file is removed while still held, then the lock. */
static void monitor_unlock(uint32_t domid, int fd)
{
    char path[4096];

    if (fd < 0)
        return;
    if (lock_path(domid, path, sizeof(path)) == 0)
        unlink(path);
    close(fd);
}

/* The store, reopened per step: xenstored may have restarted meanwhile. */
static struct xs_handle *store_open(void)
{
    struct xs_handle *xs = xs_open(0);

    if (!xs)
        mlog("cannot connect to xenstored: %s", strerror(errno));
    return xs;
}

/*
 * The config domid keeps on disk (config-update may have changed it since
 * the create), else a copy of the one we were started with.
 */
static struct domain_config *kept_config(struct xs_handle *xs, uint32_t domid)
{
    struct domain_config *k = NULL;
    char *json = NULL, err[128];
    int rc = domain_config_json(xs, domid, &json);

    if (rc == 0 &&
        (rc = domain_config_from_json(json, &k, err, sizeof(err))) < 0)
        mlog("domain %u: kept config unreadable: %s", domid, err);
    else if (rc < 0)
        mlog("domain %u: no kept config: %s", domid, strerror(-rc));
    free(json);
    return k;
}

/* xl's handle_domain_death for coredump-*: dump, then destroy or restart;
 * a failed dump is logged (c->err is the log) and the action goes on. */
static void core_dump(const struct domain_ctx *c, uint32_t domid,
                      const char *name)
{
    char file[4096];

    mlog("dumping core of domain %u (%s)", domid, name);
    if (domain_crash_dump(c, domid, name, file, sizeof(file)) == 0)
        mlog("core of domain %u written to %s", domid, file);
    else
        mlog("core dump of domain %u failed", domid);
}

/*
 * A guest that suspended is being saved: xl's monitor says so and lets go.
 * Ours waits for what the save does: destroy it (gone: stop) or resume it
 * (save -c: monitor it again). 0: resumed, -ESRCH: gone.
 */
static int wait_suspended(const struct domain_type_ops *ops, struct hv *hv,
                          uint32_t domid)
{
    struct hv_dominfo info;
    struct timespec ts = {0, 200 * 1000000L};
    int rc;

    while ((rc = ops->getinfo(hv, domid, &info)) == 0 &&
           (info.flags & HV_DOMF_SHUTDOWN) &&
           info.shutdown_reason == SHUTDOWN_suspend)
        nanosleep(&ts, NULL);
    return rc;
}

static double now_s(void)
{
    struct timespec t;

    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/*
 * One domain incarnation, watched since `started` (monotonic seconds);
 * returns the next domid to watch, or 0 to stop.
 */
static uint32_t monitor_once(const struct domain_ctx *c,
                             const struct domain_config *start_cfg,
                             uint32_t domid, double started,
                             struct restart_guard *guard)
{
    struct domain_create_opts opts = {.flags = DOMAIN_CREATE_NO_MONITOR};
    const struct domain_type_ops *ops = domain_type_ops(start_cfg->type);
    const struct domain_config *cfg = start_cfg;
    struct domain_config *kept = NULL;
    struct hv_dominfo info;
    struct xs_handle *xs;
    struct hv *hv = NULL;
    enum action_on_shutdown act;
    uint32_t next = 0;
    int rc;

    if (hv_open(&hv) < 0 && ops != &domain_hvm_ops)
        return 0;
    rc = ops->wait(hv, domid, &info);
    if (rc == 0 && info.shutdown_reason == SHUTDOWN_suspend) {
        mlog("domain %u (%s) has suspended", domid, cfg->name);
        rc = wait_suspended(ops, hv, domid);
        hv_close(hv);
        if (rc == 0) {
            mlog("domain %u (%s) resumed", domid, cfg->name);
            return domid;
        }
        mlog("domain %u (%s) saved and gone", domid, cfg->name);
        return 0;
    }
    hv_close(hv);
    xs = store_open();
    if (rc < 0) {
        /* Destroyed by xm (nothing left to do) or the VMM died: then its
         * store entries must go too, or the name stays taken. */
        mlog("domain %u (%s) is gone (%s)", domid, cfg->name, strerror(-rc));
        if (xs) {
            domain_destroy(c, xs, domid);
            xs_close(xs);
        }
        return 0;
    }
    if (!xs)
        return 0;
    kept = kept_config(xs, domid);
    if (kept)
        cfg = kept;
    act = pick(cfg, info.shutdown_reason);
    mlog("domain %u (%s) shut down: %s", domid, cfg->name,
         reason_name(info.shutdown_reason));
    if (act == ACTION_PRESERVE) {
        mlog("on_%s=preserve: leaving domain %u for `xm destroy`",
             reason_name(info.shutdown_reason), domid);
        goto out;
    }
    if (act == ACTION_COREDUMP_DESTROY || act == ACTION_COREDUMP_RESTART)
        core_dump(c, domid, cfg->name);
    domain_destroy(c, xs, domid);
    if ((act == ACTION_RESTART || act == ACTION_RESTART_RENAME ||
         act == ACTION_COREDUMP_RESTART) &&
        !restart_allowed(guard, now_s() - started)) {
        /* xend's words; see restart.h */
        mlog("VM %s restarting too fast (Elapsed time: %.1f seconds, %d "
             "restarts in a row within %.0f s). Refusing to restart to "
             "avoid loops: domain %u destroyed",
             cfg->name, now_s() - started, RESTART_FAST_MAX, RESTART_MIN_S,
             domid);
        goto out;
    }
    if (act == ACTION_RESTART || act == ACTION_RESTART_RENAME ||
        act == ACTION_COREDUMP_RESTART) {
        rc = domain_create(c, xs, cfg, &opts, &next);
        if (rc < 0)
            mlog("restart of %s failed: %s", cfg->name, strerror(-rc));
        else
            mlog("restarted %s as domain %u", cfg->name, next);
        goto out;
    }
    mlog("domain %u destroyed", domid);
out:
    xs_close(xs);
    domain_config_free(kept);
    return next;
}

void domain_monitor_spawn(const struct domain_config *cfg, uint32_t domid)
{
    struct domain_ctx mc = {.prog = "xl", .err = stderr};
    struct restart_guard guard = {0};
    char rel[160], path[4096];
    double started;
    uint32_t prev;
    int lock, next_lock;

    if (spawn_fork_detached() != 0)
        return;
    /*
     * The grandchild: nothing of the forking xm's (its store connection,
     * a console pty, the xl.conf lock's fd) lives on in us; output to
     * xl-<name>.log like xl's.
     */
    close_range(3, ~0U, 0);
    snprintf(rel, sizeof(rel), "/var/log/xen/xl-%s.log", cfg->name);
    paths_mkdir("/var/log/xen", 0755);
    if (spawn_stdio_detached(paths_get(path, sizeof(path), rel) == 0 ? path
                                                                     : NULL))
        spawn_stdio_detached(NULL);
    setvbuf(stderr, NULL, _IOLBF, 0);
    snprintf(rel, sizeof(rel), "xl-%s", cfg->name);
    prctl(PR_SET_NAME, rel, 0, 0, 0); /* `ps` shows xl-<name>, as xl's */
    paths_mkdir(MONITOR_LOCK_DIR, 0755);
    lock = monitor_lock(domid);
    if (lock == -EWOULDBLOCK)
        _exit(0); /* another monitor has it (two adopters raced) */
    if (lock < 0)
        mlog("domain %u: no monitor lock (%s): if this monitor dies, none "
             "takes over",
             domid, strerror(-lock));
    mlog("monitoring domain %u (%s)", domid, cfg->name);
    started = now_s();
    while (domid) {
        prev = domid;
        domid = monitor_once(&mc, cfg, domid, started, &guard);
        /* a resumed domain (save -c) keeps its start */
        if (domid != prev) {
            started = now_s();
            /* a restart: the new domid is ours, the old one is gone */
            next_lock = domid ? monitor_lock(domid) : -1;
            monitor_unlock(prev, lock);
            lock = next_lock;
        }
    }
    _exit(0);
}

/* The kept config of domid, or NULL (none, unreadable: said on c->err). */
static struct domain_config *adopt_config(const struct domain_ctx *c,
                                          struct xs_handle *xs, uint32_t domid)
{
    struct domain_config *k = NULL;
    char *json = NULL, err[128];
    int rc = domain_config_json(xs, domid, &json);

    if (rc < 0)
        snprintf(err, sizeof(err), "%s", strerror(-rc));
    else
        rc = domain_config_from_json(json, &k, err, sizeof(err));
    if (rc < 0)
        domain_err(c,
                   "domain %u lost its monitor and its kept config cannot "
                   "be read (%s): it is not monitored",
                   domid, err);
    free(json);
    return k;
}

int domain_monitor_adopt(const struct domain_ctx *c, struct xs_handle *xs)
{
    struct domain_info info;
    struct domain_config *cfg;
    char dir[4096];
    struct dirent *de;
    unsigned id;
    int n = 0, fd;
    DIR *d;

    if (paths_get(dir, sizeof(dir), MONITOR_LOCK_DIR) < 0)
        return -ENAMETOOLONG;
    d = opendir(dir);
    if (!d)
        return errno == ENOENT ? 0 : -errno;
    while ((de = readdir(d))) {
        if (sscanf(de->d_name, MONITOR_LOCK_FMT, &id) != 1 || id == 0)
            continue;
        fd = monitor_lock(id);
        if (fd < 0)
            continue; /* its monitor runs (or the file is not ours) */
        /* destroyed while its monitor was dead (xl destroy, a killed
         * VMM): nothing to watch */
        cfg = domain_info(xs, id, &info) == 0 ? adopt_config(c, xs, id) : NULL;
        if (!cfg) {
            monitor_unlock(id, fd);
            continue;
        }
        /* The new monitor takes the lock itself (a lock is not inherited
         * by a process that outlives us); a racing adopter's loses. */
        close(fd);
        domain_err(c,
                   "domain %u (%s) had lost its monitor: monitoring it "
                   "again",
                   id, cfg->name);
        domain_monitor_spawn(cfg, id);
        domain_config_free(cfg);
        n++;
    }
    closedir(d);
    return n;
}
