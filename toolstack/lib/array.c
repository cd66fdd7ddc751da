/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * array.c: arrays that grow by doubling.
 */
#include "lib/array.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int array_reserve(void *itemsp, size_t *cap, size_t need, size_t size,
                  size_t first)
{
    size_t ncap = *cap ? *cap : first;
    void *items, *n;

    if (need <= *cap)
        return 0;
    while (ncap < need)
        ncap *= 2;
    if (ncap > SIZE_MAX / size)
        return -ENOMEM;
    /* itemsp is a T **: copied, not read as a void **, whatever T is. */
    memcpy(&items, itemsp, sizeof(items));
    n = realloc(items, ncap * size);
    if (!n)
        return -ENOMEM;
    memcpy(itemsp, &n, sizeof(n));
    *cap = ncap;
    return 0;
}
