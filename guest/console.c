/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * console.c: printk and the primary console ring (start_info console
 * page + event channel, struct xencons_interface). Output also goes to
 * HYPERVISOR_console_io, which the VMM keeps in its log. The ring never
 * wedges the kernel: with no consumer, output waits briefly, then is
 * dropped until space appears.
 */
#include "kernel.h"
#include "platform.h"

#include <xen/io/console.h>

static struct xencons_interface *cons_ring;
static evtchn_port_t cons_port;
static bool cons_stalled;
static struct spinlock print_lock;
static int print_owner = -1; /* cpu in printk, so a fault there can print */

static void cons_event(evtchn_port_t port, struct regs *r, void *data)
{
    /* Only wakes a writer waiting for space or a reader for input. */
}

static size_t ring_space(void)
{
    XENCONS_RING_IDX used =
        READ_ONCE(cons_ring->out_prod) - READ_ONCE(cons_ring->out_cons);
    return used > sizeof(cons_ring->out) ? 0 : sizeof(cons_ring->out) - used;
}

static void ring_put(const char *s, size_t n)
{
    XENCONS_RING_IDX prod = cons_ring->out_prod;
    size_t i;

    for (i = 0; i < n; i++)
        cons_ring->out[MASK_XENCONS_IDX(prod++, cons_ring->out)] = s[i];
    wmb();
    WRITE_ONCE(cons_ring->out_prod, prod);
}

/* Waiting needs events: not from the event callback or a fault handler. */
static bool may_wait(void)
{
    return !this_vcpu_info()->evtchn_upcall_mask;
}

static void ring_write(const char *s, size_t n)
{
    while (n) {
        size_t c = ring_space();
        if (!c) {
            if (cons_stalled || !may_wait())
                return;
            if (!WAIT_UNTIL(ring_space() > 0,
                            time_now_ns() + 200 * 1000000ULL)) {
                cons_stalled = true;
                return;
            }
            continue;
        }
        cons_stalled = false;
        if (c > n)
            c = n;
        ring_put(s, c);
        evtchn_notify(cons_port);
        s += c;
        n -= c;
    }
}

/* The ring feeds a pty in raw mode: send "\r\n" for "\n", as a tty's
 * ONLCR would. The VMM log (console_io) keeps plain lines. */
void console_write(const char *s, size_t n)
{
    size_t i, start = 0;

    hyp_console_write(s, (unsigned)n);
    if (!cons_ring)
        return;
    for (i = 0; i < n; i++) {
        if (s[i] != '\n')
            continue;
        ring_write(s + start, i - start);
        ring_write("\r\n", 2);
        start = i + 1;
    }
    ring_write(s + start, n - start);
}

bool console_input_pending(void)
{
    return cons_ring &&
           READ_ONCE(cons_ring->in_prod) != READ_ONCE(cons_ring->in_cons);
}

void printk(const char *fmt, ...)
{
    char buf[512];
    va_list ap;
    int n, me = (int)smp_id();
    bool locked = false;

    va_start(ap, fmt);
    n = vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    if (n >= (int)sizeof(buf))
        n = sizeof(buf) - 1;
    /* A fault inside printk on this cpu must still print: skip the lock. */
    if (READ_ONCE(print_owner) != me) {
        spin_lock(&print_lock);
        locked = true;
        WRITE_ONCE(print_owner, me);
    }
    console_write(buf, (size_t)n);
    if (locked) {
        WRITE_ONCE(print_owner, -1);
        spin_unlock(&print_lock);
    }
}

/* Output only, before events: real Xen refuses console_io to a domU, so
 * the ring is the only place early messages (and panics) can go. */
void console_ring_early(void)
{
    unsigned long mfn = start_info->console.domU.mfn;

    if (!mfn)
        return;
    cons_port = start_info->console.domU.evtchn;
    cons_ring = mfn_to_virt(mfn);
}

void console_ring_init(void)
{
    if (cons_ring && evtchn_bind(cons_port, cons_event, NULL) < 0)
        cons_ring = NULL;
}

void console_resume(void)
{
    if (!start_info->console.domU.mfn)
        return;
    cons_port = start_info->console.domU.evtchn;
    cons_ring = mfn_to_virt(start_info->console.domU.mfn);
    console_ring_init();
}

size_t console_read(char *buf, size_t size)
{
    XENCONS_RING_IDX cons, prod;
    size_t n = 0;

    if (!cons_ring)
        return 0;
    cons = cons_ring->in_cons;
    prod = READ_ONCE(cons_ring->in_prod);
    rmb();
    if (prod - cons > sizeof(cons_ring->in))
        cons = prod; /* a confused producer: drop its input */
    while (cons != prod && n < size)
        buf[n++] = cons_ring->in[MASK_XENCONS_IDX(cons++, cons_ring->in)];
    mb();
    WRITE_ONCE(cons_ring->in_cons, cons);
    evtchn_notify(cons_port);
    return n;
}
