/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * saveimg.c: xl's save-image framing (saveimg.h) and pvstack's record of
 * the stream's length and CRC32 in the optional data's tail.
 */
#include "domain/saveimg.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <lzma.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/fs.h"
#include "lib/log.h"

#define REC_TAG 0x54535650u /* "PVST" on a little-endian host */
#define REC_VERSION 1u
#define REC_LEN 24u
#define FIXED_LEN (SAVEIMG_MAGIC_LEN + 16u)

static void put32(uint8_t *p, uint32_t v)
{
    memcpy(p, &v, 4);
}

static uint32_t get32(const uint8_t *p)
{
    uint32_t v;

    memcpy(&v, p, 4);
    return v;
}

static void make_record(uint8_t rec[REC_LEN], uint64_t len, uint32_t crc)
{
    put32(rec, REC_TAG);
    put32(rec + 4, REC_VERSION);
    memcpy(rec + 8, &len, 8);
    put32(rec + 16, crc);
    put32(rec + 20, 0);
}

int saveimg_write(int fd, uint32_t mflags, const char *config,
                  size_t config_len, off_t *stream_off)
{
    uint8_t fixed[FIXED_LEN + 4], rec[REC_LEN];
    int rc;

    if (config_len > SAVEIMG_CONFIG_MAX)
        return -E2BIG;
    memcpy(fixed, SAVEIMG_MAGIC, SAVEIMG_MAGIC_LEN);
    put32(fixed + 32, SAVEIMG_BYTEORDER);
    put32(fixed + 36, mflags);
    put32(fixed + 40, 0);
    put32(fixed + 44, (uint32_t)(4 + config_len + REC_LEN));
    put32(fixed + 48, (uint32_t)config_len);
    make_record(rec, SAVEIMG_LEN_UNKNOWN, 0);
    rc = fs_write_all(fd, fixed, sizeof(fixed));
    if (!rc)
        rc = fs_write_all(fd, config, config_len);
    if (!rc)
        rc = fs_write_all(fd, rec, sizeof(rec));
    if (!rc && stream_off)
        *stream_off = (off_t)(sizeof(fixed) + config_len + REC_LEN);
    return rc;
}

/* CRC32 and length of fd from off to its end. */
static int crc_from(int fd, off_t off, uint64_t *len_out, uint32_t *crc_out)
{
    static const size_t bufsz = 1u << 20;
    uint8_t *buf = malloc(bufsz);
    uint64_t len = 0;
    uint32_t crc = 0;
    int rc = 0;

    if (!buf)
        return -ENOMEM;
    for (;;) {
        ssize_t n = pread(fd, buf, bufsz, off);

        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            rc = -errno;
            break;
        }
        if (n == 0)
            break;
        crc = lzma_crc32(buf, (size_t)n, crc);
        len += (uint64_t)n;
        off += n;
    }
    free(buf);
    *len_out = len;
    *crc_out = crc;
    return rc;
}

int saveimg_finish(int fd)
{
    struct saveimg_header h;
    uint8_t rec[REC_LEN];
    char err[160];
    int rc;

    if (lseek(fd, 0, SEEK_SET) < 0)
        return -errno;
    rc = saveimg_read(fd, &h, err, sizeof(err));
    if (rc)
        return rc;
    if (!h.has_record) {
        saveimg_header_free(&h);
        return -EINVAL;
    }
    rc = crc_from(fd, h.stream_off, &h.stream_len, &h.stream_crc);
    if (!rc) {
        make_record(rec, h.stream_len, h.stream_crc);
        if (pwrite(fd, rec, REC_LEN, h.record_off) != (ssize_t)REC_LEN)
            rc = -EIO;
    }
    if (!rc && fsync(fd) < 0)
        rc = -errno;
    saveimg_header_free(&h);
    return rc;
}

