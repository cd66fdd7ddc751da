/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * cmd_migrate.c: xm migrate and xm migrate-receive, xl's protocol
 * (xl_migrate.c) over `<sshcommand> <host> xm migrate-receive`'s stdin and
 * stdout: the receiver's banner, the save image (xl's framing), "domain
 * received, ready to unpause", the sender renames its copy
 * <name>--migratedaway and gives permission to go, the receiver renames
 * its <name>--incoming back, starts it and reports one status byte; the
 * sender destroys its copy, or resumes it if the receiver failed.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <xenstore.h>

#include "cfg/cfg.h"
#include "dm/dm.h"
#include "dm/hvm.h"
#include "domain/domain.h"
#include "domain/save.h"
#include "xm/dom.h"
#include "xm/xm.h"
#include "lib/fs.h"

/* xl.h's messages, byte for byte (the NULs are sent where xl sends them). */
static const char banner[] =
    "xl migration receiver ready, send binary domain data.\n";
static const char ready[] = "domain received, ready to unpause";
static const char go[] = "domain is yours, you are cleared to unpause";
static const char report[] = "my copy unpause results are as follows";

/* QEMU sets the stream's fds non-blocking, on the file description we
 * share with it: the handshake after the stream wants them blocking. */
static void blocking(int fd)
{
    int fl = fcntl(fd, F_GETFL);

    if (fl >= 0 && (fl & O_NONBLOCK))
        fcntl(fd, F_SETFL, fl & ~O_NONBLOCK);
}

/* xl's migrate_read_fixedmessage. */
static int read_fixed(struct xm *xm, int fd, const char *msg, size_t len,
                      const char *what, const char *rune)
{
    char buf[128];
    int rc;

    rc = fs_read_all(fd, buf, len);
    if (rc == 0 && memcmp(buf, msg, len))
        rc = -EPROTO;
    if (rc)
        fprintf(xm->err, "%s %s %s%s%s\n",
                rune ? "migration sender:" : "migration target:", what,
                rc == -EPROTO ? "contained unexpected data" : "not received",
                rune ? " (command run was: " : "", rune ? rune : "");
    if (rc && rune)
        fputs(")\n", xm->err);
    return rc;
}

/* `/bin/sh -c "exec <ssh> <host> xm migrate-receive"`, as xl runs it. */
static pid_t spawn(const char *rune, int *send_fd, int *recv_fd)
{
    int to[2], from[2];
    pid_t pid;

    if (pipe2(to, O_CLOEXEC) || pipe2(from, O_CLOEXEC))
        return -1;
    pid = fork();
    if (pid == 0) {
        dup2(to[0], 0);
        dup2(from[1], 1);
        execl("/bin/sh", "sh", "-c", rune, (char *)NULL);
        _exit(127);
    }
    close(to[0]);
    close(from[1]);
    *send_fd = to[1];
    *recv_fd = from[0];
    return pid;
}

struct mig {
    struct xm *xm;
    struct xs_handle *xs;
    struct domain_ctx c;
    uint32_t domid;
    char name[128], away[160];
    int was_paused, renamed;
};

static void resume(struct mig *m)
{
    if (m->renamed)
        domain_rename(&m->c, m->xs, m->domid, m->name);
    m->renamed = 0;
    fprintf(m->xm->err, "migration sender: Trying to resume at our end.\n");
    domain_save_resume(&m->c, m->xs, m->domid, m->was_paused);
}

