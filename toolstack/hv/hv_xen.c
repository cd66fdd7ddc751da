/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * hv_xen.c: the xen engine, on Debian's libxenctrl, libxenguest,
 * libxenforeignmemory, libxengnttab and libxenevtchn. Chosen at run time
 * when /dev/xen/privcmd exists; it builds and links everywhere but can only
 * run on a Xen dom0.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <xenctrl.h>
#include <xenevtchn.h>
#include <xenforeignmemory.h>
#include <xengnttab.h>
#include <xenguest.h>

#include "hv/hv.h"
#include "hv/internal.h"
#include "hv/xen_sched.h"

struct xen_priv {
    xc_interface *xch;
    xenforeignmemory_handle *fmem;
    xengnttab_handle *xgt;
};

static int xen_open(struct hv *hv)
{
    struct xen_priv *p = calloc(1, sizeof(*p));

    if (!p)
        return -ENOMEM;
    p->xch = xc_interface_open(NULL, NULL, 0);
    p->fmem = xenforeignmemory_open(NULL, 0);
    p->xgt = xengnttab_open(NULL, 0);
    if (!p->xch || !p->fmem || !p->xgt) {
        int rc = errno ? -errno : -ENODEV;
        if (p->xgt)
            xengnttab_close(p->xgt);
        if (p->fmem)
            xenforeignmemory_close(p->fmem);
        if (p->xch)
            xc_interface_close(p->xch);
        free(p);
        return rc;
    }
    hv->priv = p;
    return 0;
}

static void xen_close(struct hv *hv)
{
    struct xen_priv *p = hv->priv;

    xengnttab_close(p->xgt);
    xenforeignmemory_close(p->fmem);
    xc_interface_close(p->xch);
    free(p);
}

static int xen_foreign_map(struct hv *hv, uint32_t domid, uint64_t pfn,
                           size_t npages, int writable, void **addr_out)
{
    struct xen_priv *p = hv->priv;
    xen_pfn_t *pfns;
    int *errs;
    void *a;
    size_t i;
    int rc = 0;

    pfns = calloc(npages, sizeof(*pfns));
    errs = calloc(npages, sizeof(*errs));
    if (!pfns || !errs) {
        free(pfns);
        free(errs);
        return -ENOMEM;
    }
    for (i = 0; i < npages; i++)
        pfns[i] = (xen_pfn_t)(pfn + i);
    a = xenforeignmemory_map(p->fmem, domid,
                             PROT_READ | (writable ? PROT_WRITE : 0), npages,
                             pfns, errs);
    if (!a)
        rc = -errno;
    for (i = 0; a && i < npages; i++) {
        if (errs[i]) {
            xenforeignmemory_unmap(p->fmem, a, npages);
            rc = -ERANGE;
            break;
        }
    }
    if (rc == 0)
        *addr_out = a;
    free(pfns);
    free(errs);
    return rc;
}

static void xen_foreign_unmap(struct hv *hv, void *addr, size_t npages)
{
    struct xen_priv *p = hv->priv;

    xenforeignmemory_unmap(p->fmem, addr, npages);
}

static int xen_grant_map(struct hv *hv, uint32_t domid, uint32_t ref,
                         int writable, void **addr_out)
{
    struct xen_priv *p = hv->priv;
    void *a;

    /* Xen itself checks the entry (permit_access, domid, read-only). */
    a = xengnttab_map_grant_ref(p->xgt, domid, ref,
                                PROT_READ | (writable ? PROT_WRITE : 0));
    if (!a)
        return errno ? -errno : -EACCES;
    *addr_out = a;
    return 0;
}

static void xen_grant_unmap(struct hv *hv, void *addr)
{
    struct xen_priv *p = hv->priv;

    xengnttab_unmap(p->xgt, addr, 1);
}

/*
 * A channel owns its own evtchn handle: fill ch from a bind's result, or
 * close the handle and return the bind's error.
 * The handle's fd is made non-blocking: a backend's ring thread polls it
 * together with its tap or io_uring fd and acks the channel whenever it
 * wakes. Woken by the other fd, a blocking read in xenevtchn_pending would
 * stall the thread until the guest next notified (a quiet guest: never).
 * xen_evtchn_ack treats EAGAIN as nothing pending.
 */
static int evtchn_take(xenevtchn_handle *xce, xenevtchn_port_or_error_t port,
                       struct hv_evtchn *ch)
{
    int fd = xenevtchn_fd(xce);
    int fl;

