/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * lib.h: the guest kernel's freestanding basics: string functions, a small
 * snprintf, barriers, atomics, spinlocks and the per-cpu stack layout.
 */
#ifndef XT_GUEST_LIB_H
#define XT_GUEST_LIB_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PAGE_SIZE 4096UL
#define PAGE_SHIFT 12
#define MAX_CPUS 16
#define STACK_SIZE (16 * 1024UL)
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#define barrier() __asm__ __volatile__("" ::: "memory")
#define mb() __asm__ __volatile__("mfence" ::: "memory")
#define rmb() barrier() /* x86 TSO: loads are not reordered with loads */
#define wmb() barrier() /* nor stores with stores */
/* Xen's io/ring.h barriers, for the latest interface version. */
#define xen_mb() mb()
#define xen_rmb() rmb()
#define xen_wmb() wmb()
#define cpu_relax() __asm__ __volatile__("pause" ::: "memory")
#define READ_ONCE(x) (*(const volatile __typeof__(x) *)&(x))
#define WRITE_ONCE(x, v) (*(volatile __typeof__(x) *)&(x) = (v))

void *memset(void *s, int c, size_t n);
void *memcpy(void *d, const void *s, size_t n);
void *memmove(void *d, const void *s, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
size_t strnlen(const char *s, size_t max);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strchr(const char *s, int c);
/* Copies at most size-1 bytes and always terminates; returns strlen(src). */
size_t strlcpy(char *d, const char *s, size_t size);

/* %s %c %d %i %u %x %lx %lu %ld %llx %p %%, width and '0'/'-' flags. */
int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int snprintf(char *buf, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Parses an unsigned decimal (or 0x hex); *end_out gets the first unparsed
 * character. Returns 0 or -EINVAL when no digit was found. */
int lib_parse_ulong(const char *s, unsigned long *val_out,
                    const char **end_out);

/* Spinlock usable from any vcpu; not for event-callback context. */
struct spinlock {
    volatile int locked;
};
void spin_lock(struct spinlock *l);
void spin_unlock(struct spinlock *l);
bool spin_trylock(struct spinlock *l);

static inline uint64_t rdtsc(void)
{
    uint32_t lo, hi;
    __asm__ __volatile__("rdtsc" : "=a"(lo), "=d"(hi));
    return ((uint64_t)hi << 32) | lo;
}

/*
 * Per-cpu state sits at the bottom of each vcpu's STACK_SIZE-aligned stack,
 * so this_cpu() works without segment bases (wrgsbase faults at CPL3).
 */
struct cpu {
    unsigned id;
};
extern char cpu_stacks[MAX_CPUS][STACK_SIZE];

static inline struct cpu *this_cpu(void)
{
    uintptr_t sp = (uintptr_t)__builtin_frame_address(0);
    return (struct cpu *)(sp & ~(STACK_SIZE - 1));
}

static inline unsigned smp_id(void)
{
    return this_cpu()->id;
}

#endif
