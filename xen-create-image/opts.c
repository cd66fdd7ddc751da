/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * opts.c: the xen-tools option table, command line -> conf, and the checks
 * that turn a conf into validated settings before anything is created.
 */
#include "opts.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "lib/parse.h"
#include "lib/rand.h"

enum opt_kind {
    OPT_ARG,    /* --key=value or --key value */
    OPT_APPEND, /* repeatable, values joined by spaces (--ip) */
    OPT_FLAG,   /* --key -> key = 1 */
    OPT_OPTARG, /* --key or --key=value (--genpass[=0]) */
    OPT_NEGATE, /* --nokey -> key = 0 */
    OPT_UNKNOWN,
};

/* The option names by kind, space-separated; a name is in one only. */
static const char *const opt_names[] = {
    /* (parenthesised: one string in pieces, not several) */
    [OPT_ARG] =
        ("hostname dist arch mirror memory maxmem vcpus kernel initrd "
         "dir lvm size swap fs image install-method install-source "
         "debootstrap-cmd cache cachedir netmask gateway broadcast "
         "nameserver mac bridge vifname password genpass-len "
         "hash-method roledir hookdir output extension template config"),
    [OPT_APPEND] = "ip role",
    [OPT_FLAG] = ("noswap dhcp randommac passwd pygrub force verbose dry-run "
                  "help version"),
    [OPT_OPTARG] = "genpass hooks",
    [OPT_NEGATE] = "nodhcp nopygrub",
};

static void xci_opts_usage(FILE *out)
{
    fputs("usage: xen-create-image --hostname=NAME [options]\n"
          "  --dist=SUITE --arch=ARCH --mirror=URL\n"
          "  --dir=DIR | --lvm=VG        where the disks go\n"
          "  --size=4G --swap=512M | --noswap --fs=ext4|ext3|xfs|btrfs\n"
          "  --image=sparse|full --memory=256M --maxmem=SIZE --vcpus=N\n"
          "  --install-method=debootstrap|copy|tar --install-source=PATH\n"
          "  --debootstrap-cmd=CMD --cache=yes|no --cachedir=DIR\n"
          "  --ip=A.B.C.D [--ip=...] --netmask --gateway --broadcast\n"
          "  --nameserver | --dhcp; --mac=MAC --randommac --bridge=BR\n"
          "  --password=PW | --genpass[=0|1] --genpass-len=N | --passwd\n"
          "  --hash-method=md5|sha256|sha512 --role=R[,R] --roledir=DIR\n"
          "  --kernel=PATH --initrd=PATH | --pygrub\n"
          "  --output=DIR --extension=.cfg --template=FILE --config=FILE\n"
          "  --hookdir=DIR --hooks=0 --force --verbose --dry-run\n",
          out);
}

/* The kind of option name (one word of opt_names), or OPT_UNKNOWN. */
static enum opt_kind opt_kind_of(const char *name)
{
    size_t len = strlen(name), n;
    enum opt_kind k;
    const char *w;

    for (k = OPT_ARG; k < OPT_UNKNOWN; k++)
        for (w = opt_names[k]; *w; w += n + (w[n] == ' ')) {
            n = strcspn(w, " ");
            if (n == len && !memcmp(w, name, n))
                return k;
        }
    return OPT_UNKNOWN;
}

