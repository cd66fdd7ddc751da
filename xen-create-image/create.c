/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * create.c: xen-create-image. Defaults from /etc/xen-tools/xen-tools.conf,
 * then --config, then the command line; everything checked before anything
 * is made; then disks, install, hooks, roles, password and the cfg, each a
 * visible step. A failed step undoes everything made and names the log.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "common.h"
#include "conf.h"
#include "install.h"
#include "layout.h"
#include "lib/fs.h"
#include "lib/paths.h"
#include "lvm.h"
#include "mirror.h"
#include "opts.h"
#include "run.h"
#include "storage.h"
#include "tmpl.h"
#include "undo.h"

static volatile sig_atomic_t interrupted;

static void on_signal(int sig)
{
    interrupted = sig;
    xci_run_forward_signal(sig);
}

struct xci {
    struct xci_conf conf;
    struct xci_settings s;
    struct xci_log log;
    struct xci_undo *made, *temp;
    char cfg[4096], logpath[4096], mnt[4096];
    char mirror[1024], dist[64], password[72], hash[256];
    char hookdir[4096], roledir[4096], cachedir[4096], output[4096];
    int nodm;
};

/* Fill dist and mirror from the host when not given: its codename and the
 * mirror its apt uses (xt-guess-suite-and-mirror). */
static int guess_dist_mirror(struct xci *x)
{
    char suite[64] = "", uri[1024], *osr;
    int rc;

    if (xci_conf_get(&x->conf, "dist") && xci_conf_get(&x->conf, "mirror") &&
        *xci_conf_get(&x->conf, "dist") && *xci_conf_get(&x->conf, "mirror"))
        return 0;
    rc = xci_mirror_guess("/etc/apt", uri, sizeof(uri), suite, sizeof(suite));
    if (!rc && !(xci_conf_get(&x->conf, "mirror") &&
                 *xci_conf_get(&x->conf, "mirror")))
        rc = xci_conf_set(&x->conf, "mirror", uri);
    if (rc == -ENOENT)
        rc = xci_conf_set(&x->conf, "mirror", "http://deb.debian.org/debian");
    if (rc)
        return rc;
    if (xci_conf_get(&x->conf, "dist") && *xci_conf_get(&x->conf, "dist"))
        return 0;
    osr = xci_slurp("/etc/os-release");
    if (osr && !xci_os_codename(osr, x->dist, sizeof(x->dist)))
        rc = xci_conf_set(&x->conf, "dist", x->dist);
    else if (*suite)
        rc = xci_conf_set(&x->conf, "dist", suite);
    else
        rc = xci_conf_set(&x->conf, "dist", "bookworm");
    free(osr);
    return rc;
}

/* A bare --config name is looked up in /etc/xen-tools, as xen-tools does. */
static const char *config_path(const char *cf, char *buf, size_t len)
{
    char dir[4096];

    if (strchr(cf, '/') || paths_get(dir, sizeof(dir), "/etc/xen-tools"))
        return cf;
    if (snprintf(buf, len, "%s/%s", dir, cf) >= (int)len || access(buf, R_OK))
        return cf;
    return buf;
}

static int load_config(struct xci *x, int argc, char **argv)
{
    struct xci_conf cl = {0};
    char path[4096];
    const char *cf;
    int rc;

    rc = xci_opts_parse(&cl, argc, argv, stdout, stderr);
    if (rc)
        goto out;
    rc = paths_get(path, sizeof(path), "/etc/xen-tools/xen-tools.conf");
    if (!rc)
        rc = xci_conf_load(&x->conf, path, xci_expand_shell, stderr);
    if (rc == -ENOENT)
        rc = 0;
    if (!rc && (cf = xci_conf_get(&cl, "config"))) {
        cf = config_path(cf, path, sizeof(path));
        rc = xci_conf_load(&x->conf, cf, xci_expand_shell, stderr);
        if (rc == -ENOENT)
            fprintf(stderr,
                    "xen-create-image: the specified configuration file "
                    "does not exist: '%s'\n",
                    cf);
    }
    if (!rc)
        rc = xci_opts_merge(&x->conf, &cl);
    if (!rc)
        rc = guess_dist_mirror(x);
out:
    xci_conf_fini(&cl);
    return rc;
}

