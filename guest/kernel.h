/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * kernel.h: the guest kernel's shared state and its subsystems' entry
 * points, in start_kernel() order. Each subsystem's details live in its
 * own file; this header is what they offer each other.
 */
#ifndef XT_GUEST_KERNEL_H
#define XT_GUEST_KERNEL_H

#include "hypercall.h"
#include "lib.h"

/* Filled once by start_kernel() before anything else runs. */
extern struct start_info *start_info;
extern struct shared_info *shared_info;

static inline struct vcpu_info *this_vcpu_info(void)
{
    return &shared_info->vcpu_info[smp_id()];
}

/* Saved registers, as head.S lays them out for do_entry(). */
struct regs {
    uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
    uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
    int64_t vector; /* -1: event upcall */
    uint64_t error;
    uint64_t rip, cs, rflags, rsp, ss;
};

/* console.c: printk goes to the console ring once console_ring_init() has
 * run, and always to HYPERVISOR_console_io (the VMM's log). */
void printk(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void console_write(const char *s, size_t n);
void console_ring_early(void);
void console_ring_init(void);
void console_resume(void); /* new domain: the console channel again */
/* Reads up to size bytes typed on the console; returns the count. */
size_t console_read(char *buf, size_t size);
bool console_input_pending(void);

/* shell.c: a line-at-a-time command shell on the console ring (help,
 * info, selftest, poweroff, reboot); call when input is pending. */
void shell_input(void);

/* traps.c */
void traps_init(void);
void do_entry(struct regs *r);
__attribute__((noreturn)) void panic(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));
/* Arms a one-shot expectation for self-tests: the next fault with this
 * vector on any vcpu resumes at rip + skip instead of crashing. */
void traps_expect(int vector, unsigned skip);
/* Returns how many expected faults were taken and the last cr2. */
unsigned traps_expected_hits(uint64_t *cr2_out);
void trap_table_fill(struct trap_info *t, size_t n);
/* The same for vcpu_guest_context.trap_ctxt, which Xen indexes by vector
 * (set_trap_table takes a list); the kvm engine ignores it. */
void trap_ctxt_fill(struct trap_info t[256]);

/* events.c: 2-level event channels in shared_info. Handlers run in the
 * event callback with events masked and must not block. */
typedef void evtchn_handler_fn(evtchn_port_t port, struct regs *r, void *data);
void events_init(void);
/* New domain after a suspend: every handler dropped, callback again. */
void events_resume(void);
/* Return from the event callback with HYPERVISOR_iret instead of iretq
 * (cmdline iret=hyp); set before events are bound. */
extern bool events_hyp_iret;
void events_do_upcall(struct regs *r);
int evtchn_bind(evtchn_port_t port, evtchn_handler_fn *fn, void *data);
void evtchn_unbind(evtchn_port_t port);
int evtchn_bind_virq(uint32_t virq, unsigned vcpu, evtchn_handler_fn *fn,
                     void *data, evtchn_port_t *port_out);
int evtchn_bind_ipi(unsigned vcpu, evtchn_handler_fn *fn, void *data,
                    evtchn_port_t *port_out);
int evtchn_alloc_unbound(domid_t remote, evtchn_handler_fn *fn, void *data,
                         evtchn_port_t *port_out);
int evtchn_close(evtchn_port_t port);
void evtchn_mask(evtchn_port_t port);
void evtchn_unmask(evtchn_port_t port);
/* EVTCHNOP_send by hypercall, and the fast port-I/O notify. */
int evtchn_send(evtchn_port_t port);
void evtchn_notify(evtchn_port_t port);
/* Mask/unmask event delivery on this vcpu (Xen's local_irq_*). */
void local_irq_disable(void);
void local_irq_enable(void);
/* Makes the VMM deliver pending events now (any hypercall does). */
void force_evtchn_callback(void);

