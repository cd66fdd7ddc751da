/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * syntax.c: the xl.cfg grammar (libxlu_cfg_y.y rewritten by hand): KEY =
 * VALUE / KEY += VALUE statements and nested lists over lex.c's tokens, into
 * the untyped settings tree of internal.h. Stops at the first error.
 */
#include "cfg/cfg.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cfg/internal.h"
#include "lib/array.h"

/* Deep enough for any real cfg, shallow enough to never blow the stack. */
#define MAX_DEPTH 32

static int syntax_error(struct cfg_lexer *lx, const char *what)
{
    cfg_report(lx->raw, lx->tline, lx->tcol,
               "syntax error: expected %s, got %s", what, cfg_tok_desc(lx));
    return -EINVAL;
}

void cfg_value_free(struct cfg_value *v)
{
    size_t i;

    if (!v)
        return;
    free(v->s);
    for (i = 0; i < v->n; i++)
        cfg_value_free(v->items[i]);
    free(v->items);
    free(v);
}

static int list_append(struct cfg_value *l, struct cfg_value *item)
{
    if (array_reserve(&l->items, &l->cap, l->n + 1, sizeof(*l->items), 4))
        return -ENOMEM;
    l->items[l->n++] = item;
    return 0;
}

static int skip_nl(struct cfg_lexer *lx)
{
    int rc = 0;

    while (!rc && lx->t == CFG_T_NL)
        rc = cfg_lex_next(lx);
    return rc;
}

static int parse_value(struct cfg_lexer *lx, int depth, struct cfg_value **out);

/* '[' nlok [ value nlok { ',' nlok value nlok } [ ',' nlok ] ] ']' */
static int parse_list(struct cfg_lexer *lx, int depth, struct cfg_value *l)
{
    struct cfg_value *item;
    int rc;

    if (depth >= MAX_DEPTH) {
        cfg_report(lx->raw, lx->tline, lx->tcol, "lists nested too deeply");
        return -EINVAL;
    }
    rc = cfg_lex_next(lx);
    if (!rc)
        rc = skip_nl(lx);
    while (!rc && lx->t != CFG_T_RBR) {
        if (lx->t != CFG_T_STRING && lx->t != CFG_T_NUMBER &&
            lx->t != CFG_T_LBR)
            return syntax_error(lx, l->n ? "`]'" : "a value or `]'");
        rc = parse_value(lx, depth + 1, &item);
        if (rc)
            return rc;
        rc = list_append(l, item);
        if (rc) {
            cfg_value_free(item);
            return rc;
        }
        rc = skip_nl(lx);
        if (rc)
            return rc;
        if (lx->t == CFG_T_COMMA) {
            rc = cfg_lex_next(lx);
            if (!rc)
                rc = skip_nl(lx);
        } else if (lx->t != CFG_T_RBR) {
            return syntax_error(lx, "`,' or `]'");
        }
    }
    return rc ? rc : cfg_lex_next(lx);
}

/* value: STRING | NUMBER | list. On return lx holds the next token. */
static int parse_value(struct cfg_lexer *lx, int depth, struct cfg_value **out)
{
    struct cfg_value *v = calloc(1, sizeof(*v));
    int rc;

    if (!v)
        return -ENOMEM;
    v->line = lx->tline;
    v->col = lx->tcol;
    if (lx->t == CFG_T_STRING || lx->t == CFG_T_NUMBER) {
        v->type = CFG_STRING;
        v->quoted = lx->t == CFG_T_STRING;
        v->s = lx->text;
        lx->text = NULL;
        rc = cfg_lex_next(lx);
    } else if (lx->t == CFG_T_LBR) {
        v->type = CFG_LIST;
        rc = parse_list(lx, depth, v);
    } else {
        rc = syntax_error(lx, "a value (string, number or [list])");
    }
    if (rc) {
        cfg_value_free(v);
        return rc;
    }
    *out = v;
    return 0;
}

static struct cfg_setting *find_setting(struct cfg_raw *raw, const char *name)
{
    struct cfg_setting *s;

    for (s = raw->settings; s; s = s->next)
        if (!strcmp(s->name, name))
            return s;
    return NULL;
}

struct cfg_setting *cfg_raw_find(struct cfg_raw *raw, const char *name)
{
    struct cfg_setting *s = find_setting(raw, name);

