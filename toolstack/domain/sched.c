/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * sched.c: vcpu affinity and the credit share (sched.h): the engine's own
 * where it has them (Xen), else the VMM's threads and a cpu cgroup (kvm).
 */
#include "domain/sched.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "cfg/cfg.h"
#include "dm/dm.h"
#include "domain/internal.h"
#include "hv/hv.h"
#include "lib/fs.h"
#include "lib/parse.h"
#include "lib/paths.h"
#include "lib/pidfile.h"
#include "lib/proc.h"
#include "proto/vmmctl.h"

#define CPU_PERIOD_US 100000 /* cap: % of one CPU per 100 ms */

/* ---- cpumaps ------------------------------------------------------------ */

static int range(const char *s, unsigned ncpus, unsigned *lo, unsigned *hi)
{
    char a[16], *dash;
    long long x, y;

    if (strlen(s) >= sizeof(a))
        return -EINVAL;
    snprintf(a, sizeof(a), "%s", s);
    dash = strchr(a, '-');
    if (dash)
        *dash++ = '\0';
    if (parse_ll(a, 10, 0, 0xffff, &x) ||
        (dash && parse_ll(dash, 10, 0, 0xffff, &y)))
        return -EINVAL;
    if (!dash)
        y = x;
    if (x > y)
        return -EINVAL;
    if ((unsigned)y >= ncpus)
        return -ERANGE;
    *lo = (unsigned)x;
    *hi = (unsigned)y;
    return 0;
}

int sched_cpumap_parse(const char *s, unsigned ncpus, cpu_set_t *set, char *err,
                       size_t errlen)
{
    char *dup, *tok, *save = NULL;
    unsigned lo, hi, i;
    int rc = 0;

    CPU_ZERO(set);
    if (ncpus > CPU_SETSIZE)
        ncpus = CPU_SETSIZE;
    if (!strcmp(s, "all")) {
        for (i = 0; i < ncpus; i++)
            CPU_SET(i, set);
        return 0;
    }
    dup = strdup(s);
    if (!dup)
        return -ENOMEM;
    for (tok = strtok_r(dup, ",", &save); tok && !rc;
         tok = strtok_r(NULL, ",", &save)) {
        int neg = *tok == '^';

        rc = range(tok + neg, ncpus, &lo, &hi);
        if (rc == -ERANGE)
            snprintf(err, errlen, "cpumap '%s': CPU out of range 0-%u", s,
                     ncpus - 1);
        else if (rc)
            snprintf(err, errlen, "cpumap '%s': bad item '%s'", s, tok);
        for (i = lo; !rc && i <= hi; i++) {
            if (neg)
                CPU_CLR(i, set);
            else
                CPU_SET(i, set);
        }
    }
    free(dup);
    if (!rc && !tok && !CPU_COUNT(set)) {
        snprintf(err, errlen, "cpumap '%s': no CPU left", s);
        rc = -EINVAL;
    }
    return rc ? -EINVAL : 0;
}

void sched_cpumap_format(const cpu_set_t *set, unsigned ncpus, char *buf,
                         size_t len)
{
    size_t off = 0;
    unsigned i = 0, lo;

    buf[0] = '\0';
    if (ncpus > CPU_SETSIZE)
        ncpus = CPU_SETSIZE;
    for (lo = 0; lo < ncpus && CPU_ISSET(lo, set); lo++)
        ;
    if (lo == ncpus) {
        snprintf(buf, len, "all");
        return;
    }
    while (i < ncpus && off < len) {
        if (!CPU_ISSET(i, set)) {
            i++;
            continue;
        }
        for (lo = i; i + 1 < ncpus && CPU_ISSET(i + 1, set); i++)
            ;
        off +=
            (size_t)snprintf(buf + off, len - off, "%s%u", off ? "," : "", lo);
        if (i > lo && off < len)
            off += (size_t)snprintf(buf + off, len - off, "-%u", i);
        i++;
    }
    if (!buf[0])
        snprintf(buf, len, "none");
}

/* ---- the process and its vcpu threads ----------------------------------- */

