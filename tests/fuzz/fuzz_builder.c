/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * fuzz_builder.c: libFuzzer harness for the domain builder: arbitrary
 * bytes as a kernel file (raw ELF with Xen notes, or gzip/xz/lzma, whose
 * size bombs must stop at BUILDER_MAX_IMAGE), then, when it parses, laid
 * out in a small domain with the input's tail as ramdisk and cmdline.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "builder/builder.h"
#include "proto/pvabi.h"

/* 4 MiB: enough for small kernels, small enough to reach -ENOMEM. */
#define RAM_PAGES 1024

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static unsigned char *mem;
    const size_t memsz = (RAM_PAGES + PVABI_SPECIAL_PAGES) * 4096ul;
    struct builder_result res;
    struct builder_elf elf;
    struct builder_args a;
    char path[64], err[256], cmdline[64];
    void *img = NULL;
    size_t len = 0, tail;
    int fd;

    if (!mem) {
        mem = mmap(NULL, memsz, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (mem == MAP_FAILED)
            abort();
    }
    /* builder_read_image() reads a path: hand it the bytes as a file. */
    fd = memfd_create("kernel", MFD_CLOEXEC);
    if (fd < 0 || write(fd, data, size) != (ssize_t)size)
        abort();
    snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
    if (builder_read_image(path, &img, &len, err, sizeof(err)) == 0) {
        if (builder_elf_parse("fuzz", img, len, &elf, err, sizeof(err)) == 0) {
            tail = size < 64 ? size : 64;
            memcpy(cmdline, data + size - tail, tail > 63 ? 63 : tail);
            cmdline[tail > 63 ? 63 : tail] = '\0';
            memset(mem, 0, memsz);
            a = (struct builder_args){.kernel = img,
                                      .kernel_len = len,
                                      .elf = &elf,
                                      .ramdisk = data + size / 2,
                                      .ramdisk_len = size - size / 2,
                                      .cmdline = cmdline,
                                      .ram_pages = RAM_PAGES,
                                      .store_port = 1,
                                      .console_port = 2,
                                      .domid = 1};
            builder_build(mem, &a, &res, err, sizeof(err));
        }
        free(img);
    }
    close(fd);
    return 0;
}
