/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * syntax.c: the xl.cfg language (libxlu_cfg_l.l + libxlu_cfg_y.y rewritten
 * by hand): tokens, KEY = VALUE / KEY += VALUE statements, nested lists, into
 * the untyped settings tree of internal.h. Stops at the first error.
 */
#include "cfg/cfg.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "cfg/internal.h"

/* Deep enough for any real cfg, shallow enough to never blow the stack. */
#define MAX_DEPTH 32

enum tok {
    T_EOF,
    T_IDENT,
    T_NUMBER,
    T_STRING,
    T_EQ,
    T_ADD,
    T_COMMA,
    T_LBR,
    T_RBR,
    T_SEMI,
    T_NL,
};

struct lexer {
    struct cfg_raw *raw;
    const char *buf;
    size_t len, pos;
    int line, col;
    /* current token */
    enum tok t;
    char *text; /* IDENT/NUMBER/STRING, owned */
    int tline, tcol;
};

void cfg_report(const struct cfg_raw *raw, int line, int col, const char *fmt,
                ...)
{
    va_list ap;

    if (!raw->err)
        return;
    if (line > 0)
        fprintf(raw->err, "%s: %s:%d:%d: ", program_invocation_short_name,
                raw->fname, line, col);
    else
        fprintf(raw->err, "%s: %s: ", program_invocation_short_name,
                raw->fname);
    va_start(ap, fmt);
    vfprintf(raw->err, fmt, ap);
    va_end(ap);
    fputc('\n', raw->err);
}

static int peekc(const struct lexer *lx, size_t off)
{
    return lx->pos + off < lx->len ? (unsigned char)lx->buf[lx->pos + off] : -1;
}

static void advance(struct lexer *lx, size_t n)
{
    while (n-- && lx->pos < lx->len) {
        if (lx->buf[lx->pos++] == '\n') {
            lx->line++;
            lx->col = 1;
        } else {
            lx->col++;
        }
    }
}

static int is_ident_start(int c)
{
    return c >= 'a' && c <= 'z';
}

static int is_ident(int c)
{
    return is_ident_start(c) || (c >= '0' && c <= '9') || c == '.' || c == '_';
}

static int is_number(int c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || c == 'x';
}

/* libxl's lexer reports the whole non-blank run around a bad character. */
static int lex_error(struct lexer *lx)
{
    size_t end = lx->pos;
    int c = peekc(lx, 0);
    int python =
        c == '+' || c == '-' || c == '.' || c == '(' || c == ')' || c == ':';

    while (end < lx->len && lx->buf[end] != ' ' && lx->buf[end] != '\t' &&
           lx->buf[end] != '\n' && lx->buf[end] != '\0' && end - lx->pos < 40)
        end++;
    if (end == lx->pos)
        end++;
    cfg_report(lx->raw, lx->line, lx->col, "lexical error near `%.*s'%s",
               (int)(end - lx->pos), lx->buf + lx->pos,
               python ? " (config file looks like it contains Python code;"
                        " arbitrary Python is no longer supported)"
                      : "");
    return -EINVAL;
}

static int lex_escape(struct lexer *lx, char *out, size_t *n)
{
    static const char from[] = "\"'\\abfnrtv", to[] = "\"'\\\a\b\f\n\r\t\v";
    int c = peekc(lx, 1), v = 0, i = 0;
    const char *p;

    if (c > 0 && (p = strchr(from, c))) {
        out[(*n)++] = to[p - from];
        advance(lx, 2);
        return 0;
    }
    if (c == 'x') {
        /* \xHH: exactly two hex digits */
        for (i = 0; i < 2; i++) {
            int d = peekc(lx, 2 + i);
            if (d >= '0' && d <= '9')
                v = v * 16 + d - '0';
            else if ((d | 0x20) >= 'a' && (d | 0x20) <= 'f')
                v = v * 16 + (d | 0x20) - 'a' + 10;
            else
                break;
        }
        if (i == 2 && v) {
            out[(*n)++] = (char)v;
            advance(lx, 4);
            return 0;
        }
    } else if (c >= '0' && c <= '7') {
        /* \NNN octal, one to three digits */
        for (i = 0; i < 3 && peekc(lx, 1 + i) >= '0' && peekc(lx, 1 + i) <= '7';
             i++)
            v = v * 8 + peekc(lx, 1 + i) - '0';
        if (v && v < 256) {
            out[(*n)++] = (char)v;
            advance(lx, 1 + i);
            return 0;
        }
    }
    cfg_report(lx->raw, lx->line, lx->col,
               "invalid escape `\\%c' in quoted string", c > ' ' ? c : '?');
    return -EINVAL;
}

