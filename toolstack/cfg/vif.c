/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * vif.c: vif specs per xl-network-configuration(5) (xl parse_nic_config),
 * the rate= grammar of libxlu_vif.c, MAC parsing and random MACs.
 */
#include "cfg/cfg.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>

#include "lib/parse.h"
#include "lib/rand.h"

static int verr(char *errbuf, size_t errlen, const char *what, const char *v)
{
    if (errbuf && errlen)
        snprintf(errbuf, errlen, "%s `%s'", what, v);
    return -EINVAL;
}

int vif_mac_parse(const char *s, uint8_t mac_out[6])
{
    uint8_t mac[6];
    int i, j, v, d;

    for (i = 0; i < 6; i++) {
        v = 0;
        for (j = 0; j < 2 && isxdigit((unsigned char)*s); j++, s++) {
            d = isdigit((unsigned char)*s) ? *s - '0' : (*s | 0x20) - 'a' + 10;
            v = v * 16 + d;
        }
        if (!j)
            return -EINVAL;
        mac[i] = (uint8_t)v;
        if (i < 5 && *s++ != ':')
            return -EINVAL;
    }
    if (*s)
        return -EINVAL;
    /* a multicast source address would never be delivered back to us */
    if (mac[0] & 1)
        return -EINVAL;
    memcpy(mac_out, mac, 6);
    return 0;
}

int vif_mac_random(uint8_t mac_out[6])
{
    return rand_mac(mac_out);
}

/* strtoull base 0 as libxlu does, after its regex has vetted the digits. */
static int leading_number(const char *s, const char **end,
                          unsigned long long *v)
{
    char *e;

    errno = 0;
    *v = strtoull(s, &e, 0);
    *end = e;
    if (errno == ERANGE || *v == 0 || *v > UINT32_MAX)
        return -ERANGE;
    return 0;
}

/* Past "^[0-9]+" and one optional letter of units; NULL: no digits. */
static const char *digits_unit(const char *s, const char *units)
{
    const char *p = s;

    while (isdigit((unsigned char)*p))
        p++;
    if (p == s)
        return NULL;
    if (*p && strchr(units, *p))
        p++;
    return p;
}

/* "^[0-9]+[GMK]?[Bb]/s$" -> bytes per second */
static int rate_bytes(const char *s, uint64_t *bps, char *eb, size_t el)
{
    const char *p = digits_unit(s, "GMK");
    unsigned long long v;

    if (!p || (*p != 'B' && *p != 'b') || strcmp(p + 1, "/s"))
        return verr(eb, el, "invalid rate", s);
    if (leading_number(s, &p, &v))
        return verr(eb, el, "rate overflow", s);
    if (*p == 'G')
        v *= 1000ULL * 1000 * 1000;
    else if (*p == 'M')
        v *= 1000ULL * 1000;
    else if (*p == 'K')
        v *= 1000ULL;
    if (*p == 'b' || p[1] == 'b')
        v /= 8;
    *bps = v;
    return 0;
}

/* "^[0-9]+[mu]?s?$" -> microseconds (no unit: seconds) */
static int rate_interval(const char *s, uint32_t *us, char *eb, size_t el)
{
    const char *p = digits_unit(s, "mu");
    unsigned long long v;

    if (p && *p == 's')
        p++;
    if (!p || *p)
        return verr(eb, el, "invalid replenishment interval", s);
    if (leading_number(s, &p, &v))
        return verr(eb, el, "replenishment interval overflow", s);
    if (*p == 's' || !*p)
        v *= 1000 * 1000;
    else if (*p == 'm')
        v *= 1000;
    if (v > UINT32_MAX)
        return verr(eb, el, "replenishment interval overflow", s);
    *us = (uint32_t)v;
    return 0;
}

static int parse_rate(const char *rate, struct vif_spec *v, char *eb, size_t el)
{
    char *r = strdup(rate), *at;
    uint64_t bps = 0;
    uint32_t us = 50000; /* libxl's default: 50 ms */
    int rc;

    if (!r)
        return -ENOMEM;
    at = strchr(r, '@');
    if (at)
        *at++ = 0;
    if (!*r)
        rc = verr(eb, el, "no rate specified in", rate);
    else
        rc = rate_bytes(r, &bps, eb, el);
    if (!rc && at)
        rc = rate_interval(at, &us, eb, el);
    if (!rc && bps > UINT64_MAX / us)
        rc = verr(eb, el, "rate overflow", rate);
    if (!rc) {
        v->rate_interval_usecs = us;
        v->rate_bytes_per_interval = bps * us / 1000000ULL;
    }
    free(r);
    return rc;
}