    if (port < 0 || (fl = fcntl(fd, F_GETFL)) < 0 ||
        fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0) {
        int rc = -errno;
        xenevtchn_close(xce);
        return rc;
    }
    ch->priv = xce;
    ch->local_port = (uint32_t)port;
    ch->fd = fd;
    return 0;
}

static int xen_evtchn_bind(struct hv *hv, uint32_t domid, uint32_t remote_port,
                           struct hv_evtchn *ch)
{
    xenevtchn_handle *xce = xenevtchn_open(NULL, 0);

    if (!xce)
        return -errno;
    return evtchn_take(xce, xenevtchn_bind_interdomain(xce, domid, remote_port),
                       ch);
}

static int xen_evtchn_bind_virq(struct hv *hv, unsigned virq,
                                struct hv_evtchn *ch)
{
    xenevtchn_handle *xce = xenevtchn_open(NULL, 0);

    (void)hv;
    if (!xce)
        return -errno;
    return evtchn_take(xce, xenevtchn_bind_virq(xce, virq), ch);
}

static int xen_evtchn_ack(struct hv_evtchn *ch)
{
    xenevtchn_port_or_error_t port = xenevtchn_pending(ch->priv);

    if (port < 0)
        return errno == EAGAIN ? 0 : -errno;
    return xenevtchn_unmask(ch->priv, (evtchn_port_t)port) < 0 ? -errno : 0;
}

static int xen_evtchn_notify(struct hv_evtchn *ch)
{
    return xenevtchn_notify(ch->priv, ch->local_port) < 0 ? -errno : 0;
}

static void xen_evtchn_close(struct hv_evtchn *ch)
{
    xenevtchn_unbind(ch->priv, ch->local_port);
    xenevtchn_close(ch->priv);
}

static int xen_dom_build(struct xen_priv *p, const struct hv_build *b,
                         struct hv_built *out, char *err, size_t errlen)
{
    struct xc_dom_image *dom;
    int rc = -EINVAL;
    const char *what = "allocate";

    dom = xc_dom_allocate(p->xch, b->cmdline, NULL);
    if (!dom)
        goto fail;
    dom->console_evtchn =
        (unsigned)xc_evtchn_alloc_unbound(p->xch, b->domid, 0);
    dom->xenstore_evtchn =
        (unsigned)xc_evtchn_alloc_unbound(p->xch, b->domid, 0);
    dom->console_domid = 0;
    dom->xenstore_domid = 0;
    dom->flags = 0;
    dom->max_vcpus = b->max_vcpus;
    what = "kernel";
    if (xc_dom_kernel_file(dom, b->kernel))
        goto fail;
    what = "ramdisk";
    if (b->ramdisk && xc_dom_module_file(dom, b->ramdisk, NULL))
        goto fail;
    what = "boot init";
    if (xc_dom_boot_xen_init(dom, p->xch, b->domid))
        goto fail;
    what = "parse";
    if (xc_dom_parse_image(dom))
        goto fail;
    what = "memory";
    if (xc_dom_mem_init(dom, (unsigned)(b->mem_kb / 1024)) ||
        xc_dom_boot_mem_init(dom))
        goto fail;
    what = "build";
    if (xc_dom_build_image(dom) || xc_dom_boot_image(dom) ||
        xc_dom_gnttab_init(dom))
        goto fail;
    /*
     * A PV guest has no pfn space of its own to Xen: the ring-refs in the
     * store, XS_INTRODUCE and the foreign maps of xenstored/xenconsoled
     * all take machine frames (libxl: xc_dom_p2m). The kvm engine's
     * guests have mfn == pfn, which hid this.
     */
    out->store_pfn = xc_dom_p2m(dom, dom->xenstore_pfn);
    out->console_pfn = xc_dom_p2m(dom, dom->console_pfn);
    out->store_port = dom->xenstore_evtchn;
    out->console_port = dom->console_evtchn;
    xc_dom_release(dom);
    return 0;
fail:
    if (err && errlen)
        snprintf(err, errlen, "%s: xc_dom %s failed", b->kernel, what);
    if (dom)
        xc_dom_release(dom);
    return rc;
}

/* The empty domain both a build and a restore start from (libxl's
 * libxl__domain_make + libxl__build_pre). extra_kb: maxmem slack. */