/* HVM: QEMU, from its pid file. */
int hvm_vcpu_pid(uint32_t domid, pid_t *pid_out)
{
    char path[512];

    if (dm_pid_path(domid, path, sizeof(path)) == 0 &&
        pidfile_read(path, pid_out) == 0 && kill(*pid_out, 0) == 0)
        return 0;
    return -ESRCH;
}

/* PV: the kvm engine's VMM, the peer of its control socket (none on Xen). */
int pv_vcpu_pid(uint32_t domid, pid_t *pid_out)
{
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    struct ucred cr;
    socklen_t cl = sizeof(cr);
    char rel[64];
    int fd, rc;

    snprintf(rel, sizeof(rel), VMMCTL_SOCK_FMT, domid);
    rc = paths_get(sa.sun_path, sizeof(sa.sun_path), rel);
    if (rc)
        return rc;
    fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -errno;
    rc = connect(fd, (struct sockaddr *)&sa, sizeof(sa)) ? -ESRCH : 0;
    if (!rc && getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cr, &cl))
        rc = -errno;
    close(fd);
    if (!rc)
        *pid_out = cr.pid;
    return rc;
}

/* The process running domid's vcpus, by its type. */
static int domain_vmm_pid(uint32_t domid, pid_t *pid_out)
{
    return domain_ops_of(domid)->vcpu_pid(domid, pid_out);
}

struct vcpus {
    struct domain_vcpu *v;
    size_t n;
};

/* One vcpu thread ("CPU <n>/...": QEMU's names, and the VMM's) into vs. */
static int add_vcpu(const struct proc_task *t, void *arg)
{
    struct vcpus *vs = arg;
    struct domain_vcpu *g, *v;
    unsigned id;

    if (!proc_task_vcpu(t, &id))
        return 0;
    g = realloc(vs->v, (vs->n + 1) * sizeof(*g));
    if (!g)
        return -ENOMEM;
    vs->v = g;
    v = &g[vs->n++];
    memset(v, 0, sizeof(*v));
    v->id = id;
    v->tid = t->tid;
    v->cpu = t->cpu;
    v->running = t->state == 'R';
    v->time_s = (double)t->cpu_ns / 1e9;
    if (sched_getaffinity(v->tid, sizeof(cpu_set_t), &v->hard))
        CPU_ZERO(&v->hard);
    return 0;
}

static int cmp_vcpu(const void *a, const void *b)
{
    const struct domain_vcpu *x = a, *y = b;

    return x->id < y->id ? -1 : x->id > y->id;
}

int domain_vcpu_list(uint32_t domid, struct domain_vcpu **out)
{
    struct vcpus vs = {NULL, 0};
    pid_t pid;
    int rc = domain_vmm_pid(domid, &pid);

    *out = NULL;
    if (!rc)
        rc = proc_tasks(pid, add_vcpu, &vs);
    if (rc) {
        free(vs.v);
        return rc;
    }
    if (vs.n)
        qsort(vs.v, vs.n, sizeof(*vs.v), cmp_vcpu);
    *out = vs.v;
    return (int)vs.n;
}

int domain_vcpu_pin(uint32_t domid, int vcpu, const cpu_set_t *hard)
{
    struct domain_vcpu *v = NULL;
    int n = domain_vcpu_list(domid, &v), i, rc = -ENOENT;

    for (i = 0; i < n; i++) {
        if (vcpu >= 0 && v[i].id != (unsigned)vcpu)
            continue;
        if (sched_setaffinity(v[i].tid, sizeof(cpu_set_t), hard)) {
            rc = -errno;
            break;
        }
        rc = 0;
    }
    free(v);
    return n < 0 ? n : rc;
}

/*
 * Every thread of domid's process on set: on the kvm engine the device
 * model's threads are the domain's too, and CFS splits a group's share
 * between CPUs by where its threads run, so a thread elsewhere would take
 * weight from the vcpus.
 */
static int pin_task(const struct proc_task *t, void *set)
{
    if (sched_setaffinity(t->tid, sizeof(cpu_set_t), set) && errno != ESRCH)
        return -errno;
    return 0;
}

static int pin_process(uint32_t domid, const cpu_set_t *set)
{
    cpu_set_t copy = *set; /* proc_tasks' argument is not const */
    pid_t pid;
    int rc = domain_vmm_pid(domid, &pid);

    return rc ? rc : proc_tasks(pid, pin_task, &copy);
}

