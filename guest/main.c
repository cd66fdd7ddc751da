/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * main.c: start_kernel, the ordered bring-up of the guest kernel's
 * subsystems (Mini-OS style, one explicit list), and the cmdline options:
 *   selftest=a,b,...  run built-in self-tests ("all": every one)
 *   poweroff          shut down (poweroff) once the self-tests ran
 *   ip=A.B.C.D        bring up the first vif and answer ARP, ping, UDP echo
 *   iret=hyp          leave the event callback with HYPERVISOR_iret
 *   evtecho           echo dom0's events on data/evtchn-echo-port
 *   spin              keep vcpu 0 busy instead of blocking when idle
 *   flood=MODE        attack the VMM (flood.c): console, multicall, balloon
 *   bench=RUN+RUN     blk/net benchmarks (bench.c), after the self-tests
 *   resumetest=a,b    run those self-tests after each resume (suspend.c)
 *   dirty=MIB[:N]     fill MIB MiB, then write N pages/ms of it (dirty.c)
 */
#include "kernel.h"
#include "netfront.h"
#include "platform.h"

struct start_info *start_info;
struct shared_info *shared_info;
const struct platform *platform = &platform_kvm;
char cpu_stacks[MAX_CPUS][STACK_SIZE] __attribute__((aligned(STACK_SIZE)));

void start_kernel(struct start_info *si, uintptr_t boot_sp);

bool cmdline_get(const char *key, char *val, size_t size)
{
    const char *p = (const char *)start_info->cmd_line;
    size_t klen = strlen(key);
    const char *end = p + strnlen(p, sizeof(start_info->cmd_line));

    while (p < end) {
        const char *w = p;
        while (p < end && *p != ' ')
            p++;
        if ((size_t)(p - w) >= klen && !strncmp(w, key, klen) &&
            (w + klen == p || w[klen] == '=')) {
            size_t n = w + klen == p ? 0 : (size_t)(p - w - klen - 1);
            if (size) {
                n = n < size - 1 ? n : size - 1;
                memcpy(val, w + klen + 1, n);
                val[n] = '\0';
            }
            return true;
        }
        while (p < end && *p == ' ')
            p++;
    }
    return false;
}

/* pvabi.h: the VMM names its ABI in XENVER_extraversion as "-pvabi<N>";
 * real Xen does not. Both fill the hypercall page with stubs taking Xen's
 * registers, so this one call is safe before we know which we run on.
 * Returns 1 for the kvm engine, 0 for Xen, -XEN_EINVAL for another pvabi. */
static int detect_platform(void)
{
    char extra[XEN_EXTRAVERSION_LEN];
    const char *p;
    unsigned long v;

    memset(extra, 0, sizeof(extra));
    if (hyp_xen_version(XENVER_extraversion, extra) < 0)
        return -XEN_ENOSYS;
    extra[sizeof(extra) - 1] = '\0';
    for (p = extra; (p = strchr(p, '-')); p++)
        if (!strncmp(p, "-pvabi", 6) && !lib_parse_ulong(p + 6, &v, NULL))
            return v == PVABI_VERSION ? 1 : -XEN_EINVAL;
    return 0;
}

void start_kernel(struct start_info *si, uintptr_t boot_sp)
{
    char tests[256], ip[20];
    int rc;

    start_info = si;
    this_cpu()->id = 0;
    smp_init_boot_cpu();
    if (strncmp((const char *)si->magic, "xen-3.0-x86_64", 14))
        panic("bad start_info magic");
    rc = detect_platform();
    if (rc < 0)
        panic("hypervisor ABI is not pvabi%d (%d), refusing to run",
              PVABI_VERSION, rc);
    platform = rc ? &platform_kvm : &platform_xen;
    platform->early_init(si);
    if (cmdline_get("iret", ip, sizeof(ip)) && !strcmp(ip, "hyp"))
        events_hyp_iret = true;
    mm_init(boot_sp);
    console_ring_early();
    platform->map_ram();
    traps_init();
    events_init();
    time_init_cpu();
    console_ring_init();
    printk("pvstack guest: booting (cmdline: %s)\n",
           (const char *)si->cmd_line);
    printk("pvguest: %s, start_info %p, %lu pages, shared_info %lx, "
           "store %lx/%u, console %lx/%u\n",
           platform->name, (void *)si, (unsigned long)si->nr_pages,
           (unsigned long)si->shared_info, (unsigned long)si->store_mfn,
           si->store_evtchn, (unsigned long)si->console.domU.mfn,
           si->console.domU.evtchn);
    rc = gnttab_init();
    if (rc < 0)
        printk("gnttab: setup_table failed (%d)\n", rc);
    rc = control_init();
    if (rc < 0)
        printk("control: store not reachable (%d)\n", rc);
    printk("pvstack guest: ready (%u vcpus online, %lu KiB)\n",
           smp_online_count(), (unsigned long)balloon_current_kb());
    if (cmdline_get("ip", ip, sizeof(ip))) {
        char desc[96];
        rc = netfront_start(ip, desc, sizeof(desc));
        if (rc < 0)
            printk("net: no network (%d)\n", rc);
        else
            printk("net: %s up\n", desc);
    }
    if (cmdline_get("evtecho", NULL, 0) && (rc = control_echo_start()) < 0)
        printk("evtchn echo: not started (%d)\n", rc);
    if (cmdline_get("dirty", tests, sizeof(tests))) {
        rc = dirty_start(tests);
        printk("dirty: %s (%d)\n", rc ? "not started" : "writing", rc);
    }
    if (cmdline_get("selftest", tests, sizeof(tests)))
        selftest_run(tests);
    if (cmdline_get("bench", tests, sizeof(tests)))
        bench_run(tests);
    if (cmdline_get("flood", tests, sizeof(tests)))
        flood_run(tests);
    if (cmdline_get("poweroff", NULL, 0))
        control_shutdown(SHUTDOWN_poweroff);
    control_loop(cmdline_get("spin", NULL, 0));
}