/* Directories that default under PVSTACK_ROOT; given ones are used as is. */
static int resolve_paths(struct xci *x)
{
    struct xci_settings *s = &x->s;
    int rc = 0;

    if (!xci_conf_get(&x->conf, "output") || !*xci_conf_get(&x->conf, "output"))
        rc = paths_get(x->output, sizeof(x->output), "/etc/xen");
    else
        snprintf(x->output, sizeof(x->output), "%s", s->output);
    s->output = x->output;
    if (!rc &&
        (!xci_conf_get(&x->conf, "cachedir") ||
         !*xci_conf_get(&x->conf, "cachedir")) &&
        s->cachedir) {
        rc = paths_get(x->cachedir, sizeof(x->cachedir),
                       "/var/cache/xen-tools/archives");
        s->cachedir = x->cachedir;
    }
    if (!rc)
        rc = xci_data_dir(x->hookdir, sizeof(x->hookdir), s->hookdir, "hooks");
    if (!rc)
        rc = xci_data_dir(x->roledir, sizeof(x->roledir), s->roledir, "roles");
    if (!rc && snprintf(x->cfg, sizeof(x->cfg), "%s/%s%s", x->output,
                        s->hostname, s->extension) >= (int)sizeof(x->cfg))
        rc = -ENAMETOOLONG;
    return rc;
}

/* What must exist before we start: tools for the chosen fs and method. */
static int check_host(struct xci *x)
{
    const struct xci_settings *s = &x->s;
    char prog[64], *cmd, *sp;
    struct stat st;

    snprintf(prog, sizeof(prog), "mkfs.%s", s->fs);
    if (!xci_have_prog(prog)) {
        fprintf(stderr, "xen-create-image: --fs=%s needs %s, not found\n",
                s->fs, prog);
        return -ENOENT;
    }
    if (!strcmp(s->install_method, "debootstrap")) {
        cmd = strdup(s->debootstrap_cmd);
        if (!cmd)
            return -ENOMEM;
        sp = strchr(cmd, ' ');
        if (sp)
            *sp = '\0';
        if (!xci_have_prog(cmd)) {
            fprintf(stderr, "xen-create-image: %s not found\n", cmd);
            free(cmd);
            return -ENOENT;
        }
        free(cmd);
    } else if (stat(s->install_source, &st) ||
               (!strcmp(s->install_method, "copy") && !S_ISDIR(st.st_mode))) {
        fprintf(stderr, "xen-create-image: --install-source '%s': no such %s\n",
                s->install_source,
                strcmp(s->install_method, "copy") ? "file" : "directory");
        return -ENOENT;
    }
    if (s->kernel && access(s->kernel, R_OK))
        fprintf(stderr, "WARNING: the kernel %s does not exist on this host\n",
                s->kernel);
    return 0;
}

/* A line of print_info() that only a set value has. */
static void print_set(FILE *f, const char *label, const char *value)
{
    if (value)
        fprintf(f, "%s%s\n", label, value);
}

static void print_info(struct xci *x, FILE *f)
{
    const struct xci_settings *s = &x->s;
    int i;

    fprintf(f, "\nGeneral Information\n--------------------\n");
    fprintf(f, "Hostname       :  %s\n", s->hostname);
    fprintf(f, "Distribution   :  %s\n", s->dist);
    fprintf(f, "Mirror         :  %s\n", s->mirror);
    fprintf(f, "Partitions     :  swap            %llu (swap)\n",
            s->noswap ? 0ULL : s->swap_bytes);
    fprintf(f, "                  /               %llu (%s)\n", s->size_bytes,
            s->fs);
    fprintf(f, "Image type     :  %s\n", s->sparse ? "sparse" : "full");
    fprintf(f, "Memory size    :  %luM\n", s->memory_mb);
    if (s->pygrub)
        fprintf(f, "Bootloader     :  pygrub\n");
    else
        fprintf(f, "Kernel path    :  %s\n", s->kernel);
    if (s->initrd && !s->pygrub)
        fprintf(f, "Initrd path    :  %s\n", s->initrd);
    fprintf(f, "\nNetworking Information\n----------------------\n");
    for (i = 0; i < s->nips; i++)
        fprintf(f, "IP Address %d   : %s [MAC: %s]\n", i + 1, s->ips[i],
                s->mac);
    if (s->dhcp)
        fprintf(f, "IP Address     : DHCP [MAC: %s]\n", s->mac);
    print_set(f, "Netmask        : ", s->netmask);
    print_set(f, "Broadcast      : ", s->broadcast);
    print_set(f, "Gateway        : ", s->gateway);
    print_set(f, "Nameserver     : ", s->nameserver);
    fflush(f);
}

