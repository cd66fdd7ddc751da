/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * test_bootloader.c: bootloader = "pygrub". The answer parser on pygrub's
 * simple0 and simple formats and on hostile answers; runs of a stand-in
 * pygrub (a shell script speaking its command line): the argv libxl builds,
 * the files it leaves and their removal, and its failures as one line.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* cmocka.h needs the headers above */
#include <cmocka.h>
#include "unit.h"

#include "domain/bootloader.h"

static void t_parse(void **state)
{
    static const char s0[] = "kernel /d/boot_kernel.x\0ramdisk "
                             "/d/boot_ramdisk.y\0args root=/dev/xvda1 ro\0\0";
    static const char s1[] = "kernel /d/k\nargs console=hvc0\n\n";
    struct boot_answer a;
    char err[200];

    (void)state;
    assert_int_equal(
        bootloader_parse(s0, sizeof(s0) - 1, "/d", &a, err, sizeof(err)), 0);
    assert_string_equal(a.kernel, "/d/boot_kernel.x");
    assert_string_equal(a.ramdisk, "/d/boot_ramdisk.y");
    assert_string_equal(a.args, "root=/dev/xvda1 ro");
    a.dir[0] = '\0';
    bootloader_done(&a);
    assert_null(a.kernel);
    /* the simple (newline) format, no ramdisk; unknown lines skipped */
    assert_int_equal(
        bootloader_parse(s1, sizeof(s1) - 1, "/d", &a, err, sizeof(err)), 0);
    assert_string_equal(a.kernel, "/d/k");
    assert_null(a.ramdisk);
    assert_string_equal(a.args, "console=hvc0");
    a.dir[0] = '\0';
    bootloader_done(&a);
}

static void expect_bad(const char *buf, size_t len, const char *what)
{
    struct boot_answer a;
    char err[200] = "";

    assert_int_equal(bootloader_parse(buf, len, "/d", &a, err, sizeof(err)),
                     -EINVAL);
    assert_non_null(strstr(err, what));
    assert_null(a.kernel);
    assert_null(a.ramdisk);
    assert_null(a.args);
}

/* What a bootloader fed a hostile disk might say: checked, not trusted. */
static void t_parse_bad(void **state)
{
    (void)state;
    expect_bad("", 0, "no kernel");
    expect_bad("args x\0", 7, "no kernel");
    expect_bad("kernel \0", 8, "no kernel");
    expect_bad("kernel /etc/shadow\0", 19, "outside");
    expect_bad("kernel /d/../etc/shadow\0", 24, "outside");
    expect_bad("kernel /d/k\0ramdisk /d/sub/r\0", 29, "outside");
    expect_bad("kernel /dx/k\0", 13, "outside");
    expect_bad("kernel /d/\0", 11, "outside");
    expect_bad("kernel /d/..\0", 13, "outside");
}

/* ---- runs ------------------------------------------------------------- */

struct fx {
    char root[64];
    char prog[96];
    char argv_log[96];
    struct domain_config cfg;
    struct disk_spec disk;
    char *bargs[2];
};

/*
 * A stand-in pygrub: logs its argv, then does what $MODE says: answer as
 * pygrub does (kernel and ramdisk copied into --output-directory), fail
 * with a Python-like traceback, or name a file of its own choosing.
 */
static const char script[] =
    "#!/bin/sh\n"
    "for a in \"$@\"; do echo \"$a\"; done > \"$ARGV_LOG\"\n"
    "for a in \"$@\"; do case $a in\n"
    "  --output=*) out=${a#--output=} ;;\n"
    "  --output-directory=*) dir=${a#--output-directory=} ;;\n"
    "esac; done\n"
    "case $MODE in\n"
    "fail) echo 'Traceback (most recent call last):' >&2\n"
    "      echo 'RuntimeError: Unable to find partition containing kernel' "
    ">&2\n"
    "      exit 1 ;;\n"
    "escape) printf 'kernel /etc/passwd\\0\\0' > \"$out\"; exit 0 ;;\n"
    "esac\n"
    "k=$(mktemp \"$dir/boot_kernel.XXXXXX\"); echo K > \"$k\"\n"
    "r=$(mktemp \"$dir/boot_ramdisk.XXXXXX\"); echo R > \"$r\"\n"
    "printf 'kernel %s\\0ramdisk %s\\0args %s\\0\\0' \"$k\" \"$r\" "
    "'root=/dev/xvda1 ro' > \"$out\"\n";