static int xen_dom_make(struct xen_priv *p, const struct hv_build *b,
                        uint64_t extra_kb)
{
    struct xen_domctl_createdomain cfg = {
        .max_vcpus = b->max_vcpus,
        .max_evtchn_port = -1,
        .max_grant_frames = 32,
        .max_maptrack_frames = 1024,
        .grant_opts = XEN_DOMCTL_GRANT_version(1),
    };
    uint32_t domid = b->domid;
    int rc;

    if (xc_domain_create(p->xch, &domid, &cfg) < 0)
        return -errno;
    /*
     * Xen 4.17 still allocates the vcpus here, not in createdomain: without
     * it the builder's SETVCPUCONTEXT fails (xg_dom_x86.c vcpu_x86_64).
     */
    if (xc_domain_max_vcpus(p->xch, domid, b->max_vcpus) < 0 ||
        xc_domain_setmaxmem(p->xch, domid, b->max_mem_kb + extra_kb) < 0) {
        rc = errno ? -errno : -EIO;
        xc_domain_destroy(p->xch, domid);
        return rc;
    }
    return 0;
}

static int xen_dom_create(struct hv *hv, const struct hv_build *b,
                          struct hv_built *out, char *err, size_t errlen)
{
    struct xen_priv *p = hv->priv;
    int rc = xen_dom_make(p, b, 0);

    if (rc < 0)
        return rc;
    rc = xen_dom_build(p, b, out, err, errlen);
    if (rc < 0)
        goto fail;
    if (!b->paused && xc_domain_unpause(p->xch, b->domid) < 0) {
        rc = -errno;
        goto fail;
    }
    return 0;
fail:
    xc_domain_destroy(p->xch, b->domid);
    return rc;
}

int xen_rc(int r)
{
    return r < 0 ? (errno ? -errno : -EIO) : 0;
}

static int xen_dom_destroy(struct hv *hv, uint32_t domid)
{
    return xen_rc(xc_domain_destroy(((struct xen_priv *)hv->priv)->xch, domid));
}

static int xen_dom_pause(struct hv *hv, uint32_t domid)
{
    return xen_rc(xc_domain_pause(((struct xen_priv *)hv->priv)->xch, domid));
}

static int xen_dom_unpause(struct hv *hv, uint32_t domid)
{
    return xen_rc(xc_domain_unpause(((struct xen_priv *)hv->priv)->xch, domid));
}

static void xen_fill(const xc_dominfo_t *x, struct hv_dominfo *d)
{
    memset(d, 0, sizeof(*d));
    d->domid = x->domid;
    d->flags = (x->running ? HV_DOMF_RUNNING : 0) |
               (x->blocked ? HV_DOMF_BLOCKED : 0) |
               (x->paused ? HV_DOMF_PAUSED : 0) |
               (x->shutdown || x->crashed ? HV_DOMF_SHUTDOWN : 0) |
               (x->dying ? HV_DOMF_DYING : 0);
    /*
     * libxenctrl reports a crash as crashed with shutdown cleared; it is a
     * shutdown with reason crash to everyone above (on_crash, create -c).
     */
    d->shutdown_reason = x->crashed ? SHUTDOWN_crash : x->shutdown_reason;
    d->cpu_ns = x->cpu_time;
    d->mem_kb = (uint64_t)x->nr_pages * 4;
    d->max_mem_kb = x->max_memkb;
    d->vcpus = x->max_vcpu_id + 1;
    d->vcpus_online = x->nr_online_vcpus;
}

static int xen_dom_getinfo(struct hv *hv, uint32_t domid,
                           struct hv_dominfo *out)
{
    struct xen_priv *p = hv->priv;
    xc_dominfo_t x;

    if (xc_domain_getinfo(p->xch, domid, 1, &x) != 1 || x.domid != domid)
        return -ESRCH;
    xen_fill(&x, out);
    return 0;
}

static int xen_dom_list(struct hv *hv, struct hv_dominfo *out, int max)
{
    struct xen_priv *p = hv->priv;
    xc_dominfo_t x[256];
    int n, i;

    n = xc_domain_getinfo(p->xch, 0, 256, x);
    if (n < 0)
        return -errno;
    for (i = 0; i < n && i < max; i++)
        xen_fill(&x[i], &out[i]);
    return n;
}

