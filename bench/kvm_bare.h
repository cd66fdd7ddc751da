/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * kvm_bare.h: what the kvm-engine benches measure against: a bare KVM VM
 * (real mode, one page, `out %al,$0x10`, exit), and the clock and median
 * they time with.
 */
#ifndef XT_BENCH_KVM_BARE_H
#define XT_BENCH_KVM_BARE_H

/* CLOCK_MONOTONIC in microseconds. */
double bench_now_us(void);
/* The median of v[0..n) (sorts v). */
double bench_median(double *v, int n);
/* Create a bare VM, run it to its `out`, free it: 0, or -1 if any step
 * failed or it exited otherwise. */
int bench_bare_vm(void);

#endif