/* The sender's side once the receiver runs. 0 or -errno. */
static int send_domain(struct mig *m, int send_fd, int recv_fd,
                       const char *rune, unsigned flags, const char *json)
{
    struct domain_save_stats st;
    char status;
    int rc;

    if (read_fixed(m->xm, recv_fd, banner, sizeof(banner) - 1, "banner", rune))
        return -EPROTO;
    fprintf(m->xm->err, "migration sender: Target has acknowledged "
                        "the banner, sending the domain.\n");
    rc = domain_save_fd(&m->c, m->xs, m->domid, send_fd, flags, json, &st);
    if (rc < 0) {
        resume(m);
        return rc;
    }
    blocking(send_fd);
    if (st.downtime_ms >= 0)
        fprintf(m->xm->err, "migration sender: downtime %lld ms\n",
                st.downtime_ms);
    if (st.pages_sent >= 0 && st.pages_ram > 0)
        fprintf(m->xm->err,
                "migration sender: %lld pages sent of %lld (%lld rounds)\n",
                st.pages_sent, st.pages_ram, st.rounds);
    if (read_fixed(m->xm, recv_fd, ready, sizeof(ready), "ready message",
                   rune)) {
        resume(m);
        return -EPROTO;
    }
    fprintf(m->xm->err,
            "migration sender: Target has acknowledged transfer.\n");
    if (domain_rename(&m->c, m->xs, m->domid, m->away) < 0) {
        resume(m);
        return -EIO;
    }
    m->renamed = 1;
    /* Point of no return: once go is sent, only the receiver's word lets
     * us resume (the domain keeps the --migratedaway name meanwhile). */
    fprintf(m->xm->err,
            "migration sender: Giving target permission to start.\n");
    if (fs_write_all(send_fd, go, sizeof(go)) ||
        read_fixed(m->xm, recv_fd, report, sizeof(report),
                   "success/failure report message", rune) ||
        fs_read_all(recv_fd, &status, 1)) {
        fprintf(m->xm->err, "** Migration failed during final handshake **\n"
                            "Domain state is now undefined.\n"
                            "Please CHECK AT BOTH ENDS for running "
                            "instances, before renaming and resuming.\n");
        return -EIO;
    }
    if (status) {
        fprintf(m->xm->err,
                "migration sender: Target reports startup failure (status "
                "code %d).\n",
                status);
        if (read_fixed(m->xm, recv_fd, go, sizeof(go),
                       "permission for sender to resume", rune))
            return -EIO;
        resume(m);
        return -EIO;
    }
    fprintf(m->xm->err, "migration sender: Target reports successful "
                        "startup.\n");
    domain_destroy(&m->c, m->xs, m->domid);
    fprintf(m->xm->err, "Migration successful.\n");
    return 0;
}

/* -C: that config (its name must be the domain's) as libxl JSON. */
static int config_json(struct xm *xm, const char *path, char **json)
{
    struct domain_config *cfg = NULL;
    int rc;

    *json = NULL;
    if (!path)
        return 0;
    if (cfg_parse_file(path, NULL, &cfg, xm->err))
        return -EINVAL;
    rc = domain_config_to_json(cfg, json);
    domain_config_free(cfg);
    return rc;
}

int cmd_migrate(struct xm *xm, int argc, char **argv)
{
    static const struct option lo[] = {
        {"live", 0, NULL, 'L'}, {"debug", 0, NULL, 'd'}, {NULL, 0, NULL, 0}};
    const char *ssh = "ssh", *cfgfile = NULL;
    struct mig m = {.xm = xm};
    struct domain_info info;
    char *rune = NULL, *json = NULL;
    int opt, no_monitor = 0, send_fd = -1, recv_fd = -1, rc, st;
    unsigned flags = 0;
    pid_t child;

    while ((opt = xm_getopt(xm, argc, argv, "s:eC:d", lo, 2)) != -1) {
        if (opt == XM_OPT_HELP)
            return EXIT_SUCCESS;
        if (opt == XM_OPT_ERR)
            return EXIT_FAILURE;
        if (opt == 's')
            ssh = optarg;
        if (opt == 'e')
            no_monitor = 1;
        if (opt == 'C')
            cfgfile = optarg;
        if (opt == 'L')
            flags |= DOMAIN_SAVE_LIVE;
    }
    if (config_json(xm, cfgfile, &json) < 0)
        return EXIT_FAILURE;
    if (dom_daemons_start(xm, 0) < 0 || !(m.xs = dom_xs_open(xm))) {
        free(json);
        return EXIT_FAILURE;
    }
    rc = dom_resolve(xm, m.xs, argv[optind], &m.domid, m.name, sizeof(m.name));
    if (rc < 0)
        goto out;
    dom_ctx(xm, &m.c);
    snprintf(m.away, sizeof(m.away), "%s--migratedaway", m.name);
    m.was_paused = domain_info(m.xs, m.domid, &info) == 0 && info.paused;
    /* xl: an empty -s runs <host> itself as the command. */
    if ((ssh[0] ? asprintf(&rune, "exec %s %s xm migrate-receive%s", ssh,
                           argv[optind + 1], no_monitor ? " -e" : "")
                : asprintf(&rune, "%s", argv[optind + 1])) < 0) {
        rc = -ENOMEM;
        goto out;
    }
    child = spawn(rune, &send_fd, &recv_fd);
    if (child < 0) {
        rc = -errno;
        xm_err(xm, "migrate: cannot run %s: %s", rune, strerror(errno));
        goto out;
    }
    /* A receiver that exits early must not kill us with SIGPIPE. */
    signal(SIGPIPE, SIG_IGN);
    rc = send_domain(&m, send_fd, recv_fd, rune, flags, json);
    close(send_fd);
    close(recv_fd);
    while (waitpid(child, &st, 0) < 0 && errno == EINTR)
        ;
    if (rc < 0 && !m.renamed)
        fprintf(xm->err, "Migration failed, resuming at sender.\n");
out:
    free(rune);
    free(json);
    xs_close(m.xs);
    return rc < 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}

