/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xenstored.c: the daemon: cxenstored's options, the unix sockets, the
 * domain rings' event channels, one poll loop, pid file, log file under
 * /var/log/xen, the state file under /var/lib/xen (a restart, even after
 * kill -9, keeps the store and the guests' rings), clean shutdown on
 * SIGTERM/SIGINT.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xen/io/xs_wire.h>

#include "lib/log.h"
#include "lib/parse.h"
#include "lib/paths.h"
#include "lib/pidfile.h"
#include "store/domain_hv.h"
#include "store/socket.h"
#include "store/store.h"

#define MAX_FDS 4096

static volatile sig_atomic_t quit;
static volatile sig_atomic_t reopen;

static void on_signal(int sig)
{
    quit = sig;
}

/* SIGHUP: reopen the log file (logrotate), as Xen's xenstored does. */
static void on_hup(int sig)
{
    (void)sig;
    reopen = 1;
}

struct opts {
    struct xsd_limits lim;
    const char *pidfile;
    const char *tracefile;
    int fork;
    int output_pid;
    int verbose;
    int keep_orphans;
    const char *state_file;
};

static void usage(FILE *f)
{
    fprintf(
        f,
        "Usage: xenstored [options]\n"
        "  -F, --pid-file <file>    write the daemon's pid to <file>\n"
        "  -N, --no-fork            stay in the foreground\n"
        "  -P, --output-pid         print the daemon's pid\n"
        "  -T, --trace-file <file>  trace every message to <file>\n"
        "  -D, --no-domain-init     accepted for compatibility\n"
        "  -E, --entry-nb <nb>      nodes per domain (1000)\n"
        "  -S, --entry-size <size>  bytes per node value (2048)\n"
        "  -W, --watch-nb <nb>      watches per domain (128)\n"
        "  -t, --transaction <nb>   transactions per connection (10)\n"
        "  -A, --perm-nb <nb>       permissions per node (5)\n"
        "  -M, --path-max <chars>   path length below a domain home\n"
        "  -K, --keep-orphans       give a released domain's nodes to dom0\n"
        "  -Q, --quota <what>=<nb>  outstanding, transaction-nodes,\n"
        "                           memory, nodes, watches, ...\n"
        "      --state-file <file>  the store across restarts (default\n"
        "                           /var/lib/xen/xenstored.state; none: off)\n"
        "  -V, --verbose            debug logging\n"
        "  -H, --help               this text\n"
        "Accepted and ignored (cxenstored): -e -m -p -q -w -R -I\n"
        "Socket: $XENSTORED_PATH, else $PVSTACK_ROOT/run/xenstored/socket\n");
}

static unsigned int optnum(const char *arg)
{
    long long v;

    if (parse_ll(arg, 10, 0, INT32_MAX, &v))
        fatalx("invalid parameter value \"%s\"", arg);
    return (unsigned int)v;
}

static void parse_opts(int argc, char **argv, struct opts *o)
{
    static const struct option lo[] = {{"no-domain-init", 0, NULL, 'D'},
                                       {"entry-nb", 1, NULL, 'E'},
                                       {"pid-file", 1, NULL, 'F'},
                                       {"help", 0, NULL, 'H'},
                                       {"no-fork", 0, NULL, 'N'},
                                       {"output-pid", 0, NULL, 'P'},
                                       {"entry-size", 1, NULL, 'S'},
                                       {"trace-file", 1, NULL, 'T'},
                                       {"transaction", 1, NULL, 't'},
                                       {"perm-nb", 1, NULL, 'A'},
                                       {"path-max", 1, NULL, 'M'},
                                       {"quota", 1, NULL, 'Q'},
                                       {"verbose", 0, NULL, 'V'},
                                       {"watch-nb", 1, NULL, 'W'},
                                       {"keep-orphans", 0, NULL, 'K'},
                                       {"state-file", 1, NULL, 's'},
                                       /* cxenstored's, accepted, unused */
                                       {"event", 1, NULL, 'e'},
                                       {"master-domid", 1, NULL, 'm'},
                                       {"priv-domid", 1, NULL, 'p'},
                                       {"quota-soft", 1, NULL, 'q'},
                                       {"timeout", 1, NULL, 'w'},
                                       {"no-recovery", 0, NULL, 'R'},
                                       {"internal-db", 2, NULL, 'I'},
                                       {NULL, 0, NULL, 0}};
    int c;

    memset(o, 0, sizeof(*o));
    xsd_limits_default(&o->lim);
    o->fork = 1;
    while ((c = getopt_long(argc, argv,
                            "DE:F:HI::KNPRS:T:t:A:M:Q:VW:e:m:p:q:w:", lo,
                            NULL)) != -1) {
        switch (c) {
        case 'D':
            break;
        case 'e':
        case 'm':
        case 'p':
        case 'q':
        case 'w':
        case 'R':
        case 'I':
            /*
             * Drop-in for cxenstored command lines: stubdom, soft-quota,
             * watch-timeout and database options mean nothing here.
             */
            log_info("option -%c ignored", c);
            break;
        case 'E':
            o->lim.entries = optnum(optarg);
            break;
        case 'F':
            o->pidfile = optarg;
            break;
        case 'H':
            usage(stdout);
            exit(EXIT_SUCCESS);
        case 'K':
            o->keep_orphans = 1;
            break;
        case 's': /* --state-file only: no short option in Xen */
            o->state_file = optarg;
            break;
        case 'N':
            o->fork = 0;
            break;
        case 'P':
            o->output_pid = 1;
            break;
        case 'S':
            o->lim.entry_size = optnum(optarg);
            break;
        case 'T':
            o->tracefile = optarg;
            break;
        case 't':
            o->lim.transactions = optnum(optarg);
            break;
        case 'A':
            o->lim.perms = optnum(optarg);
            break;
        case 'M':
            o->lim.path_max = optnum(optarg);
            if (o->lim.path_max > XENSTORE_REL_PATH_MAX)
                o->lim.path_max = XENSTORE_REL_PATH_MAX;
            break;
        case 'Q':
            if (xsd_limits_set_quota(&o->lim, optarg))
                fatalx("unknown quota \"%s\"", optarg);
            break;
        case 'V':
            o->verbose = 1;
            break;
        case 'W':
            o->lim.watches = optnum(optarg);
            break;
        default:
            usage(stderr);
            exit(EXIT_FAILURE);
        }
    }
    /* cxenstored ignores stray words too ("-I off" leaves "off") */
    if (optind != argc)
        log_info("ignoring argument \"%s\"", argv[optind]);
}

/* Logs go to root/var/log/xen/xenstored.log, through stderr. */
static void open_log(void)
{
    char path[4096];
    int fd;

    if (paths_mkdir("/var/log/xen", 0755) ||
        paths_get(path, sizeof(path), "/var/log/xen/xenstored.log"))
        fatalx("cannot create the log directory");
    fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (fd < 0)
        fatal("%s", path);
    if (dup2(fd, STDERR_FILENO) < 0)
        fatal("dup2");
    close(fd);
}

static void daemonize(int output_pid)
{
    pid_t pid = fork();
    int fd;

    if (pid < 0)
        fatal("fork");
    if (pid > 0) {
        if (output_pid)
            printf("%d\n", (int)pid);
        exit(EXIT_SUCCESS);
    }
    setsid();
    fd = open("/dev/null", O_RDWR | O_CLOEXEC);
    if (fd >= 0) {
        dup2(fd, STDIN_FILENO);
        dup2(fd, STDOUT_FILENO);
        close(fd);
    }
}

/*
 * The pid file is locked for the daemon's life: a file nobody holds is a
 * dead daemon's (kill -9), whatever pid it names, and is taken over.
 */
static int write_pidfile(const char *path)
{
    int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    char buf[32];
    ssize_t n;

    if (fd < 0)
        fatal("%s", path);
    if (flock(fd, LOCK_EX | LOCK_NB)) {
        n = pread(fd, buf, sizeof(buf) - 1, 0);
        buf[n > 0 ? n : 0] = '\0';
        buf[strcspn(buf, "\n")] = '\0';
        fatalx("%s: xenstored (pid %s) is running", path, buf);
    }
    n = snprintf(buf, sizeof(buf), "%d\n", (int)getpid());
    if (ftruncate(fd, 0) || pwrite(fd, buf, (size_t)n, 0) != n)
        fatal("%s", path);
    return fd; /* held open: the lock is the liveness */
}

/* The engine says domains shut down or died: tell the store. */
static void liveness(struct xsd *x, struct domain_hv *hv)
{
    uint32_t domid;
    int state;

    while (domain_hv_watch_read(hv, &domid, &state)) {
        if (state == DOMAIN_HV_GONE && xsd_domain_find(x, domid)) {
            log_info("dom %u: gone, released", domid);
            xsd_domain_dead(x, domid);
        } else if (state == DOMAIN_HV_SHUTDOWN) {
            xsd_domain_shutdown(x, domid);
        }
    }
}

static void serve(struct xsd *x, struct sock_server *s, struct sock_server *ro,
                  struct domain_hv *hv, const sigset_t *waitmask)
{
    struct pollfd *fds = calloc(MAX_FDS, sizeof(*fds));
    struct xs_domain **doms = calloc(MAX_FDS, sizeof(*doms));
    uint32_t *ids = calloc(MAX_FDS, sizeof(*ids));

    if (!fds || !doms || !ids)
        fatalx("out of memory");
    while (!quit) {
        size_t nrw = sock_server_pollfds(s, fds, MAX_FDS / 4);
        size_t ns = nrw + sock_server_pollfds(ro, fds + nrw, MAX_FDS / 4);
        size_t n = ns, nd = 0, nids = 0, i;
        struct xs_domain *d = NULL;
        struct timespec ts;
        int sync_ms;

        while ((d = xsd_domain_next(x, d)) && n < MAX_FDS - 1) {
            int fd = domain_hv_fd(hv, xsd_domain_handle(d));

            ids[nids++] = xsd_domain_id(d);
            if (fd < 0 || !xsd_domain_alive(d))
                continue;
            fds[n] = (struct pollfd){.fd = fd, .events = POLLIN};
            doms[nd++] = d;
            n++;
        }
        domain_hv_watch_set(hv, ids, nids);
        fds[n++] =
            (struct pollfd){.fd = domain_hv_watch_fd(hv), .events = POLLIN};
        sync_ms = xsd_state_sync(x);
        if (sync_ms >= 0) {
            ts.tv_sec = sync_ms / 1000;
            ts.tv_nsec = (long)(sync_ms % 1000) * 1000000;
        }
        if (ppoll(fds, n, sync_ms >= 0 ? &ts : NULL, waitmask) < 0) {
            if (errno != EINTR)
                fatal("poll");
            if (reopen) {
                reopen = 0;
                open_log();
                log_info("log reopened");
            }
            continue;
        }
        sock_server_handle(s, fds, nrw);
        sock_server_handle(ro, fds + nrw, ns - nrw);
        for (i = 0; i < nd; i++) {
            if (!(fds[ns + i].revents & POLLIN))
                continue;
            domain_hv_ack(hv, xsd_domain_handle(doms[i]));
            xsd_domain_pump(doms[i]); /* a broken ring is logged inside */
        }
        /* last: it may free domains doms[] points at */
        if (fds[n - 1].revents & POLLIN)
            liveness(x, hv);
    }
    free(ids);
    free(doms);
    free(fds);
}

int main(int argc, char **argv)
{
    struct sock_server *s = NULL, *ro = NULL;
    struct domain_hv *hv = NULL;
    struct xsd *x = NULL;
    FILE *trace = NULL;
    char sock[4096], state[4096];
    int state_rc, pidfd = -1;
    struct opts o;
    sigset_t block, waitmask;
    struct sigaction sa = {.sa_handler = on_signal};
    struct sigaction hup = {.sa_handler = on_hup};
    int rc;

    log_procinit("xenstored");
    parse_opts(argc, argv, &o);
    log_init(1, o.verbose);
    if (paths_xenstored_socket(sock, sizeof(sock)))
        fatalx("socket path too long");
    if (!getenv("XENSTORED_PATH") && paths_mkdir("/run/xenstored", 0755))
        fatalx("cannot create the socket directory");
    rc = xsd_create(&o.lim, &x);
    if (rc)
        fatalx("cannot create the store: %s", strerror(-rc));
    xsd_set_keep_orphans(x, o.keep_orphans);
    if (!o.state_file &&
        (paths_mkdir("/var/lib/xen", 0755) ||
         paths_get(state, sizeof(state), "/var/lib/xen/xenstored.state")))
        fatalx("cannot create /var/lib/xen");
    if (!o.state_file)
        o.state_file = state;
    else if (!*o.state_file || !strcmp(o.state_file, "none"))
        o.state_file = NULL;
    /* first: the state's lock says whether another xenstored runs */
    state_rc = o.state_file ? xsd_state_open(x, o.state_file) : 0;
    if (state_rc == -EBUSY)
        fatalx("%s: locked by a running xenstored", o.state_file);
    rc = sock_server_create(x, sock, 0, &s);
    if (rc)
        fatalx("%s: %s", sock, strerror(-rc));
    /*
     * Xen before 4.16 had a read-only socket beside the main one; 4.17's
     * libxenstore uses the main path for both, older clients ask for it.
     */
    if (strlen(sock) + 4 > sizeof(sock))
        fatalx("socket path too long");
    strcat(sock, "_ro");
    rc = sock_server_create(x, sock, XSD_CONN_RO, &ro);
    if (rc)
        log_warnx("%s: %s (no read-only socket)", sock, strerror(-rc));
    sock[strlen(sock) - 3] = '\0';
    open_log();
    if (o.fork)
        daemonize(o.output_pid);
    else if (o.output_pid)
        printf("%d\n", (int)getpid()), fflush(stdout);
    if (o.pidfile)
        pidfd = write_pidfile(o.pidfile);
    if (o.tracefile) {
        trace = fopen(o.tracefile, "ae");
        if (!trace)
            fatal("%s", o.tracefile);
        setvbuf(trace, NULL, _IOLBF, 0);
        xsd_set_trace(x, trace);
    }
    if (state_rc == -ESTALE)
        log_info("%s: from an earlier boot, starting empty", o.state_file);
    else if (state_rc)
        log_warnx("%s: %s (store starts as loaded so far)", o.state_file,
                  strerror(-state_rc));
    rc = domain_hv_open(x, &hv);
    if (rc == -ENOSYS)
        log_info("built without a hypervisor engine: XS_INTRODUCE "
                 "answers ENOSYS");
    else if (rc)
        log_warnx("no hypervisor engine (%s): XS_INTRODUCE answers ENOSYS",
                  strerror(-rc));
    if (o.state_file) {
        unsigned int back = 0;

        rc = xsd_state_start(x, &back);
        if (rc)
            log_warnx("%s: %s: changes are not durable", o.state_file,
                      strerror(-rc));
        log_info("store in %s; %u domain ring(s) reattached", o.state_file,
                 back);
    }
    rc = domain_hv_dom0(hv, x);
    if (rc == 0)
        log_info("serving dom0's kernel xenbus");
    else if (rc != -ENODEV)
        log_warnx("dom0's xenbus ring: %s", strerror(-rc));

    sigemptyset(&block);
    sigaddset(&block, SIGTERM);
    sigaddset(&block, SIGINT);
    sigaddset(&block, SIGHUP);
    sigprocmask(SIG_BLOCK, &block, &waitmask);
    sigdelset(&waitmask, SIGTERM);
    sigdelset(&waitmask, SIGINT);
    sigdelset(&waitmask, SIGHUP);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGHUP, &hup, NULL);
    signal(SIGPIPE, SIG_IGN);

    log_info("listening on %s (pid %d)", sock, (int)getpid());
    serve(x, s, ro, hv, &waitmask);
    log_info("signal %d: shutting down", (int)quit);

    sock_server_destroy(ro);
    sock_server_destroy(s);
    xsd_state_close(x);
    xsd_destroy(x);
    domain_hv_close(hv);
    if (trace)
        fclose(trace);
    if (o.pidfile) {
        unlink(o.pidfile);
        close(pidfd);
    }
    return EXIT_SUCCESS;
}
