/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * proc.h: a process and its threads as /proc shows them: name, state,
 * CPU time and the CPU it last ran on. The VMM's and QEMU's vcpus are
 * threads named "CPU <n>/...", so vcpu-list, vcpu-pin, the credit share
 * and xm list's times all walk /proc/<pid>/task through this one place.
 */
#ifndef XT_LIB_PROC_H
#define XT_LIB_PROC_H

#include <stdint.h>
#include <sys/types.h>

struct proc_task {
    pid_t tid;
    char comm[16];   /* as the kernel keeps it: at most 15 characters */
    char state;      /* R, S, D, Z, X, ... */
    uint64_t cpu_ns; /* user + system time */
    int cpu;         /* the CPU it last ran on, or -1 */
};

/*
 * Thread tid of process pid (tid == pid: the process itself), from
 * /proc/<pid>/task/<tid>/stat. Returns 0, -ESRCH (gone) or -EINVAL.
 */
int proc_task_read(pid_t pid, pid_t tid, struct proc_task *t);

/*
 * Call fn for every thread of pid, in /proc's order, until it returns
 * non-zero. Threads that exit meanwhile are skipped. Returns 0, -ESRCH
 * (no such process) or fn's non-zero return.
 */
int proc_tasks(pid_t pid, int (*fn)(const struct proc_task *t, void *arg),
               void *arg);

/* A vcpu thread ("CPU <n>/KVM", "CPU <n>/TCG")? 1 and *id = n, else 0. */
int proc_task_vcpu(const struct proc_task *t, unsigned *id);

/* Is pid a live process: there, and not a zombie nobody reaped yet? */
int proc_alive(pid_t pid);

/*
 * The value of "key:  N kB" in a /proc file of that form (/proc/meminfo,
 * /proc/<pid>/status). Returns 0, -ENOENT (no such key) or -errno.
 */
int proc_field_kb(const char *path, const char *key, uint64_t *kb);

#endif
