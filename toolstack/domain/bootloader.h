/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * bootloader.h: bootloader = "pygrub" (or another program speaking its
 * protocol), run as libxl's libxl_bootloader.c runs it: it reads the
 * guest's disk, picks the kernel from the guest's own grub config, copies
 * kernel and ramdisk out into a private directory and answers with their
 * paths and the command line.
 */
#ifndef XT_DOMAIN_BOOTLOADER_H
#define XT_DOMAIN_BOOTLOADER_H

#include <stddef.h>

#include "cfg/cfg.h"

struct boot_answer {
    char *kernel;  /* inside dir */
    char *ramdisk; /* inside dir, or NULL */
    char *args;    /* or NULL */
    char dir[256]; /* the output directory; "" once removed */
};

/*
 * Parse the bootloader's answer (--output-format=simple0, or simple:
 * "kernel PATH", "ramdisk PATH", "args TEXT", separated by NULs or
 * newlines). The kernel is required; kernel and ramdisk must name files
 * directly inside dir (the bootloader is fed a guest's disk: its answer is
 * checked, not trusted). Returns 0 or -EINVAL with one line in err; a
 * failed parse leaves nothing allocated.
 */
int bootloader_parse(const char *buf, size_t len, const char *dir,
                     struct boot_answer *a, char *err, size_t errlen);

/*
 * Run cfg->bootloader on the domain's first disk: `<bootloader> -q
 * --output=<file> --output-format=simple0 --output-directory=<dir>
 * [--kernel=K] [--ramdisk=R] [--args=CMDLINE] [bootloader_args...] <disk>`
 * (-q: nobody is at a console to pick an entry; a bootloader_args --entry
 * or -i still chooses). "pygrub" without a slash is looked up in PATH, then
 * in Xen's private bin directories. Returns 0 with *a filled (free with
 * bootloader_done), or -errno with one line in err and nothing left.
 */
int bootloader_run(const struct domain_config *cfg, struct boot_answer *a,
                   char *err, size_t errlen);

/* Remove the kernel, ramdisk and directory; free the strings. */
void bootloader_done(struct boot_answer *a);

#endif
