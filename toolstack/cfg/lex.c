/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * lex.c: the tokens of the xl.cfg language, as libxlu_cfg_l.l: names
 * [a-z][._0-9a-z]*, numbers [0-9][0-9a-fx]*, quoted strings with
 * backslash escapes, `#' comments, = += , [ ] ; and newline. Also the
 * one place messages are formatted (cfg_report).
 */
#include "cfg/cfg.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "cfg/internal.h"

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

static int peekc(const struct cfg_lexer *lx, size_t off)
{
    return lx->pos + off < lx->len ? (unsigned char)lx->buf[lx->pos + off] : -1;
}

static void advance(struct cfg_lexer *lx, size_t n)
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
static int lex_error(struct cfg_lexer *lx)
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

static int lex_escape(struct cfg_lexer *lx, char *out, size_t *n)
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

static int lex_string(struct cfg_lexer *lx)
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
    lx->t = CFG_T_STRING;
    return 0;
}

static int lex_word(struct cfg_lexer *lx, enum cfg_tok t, int (*pred)(int))
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

int cfg_lex_next(struct cfg_lexer *lx)
{
    static const char punct[] = "=,[];\n";
    static const enum cfg_tok ptok[] = {CFG_T_EQ,  CFG_T_COMMA, CFG_T_LBR,
                                        CFG_T_RBR, CFG_T_SEMI,  CFG_T_NL};
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
        lx->t = CFG_T_EOF;
        return 0;
    }
    if (is_ident_start(c))
        return lex_word(lx, CFG_T_IDENT, is_ident);
    if (c >= '0' && c <= '9')
        return lex_word(lx, CFG_T_NUMBER, is_number);
    if (c == '\'' || c == '"')
        return lex_string(lx);
    if (c == '+' && peekc(lx, 1) == '=') {
        lx->t = CFG_T_ADD;
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

const char *cfg_tok_desc(const struct cfg_lexer *lx)
{
    switch (lx->t) {
    case CFG_T_EOF:
        return "end of file";
    case CFG_T_NL:
        return "end of line";
    case CFG_T_EQ:
        return "`='";
    case CFG_T_ADD:
        return "`+='";
    case CFG_T_COMMA:
        return "`,'";
    case CFG_T_LBR:
        return "`['";
    case CFG_T_RBR:
        return "`]'";
    case CFG_T_SEMI:
        return "`;'";
    case CFG_T_STRING:
        return "a string";
    case CFG_T_NUMBER:
        return "a number";
    case CFG_T_IDENT:
        return "a name";
    }
    return "?";
}
