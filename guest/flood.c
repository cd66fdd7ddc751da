/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * flood.c: hostile-guest modes that attack the VMM itself (flood=...):
 *   console    console_io with full buffers in a loop, and printk: the VMM's
 *              console_io and the console ring flood
 *   multicall  multicalls of 16384 mmuext_ops of 65536 no-op entries each
 *              (10^9 ops per hypercall), forever
 *   balloon    give 16 MiB back, then write to those pages
 * Each prints "flood <mode>: start" first; they never return.
 */
#include "kernel.h"

#define MC_OPS 65536
#define MC_ENTRIES 16384
#define BALLOON_PAGES 4096

static struct mmuext_op mc_ops[MC_OPS];
static struct multicall_entry mc_list[MC_ENTRIES];

/*
 * A hostile guest does not go through a polite printk: it calls
 * console_io with full buffers as fast as it can, so the flood outruns the
 * VMM's burst on any host (printk alone is paced by the ring, which waits
 * for xenconsoled, and on a slow host stayed under the burst). Every 64th
 * write also goes through printk, to flood the console ring too.
 */
static __attribute__((noreturn)) void flood_console(void)
{
    static char buf[4096];
    unsigned long n;
    size_t i;

    for (i = 0; i < sizeof(buf); i++)
        buf[i] = i % 64 == 63 ? '\n' : 'x';
    for (n = 0;; n++) {
        hyp_console_write(buf, sizeof(buf));
        if (n % 64 == 0)
            printk("flood console: line %lu "
                   "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\n",
                   n);
    }
}

static __attribute__((noreturn)) void flood_multicall(void)
{
    static unsigned done[MC_ENTRIES];
    unsigned long n;
    unsigned i;
    long rc;

    for (i = 0; i < MC_OPS; i++)
        mc_ops[i].cmd = MMUEXT_TLB_FLUSH_LOCAL;
    for (n = 1;; n++) {
        for (i = 0; i < MC_ENTRIES; i++) {
            mc_list[i] = (struct multicall_entry){
                .op = __HYPERVISOR_mmuext_op,
                .args = {(unsigned long)mc_ops, MC_OPS, (unsigned long)&done[i],
                         DOMID_SELF},
            };
            done[i] = 0;
        }
        rc = HC(__HYPERVISOR_multicall, mc_list, MC_ENTRIES, 0);
        printk("flood multicall: %lu done (%ld, entry 0: %ld, %u ops)\n", n, rc,
               (long)mc_list[0].result, done[0]);
    }
}

static __attribute__((noreturn)) void flood_balloon(void)
{
    static xen_pfn_t pfns[BALLOON_PAGES];
    struct xen_memory_reservation r = {.extent_order = 0, .domid = DOMID_SELF};
    unsigned i, n = 0;
    long rc;

    for (i = 0; i < BALLOON_PAGES; i++) {
        void *p = page_alloc();
        if (!p)
            break;
        pfns[n++] = (uintptr_t)p >> PAGE_SHIFT;
    }
    r.nr_extents = n;
    set_xen_guest_handle(r.extent_start, pfns);
    rc = hyp_memory_op(XENMEM_decrease_reservation, &r);
    printk("flood balloon: gave back %ld of %u pages, now %lu KiB\n", rc, n,
           (unsigned long)(mm_total_pages() - (unsigned long)rc) *
               (PAGE_SIZE / 1024));
    /* Xen takes the pages away; touching them must not get them back. */
    for (i = 0; i < n; i++)
        *(volatile unsigned long *)(pfns[i] << PAGE_SHIFT) = i;
    printk("flood balloon: touched %u given-back pages\n", n);
    control_loop(false);
}

void flood_run(const char *mode)
{
    printk("flood %s: start\n", mode);
    if (!strcmp(mode, "console"))
        flood_console();
    if (!strcmp(mode, "multicall"))
        flood_multicall();
    if (!strcmp(mode, "balloon"))
        flood_balloon();
    printk("flood %s: unknown mode\n", mode);
}