static int xen_dom_set_maxmem(struct hv *hv, uint32_t domid, uint64_t kb)
{
    return xen_rc(
        xc_domain_setmaxmem(((struct xen_priv *)hv->priv)->xch, domid, kb));
}

static int xen_dom_set_vcpus(struct hv *hv, uint32_t domid, unsigned n)
{
    /* On Xen the guest follows cpu/N/availability in the store. */
    return 0;
}

static int xen_dom_wait(struct hv *hv, uint32_t domid, struct hv_dominfo *out)
{
    for (;;) {
        int rc = xen_dom_getinfo(hv, domid, out);
        if (rc < 0)
            return rc;
        if (out->flags & HV_DOMF_SHUTDOWN)
            return 0;
        poll(NULL, 0, 200); /* libxl uses @releaseDomain; polling is enough */
    }
}

/* ---- save / restore (libxl__domain_save / libxl__xc_domain_restore) ---- */

struct xen_suspend {
    int (*suspend)(void *arg);
    void *arg;
    int rc;
    struct hv_save_stats *st;
};

/* libxc's suspend callback: non-zero is success. */
static int xen_suspend_cb(void *data)
{
    struct xen_suspend *s = data;

    s->rc = s->suspend(s->arg);
    return s->rc == 0;
}

/*
 * libxc's simple_precopy_policy, keeping the counts it is shown: it is
 * called after each round (dirty_count -1, total_written updated) and once
 * the log-dirty bitmap is read (dirty_count: what the next round sends).
 */
static int xen_precopy_policy(struct precopy_stats stats, void *data)
{
    struct xen_suspend *s = data;

    if (s->st) {
        s->st->rounds = stats.iteration;
        s->st->pages_precopy = stats.total_written;
        if (stats.dirty_count >= 0)
            s->st->pages_stop = (unsigned long)stats.dirty_count;
    }
    if (stats.dirty_count >= 0 && stats.dirty_count < HV_SAVE_STOP_DIRTY)
        return XGS_POLICY_STOP_AND_COPY;
    if (stats.iteration >= HV_SAVE_MAX_ROUNDS)
        return XGS_POLICY_STOP_AND_COPY;
    return XGS_POLICY_CONTINUE_PRECOPY;
}

static int save_common(struct hv *hv, uint32_t domid, int fd,
                       struct xen_suspend *s, uint32_t flags, char *err,
                       size_t errlen)
{
    struct xen_priv *p = hv->priv;
    struct save_callbacks cb = {.suspend = xen_suspend_cb, .data = s};
    int rc;

    if (flags & XCFLAGS_LIVE)
        cb.precopy_policy = xen_precopy_policy;
    errno = 0;
    if (xc_domain_save(p->xch, fd, domid, flags, &cb, XC_STREAM_PLAIN, -1) == 0)
        return 0;
    rc = s->rc < 0 ? s->rc : (errno ? -errno : -EIO);
    if (err && errlen && s->rc == 0)
        snprintf(err, errlen, "xc_domain_save failed: %s", strerror(-rc));
    else if (err && errlen)
        snprintf(err, errlen, "the guest did not suspend: %s", strerror(-rc));
    return rc;
}

static int xen_dom_save(struct hv *hv, uint32_t domid, int fd,
                        int (*suspend)(void *arg), void *arg, char *err,
                        size_t errlen)
{
    struct xen_suspend s = {.suspend = suspend, .arg = arg};

    /* Not live: the guest is suspended first, then all its pages sent. */
    return save_common(hv, domid, fd, &s, 0, err, errlen);
}

/* Live: libxc enables log-dirty, sends rounds while the guest runs, asks
 * the policy when to stop, then suspends it for the last dirty pages. */
static int xen_dom_save_live(struct hv *hv, uint32_t domid, int fd,
                             int (*suspend)(void *arg), void *arg,
                             struct hv_save_stats *st, char *err, size_t errlen)
{
    struct xen_priv *p = hv->priv;
    struct xen_suspend s = {.suspend = suspend, .arg = arg, .st = st};

