/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * fake_xs.h: an in-memory stand-in for libxenstore used by the backends'
 * unit tests (linked instead of -lxenstore). Same tree, watch and
 * permission semantics as xenstored for the calls our code makes.
 */
#ifndef XT_TESTS_FAKE_XS_H
#define XT_TESTS_FAKE_XS_H

#include <stddef.h>
#include <xenstore.h>

/* Empty the tree, watches and queued events. */
void fake_xs_reset(void);
/* Value at path, or NULL. Borrowed until the next store change. */
const char *fake_xs_get(const char *path);
/* Set path = val (creating parents), firing watches like xs_write. */
void fake_xs_set(const char *path, const char *val);
/* Remove path and its children, firing watches. */
void fake_xs_rm(const char *path);
/* Permissions of path as "n0,r5" (owner first), or NULL. */
const char *fake_xs_perms(const char *path);
/* Pop one queued watch event; 0 when none. path/token are copied. */
int fake_xs_next_event(char *path, size_t plen, char *token, size_t tlen);
/* Number of nodes in the tree. */
size_t fake_xs_count(void);
/* Call fn after every store write (a stand-in backend reacting to the
 * toolstack); NULL removes it. */
void fake_xs_on_write(void (*fn)(const char *path, const char *val));
/* Make the next n xs_transaction_end calls fail with EAGAIN. */
void fake_xs_fail_tx(int n);

#endif
