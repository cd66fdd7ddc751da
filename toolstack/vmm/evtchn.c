/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * evtchn.c: Xen's 2-level event channels in user space. Port state lives
 * here, pending/mask bits in shared_info (Xen's layout) where the guest
 * sees them. Ports bound by a dom0 backend are an eventfd pair: an
 * ioeventfd the guest's notify `out` signals with no exit, and one dom0
 * writes to raise the port. Upcalls enter the guest's event callback
 * through Xen's bounce frame (pvabi.h).
 */
#include "vmm/vmm.h"

#include <errno.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <xen/event_channel.h>

#include "lib/log.h"
#include "proto/pvabi.h"

#define WORD_BITS 64u

static struct vcpu_info *vinfo(struct vmm *vmm, unsigned vcpu)
{
    return &vmm->sh->vcpu_info[vcpu];
}

int evtchn_init(struct vmm *vmm, uint32_t *store_port, uint32_t *con_port)
{
    unsigned i;

    for (i = 0; i < VMM_NR_PORTS; i++) {
        vmm->ports[i].efd_in = vmm->ports[i].efd_out = -1;
        vmm->ports[i].state = PORT_FREE;
    }
    /* As the Xen builder: the store and console channels are unbound
     * ports for dom0, whose daemons bind them. Port 0 is never used. */
    vmm->ports[1].state = PORT_UNBOUND;
    vmm->ports[2].state = PORT_UNBOUND;
    *store_port = 1;
    *con_port = 2;
    return 0;
}

static int port_alloc_locked(struct vmm *vmm)
{
    unsigned i;

    for (i = 1; i < VMM_NR_PORTS; i++) {
        if (vmm->ports[i].state == PORT_FREE) {
            memset(&vmm->ports[i], 0, sizeof(vmm->ports[i]));
            vmm->ports[i].efd_in = vmm->ports[i].efd_out = -1;
            return (int)i;
        }
    }
    return -ENOSPC;
}

static void evtchn_set_pending_locked(struct vmm *vmm, uint32_t port)
{
    shared_info_t *sh = vmm->sh;
    xen_ulong_t bit, word;
    struct vcpu_info *vi;
    unsigned vc;

    if (port == 0 || port >= VMM_NR_PORTS)
        return;
    word = port / WORD_BITS;
    bit = 1ul << (port % WORD_BITS);
    if (__atomic_fetch_or(&sh->evtchn_pending[word], bit, __ATOMIC_SEQ_CST) &
        bit)
        return;
    vc = vmm->ports[port].vcpu < vmm->nr_vcpus ? vmm->ports[port].vcpu : 0;
    if (__atomic_load_n(&sh->evtchn_mask[word], __ATOMIC_SEQ_CST) & bit) {
        /* Masked: only SCHEDOP_poll sleepers care. */
        if (vmm->vcpus[vc].state == VCPU_BLOCKED)
            kvm_kick(&vmm->vcpus[vc]);
        return;
    }
    vi = vinfo(vmm, vc);
    if (!(__atomic_fetch_or(&vi->evtchn_pending_sel, 1ul << word,
                            __ATOMIC_SEQ_CST) &
          (1ul << word))) {
        __atomic_store_n(&vi->evtchn_upcall_pending, 1, __ATOMIC_SEQ_CST);
        kvm_kick(&vmm->vcpus[vc]);
    }
}

void evtchn_raise_virq(struct vcpu *v, unsigned virq)
{
    struct vmm *vmm = v->vmm;

    pthread_mutex_lock(&vmm->lock);
    if (virq < NR_VIRQS && v->virq_port[virq])
        evtchn_set_pending_locked(vmm, v->virq_port[virq]);
    pthread_mutex_unlock(&vmm->lock);
}

int64_t evtchn_send(struct vmm *vmm, uint32_t port)
{
    uint64_t one = 1;
    int64_t rc = 0;
    struct port *p;

    if (port == 0 || port >= VMM_NR_PORTS)
        return -EINVAL;
    pthread_mutex_lock(&vmm->lock);
    p = &vmm->ports[port];
    switch (p->state) {
    case PORT_DOM0:
        if (write(p->efd_out, &one, sizeof(one)) < 0)
            rc = -errno;
        break;
    case PORT_LOCAL:
        evtchn_set_pending_locked(vmm, p->peer);
        break;
    case PORT_IPI:
        evtchn_set_pending_locked(vmm, port);
        break;
    case PORT_UNBOUND:
        break; /* nobody listens yet: dropped, as in Xen */
    default:
        rc = -EINVAL;
    }
    pthread_mutex_unlock(&vmm->lock);
    return rc;
}

static void dom0_unhook_locked(struct vmm *vmm, uint32_t port)
{
    struct port *p = &vmm->ports[port];
    struct kvm_ioeventfd io = {
        .datamatch = port,
        .addr = PVABI_NOTIFY_PORT,
        .len = 4,
        .fd = p->efd_out,
        .flags = KVM_IOEVENTFD_FLAG_PIO | KVM_IOEVENTFD_FLAG_DATAMATCH |
                 KVM_IOEVENTFD_FLAG_DEASSIGN,
    };

    if (p->efd_out >= 0) {
        ioctl(vmm->vm_fd, KVM_IOEVENTFD, &io);
        close(p->efd_out);
    }
    if (p->efd_in >= 0) {
        epoll_ctl(vmm->epfd, EPOLL_CTL_DEL, p->efd_in, NULL);
        close(p->efd_in);
    }
    p->efd_out = p->efd_in = -1;
}

static int64_t close_locked(struct vmm *vmm, uint32_t port)
{
    struct port *p;

    if (port == 0 || port >= VMM_NR_PORTS)
        return -EINVAL;
    p = &vmm->ports[port];
    switch (p->state) {
    case PORT_FREE:
        return -EINVAL;
    case PORT_DOM0:
        dom0_unhook_locked(vmm, port);
        break;
    case PORT_LOCAL:
        if (p->peer != port) {
            vmm->ports[p->peer].state = PORT_UNBOUND;
            vmm->ports[p->peer].remote_dom = vmm->domid;
        }
        break;
    case PORT_VIRQ:
        if (p->vcpu < vmm->nr_vcpus && p->virq < NR_VIRQS)
            vmm->vcpus[p->vcpu].virq_port[p->virq] = 0;
        break;
    default:
        break;
    }
    p->state = PORT_FREE;
    return 0;
}

static int64_t unmask(struct vmm *vmm, uint32_t port)
{
    shared_info_t *sh = vmm->sh;
    xen_ulong_t word = port / WORD_BITS, bit = 1ul << (port % WORD_BITS);
    struct vcpu_info *vi;
    unsigned vc;

    if (port >= VMM_NR_PORTS)
        return -EINVAL;
    vc = vmm->ports[port].vcpu < vmm->nr_vcpus ? vmm->ports[port].vcpu : 0;
    vi = vinfo(vmm, vc);
    if ((__atomic_fetch_and(&sh->evtchn_mask[word], ~bit, __ATOMIC_SEQ_CST) &
         bit) &&
        (__atomic_load_n(&sh->evtchn_pending[word], __ATOMIC_SEQ_CST) & bit) &&
        !(__atomic_fetch_or(&vi->evtchn_pending_sel, 1ul << word,
                            __ATOMIC_SEQ_CST) &
          (1ul << word))) {
        __atomic_store_n(&vi->evtchn_upcall_pending, 1, __ATOMIC_SEQ_CST);
        kvm_kick(&vmm->vcpus[vc]);
    }
    return 0;
}

static int self(struct vmm *vmm, domid_t d)
{
    return d == DOMID_SELF || (uint32_t)d == vmm->domid;
}

static int64_t alloc_unbound(struct vmm *vmm, struct evtchn_alloc_unbound *a)
{
    int port;

    if (!self(vmm, a->dom))
        return -EPERM;
    port = port_alloc_locked(vmm);
    if (port < 0)
        return port;
    vmm->ports[port].state = PORT_UNBOUND;
    vmm->ports[port].remote_dom =
        self(vmm, a->remote_dom) ? vmm->domid : a->remote_dom;
    a->port = (evtchn_port_t)port;
    return 0;
}

/* Only loopback binds: dom0's ports are never ours to bind. */
static int64_t bind_interdomain(struct vmm *vmm,
                                struct evtchn_bind_interdomain *b)
{
    struct port *rp;
    int port;

    if (!self(vmm, b->remote_dom) || b->remote_port == 0 ||
        b->remote_port >= VMM_NR_PORTS)
        return -EINVAL;
    rp = &vmm->ports[b->remote_port];
    if (rp->state != PORT_UNBOUND || rp->remote_dom != vmm->domid)
        return -EINVAL;
    port = port_alloc_locked(vmm);
    if (port < 0)
        return port;
    vmm->ports[port].state = PORT_LOCAL;
    vmm->ports[port].peer = b->remote_port;
    rp->state = PORT_LOCAL;
    rp->peer = (uint32_t)port;
    b->local_port = (evtchn_port_t)port;
    return 0;
}

static int64_t bind_virq(struct vmm *vmm, struct evtchn_bind_virq *b)
{
    int port;

    if (b->virq >= NR_VIRQS || b->vcpu >= vmm->nr_vcpus)
        return -EINVAL;
    if (vmm->vcpus[b->vcpu].virq_port[b->virq])
        return -EEXIST;
    port = port_alloc_locked(vmm);
    if (port < 0)
        return port;
    vmm->ports[port].state = PORT_VIRQ;
    vmm->ports[port].virq = (uint16_t)b->virq;
    vmm->ports[port].vcpu = (uint8_t)b->vcpu;
    vmm->vcpus[b->vcpu].virq_port[b->virq] = (uint16_t)port;
    b->port = (evtchn_port_t)port;
    return 0;
}

static int64_t status(struct vmm *vmm, struct evtchn_status *s)
{
    struct port *p;

    if (!self(vmm, s->dom) || s->port >= VMM_NR_PORTS)
        return -EINVAL;
    p = &vmm->ports[s->port];
    s->vcpu = p->vcpu;
    switch (p->state) {
    case PORT_FREE:
        s->status = EVTCHNSTAT_closed;
        break;
    case PORT_UNBOUND:
        s->status = EVTCHNSTAT_unbound;
        s->u.unbound.dom = (domid_t)p->remote_dom;
        break;
    case PORT_DOM0:
        s->status = EVTCHNSTAT_interdomain;
        s->u.interdomain.dom = 0;
        s->u.interdomain.port = s->port;
        break;
    case PORT_LOCAL:
        s->status = EVTCHNSTAT_interdomain;
        s->u.interdomain.dom = (domid_t)vmm->domid;
        s->u.interdomain.port = p->peer;
        break;
    case PORT_VIRQ:
        s->status = EVTCHNSTAT_virq;
        s->u.virq = p->virq;
        break;
    case PORT_IPI:
        s->status = EVTCHNSTAT_ipi;
        break;
    }
    return 0;
}

/* The argument size of each op we serve; 0: not served. */
static const size_t evtchn_arg_size[] = {
    [EVTCHNOP_alloc_unbound] = sizeof(struct evtchn_alloc_unbound),
    [EVTCHNOP_bind_interdomain] = sizeof(struct evtchn_bind_interdomain),
    [EVTCHNOP_bind_virq] = sizeof(struct evtchn_bind_virq),
    [EVTCHNOP_bind_ipi] = sizeof(struct evtchn_bind_ipi),
    [EVTCHNOP_close] = sizeof(struct evtchn_close),
    [EVTCHNOP_send] = sizeof(struct evtchn_send),
    [EVTCHNOP_status] = sizeof(struct evtchn_status),
    [EVTCHNOP_unmask] = sizeof(struct evtchn_unmask),
    [EVTCHNOP_bind_vcpu] = sizeof(struct evtchn_bind_vcpu),
};

/* One locked op on a copy of the guest's argument, copied back on success. */
int64_t evtchn_hc(struct vcpu *v, uint64_t cmd, uint64_t arg)
{
    struct vmm *vmm = v->vmm;
    union {
        struct evtchn_alloc_unbound au;
        struct evtchn_bind_interdomain bi;
        struct evtchn_bind_virq bv;
        struct evtchn_bind_ipi ipi;
        struct evtchn_close cl;
        struct evtchn_send se;
        struct evtchn_status st;
        struct evtchn_unmask um;
        struct evtchn_bind_vcpu bvc;
    } u;
    size_t sz;
    int64_t rc;
    int port;

    sz = cmd < sizeof(evtchn_arg_size) / sizeof(evtchn_arg_size[0])
             ? evtchn_arg_size[cmd]
             : 0;
    if (!sz)
        return -ENOSYS; /* FIFO ABI etc.: guests fall back to 2-level */
    if (gm_read(vmm, arg, &u, sz))
        return -EFAULT;
    if (cmd == EVTCHNOP_send)
        return evtchn_send(vmm, u.se.port);
    pthread_mutex_lock(&vmm->lock);
    switch (cmd) {
    case EVTCHNOP_alloc_unbound:
        rc = alloc_unbound(vmm, &u.au);
        break;
    case EVTCHNOP_bind_interdomain:
        rc = bind_interdomain(vmm, &u.bi);
        break;
    case EVTCHNOP_bind_virq:
        rc = bind_virq(vmm, &u.bv);
        break;
    case EVTCHNOP_bind_ipi:
        rc = -EINVAL;
        if (u.ipi.vcpu < vmm->nr_vcpus && (port = port_alloc_locked(vmm)) > 0) {
            vmm->ports[port].state = PORT_IPI;
            vmm->ports[port].vcpu = (uint8_t)u.ipi.vcpu;
            u.ipi.port = (evtchn_port_t)port;
            rc = 0;
        }
        break;
    case EVTCHNOP_close:
        rc = close_locked(vmm, u.cl.port);
        break;
    case EVTCHNOP_status:
        rc = status(vmm, &u.st);
        break;
    case EVTCHNOP_unmask:
        rc = unmask(vmm, u.um.port);
        break;
    case EVTCHNOP_bind_vcpu:
        rc = -EINVAL;
        if (u.bvc.port > 0 && u.bvc.port < VMM_NR_PORTS &&
            u.bvc.vcpu < vmm->nr_vcpus &&
            vmm->ports[u.bvc.port].state != PORT_FREE &&
            vmm->ports[u.bvc.port].state != PORT_VIRQ) {
            vmm->ports[u.bvc.port].vcpu = (uint8_t)u.bvc.vcpu;
            rc = 0;
        }
        break;
    default:
        rc = -ENOSYS;
        break;
    }
    pthread_mutex_unlock(&vmm->lock);
    if (rc == 0 && gm_write(vmm, arg, &u, sz))
        return -EFAULT;
    return rc;
}

int evtchn_deliver(struct vcpu *v)
{
    struct vmm *vmm = v->vmm;
    struct kvm_regs *r = &v->run->s.regs.regs;
    struct vcpu_info *vi;
    uint64_t frame[7], rip, sp;

    if (v->id >= VMM_MAX_VCPUS || !v->event_cb)
        return 0;
    vi = vinfo(vmm, v->id);
    if (!__atomic_load_n(&vi->evtchn_upcall_pending, __ATOMIC_SEQ_CST) ||
        __atomic_load_n(&vi->evtchn_upcall_mask, __ATOMIC_SEQ_CST))
        return 0;
    rip = r->rip;
    if (v->pio_at && rip == v->pio_at)
        rip += 2; /* KVM would have skipped the `out` on re-entry */
    sp = (r->rsp & ~15ull) - sizeof(frame);
    frame[0] = r->rcx;
    frame[1] = r->r11;
    frame[2] = rip;
    frame[3] = PVABI_CS;
    frame[4] = r->rflags | 0x200; /* IF: events were enabled */
    frame[5] = r->rsp;
    frame[6] = PVABI_DS;
    if (gm_write(vmm, sp, frame, sizeof(frame)) < 0) {
        sched_shutdown(vmm, SHUTDOWN_crash, "event upcall: bad guest stack");
        return -EFAULT;
    }
    __atomic_store_n(&vi->evtchn_upcall_mask, 1, __ATOMIC_SEQ_CST);
    r->rsp = sp;
    r->rip = v->event_cb;
    v->run->kvm_dirty_regs |= KVM_SYNC_X86_REGS;
    v->pio_at = 0;
    return 1;
}

int evtchn_bind_dom0(struct vmm *vmm, uint32_t port, int fds_out[2])
{
    struct kvm_ioeventfd io = {
        .datamatch = port,
        .addr = PVABI_NOTIFY_PORT,
        .len = 4,
        .flags = KVM_IOEVENTFD_FLAG_PIO | KVM_IOEVENTFD_FLAG_DATAMATCH,
    };
    struct epoll_event ev = {.events = EPOLLIN};
    struct port *p;
    int rc = 0;

    if (port == 0 || port >= VMM_NR_PORTS)
        return -EINVAL;
    pthread_mutex_lock(&vmm->lock);
    p = &vmm->ports[port];
    if (p->state == PORT_DOM0) /* a restarted backend binds again */
        dom0_unhook_locked(vmm, port);
    else if (p->state != PORT_UNBOUND || p->remote_dom != 0) {
        rc = -EINVAL;
        goto out;
    }
    p->efd_out = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    p->efd_in = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    io.fd = p->efd_out;
    ev.data.u64 = EP_TAG(EP_PORT, port);
    if (p->efd_out < 0 || p->efd_in < 0 ||
        ioctl(vmm->vm_fd, KVM_IOEVENTFD, &io) < 0 ||
        epoll_ctl(vmm->epfd, EPOLL_CTL_ADD, p->efd_in, &ev) < 0) {
        rc = -errno;
        dom0_unhook_locked(vmm, port);
        p->state = PORT_UNBOUND;
        goto out;
    }
    p->state = PORT_DOM0;
    fds_out[0] = p->efd_out;
    fds_out[1] = p->efd_in;
out:
    pthread_mutex_unlock(&vmm->lock);
    return rc;
}

int evtchn_close_dom0(struct vmm *vmm, uint32_t port)
{
    int rc = -EINVAL;

    if (port == 0 || port >= VMM_NR_PORTS)
        return rc;
    pthread_mutex_lock(&vmm->lock);
    if (vmm->ports[port].state == PORT_DOM0) {
        dom0_unhook_locked(vmm, port);
        vmm->ports[port].state = PORT_UNBOUND; /* as Xen: remote closed */
        vmm->ports[port].remote_dom = 0;
        rc = 0;
    }
    pthread_mutex_unlock(&vmm->lock);
    return rc;
}

void evtchn_port_input(struct vmm *vmm, uint32_t port)
{
    uint64_t v;

    if (port == 0 || port >= VMM_NR_PORTS)
        return;
    pthread_mutex_lock(&vmm->lock);
    if (vmm->ports[port].state == PORT_DOM0 &&
        read(vmm->ports[port].efd_in, &v, sizeof(v)) == sizeof(v))
        evtchn_set_pending_locked(vmm, port);
    pthread_mutex_unlock(&vmm->lock);
}