/* One option at argv[*i]; advances *i past a separate value. */
static int opt_one(struct xci_conf *cl, int argc, char *const argv[], int *i,
                   FILE *report)
{
    const char *a = argv[*i] + 2;
    const char *eq = strchr(a, '=');
    char name[64];
    enum opt_kind kind;
    const char *val = eq ? eq + 1 : NULL;
    size_t n = eq ? (size_t)(eq - a) : strlen(a);

    if (n == 0 || n >= sizeof(name))
        goto unknown;
    memcpy(name, a, n);
    name[n] = '\0';
    for (char *p = name; *p; p++)
        if (*p == '_')
            *p = '-';
    kind = opt_kind_of(name);
    switch (kind) {
    case OPT_ARG:
    case OPT_APPEND:
        if (!val) {
            if (*i + 1 >= argc) {
                fprintf(report, "xen-create-image: --%s needs a value\n", name);
                return -EINVAL;
            }
            val = argv[++*i];
        }
        if (kind == OPT_APPEND)
            return xci_conf_append(cl, name, val);
        return xci_conf_set(cl, name, val);
    case OPT_FLAG:
        if (val) {
            fprintf(report, "xen-create-image: --%s takes no value\n", name);
            return -EINVAL;
        }
        return xci_conf_set(cl, name, "1");
    case OPT_OPTARG:
        return xci_conf_set(cl, name, val ? val : "1");
    case OPT_NEGATE:
        return xci_conf_set(cl, name + 2, "0");
    case OPT_UNKNOWN:
        break;
    }
unknown:
    fprintf(report, "xen-create-image: unknown option '%s'\n", argv[*i]);
    return -EINVAL;
}

int xci_opts_parse(struct xci_conf *cl, int argc, char *const argv[], FILE *out,
                   FILE *report)
{
    int i, rc;

    for (i = 1; i < argc; i++) {
        if (strncmp(argv[i], "--", 2)) {
            fprintf(report, "xen-create-image: unexpected argument '%s'\n",
                    argv[i]);
            return -EINVAL;
        }
        rc = opt_one(cl, argc, argv, &i, report);
        if (rc)
            return rc;
    }
    /* --role a,b is the same as --role a --role b. */
    if (xci_conf_get(cl, "role")) {
        char *r = strdup(xci_conf_get(cl, "role"));

        if (!r)
            return -ENOMEM;
        for (char *p = r; *p; p++)
            if (*p == ',')
                *p = ' ';
        rc = xci_conf_set(cl, "role", r);
        free(r);
        if (rc)
            return rc;
    }
    if (xci_conf_bool(cl, "help")) {
        xci_opts_usage(out);
        return 1;
    }
    if (xci_conf_bool(cl, "version")) {
        fputs("xen-create-image (pvstack) 1.0\n", out);
        return 1;
    }
    return 0;
}

#define BAD(...)                                                               \
    do {                                                                       \
        fprintf(report, "xen-create-image: " __VA_ARGS__);                     \
        fputc('\n', report);                                                   \
        return -EINVAL;                                                        \
    } while (0)

static const char *get(const struct xci_conf *c, const char *k)
{
    const char *v = xci_conf_get(c, k);

    return v && *v ? v : NULL;
}

static int resolve_storage(struct xci_settings *s, const struct xci_conf *c,
                           FILE *report)
{
    const char *v;

    s->dir = get(c, "dir");
    s->lvm = get(c, "lvm");
    if (s->dir && s->lvm)
        BAD("--dir and --lvm exclude each other");
    if (!s->dir && !s->lvm)
        BAD("give --dir=DIR or --lvm=VG (or set one in xen-tools.conf)");
    if (s->dir && xci_check_path(s->dir))
        BAD("--dir '%s': must be an absolute path without quotes, commas or "
            "spaces",
            s->dir);
    if (s->lvm && xci_check_name(s->lvm))
        BAD("--lvm '%s': not a volume group name", s->lvm);
    v = get(c, "size") ? get(c, "size") : "4G";
    if (parse_size(v, 1ULL << 30, &s->size_bytes) ||
        s->size_bytes < (16ULL << 20))
        BAD("--size '%s': takes a suffixed size of at least 16M (4G, 512M)", v);
    s->noswap = xci_conf_bool(c, "noswap");
    v = get(c, "swap") ? get(c, "swap") : "512M";
    if (parse_size(v, 1ULL << 20, &s->swap_bytes))
        BAD("--swap '%s': takes a suffixed size (512M, 1G)", v);
    if (s->swap_bytes == 0)
        s->noswap = 1;
    else if (!s->noswap && s->swap_bytes < (1ULL << 20))
        BAD("--swap '%s': at least 1M", v);
    v = get(c, "image") ? get(c, "image") : "sparse";
    if (strcmp(v, "sparse") && strcmp(v, "full"))
        BAD("--image '%s': must be 'sparse' or 'full'", v);
    s->sparse = !strcmp(v, "sparse");
    s->fs = get(c, "fs") ? get(c, "fs") : "ext4";
    if (strcmp(s->fs, "ext2") && strcmp(s->fs, "ext3") &&
        strcmp(s->fs, "ext4") && strcmp(s->fs, "xfs") && strcmp(s->fs, "btrfs"))
        BAD("--fs '%s': must be ext2, ext3, ext4, xfs or btrfs", s->fs);
    {
        char k[32];

        snprintf(k, sizeof(k), "%s-options", s->fs);
        s->fs_options = get(c, k);
        if (!s->fs_options)
            s->fs_options = strncmp(s->fs, "ext", 3)
                                ? "defaults"
                                : "noatime,nodiratime,errors=remount-ro";
    }
    return 0;
}

