/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * state.c: a running HVM domain as the engines report theirs (struct
 * hv_dominfo): whether it exists, its state from QMP and from the
 * shutdown dm's monitor records, the list of HVM domids, and the wait for
 * its shutdown. The domain library's HVM ops are these.
 */
#include "dm/hvm.h"

#include <dirent.h>
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xen/sched.h>

#include "dm/internal.h"
#include "hv/hv.h"
#include "lib/fs.h"
#include "lib/parse.h"
#include "lib/paths.h"
#include "lib/proc.h"

/* A wait looks again this often even without a change in /run/xen (QEMU
 * killed together with its monitor leaves its files behind). */
#define WAIT_RECHECK_MS 1000

int dm_shut_read(uint32_t domid, unsigned *reason_out)
{
    char path[512], line[32];
    long long v;
    int rc = dm_shut_path(domid, path, sizeof(path));

    if (!rc)
        rc = fs_read_line(path, line, sizeof(line));
    if (rc < 0)
        return rc;
    if (parse_ll(line, 10, 0, 255, &v))
        return -EINVAL;
    *reason_out = (unsigned)v;
    return 0;
}

int dm_hvm_exists(uint32_t domid)
{
    char p[512];
    struct stat st;

    return dm_qmp_path(domid, p, sizeof(p)) == 0 && stat(p, &st) == 0 &&
           S_ISSOCK(st.st_mode);
}

static uint64_t memory_kb(uint32_t domid)
{
    char *reply = NULL, *p;
    unsigned long long b = 0;

    if (dm_qmp_command(domid, "query-memory-size-summary", NULL, &reply) == 0 &&
        (p = strstr(reply, "\"base-memory\":")))
        sscanf(p + 14, " %llu", &b);
    free(reply);
    return b / 1024;
}

/* dm's monitor wrote the pid file when QEMU started. */
static uint64_t start_time(uint32_t domid)
{
    char path[512];
    struct stat st;

    if (dm_pid_path(domid, path, sizeof(path)) || stat(path, &st))
        return 0;
    return (uint64_t)st.st_mtime;
}

int dm_hvm_getinfo(uint32_t domid, struct hv_dominfo *out)
{
    struct dm_status st;
    unsigned reason;
    int rc;

    memset(out, 0, sizeof(*out));
    if (!dm_hvm_exists(domid))
        return -ENOENT;
    rc = dm_status_get(domid, &st);
    if (rc)
        return rc;
    out->domid = domid;
    switch (st.state) {
    case DM_STATE_RUNNING:
        out->flags = HV_DOMF_RUNNING;
        break;
    case DM_STATE_PAUSED:
        out->flags = HV_DOMF_PAUSED;
        break;
    case DM_STATE_SHUTDOWN:
        out->flags = HV_DOMF_SHUTDOWN;
        out->shutdown_reason = SHUTDOWN_poweroff;
        break;
    case DM_STATE_CRASHED:
        out->flags = HV_DOMF_SHUTDOWN;
        out->shutdown_reason = SHUTDOWN_crash;
        break;
    default:
        out->flags = HV_DOMF_BLOCKED;
        break;
    }
    /* Shut down and kept stopped for the toolstack, with its reason. */
    if (dm_shut_read(domid, &reason) == 0) {
        out->flags = HV_DOMF_SHUTDOWN;
        out->shutdown_reason = reason;
    }
    out->cpu_ns = st.cpu_ns;
    out->vcpus = out->vcpus_online = st.vcpus;
    out->mem_kb = out->max_mem_kb = memory_kb(domid);
    out->start_time = start_time(domid);
    return 0;
}

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

    return x < y ? -1 : x > y;
}

int dm_hvm_list(uint32_t *ids, int max)
{
    char dir[512];
    struct dirent *de;
    long long v;
    int n = 0;
    DIR *d;

    if (paths_get(dir, sizeof(dir), "/run/xen"))
        return -ENAMETOOLONG;
    d = opendir(dir);
    if (!d)
        return errno == ENOENT ? 0 : -errno;
    while ((de = readdir(d))) {
        if (strncmp(de->d_name, "qmp-libxl-", 10) ||
            parse_ll(de->d_name + 10, 10, 1, 0x7fef, &v))
            continue;
        if (n < max)
            ids[n] = (uint32_t)v;
        n++;
    }
    closedir(d);
    qsort(ids, (size_t)(n < max ? n : max), sizeof(*ids), cmp_u32);
    return n;
}

/* QEMU of domid is there: its socket, and its process if recorded. */
static int alive(uint32_t domid)
{
    pid_t pid;

    if (!dm_hvm_exists(domid))
        return 0;
    return dm_pid_read(domid, &pid) || proc_alive(pid);
}

int dm_hvm_wait(uint32_t domid, struct hv_dominfo *out)
{
    char dir[512];
    unsigned reason;
    int fd, rc;

    /* dm's monitor records a shutdown and removes QEMU's files there. */
    fd = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
    if (fd >= 0 &&
        (paths_get(dir, sizeof(dir), "/run/xen") ||
         inotify_add_watch(fd, dir, IN_MOVED_TO | IN_CREATE | IN_DELETE) < 0)) {
        close(fd);
        fd = -1;
    }
    for (;;) {
        if (dm_shut_read(domid, &reason) == 0) {
            rc = dm_hvm_getinfo(domid, out);
            if (rc) { /* gone meanwhile: the reason is what counts */
                memset(out, 0, sizeof(*out));
                out->domid = domid;
            }
            out->flags = HV_DOMF_SHUTDOWN;
            out->shutdown_reason = reason;
            rc = 0;
            break;
        }
        if (!alive(domid)) {
            rc = -ESRCH;
            break;
        }
        if (fd >= 0) {
            struct pollfd p = {.fd = fd, .events = POLLIN};
            char buf[4096];

            if (poll(&p, 1, WAIT_RECHECK_MS) > 0)
                while (read(fd, buf, sizeof(buf)) > 0)
                    ;
        } else {
            poll(NULL, 0, WAIT_RECHECK_MS / 10);
        }
    }
    if (fd >= 0)
        close(fd);
    return rc;
}
