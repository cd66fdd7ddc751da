/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * results.h: benchmarks' figures as JSON, beside what they print. Each
 * figure is one object {bench, name, value, baseline, ratio, unit} in the
 * array in bench/results.json ($BENCH_RESULTS overrides the path), so a
 * run of `make bench` (scripts/run-bench starts the file afresh) leaves
 * every bench's figures in one file.
 */
#ifndef XT_BENCH_RESULTS_H
#define XT_BENCH_RESULTS_H

/*
 * Append one figure for bench (its program name). ratio is value /
 * baseline. Returns 0 or -errno; the bench's printed table stays the
 * primary output, so callers may only warn on failure.
 */
int bench_result(const char *bench, const char *name, double value,
                 double baseline, const char *unit);

#endif