/* --key's value into *out, which check() must accept (it is `what`). */
static int get_checked(FILE *report, const struct xci_conf *c, const char *key,
                       int (*check)(const char *), const char *what,
                       const char **out)
{
    *out = get(c, key);
    if (*out && check(*out))
        BAD("--%s '%s': not %s", key, *out, what);
    return 0;
}

static int resolve_install(struct xci_settings *s, const struct xci_conf *c,
                           FILE *report)
{
    int rc;

    s->install_method = get(c, "install-method");
    if (!s->install_method)
        s->install_method = "debootstrap";
    s->install_source = get(c, "install-source");
    if (!strcmp(s->install_method, "copy") ||
        !strcmp(s->install_method, "tar")) {
        if (!s->install_source || *s->install_source != '/')
            BAD("--install-method=%s needs --install-source=/absolute/path",
                s->install_method);
    } else if (strcmp(s->install_method, "debootstrap")) {
        BAD("--install-method '%s': must be debootstrap, copy or tar",
            s->install_method);
    }
    if ((rc = get_checked(report, c, "dist", xci_check_name, "a suite name",
                          &s->dist)) ||
        (rc = get_checked(report, c, "arch", xci_check_name,
                          "an architecture name", &s->arch)))
        return rc;
    s->mirror = get(c, "mirror");
    if (s->mirror && strpbrk(s->mirror, "'\" \n"))
        BAD("--mirror '%s': not a URL", s->mirror);
    s->debootstrap_cmd = get(c, "debootstrap-cmd");
    if (!s->debootstrap_cmd)
        s->debootstrap_cmd = "debootstrap";
    s->cachedir = get(c, "cachedir");
    if (!s->cachedir)
        s->cachedir = "/var/cache/xen-tools/archives";
    if (get(c, "cache") && !xci_conf_bool(c, "cache"))
        s->cachedir = NULL;
    if (s->cachedir && *s->cachedir != '/')
        BAD("--cachedir '%s': must be an absolute path", s->cachedir);
    return 0;
}

static int resolve_guest(struct xci_settings *s, const struct xci_conf *c,
                         FILE *report)
{
    unsigned long long b;
    long long n;
    const char *v;

    v = get(c, "memory") ? get(c, "memory") : "256M";
    if (parse_size(v, 1ULL << 20, &b) || b < (16ULL << 20) || b > (1ULL << 42))
        BAD("--memory '%s': takes a suffixed size of at least 16M", v);
    s->memory_mb = (unsigned long)(b >> 20);
    if ((v = get(c, "maxmem"))) {
        if (parse_size(v, 1ULL << 20, &b) || b > (1ULL << 42) ||
            (b >> 20) < s->memory_mb)
            BAD("--maxmem '%s': takes a size no smaller than --memory", v);
        s->maxmem_mb = (unsigned long)(b >> 20);
    }
    v = get(c, "vcpus") ? get(c, "vcpus") : "1";
    if (parse_ll(v, 10, 1, 128, &n))
        BAD("--vcpus '%s': takes a number from 1 to 128", v);
    s->vcpus = (unsigned)n;
    s->pygrub = xci_conf_bool(c, "pygrub");
    s->kernel = get(c, "kernel");
    s->initrd = get(c, "initrd");
    if (!s->pygrub && !s->kernel)
        BAD("give --kernel=PATH or --pygrub");
    if (s->kernel && xci_check_path(s->kernel))
        BAD("--kernel '%s': must be an absolute path", s->kernel);
    if (s->initrd && xci_check_path(s->initrd))
        BAD("--initrd '%s': must be an absolute path", s->initrd);
    return 0;
}

