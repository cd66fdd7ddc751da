/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * saveimg.h: the framing of a saved domain, xl's exactly (tools/xl/xl.h,
 * xl_saverestore.c): 32 bytes of magic "Xen saved domain, xl format\n \0 \r",
 * then four uint32s in the saver's byte order (byte-order marker
 * 0x01020304, mandatory flags, optional flags, optional data length), then
 * the optional data (uint32 config length, the config: libxl JSON as xl
 * writes with XL_MANDATORY_FLAG_JSON) and then the domain's stream.
 *
 * pvstack appends one record to the optional data (xl skips a tail it does
 * not understand): the stream's length and CRC32, so a truncated or
 * corrupt image is refused before anything is created. Streams xl cannot
 * read (QEMU's migration stream, xz) carry mandatory flags of their own,
 * so a real xl refuses them too instead of misreading them.
 */
#ifndef XT_DOMAIN_SAVEIMG_H
#define XT_DOMAIN_SAVEIMG_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define SAVEIMG_MAGIC "Xen saved domain, xl format\n \0 \r"
#define SAVEIMG_MAGIC_LEN 32
#define SAVEIMG_BYTEORDER 0x01020304u

/* xl's mandatory flags. */
#define SAVEIMG_MFLAG_JSON (1u << 0)     /* config is libxl JSON */
#define SAVEIMG_MFLAG_STREAMV2 (1u << 1) /* libxc migration stream v2 */
/* pvstack's: the stream is QEMU's migration stream (an HVM domain on
 * QEMU), and the stream is xz-compressed (xm save -z). */
#define SAVEIMG_MFLAG_QEMU (1u << 16)
#define SAVEIMG_MFLAG_XZ (1u << 17)
#define SAVEIMG_MFLAG_ALL                                                      \
    (SAVEIMG_MFLAG_JSON | SAVEIMG_MFLAG_STREAMV2 | SAVEIMG_MFLAG_QEMU |        \
     SAVEIMG_MFLAG_XZ)

/* A config is a few KiB; anything past this is refused as corrupt. */
#define SAVEIMG_CONFIG_MAX (1u << 20)
/* stream_len when the stream's end is not known (a migration pipe). */
#define SAVEIMG_LEN_UNKNOWN UINT64_MAX

struct saveimg_header {
    uint32_t mflags, oflags;
    char *config; /* NUL-terminated, malloc'd (saveimg_read) */
    size_t config_len;
    /* From pvstack's record; has_record = 0 for an image xl wrote. */
    int has_record;
    uint64_t stream_len;
    uint32_t stream_crc;
    off_t record_off; /* where the record sits in the file */
    off_t stream_off; /* where the stream starts */
};

/*
 * Write the header for config (its length config_len) with mflags, and a
 * record saying the stream is of unknown length; the stream follows at
 * *stream_off. Returns 0 or -errno.
 */
int saveimg_write(int fd, uint32_t mflags, const char *config,
                  size_t config_len, off_t *stream_off);

/*
 * After the stream was written to the regular file fd (whose header
 * saveimg_write wrote at offset 0): record the stream's length and CRC32
 * (read back from the file), and fsync. Returns 0 or -errno.
 */
int saveimg_finish(int fd);

/*
 * Read and check the header from fd, leaving fd at the stream. Wrong magic,
 * another byte order, unknown mandatory flags, a config that is missing,
 * oversized or cut short are refused with one line in err (-EINVAL). The
 * caller frees with saveimg_header_free. Returns 0 or -errno.
 */
int saveimg_read(int fd, struct saveimg_header *h, char *err, size_t errlen);

/*
 * For a regular file: the stream after the header is as long as the record
 * says and its CRC32 matches. Returns 0, or -EINVAL with "truncated" or
 * "corrupt" in err. Leaves the file offset at the stream.
 */
int saveimg_verify(int fd, const struct saveimg_header *h, char *err,
                   size_t errlen);

/*
 * Open the image at path, read its header and verify the whole stream
 * (saveimg_read, saveimg_verify): the fd (O_CLOEXEC, the caller closes it)
 * at the stream, with h to free with saveimg_header_free; or -errno with
 * one line in err ("cannot open <path>: <why>", "<path>: <what is wrong>")
 * and nothing to free.
 */
int saveimg_open(const char *path, struct saveimg_header *h, char *err,
                 size_t errlen);

void saveimg_header_free(struct saveimg_header *h);

#endif
