/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * vmmexec.h: how the kvm engine runs a domain's VMM: pvstack-vmm's
 * command-line options (libhv's hv_kvm_dom.c writes them, vmm/main.c
 * parses them) and the one status line the VMM writes on --status-fd
 * before it serves the domain.
 */
#ifndef XT_PROTO_VMMEXEC_H
#define XT_PROTO_VMMEXEC_H

#include <inttypes.h>

#define VMMEXEC_PROG "pvstack-vmm"

/* Long options, without the leading "--". Each takes a value but PAUSED
 * and DEBUG. Numbers are decimal (or 0x hex). */
#define VMMEXEC_OPT_DOMID "domid"         /* non-zero domid */
#define VMMEXEC_OPT_NAME "name"           /* domain name */
#define VMMEXEC_OPT_KERNEL "kernel"       /* PV kernel image */
#define VMMEXEC_OPT_RAMDISK "ramdisk"     /* optional */
#define VMMEXEC_OPT_CMDLINE "cmdline"     /* optional */
#define VMMEXEC_OPT_MEMORY_KB "memory-kb" /* initial memory */
#define VMMEXEC_OPT_MAXMEM_KB "maxmem-kb" /* balloon ceiling */
#define VMMEXEC_OPT_VCPUS "vcpus"         /* online at boot */
#define VMMEXEC_OPT_MAX_VCPUS "max-vcpus"
#define VMMEXEC_OPT_PAUSED "paused"       /* no value: start paused */
#define VMMEXEC_OPT_STATUS_FD "status-fd" /* where the status line goes */
#define VMMEXEC_OPT_DEBUG "debug"         /* no value: foreground, stderr */
/* Load the domain from the stream (vmmsave.h) on this fd instead of
 * building it from --kernel (which may then be absent); memory and vcpus
 * come from the stream. */
#define VMMEXEC_OPT_RESTORE_FD "restore-fd"

/* The fd the engine hands the VMM for its status line. */
#define VMMEXEC_STATUS_FD 3

/*
 * The status line, one of (then a newline):
 *   "OK <store_pfn> <console_pfn> <store_port> <console_port>"
 *   "ERR <errno> <reason>"
 */
#define VMMEXEC_STATUS_OK "OK %" PRIu64 " %" PRIu64 " %" PRIu32 " %" PRIu32
#define VMMEXEC_STATUS_OK_SCAN "OK %" SCNu64 " %" SCNu64 " %" SCNu32 " %" SCNu32
#define VMMEXEC_STATUS_ERR "ERR %d %s"

#endif
