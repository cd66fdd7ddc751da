/* SPDX-License-Identifier: GPL-2.0-only */
/* install.c: install methods, hooks, roles and passwords (see install.h). */
#include "install.h"

#include <crypt.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "layout.h"
#include "lib/fs.h"
#include "lib/rand.h"

#define MAX_ARGS 64

const char *xci_kernel_package(const char *arch)
{
    if (!arch) {
#if defined(__i386__)
        arch = "i386";
#elif defined(__aarch64__)
        arch = "arm64";
#else
        arch = "amd64";
#endif
    }
    if (!strcmp(arch, "i386"))
        return "linux-image-686-pae";
    if (!strcmp(arch, "arm64"))
        return "linux-image-arm64";
    return "linux-image-amd64";
}

static int debootstrap(struct xci_log *l, const struct xci_settings *s,
                       const char *mnt)
{
    const char *argv[MAX_ARGS];
    char *cmd = strdup(s->debootstrap_cmd), *tok, *save = NULL;
    char arch[64], cache[4200], incl[4200];
    int n = 0, rc, inc = -1;

    if (!cmd)
        return -ENOMEM;
    /* debootstrap-cmd may carry options ("debootstrap --variant=minbase"). */
    for (tok = strtok_r(cmd, " \t", &save); tok && n < MAX_ARGS - 8;
         tok = strtok_r(NULL, " \t", &save)) {
        if (!strncmp(tok, "--include=", 10))
            inc = n;
        argv[n++] = tok;
    }
    /* pygrub boots the guest's own kernel: it must be in the image (as
     * xen-tools' 80-install-kernel does). debootstrap keeps only the last
     * --include, so the kernel joins the one given. */
    if (s->pygrub) {
        const char *k = xci_kernel_package(s->arch);

        if (inc >= 0) {
            snprintf(incl, sizeof(incl), "%s,%s", argv[inc], k);
            argv[inc] = incl;
        } else {
            snprintf(incl, sizeof(incl), "--include=%s", k);
            argv[n++] = incl;
        }
    }
    if (s->arch) {
        snprintf(arch, sizeof(arch), "--arch=%s", s->arch);
        argv[n++] = arch;
    }
    if (s->cachedir) {
        rc = fs_mkdir_p(s->cachedir, 0755);
        if (rc) {
            xci_say(l, "Cannot create the cache directory %s: %s", s->cachedir,
                    strerror(-rc));
            free(cmd);
            return rc;
        }
        snprintf(cache, sizeof(cache), "--cache-dir=%s", s->cachedir);
        argv[n++] = cache;
        xci_say(l, "Package cache: %s", s->cachedir);
    }
    argv[n++] = s->dist;
    argv[n++] = mnt;
    argv[n++] = s->mirror;
    argv[n] = NULL;
    rc = xci_run(l, argv, NULL, 0);
    free(cmd);
    return rc;
}

int xci_install(struct xci_log *l, const struct xci_settings *s,
                const char *mnt)
{
    char src[4200], ls[4200];
    int rc;

    xci_say(l, "\nInstallation method: %s", s->install_method);
    if (!strcmp(s->install_method, "debootstrap")) {
        rc = debootstrap(l, s, mnt);
    } else if (!strcmp(s->install_method, "copy")) {
        xci_say(l, "(Source: %s)", s->install_source);
        snprintf(src, sizeof(src), "%s/.", s->install_source);
        rc = xci_run(l, (const char *[]){"cp", "-a", src, mnt, NULL}, NULL, 0);
    } else {
        xci_say(l, "(Source: %s)", s->install_source);
        rc = xci_run(l,
                     (const char *[]){"tar", "--numeric-owner", "-xpf",
                                      s->install_source, "-C", mnt, NULL},
                     NULL, 0);
    }
    if (rc)
        return rc;
    snprintf(ls, sizeof(ls), "%s/bin/ls", mnt);
    if (access(ls, X_OK)) {
        xci_say(l, "System installation failed: /bin/ls missing.  Aborting.");
        return -ENOEXEC;
    }
    xci_say(l, "Done");
    return 0;
}

