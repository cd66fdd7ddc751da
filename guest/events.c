/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * events.c: 2-level event channels in shared_info (Xen's layout): port
 * binding, mask/unmask, and the upcall that dispatches pending ports on
 * the vcpu the VMM bounced into hypervisor_callback (head.S).
 */
#include "kernel.h"
#include "platform.h"

#define NR_PORTS EVTCHN_2L_NR_CHANNELS
#define BITS_PER_WORD (sizeof(xen_ulong_t) * 8)

extern char hypervisor_callback[];

struct handler {
    evtchn_handler_fn *fn;
    void *data;
};

static struct handler handlers[NR_PORTS];
bool events_hyp_iret; /* read by head.S */

static void set_bit(unsigned n, xen_ulong_t *words)
{
    __atomic_fetch_or(&words[n / BITS_PER_WORD], 1UL << (n % BITS_PER_WORD),
                      __ATOMIC_SEQ_CST);
}

static void clear_bit(unsigned n, xen_ulong_t *words)
{
    __atomic_fetch_and(&words[n / BITS_PER_WORD], ~(1UL << (n % BITS_PER_WORD)),
                       __ATOMIC_SEQ_CST);
}

void force_evtchn_callback(void)
{
    hyp_xen_version(XENVER_version, NULL);
}

void local_irq_disable(void)
{
    this_vcpu_info()->evtchn_upcall_mask = 1;
    barrier();
}

void local_irq_enable(void)
{
    struct vcpu_info *vi = this_vcpu_info();

    barrier();
    vi->evtchn_upcall_mask = 0;
    mb(); /* unmask before checking pending, or an event can slip by */
    if (READ_ONCE(vi->evtchn_upcall_pending))
        force_evtchn_callback();
}

void evtchn_mask(evtchn_port_t port)
{
    if (port < NR_PORTS)
        set_bit(port, shared_info->evtchn_mask);
}

void evtchn_unmask(evtchn_port_t port)
{
    struct evtchn_unmask op = {.port = port};

    if (port >= NR_PORTS)
        return;
    /* EVTCHNOP_unmask clears the mask and re-raises an event that became
     * pending meanwhile, on the vcpu the port is bound to. It must see the
     * mask bit still set, so no local clear first. */
    if (hyp_evtchn_op(EVTCHNOP_unmask, &op) < 0)
        clear_bit(port, shared_info->evtchn_mask);
}

int evtchn_bind(evtchn_port_t port, evtchn_handler_fn *fn, void *data)
{
    if (port >= NR_PORTS || !fn)
        return -XEN_EINVAL;
    handlers[port].data = data;
    __atomic_store_n(&handlers[port].fn, fn, __ATOMIC_RELEASE);
    evtchn_unmask(port);
    return 0;
}

void evtchn_unbind(evtchn_port_t port)
{
    if (port >= NR_PORTS)
        return;
    evtchn_mask(port);
    __atomic_store_n(&handlers[port].fn, NULL, __ATOMIC_RELEASE);
    clear_bit(port, shared_info->evtchn_pending);
}

static int bind_new(long rc, evtchn_port_t port, evtchn_handler_fn *fn,
                    void *data, evtchn_port_t *port_out)
{
    if (rc < 0)
        return (int)rc;
    *port_out = port;
    return evtchn_bind(port, fn, data);
}

int evtchn_bind_virq(uint32_t virq, unsigned vcpu, evtchn_handler_fn *fn,
                     void *data, evtchn_port_t *port_out)
{
    struct evtchn_bind_virq op = {.virq = virq, .vcpu = vcpu};
    long rc = hyp_evtchn_op(EVTCHNOP_bind_virq, &op);
    return bind_new(rc, op.port, fn, data, port_out);
}

int evtchn_bind_ipi(unsigned vcpu, evtchn_handler_fn *fn, void *data,
                    evtchn_port_t *port_out)
{
    struct evtchn_bind_ipi op = {.vcpu = vcpu};
    long rc = hyp_evtchn_op(EVTCHNOP_bind_ipi, &op);
    return bind_new(rc, op.port, fn, data, port_out);
}

int evtchn_alloc_unbound(domid_t remote, evtchn_handler_fn *fn, void *data,
                         evtchn_port_t *port_out)
{
    struct evtchn_alloc_unbound op = {.dom = DOMID_SELF, .remote_dom = remote};
    long rc = hyp_evtchn_op(EVTCHNOP_alloc_unbound, &op);
    return bind_new(rc, op.port, fn, data, port_out);
}

int evtchn_close(evtchn_port_t port)
{
    struct evtchn_close op = {.port = port};
    evtchn_unbind(port);
    return (int)hyp_evtchn_op(EVTCHNOP_close, &op);
}

int evtchn_send(evtchn_port_t port)
{
    struct evtchn_send op = {.port = port};
    return (int)hyp_evtchn_op(EVTCHNOP_send, &op);
}

void evtchn_notify(evtchn_port_t port)
{
    platform->notify(port);
}

static void dispatch(evtchn_port_t port, struct regs *r)
{
    evtchn_handler_fn *fn =
        __atomic_load_n(&handlers[port].fn, __ATOMIC_ACQUIRE);
    /* Clear before handling: a new send during the handler re-raises. */
    clear_bit(port, shared_info->evtchn_pending);
    if (fn)
        fn(port, r, handlers[port].data);
}

void events_do_upcall(struct regs *r)
{
    struct vcpu_info *vi = this_vcpu_info();

    do {
        xen_ulong_t sel;
        WRITE_ONCE(vi->evtchn_upcall_pending, 0);
        sel = __atomic_exchange_n(&vi->evtchn_pending_sel, 0, __ATOMIC_SEQ_CST);
        while (sel) {
            unsigned w = (unsigned)__builtin_ctzl(sel);
            xen_ulong_t pend;
            sel &= sel - 1;
            pend = READ_ONCE(shared_info->evtchn_pending[w]) &
                   ~READ_ONCE(shared_info->evtchn_mask[w]);
            while (pend) {
                unsigned b = (unsigned)__builtin_ctzl(pend);
                pend &= pend - 1;
                dispatch(w * BITS_PER_WORD + b, r);
            }
        }
    } while (READ_ONCE(vi->evtchn_upcall_pending));
    /* The VMM masked events for the bounce; the native iretq in head.S
     * does not restore the mask, so unmask and re-check here. */
    if (!events_hyp_iret)
        local_irq_enable();
}

/* In a new domain: no port is bound any more. Forget every handler and
 * start masked, as at boot; each subsystem binds its ports again. */
void events_resume(void)
{
    size_t i;

    for (i = 0; i < NR_PORTS; i++)
        __atomic_store_n(&handlers[i].fn, NULL, __ATOMIC_RELEASE);
    for (i = 0; i < ARRAY_SIZE(shared_info->evtchn_pending); i++)
        WRITE_ONCE(shared_info->evtchn_pending[i], 0);
    events_init();
}

void events_init(void)
{
    struct callback_register cb = {
        .type = CALLBACKTYPE_event,
        .address = (unsigned long)hypervisor_callback,
    };
    size_t i;

    for (i = 0; i < ARRAY_SIZE(shared_info->evtchn_mask); i++)
        WRITE_ONCE(shared_info->evtchn_mask[i], ~0UL);
    if (hyp_callback_op(CALLBACKOP_register, &cb) < 0 &&
        HC(__HYPERVISOR_set_callbacks, hypervisor_callback, 0, 0) < 0)
        panic("events: cannot register the event callback");
}