static int render_cfg(struct xci *x, FILE *out)
{
    struct xci_conf vars = {0};
    char date[64], tpath[4096];
    const char *tp = x->s.template_path;
    char *text = NULL;
    time_t now = time(NULL);
    int rc;

    strftime(date, sizeof(date), "%a %b %e %H:%M:%S %Y", localtime(&now));
    if (!tp && !paths_get(tpath, sizeof(tpath), "/etc/xen-tools/xm.tmpl") &&
        access(tpath, R_OK) == 0)
        tp = tpath;
    if (tp && !(text = xci_slurp(tp))) {
        fprintf(stderr, "xen-create-image: cannot read template %s\n", tp);
        return -ENOENT;
    }
    rc = xci_tmpl_vars(&vars, &x->s, date);
    if (!rc)
        rc =
            xci_tmpl_render(text ? text : xci_tmpl_default, &vars, out, stderr);
    free(text);
    xci_conf_fini(&vars);
    return rc;
}

static int write_cfg(struct xci *x)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f;
    int rc;

    xci_say(&x->log, "\nCreating Xen configuration file");
    rc = xci_mkdir_p(x->output);
    if (rc)
        return rc;
    f = open_memstream(&text, &len);
    if (!f)
        return -errno;
    rc = render_cfg(x, f);
    if (fclose(f) && !rc)
        rc = -errno;
    /* Renamed over: the cfg appears whole or not at all. */
    if (!rc)
        rc = fs_write_atomic(x->cfg, text, len, 0666, 0);
    free(text);
    if (!rc)
        rc = xci_undo_push(x->made, XCI_UNDO_UNLINK, x->cfg, NULL);
    if (!rc)
        xci_say(&x->log, "Done");
    return rc;
}

static int set_password(struct xci *x)
{
    const struct xci_settings *s = &x->s;
    int rc = 0;

    if (s->password)
        snprintf(x->password, sizeof(x->password), "%s", s->password);
    else if (s->genpass)
        rc = xci_genpass(x->password, s->genpass_len);
    if (!rc && *x->password)
        rc = xci_hash_password(x->password, s->hash_method, x->hash,
                               sizeof(x->hash));
    return rc;
}

static int step(struct xci *x, const char *name, int rc, const char *where)
{
    if (!rc && interrupted)
        rc = -EINTR;
    if (rc && interrupted)
        xci_say(&x->log,
                "\nxen-create-image: step '%s' interrupted by "
                "signal %d",
                name, (int)interrupted);
    else if (rc)
        xci_say(&x->log, "\nxen-create-image: step '%s' failed%s%s: %s", name,
                where ? " in " : "", where ? where : "",
                rc == -ECHILD ? x->log.failed : strerror(-rc));
    return rc;
}

static int build(struct xci *x)
{
    struct xci_conf env = {0};
    char root[4096], failed[256] = "";
    int rc;

    rc = step(x, "partition/format",
              xci_storage_create(&x->log, &x->s, x->nodm, x->made), NULL);
    if (!rc)
        rc = xci_layout_path(root, sizeof(root), x->s.dir, x->s.lvm,
                             x->s.hostname, XCI_DISK_ROOT);
    if (!rc)
        rc = step(x, "mount",
                  xci_storage_mount(&x->log, root, !x->s.lvm, x->temp, x->mnt,
                                    sizeof(x->mnt)),
                  NULL);
    if (!rc)
        rc = step(x, "install", xci_install(&x->log, &x->s, x->mnt), NULL);
    if (!rc)
        rc = step(x, "password", set_password(x), NULL);
    if (!rc)
        rc = xci_hook_env(&env, &x->s, x->mnt, x->hash);
    if (!rc && x->s.hooks)
        rc = step(x, "hooks",
                  xci_run_hooks(&x->log, x->hookdir, x->mnt, &env, failed,
                                sizeof(failed)),
                  failed);
    if (!rc && x->s.nroles)
        rc =
            step(x, "roles",
                 xci_run_roles(&x->log, &x->s, x->roledir, x->mnt, &env), NULL);
    if (!rc && x->s.passwd)
        rc = step(
            x, "passwd",
            xci_run(&x->log,
                    (const char *[]){"chroot", x->mnt, "passwd", "root", NULL},
                    NULL, XCI_RUN_TTY),
            NULL);
    if (!rc)
        rc = step(x, "cfg", write_cfg(x), NULL);
    xci_conf_fini(&env);
    if (!rc)
        rc = step(x, "unmount", xci_undo_run(x->temp, &x->log), NULL);
    return rc;
}