/* time.c: Xen system time (ns since build) from vcpu_time_info. */
uint64_t time_now_ns(void);
void time_init_cpu(void);
void time_resume(void); /* new domain: vcpu 0's VIRQ_TIMER again */
/* Blocks this vcpu until an event arrives or deadline_ns (0: none). */
void sched_block_until(uint64_t deadline_ns);
void time_sleep_ns(uint64_t ns);
unsigned long time_timer_events(void);
/* This vcpu's VIRQ_TIMER port (0 if unbound). */
evtchn_port_t time_timer_port(void);

/* Waits, blocking the vcpu, until cond holds or deadline_ns passes (0:
 * forever). Evaluates to the final value of cond. */
#define WAIT_UNTIL(cond, deadline_ns)                                          \
    ({                                                                         \
        bool ok__;                                                             \
        uint64_t dl__ = (deadline_ns);                                         \
        for (;;) {                                                             \
            local_irq_disable();                                               \
            ok__ = (cond);                                                     \
            if (ok__ || (dl__ && time_now_ns() >= dl__)) {                     \
                local_irq_enable();                                            \
                break;                                                         \
            }                                                                  \
            sched_block_until(dl__);                                           \
        }                                                                      \
        ok__;                                                                  \
    })

/* mm.c: a page allocator over free boot RAM. */
void mm_init(uintptr_t boot_sp);
void *page_alloc(void); /* zeroed page, or NULL */
void page_free(void *page);
unsigned long mm_free_pages(void);
unsigned long mm_total_pages(void);

/* gnttab.c: grant table v1 over the frames setup_table returns. */
int gnttab_init(void);
int gnttab_resume(void); /* new domain: frames again, no grant mapped */
/* Returns a grant reference (> 0) for pfn frame, or -errno. */
int gnttab_grant_access(domid_t dom, unsigned long frame, bool readonly);
/* Ends access; -XEN_EBUSY while the grantee still has it mapped. */
int gnttab_end_access(grant_ref_t ref);
unsigned gnttab_nr_frames(void);
const struct grant_entry_v1 *gnttab_entry(grant_ref_t ref);

/* smp.c */
void smp_init_boot_cpu(void);
void smp_resume(void); /* new domain: vcpu 0's IPI again */
int smp_bring_up(unsigned vcpu);
int smp_take_down(unsigned vcpu);
unsigned smp_online_count(void);
bool smp_cpu_online(unsigned vcpu);
/* Runs fn(data) on vcpu through an IPI and waits for it; 0 or -errno. */
int smp_call(unsigned vcpu, void (*fn)(void *data), void *data);

/* control.c: the toolstack's requests from the store. */
int control_init(void);
/* Serves store watches and console input forever; spin keeps vcpu 0
 * busy (CPU time grows) instead of blocking between requests. */
__attribute__((noreturn)) void control_loop(bool spin);
void control_shutdown(unsigned reason);
int balloon_set_target_kb(uint64_t kb);
/* Allocates a port for dom0, publishes it as data/evtchn-echo-port and
 * notifies it back on every event (benchmarks' round trip). */
int control_echo_start(void);
uint64_t balloon_current_kb(void);

/* dirty.c: cmdline dirty=MIB[:PAGES_PER_MS]; the idle loop steps it. */
int dirty_start(const char *arg);
void dirty_step(void);
bool dirty_active(void);
unsigned long dirty_generation(void);

/* suspend.c: control/shutdown = "suspend" (Xen's PV suspend protocol);
 * returns once the guest runs again, cancelled or in a new domain. */
void suspend_run(void);
unsigned long suspend_count(void);
/* A counter in guest memory for tests (the shell's `counter`). */
unsigned long counter_next(void);

/* main.c: finds "key=value" or a bare "key" in the cmdline and copies
 * the value (truncated to size); false when absent. */
bool cmdline_get(const char *key, char *val, size_t size);

/* selftest.c: runs the tests named in a comma list ("all" for every one);
 * returns the number that failed. */
int selftest_run(const char *list);
/* bench.c: bench=blk,...|net,... runs joined by '+'; one result line
 * each ("bench blk: PASS ..." or "... FAIL why"). */
void bench_run(const char *spec);
/* flood.c: flood=console|multicall|balloon; does not return unless the
 * mode is unknown. */
void flood_run(const char *mode);

#endif