    /*
     * A PV guest's log-dirty mode is shadow paging's: a Xen built without
     * it (Debian's 4.17) refuses with EOPNOTSUPP, and libxc would fail
     * only after its stream began. Asked first, nothing written yet.
     */
    if (xc_shadow_control(p->xch, domid, XEN_DOMCTL_SHADOW_OP_ENABLE_LOGDIRTY,
                          NULL, 0) < 0) {
        int rc = errno ? -errno : -EIO;

        snprintf(err, errlen,
                 rc == -EOPNOTSUPP
                     ? "Xen cannot track a PV guest's dirty pages (its "
                       "log-dirty mode needs shadow paging, which this Xen "
                       "was built without)"
                     : "enabling log-dirty mode: %s",
                 strerror(-rc));
        return rc == -EOPNOTSUPP ? rc : -EIO;
    }
    xc_shadow_control(p->xch, domid, XEN_DOMCTL_SHADOW_OP_OFF, NULL, 0);
    return save_common(hv, domid, fd, &s, XCFLAGS_LIVE, err, errlen);
}

static int xen_dom_resume(struct hv *hv, uint32_t domid, int fast)
{
    return xen_rc(
        xc_domain_resume(((struct xen_priv *)hv->priv)->xch, domid, fast));
}

/* libxl_domain_core_dump: Xen's ELF core (.note.Xen, .xen_pages ...). */
static int xen_dom_dumpcore(struct hv *hv, uint32_t domid, const char *file)
{
    return xen_rc(
        xc_domain_dumpcore(((struct xen_priv *)hv->priv)->xch, domid, file));
}

/* libxl_set_vcpuaffinity_all: hard and soft on every vcpu. */
static int xen_dom_vcpu_affinity(struct hv *hv, uint32_t domid,
                                 const uint8_t *hard, const uint8_t *soft,
                                 size_t len)
{
    struct xen_priv *p = hv->priv;
    struct hv_dominfo info;
    int sz = xc_get_cpumap_size(p->xch), rc;
    xc_cpumap_t h = NULL, s = NULL;
    unsigned v;

    rc = xen_dom_getinfo(hv, domid, &info);
    if (rc < 0)
        return rc;
    if (sz <= 0 || !(h = xc_cpumap_alloc(p->xch)) ||
        !(s = xc_cpumap_alloc(p->xch))) {
        free(h);
        return -ENOMEM;
    }
    for (v = 0; v < info.vcpus && rc == 0; v++) {
        /* xc writes back the effective maps: start afresh each vcpu */
        memset(h, 0, (size_t)sz);
        memcpy(h, hard, len < (size_t)sz ? len : (size_t)sz);
        memset(s, soft ? 0 : 0xff, (size_t)sz);
        if (soft)
            memcpy(s, soft, len < (size_t)sz ? len : (size_t)sz);
        rc = xen_rc(
            xc_vcpu_setaffinity(p->xch, domid, (int)v, h, s,
                                XEN_VCPUAFFINITY_HARD | XEN_VCPUAFFINITY_SOFT));
    }
    free(h);
    free(s);
    return rc;
}

/* libxl's LIBXL_MAXMEM_CONSTANT: room for the pages a restore populates
 * besides the guest's RAM. */
#define XEN_RESTORE_SLACK_KB 1024

static int xen_dom_restore(struct hv *hv, const struct hv_build *b, int fd,
                           struct hv_built *out, char *err, size_t errlen)
{
    struct xen_priv *p = hv->priv;
    struct restore_callbacks cb = {0}; /* libxc dereferences it */
    unsigned long store_mfn = 0, console_mfn = 0;
    int store_port, console_port, rc;

    rc = xen_dom_make(p, b, XEN_RESTORE_SLACK_KB);
    if (rc < 0) {
        snprintf(err, errlen, "dom %u: creating the domain: %s", b->domid,
                 strerror(-rc));
        return rc;
    }
    store_port = xc_evtchn_alloc_unbound(p->xch, b->domid, 0);
    console_port = xc_evtchn_alloc_unbound(p->xch, b->domid, 0);
    if (store_port < 0 || console_port < 0) {
        rc = errno ? -errno : -EIO;
        snprintf(err, errlen, "dom %u: event channels: %s", b->domid,
                 strerror(-rc));
        goto fail;
    }
    /* libxc writes the new ports and frames into the guest's start_info
     * and seeds its grant table for the store and console. */
    if (xc_domain_restore(p->xch, fd, b->domid, (unsigned)store_port,
                          &store_mfn, 0, (unsigned)console_port, &console_mfn,
                          0, XC_STREAM_PLAIN, &cb, -1) < 0) {
        rc = errno ? -errno : -EIO;
        snprintf(err, errlen, "xc_domain_restore failed: %s", strerror(-rc));
        goto fail;
    }
    out->store_pfn = store_mfn;
    out->console_pfn = console_mfn;
    out->store_port = (uint32_t)store_port;
    out->console_port = (uint32_t)console_port;
    return 0;
fail:
    xc_domain_destroy(p->xch, b->domid);
    return rc;
}

