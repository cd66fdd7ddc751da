/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * results.c: append a figure to bench/results.json. The file is always a
 * JSON array written only here, so appending is: drop the closing "]" and
 * write ",\n{...}\n]\n". A lock keeps benches run in parallel apart.
 */
#include "results.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

/* Names are ours (no quotes or backslashes), but keep the JSON valid. */
static void json_str(char *out, size_t size, const char *s)
{
    size_t o = 0;

    for (; *s && o + 2 < size; s++)
        out[o++] =
            (*s == '"' || *s == '\\' || (unsigned char)*s < ' ') ? '_' : *s;
    out[o] = '\0';
}

int bench_result(const char *bench, const char *name, double value,
                 double baseline, const char *unit)
{
    const char *path = getenv("BENCH_RESULTS");
    char b[128], n[256], u[32], line[768];
    struct stat st;
    int fd, len, rc = 0;
    off_t at;

    if (!path)
        path = "bench/results.json";
    json_str(b, sizeof(b), bench);
    json_str(n, sizeof(n), name);
    json_str(u, sizeof(u), unit);
    fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0)
        return -errno;
    if (flock(fd, LOCK_EX) || fstat(fd, &st)) {
        rc = -errno;
        goto out;
    }
    /* an empty file starts the array; else overwrite its "]\n" */
    at = st.st_size >= 3 ? st.st_size - 2 : 0;
    len =
        snprintf(line, sizeof(line),
                 "%s{\"bench\": \"%s\", \"name\": \"%s\", \"value\": %.6g, "
                 "\"baseline\": %.6g, \"ratio\": %.4f, \"unit\": \"%s\"}\n]\n",
                 at ? ",\n" : "[\n", b, n, value, baseline,
                 baseline > 0 ? value / baseline : 0.0, u);
    if (len < 0 || (size_t)len >= sizeof(line)) {
        rc = -E2BIG;
        goto out;
    }
    if (pwrite(fd, line, (size_t)len, at) != len)
        rc = -EIO;
out:
    close(fd);
    return rc;
}
