/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * dirty.c: a guest that keeps writing its memory, for live migration
 * (cmdline dirty=MIB[:PAGES], bench_save): MIB MiB of pages (up to 256)
 * filled with pseudo-random bytes at boot, then PAGES of them (default 64; 0
 * none) written per millisecond round-robin by vcpu 0's idle loop. Each write
 * puts a new generation into the page and into a separate table; self-test
 * `dirty` checks every page against the table, so a page a migration failed to
 * send again shows as a mismatch.
 */
#include "kernel.h"
#include "selftest.h"

#define DIRTY_MAX_PAGES (256UL * 256) /* 256 MiB */

static uint64_t *pages[DIRTY_MAX_PAGES];
static uint64_t expect[DIRTY_MAX_PAGES];
static unsigned long npages, next, gen;
static unsigned long per_ms = 64;

int dirty_start(const char *arg)
{
    unsigned long mib, i;
    const char *end;

    if (lib_parse_ulong(arg, &mib, &end) < 0 || !mib ||
        mib * 256 > DIRTY_MAX_PAGES)
        return -XEN_EINVAL;
    if (*end == ':' && (lib_parse_ulong(end + 1, &per_ms, &end) < 0 || *end))
        return -XEN_EINVAL;
    for (i = 0; i < mib * 256; i++) {
        uint64_t x = 0x9e3779b97f4a7c15ULL ^ i, *p;
        unsigned w;
        p = pages[i] = page_alloc();
        if (!p)
            break;
        for (w = 1; w < PAGE_SIZE / 8; w++) { /* xorshift: no xz gain */
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            p[w] = x;
        }
        p[0] = expect[i] = ++gen;
    }
    npages = i;
    return npages ? 0 : -XEN_ENOMEM;
}

/* Writes the pages due since the last call (per_ms a millisecond, at
 * most a second's worth at once); vcpu 0's idle loop spins on it, so the
 * writes go on whatever the VMM's timers do. */
void dirty_step(void)
{
    static uint64_t last;
    uint64_t now = time_now_ns(), ms;
    unsigned long i, due;

    if (!last)
        last = now;
    ms = (now - last) / 1000000ULL;
    if (!ms)
        return;
    last += ms * 1000000ULL;
    due = (unsigned long)(ms < 1000 ? ms : 1000) * per_ms;
    for (i = 0; i < due && npages; i++) {
        gen++;
        pages[next][gen % (PAGE_SIZE / 8)] = gen;
        pages[next][0] = gen;
        expect[next] = gen;
        next = (next + 1) % npages;
    }
}

unsigned long dirty_generation(void)
{
    return gen;
}

bool dirty_active(void)
{
    return npages && per_ms;
}

const char *selftest_dirty(char *detail, size_t size)
{
    unsigned long i;

    if (!npages)
        return "no dirty=MIB on the cmdline";
    for (i = 0; i < npages; i++)
        if (pages[i][0] != expect[i]) {
            snprintf(detail, size, "page %lu holds generation %lu, not %lu", i,
                     (unsigned long)pages[i][0], (unsigned long)expect[i]);
            return "a page lost its last write";
        }
    snprintf(detail, size, "%lu pages, generation %lu", npages, gen);
    return NULL;
}