/* The receiver's side, once its copy is built (paused, --incoming). */
static int start_copy(struct xm *xm, struct domain_ctx *c, struct xs_handle *xs,
                      uint32_t domid, int paused)
{
    char name[160], *dash;
    int rc;

    fprintf(xm->err, "migration target: Transfer complete, requesting "
                     "permission to start domain.\n");
    if (fs_write_all(1, ready, sizeof(ready)) < 0 ||
        read_fixed(xm, 0, go, sizeof(go), "GO message", NULL))
        return -EPIPE;
    fprintf(xm->err, "migration target: Got permission, starting domain.\n");
    rc = domain_name(xs, domid, name, sizeof(name));
    dash = rc == 0 ? strstr(name, "--incoming") : NULL;
    if (dash) {
        *dash = '\0';
        rc = domain_rename(c, xs, domid, name);
    }
    if (rc == 0 && !paused)
        rc = domain_unpause(domid);
    if (rc == 0)
        fprintf(xm->err, "migration target: Domain started successsfully.\n");
    return rc;
}

int cmd_migrate_receive(struct xm *xm, int argc, char **argv)
{
    /* the copy is always restored paused; -p: it stays so after */
    static const struct xm_flag fl[] = {{'e', DOMAIN_RESTORE_NO_MONITOR},
                                        {'d', 0},
                                        {'p', DOMAIN_RESTORE_PAUSED},
                                        {0, 0}};
    struct domain_ctx c;
    struct xs_handle *xs;
    unsigned flags, set;
    uint32_t domid;
    int paused, lock;
    char status;
    int rc = xm_flag_options(xm, argc, argv, fl, NULL, 0, &set);

    if (rc != -1)
        return rc;
    paused = !!(set & DOMAIN_RESTORE_PAUSED);
    flags = DOMAIN_RESTORE_PAUSED | DOMAIN_RESTORE_INCOMING |
            (set & DOMAIN_RESTORE_NO_MONITOR);
    /* stdout is the protocol's: nothing else may be written there. */
    signal(SIGPIPE, SIG_IGN);
    if (dom_daemons_start(xm, 0) < 0 || !(xs = dom_xs_open(xm)))
        return EXIT_FAILURE;
    dom_ctx(xm, &c);
    fprintf(xm->err, "migration target: Ready to receive domain.\n");
    if (fs_write_all(1, banner, sizeof(banner) - 1) < 0) {
        xs_close(xs);
        return EXIT_FAILURE;
    }
    /* xl's create_domain holds xl.conf's lockfile while the copy is
     * built (not through the handshake after). */
    lock = xm_xlconf_lock(xm);
    rc = lock < 0 ? lock
                  : domain_restore_fd(&c, xs, 0, "incoming migration stream",
                                      NULL, flags, &domid);
    xm_xlconf_unlock(lock);
    if (rc < 0) {
        fprintf(xm->err,
                "migration target: Domain creation failed (code %d).\n", rc);
        xs_close(xs);
        return EXIT_FAILURE;
    }
    blocking(0);
    blocking(1);
    rc = start_copy(xm, &c, xs, domid, paused);
    status = (char)(rc < 0 ? 1 : 0);
    if (fs_write_all(1, report, sizeof(report)) == 0)
        fs_write_all(1, &status, 1);
    if (rc < 0) {
        fprintf(xm->err, "migration target: Failure, destroying our copy.\n");
        domain_destroy(&c, xs, domid);
        fprintf(xm->err, "migration target: Cleanup OK, granting sender "
                         "permission to resume.\n");
        fs_write_all(1, go, sizeof(go));
        xs_close(xs);
        return EXIT_FAILURE;
    }
    fprintf(xm->err, "migration target: All done.\n");
    xs_close(xs);
    return EXIT_SUCCESS;
}
