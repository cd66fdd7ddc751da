/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * fuzz_guest_net.c: arbitrary frames into the guest's IP stack
 * (guest/net.c net_input); every reply it sends must fit a frame.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "kernel.h"
#include "netfront.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int netfront_xmit(const void *frame, size_t len)
{
    if (len > 1514 || len < 14 || !frame)
        abort();
    return 0;
}

void local_irq_disable(void)
{
}

void local_irq_enable(void)
{
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const uint8_t mac[6] = {0x00, 0x16, 0x3e, 0x01, 0x02, 0x03};
    static const uint8_t ip[4] = {10, 0, 0, 2};
    uint32_t addr;

    __builtin_memcpy(&addr, ip, 4);
    net_configure(addr, mac);
    net_input(data, size);
    return 0;
}