static int setup(void **state)
{
    struct fx *f = calloc(1, sizeof(*f));
    FILE *s;

    if (!f || unit_mkdtemp(f->root, sizeof(f->root), "test_bootloader"))
        return -1;
    snprintf(f->prog, sizeof(f->prog), "%s/pygrub", f->root);
    snprintf(f->argv_log, sizeof(f->argv_log), "%s/argv", f->root);
    s = fopen(f->prog, "w");
    if (!s)
        return -1;
    fputs(script, s);
    fclose(s);
    chmod(f->prog, 0755);
    setenv("PVSTACK_ROOT", f->root, 1);
    setenv("ARGV_LOG", f->argv_log, 1);
    f->disk.pdev_path = "/images/guest.img";
    f->cfg.name = "g";
    f->cfg.bootloader = f->prog;
    f->cfg.cmdline = "console=hvc0";
    f->cfg.disks = &f->disk;
    f->cfg.nr_disks = 1;
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fx *f = *state;

    assert_int_equal(unit_rm_rf(f->root), 0);
    unsetenv("PVSTACK_ROOT");
    unsetenv("MODE");
    free(f);
    return 0;
}

static char *slurp(const char *path)
{
    static char buf[4096];
    FILE *f = fopen(path, "r");
    size_t n;

    assert_non_null(f);
    n = fread(buf, 1, sizeof(buf) - 1, f);
    fclose(f);
    buf[n] = '\0';
    return buf;
}

static void t_run(void **state)
{
    struct fx *f = *state;
    struct boot_answer a;
    char err[300] = "", want[1024], dir[256];
    struct stat st;

    f->bargs[0] = "--entry=1";
    f->cfg.bootloader_args.v = f->bargs;
    f->cfg.bootloader_args.n = 1;
    assert_int_equal(bootloader_run(&f->cfg, &a, err, sizeof(err)), 0);
    assert_string_equal(slurp(a.kernel), "K\n");
    assert_string_equal(slurp(a.ramdisk), "R\n");
    assert_string_equal(a.args, "root=/dev/xvda1 ro");
    /* under the root's /run/xen, as libxl's /var/run/xen/bootloader.* */
    snprintf(want, sizeof(want), "%s/run/xen/bootloader.", f->root);
    assert_memory_equal(a.dir, want, strlen(want));
    /* libxl's argv (after argv[0]), with -q: no one is at a console */
    snprintf(want, sizeof(want),
             "-q\n--args=console=hvc0\n--output=%s/answer\n"
             "--output-format=simple0\n--output-directory=%s\n--entry=1\n"
             "/images/guest.img\n",
             a.dir, a.dir);
    assert_string_equal(slurp(f->argv_log), want);
    snprintf(dir, sizeof(dir), "%s", a.dir);
    bootloader_done(&a);
    assert_int_equal(stat(dir, &st), -1); /* kernel, ramdisk, dir: gone */
    assert_null(a.kernel);
}

static void t_run_fails(void **state)
{
    struct fx *f = *state;
    struct boot_answer a;
    char err[300] = "", path[128];

    setenv("MODE", "fail", 1);
    assert_int_equal(bootloader_run(&f->cfg, &a, err, sizeof(err)), -EINVAL);
    assert_non_null(strstr(err, "failed (exit 1): RuntimeError: Unable to "
                                "find partition containing kernel"));
    assert_null(strchr(err, '\n'));
    setenv("MODE", "escape", 1);
    assert_int_equal(bootloader_run(&f->cfg, &a, err, sizeof(err)), -EINVAL);
    assert_non_null(strstr(err, "/etc/passwd, outside its directory"));
    /* nothing left behind in /run/xen */
    snprintf(path, sizeof(path), "rmdir '%s/run/xen'", f->root);
    assert_int_equal(system(path), 0);
    /* a missing program and a missing disk */
    f->cfg.bootloader = "/nonexistent/pygrub";
    assert_int_equal(bootloader_run(&f->cfg, &a, err, sizeof(err)), -ENOENT);
    assert_non_null(strstr(err, "/nonexistent/pygrub: No such file"));
    f->cfg.nr_disks = 0;
    assert_int_equal(bootloader_run(&f->cfg, &a, err, sizeof(err)), -EINVAL);
    assert_non_null(strstr(err, "needs a disk"));
}

UNIT_MAIN(cmocka_unit_test(t_parse), cmocka_unit_test(t_parse_bad),
          unit_test_fx(t_run), unit_test_fx(t_run_fails))