static int lex_string(struct lexer *lx)
{
    int q = peekc(lx, 0), c;
    int sline = lx->line, scol = lx->col;
    size_t n = 0, i;
    char *s;
    int rc;

    /* the dequoted text is never longer than the quoted one */
    for (i = lx->pos + 1; i < lx->len && lx->buf[i] != q && lx->buf[i] != '\n';
         i++)
        if (lx->buf[i] == '\\' && i + 1 < lx->len)
            i++;
    s = malloc(i - lx->pos + 1);
    if (!s)
        return -ENOMEM;
    advance(lx, 1);
    for (;;) {
        c = peekc(lx, 0);
        if (c < 0 || c == '\n') {
            free(s);
            cfg_report(lx->raw, sline, scol, "unterminated string");
            return -EINVAL;
        }
        if (c == q)
            break;
        if (c == 0) {
            free(s);
            cfg_report(lx->raw, lx->line, lx->col, "NUL byte in string");
            return -EINVAL;
        }
        if (c == '\\') {
            rc = lex_escape(lx, s, &n);
            if (rc) {
                free(s);
                return rc;
            }
            continue;
        }
        s[n++] = (char)c;
        advance(lx, 1);
    }
    advance(lx, 1);
    s[n] = 0;
    lx->text = s;
    lx->t = T_STRING;
    return 0;
}

static int lex_word(struct lexer *lx, enum tok t, int (*pred)(int))
{
    size_t n = 1;

    while (pred(peekc(lx, n)))
        n++;
    lx->text = strndup(lx->buf + lx->pos, n);
    if (!lx->text)
        return -ENOMEM;
    lx->t = t;
    advance(lx, n);
    return 0;
}

/* Read the next token into lx->t (freeing the previous text). */
static int lex_next(struct lexer *lx)
{
    static const char punct[] = "=,[];\n";
    static const enum tok ptok[] = {T_EQ, T_COMMA, T_LBR, T_RBR, T_SEMI, T_NL};
    const char *p;
    int c;

    free(lx->text);
    lx->text = NULL;
    for (;;) {
        c = peekc(lx, 0);
        /* \r before \n: DOS line ends (libxlu would call it a lexical error) */
        if (c == ' ' || c == '\t' || (c == '\r' && peekc(lx, 1) == '\n'))
            advance(lx, 1);
        else if (c == '#')
            while (peekc(lx, 0) >= 0 && peekc(lx, 0) != '\n')
                advance(lx, 1);
        else
            break;
    }
    lx->tline = lx->line;
    lx->tcol = lx->col;
    if (c < 0) {
        lx->t = T_EOF;
        return 0;
    }
    if (is_ident_start(c))
        return lex_word(lx, T_IDENT, is_ident);
    if (c >= '0' && c <= '9')
        return lex_word(lx, T_NUMBER, is_number);
    if (c == '\'' || c == '"')
        return lex_string(lx);
    if (c == '+' && peekc(lx, 1) == '=') {
        lx->t = T_ADD;
        advance(lx, 2);
        return 0;
    }
    if (c && (p = strchr(punct, c))) {
        lx->t = ptok[p - punct];
        advance(lx, 1);
        return 0;
    }
    return lex_error(lx);
}

