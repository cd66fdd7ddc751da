/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * hv.h: the hypervisor control interface. One ops table per engine: xen
 * (libxenctrl & co., when /dev/xen/privcmd exists) and kvm (our VMM, one
 * process per domain). The toolstack calls only these functions.
 *
 * The second half is the three primitives that xenstored and the backends
 * need (foreign memory, grants, event channels): engine-agnostic, so the same
 * ring code serves both engines. Their signatures are a contract between
 * toolstack/store, backends/ and the engines.
 */
#ifndef XT_HV_HV_H
#define XT_HV_HV_H

#include <stddef.h>
#include <stdint.h>

struct hv;

/* Open the engine for this host: xen if /dev/xen/privcmd exists, else kvm
 * (force one with PVSTACK_ENGINE=xen|kvm). Returns 0 or -errno. */
int hv_open(struct hv **hv_out);
void hv_close(struct hv *hv);
/* "xen" or "kvm". */
const char *hv_engine_name(const struct hv *hv);

/* ---- Foreign memory ---------------------------------------------------- */

/*
 * Map npages guest frames of domid starting at pfn into our address space,
 * readable (and writable if writable != 0). Returns 0 or -errno (-ERANGE:
 * frames outside the guest). Unmap with hv_foreign_unmap(addr, npages).
 * Valid until unmapped, even after the domain dies; on kvm the domain's
 * memory is released when it dies and the range then reads zeros.
 */
int hv_foreign_map(struct hv *hv, uint32_t domid, uint64_t pfn, size_t npages,
                   int writable, void **addr_out);
void hv_foreign_unmap(struct hv *hv, void *addr, size_t npages);

/* ---- Grant references -------------------------------------------------- */

/*
 * Map the page domid granted us under ref. Checked as Xen does: the entry
 * has GTF_permit_access, names our domid, is not GTF_readonly if writable is
 * asked, and its frame lies inside the guest. Returns 0 or -errno (-EINVAL
 * bad ref, -EACCES not granted to us or read-only). Unmap with
 * hv_grant_unmap.
 */
int hv_grant_map(struct hv *hv, uint32_t domid, uint32_t ref, int writable,
                 void **addr_out);
void hv_grant_unmap(struct hv *hv, void *addr);

/* ---- Event channels ---------------------------------------------------- */

struct hv_evtchn;

/*
 * Bind an interdomain channel to domid's unbound port remote_port (one the
 * guest allocated for dom0 with EVTCHNOP_alloc_unbound). Returns 0 or -errno.
 */
int hv_evtchn_bind(struct hv *hv, uint32_t domid, uint32_t remote_port,
                   struct hv_evtchn **ch_out);
/* A pollable fd that is readable while the guest has notified us. */
int hv_evtchn_fd(const struct hv_evtchn *ch);
/* Consume pending notifications (after poll); returns 0 or -errno. */
int hv_evtchn_ack(struct hv_evtchn *ch);
/* Raise the port in the guest. Returns 0 or -errno. */
int hv_evtchn_notify(struct hv_evtchn *ch);
/*
 * Bind a global virtual IRQ of the hypervisor (HV_VIRQ_DOM_EXC: some
 * domain shut down or died) to a channel whose fd is readable once it
 * fired; ack and close as any channel (notify is meaningless). Returns 0,
 * -ENOSYS where the engine has no VIRQs (kvm), -EEXIST when another
 * process of this domain holds it, or -errno.
 */
#define HV_VIRQ_DOM_EXC 3 /* xen/xen.h VIRQ_DOM_EXC */
int hv_evtchn_bind_virq(struct hv *hv, unsigned virq,
                        struct hv_evtchn **ch_out);
/* Our local port number (for logs and the store). */
uint32_t hv_evtchn_port(const struct hv_evtchn *ch);
void hv_evtchn_close(struct hv_evtchn *ch);

/* ---- Domain operations ------------------------------------------------- */

/* State flags of struct hv_dominfo (xl list letters r, b, p, s, d). */
#define HV_DOMF_RUNNING 0x1u
#define HV_DOMF_BLOCKED 0x2u
#define HV_DOMF_PAUSED 0x4u
#define HV_DOMF_SHUTDOWN 0x8u
#define HV_DOMF_DYING 0x10u

struct hv_dominfo {
    uint32_t domid;
    unsigned flags;           /* HV_DOMF_* */
    unsigned shutdown_reason; /* SHUTDOWN_* of xen/sched.h, if SHUTDOWN */
    uint64_t cpu_ns;          /* CPU time of all vcpus */
    uint64_t mem_kb;          /* current reservation */
    uint64_t max_mem_kb;
    unsigned vcpus;        /* max vcpus */
    unsigned vcpus_online; /* online in the guest */
    uint64_t start_time;   /* wall-clock seconds at creation, 0 unknown */
};