/* ---- the cpu cgroup ----------------------------------------------------- */

/* The base of our groups (v2: 2, v1: 1) or -ENOTSUP. */
static int cg_base(char *buf, size_t len)
{
    const char *e = getenv("PVSTACK_CGROUP");

    if (e && *e) {
        snprintf(buf, len, "%s", e);
        return access(e, W_OK) ? -ENOTSUP
               : access("/sys/fs/cgroup/cgroup.controllers", F_OK) == 0 ? 2
                                                                        : 1;
    }
    if (access("/sys/fs/cgroup/cgroup.controllers", F_OK) == 0) {
        snprintf(buf, len, "/sys/fs/cgroup/pvstack");
        return access("/sys/fs/cgroup", W_OK) ? -ENOTSUP : 2;
    }
    if (access("/sys/fs/cgroup/cpu/cpu.shares", F_OK) == 0) {
        snprintf(buf, len, "/sys/fs/cgroup/cpu/pvstack");
        return access("/sys/fs/cgroup/cpu", W_OK) ? -ENOTSUP : 1;
    }
    return -ENOTSUP;
}

/* base/<root>/dom<id>: a test root's domids are not the host's. */
static int cg_dir(uint32_t domid, char *buf, size_t len, int *ver)
{
    const char *root = paths_root(), *b = strrchr(root, '/');
    char base[256];
    int v = cg_base(base, sizeof(base));

    if (v < 0)
        return v;
    *ver = v;
    snprintf(buf, len, "%s/%s/dom%u", base, *root ? (b ? b + 1 : root) : "host",
             domid);
    return 0;
}

static int cg_write(const char *dir, const char *file, const char *val)
{
    char path[512];
    int fd, rc = 0;

    snprintf(path, sizeof(path), "%s/%s", dir, file);
    fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0)
        return -errno;
    if (write(fd, val, strlen(val)) < 0)
        rc = -errno;
    close(fd);
    return rc;
}

static int cg_read(const char *dir, const char *file, char *buf, size_t len)
{
    char path[512];
    int n = snprintf(path, sizeof(path), "%s/%s", dir, file);

    if (n < 0 || (size_t)n >= sizeof(path))
        return -ENAMETOOLONG;
    n = fs_read_line(path, buf, len);
    return n < 0 ? n : 0;
}

/* mkdir -p dir; on v2 each level hands the cpu controller down. */
static int cg_make(const char *dir, int ver)
{
    char p[512], *s;

    snprintf(p, sizeof(p), "%s", dir);
    for (s = p + 1; (s = strchr(s, '/')); s++) {
        *s = '\0';
        if (mkdir(p, 0755) && errno != EEXIST)
            return -errno;
        if (ver == 2)
            cg_write(p, "cgroup.subtree_control", "+cpu");
        *s = '/';
    }
    if (mkdir(p, 0755) && errno != EEXIST)
        return -errno;
    return 0;
}

static int cg_sched_get(uint32_t domid, int *weight, int *cap)
{
    char dir[512], buf[64];
    long long a, b;
    int ver;

    *weight = SCHED_WEIGHT_DEFAULT;
    *cap = 0;
    if (cg_dir(domid, dir, sizeof(dir), &ver) || access(dir, F_OK))
        return 0;
    if (ver == 2) {
        if (!cg_read(dir, "cpu.weight", buf, sizeof(buf)))
            *weight = (int)((atoll(buf) * SCHED_WEIGHT_DEFAULT + 50) / 100);
        if (!cg_read(dir, "cpu.max", buf, sizeof(buf)) &&
            sscanf(buf, "%lld %lld", &a, &b) == 2 && b > 0)
            *cap = (int)(a * 100 / b);
    } else {
        if (!cg_read(dir, "cpu.shares", buf, sizeof(buf)))
            *weight = (int)(atoll(buf) / 4);
        if (!cg_read(dir, "cpu.cfs_quota_us", buf, sizeof(buf)) &&
            (a = atoll(buf)) > 0 &&
            !cg_read(dir, "cpu.cfs_period_us", buf, sizeof(buf)) &&
            (b = atoll(buf)) > 0)
            *cap = (int)(a * 100 / b);
    }
    return 0;
}