/* physinfo's capability bits in the words and order of xl info's
 * virt_caps line (xl_info.c). */
static void xen_virt_caps(uint32_t c, char *buf, size_t len)
{
    bool hvm = c & XEN_SYSCTL_PHYSCAP_hvm, pv = c & XEN_SYSCTL_PHYSCAP_pv,
         dio = c & XEN_SYSCTL_PHYSCAP_directio;

    snprintf(
        buf, len, "%s%s%s%s%s%s%s%s%s%s%s", pv ? " pv" : "", hvm ? " hvm" : "",
        hvm && dio ? " hvm_directio" : "", pv && dio ? " pv_directio" : "",
        c & XEN_SYSCTL_PHYSCAP_hap ? " hap" : "",
        c & XEN_SYSCTL_PHYSCAP_shadow ? " shadow" : "",
        c & XEN_SYSCTL_PHYSCAP_iommu_hap_pt_share ? " iommu_hap_pt_share" : "",
        c & XEN_SYSCTL_PHYSCAP_vmtrace ? " vmtrace" : "",
        c & XEN_SYSCTL_PHYSCAP_vpmu ? " vpmu" : "",
        c & XEN_SYSCTL_PHYSCAP_gnttab_v1 ? " gnttab-v1" : "",
        c & XEN_SYSCTL_PHYSCAP_gnttab_v2 ? " gnttab-v2" : "");
}

/* Xen's build and boot facts (libxl_get_version_info): a field Xen will
 * not give stays empty, as xl prints it. */
static void xen_build_info(xc_interface *xch, const xc_physinfo_t *pi,
                           struct hv_hostinfo *out)
{
    xen_compile_info_t ci;
    xen_changeset_info_t cs;
    xen_commandline_t cmd;
    union {
        xen_build_id_t id;
        unsigned char raw[sizeof(xen_build_id_t) + 64];
    } b;
    int i, n;

    memcpy(out->hw_cap, pi->hw_cap, sizeof(out->hw_cap));
    xen_virt_caps(pi->capabilities, out->virt_caps, sizeof(out->virt_caps));
    memset(&ci, 0, sizeof(ci));
    if (xc_version(xch, XENVER_compile_info, &ci) == 0) {
        snprintf(out->cc_compiler, sizeof(out->cc_compiler), "%.*s",
                 (int)sizeof(ci.compiler), ci.compiler);
        snprintf(out->cc_compile_by, sizeof(out->cc_compile_by), "%.*s",
                 (int)sizeof(ci.compile_by), ci.compile_by);
        snprintf(out->cc_compile_domain, sizeof(out->cc_compile_domain), "%.*s",
                 (int)sizeof(ci.compile_domain), ci.compile_domain);
        snprintf(out->cc_compile_date, sizeof(out->cc_compile_date), "%.*s",
                 (int)sizeof(ci.compile_date), ci.compile_date);
    }
    memset(cs, 0, sizeof(cs));
    if (xc_version(xch, XENVER_changeset, &cs) == 0)
        snprintf(out->changeset, sizeof(out->changeset), "%.*s",
                 (int)sizeof(cs), cs);
    memset(cmd, 0, sizeof(cmd));
    if (xc_version(xch, XENVER_commandline, &cmd) == 0)
        snprintf(out->commandline, sizeof(out->commandline), "%.*s",
                 (int)sizeof(cmd), cmd);
    memset(&b, 0, sizeof(b));
    b.id.len = sizeof(b) - sizeof(b.id);
    n = xc_version(xch, XENVER_build_id, &b.id);
    for (i = 0; i < n && i < 64; i++)
        snprintf(out->build_id + 2 * i, 3, "%02x", b.id.buf[i]);
}

