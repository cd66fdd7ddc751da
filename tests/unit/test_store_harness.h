/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * test_store_harness.h: drive the xenstored core from unit tests and the fuzzer
 * through real xs_wire messages on byte buffers.
 */
#ifndef XT_TESTS_TEST_STORE_HARNESS_H
#define XT_TESTS_TEST_STORE_HARNESS_H

#include <stddef.h>
#include <stdint.h>

#include "store/store.h"

struct h_msg {
    uint32_t type, req_id, tx_id, len;
    char body[4097]; /* NUL-terminated copy */
};

#define H_MAXEV 64
struct h_conn {
    struct xs_conn *c;
    uint32_t next_req;
    struct h_msg ev[H_MAXEV]; /* watch events seen, oldest first */
    int nev;
    char err[64]; /* the last error string returned */
};

/* A connection for domid on x (0 = dom0). Aborts the test on failure. */
void h_open(struct xsd *x, uint32_t domid, struct h_conn *hc);
void h_close(struct h_conn *hc);
/* Send one request, return its reply in r (events go to hc->ev). */
void h_req(struct h_conn *hc, uint32_t type, uint32_t tx, const void *p,
           size_t len, struct h_msg *r);
/* Pull queued output (events) into hc->ev. */
void h_drain(struct h_conn *hc);

/*
 * Convenience: return NULL on success, else the error string ("ENOENT").
 * out (if given) gets the reply body.
 */
const char *h_write(struct h_conn *hc, uint32_t tx, const char *path,
                    const char *val);
const char *h_read(struct h_conn *hc, uint32_t tx, const char *path, char *out);
const char *h_op1(struct h_conn *hc, uint32_t type, uint32_t tx,
                  const char *arg, struct h_msg *r);
const char *h_op2(struct h_conn *hc, uint32_t type, uint32_t tx, const char *a,
                  const char *b, struct h_msg *r);
/* SET_PERMS path perm strings... (NULL-terminated). */
const char *h_chmod(struct h_conn *hc, const char *path, ...);
uint32_t h_tx_start(struct h_conn *hc);
const char *h_tx_end(struct h_conn *hc, uint32_t tx, int commit);
/* Index of the first event with this path and token, or -1; removes it. */
int h_take_event(struct h_conn *hc, const char *path, const char *token);

#endif
