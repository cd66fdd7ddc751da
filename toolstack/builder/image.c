/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * image.c: read a kernel or ramdisk file and undo gzip (zlib), xz or lzma
 * (liblzma) compression, chosen by magic as Xen's xc_dom_*loader does. The
 * output is capped at BUILDER_MAX_IMAGE (a decompression bomb is an error).
 */
#include "builder/builder.h"

#include <errno.h>
#include <fcntl.h>
#include <lzma.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

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

/* Grow-as-needed output buffer for the decoders. */
static int out_grow(unsigned char **out, size_t *cap, size_t used)
{
    size_t ncap = *cap ? *cap * 2 : 1u << 20;
    unsigned char *n;

    if (ncap > BUILDER_MAX_IMAGE)
        ncap = BUILDER_MAX_IMAGE;
    if (ncap <= used)
        return -EFBIG;
    n = realloc(*out, ncap);
    if (!n)
        return -ENOMEM;
    *out = n;
    *cap = ncap;
    return 0;
}

static int gunzip(const unsigned char *in, size_t len, unsigned char **out,
                  size_t *olen)
{
    z_stream zs = {0};
    size_t cap = 0;
    int zr, rc = 0;

    *out = NULL;
    if (inflateInit2(&zs, 16 + MAX_WBITS) != Z_OK)
        return -ENOMEM;
    zs.next_in = (unsigned char *)(uintptr_t)in;
    zs.avail_in = (uInt)len;
    do {
        if (zs.total_out == cap) {
            rc = out_grow(out, &cap, zs.total_out);
            if (rc < 0)
                break;
        }
        zs.next_out = *out + zs.total_out;
        zs.avail_out = (uInt)(cap - zs.total_out);
        zr = inflate(&zs, Z_NO_FLUSH);
        if (zr != Z_OK && zr != Z_STREAM_END && zr != Z_BUF_ERROR) {
            rc = -EINVAL;
            break;
        }
        if (zr == Z_BUF_ERROR && zs.avail_in == 0) {
            rc = -EINVAL; /* truncated */
            break;
        }
    } while (zr != Z_STREAM_END);
    *olen = zs.total_out;
    inflateEnd(&zs);
    return rc;
}

static int unxz(const unsigned char *in, size_t len, unsigned char **out,
                size_t *olen)
{
    lzma_stream ls = LZMA_STREAM_INIT;
    size_t cap = 0;
    lzma_ret lr;
    int rc = 0;

    *out = NULL;
    /* The auto decoder takes both .xz and legacy .lzma streams. */
    if (lzma_auto_decoder(&ls, UINT64_MAX, 0) != LZMA_OK)
        return -ENOMEM;
    ls.next_in = in;
    ls.avail_in = len;
    do {
        if (ls.total_out == cap) {
            rc = out_grow(out, &cap, ls.total_out);
            if (rc < 0)
                break;
        }
        ls.next_out = *out + ls.total_out;
        ls.avail_out = cap - ls.total_out;
        lr = lzma_code(&ls, LZMA_FINISH);
        if (lr != LZMA_OK && lr != LZMA_STREAM_END) {
            rc = -EINVAL;
            break;
        }
    } while (lr != LZMA_STREAM_END);
    *olen = ls.total_out;
    lzma_end(&ls);
    return rc;
}

int builder_read_image(const char *path, void **buf_out, size_t *len_out,
                       char *err, size_t errlen)
{
    static const unsigned char xz_magic[6] = {0xfd, '7', 'z', 'X', 'Z', 0};
    unsigned char *raw, *dec = NULL;
    size_t len = 0, dlen = 0;
    const char *kind = NULL;
    void *rb = NULL;
    int rc;

    rc = read_all(path, &rb, &len, err, errlen);
    if (rc < 0)
        return rc;
    raw = rb;
    if (len >= 2 && raw[0] == 0x1f && raw[1] == 0x8b) {
        kind = "gzip";
        rc = gunzip(raw, len, &dec, &dlen);
    } else if ((len >= 6 && memcmp(raw, xz_magic, 6) == 0) ||
               (len >= 3 && raw[0] == 0x5d && raw[1] == 0 && raw[2] == 0)) {
        kind = raw[0] == 0x5d ? "lzma" : "xz";
        rc = unxz(raw, len, &dec, &dlen);
    }
    if (!kind) {
        *buf_out = raw;
        *len_out = len;
        return 0;
    }
    free(raw);
    if (rc < 0) {
        free(dec);
        if (err && errlen)
            snprintf(err, errlen, "%s: bad %s data%s", path, kind,
                     rc == -EFBIG ? " (too large when decompressed)" : "");
        return rc == -ENOMEM ? rc : -EINVAL;
    }
    *buf_out = dec;
    *len_out = dlen;
    return 0;
}
