/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * conf.h: the key/value store behind xen-create-image's settings. The
 * xen-tools.conf file, a --config file and the command line all write into
 * one store; the last write of a key wins, as in xen-tools.
 */
#ifndef XT_XCI_CONF_H
#define XT_XCI_CONF_H

#include <stddef.h>
#include <stdio.h>

struct xci_kv {
    char *key;
    char *val;
};

/* Embed and zero-initialise; xci_conf_fini() frees what it holds. */
struct xci_conf {
    struct xci_kv *v;
    size_t n, cap;
};

/*
 * Expand a `command` found in a config value: run cmd and return its
 * stdout (trailing newlines dropped) in a malloc'd string via *out.
 * Returns 0 or -errno.
 */
typedef int (*xci_expand_fn)(const char *cmd, char **out);

/* Keys are normalised: '_' becomes '-' ("genpass_len" == "genpass-len"). */
int xci_conf_set(struct xci_conf *c, const char *key, const char *val);
/* Append " val" to the key's value (or set it): repeatable options (--ip). */
int xci_conf_append(struct xci_conf *c, const char *key, const char *val);
/* The value or NULL; borrowed until the key is set again or fini. */
const char *xci_conf_get(const struct xci_conf *c, const char *key);
/* True for "1", "yes", "true", "on" (case-insensitive). */
int xci_conf_bool(const struct xci_conf *c, const char *key);
/* Copy every key of src into c (src wins). */
int xci_conf_merge(struct xci_conf *c, const struct xci_conf *src);
void xci_conf_fini(struct xci_conf *c);

/*
 * Parse xen-tools.conf text: "key = value", '#' starts a comment, blank
 * lines ignored, `cmd` in a value is replaced by expand's output (an error
 * if expand is NULL). Errors go to report as "file:line: what".
 * Returns 0, -EINVAL (syntax) or -errno.
 */
int xci_conf_parse(struct xci_conf *c, const char *text, const char *fname,
                   xci_expand_fn expand, FILE *report);
/* Read and parse a file. -ENOENT if it does not exist. */
int xci_conf_load(struct xci_conf *c, const char *path, xci_expand_fn expand,
                  FILE *report);

#endif
