/* SPDX-License-Identifier: GPL-2.0-only */
/* mirror.c: apt sources parsing (see mirror.h). */
#include "mirror.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int copy(char *dst, size_t len, const char *src, size_t n)
{
    if (n >= len)
        return -ENAMETOOLONG;
    memcpy(dst, src, n);
    dst[n] = '\0';
    return 0;
}

static int suite_ok(const char *s, size_t n)
{
    static const char *const bad[] = {"-security", "-updates", "-backports",
                                      "/updates", "-proposed-updates"};
    size_t i;

    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        size_t b = strlen(bad[i]);

        if (n >= b && !memcmp(s + n - b, bad[i], b))
            return 0;
    }
    return n > 0;
}

/* Next whitespace-separated word in [*p, e); 0 when none. */
static size_t word(const char **p, const char *e, const char **w)
{
    const char *s = *p;

    while (s < e && isspace((unsigned char)*s))
        s++;
    *w = s;
    while (s < e && !isspace((unsigned char)*s))
        s++;
    *p = s;
    return (size_t)(s - *w);
}

static int parse_oneline(const char *text, char *uri, size_t ulen, char *suite,
                         size_t slen)
{
    const char *p = text;

    while (*p) {
        const char *nl = strchr(p, '\n');
        const char *e = nl ? nl : p + strlen(p);
        const char *h = memchr(p, '#', (size_t)(e - p));
        const char *q = p, *w, *u;
        size_t n, un;

        if (h)
            e = h;
        n = word(&q, e, &w);
        if (n == 3 && !memcmp(w, "deb", 3)) {
            while (q < e && isspace((unsigned char)*q))
                q++;
            if (q < e && *q == '[') {
                const char *r = memchr(q, ']', (size_t)(e - q));

                q = r ? r + 1 : e;
            }
            un = word(&q, e, &u);
            n = word(&q, e, &w);
            if (un && suite_ok(w, n)) {
                int rc = copy(uri, ulen, u, un);

                return rc ? rc : copy(suite, slen, w, n);
            }
        }
        p = nl ? nl + 1 : p + strlen(p);
    }
    return -ENOENT;
}

/* The value of field in a deb822 stanza [s, e), or NULL. */
static const char *field(const char *s, const char *e, const char *name,
                         const char **vend)
{
    size_t n = strlen(name);

    while (s < e) {
        const char *nl = memchr(s, '\n', (size_t)(e - s));
        const char *le = nl ? nl : e;

        if ((size_t)(le - s) > n && !strncasecmp(s, name, n) && s[n] == ':') {
            *vend = le;
            return s + n + 1;
        }
        s = nl ? nl + 1 : e;
    }
    return NULL;
}

static int stanza(const char *s, const char *e, char *uri, size_t ulen,
                  char *suite, size_t slen)
{
    const char *v, *ve, *w, *p;
    const char *uv, *uve;
    size_t n;

    v = field(s, e, "Enabled", &ve);
    if (v && (p = v, n = word(&p, ve, &w)) == 2 && !strncasecmp(w, "no", 2))
        return -ENOENT;
    v = field(s, e, "Types", &ve);
    if (!v)
        return -ENOENT;
    for (p = v; (n = word(&p, ve, &w));)
        if (n == 3 && !memcmp(w, "deb", 3))
            break;
    if (!n)
        return -ENOENT;
    uv = field(s, e, "URIs", &uve);
    v = field(s, e, "Suites", &ve);
    if (!uv || !v)
        return -ENOENT;
    for (p = v; (n = word(&p, ve, &w));) {
        if (suite_ok(w, n)) {
            const char *u;
            size_t un = word(&uv, uve, &u);
            int rc;

            if (!un)
                return -ENOENT;
            rc = copy(uri, ulen, u, un);
            return rc ? rc : copy(suite, slen, w, n);
        }
    }
    return -ENOENT;
}

static int parse_deb822(const char *text, char *uri, size_t ulen, char *suite,
                        size_t slen)
{
    char *buf = strdup(text), *r, *w;
    const char *s;
    int rc = -ENOENT;

    if (!buf)
        return -ENOMEM;
    /* Drop comment lines so they neither split nor join stanzas. */
    for (r = w = buf; *r;) {
        char *nl = strchr(r, '\n');
        size_t n = nl ? (size_t)(nl - r + 1) : strlen(r);

        if (*r != '#') {
            memmove(w, r, n);
            w += n;
        }
        r += n;
    }
    *w = '\0';
    for (s = buf; *s && rc == -ENOENT;) {
        const char *e = strstr(s, "\n\n");

        e = e ? e + 1 : s + strlen(s);
        rc = stanza(s, e, uri, ulen, suite, slen);
        s = e;
        while (*s == '\n')
            s++;
    }
    free(buf);
    return rc;
}

int xci_mirror_parse(const char *text, int deb822, char *uri, size_t ulen,
                     char *suite, size_t slen)
{
    return deb822 ? parse_deb822(text, uri, ulen, suite, slen)
                  : parse_oneline(text, uri, ulen, suite, slen);
}

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "re");
    char *buf;
    long n;

    if (!f)
        return NULL;
    if (fseek(f, 0, SEEK_END) || (n = ftell(f)) < 0 || n > (1 << 20) ||
        fseek(f, 0, SEEK_SET)) {
        fclose(f);
        return NULL;
    }
    buf = calloc(1, (size_t)n + 1);
    if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
        free(buf);
        buf = NULL;
    }
    fclose(f);
    return buf;
}

static int try_file(const char *path, int deb822, char *uri, size_t ulen,
                    char *suite, size_t slen)
{
    char *t = slurp(path);
    int rc;

    if (!t)
        return -ENOENT;
    rc = xci_mirror_parse(t, deb822, uri, ulen, suite, slen);
    free(t);
    return rc;
}

static int ends(const char *s, const char *suf)
{
    size_t a = strlen(s), b = strlen(suf);

    return a > b && !strcmp(s + a - b, suf);
}

int xci_mirror_guess(const char *etc_apt, char *uri, size_t ulen, char *suite,
                     size_t slen)
{
    char path[4096];
    struct dirent **ents = NULL;
    int n, i, rc = -ENOENT;

    snprintf(path, sizeof(path), "%s/sources.list", etc_apt);
    if (!try_file(path, 0, uri, ulen, suite, slen))
        return 0;
    snprintf(path, sizeof(path), "%s/sources.list.d", etc_apt);
    n = scandir(path, &ents, NULL, alphasort);
    for (i = 0; i < n; i++) {
        const char *nm = ents[i]->d_name;
        int is822 = ends(nm, ".sources");

        if (rc && (is822 || ends(nm, ".list"))) {
            snprintf(path, sizeof(path), "%s/sources.list.d/%s", etc_apt, nm);
            rc = try_file(path, is822, uri, ulen, suite, slen);
        }
        free(ents[i]);
    }
    free(ents);
    return rc;
}

int xci_os_codename(const char *text, char *out, size_t len)
{
    const char *p = strstr(text, "VERSION_CODENAME=");
    size_t n;

    while (p && p != text && p[-1] != '\n')
        p = strstr(p + 1, "VERSION_CODENAME=");
    if (!p)
        return -ENOENT;
    p += strlen("VERSION_CODENAME=");
    if (*p == '"')
        p++;
    n = strcspn(p, "\"\n");
    if (!n)
        return -ENOENT;
    return copy(out, len, p, n);
}
