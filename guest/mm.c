/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * mm.c: a page allocator over the boot RAM the builder left free (above
 * the image, ramdisk, start_info, store/console pages, page tables and
 * boot stack; below nr_pages). A page's address is its pfn << PAGE_SHIFT
 * (identity-mapped by the kvm engine, mapped by platform->map_ram() on
 * Xen, which takes its page tables from here). Freed pages go on a list.
 */
#include "kernel.h"
#include "platform.h"

extern char _end[];

struct free_page {
    struct free_page *next;
};

static struct spinlock mm_lock;
static struct free_page *free_list;
static uintptr_t bump, limit;
static unsigned long nr_free;

static uintptr_t page_up(uintptr_t a)
{
    return (a + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
}

static uintptr_t max_addr(uintptr_t a, uintptr_t b)
{
    return a > b ? a : b;
}

void mm_init(uintptr_t boot_sp)
{
    const struct start_info *si = start_info;
    uintptr_t lo = (uintptr_t)_end;

    lo = max_addr(lo, si->mod_start + si->mod_len);
    lo = max_addr(lo, (uintptr_t)si + PAGE_SIZE);
    lo = max_addr(lo, (uintptr_t)mfn_to_virt(si->store_mfn) + PAGE_SIZE);
    lo = max_addr(lo, (uintptr_t)mfn_to_virt(si->console.domU.mfn) + PAGE_SIZE);
    lo = max_addr(lo, si->pt_base + si->nr_pt_frames * PAGE_SIZE);
    lo = max_addr(lo, boot_sp);
    bump = page_up(lo);
    limit = si->nr_pages << PAGE_SHIFT;
    nr_free = limit > bump ? (limit - bump) >> PAGE_SHIFT : 0;
}

void *page_alloc(void)
{
    void *p = NULL;

    spin_lock(&mm_lock);
    if (free_list) {
        p = free_list;
        free_list = free_list->next;
    } else if (bump < limit) {
        p = (void *)bump;
        bump += PAGE_SIZE;
    }
    if (p)
        nr_free--;
    spin_unlock(&mm_lock);
    if (p)
        memset(p, 0, PAGE_SIZE);
    return p;
}

void page_free(void *page)
{
    struct free_page *f = page;

    if (!page)
        return;
    spin_lock(&mm_lock);
    f->next = free_list;
    free_list = f;
    nr_free++;
    spin_unlock(&mm_lock);
}

unsigned long mm_free_pages(void)
{
    return READ_ONCE(nr_free);
}

unsigned long mm_total_pages(void)
{
    return start_info->nr_pages;
}