/*
 * Splits v, the space-separated words of --opt, each of which check()
 * must accept (it is `what`), into *buf (the caller frees it) and at most
 * max pointers in words. Returns the count (0 when v is NULL, the option
 * unset), or -errno after a line on report.
 */
static int split_words(FILE *report, const char *opt, const char *v,
                       int (*check)(const char *), const char *what, char **buf,
                       const char **words, unsigned max)
{
    char *save = NULL, *tok;
    unsigned n = 0;

    if (!v)
        return 0;
    *buf = strdup(v);
    if (!*buf)
        return -ENOMEM;
    for (tok = strtok_r(*buf, " ", &save); tok;
         tok = strtok_r(NULL, " ", &save)) {
        if (n == max)
            BAD("at most %u --%s", max, opt);
        if (check(tok))
            BAD("--%s '%s': not %s", opt, tok, what);
        if (words)
            words[n] = tok;
        n++;
    }
    return (int)n;
}

static int resolve_net(struct xci_settings *s, const struct xci_conf *c,
                       FILE *report)
{
    const char *v;
    int rc;
    static const char *const single[] = {"gateway", "broadcast", "nameserver"};

    s->dhcp = xci_conf_bool(c, "dhcp");
    rc = split_words(report, "ip", get(c, "ip"), xci_check_ipv4,
                     "an IPv4 address", &s->ipbuf, s->ips, XCI_MAX_IPS);
    if (rc < 0)
        return rc;
    s->nips = rc;
    if (s->dhcp && s->nips)
        BAD("choose either --dhcp or --ip, not both");
    if (!s->dhcp && !s->nips)
        BAD("choose one of --dhcp or --ip=A.B.C.D");
    s->netmask = get(c, "netmask");
    if (s->netmask && xci_check_netmask(s->netmask))
        BAD("--netmask '%s': not a netmask", s->netmask);
    if (s->nips && !s->netmask)
        s->netmask = "255.255.255.0";
    s->gateway = get(c, "gateway");
    s->broadcast = get(c, "broadcast");
    s->nameserver = get(c, "nameserver");
    for (size_t i = 0; i < 3; i++) {
        v = get(c, single[i]);
        if (v && i < 2 && xci_check_ipv4(v))
            BAD("--%s '%s': not an IPv4 address", single[i], v);
    }
    if (s->nameserver) {
        char *ns = NULL;

        rc = split_words(report, "nameserver", s->nameserver, xci_check_ipv4,
                         "an IPv4 address", &ns, NULL, UINT_MAX);
        free(ns);
        if (rc < 0)
            return rc;
    }
    if ((rc = get_checked(report, c, "bridge", xci_check_name,
                          "an interface name", &s->bridge)) ||
        (rc = get_checked(report, c, "vifname", xci_check_name,
                          "an interface name", &s->vifname)))
        return rc;
    if ((v = get(c, "mac"))) {
        if (xci_check_mac(v, s->mac))
            BAD("--mac '%s': not a unicast MAC (xx:xx:xx:xx:xx:xx)", v);
    } else {
        uint8_t m[6];

        if (rand_mac(m))
            BAD("no random bytes for a MAC");
        snprintf(s->mac, sizeof(s->mac), "00:16:3e:%02x:%02x:%02x", m[3], m[4],
                 m[5]);
    }
    return 0;
}

