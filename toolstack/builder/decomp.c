/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * decomp.c: undo the compressions a kernel or ramdisk may come in, chosen
 * by magic as Xen's xc_dom_bzimageloader does: gzip (zlib), xz and legacy
 * lzma (liblzma), bzip2 (libbz2), zstd (libzstd) and the lz4 legacy frame
 * Linux's bzImage uses (liblz4). The output is capped at BUILDER_MAX_IMAGE:
 * a decompression bomb is an error, not an allocation of everything.
 * Trailing bytes after the first stream are ignored: a bzImage payload
 * carries the decompressed size after it.
 */
#include "builder/decomp.h"

#include <bzlib.h>
#include <errno.h>
#include <lz4.h>
#include <lzma.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>
#include <zstd.h>

#include "builder/builder.h"

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

    if (len > UINT32_MAX)
        return -EFBIG;
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

static int bunzip2(const unsigned char *in, size_t len, unsigned char **out,
                   size_t *olen)
{
    bz_stream bs;
    size_t cap = 0, done = 0;
    int br = BZ_OK, rc = 0;

    if (len > UINT32_MAX)
        return -EFBIG;
    memset(&bs, 0, sizeof(bs));
    if (BZ2_bzDecompressInit(&bs, 0, 0) != BZ_OK)
        return -ENOMEM;
    bs.next_in = (char *)(uintptr_t)in;
    bs.avail_in = (unsigned int)len;
    while (br != BZ_STREAM_END) {
        if (done == cap) {
            rc = out_grow(out, &cap, done);
            if (rc < 0)
                break;
        }
        bs.next_out = (char *)*out + done;
        bs.avail_out = (unsigned int)(cap - done);
        br = BZ2_bzDecompress(&bs);
        done = cap - bs.avail_out;
        if (br != BZ_OK && br != BZ_STREAM_END) {
            rc = -EINVAL;
            break;
        }
        if (br == BZ_OK && bs.avail_in == 0 && bs.avail_out != 0) {
            rc = -EINVAL; /* truncated */
            break;
        }
    }
    *olen = done;
    BZ2_bzDecompressEnd(&bs);
    return rc;
}

static int unzstd(const unsigned char *in, size_t len, unsigned char **out,
                  size_t *olen)
{
    ZSTD_DStream *zd = ZSTD_createDStream();
    ZSTD_inBuffer ib = {in, len, 0};
    size_t cap = 0, r = 1;
    int rc = 0;

    if (!zd)
        return -ENOMEM;
    ZSTD_initDStream(zd);
    *olen = 0;
    while (r != 0) {
        ZSTD_outBuffer ob;

        if (*olen == cap) {
            rc = out_grow(out, &cap, *olen);
            if (rc < 0)
                break;
        }
        ob = (ZSTD_outBuffer){*out, cap, *olen};
        r = ZSTD_decompressStream(zd, &ob, &ib);
        *olen = ob.pos;
        if (ZSTD_isError(r)) {
            rc = -EINVAL;
            break;
        }
        /* the frame is not done but nothing is left to read: truncated */
        if (r != 0 && ib.pos == ib.size && ob.pos < ob.size) {
            rc = -EINVAL;
            break;
        }
    }
    ZSTD_freeDStream(zd);
    return rc;
}

/*
 * lz4's legacy frame (lz4 -l, what Linux's bzImage uses): the magic, then
 * blocks of a little-endian compressed size and the data, each block at
 * most 8 MiB decompressed; a size of 0, the end of the input or another
 * magic-sized value (Linux appends the output length) ends it.
 */
#define LZ4_LEGACY_BLOCK (8u << 20)
static int unlz4(const unsigned char *in, size_t len, unsigned char **out,
                 size_t *olen)
{
    size_t pos = 4, cap = 0, done = 0, room;
    int rc;

    while (pos + 4 <= len) {
        uint32_t bsz = (uint32_t)in[pos] | (uint32_t)in[pos + 1] << 8 |
                       (uint32_t)in[pos + 2] << 16 |
                       (uint32_t)in[pos + 3] << 24;
        int n;

        if (bsz == 0 || bsz == DECOMP_LZ4_LEGACY_MAGIC || pos + 4 + bsz > len)
            break; /* the trailer (Linux: the decompressed size) */
        if (bsz > (unsigned)LZ4_compressBound(LZ4_LEGACY_BLOCK))
            return -EINVAL;
        pos += 4;
        while (cap - done < LZ4_LEGACY_BLOCK && cap < BUILDER_MAX_IMAGE) {
            rc = out_grow(out, &cap, done);
            if (rc < 0)
                return rc;
        }
        room = cap - done < LZ4_LEGACY_BLOCK ? cap - done : LZ4_LEGACY_BLOCK;
        n = LZ4_decompress_safe((const char *)in + pos, (char *)*out + done,
                                (int)bsz, (int)room);
        if (n < 0)
            return room < LZ4_LEGACY_BLOCK ? -EFBIG : -EINVAL;
        done += (size_t)n;
        pos += bsz;
    }
    *olen = done;
    return done ? 0 : -EINVAL;
}

const char *decomp_kind(const void *buf, size_t len)
{
    static const unsigned char xz[6] = {0xfd, '7', 'z', 'X', 'Z', 0};
    static const unsigned char zst[4] = {0x28, 0xb5, 0x2f, 0xfd};
    static const unsigned char lz4[4] = {0x02, 0x21, 0x4c, 0x18};
    const unsigned char *b = buf;

    if (len >= 2 && b[0] == 0x1f && b[1] == 0x8b)
        return "gzip";
    if (len >= 6 && !memcmp(b, xz, 6))
        return "xz";
    /* lzma-alone: properties 0x5d, a dictionary of whole 64 KiB units */
    if (len >= 13 && b[0] == 0x5d && b[1] == 0 && b[2] == 0)
        return "lzma";
    if (len >= 4 && b[0] == 'B' && b[1] == 'Z' && b[2] == 'h' && b[3] >= '1' &&
        b[3] <= '9')
        return "bzip2";
    if (len >= 4 && !memcmp(b, zst, 4))
        return "zstd";
    if (len >= 8 && !memcmp(b, lz4, 4))
        return "lz4";
    return NULL;
}

int decomp_run(const char *kind, const void *in, size_t len, void **out,
               size_t *olen)
{
    unsigned char *o = NULL;
    int rc;

    *olen = 0;
    if (!strcmp(kind, "gzip"))
        rc = gunzip(in, len, &o, olen);
    else if (!strcmp(kind, "xz") || !strcmp(kind, "lzma"))
        rc = unxz(in, len, &o, olen);
    else if (!strcmp(kind, "bzip2"))
        rc = bunzip2(in, len, &o, olen);
    else if (!strcmp(kind, "zstd"))
        rc = unzstd(in, len, &o, olen);
    else if (!strcmp(kind, "lz4"))
        rc = unlz4(in, len, &o, olen);
    else
        rc = -ENOTSUP;
    if (rc < 0) {
        free(o);
        return rc;
    }
    *out = o;
    return 0;
}