static int cg_sched_set(uint32_t domid, int weight, int cap)
{
    char dir[512], val[64];
    pid_t pid;
    int ver, rc;

    rc = cg_dir(domid, dir, sizeof(dir), &ver);
    if (!rc)
        rc = domain_vmm_pid(domid, &pid);
    if (!rc)
        rc = cg_make(dir, ver);
    if (!rc) {
        snprintf(val, sizeof(val), "%d", (int)pid);
        rc = cg_write(dir, "cgroup.procs", val);
    }
    if (!rc && weight > 0) {
        /* Xen's 256 is CFS's default share: v1 1024, v2 100 */
        if (ver == 2)
            snprintf(val, sizeof(val), "%d",
                     weight < 3 ? 1 : weight * 100 / SCHED_WEIGHT_DEFAULT);
        else
            snprintf(val, sizeof(val), "%d", weight * 4);
        rc = cg_write(dir, ver == 2 ? "cpu.weight" : "cpu.shares", val);
    }
    if (!rc && cap >= 0) {
        if (ver == 2) {
            if (cap)
                snprintf(val, sizeof(val), "%d %d", cap * CPU_PERIOD_US / 100,
                         CPU_PERIOD_US);
            else
                snprintf(val, sizeof(val), "max %d", CPU_PERIOD_US);
            rc = cg_write(dir, "cpu.max", val);
        } else {
            snprintf(val, sizeof(val), "%d", CPU_PERIOD_US);
            rc = cg_write(dir, "cpu.cfs_period_us", val);
            snprintf(val, sizeof(val), "%d",
                     cap ? cap * CPU_PERIOD_US / 100 : -1);
            if (!rc)
                rc = cg_write(dir, "cpu.cfs_quota_us", val);
        }
    }
    return rc;
}

/* ---- the engine's scheduler first, else the cgroup ---------------------- */

const char *domain_sched_which(void)
{
    struct hv_sched s;
    struct hv *hv;
    int rc;

    if (hv_open(&hv) < 0)
        return NULL;
    rc = hv_domain_sched_get(hv, 0, &s);
    hv_close(hv);
    return rc < 0 ? NULL : s.name;
}

int domain_sched_get(uint32_t domid, int *weight, int *cap)
{
    struct hv_sched s;
    struct hv *hv;
    int rc = -ENOSYS;

    if (hv_open(&hv) == 0) {
        rc = hv_domain_sched_get(hv, domid, &s);
        hv_close(hv);
    }
    if (rc == -ENOSYS)
        return cg_sched_get(domid, weight, cap);
    if (rc == 0) {
        *weight = s.weight;
        *cap = s.cap;
    }
    return rc;
}

int domain_sched_set(uint32_t domid, int weight, int cap, char *err,
                     size_t errlen)
{
    struct domain_vcpu *v = NULL;
    struct hv *hv;
    char none[8];
    int rc = -ENOSYS, n;

    if (!err || !errlen) {
        err = none;
        errlen = sizeof(none);
    }
    err[0] = '\0';
    if (hv_open(&hv) == 0) {
        rc = hv_domain_sched_set(hv, domid, weight, cap, err, errlen);
        hv_close(hv);
    }
    if (rc != -ENOSYS)
        return rc;
    /* the cgroup's ranges are libxl's too: cap by the vcpu threads */
    n = domain_vcpu_list(domid, &v);
    free(v);
    rc = hv_sched_check(weight, cap, n > 0 ? (unsigned)n : 64, err, errlen);
    if (rc < 0)
        return rc;
    rc = cg_sched_set(domid, weight, cap);
    if (rc == -ENOTSUP)
        snprintf(err, errlen, "no writable cpu cgroup on this host");
    else if (rc < 0)
        snprintf(err, errlen, "%s", strerror(-rc));
    return rc;
}

void domain_sched_remove(uint32_t domid)
{
    struct timespec tick = {0, 20 * 1000 * 1000};
    char dir[512], *slash;
    int ver, i;

    if (cg_dir(domid, dir, sizeof(dir), &ver))
        return;
    /* busy until the killed process has exited: bounded, 2 s at most */
    for (i = 0; i < 100 && rmdir(dir) && errno == EBUSY; i++)
        nanosleep(&tick, NULL);
    /* the root's level too, once its last domain is gone */
    slash = strrchr(dir, '/');
    *slash = '\0';
    rmdir(dir);
}