int saveimg_read(int fd, struct saveimg_header *h, char *err, size_t errlen)
{
    uint8_t fixed[FIXED_LEN], lenb[4], rec[REC_LEN];
    uint32_t optlen, clen, unknown;
    off_t start = lseek(fd, 0, SEEK_CUR); /* -1 on a pipe: offsets unused */
    size_t rest;
    int rc;

    memset(h, 0, sizeof(*h));
    rc = fs_read_all(fd, fixed, sizeof(fixed));
    if (rc == -EPIPE ||
        (!rc && memcmp(fixed, SAVEIMG_MAGIC, SAVEIMG_MAGIC_LEN)))
        return log_errbuf(err, errlen, -EINVAL,
                          "File has wrong magic number - corrupt or for "
                          "a different tool?");
    if (rc)
        return rc;
    if (get32(fixed + 32) != SAVEIMG_BYTEORDER)
        return log_errbuf(
            err, errlen, -EINVAL,
            "File has byte order 0x%08" PRIx32
            ", not 0x%08x: saved on a host of the other byte order",
            get32(fixed + 32), SAVEIMG_BYTEORDER);
    h->mflags = get32(fixed + 36);
    h->oflags = get32(fixed + 40);
    optlen = get32(fixed + 44);
    unknown = h->mflags & ~(uint32_t)SAVEIMG_MFLAG_ALL;
    if (unknown)
        return log_errbuf(err, errlen, -EINVAL,
                          "Savefile has mandatory flag(s) 0x%" PRIx32
                          " which are not supported; need newer xl",
                          unknown);
    if (!(h->mflags & SAVEIMG_MFLAG_JSON))
        return log_errbuf(err, errlen, -EINVAL,
                          "Savefile has an xl-format (not JSON) config, "
                          "which pvstack does not read");
    if (optlen < 4 || optlen > SAVEIMG_CONFIG_MAX + 4 + REC_LEN)
        return log_errbuf(
            err, errlen, -EINVAL,
            "Savefile has optional data of %" PRIu32 " bytes: corrupt", optlen);
    rc = fs_read_all(fd, lenb, 4);
    clen = rc ? 0 : get32(lenb);
    if (!rc && clen > optlen - 4)
        return log_errbuf(err, errlen, -EINVAL,
                          "Savefile config of %" PRIu32
                          " bytes overruns its optional data: corrupt",
                          clen);
    if (!rc && clen == 0)
        return log_errbuf(err, errlen, -EINVAL,
                          "Savefile has no domain config");
    if (!rc) {
        h->config = malloc((size_t)clen + 1);
        if (!h->config)
            return -ENOMEM;
        rc = fs_read_all(fd, h->config, clen);
        h->config[clen] = '\0';
        h->config_len = clen;
    }
    rest = optlen - 4 - (rc ? 0 : clen);
    if (!rc && rest >= REC_LEN) {
        rc = fs_read_all(fd, rec, REC_LEN);
        rest -= REC_LEN;
        if (!rc && get32(rec) == REC_TAG && get32(rec + 4) == REC_VERSION) {
            h->has_record = 1;
            memcpy(&h->stream_len, rec + 8, 8);
            h->stream_crc = get32(rec + 16);
        }
    }
    /* The tail of the optional data we do not understand: skipped. */
    while (!rc && rest) {
        size_t n = rest < REC_LEN ? rest : REC_LEN;

        rc = fs_read_all(fd, rec, n);
        rest -= n;
    }
    if (rc == -EPIPE) {
        saveimg_header_free(h);
        return log_errbuf(err, errlen, -EINVAL,
                          "Savefile is truncated in its header");
    }
    if (rc) {
        saveimg_header_free(h);
        return rc;
    }
    if (start >= 0) {
        h->stream_off = start + (off_t)FIXED_LEN + (off_t)optlen;
        h->record_off = start + (off_t)FIXED_LEN + 4 + (off_t)clen;
    }
    return 0;
}

int saveimg_verify(int fd, const struct saveimg_header *h, char *err,
                   size_t errlen)
{
    uint64_t len;
    uint32_t crc;
    int rc;

    if (!h->has_record || h->stream_len == SAVEIMG_LEN_UNKNOWN)
        return log_errbuf(err, errlen, -EINVAL,
                          "Savefile was not completed (the save did "
                          "not finish): refused");
    rc = crc_from(fd, h->stream_off, &len, &crc);
    if (rc)
        return rc;
    if (len < h->stream_len)
        return log_errbuf(err, errlen, -EINVAL,
                          "Savefile is truncated: %" PRIu64 " of %" PRIu64
                          " stream bytes",
                          len, h->stream_len);
    if (len > h->stream_len || crc != h->stream_crc)
        return log_errbuf(err, errlen, -EINVAL,
                          "Savefile is corrupt: its stream's checksum "
                          "does not match");
    if (lseek(fd, h->stream_off, SEEK_SET) < 0)
        return -errno;
    return 0;
}

int saveimg_open(const char *path, struct saveimg_header *h, char *err,
                 size_t errlen)
{
    char why[300] = "";
    int fd = open(path, O_RDONLY | O_CLOEXEC), rc;

    memset(h, 0, sizeof(*h));
    if (fd < 0) {
        rc = -errno;
        snprintf(err, errlen, "cannot open %s: %s", path, strerror(-rc));
        return rc;
    }
    rc = saveimg_read(fd, h, why, sizeof(why));
    if (!rc)
        rc = saveimg_verify(fd, h, why, sizeof(why));
    if (!rc)
        return fd;
    snprintf(err, errlen, "%s: %s", path, why[0] ? why : strerror(-rc));
    saveimg_header_free(h);
    close(fd);
    return rc;
}

void saveimg_header_free(struct saveimg_header *h)
{
    free(h->config);
    h->config = NULL;
}