static int resolve_misc(struct xci_settings *s, const struct xci_conf *c,
                        FILE *report)
{
    long long n;
    const char *v;
    int rc;

    s->password = get(c, "password");
    s->passwd = xci_conf_bool(c, "passwd");
    /* As xen-tools: a password is generated unless one is given, asked
     * for, or genpass = 0. (The hash is sha512, not xen-tools' md5.) */
    s->genpass = !get(c, "genpass") || xci_conf_bool(c, "genpass");
    if (s->passwd)
        s->genpass = 0;
    if (s->password)
        s->genpass = 0;
    v = get(c, "genpass-len") ? get(c, "genpass-len") : "8";
    if (parse_ll(v, 10, 4, 64, &n))
        BAD("--genpass-len '%s': takes a number from 4 to 64", v);
    s->genpass_len = (unsigned)n;
    s->hash_method = get(c, "hash-method") ? get(c, "hash-method") : "sha512";
    if (strcmp(s->hash_method, "md5") && strcmp(s->hash_method, "sha256") &&
        strcmp(s->hash_method, "sha512"))
        BAD("--hash-method '%s': must be md5, sha256 or sha512",
            s->hash_method);
    rc = split_words(report, "role", get(c, "role"), xci_check_name,
                     "a role name", &s->rolebuf, s->roles, XCI_MAX_ROLES);
    if (rc < 0)
        return rc;
    s->nroles = rc;
    s->roledir = get(c, "roledir");
    s->hookdir = get(c, "hookdir");
    s->hooks = !get(c, "hooks") || xci_conf_bool(c, "hooks");
    s->output = get(c, "output") ? get(c, "output") : "/etc/xen";
    s->extension = xci_conf_get(c, "extension");
    if (!s->extension)
        s->extension = ".cfg";
    if (strchr(s->extension, '/'))
        BAD("--extension '%s': no '/' allowed", s->extension);
    s->template_path = get(c, "template");
    s->force = xci_conf_bool(c, "force");
    s->verbose = xci_conf_bool(c, "verbose");
    s->dry_run = xci_conf_bool(c, "dry-run");
    return 0;
}

void xci_settings_fini(struct xci_settings *s)
{
    free(s->ipbuf);
    free(s->rolebuf);
    s->ipbuf = s->rolebuf = NULL;
}

int xci_opts_merge(struct xci_conf *c, const struct xci_conf *cl)
{
    /* A storage or network choice on the command line replaces the other
     * kind from a config file instead of clashing with it (xen-tools #57). */
    static const char *const pairs[][2] = {
        {"lvm", "dir"}, {"dir", "lvm"}, {"ip", "dhcp"}, {"dhcp", "ip"}};
    size_t i;
    int rc;

    for (i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++) {
        const char *v = xci_conf_get(cl, pairs[i][0]);

        if (v && *v && strcmp(v, "0") && !xci_conf_get(cl, pairs[i][1])) {
            rc = xci_conf_set(c, pairs[i][1], "");
            if (rc)
                return rc;
        }
    }
    return xci_conf_merge(c, cl);
}

int xci_settings_resolve(struct xci_settings *s, const struct xci_conf *c,
                         FILE *report)
{
    int rc;

    memset(s, 0, sizeof(*s));
    s->hostname = get(c, "hostname");
    if (!s->hostname)
        BAD("the '--hostname' argument is mandatory");
    if (xci_check_hostname(s->hostname))
        BAD("--hostname '%s': not a valid hostname", s->hostname);
    rc = resolve_storage(s, c, report);
    if (!rc)
        rc = resolve_install(s, c, report);
    if (!rc)
        rc = resolve_guest(s, c, report);
    if (!rc)
        rc = resolve_net(s, c, report);
    if (!rc)
        rc = resolve_misc(s, c, report);
    return rc;
}
