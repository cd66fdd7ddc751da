/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * array.h: arrays that grow by doubling (the store's children, transaction
 * records and clients, cfg lists, device model argv).
 */
#ifndef XT_LIB_ARRAY_H
#define XT_LIB_ARRAY_H

#include <stddef.h>

/*
 * Room for need elements of size bytes in the array that itemsp points at
 * (the address of a T *, which realloc may move), *cap of them allocated
 * now: doubled, or first elements when there are none yet. Returns 0, or
 * -ENOMEM with the array and *cap as they were.
 */
int array_reserve(void *itemsp, size_t *cap, size_t need, size_t size,
                  size_t first);

#endif
