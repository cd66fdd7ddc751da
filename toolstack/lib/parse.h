/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * parse.h: number parsing that resets errno and rejects trailing junk
 * (libxlu_vif.c reads a stale errno; we do not).
 */
#ifndef XT_LIB_PARSE_H
#define XT_LIB_PARSE_H

#include <stdint.h>

/*
 * Parse all of s as an integer in [min, max]; base as strtoll (0 = C rules:
 * 0x hex, leading 0 octal). Returns 0, -EINVAL (empty, junk) or -ERANGE.
 */
int parse_ll(const char *s, int base, long long min, long long max,
             long long *out);
/* Unsigned variant for values above LLONG_MAX (sizes, uint64 fields). */
int parse_ull(const char *s, int base, unsigned long long max,
              unsigned long long *out);
/*
 * Parse a size with an optional suffix: none (= default_unit bytes), b, k, m,
 * g, t (case-insensitive, optional trailing "b"/"ib"), e.g. "4G", "512M".
 * Result in bytes. Returns 0, -EINVAL or -ERANGE.
 */
int parse_size(const char *s, unsigned long long default_unit,
               unsigned long long *bytes_out);

#endif
