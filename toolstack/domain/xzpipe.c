/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xzpipe.c: xz through liblzma between file descriptors (xzpipe.h).
 */
#include "domain/xzpipe.h"

#include <errno.h>
#include <lzma.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lib/fs.h"

#define CHUNK (1u << 16)

static int init(lzma_stream *s, int compress)
{
    lzma_mt mt = {.flags = 0,
                  .block_size = 0,
                  .timeout = 0,
                  .preset = 1,
                  .filters = NULL,
                  .check = LZMA_CHECK_CRC32};
    uint32_t n = lzma_cputhreads();

    if (!compress)
        return lzma_stream_decoder(s, UINT64_MAX, 0) == LZMA_OK ? 0 : -ENOMEM;
    mt.threads = n ? n : 1;
    return lzma_stream_encoder_mt(s, &mt) == LZMA_OK ? 0 : -ENOMEM;
}

int xz_pump(int in, int out, int compress, char *err, size_t errlen)
{
    lzma_stream s = LZMA_STREAM_INIT;
    uint8_t *ibuf = malloc(CHUNK), *obuf = malloc(CHUNK);
    lzma_action act = LZMA_RUN;
    lzma_ret r = LZMA_OK;
    int rc = ibuf && obuf ? init(&s, compress) : -ENOMEM;

    s.next_out = obuf;
    s.avail_out = CHUNK;
    while (!rc) {
        if (s.avail_in == 0 && act == LZMA_RUN) {
            ssize_t n = read(in, ibuf, CHUNK);

            if (n < 0 && errno == EINTR)
                continue;
            if (n < 0) {
                rc = -errno;
                break;
            }
            s.next_in = ibuf;
            s.avail_in = (size_t)n;
            if (n == 0)
                act = LZMA_FINISH;
        }
        r = lzma_code(&s, act);
        if (s.avail_out == 0 || r == LZMA_STREAM_END) {
            rc = fs_write_all(out, obuf, CHUNK - s.avail_out);
            s.next_out = obuf;
            s.avail_out = CHUNK;
        }
        if (r == LZMA_STREAM_END)
            break;
        if (r != LZMA_OK && !rc) {
            rc = r == LZMA_MEM_ERROR ? -ENOMEM : -EINVAL;
            snprintf(err, errlen, "xz: %s",
                     r == LZMA_DATA_ERROR || r == LZMA_FORMAT_ERROR
                         ? "the compressed stream is corrupt"
                     : r == LZMA_BUF_ERROR
                         ? "the compressed stream is truncated"
                         : "liblzma failed");
        }
    }
    if (rc && rc != -EINVAL && rc != -ENOMEM)
        snprintf(err, errlen, "xz: %s", strerror(-rc));
    lzma_end(&s);
    free(ibuf);
    free(obuf);
    return rc;
}

pid_t xz_pump_spawn(int in, int out, int compress)
{
    pid_t pid = fork();

    if (pid < 0)
        return -errno;
    if (pid == 0) {
        char err[160] = "";
        int lo = in < out ? in : out, hi = in < out ? out : in;

        /*
         * Only in, out and stderr stay: an inherited copy of the pipe's
         * other end (O_CLOEXEC does nothing without exec) would keep the
         * child from ever seeing EOF.
         */
        if (lo > 3)
            close_range(3, (unsigned)lo - 1, 0);
        if (hi > lo + 1)
            close_range((unsigned)lo + 1, (unsigned)hi - 1, 0);
        close_range((unsigned)hi + 1, ~0u, 0);
        /* A reader that goes away is an error to report, not a signal. */
        signal(SIGPIPE, SIG_IGN);
        if (xz_pump(in, out, compress, err, sizeof(err))) {
            fprintf(stderr, "%s\n", err);
            _exit(1);
        }
        _exit(0);
    }
    return pid;
}

int xz_pump_wait(pid_t pid)
{
    int st;

    while (waitpid(pid, &st, 0) < 0)
        if (errno != EINTR)
            return -EIO;
    return WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : -EIO;
}
