/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * image.c: read a kernel or ramdisk file, undo its compression (decomp.c)
 * and, for a Linux bzImage, take the vmlinux out of it and undo that one's
 * (bzimage.c), as Xen's xc_dom_*loader do.
 */
#include "builder/builder.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "builder/bzimage.h"
#include "builder/decomp.h"

static int img_err(char *err, size_t errlen, const char *path, int rc,
                   const char *what)
{
    if (err && errlen)
        snprintf(err, errlen, "%s: %s", path, what);
    return rc;
}

static int read_all(const char *path, void **buf_out, size_t *len_out,
                    char *err, size_t errlen)
{
    struct stat st;
    char *buf;
    size_t got = 0;
    int fd, rc;

    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        rc = -errno;
        return img_err(err, errlen, path, rc, strerror(-rc));
    }
    if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        return img_err(err, errlen, path, -EINVAL, "not a regular file");
    }
    if ((uint64_t)st.st_size > BUILDER_MAX_IMAGE) {
        close(fd);
        return img_err(err, errlen, path, -EFBIG, "file too large");
    }
    buf = malloc((size_t)st.st_size + 1);
    if (!buf) {
        close(fd);
        return -ENOMEM;
    }
    while (got < (size_t)st.st_size) {
        ssize_t n = read(fd, buf + got, (size_t)st.st_size - got);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        got += (size_t)n;
    }
    close(fd);
    *buf_out = buf;
    *len_out = got;
    return 0;
}

/*
 * Replace *buf by its decompressed self if it is compressed; 0 or -errno
 * (then *buf is freed, one line in err).
 */
static int undo(const char *path, const char *what, unsigned char **buf,
                size_t *len, char *err, size_t errlen)
{
    const char *kind = decomp_kind(*buf, *len);
    void *dec = NULL;
    size_t dlen = 0;
    int rc;

    if (!kind)
        return 0;
    rc = decomp_run(kind, *buf, *len, &dec, &dlen);
    free(*buf);
    *buf = NULL;
    if (rc < 0) {
        if (err && errlen)
            snprintf(err, errlen, "%s: %sbad %s data%s", path, what, kind,
                     rc == -EFBIG ? " (too large when decompressed)" : "");
        return rc == -ENOMEM ? rc : -EINVAL;
    }
    *buf = dec;
    *len = dlen;
    return 0;
}

int builder_read_image(const char *path, void **buf_out, size_t *len_out,
                       char *err, size_t errlen)
{
    unsigned char *raw, *payload;
    size_t len = 0, off, plen;
    char why[160];
    void *rb = NULL;
    int rc;

    rc = read_all(path, &rb, &len, err, errlen);
    if (rc < 0)
        return rc;
    raw = rb;
    rc = undo(path, "", &raw, &len, err, errlen);
    if (rc < 0)
        return rc;
    /* A bzImage: the vmlinux inside, as Xen's bzImage loader takes it. */
    rc = bzimage_payload(raw, len, &off, &plen, why, sizeof(why));
    if (rc < 0) {
        free(raw);
        return img_err(err, errlen, path, rc, why);
    }
    if (rc > 0) {
        payload = malloc(plen ? plen : 1);
        if (!payload) {
            free(raw);
            return -ENOMEM;
        }
        memcpy(payload, raw + off, plen);
        free(raw);
        raw = payload;
        len = plen;
        rc = undo(path, "bzImage payload: ", &raw, &len, err, errlen);
        if (rc < 0)
            return rc;
    }
    *buf_out = raw;
    *len_out = len;
    return 0;
}
