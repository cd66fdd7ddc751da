/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * libxlsr.c: libxl's migration stream v2 around a PV domain's libxc
 * stream (libxlsr.h), as libxl_stream_write.c / libxl_stream_read.c lay it
 * out, so xl and pvstack read each other's PV images.
 */
#include "domain/libxlsr.h"

#include <endian.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "lib/fs.h"

struct sr_hdr {
    uint64_t ident;
    uint32_t version;
    uint32_t options;
};

struct sr_rec {
    uint32_t type;
    uint32_t length;
};

static int write_rec(int fd, uint32_t type)
{
    /* Records are native-endian; ours carry no body. */
    struct sr_rec r = {.type = type, .length = 0};

    return fs_write_all(fd, &r, sizeof(r));
}

int libxlsr_write_begin(int fd)
{
    struct sr_hdr h = {
        .ident = htobe64(LIBXLSR_IDENT),
        .version = htobe32(LIBXLSR_VERSION),
        .options =
            htobe32(__BYTE_ORDER == __BIG_ENDIAN ? LIBXLSR_OPT_BIG_ENDIAN : 0),
    };
    int rc = fs_write_all(fd, &h, sizeof(h));

    return rc < 0 ? rc : write_rec(fd, LIBXLSR_REC_LIBXC_CONTEXT);
}

int libxlsr_write_end(int fd)
{
    return write_rec(fd, LIBXLSR_REC_END);
}

static int refuse(char *err, size_t errlen, const char *what)
{
    if (err && errlen)
        snprintf(err, errlen, "libxl stream: %s", what);
    return -EINVAL;
}

static const char *rec_name(uint32_t type)
{
    static const char *const n[] = {"END",
                                    "LIBXC_CONTEXT",
                                    "EMULATOR_XENSTORE_DATA",
                                    "EMULATOR_CONTEXT",
                                    "CHECKPOINT_END",
                                    "CHECKPOINT_STATE"};

    return type < sizeof(n) / sizeof(n[0]) ? n[type] : "unknown";
}

/* The next record's header; its body is never wanted for a PV domain. */
static int read_rec(int fd, uint32_t *type, char *err, size_t errlen)
{
    struct sr_rec r;
    char msg[96];
    int rc = fs_read_all(fd, &r, sizeof(r));

    if (rc == -EPIPE)
        return refuse(err, errlen, "truncated (no END record)");
    if (rc < 0)
        return rc;
    if ((r.type == LIBXLSR_REC_END || r.type == LIBXLSR_REC_LIBXC_CONTEXT) &&
        r.length == 0) {
        *type = r.type;
        return 0;
    }
    snprintf(msg, sizeof(msg), "unexpected record %#x (%s, %u bytes)", r.type,
             rec_name(r.type), r.length);
    return refuse(err, errlen, msg);
}

int libxlsr_read_begin(int fd, char *err, size_t errlen)
{
    struct sr_hdr h;
    uint32_t opt, type;
    int rc = fs_read_all(fd, &h, sizeof(h));

    if (rc == -EPIPE)
        return refuse(err, errlen, "truncated header");
    if (rc < 0)
        return rc;
    if (be64toh(h.ident) != LIBXLSR_IDENT)
        return refuse(err, errlen, "not a libxl stream (bad ident)");
    if (be32toh(h.version) != LIBXLSR_VERSION)
        return refuse(err, errlen, "unsupported version");
    opt = be32toh(h.options);
    if (!!(opt & LIBXLSR_OPT_BIG_ENDIAN) != (__BYTE_ORDER == __BIG_ENDIAN))
        return refuse(err, errlen, "written on a host of the other byte order");
    if (opt & LIBXLSR_OPT_LEGACY)
        return refuse(err, errlen, "converted from a legacy stream");
    rc = read_rec(fd, &type, err, errlen);
    if (rc < 0)
        return rc;
    if (type != LIBXLSR_REC_LIBXC_CONTEXT)
        return refuse(err, errlen,
                      "no domain in it (END before LIBXC_CONTEXT)");
    return 0;
}

int libxlsr_read_end(int fd, char *err, size_t errlen)
{
    uint32_t type;
    int rc = read_rec(fd, &type, err, errlen);

    if (rc < 0)
        return rc;
    if (type != LIBXLSR_REC_END)
        return refuse(err, errlen, "a second LIBXC_CONTEXT record");
    return 0;
}