/* hard/soft as the engine's bitmaps; -ENOSYS when it has no affinity. */
static int engine_affinity(uint32_t domid, const cpu_set_t *hard,
                           const cpu_set_t *soft, unsigned ncpus)
{
    uint8_t h[CPU_SETSIZE / 8] = {0}, s[CPU_SETSIZE / 8] = {0};
    struct hv *hv = NULL;
    unsigned i;
    int rc = hv_open(&hv);

    if (rc < 0)
        return -ENOSYS; /* no engine to ask: the threads are ours */
    for (i = 0; i < ncpus && i < CPU_SETSIZE; i++) {
        if (CPU_ISSET(i, hard))
            h[i / 8] |= (uint8_t)(1u << (i % 8));
        if (soft && CPU_ISSET(i, soft))
            s[i / 8] |= (uint8_t)(1u << (i % 8));
    }
    rc = hv_domain_vcpu_affinity(hv, domid, h, soft ? s : NULL, sizeof(h));
    hv_close(hv);
    return rc;
}

int domain_sched_apply(const struct domain_ctx *c, uint32_t domid,
                       const struct domain_config *cfg)
{
    unsigned ncpus = (unsigned)sysconf(_SC_NPROCESSORS_CONF);
    cpu_set_t hard, soft, both;
    char why[160];
    pid_t pid;
    int rc;

    if (cfg->cpus || cfg->cpus_soft) {
        if (sched_cpumap_parse(cfg->cpus ? cfg->cpus : "all", ncpus, &hard, why,
                               sizeof(why)) ||
            sched_cpumap_parse(cfg->cpus_soft ? cfg->cpus_soft : "all", ncpus,
                               &soft, why, sizeof(why))) {
            domain_err(c, "create: %s: %s", cfg->name, why);
            return -EINVAL;
        }
        /* no process runs the vcpus (a PV domain on Xen): the engine's
         * own vcpu affinity, hard and soft, as libxl sets them */
        rc = domain_vmm_pid(domid, &pid) == 0
                 ? -ENOSYS
                 : engine_affinity(domid, &hard, cfg->cpus_soft ? &soft : NULL,
                                   ncpus);
        if (rc != -ENOSYS) {
            if (rc < 0) {
                domain_err(c, "create: %s: vcpu affinity: %s", cfg->name,
                           strerror(-rc));
                return rc;
            }
            goto share;
        }
        /* one affinity in Linux: the soft one inside the hard, if any */
        CPU_AND(&both, &hard, &soft);
        rc = pin_process(domid, CPU_COUNT(&both) ? &both : &hard);
        if (!rc)
            rc = domain_vcpu_pin(domid, -1, CPU_COUNT(&both) ? &both : &hard);
        if (rc < 0) {
            domain_err(c, "create: %s: pinning vcpus: %s", cfg->name,
                       strerror(-rc));
            return rc;
        }
    }
share:
    if (!cfg->cpu_weight && !cfg->cap)
        return 0;
    rc = domain_sched_set(domid, cfg->cpu_weight ? (int)cfg->cpu_weight : -1,
                          cfg->cap ? (int)cfg->cap : -1, why, sizeof(why));
    if (rc)
        domain_err(c, "warning: %s: cpu_weight/cap not applied: %s", cfg->name,
                   why);
    return 0;
}

int domain_sched_pool_get(struct hv_sched_pool *out)
{
    struct hv *hv;
    int rc = hv_open(&hv);

    if (rc < 0)
        return rc;
    rc = hv_sched_pool_get(hv, out);
    hv_close(hv);
    return rc;
}

int domain_sched_pool_set(const struct hv_sched_pool *set, char *err,
                          size_t errlen)
{
    struct hv *hv;
    int rc = hv_open(&hv);

    if (rc < 0) {
        snprintf(err, errlen, "engine: %s", strerror(-rc));
        return rc;
    }
    rc = hv_sched_pool_set(hv, set, err, errlen);
    hv_close(hv);
    return rc;
}