static const char *tok_desc(const struct lexer *lx)
{
    switch (lx->t) {
    case T_EOF:
        return "end of file";
    case T_NL:
        return "end of line";
    case T_EQ:
        return "`='";
    case T_ADD:
        return "`+='";
    case T_COMMA:
        return "`,'";
    case T_LBR:
        return "`['";
    case T_RBR:
        return "`]'";
    case T_SEMI:
        return "`;'";
    case T_STRING:
        return "a string";
    case T_NUMBER:
        return "a number";
    case T_IDENT:
        return "a name";
    }
    return "?";
}

static int syntax_error(struct lexer *lx, const char *what)
{
    cfg_report(lx->raw, lx->tline, lx->tcol,
               "syntax error: expected %s, got %s", what, tok_desc(lx));
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
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 4;
        struct cfg_value **it = realloc(l->items, cap * sizeof(*it));

        if (!it)
            return -ENOMEM;
        l->items = it;
        l->cap = cap;
    }
    l->items[l->n++] = item;
    return 0;
}

static int skip_nl(struct lexer *lx)
{
    int rc = 0;

    while (!rc && lx->t == T_NL)
        rc = lex_next(lx);
    return rc;
}

static int parse_value(struct lexer *lx, int depth, struct cfg_value **out);

/* '[' nlok [ value nlok { ',' nlok value nlok } [ ',' nlok ] ] ']' */
static int parse_list(struct lexer *lx, int depth, struct cfg_value *l)
{
    struct cfg_value *item;
    int rc;

    if (depth >= MAX_DEPTH) {
        cfg_report(lx->raw, lx->tline, lx->tcol, "lists nested too deeply");
        return -EINVAL;
    }
    rc = lex_next(lx);
    if (!rc)
        rc = skip_nl(lx);
    while (!rc && lx->t != T_RBR) {
        if (lx->t != T_STRING && lx->t != T_NUMBER && lx->t != T_LBR)
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
        if (lx->t == T_COMMA) {
            rc = lex_next(lx);
            if (!rc)
                rc = skip_nl(lx);
        } else if (lx->t != T_RBR) {
            return syntax_error(lx, "`,' or `]'");
        }
    }
    return rc ? rc : lex_next(lx);
}

/* value: STRING | NUMBER | list. On return lx holds the next token. */
static int parse_value(struct lexer *lx, int depth, struct cfg_value **out)
{
    struct cfg_value *v = calloc(1, sizeof(*v));
    int rc;

    if (!v)
        return -ENOMEM;
    v->line = lx->tline;
    v->col = lx->tcol;
    if (lx->t == T_STRING || lx->t == T_NUMBER) {
        v->type = CFG_STRING;
        v->quoted = lx->t == T_STRING;
        v->s = lx->text;
        lx->text = NULL;
        rc = lex_next(lx);
    } else if (lx->t == T_LBR) {
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
static int concat(struct lexer *lx, const struct cfg_value *prev,
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
static int parse_assignment(struct lexer *lx)
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
    rc = lex_next(lx);
    if (rc)
        goto fail;
    if (lx->t != T_EQ && lx->t != T_ADD) {
        cfg_report(lx->raw, lx->tline, lx->tcol,
                   "syntax error: expected `=' after `%s', got %s", set->name,
                   tok_desc(lx));
        rc = -EINVAL;
        goto fail;
    }
    set->add = lx->t == T_ADD;
    rc = lex_next(lx);
    if (!rc)
        rc = parse_value(lx, 0, &set->value);
    if (rc)
        goto fail;
    if (lx->t != T_NL && lx->t != T_SEMI && lx->t != T_EOF) {
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
    struct lexer lx = {
        .raw = raw, .buf = buf, .len = len, .line = first_line, .col = 1};
    int rc = lex_next(&lx);

    while (!rc && lx.t != T_EOF) {
        if (lx.t == T_NL || lx.t == T_SEMI)
            rc = lex_next(&lx);
        else if (lx.t == T_IDENT)
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
