/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * fuzz_netback_ring.c: random TX ring slots into netback's packet parser,
 * and random frames into its checksum filler. Whatever the parser accepts
 * must fit the slots it was given, the page, and the frame bounds.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "netback/txslot.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct netif_tx_request slots[NB_MAX_PKT_SLOTS];
    static uint8_t frame[65536];
    struct nb_pkt p;
    unsigned avail, used, i;
    uint32_t total = 0;

    if (size < 2)
        return 0;
    avail = data[0] % (NB_MAX_PKT_SLOTS + 1);
    memset(slots, 0, sizeof(slots));
    memcpy(slots, data + 1,
           size - 1 < sizeof(slots) ? size - 1 : sizeof(slots));
    used = nb_tx_parse(slots, avail, 1518, &p);
    if (used > avail)
        abort();
    if (used && p.verdict == NB_OK) {
        if (p.nfrags == 0 || p.nfrags > NB_MAX_SLOTS || p.len > 1518)
            abort();
        for (i = 0; i < p.nfrags; i++) {
            if (p.frags[i].offset + p.frags[i].size > NB_PAGE_SIZE)
                abort();
            total += p.frags[i].size;
        }
        if (total != p.len)
            abort();
    }
    memcpy(frame, data + 1,
           size - 1 < sizeof(frame) ? size - 1 : sizeof(frame));
    nb_csum_fill(
        frame, (uint32_t)(size - 1 < sizeof(frame) ? size - 1 : sizeof(frame)));
    return 0;
}