    if (s)
        s->used = 1;
    return s;
}

static struct cfg_value *value_dup(const struct cfg_value *v)
{
    struct cfg_value *d = calloc(1, sizeof(*d));
    size_t i;

    if (!d)
        return NULL;
    d->type = v->type;
    d->line = v->line;
    d->col = v->col;
    d->quoted = v->quoted;
    if (v->s && !(d->s = strdup(v->s)))
        goto fail;
    for (i = 0; i < v->n; i++) {
        struct cfg_value *it = value_dup(v->items[i]);

        if (!it || list_append(d, it)) {
            cfg_value_free(it);
            goto fail;
        }
    }
    return d;
fail:
    cfg_value_free(d);
    return NULL;
}

/* KEY += VALUE: libxlu's xlu__cfg_concat_vals (strings join, lists append) */
static int concat(struct cfg_lexer *lx, const struct cfg_value *prev,
                  struct cfg_value *v)
{
    size_t i;
    char *s;

    if (prev->type != v->type) {
        cfg_report(lx->raw, v->line, v->col,
                   "can't add [list] to \"string\" or vice versa");
        return -EINVAL;
    }
    if (v->type == CFG_STRING) {
        if (asprintf(&s, "%s%s", prev->s, v->s) < 0)
            return -ENOMEM;
        free(v->s);
        v->s = s;
        return 0;
    }
    /* prepend copies of prev's items */
    for (i = prev->n; i-- > 0;) {
        struct cfg_value *it = value_dup(prev->items[i]);

        if (!it || list_append(v, it)) {
            cfg_value_free(it);
            return -ENOMEM;
        }
        memmove(v->items + 1, v->items, (v->n - 1) * sizeof(*v->items));
        v->items[0] = it;
    }
    return 0;
}

/* IDENT ('=' | '+=') value, then end of statement */
static int parse_assignment(struct cfg_lexer *lx)
{
    struct cfg_setting *set = calloc(1, sizeof(*set)), *prev;
    int rc;

    if (!set)
        return -ENOMEM;
    set->name = lx->text;
    lx->text = NULL;
    set->line = lx->tline;
    set->col = lx->tcol;
    set->src = lx->raw->fname;
    rc = cfg_lex_next(lx);
    if (rc)
        goto fail;
    if (lx->t != CFG_T_EQ && lx->t != CFG_T_ADD) {
        cfg_report(lx->raw, lx->tline, lx->tcol,
                   "syntax error: expected `=' after `%s', got %s", set->name,
                   cfg_tok_desc(lx));
        rc = -EINVAL;
        goto fail;
    }
    set->add = lx->t == CFG_T_ADD;
    rc = cfg_lex_next(lx);
    if (!rc)
        rc = parse_value(lx, 0, &set->value);
    if (rc)
        goto fail;
    if (lx->t != CFG_T_NL && lx->t != CFG_T_SEMI && lx->t != CFG_T_EOF) {
        rc = syntax_error(lx, "end of statement (newline or `;')");
        goto fail;
    }
    if (set->add && (prev = find_setting(lx->raw, set->name))) {
        rc = concat(lx, prev->value, set->value);
        if (rc)
            goto fail;
    }
    set->next = lx->raw->settings;
    lx->raw->settings = set;
    return 0;
fail:
    free(set->name);
    cfg_value_free(set->value);
    free(set);
    return rc;
}

int cfg_syntax_parse(struct cfg_raw *raw, const char *buf, size_t len,
                     int first_line)
{
    struct cfg_lexer lx = {
        .raw = raw, .buf = buf, .len = len, .line = first_line, .col = 1};
    int rc = cfg_lex_next(&lx);

    while (!rc && lx.t != CFG_T_EOF) {
        if (lx.t == CFG_T_NL || lx.t == CFG_T_SEMI)
            rc = cfg_lex_next(&lx);
        else if (lx.t == CFG_T_IDENT)
            rc = parse_assignment(&lx);
        else
            rc = syntax_error(&lx, "a setting name (lower-case)");
    }
    free(lx.text);
    return rc;
}

void cfg_raw_fini(struct cfg_raw *raw)
{
    struct cfg_setting *s, *next;

    for (s = raw->settings; s; s = next) {
        next = s->next;
        free(s->name);
        cfg_value_free(s->value);
        free(s);
    }
    raw->settings = NULL;
}
