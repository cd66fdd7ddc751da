/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * fake_xs.c: in-memory libxenstore for unit tests (see fake_xs.h). Only
 * the calls the backends and toolstack/device use. Transactions apply at
 * once; fake_xs_fail_tx() makes their end report EAGAIN to test retries.
 */
#include "fake_xs.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAXN 4096
#define MAXW 256
#define MAXE 4096

struct node {
    char *path, *val;
    char perms[128];
};
struct watch {
    char *path, *token;
};
struct event {
    char *path, *token;
};

static struct node nodes[MAXN];
static size_t nnodes;
static struct watch watches[MAXW];
static size_t nwatches;
static struct event events[MAXE];
static size_t ehead, etail;
static int fail_tx;
static void (*write_hook)(const char *path, const char *val);
static int dummy_handle;

static int is_under(const char *p, const char *dir)
{
    size_t l = strlen(dir);

    if (!strcmp(dir, "/"))
        return 1;
    return !strncmp(p, dir, l) && (p[l] == '\0' || p[l] == '/');
}

static void queue(const char *path, const char *token)
{
    if (etail - ehead >= MAXE)
        abort();
    events[etail % MAXE].path = strdup(path);
    events[etail % MAXE].token = strdup(token);
    etail++;
}

static void fire(const char *path)
{
    size_t i;

    for (i = 0; i < nwatches; i++)
        if (is_under(path, watches[i].path) || is_under(watches[i].path, path))
            queue(is_under(path, watches[i].path) ? path : watches[i].path,
                  watches[i].token);
}

static struct node *find(const char *path)
{
    size_t i;

    for (i = 0; i < nnodes; i++)
        if (!strcmp(nodes[i].path, path))
            return &nodes[i];
    return NULL;
}

static struct node *create(const char *path)
{
    char buf[4096];
    struct node *n = find(path), *parent;
    char *s;

    if (n)
        return n;
    snprintf(buf, sizeof(buf), "%s", path);
    s = strrchr(buf, '/');
    parent = NULL;
    if (s && s != buf) {
        *s = '\0';
        parent = create(buf);
    }
    if (nnodes >= MAXN)
        abort();
    n = &nodes[nnodes++];
    n->path = strdup(path);
    n->val = strdup("");
    /* xenstored: a new node inherits its parent's permissions. */
    snprintf(n->perms, sizeof(n->perms), "%s", parent ? parent->perms : "n0");
    return n;
}

void fake_xs_reset(void)
{
    size_t i;

    for (i = 0; i < nnodes; i++) {
        free(nodes[i].path);
        free(nodes[i].val);
    }
    nnodes = 0;
    for (i = 0; i < nwatches; i++) {
        free(watches[i].path);
        free(watches[i].token);
    }
    nwatches = 0;
    for (; ehead < etail; ehead++) {
        free(events[ehead % MAXE].path);
        free(events[ehead % MAXE].token);
    }
    ehead = etail = 0;
    fail_tx = 0;
    write_hook = NULL;
}

const char *fake_xs_get(const char *path)
{
    struct node *n = find(path);

    return n ? n->val : NULL;
}

void fake_xs_on_write(void (*fn)(const char *path, const char *val))
{
    write_hook = fn;
}

void fake_xs_set(const char *path, const char *val)
{
    struct node *n = create(path);

    free(n->val);
    n->val = strdup(val);
    fire(path);
    if (write_hook)
        write_hook(path, val);
}

void fake_xs_rm(const char *path)
{
    size_t i = 0;

    while (i < nnodes) {
        if (is_under(nodes[i].path, path)) {
            free(nodes[i].path);
            free(nodes[i].val);
            nodes[i] = nodes[--nnodes];
        } else {
            i++;
        }
    }
    fire(path);
}

const char *fake_xs_perms(const char *path)
{
    struct node *n = find(path);

    return n ? n->perms : NULL;
}

size_t fake_xs_count(void)
{
    return nnodes;
}

void fake_xs_fail_tx(int n)
{
    fail_tx = n;
}

int fake_xs_next_event(char *path, size_t plen, char *token, size_t tlen)
{
    struct event *e;

    if (ehead == etail)
        return 0;
    e = &events[ehead++ % MAXE];
    snprintf(path, plen, "%s", e->path);
    snprintf(token, tlen, "%s", e->token);
    free(e->path);
    free(e->token);
    return 1;
}

/* ---- the libxenstore API ---------------------------------------------- */

struct xs_handle *xs_open(unsigned long flags)
{
    (void)flags;
    return (struct xs_handle *)&dummy_handle;
}

void xs_close(struct xs_handle *h)
{
    (void)h;
}

void *xs_read(struct xs_handle *h, xs_transaction_t t, const char *path,
              unsigned int *len)
{
    struct node *n = find(path);
    char *v;

    (void)h;
    (void)t;
    if (!n) {
        errno = ENOENT;
        return NULL;
    }
    v = strdup(n->val);
    if (len)
        *len = (unsigned int)strlen(v);
    return v;
}

