/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * fuzz_vmmsave.c: libFuzzer harness for the stream a restoring VMM reads
 * (vmm/savefmt.c, proto/vmmsave.h): the input is the stream, from an fd
 * as the VMM gets it; the header is checked, then every record loaded
 * into guest memory of the header's size (inputs asking for more than
 * 16 MiB are refused before any allocation, as a host without the memory
 * would refuse them). Nothing may be written outside that memory.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "vmm/savefmt.h"

#define MAX_PAGES 4096 /* 16 MiB */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int fd = -1;
    struct vmmsave_hdr h;
    struct savefmt_loaded l;
    unsigned char *mem;
    char err[256];

    if (fd < 0)
        fd = memfd_create("fuzz_vmmsave", 0);
    if (fd < 0 || ftruncate(fd, 0) < 0 || lseek(fd, 0, SEEK_SET) < 0)
        return 0;
    if (size && write(fd, data, size) != (ssize_t)size)
        return 0;
    lseek(fd, 0, SEEK_SET);
    if (savefmt_read_hdr(fd, &h, err, sizeof(err)) < 0 ||
        h.total_pages > MAX_PAGES)
        return 0;
    mem = calloc(h.total_pages, VMMSAVE_PAGE);
    if (!mem)
        return 0;
    memset(&l, 0, sizeof(l));
    savefmt_load(fd, &h, mem, &l, err, sizeof(err));
    free(l.balloon);
    free(mem);
    return 0;
}
