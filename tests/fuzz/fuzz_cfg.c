/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * fuzz_cfg.c: libFuzzer harness for the cfg parser: arbitrary bytes as a
 * whole cfg file (then its JSON), and as one disk and one vif spec.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cfg/cfg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* a real sink, so that every message and warning path runs too */
    static FILE *sink;
    struct domain_config *cfg = NULL;
    struct disk_spec d;
    struct vif_spec v;
    char eb[256], *json = NULL, *s;

    if (!sink)
        sink = fopen("/dev/null", "we");
    if (cfg_parse_buf((const char *)data, size, "fuzz", NULL, &cfg, sink) ==
        0) {
        if (domain_config_to_json(cfg, &json) == 0)
            free(json);
        domain_config_free(cfg);
    }
    s = malloc(size + 1);
    if (!s)
        return 0;
    memcpy(s, data, size);
    s[size] = 0;
    if (disk_spec_parse(s, &d, eb, sizeof(eb)) == 0 &&
        disk_spec_to_json(&d, &json) == 0)
        free(json);
    disk_spec_fini(&d);
    if (vif_spec_parse(s, 0, &v, eb, sizeof(eb)) == 0 &&
        vif_spec_to_json(&v, &json) == 0)
        free(json);
    vif_spec_fini(&v);
    disk_vdev_to_devid(s);
    free(s);
    return 0;
}
