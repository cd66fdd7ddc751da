/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * test_kcache.c: vmm/kcache.c: a compressed kernel is unpacked once and
 * then read from the cache; a changed file gets a new entry (the old one
 * goes); an uncompressed file is not cached.
 */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include <cmocka.h>
#include "unit.h"

#include "vmm/kcache.h"

static char root[] = "/tmp/test_kcache.XXXXXX";
static char cdir[256], src[256];

static void write_gz(const char *path, const char *text)
{
    gzFile g = gzopen(path, "wb");

    assert_non_null(g);
    assert_int_equal(gzwrite(g, text, (unsigned)strlen(text)),
                     (int)strlen(text));
    assert_int_equal(gzclose(g), Z_OK);
}

/* The only entry's name in the cache directory ("" if none; fails on 2+). */
static void only_entry(char *name, size_t len)
{
    struct dirent *d;
    DIR *dp = opendir(cdir);
    int n = 0;

    name[0] = '\0';
    if (!dp)
        return;
    while ((d = readdir(dp)))
        if (d->d_name[0] != '.') {
            snprintf(name, len, "%s", d->d_name);
            n++;
        }
    closedir(dp);
    assert_true(n <= 1);
}

static void expect(const char *path, const char *text)
{
    char err[256] = "";
    void *buf = NULL;
    size_t len = 0;

    assert_int_equal(kcache_read_image(path, &buf, &len, err, sizeof(err)), 0);
    assert_int_equal(len, strlen(text));
    assert_memory_equal(buf, text, len);
    free(buf);
}

static void t_unpack_once(void **state)
{
    char name[256], file[600];
    FILE *f;

    (void)state;
    write_gz(src, "the kernel, version one");
    expect(src, "the kernel, version one");
    only_entry(name, sizeof(name));
    assert_true(name[0] != '\0');
    /* The second read takes the entry: change it behind the cache's back. */
    snprintf(file, sizeof(file), "%s/%s", cdir, name);
    f = fopen(file, "w");
    assert_non_null(f);
    fputs("from the cache", f);
    fclose(f);
    expect(src, "from the cache");
    /* A new version of the file: unpacked again, the old entry removed. */
    usleep(10000);
    write_gz(src, "the kernel, version two!");
    expect(src, "the kernel, version two!");
    only_entry(file, sizeof(file));
    assert_string_not_equal(file, name);
}

static void t_plain_not_cached(void **state)
{
    char plain[300], name[256];
    FILE *f;

    (void)state;
    unlink(src);
    only_entry(name, sizeof(name));
    if (name[0]) {
        char file[600];
        snprintf(file, sizeof(file), "%s/%s", cdir, name);
        unlink(file);
    }
    snprintf(plain, sizeof(plain), "%s/plain", root);
    f = fopen(plain, "w");
    assert_non_null(f);
    fputs("not compressed", f);
    fclose(f);
    expect(plain, "not compressed");
    only_entry(name, sizeof(name));
    assert_string_equal(name, "");
}

static void t_missing(void **state)
{
    char err[256] = "", path[300];
    void *buf = NULL;
    size_t len = 0;

    (void)state;
    snprintf(path, sizeof(path), "%s/nope", root);
    assert_true(kcache_read_image(path, &buf, &len, err, sizeof(err)) < 0);
    assert_non_null(strstr(err, "nope"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(t_unpack_once),
        cmocka_unit_test(t_plain_not_cached),
        cmocka_unit_test(t_missing),
    };
    int rc;

    if (!mkdtemp(root))
        return 1;
    setenv("PVSTACK_ROOT", root, 1);
    snprintf(cdir, sizeof(cdir), "%s/run/pvstack-kernels", root);
    snprintf(src, sizeof(src), "%s/k.gz", root);
    rc = cmocka_run_group_tests(tests, NULL, NULL);
    if (unit_rm_rf(root))
        return 1;
    return rc;
}
