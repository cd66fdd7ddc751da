/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * libxlsr.h: libxl's migration stream v2 (docs/specs/libxl-migration-
 * stream.pandoc), the stream an xl image carries after its header when the
 * STREAMv2 mandatory flag is set: a 16-byte header (ident "LibxlFmt",
 * version 2, options; big-endian), then records (type, length, body padded
 * to 8 bytes; the saver's byte order). A PV domain's stream is the header,
 * LIBXC_CONTEXT (the libxc stream follows it directly), then END.
 */
#ifndef XT_DOMAIN_LIBXLSR_H
#define XT_DOMAIN_LIBXLSR_H

#include <stddef.h>
#include <stdint.h>

#define LIBXLSR_IDENT 0x4c6962786c466d74ULL /* "LibxlFmt" */
#define LIBXLSR_VERSION 2u
#define LIBXLSR_OPT_BIG_ENDIAN (1u << 0)
#define LIBXLSR_OPT_LEGACY (1u << 1)

#define LIBXLSR_REC_END 0u
#define LIBXLSR_REC_LIBXC_CONTEXT 1u
#define LIBXLSR_REC_EMULATOR_XENSTORE_DATA 2u
#define LIBXLSR_REC_EMULATOR_CONTEXT 3u
#define LIBXLSR_REC_CHECKPOINT_END 4u
#define LIBXLSR_REC_CHECKPOINT_STATE 5u

/* The header and the LIBXC_CONTEXT record: the libxc stream comes next. */
int libxlsr_write_begin(int fd);
/* The END record, after the libxc stream. */
int libxlsr_write_end(int fd);

/*
 * Read the header and the records up to LIBXC_CONTEXT, leaving fd at the
 * libxc stream. A foreign, big-endian, legacy or other-version stream, an
 * emulator record (a PV domain has none) or a cut is refused: -EINVAL with
 * one line in err.
 */
int libxlsr_read_begin(int fd, char *err, size_t errlen);
/* Read the records after the libxc stream up to END; the same refusals. */
int libxlsr_read_end(int fd, char *err, size_t errlen);

#endif
