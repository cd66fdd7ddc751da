/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * journal.c: the store survives kill -9. The state file is a snapshot
 * followed by an append-only journal of changes (persist.c records) in a
 * zero-filled tail. The tail is mapped shared: a change is copied into the
 * page cache before its reply or any event about it leaves (the transports
 * take output through xsd_conn_output(), which flushes first), so an
 * acknowledged write outlives the process at the cost of a memcpy, no
 * syscall. fdatasync follows within a second for the host's sake. When the
 * journal outgrows the snapshot a fresh snapshot replaces the file (tmp +
 * fdatasync + rename). A lock file keeps two daemons off one state.
 */
#include "store/internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "lib/clock.h"
#include "lib/fs.h"
#include "lib/log.h"

#define SYNC_MS 1000
#define COMPACT_MIN (1u << 20) /* journal bytes before a rewrite pays off */
#define TAIL (1u << 20)        /* zeroed room mapped after the snapshot */

struct xs_journal {
    char file[4096];
    int fd, lockfd;
    struct xs_rec_buf buf;
    char *map; /* the whole file, shared */
    size_t map_size;
    size_t base;     /* snapshot bytes at the file's start */
    size_t appended; /* journal bytes after it */
    bool unsynced;
    uint64_t synced_ms;
    bool failed; /* a write failed: logged once, snapshot retried */
};

static void read_boot_id(char *buf, size_t size)
{
    FILE *f = fopen("/proc/sys/kernel/random/boot_id", "re");

    if (!f || !fgets(buf, (int)size, f))
        snprintf(buf, size, "unknown");
    buf[strcspn(buf, "\n")] = '\0';
    if (f)
        fclose(f);
}

struct xs_rec_buf *journal_of(const struct xs_conn *c)
{
    return c->ring ? c->xsd->tree.log : NULL;
}

static void unmap(struct xs_journal *j)
{
    if (j->map)
        munmap(j->map, j->map_size);
    j->map = NULL;
    j->map_size = 0;
}

/* Map fd's first size bytes (the file grows to size, zeros at the end). */
static int map(struct xs_journal *j, size_t size)
{
    void *m;

    if (ftruncate(j->fd, (off_t)size))
        return -errno;
    m = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, j->fd, 0);
    if (m == MAP_FAILED)
        return -errno;
    unmap(j);
    j->map = m;
    j->map_size = size;
    return 0;
}

/* Rewrite the file as one snapshot; the journal starts empty after it. */
static int compact(struct xsd *x)
{
    struct xs_journal *j = x->jr;
    struct xs_rec_buf snap = {0};
    char tmp[4200];
    int fd = -1, old, rc;

    snprintf(tmp, sizeof(tmp), "%s.tmp", j->file);
    rc = persist_snapshot(x, x->boot_id, &snap);
    if (!rc) {
        fd = open(tmp, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
        rc = fd < 0 ? -errno : 0;
    }
    if (!rc)
        rc = fs_write_all(fd, snap.p, snap.len);
    if (!rc && ftruncate(fd, (off_t)(snap.len + TAIL)))
        rc = -errno;
    if (!rc && fdatasync(fd))
        rc = -errno;
    if (!rc && rename(tmp, j->file))
        rc = -errno;
    if (rc) {
        if (fd >= 0)
            close(fd);
        unlink(tmp);
        free(snap.p);
        return rc;
    }
    old = j->fd;
    j->fd = fd; /* the renamed file: appends follow the snapshot */
    unmap(j);
    rc = map(j, snap.len + TAIL);
    if (old >= 0)
        close(old);
    j->base = snap.len;
    j->appended = 0;
    j->buf.len = 0; /* all of it is in the snapshot */
    j->buf.oom = false;
    j->unsynced = false;
    j->synced_ms = mono_ms();
    free(snap.p);
    return rc;
}

/* Copy the buffered records after the last one in the mapped file. */
static int append(struct xs_journal *j)
{
    size_t at = j->base + j->appended;
    int rc;

    if (!j->map)
        return -EIO;
    if (at + j->buf.len + sizeof(uint32_t) > j->map_size) {
        rc = map(j, j->map_size * 2 + j->buf.len);
        if (rc)
            return rc;
    }
    memcpy(j->map + at, j->buf.p, j->buf.len);
    j->appended += j->buf.len;
    j->buf.len = 0;
    j->unsynced = true;
    return 0;
}

void journal_flush(struct xsd *x)
{
    struct xs_journal *j = x->jr;
    int rc;

    if (!j || (!j->buf.len && !j->buf.oom))
        return;
    /* a record is missing: only a full snapshot is right now */
    rc = j->buf.oom || j->failed ? compact(x) : append(j);
    if (rc && !j->failed)
        log_warnx("%s: %s: changes are not durable until it works again",
                  j->file, strerror(-rc));
    else if (!rc && j->failed)
        log_info("%s: writing again", j->file);
    j->failed = rc != 0;
}

int xsd_state_open(struct xsd *x, const char *file)
{
    struct xs_journal *j;
    char lock[4200];
    FILE *f;
    int rc;

    if (x->jr || strlen(file) >= sizeof(j->file))
        return -EINVAL;
    j = calloc(1, sizeof(*j));
    if (!j)
        return -ENOMEM;
    j->fd = -1;
    snprintf(j->file, sizeof(j->file), "%s", file);
    snprintf(lock, sizeof(lock), "%s.lock", file);
    j->lockfd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (j->lockfd < 0 || flock(j->lockfd, LOCK_EX | LOCK_NB)) {
        rc = errno == EWOULDBLOCK ? -EBUSY : -errno;
        if (j->lockfd >= 0)
            close(j->lockfd);
        free(j);
        return rc;
    }
    x->jr = j;
    read_boot_id(x->boot_id, sizeof(x->boot_id));
    f = fopen(file, "re");
    if (!f)
        return errno == ENOENT ? 0 : -errno;
    rc = persist_load_fp(x, f, x->boot_id);
    fclose(f);
    return rc;
}

int xsd_state_start(struct xsd *x, unsigned int *reattached_out)
{
    unsigned int n;
    int rc;

    if (!x->jr)
        return 0;
    n = domain_reattach_all(x);
    if (reattached_out)
        *reattached_out = n;
    rc = compact(x);
    if (!rc)
        x->tree.log = &x->jr->buf;
    return rc;
}

int xsd_state_sync(struct xsd *x)
{
    struct xs_journal *j = x->jr;
    uint64_t now;

    if (!j)
        return -1;
    journal_flush(x);
    if (!j->failed && j->appended > COMPACT_MIN && j->appended > j->base)
        j->failed = compact(x) != 0;
    if (!j->unsynced)
        return -1;
    now = mono_ms();
    if (now - j->synced_ms < SYNC_MS)
        return (int)(SYNC_MS - (now - j->synced_ms));
    if (fdatasync(j->fd) == 0) {
        j->unsynced = false;
        j->synced_ms = now;
    }
    return -1;
}

void xsd_state_close(struct xsd *x)
{
    struct xs_journal *j = x->jr;

    if (!j)
        return;
    journal_flush(x);
    if (!j->failed)
        compact(x); /* a clean stop leaves one snapshot */
    x->tree.log = NULL;
    unmap(j);
    if (j->fd >= 0)
        close(j->fd);
    close(j->lockfd); /* releases the lock */
    free(j->buf.p);
    free(j);
    x->jr = NULL;
}
