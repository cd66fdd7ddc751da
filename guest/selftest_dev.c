/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * selftest_dev.c: the self-tests of the store client and the split
 * drivers (store, blk, net); the runner and core tests are selftest.c.
 */
#include "selftest.h"

#include "blkfront.h"
#include "kernel.h"
#include "netfront.h"
#include "xenbus.h"

const char *selftest_store(char *detail, size_t size)
{
    char buf[128], path[128], token[64];
    uint32_t tx;
    int rc, n, tries;

    if (xenbus_write(XBT_NIL, "data/selftest/a", "hello") < 0)
        return "write data/selftest/a";
    if (xenbus_read(XBT_NIL, "data/selftest/a", buf, sizeof(buf)) != 5 ||
        strcmp(buf, "hello"))
        return "read back differs";
    if (xenbus_write(XBT_NIL, "data/selftest/b", "2") < 0)
        return "write data/selftest/b";
    n = xenbus_directory(XBT_NIL, "data/selftest", buf, sizeof(buf));
    if (n != 2)
        return "directory does not list 2 entries";
    if (xenbus_read(XBT_NIL, "data/selftest/missing", buf, sizeof(buf)) !=
        -XEN_ENOENT)
        return "missing node is not ENOENT";
    for (tries = 0; tries < 5; tries++) {
        if (xenbus_transaction_start(&tx) < 0)
            return "transaction start";
        xenbus_write(tx, "data/selftest/t1", "x");
        xenbus_write(tx, "data/selftest/t2", "y");
        rc = xenbus_transaction_end(tx, 0);
        if (rc != -XEN_EAGAIN)
            break;
    }
    if (rc < 0)
        return "transaction commit";
    if (xenbus_read(XBT_NIL, "data/selftest/t2", buf, sizeof(buf)) != 1)
        return "transaction write not visible";
    if (xenbus_transaction_start(&tx) < 0)
        return "transaction start (abort)";
    xenbus_write(tx, "data/selftest/t3", "z");
    xenbus_transaction_end(tx, 1);
    if (xenbus_read(XBT_NIL, "data/selftest/t3", buf, sizeof(buf)) !=
        -XEN_ENOENT)
        return "aborted transaction leaked a write";
    if (xenbus_watch("data/selftest/w", "stw") < 0)
        return "watch";
    /* The registration fires once; then our write must fire it again. */
    if (xenbus_wait_watch_token("stw", path, sizeof(path), token, sizeof(token),
                                time_now_ns() + 2000 * MS) < 0)
        return "no initial watch event";
    xenbus_flush_watch("stw");
    xenbus_write(XBT_NIL, "data/selftest/w", "1");
    if (xenbus_wait_watch_token("stw", path, sizeof(path), token, sizeof(token),
                                time_now_ns() + 2000 * MS) < 0)
        return "no watch event for our write";
    xenbus_unwatch("data/selftest/w", "stw");
    if (xenbus_rm(XBT_NIL, "data/selftest") < 0)
        return "rm";
    if (xenbus_read(XBT_NIL, "data/selftest/a", buf, sizeof(buf)) !=
        -XEN_ENOENT)
        return "rm left a child";
    if (xenbus_read(XBT_NIL, "domid", buf, sizeof(buf)) > 0)
        snprintf(detail, size, "domid %s", buf);
    return NULL;
}

static const char *io_failed(char *detail, size_t size, int rc, const char *why)
{
    snprintf(detail, size, "%d, %u events from the backend", rc,
             blkfront_events());
    return why;
}

/* Writes a pattern over the disk's last 4 KiB, reads it back, restores. */
const char *selftest_blk(char *detail, size_t size)
{
    struct blkfront_info info;
    uint8_t *save = page_alloc(), *buf = page_alloc();
    uint64_t sector;
    size_t i;
    int rc;

    if (!save || !buf)
        return "out of memory";
    rc = blkfront_init(&info);
    if (rc < 0) {
        snprintf(detail, size, "%d", rc);
        return "no connected vbd";
    }
    if (info.sectors < 8)
        return "disk smaller than 4 KiB";
    sector = info.sectors - 8;
    if ((rc = blkfront_io(sector, save, 8, false)) < 0)
        return io_failed(detail, size, rc, "read failed");
    if (!info.readonly) {
        for (i = 0; i < PAGE_SIZE; i++)
            buf[i] = (uint8_t)(i * 7 + 0x5a);
        if ((rc = blkfront_io(sector, buf, 8, true)) < 0)
            return io_failed(detail, size, rc, "write failed");
        memset(buf, 0, PAGE_SIZE);
        if ((rc = blkfront_io(sector, buf, 8, false)) < 0)
            return io_failed(detail, size, rc, "read back failed");
        for (i = 0; i < PAGE_SIZE; i++)
            if (buf[i] != (uint8_t)(i * 7 + 0x5a))
                return "read back differs from what was written";
        if ((rc = blkfront_io(sector, save, 8, true)) < 0)
            return io_failed(detail, size, rc, "restore failed");
    }
    snprintf(detail, size, "vbd %s: %lu sectors of %u, %s", info.devid,
             (unsigned long)info.sectors, info.sector_size,
             info.readonly ? "read-only, read 8" : "wrote and read back 8");
    page_free(save);
    page_free(buf);
    return NULL;
}

/* Connects the vif (ip= from the cmdline, else 10.0.0.2); the peer then
 * pings or sends UDP to port 7, which keeps being answered afterwards. */
const char *selftest_net(char *detail, size_t size)
{
    char ip[20] = "10.0.0.2";
    int rc;

    cmdline_get("ip", ip, sizeof(ip));
    rc = netfront_start(ip, detail, size);
    if (rc < 0) {
        snprintf(detail, size, "%d", rc);
        return "no connected vif";
    }
    return NULL;
}
