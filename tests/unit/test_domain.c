/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * test_domain.c: the domain library's store entries and kept config on
 * fake_xs.c: a name is reserved inside the transaction that writes the
 * domain (a concurrent winner makes the retry fail with -EEXIST), rename
 * checks and moves the name the same way, the UUID reads back, and the
 * kept config is written, read and removed under PVSTACK_ROOT.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include "unit.h"

#include "cfg/cfg.h"
#include "domain/internal.h"
#include "fake_xs.h"

static const uint8_t uuid5[16] = {0x6d, 0x3a, 0x2b, 0x0c, 0x8f, 0x4e,
                                  0x4c, 0x1a, 0x9b, 0x7d, 0x2e, 0x5f,
                                  0x0a, 0x1c, 0x3d, 0x4e};
static char root[64];

static int setup(void **state)
{
    (void)state;
    fake_xs_reset();
    fake_xs_on_write(NULL);
    return 0;
}

static struct domain_config *cfg_named(const char *name)
{
    struct domain_config *c = NULL;
    char text[128];

    snprintf(text, sizeof(text), "name='%s'\nmemory=64\nvcpus=2\n", name);
    assert_int_equal(
        cfg_parse_buf(text, strlen(text), "t.cfg", NULL, &c, stderr), 0);
    return c;
}

static void test_write_domain(void **state)
{
    struct domain_config *c = cfg_named("web");
    uint8_t back[16];
    uint32_t id = 0;

    (void)state;
    assert_int_equal(dstore_write_domain(NULL, c, 5, uuid5), 0);
    assert_string_equal(fake_xs_get("/local/domain/5/name"), "web");
    assert_string_equal(fake_xs_get("/local/domain/5/vm"),
                        "/vm/6d3a2b0c-8f4e-4c1a-9b7d-2e5f0a1c3d4e");
    assert_string_equal(fake_xs_get("/local/domain/5/memory/target"), "65536");
    assert_string_equal(fake_xs_get("/local/domain/5/cpu/1/availability"),
                        "online");
    assert_int_equal(dstore_uuid(NULL, 5, back), 0);
    assert_memory_equal(back, uuid5, 16);
    assert_int_equal(domain_find(NULL, "web", &id), 0);
    assert_int_equal(id, 5);
    /* the same name for another domid: refused, nothing written */
    assert_int_equal(dstore_write_domain(NULL, c, 6, uuid5), -EEXIST);
    assert_null(fake_xs_get("/local/domain/6/name"));
    assert_null(fake_xs_get("/local/domain/6/vm"));
    domain_config_free(c);
    c = cfg_named("Domain-0");
    assert_int_equal(dstore_write_domain(NULL, c, 7, uuid5), -EEXIST);
    domain_config_free(c);
}

/* A migration within one host: the copy shares the source's UUID, so the
 * source's destroy must leave /vm/<uuid> to it. */
static void test_remove_shared_vm(void **state)
{
    static const char vm[] = "/vm/6d3a2b0c-8f4e-4c1a-9b7d-2e5f0a1c3d4e/name";
    struct domain_config *a = cfg_named("web"), *b = cfg_named("web--incoming");

    (void)state;
    assert_int_equal(dstore_write_domain(NULL, a, 5, uuid5), 0);
    assert_int_equal(dstore_write_domain(NULL, b, 6, uuid5), 0);
    domain_store_remove(NULL, 5);
    assert_null(fake_xs_get("/local/domain/5/name"));
    assert_non_null(fake_xs_get(vm));
    domain_store_remove(NULL, 6);
    assert_null(fake_xs_get(vm));
    domain_config_free(a);
    domain_config_free(b);
}

/* Another create commits "dup" while ours is in flight. */
static void racer(const char *path, const char *val)
{
    (void)val;
    if (!strcmp(path, "/local/domain/5/name")) {
        fake_xs_on_write(NULL);
        fake_xs_set("/local/domain/9/name", "dup");
    }
}

static void test_name_race(void **state)
{
    struct domain_config *c = cfg_named("dup");

    (void)state;
    /* A conflict alone is retried and commits. */
    fake_xs_fail_tx(2);
    assert_int_equal(dstore_write_domain(NULL, c, 4, uuid5), 0);
    assert_string_equal(fake_xs_get("/local/domain/4/name"), "dup");
    fake_xs_reset();
    /* A conflict because the name was taken meanwhile: the retry sees it. */
    fake_xs_on_write(racer);
    fake_xs_fail_tx(1);
    assert_int_equal(dstore_write_domain(NULL, c, 5, uuid5), -EEXIST);
    domain_config_free(c);
}

static void test_rename(void **state)
{
    struct domain_config *a = cfg_named("a");

    (void)state;
    assert_int_equal(dstore_write_domain(NULL, a, 5, uuid5), 0);
    fake_xs_set("/local/domain/6/name", "b");
    fake_xs_set("/local/domain/6/vm", "/vm/x");
    assert_int_equal(dstore_rename(NULL, 5, "b"), -EEXIST);
    assert_string_equal(fake_xs_get("/local/domain/5/name"), "a");
    assert_int_equal(dstore_rename(NULL, 5, "Domain-0"), -EEXIST);
    assert_int_equal(dstore_rename(NULL, 5, "a"), 0); /* its own name */
    assert_int_equal(dstore_rename(NULL, 5, "c"), 0);
    assert_string_equal(fake_xs_get("/local/domain/5/name"), "c");
    assert_string_equal(
        fake_xs_get("/vm/6d3a2b0c-8f4e-4c1a-9b7d-2e5f0a1c3d4e/name"), "c");
    assert_int_equal(dstore_rename(NULL, 8, "d"), -ENOENT);
    domain_config_free(a);
}

static void test_userdata(void **state)
{
    struct domain_config *c = cfg_named("kept"), *back = NULL;
    char *json = NULL, path[256], err[64];

    (void)state;
    assert_int_equal(userdata_store(5, uuid5, c), 0);
    snprintf(path, sizeof(path),
             "%s/var/lib/xen/userdata-d.5.6d3a2b0c-8f4e-4c1a-9b7d-"
             "2e5f0a1c3d4e.libxl-json",
             root);
    assert_int_equal(access(path, R_OK), 0);
    assert_int_equal(userdata_read(5, uuid5, &json), 0);
    assert_int_equal(domain_config_from_json(json, &back, err, sizeof(err)), 0);
    assert_string_equal(back->name, "kept");
    assert_int_equal(back->memory_mb, 64);
    assert_int_equal(back->vcpus, 2);
    free(json);
    domain_config_free(back);
    userdata_remove(5);
    assert_int_equal(access(path, F_OK), -1);
    assert_int_equal(userdata_read(5, uuid5, &json), -ENOENT);
    domain_config_free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_write_domain, setup),
        cmocka_unit_test_setup(test_name_race, setup),
        cmocka_unit_test_setup(test_remove_shared_vm, setup),
        cmocka_unit_test_setup(test_rename, setup),
        cmocka_unit_test_setup(test_userdata, setup),
    };
    int rc;

    if (unit_mkdtemp(root, sizeof(root), "test_domain"))
        return 1;
    setenv("PVSTACK_ROOT", root, 1);
    rc = cmocka_run_group_tests(tests, NULL, NULL);
    if (unit_rm_rf(root))
        rc = rc ? rc : 1;
    return rc;
}
