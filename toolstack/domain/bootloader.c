/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * bootloader.c: bootloader = "pygrub" (see bootloader.h). The program runs
 * on a guest's disk, so it is bounded (a time limit, a size limit on its
 * answer) and what it answers is checked before any file it names is used.
 * Its answer goes to a plain file, not to libxl's FIFO: nothing here shows
 * its menu on a console, and a bootloader that dies before opening a FIFO
 * would leave us waiting on it. Of what it prints we keep the last line.
 */
#include "domain/bootloader.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/log.h"
#include "lib/paths.h"
#include "lib/spawn.h"

#define ANSWER_MAX 65536
#define BOOTLOADER_TIMEOUT_S 120
#define WHY_MAX 300

/* A file pygrub made: a plain name directly inside dir. */
static int inside(const char *path, const char *dir)
{
    size_t n = strlen(dir);
    const char *base = path + n + 1;

    return !strncmp(path, dir, n) && path[n] == '/' && *base &&
           !strchr(base, '/') && strcmp(base, ".") && strcmp(base, "..");
}

static void answer_free(struct boot_answer *a)
{
    free(a->kernel);
    free(a->ramdisk);
    free(a->args);
    a->kernel = a->ramdisk = a->args = NULL;
}

int bootloader_parse(const char *buf, size_t len, const char *dir,
                     struct boot_answer *a, char *err, size_t errlen)
{
    size_t i = 0;

    a->kernel = a->ramdisk = a->args = NULL;
    while (i < len) {
        size_t n = 0;
        const char *l = buf + i;
        char **slot = NULL;
        const char *v = NULL;

        while (i + n < len && l[n] != '\0' && l[n] != '\n')
            n++;
        i += n + 1;
        if (n >= 7 && !strncmp(l, "kernel ", 7))
            slot = &a->kernel, v = l + 7;
        else if (n >= 8 && !strncmp(l, "ramdisk ", 8))
            slot = &a->ramdisk, v = l + 8;
        else if (n >= 5 && !strncmp(l, "args ", 5))
            slot = &a->args, v = l + 5;
        if (!slot)
            continue; /* libxl skips what it does not know too */
        free(*slot);
        *slot = strndup(v, n - (size_t)(v - l));
        if (!*slot) {
            answer_free(a);
            return log_errbuf(err, errlen, -ENOMEM, "out of memory");
        }
    }
    if (!a->kernel || !*a->kernel) {
        answer_free(a);
        return log_errbuf(err, errlen, -EINVAL,
                          "the bootloader named no kernel");
    }
    if (!inside(a->kernel, dir) || (a->ramdisk && !inside(a->ramdisk, dir))) {
        log_errbuf(err, errlen, -EINVAL,
                   "the bootloader named %s, outside its directory %s",
                   inside(a->kernel, dir) ? a->ramdisk : a->kernel, dir);
        answer_free(a);
        return -EINVAL;
    }
    return 0;
}

/* The last non-empty line the bootloader printed: its error. */
static void last_line(void *arg, const char *line, size_t len)
{
    char *why = arg;

    while (len && (line[len - 1] == '\n' || line[len - 1] == ' '))
        len--;
    if (len)
        snprintf(why, WHY_MAX, "%.*s", (int)len, line);
}

/* Xen keeps pygrub out of PATH (libxl looks in its private bin dir). */
static const char *const bootloader_dirs[] = {
    "/usr/lib/xen-4.17/bin", "/usr/lib/xen/bin", "/usr/libexec/xen/bin", NULL};

static int read_answer(const char *path, char *buf, size_t *len)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    ssize_t n;

    if (fd < 0)
        return -errno;
    n = read(fd, buf, ANSWER_MAX);
    close(fd);
    if (n < 0)
        return -errno;
    *len = (size_t)n;
    return n == ANSWER_MAX ? -EFBIG : 0;
}

