/* SPDX-License-Identifier: GPL-2.0-only */
/* cfg_stub.c: placeholder bodies for cfg.h until the parser lands. */
#include "cfg/cfg.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

int cfg_parse_file(const char *path, char *const *extra_kv,
                   struct domain_config **cfg_out, FILE *err)
{
    return -ENOSYS;
}

int cfg_parse_buf(const char *buf, size_t len, const char *fname,
                  char *const *extra_kv, struct domain_config **cfg_out,
                  FILE *err)
{
    return -ENOSYS;
}

void domain_config_free(struct domain_config *cfg)
{
    free(cfg);
}
