/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * internal.h: the untyped settings tree (libxlu's XLU_Config) shared by the
 * cfg syntax (syntax.c), the typed reader (config.c) and the spec parsers.
 */
#ifndef XT_CFG_INTERNAL_H
#define XT_CFG_INTERNAL_H

#include <stddef.h>
#include <stdio.h>

#include "cfg/cfg.h"

enum cfg_vtype {
    CFG_STRING,
    CFG_LIST,
};

/* A value: a string (numbers are strings too, as libxlu) or a list. */
struct cfg_value {
    enum cfg_vtype type;
    int line, col;            /* where the value starts */
    int quoted;               /* 1 if the atom was a quoted string */
    char *s;                  /* CFG_STRING */
    struct cfg_value **items; /* CFG_LIST */
    size_t n, cap;
};

/* One KEY = VALUE or KEY += VALUE statement. Newest first in the list. */
struct cfg_setting {
    char *name;
    struct cfg_value *value;
    int add;         /* set with += */
    int line, col;   /* of the key */
    const char *src; /* file name or "command line" (borrowed) */
    int used;        /* read by config.c (for unknown-key warnings) */
    struct cfg_setting *next;
};

struct cfg_raw {
    struct cfg_setting *settings;
    const char *fname; /* borrowed, for messages */
    FILE *err;         /* borrowed; NULL = silent */
};

/* Tokens of the cfg language (lex.c). */
enum cfg_tok {
    CFG_T_EOF,
    CFG_T_IDENT,
    CFG_T_NUMBER,
    CFG_T_STRING,
    CFG_T_EQ,
    CFG_T_ADD,
    CFG_T_COMMA,
    CFG_T_LBR,
    CFG_T_RBR,
    CFG_T_SEMI,
    CFG_T_NL,
};

struct cfg_lexer {
    struct cfg_raw *raw;
    const char *buf;
    size_t len, pos;
    int line, col;
    /* current token */
    enum cfg_tok t;
    char *text; /* IDENT/NUMBER/STRING, owned */
    int tline, tcol;
};

/*
 * Read the next token into lx->t, freeing the previous text. Returns 0,
 * -EINVAL (lexical error reported) or -ENOMEM.
 */
int cfg_lex_next(struct cfg_lexer *lx);
/* "a string", "end of line", "`='"... for syntax errors. */
const char *cfg_tok_desc(const struct cfg_lexer *lx);

/*
 * Parse buf (len bytes, need not be NUL-terminated) as cfg statements into
 * raw (appending; last assignment wins, += concatenates as libxlu).
 * first_line numbers the first line (extra k=v args use 0 to mean "command
 * line"). Returns 0, -EINVAL (message written to raw->err) or -ENOMEM.
 */
int cfg_syntax_parse(struct cfg_raw *raw, const char *buf, size_t len,
                     int first_line);
/*
 * An unread key as xl knows it (xlkeys.c): not an xl.cfg key at all, an
 * xl.cfg key whose value asks for what pvstack does anyway, or one whose
 * value pvstack ignores (warned about).
 */
enum cfg_xl_key { CFG_XL_UNKNOWN, CFG_XL_HONOURED, CFG_XL_IGNORED };
enum cfg_xl_key cfg_xl_key(const char *name, const struct cfg_value *v);

/* The newest setting named name, or NULL. Marks it used. */
struct cfg_setting *cfg_raw_find(struct cfg_raw *raw, const char *name);
void cfg_raw_fini(struct cfg_raw *raw);
void cfg_value_free(struct cfg_value *v);

/*
 * "<prog>: FILE:LINE:COL: message\n" to raw->err (if not NULL); line <= 0
 * leaves out LINE:COL (a key missing from the whole file).
 */
void cfg_report(const struct cfg_raw *raw, int line, int col, const char *fmt,
                ...) __attribute__((format(printf, 4, 5)));

/*
 * Read every key config.c knows from raw into c (zeroed by the caller),
 * marking them used. Returns 0, -EINVAL (message on raw->err) or -ENOMEM.
 */
int cfg_read(struct cfg_raw *raw, struct domain_config *c);
void cfg_strv_free(struct cfg_strv *sv);
/* "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx" -> 16 bytes. 0 or -EINVAL. */
int cfg_uuid_parse(const char *s, uint8_t u[16]);

#endif