static int setstr(char **slot, const char *val)
{
    char *s = strdup(val);

    if (!s)
        return -ENOMEM;
    free(*slot);
    *slot = s;
    return 0;
}

static int parse_int(const char *val, int *out, const char *what, char *eb,
                     size_t el)
{
    long long n;

    if (parse_ll(val, 10, 0, 65535, &n))
        return verr(eb, el, what, val);
    *out = (int)n;
    return 0;
}

/* One key=value token, as xl's parse_nic_config (prefix "key="). */
static int parse_token(const char *t, struct vif_spec *v, char *eb, size_t el)
{
    static const char *const strkeys[] = {"bridge",     "ip",      "script",
                                          "backend",    "vifname", "model",
                                          "gatewaydev", "netdev"};
    const char *eq = strchr(t, '=');
    size_t kl = eq ? (size_t)(eq - t) : 0;
    const char *val = eq ? eq + 1 : NULL;
    char key[32];
    size_t i;

    if (!eq) {
        if (!strcmp(t, "trusted"))
            v->trusted = 1;
        else if (!strcmp(t, "untrusted"))
            v->trusted = 0;
        else
            return verr(eb, el, "unrecognized argument", t);
        return 0;
    }
    if (kl >= sizeof(key))
        return verr(eb, el, "unrecognized argument", t);
    memcpy(key, t, kl);
    key[kl] = 0;
    char **slots[] = {&v->bridge,          &v->ip,        &v->script,
                      &v->backend_domname, &v->vifname,   &v->model,
                      &v->gatewaydev,      &v->gatewaydev};
    for (i = 0; i < sizeof(strkeys) / sizeof(strkeys[0]); i++)
        if (!strcmp(key, strkeys[i]))
            return setstr(slots[i], val);
    if (!strcmp(key, "mac")) {
        if (vif_mac_parse(val, v->mac))
            return verr(eb, el,
                        "invalid mac (want 6 hex bytes aa:bb:cc:dd:ee:ff, "
                        "multicast bit clear)",
                        val);
        v->has_mac = 1;
    } else if (!strcmp(key, "type")) {
        if (!strcmp(val, "vif"))
            v->type = NIC_TYPE_VIF;
        else if (!strcmp(val, "ioemu"))
            v->type = NIC_TYPE_VIF_IOEMU;
        else
            return verr(eb, el, "invalid type (vif or ioemu)", val);
    } else if (!strcmp(key, "rate")) {
        return parse_rate(val, v, eb, el);
    } else if (!strcmp(key, "devid")) {
        return parse_int(val, &v->devid, "invalid devid", eb, el);
    } else if (!strcmp(key, "mtu")) {
        return parse_int(val, &v->mtu, "invalid mtu", eb, el);
    } else if (!strcmp(key, "accel") || !strcmp(key, "vlan") ||
               !strncmp(key, "colo_", 5) || !strcmp(key, "forwarddev")) {
        /* accepted by xl, not used by our engines */
    } else {
        return verr(eb, el, "unrecognized argument", t);
    }
    return 0;
}

int vif_spec_parse_more(const char *spec, struct vif_spec *v, char *errbuf,
                        size_t errlen)
{
    char *buf = strdup(spec), *save = NULL, *t;
    int rc = 0;

    if (!buf)
        return -ENOMEM;
    if (errbuf && errlen)
        errbuf[0] = 0;
    for (t = strtok_r(buf, ",", &save); t && !rc;
         t = strtok_r(NULL, ",", &save)) {
        while (*t == ' ')
            t++;
        rc = parse_token(t, v, errbuf, errlen);
    }
    free(buf);
    return rc;
}

int vif_spec_parse(const char *spec, int devid, struct vif_spec *out,
                   char *errbuf, size_t errlen)
{
    memset(out, 0, sizeof(*out));
    out->devid = devid;
    out->trusted = -1;
    return vif_spec_parse_more(spec, out, errbuf, errlen);
}

void vif_spec_fini(struct vif_spec *v)
{
    if (!v)
        return;
    free(v->bridge);
    free(v->ip);
    free(v->script);
    free(v->vifname);
    free(v->model);
    free(v->backend_domname);
    free(v->gatewaydev);
    memset(v, 0, sizeof(*v));
}