static void summary(struct xci *x)
{
    const struct xci_settings *s = &x->s;
    int i;

    xci_say(&x->log, "\nInstallation Summary\n---------------------");
    xci_say(&x->log, "Hostname        :  %s", s->hostname);
    xci_say(&x->log, "Distribution    :  %s", s->dist);
    xci_say(&x->log, "MAC Address     :  %s", s->mac);
    if (s->dhcp)
        xci_say(&x->log, "IP Address(es)  :  dynamic");
    for (i = 0; i < s->nips; i++)
        xci_say(&x->log, "IP Address(es)  :  %s", s->ips[i]);
    /* The password goes to the terminal, never into the log. */
    fprintf(stdout, "Root Password   :  %s\n",
            s->genpass && *x->password ? x->password : "N/A");
    xci_say(&x->log, "Configuration   :  %s", x->cfg);
    xci_say(&x->log, "Log file        :  %s", x->logpath);
}

static int open_log(struct xci *x)
{
    char dir[4096];
    time_t now = time(NULL);
    int rc = paths_get(dir, sizeof(dir), "/var/log/xen-tools");

    if (!rc)
        rc = paths_mkdir("/var/log/xen-tools", 0755);
    if (rc)
        return rc;
    if (snprintf(x->logpath, sizeof(x->logpath), "%s/%s.log", dir,
                 x->s.hostname) >= (int)sizeof(x->logpath))
        return -ENAMETOOLONG;
    x->log.file = fopen(x->logpath, "ae");
    if (!x->log.file)
        return -errno;
    fprintf(x->log.file, "=== xen-create-image %s started %s", x->s.hostname,
            ctime(&now));
    return 0;
}

static int refuse_existing(struct xci *x)
{
    if (access(x->cfg, F_OK) == 0 && !x->s.force) {
        xci_say(&x->log,
                "The Xen configuration file %s exists\nSpecify --force to "
                "force overwriting it.\nAborting",
                x->cfg);
        return -EEXIST;
    }
    return xci_storage_check(&x->log, &x->s, x->nodm);
}

int main(int argc, char **argv)
{
    struct xci x = {0};
    struct sigaction sa = {.sa_handler = on_signal};
    int rc;

    x.log.term = stdout;
    rc = load_config(&x, argc, argv);
    if (rc)
        goto out;
    rc = xci_settings_resolve(&x.s, &x.conf, stderr);
    if (!rc)
        rc = resolve_paths(&x);
    if (!rc)
        rc = check_host(&x);
    if (rc)
        goto out;
    x.log.verbose = x.s.verbose;
    x.nodm = x.s.lvm && !xci_lvm_has_dm();
    if (x.s.dry_run) {
        print_info(&x, stdout);
        printf("\nDry run: would write %s:\n\n", x.cfg);
        rc = render_cfg(&x, stdout);
        goto out;
    }
    if (geteuid() != 0) {
        fprintf(stderr, "xen-create-image: must be run as root\n");
        rc = -EPERM;
        goto out;
    }
    rc = open_log(&x);
    if (!rc)
        rc = refuse_existing(&x);
    if (!rc)
        rc = xci_undo_create(&x.made);
    if (!rc)
        rc = xci_undo_create(&x.temp);
    if (rc)
        goto out;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
    print_info(&x, stdout);
    rc = build(&x);
    if (rc) {
        xci_say(&x.log, "Removing failed install: %s", x.s.hostname);
        xci_undo_run(x.temp, &x.log);
        xci_undo_run(x.made, &x.log);
        xci_say(&x.log, "See the log: %s", x.logpath);
        goto out;
    }
    xci_undo_forget(x.made);
    summary(&x);
    xci_say(&x.log, "All done");
out:
    xci_undo_destroy(x.temp);
    xci_undo_destroy(x.made);
    if (x.log.file)
        fclose(x.log.file);
    xci_settings_fini(&x.s);
    xci_conf_fini(&x.conf);
    return rc < 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}