/* The hypervisor's own view of the host (xl info's Xen lines). */
struct hv_hostinfo {
    uint64_t total_kb, free_kb;
    unsigned nr_cpus, cores_per_socket, threads_per_core, cpu_khz;
    unsigned xen_major, xen_minor;
    char xen_extra[32];
    char xen_caps[1024]; /* xen_capabilities_info_t */
    unsigned caps;       /* HV_CAP_*: what guests the hypervisor can run */
    /* The rest of xl info's lines as Xen gives them (physinfo, xen_version);
     * a field Xen will not give stays empty. */
    uint32_t hw_cap[8];
    char virt_caps[192]; /* physinfo's capabilities, as xl words them */
    char changeset[64], commandline[1024];
    char cc_compiler[64], cc_compile_by[16], cc_compile_domain[32],
        cc_compile_date[32];
    char build_id[129]; /* hex */
};
#define HV_CAP_HVM 0x1u /* hardware virtualisation: HVM and PVH guests */
#define HV_CAP_PV 0x2u

/* What to build; strings are borrowed for the call. */
struct hv_build {
    uint32_t domid;
    const char *name;
    const char *kernel;
    const char *ramdisk; /* NULL: none */
    const char *cmdline; /* NULL: empty */
    uint64_t mem_kb;
    uint64_t max_mem_kb;
    unsigned vcpus;     /* online at boot */
    unsigned max_vcpus; /* created */
    int paused;         /* leave paused (xm create -p) */
};

/* What the builder set up, for the store entries the toolstack writes. */
struct hv_built {
    uint64_t store_pfn;
    uint64_t console_pfn;
    uint32_t store_port;
    uint32_t console_port;
};

/*
 * Build and start domain b->domid. On failure returns -errno and, if err is
 * non-NULL, a one-line reason in err (e.g. "/k.elf: no Xen ELF notes"); all
 * the engine made is gone. On kvm the VMM runs as its own process.
 */
int hv_domain_create(struct hv *hv, const struct hv_build *b,
                     struct hv_built *out, char *err, size_t errlen);
/* Kill the domain now; returns 0, -ESRCH (no such domain) or -errno. */
int hv_domain_destroy(struct hv *hv, uint32_t domid);
int hv_domain_pause(struct hv *hv, uint32_t domid);
int hv_domain_unpause(struct hv *hv, uint32_t domid);
int hv_domain_getinfo(struct hv *hv, uint32_t domid, struct hv_dominfo *out);
/*
 * Fill up to max entries of all domains (dom0 first), sorted by domid.
 * Returns the number of domains (which may exceed max) or -errno.
 */
int hv_domain_list(struct hv *hv, struct hv_dominfo *out, int max);
int hv_domain_set_maxmem(struct hv *hv, uint32_t domid, uint64_t kb);
/* Limit the vcpus the guest may bring online. */
int hv_domain_set_vcpus(struct hv *hv, uint32_t domid, unsigned n);
/*
 * Block until domid has shut down (0, info filled) or is gone (-ESRCH).
 * For monitors (xm's per-domain child).
 */
int hv_domain_wait(struct hv *hv, uint32_t domid, struct hv_dominfo *out);
/*
 * The host as the hypervisor reports it: 0, or -ENOSYS when the engine
 * has no view of its own (kvm: the host is Linux, /proc is the truth).
 */
int hv_host_info(struct hv *hv, struct hv_hostinfo *out);

/* ---- Save / restore (optional: -ENOSYS where the engine has none) -------- */

/*
 * Write domid's state to fd as a libxc migration stream v2 (xen engine:
 * xc_domain_save; kvm: the VMM writes include/proto/vmmsave.h's stream,
 * hv_kvm_save.c). suspend(arg) is called once the stream needs the guest
 * stopped: it must get the guest to SHUTDOWN_suspend (the PV protocol over
 * the store) and return 0, or -errno to abort. The domain is left
 * suspended; the caller destroys or resumes it. 0 or -errno, one line in
 * err.
 */
int hv_domain_save(struct hv *hv, uint32_t domid, int fd,
                   int (*suspend)(void *arg), void *arg, char *err,
                   size_t errlen);
/* What a live save sent (libxc's precopy_stats as its policy saw them). */
struct hv_save_stats {
    unsigned rounds;             /* precopy rounds while it ran */
    unsigned long pages_precopy; /* pages sent while it ran */
    unsigned long pages_stop;    /* pages dirty when it was stopped */
};
/*
 * The same, live (XCFLAGS_LIVE): Xen's log-dirty mode (kvm: KVM's dirty
 * log, in the VMM) tracks the pages the running guest writes while they
 * are sent in rounds; suspend(arg) is
 * called for the last round once few pages are left dirty or after
 * HV_SAVE_MAX_ROUNDS (libxc's simple policy). *st (may be NULL) gets the
 * counts. -ENOSYS where the engine has no live save.
 */
#define HV_SAVE_MAX_ROUNDS 5
#define HV_SAVE_STOP_DIRTY 50
int hv_domain_save_live(struct hv *hv, uint32_t domid, int fd,
                        int (*suspend)(void *arg), void *arg,
                        struct hv_save_stats *st, char *err, size_t errlen);