static int setf(struct xci_conf *env, const char *k, const char *fmt,
                const char *v)
{
    char buf[512];

    snprintf(buf, sizeof(buf), fmt, v ? v : "");
    return xci_conf_set(env, k, buf);
}

int xci_hook_env(struct xci_conf *env, const struct xci_settings *s,
                 const char *mnt, const char *password_hash)
{
    char k[16], n[16];
    int i, rc = 0;

    /* Set straight into the env, where '_' must stay '_': conf keys are
     * normalised to '-', so the names are fixed up when exported below. */
    rc = rc ? rc : setf(env, "prefix", "%s", mnt);
    rc = rc ? rc : setf(env, "hostname", "%s", s->hostname);
    rc = rc ? rc : setf(env, "dist", "%s", s->dist);
    rc = rc ? rc : setf(env, "mirror", "%s", s->mirror);
    for (i = 0; i < s->nips && !rc; i++) {
        snprintf(k, sizeof(k), "ip%d", i + 1);
        rc = setf(env, k, "%s", s->ips[i]);
    }
    snprintf(n, sizeof(n), "%d", s->nips);
    rc = rc ? rc : setf(env, "ip_count", "%s", n);
    rc = rc ? rc : setf(env, "netmask", "%s", s->netmask);
    rc = rc ? rc : setf(env, "gateway", "%s", s->gateway);
    rc = rc ? rc : setf(env, "broadcast", "%s", s->broadcast);
    rc = rc ? rc : setf(env, "nameserver", "%s", s->nameserver);
    rc = rc ? rc : setf(env, "dhcp", "%s", s->dhcp ? "1" : "");
    rc = rc ? rc : setf(env, "mac", "%s", s->mac);
    rc = rc ? rc : setf(env, "fs", "%s", s->fs);
    rc = rc ? rc : setf(env, "options", "%s", s->fs_options);
    rc = rc ? rc : setf(env, "noswap", "%s", s->noswap ? "1" : "");
    rc = rc ? rc
            : setf(env, "root_device", "/dev/%s",
                   xci_layout_vdev(XCI_DISK_ROOT, s->noswap));
    rc =
        rc ? rc : setf(env, "swap_device", "%s", s->noswap ? "" : "/dev/xvda1");
    rc = rc ? rc : setf(env, "serial_device", "%s", "hvc0");
    rc = rc ? rc : setf(env, "disk_device", "%s", "xvda");
    rc = rc ? rc : setf(env, "password_hash", "%s", password_hash);
    rc = rc ? rc : setf(env, "verbose", "%s", s->verbose ? "1" : "");
    rc = rc ? rc : setf(env, "pygrub", "%s", s->pygrub ? "1" : "");
    return rc;
}

/* The conf store turned '_' into '-'; environment names need '_' back. */
static int env_fixup(struct xci_conf *out, const struct xci_conf *in)
{
    size_t i;

    for (i = 0; i < in->n; i++) {
        char *k = strdup(in->v[i].key);
        int rc;

        if (!k)
            return -ENOMEM;
        for (char *p = k; *p; p++)
            if (*p == '-')
                *p = '_';
        /* Store directly: xci_conf_set would normalise again. */
        if (out->n == out->cap) {
            size_t cap = out->cap ? 2 * out->cap : 32;
            struct xci_kv *nv = realloc(out->v, cap * sizeof(*nv));

            if (!nv) {
                free(k);
                return -ENOMEM;
            }
            out->v = nv;
            out->cap = cap;
        }
        out->v[out->n].key = k;
        out->v[out->n].val = strdup(in->v[i].val);
        rc = out->v[out->n].val ? 0 : -ENOMEM;
        out->n++;
        if (rc)
            return rc;
    }
    return 0;
}

