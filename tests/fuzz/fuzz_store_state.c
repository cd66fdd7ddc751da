/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * fuzz_store_state.c: libFuzzer harness for xenstored's --state-file
 * loader: arbitrary records after the header must load partly or fail
 * with -EINVAL, never crash; what loaded must save and load back cleanly.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char magic[] = "pvstack-xenstored-2\n"
                                "boot 00000000-0000-0000-0000-000000000000\n";
    char *buf = malloc(sizeof(magic) + size);
    struct xsd *x = NULL, *y = NULL;
    char *out = NULL;
    size_t outlen = 0;
    FILE *f, *o;

    if (!buf)
        return 0;
    memcpy(buf, magic, sizeof(magic) - 1);
    memcpy(buf + sizeof(magic) - 1, data, size);
    f = fmemopen(buf, sizeof(magic) - 1 + size, "r");
    if (f && !xsd_create(NULL, &x)) {
        persist_load_fp(x, f, NULL);
        /* what loaded saves and loads again, completely */
        o = open_memstream(&out, &outlen);
        if (o && persist_save_fp(x, o) == 0 && fflush(o) == 0) {
            FILE *in = fmemopen(out, outlen, "r");

            if (in && !xsd_create(NULL, &y) && persist_load_fp(y, in, NULL))
                abort();
            if (in)
                fclose(in);
        }
        if (o)
            fclose(o);
    }
    if (f)
        fclose(f);
    xsd_destroy(y);
    xsd_destroy(x);
    free(out);
    free(buf);
    return 0;
}
