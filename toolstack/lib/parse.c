/* SPDX-License-Identifier: GPL-2.0-only */
/* parse.c: strict integer and size parsing (see parse.h). */
#include "lib/parse.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* After errno = 0 and strto*(s, &end, ...): 0 when all of s was a number
 * that fits, else -ERANGE or -EINVAL. */
static int strto_result(const char *end)
{
    if (errno == ERANGE)
        return -ERANGE;
    return errno || *end ? -EINVAL : 0;
}

int parse_ll(const char *s, int base, long long min, long long max,
             long long *out)
{
    char *end;
    long long v;
    int rc;

    if (!s || !*s || isspace((unsigned char)*s))
        return -EINVAL;
    errno = 0;
    v = strtoll(s, &end, base);
    rc = strto_result(end);
    if (rc)
        return rc;
    if (v < min || v > max)
        return -ERANGE;
    *out = v;
    return 0;
}

int parse_ull(const char *s, int base, unsigned long long max,
              unsigned long long *out)
{
    char *end;
    unsigned long long v;
    int rc;

    /* strtoull accepts "-1" and wraps it: refuse signs outright. */
    if (!s || !*s || isspace((unsigned char)*s) || *s == '-' || *s == '+')
        return -EINVAL;
    errno = 0;
    v = strtoull(s, &end, base);
    rc = strto_result(end);
    if (rc)
        return rc;
    if (v > max)
        return -ERANGE;
    *out = v;
    return 0;
}

int parse_size(const char *s, unsigned long long default_unit,
               unsigned long long *bytes_out)
{
    static const char units[] = "bkmgt";
    char num[32];
    size_t n = 0;
    unsigned long long v, mult = default_unit;
    const char *p;
    int rc;

    if (!s)
        return -EINVAL;
    while (isdigit((unsigned char)s[n]))
        n++;
    if (n == 0 || n >= sizeof(num))
        return -EINVAL;
    memcpy(num, s, n);
    num[n] = '\0';
    rc = parse_ull(num, 10, ~0ULL, &v);
    if (rc)
        return rc;
    p = s + n;
    if (*p) {
        const char *u = strchr(units, tolower((unsigned char)*p));
        if (!u)
            return -EINVAL;
        mult = 1ULL << (10 * (u - units));
        p++;
        if (strcasecmp(p, "") && strcasecmp(p, "b") && strcasecmp(p, "ib"))
            return -EINVAL;
        if (u == units && *p)
            return -EINVAL;
    }
    if (mult && v > ~0ULL / mult)
        return -ERANGE;
    *bytes_out = v * mult;
    return 0;
}
