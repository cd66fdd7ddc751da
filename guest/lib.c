/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * lib.c: string functions, vsnprintf and spinlocks for the guest kernel.
 * The compiler may emit calls to memset/memcpy/memmove/memcmp itself, so
 * they keep their libc names and semantics.
 */
#include "lib.h"

#include <xen/errno.h>

void *memset(void *s, int c, size_t n)
{
    unsigned char *p = s;
    while (n--)
        *p++ = (unsigned char)c;
    return s;
}

void *memcpy(void *d, const void *s, size_t n)
{
    unsigned char *dp = d;
    const unsigned char *sp = s;
    while (n--)
        *dp++ = *sp++;
    return d;
}

void *memmove(void *d, const void *s, size_t n)
{
    unsigned char *dp = d;
    const unsigned char *sp = s;
    if (dp < sp)
        return memcpy(d, s, n);
    while (n--)
        dp[n] = sp[n];
    return d;
}

int memcmp(const void *a, const void *b, size_t n)
{
    const unsigned char *x = a, *y = b;
    for (; n; n--, x++, y++)
        if (*x != *y)
            return *x - *y;
    return 0;
}

size_t strlen(const char *s)
{
    size_t n = 0;
    while (s[n])
        n++;
    return n;
}

size_t strnlen(const char *s, size_t max)
{
    size_t n = 0;
    while (n < max && s[n])
        n++;
    return n;
}

int strcmp(const char *a, const char *b)
{
    while (*a && *a == *b)
        a++, b++;
    return (unsigned char)*a - (unsigned char)*b;
}

int strncmp(const char *a, const char *b, size_t n)
{
    for (; n; n--, a++, b++) {
        if (*a != *b)
            return (unsigned char)*a - (unsigned char)*b;
        if (!*a)
            return 0;
    }
    return 0;
}

char *strchr(const char *s, int c)
{
    for (;; s++) {
        if (*s == (char)c)
            return (char *)(uintptr_t)s;
        if (!*s)
            return NULL;
    }
}

size_t strlcpy(char *d, const char *s, size_t size)
{
    size_t n = strlen(s);
    if (size) {
        size_t c = n < size - 1 ? n : size - 1;
        memcpy(d, s, c);
        d[c] = '\0';
    }
    return n;
}

int lib_parse_ulong(const char *s, unsigned long *val_out, const char **end_out)
{
    unsigned long v = 0;
    unsigned base = 10;
    const char *p = s;
    int digits = 0;

    if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
        base = 16;
        p += 2;
    }
    for (;; p++, digits++) {
        unsigned d;
        if (*p >= '0' && *p <= '9')
            d = *p - '0';
        else if (base == 16 && *p >= 'a' && *p <= 'f')
            d = *p - 'a' + 10;
        else if (base == 16 && *p >= 'A' && *p <= 'F')
            d = *p - 'A' + 10;
        else
            break;
        v = v * base + d;
    }
    if (end_out)
        *end_out = p;
    if (!digits)
        return -XEN_EINVAL;
    *val_out = v;
    return 0;
}

/* Output sink for vsnprintf: counts everything, stores what fits. */
struct sink {
    char *buf;
    size_t size;
    size_t n;
};

static void put(struct sink *s, char c)
{
    if (s->n + 1 < s->size)
        s->buf[s->n] = c;
    s->n++;
}

static void put_num(struct sink *s, unsigned long long v, unsigned base,
                    int neg, int width, char pad, int left)
{
    char tmp[24];
    int n = 0, len;
    do {
        tmp[n++] = "0123456789abcdef"[v % base];
        v /= base;
    } while (v);
    if (neg)
        tmp[n++] = '-';
    len = n;
    if (neg && pad == '0') {
        put(s, '-');
        n--;
    }
    if (!left)
        for (; width > len; width--)
            put(s, pad);
    while (n)
        put(s, tmp[--n]);
    if (left)
        for (; width > len; width--)
            put(s, ' ');
}

static void put_str(struct sink *s, const char *str, int width, int left)
{
    int len;
    if (!str)
        str = "(null)";
    len = (int)strlen(str);
    if (!left)
        for (; width > len; width--)
            put(s, ' ');
    while (*str)
        put(s, *str++);
    if (left)
        for (; width > len; width--)
            put(s, ' ');
}

/* One conversion after '%'; returns the format position after it. */
static const char *conv(struct sink *s, const char *f, va_list *ap)
{
    char pad = ' ';
    int width = 0, left = 0, lng = 0;
    unsigned long long u;
    long long v;

    for (; *f == '0' || *f == '-'; f++) {
        if (*f == '0')
            pad = '0';
        else
            left = 1;
    }
    for (; *f >= '0' && *f <= '9'; f++)
        width = width * 10 + (*f - '0');
    for (; *f == 'l' || *f == 'z'; f++)
        lng++;
    switch (*f) {
    case 'd':
    case 'i':
        v = lng ? va_arg(*ap, long long) : va_arg(*ap, int);
        put_num(s, v < 0 ? -(unsigned long long)v : (unsigned long long)v, 10,
                v < 0, width, pad, left);
        break;
    case 'u':
    case 'x':
        u = lng ? va_arg(*ap, unsigned long long) : va_arg(*ap, unsigned);
        put_num(s, u, *f == 'u' ? 10 : 16, 0, width, pad, left);
        break;
    case 'p':
        put(s, '0');
        put(s, 'x');
        put_num(s, (uintptr_t)va_arg(*ap, void *), 16, 0, width, pad, left);
        break;
    case 's':
        put_str(s, va_arg(*ap, const char *), width, left);
        break;
    case 'c':
        put(s, (char)va_arg(*ap, int));
        break;
    case '\0':
        return f;
    default:
        put(s, *f);
        break;
    }
    return f + 1;
}

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
    struct sink s = {buf, size, 0};
    va_list aq;

    va_copy(aq, ap);
    while (*fmt) {
        if (*fmt != '%') {
            put(&s, *fmt++);
            continue;
        }
        fmt = conv(&s, fmt + 1, &aq);
    }
    va_end(aq);
    if (size)
        buf[s.n < size ? s.n : size - 1] = '\0';
    return (int)s.n;
}

int snprintf(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    int n;
    va_start(ap, fmt);
    n = vsnprintf(buf, size, fmt, ap);
    va_end(ap);
    return n;
}

bool spin_trylock(struct spinlock *l)
{
    return !__atomic_exchange_n(&l->locked, 1, __ATOMIC_ACQUIRE);
}

void spin_lock(struct spinlock *l)
{
    while (!spin_trylock(l))
        while (READ_ONCE(l->locked))
            cpu_relax();
}

void spin_unlock(struct spinlock *l)
{
    __atomic_store_n(&l->locked, 0, __ATOMIC_RELEASE);
}