static int hook_name_ok(const char *n)
{
    return *n &&
           strspn(n, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                     "0123456789_-") == strlen(n);
}

int xci_run_hooks(struct xci_log *l, const char *dir, const char *mnt,
                  const struct xci_conf *env, char *failed_out, size_t len)
{
    struct xci_conf e = {0};
    struct dirent **ents = NULL;
    int n, i, rc;

    rc = env_fixup(&e, env);
    if (rc)
        goto out;
    n = scandir(dir, &ents, NULL, alphasort);
    if (n < 0) {
        rc = -errno;
        snprintf(failed_out, len, "%s", dir);
        goto out;
    }
    xci_say(l, "\nRunning hooks");
    for (i = 0; i < n; i++) {
        char path[4200];
        struct stat st;

        snprintf(path, sizeof(path), "%s/%s", dir, ents[i]->d_name);
        if (rc || !hook_name_ok(ents[i]->d_name) || stat(path, &st) ||
            !S_ISREG(st.st_mode) || access(path, X_OK))
            goto next;
        xci_say(l, "Running hook %s", ents[i]->d_name);
        rc = xci_run(l, (const char *[]){path, mnt, NULL}, &e, 0);
        if (rc)
            snprintf(failed_out, len, "%s", ents[i]->d_name);
    next:
        free(ents[i]);
    }
    free(ents);
    if (!rc)
        xci_say(l, "Done");
out:
    xci_conf_fini(&e);
    return rc;
}

int xci_run_roles(struct xci_log *l, const struct xci_settings *s,
                  const char *roledir, const char *mnt,
                  const struct xci_conf *env)
{
    struct xci_conf e = {0};
    int i, rc = env_fixup(&e, env);

    for (i = 0; i < s->nroles && !rc; i++) {
        char path[4200];

        snprintf(path, sizeof(path), "%s/%s", roledir, s->roles[i]);
        xci_say(l, "\nRole: %s\n\tFile: %s", s->roles[i], path);
        if (access(path, X_OK)) {
            xci_say(l, "Role script not found or not executable: %s", path);
            rc = -ENOENT;
            break;
        }
        rc = xci_run(l, (const char *[]){path, mnt, NULL}, &e, 0);
        if (!rc)
            xci_say(l, "Role script completed.");
    }
    xci_conf_fini(&e);
    return rc;
}

static int random_chars(char *buf, size_t n, const char *set)
{
    unsigned char r[128];
    size_t setlen = strlen(set), i;

    if (n > sizeof(r))
        return -EINVAL;
    if (rand_bytes(r, n))
        return -EIO;
    /* Modulo bias is small for 62/64 symbols; fine for a password. */
    for (i = 0; i < n; i++)
        buf[i] = set[r[i] % setlen];
    buf[n] = '\0';
    return 0;
}

int xci_genpass(char *buf, size_t len)
{
    return random_chars(buf, len,
                        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                        "0123456789");
}

int xci_hash_password(const char *pw, const char *method, char *out, size_t len)
{
    char salt[32], chars[17];
    const char *pre;
    struct crypt_data *cd;
    const char *h;
    int rc;

    if (!strcmp(method, "md5"))
        pre = "$1$";
    else if (!strcmp(method, "sha256"))
        pre = "$5$";
    else if (!strcmp(method, "sha512"))
        pre = "$6$";
    else
        return -EINVAL;
    rc = random_chars(chars, 16,
                      "./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
                      "abcdefghijklmnopqrstuvwxyz");
    if (rc)
        return rc;
    snprintf(salt, sizeof(salt), "%s%s$", pre, chars);
    cd = calloc(1, sizeof(*cd));
    if (!cd)
        return -ENOMEM;
    h = crypt_r(pw, salt, cd);
    if (!h || *h == '*' || strlen(h) >= len)
        rc = -EINVAL;
    else
        strcpy(out, h);
    free(cd);
    return rc;
}