/* xl info's figures: xc_physinfo and xc_version, as libxl_get_physinfo. */
static int xen_host_info(struct hv *hv, struct hv_hostinfo *out)
{
    struct xen_priv *p = hv->priv;
    xc_physinfo_t pi = {0};
    xen_extraversion_t extra;
    xen_capabilities_info_t caps;
    long v;
    unsigned long page_kb = XC_PAGE_SIZE / 1024;

    if (xc_physinfo(p->xch, &pi) < 0)
        return errno ? -errno : -EIO;
    v = xc_version(p->xch, XENVER_version, NULL);
    if (v < 0)
        return errno ? -errno : -EIO;
    out->total_kb = pi.total_pages * page_kb;
    out->free_kb = pi.free_pages * page_kb;
    out->nr_cpus = pi.nr_cpus;
    out->threads_per_core = pi.threads_per_core ? pi.threads_per_core : 1;
    out->cores_per_socket =
        pi.cores_per_socket ? pi.cores_per_socket : out->nr_cpus;
    out->cpu_khz = pi.cpu_khz;
    /* libxl's physinfo.cap_hvm/cap_pv: no VT-x/AMD-V (TCG), no HVM */
    out->caps = (pi.capabilities & XEN_SYSCTL_PHYSCAP_hvm ? HV_CAP_HVM : 0) |
                (pi.capabilities & XEN_SYSCTL_PHYSCAP_pv ? HV_CAP_PV : 0);
    out->xen_major = (unsigned)(v >> 16);
    out->xen_minor = (unsigned)(v & 0xffff);
    memset(extra, 0, sizeof(extra));
    memset(caps, 0, sizeof(caps));
    if (xc_version(p->xch, XENVER_extraversion, &extra) == 0)
        snprintf(out->xen_extra, sizeof(out->xen_extra), "%.*s",
                 (int)sizeof(extra), extra);
    if (xc_version(p->xch, XENVER_capabilities, &caps) == 0)
        snprintf(out->xen_caps, sizeof(out->xen_caps), "%.*s",
                 (int)sizeof(caps), caps);
    xen_build_info(p->xch, &pi, out);
    return 0;
}

static int xen_dom_sched_get(struct hv *hv, uint32_t domid,
                             struct hv_sched *out)
{
    return xen_sched_get(((struct xen_priv *)hv->priv)->xch, domid, out);
}

static int xen_dom_sched_set(struct hv *hv, uint32_t domid, int weight, int cap,
                             char *err, size_t errlen)
{
    return xen_sched_set(((struct xen_priv *)hv->priv)->xch, domid, weight, cap,
                         err, errlen);
}

static int xen_pool_get(struct hv *hv, struct hv_sched_pool *out)
{
    return xen_sched_pool_get(((struct xen_priv *)hv->priv)->xch, out);
}

static int xen_pool_set(struct hv *hv, const struct hv_sched_pool *set,
                        char *err, size_t errlen)
{
    return xen_sched_pool_set(((struct xen_priv *)hv->priv)->xch, set, err,
                              errlen);
}

const struct hv_ops hv_xen_ops = {
    .name = "xen",
    .open = xen_open,
    .close = xen_close,
    .foreign_map = xen_foreign_map,
    .foreign_unmap = xen_foreign_unmap,
    .grant_map = xen_grant_map,
    .grant_unmap = xen_grant_unmap,
    .evtchn_bind = xen_evtchn_bind,
    .evtchn_bind_virq = xen_evtchn_bind_virq,
    .evtchn_ack = xen_evtchn_ack,
    .evtchn_notify = xen_evtchn_notify,
    .evtchn_close = xen_evtchn_close,
    .domain_create = xen_dom_create,
    .domain_destroy = xen_dom_destroy,
    .domain_pause = xen_dom_pause,
    .domain_unpause = xen_dom_unpause,
    .domain_getinfo = xen_dom_getinfo,
    .domain_list = xen_dom_list,
    .domain_set_maxmem = xen_dom_set_maxmem,
    .domain_set_vcpus = xen_dom_set_vcpus,
    .domain_wait = xen_dom_wait,
    .host_info = xen_host_info,
    .domain_save = xen_dom_save,
    .domain_save_live = xen_dom_save_live,
    .domain_resume = xen_dom_resume,
    .domain_restore = xen_dom_restore,
    .domain_dumpcore = xen_dom_dumpcore,
    .domain_vcpu_affinity = xen_dom_vcpu_affinity,
    .domain_sched_get = xen_dom_sched_get,
    .domain_sched_set = xen_dom_sched_set,
    .sched_pool_get = xen_pool_get,
    .sched_pool_set = xen_pool_set,
};