bool xs_write(struct xs_handle *h, xs_transaction_t t, const char *path,
              const void *data, unsigned int len)
{
    char *v = malloc(len + 1);

    (void)h;
    (void)t;
    memcpy(v, data, len);
    v[len] = '\0';
    fake_xs_set(path, v);
    free(v);
    return true;
}

bool xs_mkdir(struct xs_handle *h, xs_transaction_t t, const char *path)
{
    (void)h;
    (void)t;
    if (!find(path)) {
        create(path);
        fire(path);
    }
    return true;
}

bool xs_rm(struct xs_handle *h, xs_transaction_t t, const char *path)
{
    (void)h;
    (void)t;
    if (!find(path)) {
        errno = ENOENT;
        return false;
    }
    fake_xs_rm(path);
    return true;
}

char **xs_directory(struct xs_handle *h, xs_transaction_t t, const char *path,
                    unsigned int *num)
{
    size_t i, l = strlen(path), n = 0, sz = 0;
    char **out, *s;

    (void)h;
    (void)t;
    if (!find(path)) {
        errno = ENOENT;
        return NULL;
    }
    for (i = 0; i < nnodes; i++) {
        const char *p = nodes[i].path;
        if (!strncmp(p, path, l) && p[l] == '/' && !strchr(p + l + 1, '/')) {
            n++;
            sz += strlen(p + l + 1) + 1;
        }
    }
    out = malloc((n + 1) * sizeof(char *) + sz);
    s = (char *)(out + n + 1);
    n = 0;
    for (i = 0; i < nnodes; i++) {
        const char *p = nodes[i].path;
        if (!strncmp(p, path, l) && p[l] == '/' && !strchr(p + l + 1, '/')) {
            strcpy(s, p + l + 1);
            out[n++] = s;
            s += strlen(s) + 1;
        }
    }
    *num = (unsigned int)n;
    return out;
}

bool xs_set_permissions(struct xs_handle *h, xs_transaction_t t,
                        const char *path, struct xs_permissions *perms,
                        unsigned int num_perms)
{
    struct node *n = find(path);
    size_t off = 0;
    unsigned int i;

    (void)h;
    (void)t;
    if (!n) {
        errno = ENOENT;
        return false;
    }
    n->perms[0] = '\0';
    for (i = 0; i < num_perms; i++) {
        char c = 'n';
        if ((perms[i].perms & XS_PERM_READ) && (perms[i].perms & XS_PERM_WRITE))
            c = 'b';
        else if (perms[i].perms & XS_PERM_READ)
            c = 'r';
        else if (perms[i].perms & XS_PERM_WRITE)
            c = 'w';
        off += (size_t)snprintf(n->perms + off, sizeof(n->perms) - off,
                                "%s%c%u", i ? "," : "", c, perms[i].id);
    }
    fire(path);
    return true;
}

bool xs_watch(struct xs_handle *h, const char *path, const char *token)
{
    (void)h;
    if (nwatches >= MAXW)
        abort();
    watches[nwatches].path = strdup(path);
    watches[nwatches].token = strdup(token);
    nwatches++;
    /* A new watch fires once at once, as xenstored does. */
    queue(path, token);
    return true;
}

bool xs_unwatch(struct xs_handle *h, const char *path, const char *token)
{
    size_t i;

    (void)h;
    for (i = 0; i < nwatches; i++) {
        if (!strcmp(watches[i].path, path) &&
            !strcmp(watches[i].token, token)) {
            free(watches[i].path);
            free(watches[i].token);
            watches[i] = watches[--nwatches];
            return true;
        }
    }
    errno = ENOENT;
    return false;
}

char **xs_read_watch(struct xs_handle *h, unsigned int *num)
{
    char path[4096], token[256], **v;

    (void)h;
    if (!fake_xs_next_event(path, sizeof(path), token, sizeof(token))) {
        errno = EAGAIN;
        return NULL;
    }
    v = malloc(2 * sizeof(char *) + strlen(path) + strlen(token) + 2);
    v[0] = (char *)(v + 2);
    strcpy(v[0], path);
    v[1] = v[0] + strlen(path) + 1;
    strcpy(v[1], token);
    *num = 2;
    return v;
}

char **xs_check_watch(struct xs_handle *h)
{
    unsigned int n;

    return xs_read_watch(h, &n);
}

int xs_fileno(struct xs_handle *h)
{
    (void)h;
    return -1;
}

xs_transaction_t xs_transaction_start(struct xs_handle *h)
{
    (void)h;
    return 1;
}

bool xs_transaction_end(struct xs_handle *h, xs_transaction_t t, bool abort_)
{
    (void)h;
    (void)t;
    if (!abort_ && fail_tx > 0) {
        fail_tx--;
        errno = EAGAIN;
        return false;
    }
    return true;
}