/*
 * Let a guest that suspended for a save carry on (xc_domain_resume; fast:
 * the guest sees the suspend cancelled and keeps its connections, as
 * libxl does for `save -c`). 0 or -errno.
 */
int hv_domain_resume(struct hv *hv, uint32_t domid, int fast);
/*
 * Make domain b->domid as hv_domain_create would (b->kernel etc. unused)
 * and load its state from the stream on fd (xc_domain_restore); *out gets
 * the store and console frames and channels of the restored guest. The
 * domain is left paused. On failure nothing is left; 0 or -errno + err.
 */
int hv_domain_restore(struct hv *hv, const struct hv_build *b, int fd,
                      struct hv_built *out, char *err, size_t errlen);

/*
 * Write domid's memory to file as the hypervisor's ELF core (xen engine:
 * xc_domain_dumpcore, as libxl_domain_core_dump). -ENOSYS where the engine
 * cannot (kvm: PV guests' memory is the VMM's); else 0 or -errno.
 */
int hv_domain_dumpcore(struct hv *hv, uint32_t domid, const char *file);

/*
 * Every vcpu of domid to hard affinity hard and soft affinity soft (CPU
 * bitmaps of len bytes, bit i of byte i / 8 for CPU i; soft NULL: all).
 * Xen engine: xc_vcpu_setaffinity, as libxl. -ENOSYS where the engine has
 * no vcpu affinity of its own (kvm: vcpus are the VMM's threads); else 0
 * or -errno.
 */
int hv_domain_vcpu_affinity(struct hv *hv, uint32_t domid, const uint8_t *hard,
                            const uint8_t *soft, size_t len);

/* ---- Scheduler (optional: -ENOSYS where the engine has none) ----------- */

/* Xen's scheduler ids (xen/domctl.h XEN_SCHEDULER_*). */
#define HV_SCHED_CREDIT 5
#define HV_SCHED_CREDIT2 6
#define HV_SCHED_ARINC653 7
#define HV_SCHED_RTDS 8
#define HV_SCHED_NULL 9

/* A domain's share under the scheduler of the host's CPUs (pool 0). */
struct hv_sched {
    unsigned id;      /* HV_SCHED_* */
    const char *name; /* "credit", "credit2", ... (static) */
    int weight;       /* 1..65535 (credit, credit2), else 0 */
    int cap;          /* % of one CPU, 0: none (credit, credit2) */
};

/* The name of a HV_SCHED_* id: "credit", ..., or "unknown". */
const char *hv_sched_name(unsigned id);
/*
 * libxl's ranges for a domain of vcpus vcpus: weight 1..65535, cap
 * 0..100 * vcpus (either < 0: unchanged, not checked). 0, or -EINVAL with
 * one line in err ("cpu cap 300 out of range 0..200 for 2 vcpus").
 */
int hv_sched_check(int weight, int cap, unsigned vcpus, char *err,
                   size_t errlen);
/*
 * domid's weight and cap under the running scheduler (xen engine:
 * xc_sched_id, then xc_sched_credit[2]_domain_get). A scheduler without
 * weights (rtds, null, arinc653) fills id and name and returns 0 with
 * weight and cap 0. -ENOSYS where the engine has no scheduler of its own
 * (kvm: the vcpus are Linux threads); else 0 or -errno.
 */
int hv_domain_sched_get(struct hv *hv, uint32_t domid, struct hv_sched *out);
/*
 * Set weight and/or cap (< 0: unchanged) as libxl does: ranges checked
 * (hv_sched_check, -EINVAL), -EOPNOTSUPP with a line in err when the
 * running scheduler has no weights, -ENOSYS where the engine has no
 * scheduler; else 0 or -errno (one line in err).
 */
int hv_domain_sched_set(struct hv *hv, uint32_t domid, int weight, int cap,
                        char *err, size_t errlen);

/* The running scheduler's parameters for the host's CPUs (pool 0), as
 * libxl_sched_credit[2]_params: credit has all three, credit2 only the
 * rate limit (the others -1). */
struct hv_sched_pool {
    unsigned id;       /* HV_SCHED_* running */
    int tslice_ms;     /* credit: 1..1000 */
    int ratelimit_us;  /* 0 (off) or 100..500000, <= tslice */
    int migr_delay_us; /* credit: 0..100000 */
};

/* -ENOSYS where the engine has no scheduler of its own (kvm), -EOPNOTSUPP
 * for a scheduler with no pool parameters (id filled), else 0 or -errno. */
int hv_sched_pool_get(struct hv *hv, struct hv_sched_pool *out);
/*
 * Set the fields that are >= 0 (id ignored), with libxl's ranges and its
 * messages ("Time slice out of range, valid range is from 1 to 1000"):
 * -EINVAL; -EOPNOTSUPP when the running scheduler lacks a field set;
 * -ENOSYS as above; else 0 or -errno, with one line in err.
 */
int hv_sched_pool_set(struct hv *hv, const struct hv_sched_pool *set, char *err,
                      size_t errlen);

#endif