/* The argv libxl's make_bootloader_args() builds, with -q. */
static int make_argv(const struct domain_config *cfg, const char *disk,
                     const char *out, const char *dir, char **argv, size_t max)
{
    size_t n = 0, i;

#define ARG(s)                                                                 \
    do {                                                                       \
        if (n + 1 >= max || !(argv[n++] = (s)))                                \
            return -ENOMEM;                                                    \
    } while (0)
#define ARGF(...)                                                              \
    do {                                                                       \
        char *s_;                                                              \
        if (asprintf(&s_, __VA_ARGS__) < 0)                                    \
            s_ = NULL;                                                         \
        ARG(s_);                                                               \
    } while (0)
    ARG(strdup(cfg->bootloader));
    ARG(strdup("-q"));
    if (cfg->kernel && *cfg->kernel)
        ARGF("--kernel=%s", cfg->kernel);
    if (cfg->ramdisk && *cfg->ramdisk)
        ARGF("--ramdisk=%s", cfg->ramdisk);
    if (cfg->cmdline && *cfg->cmdline)
        ARGF("--args=%s", cfg->cmdline);
    ARGF("--output=%s", out);
    ARG(strdup("--output-format=simple0"));
    ARGF("--output-directory=%s", dir);
    for (i = 0; i < cfg->bootloader_args.n; i++)
        ARG(strdup(cfg->bootloader_args.v[i]));
    ARG(strdup(disk));
#undef ARGF
#undef ARG
    argv[n] = NULL;
    return 0;
}

/* The disk libxl hands the bootloader: the first one with a target. */
static const char *boot_disk(const struct domain_config *cfg)
{
    size_t i;

    for (i = 0; i < cfg->nr_disks; i++)
        if (cfg->disks[i].pdev_path && *cfg->disks[i].pdev_path &&
            !cfg->disks[i].is_cdrom)
            return cfg->disks[i].pdev_path;
    return NULL;
}

int bootloader_run(const struct domain_config *cfg, struct boot_answer *a,
                   char *err, size_t errlen)
{
    char out[300], why[WHY_MAX] = "", *argv[64] = {0}, *buf = NULL;
    struct spawn_out to = {
        .to = SPAWN_LINES, .line_fn = last_line, .line_arg = why};
    /* a bootloader reads a guest's disk: it must not hang us forever */
    struct spawn_opts o = {.out = to,
                           .err = to,
                           .timeout_ms = BOOTLOADER_TIMEOUT_S * 1000,
                           .exec_dirs = bootloader_dirs};
    const char *disk = boot_disk(cfg);
    size_t len = 0, i;
    int rc;

    memset(a, 0, sizeof(*a));
    if (!disk)
        return log_errbuf(err, errlen, -EINVAL,
                          "bootloader = \"%s\" needs a disk to boot from",
                          cfg->bootloader);
    if (paths_mkdir("/run/xen", 0755) ||
        paths_get(a->dir, sizeof(a->dir), "/run/xen/bootloader.XXXXXX") ||
        !mkdtemp(a->dir)) {
        rc = errno ? -errno : -ENAMETOOLONG;
        a->dir[0] = '\0';
        return log_errbuf(err, errlen, rc, "bootloader directory: %s",
                          strerror(-rc));
    }
    snprintf(out, sizeof(out), "%s/answer", a->dir);
    rc = open(out, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (rc >= 0)
        close(rc);
    rc = make_argv(cfg, disk, out, a->dir, argv, 64);
    if (rc < 0)
        log_errbuf(err, errlen, rc, "out of memory");
    else if ((rc = spawn_run(NULL, argv, &o, err, errlen)) > 0) {
        log_errbuf(err, errlen, -EINVAL, "%s failed (exit %d)%s%s",
                   cfg->bootloader, rc, why[0] ? ": " : "", why);
        rc = -EINVAL;
    } else if (rc == 0 && !(buf = malloc(ANSWER_MAX))) {
        rc = log_errbuf(err, errlen, -ENOMEM, "out of memory");
    } else if (rc == 0 && (rc = read_answer(out, buf, &len)) < 0) {
        log_errbuf(err, errlen, rc, "%s: answer: %s", cfg->bootloader,
                   strerror(-rc));
    } else if (rc == 0) {
        rc = bootloader_parse(buf, len, a->dir, a, err, errlen);
    }
    for (i = 0; argv[i]; i++)
        free(argv[i]);
    free(buf);
    if (rc < 0)
        bootloader_done(a);
    return rc;
}

void bootloader_done(struct boot_answer *a)
{
    struct dirent *e;
    DIR *d;

    answer_free(a);
    if (!a->dir[0])
        return;
    /* everything in it is ours or the bootloader's: answer, kernel, ramdisk */
    d = opendir(a->dir);
    while (d && (e = readdir(d)))
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
            unlinkat(dirfd(d), e->d_name, 0);
    if (d)
        closedir(d);
    rmdir(a->dir);
    a->dir[0] = '\0';
}
