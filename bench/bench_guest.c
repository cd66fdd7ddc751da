/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * bench_guest.c: blk and net throughput measured through a real guest
 * (the bundled kernel's bench=..., guest/bench.c) against the host doing
 * the same I/O. bench/guest.bash runs the guests with xm and measures;
 * this program is what `make bench` runs and the script's host side:
 *   bench_guest                          run bench/guest.bash
 *   bench_guest record NAME VALUE BASELINE UNIT
 *   bench_guest prefill FILE MB          an image of stamped sectors (gen 0)
 *   bench_guest check FILE GEN           every sector carries gen's stamp
 *   bench_guest host FILE BS seq|rand read|write QD [ops=N] [gen=G]
 *       the guest's run, on the host: O_DIRECT, QD in flight (io_uring),
 *       the same stamps written and checked; prints the guest's line format
 *   bench_guest sink PORT N              count UDP frames to PORT (N expected)
 *   bench_guest tapsend BRIDGE SIZE N DSTMAC DSTIP PORT
 *       the guest's frames written into a new tap on BRIDGE (the baseline)
 * A sector's stamp (guest/bench.c): its number at 0, magic ^ gen at 8, the
 * number inverted at 504.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <liburing.h>
#include <linux/if_tun.h>
#include <net/if.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "results.h"

#define STAMP_MAGIC 0x5056424e43482100ULL
#define MIB (1024 * 1024ULL)
#define MAX_QD 32

static uint64_t now_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static uint64_t rnd(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

/* Stamps, clears or checks nsect sectors from sector; returns bad ones. */
static unsigned stamps(uint8_t *buf, uint64_t sector, unsigned nsect,
                       uint64_t gen, int op)
{
    unsigned k, bad = 0;

    for (k = 0; k < nsect; k++, sector++) {
        uint64_t *a = (uint64_t *)(buf + k * 512);
        uint64_t *b = a + 1, *c = a + 63;
        if (op == 0) {
            *a = sector, *b = STAMP_MAGIC ^ gen, *c = ~sector;
        } else if (op == 1) {
            *a = *b = *c = 0;
        } else if (*a != sector || *b != (STAMP_MAGIC ^ gen) || *c != ~sector) {
            bad++;
        }
    }
    return bad;
}

static int prefill(const char *path, uint64_t mb)
{
    uint8_t *buf = malloc(MIB);
    uint64_t i;
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);

    if (fd < 0 || !buf) {
        perror(path);
        return 1;
    }
    memset(buf, 0xa5, MIB);
    for (i = 0; i < mb; i++) {
        stamps(buf, i * (MIB / 512), MIB / 512, 0, 0);
        if (write(fd, buf, MIB) != (ssize_t)MIB) {
            perror(path);
            return 1;
        }
    }
    fsync(fd);
    close(fd);
    free(buf);
    return 0;
}

static int check(const char *path, uint64_t gen)
{
    uint8_t *buf = malloc(MIB);
    uint64_t sector = 0, bad = 0;
    ssize_t n;
    int fd = open(path, O_RDONLY | O_CLOEXEC);

    if (fd < 0 || !buf) {
        perror(path);
        return 1;
    }
    while ((n = read(fd, buf, MIB)) > 0) {
        bad += stamps(buf, sector, (unsigned)(n / 512), gen, 2);
        sector += (uint64_t)n / 512;
    }
    close(fd);
    free(buf);
    printf("check: %llu sectors, %llu without gen %llu's stamp\n",
           (unsigned long long)sector, (unsigned long long)bad,
           (unsigned long long)gen);
    return bad || !sector ? 1 : 0;
}

/* The guest's blk run on the host, same pattern, depth and stamps. */
static int host_blk(int argc, char **argv)
{
    const char *path = argv[0];
    uint64_t bs = strtoull(argv[1], NULL, 10), ops = 0, gen = 0, v;
    int seq = !strcmp(argv[2], "seq"), wr = !strcmp(argv[3], "write");
    unsigned qd = (unsigned)atoi(argv[4]), nsect, i, inflight = 0;
    uint64_t issued = 0, done = 0, nblocks, seed = 0x9e3779b97f4a7c15ULL;
    uint64_t sect[MAX_QD], t0, ns, verified = 0, size;
    struct io_uring ring;
    struct io_uring_cqe *cqe;
    uint8_t *buf[MAX_QD];
    int fd, busy[MAX_QD] = {0};
    const char *why = NULL;

    for (i = 5; i < (unsigned)argc; i++) {
        if (sscanf(argv[i], "ops=%llu", (unsigned long long *)&v) == 1)
            ops = v;
        else if (sscanf(argv[i], "gen=%llu", (unsigned long long *)&v) == 1)
            gen = v;
    }
    fd = open(path, (wr ? O_RDWR : O_RDONLY) | O_DIRECT | O_CLOEXEC);
    if (fd < 0 || !bs || bs % 4096 || !qd || qd > MAX_QD ||
        io_uring_queue_init(MAX_QD, &ring, 0)) {
        fprintf(stderr, "bench_guest host: %s: cannot set up\n", path);
        return 1;
    }
    size = (uint64_t)lseek(fd, 0, SEEK_END);
    nsect = (unsigned)(bs / 512);
    nblocks = size / bs;
    ops = seq ? nblocks : (ops ? ops : 4096);
    for (i = 0; i < qd; i++)
        if (posix_memalign((void **)&buf[i], 4096, bs))
            return 1;
    t0 = now_ns();
    while (done < ops && !why) {
        for (i = 0; i < qd && issued < ops; i++) {
            struct io_uring_sqe *sqe;
            if (busy[i])
                continue;
            sect[i] = (seq ? issued : rnd(&seed) % nblocks) * nsect;
            stamps(buf[i], sect[i], nsect, gen, wr ? 0 : 1);
            sqe = io_uring_get_sqe(&ring);
            if (wr)
                io_uring_prep_write(sqe, fd, buf[i], (unsigned)bs,
                                    sect[i] * 512);
            else
                io_uring_prep_read(sqe, fd, buf[i], (unsigned)bs,
                                   sect[i] * 512);
            io_uring_sqe_set_data64(sqe, i);
            busy[i] = 1;
            issued++;
            inflight++;
        }
        io_uring_submit_and_wait(&ring, 1);
        while (io_uring_peek_cqe(&ring, &cqe) == 0) {
            i = (unsigned)io_uring_cqe_get_data64(cqe);
            if (cqe->res != (int)bs)
                why = "I/O failed";
            else if (!wr && stamps(buf[i], sect[i], nsect, gen, 2))
                why = "data read differs from the stamps written";
            else if (!wr)
                verified += nsect;
            io_uring_cqe_seen(&ring, cqe);
            busy[i] = 0;
            inflight--;
            done++;
        }
    }
    ns = now_ns() - t0;
    printf("host blk: %s%s%sop=%s pattern=%s bs=%llu qd=%u ops=%llu "
           "bytes=%llu ns=%llu kibps=%llu iops=%llu verified=%llu gen=%llu%s\n",
           why ? "FAIL " : "PASS ", why ? why : "", why ? " (" : "",
           wr ? "write" : "read", seq ? "seq" : "rand", (unsigned long long)bs,
           qd, (unsigned long long)done, (unsigned long long)(done * bs),
           (unsigned long long)ns,
           (unsigned long long)(done * bs / 1024 * 1000000000ULL / ns),
           (unsigned long long)(done * 1000000000ULL / ns),
           (unsigned long long)verified, (unsigned long long)gen,
           why ? ")" : "");
    io_uring_queue_exit(&ring);
    close(fd);
    return why ? 1 : 0;
}

/* Counts, checks and de-duplicates the guest's (or tapsend's) frames. */
static int sink(uint16_t port, uint64_t n)
{
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(port)};
    uint8_t *seen = calloc(n / 8 + 1, 1), buf[2048];
    uint64_t frames = 0, bytes = 0, bad = 0, dup = 0, first = 0, last = 0;
    int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), sz = 32 << 20;
    struct pollfd p = {.fd = fd, .events = POLLIN};

    if (fd < 0 || !seen || bind(fd, (struct sockaddr *)&a, sizeof(a))) {
        perror("bench_guest sink");
        return 1;
    }
    setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &sz, sizeof(sz));
    printf("sink: ready on port %u\n", port);
    fflush(stdout);
    /* 60 s for the first frame, then done at n or after 2 s of silence */
    while (frames < n && poll(&p, 1, frames ? 2000 : 60000) > 0) {
        ssize_t len;
        while ((len = recv(fd, buf, sizeof(buf), MSG_DONTWAIT)) >= 0) {
            uint32_t seq;
            ssize_t i;
            last = now_ns();
            if (!frames)
                first = last;
            frames++;
            bytes += (uint64_t)len + 42; /* the frame, as the guest counts */
            if (len < 8 || memcmp(buf, "PVBN", 4)) {
                bad++;
                continue;
            }
            seq = (uint32_t)buf[4] << 24 | buf[5] << 16 | buf[6] << 8 | buf[7];
            for (i = 8; i < len && buf[i] == (uint8_t)(i * 7 + 1); i++)
                ;
            if (i != len || seq >= n)
                bad++;
            else if (seen[seq / 8] & (1 << (seq % 8)))
                dup++;
            else
                seen[seq / 8] |= (uint8_t)(1 << (seq % 8));
        }
    }
    /* The rate over frames - 1 gaps: the first frame opens the clock. */
    printf("sink: frames=%llu bytes=%llu ns=%llu pps=%.0f kibps=%.0f bad=%llu "
           "dup=%llu\n",
           (unsigned long long)frames, (unsigned long long)bytes,
           (unsigned long long)(last - first),
           last > first ? (frames - 1) * 1e9 / (double)(last - first) : 0.0,
           last > first ? bytes / 1024.0 * 1e9 / (double)(last - first) : 0.0,
           (unsigned long long)bad, (unsigned long long)dup);
    return bad || dup ? 1 : 0;
}

static int parse_mac(const char *s, uint8_t mac[6])
{
    return sscanf(s, "%hhx:%hhx:%hhx:%hhx:%hhx:%hhx", &mac[0], &mac[1], &mac[2],
                  &mac[3], &mac[4], &mac[5]) == 6
               ? 0
               : -1;
}

static uint16_t csum(const uint8_t *p, size_t len)
{
    uint32_t sum = 0;
    size_t i;

    for (i = 0; i + 1 < len; i += 2)
        sum += (uint32_t)(p[i] << 8 | p[i + 1]);
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    return (uint16_t)~sum;
}

/* The frames guest/bench.c sends, from 02:00:00:00:00:03 / 10.0.0.3. */
static int tapsend(char **argv)
{
    const char *bridge = argv[0];
    unsigned len = (unsigned)atoi(argv[1]), port = (unsigned)atoi(argv[5]);
    uint64_t n = strtoull(argv[2], NULL, 10), i, t0, ns;
    uint8_t f[1514] = {0}, *ip = f + 14, *udp = f + 34, *pl = f + 42;
    struct ifreq ifr = {.ifr_flags = IFF_TAP | IFF_NO_PI};
    struct in_addr dst, src;
    char cmd[256];
    int fd;

    if (len < 60 || len > 1514 || parse_mac(argv[3], f) ||
        !inet_aton(argv[4], &dst) || !inet_aton("10.0.0.3", &src)) {
        fprintf(stderr, "bench_guest tapsend: bad arguments\n");
        return 2;
    }
    fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC);
    snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "pvbtap%d", (int)getpid());
    if (fd < 0 || ioctl(fd, TUNSETIFF, &ifr)) {
        perror("bench_guest tapsend: tap");
        return 1;
    }
    snprintf(cmd, sizeof(cmd), "ip link set %s master %s up", ifr.ifr_name,
             bridge);
    if (system(cmd))
        return 1;
    usleep(200000); /* the bridge port forwards */
    memcpy(f + 6, "\x02\0\0\0\0\x03", 6);
    f[12] = 0x08;
    ip[0] = 0x45;
    ip[2] = (uint8_t)((len - 14) >> 8), ip[3] = (uint8_t)(len - 14);
    ip[6] = 0x40;
    ip[8] = 64;
    ip[9] = 17;
    memcpy(ip + 12, &src, 4);
    memcpy(ip + 16, &dst, 4);
    i = csum(ip, 20);
    ip[10] = (uint8_t)(i >> 8), ip[11] = (uint8_t)i;
    udp[0] = 9001 >> 8, udp[1] = 9001 & 0xff;
    udp[2] = (uint8_t)(port >> 8), udp[3] = (uint8_t)port;
    udp[4] = (uint8_t)((len - 34) >> 8), udp[5] = (uint8_t)(len - 34);
    memcpy(pl, "PVBN", 4);
    for (i = 8; i < len - 42; i++)
        pl[i] = (uint8_t)(i * 7 + 1);
    t0 = now_ns();
    for (i = 0; i < n; i++) {
        pl[4] = (uint8_t)(i >> 24), pl[5] = (uint8_t)(i >> 16);
        pl[6] = (uint8_t)(i >> 8), pl[7] = (uint8_t)i;
        while (write(fd, f, len) < 0 && errno == EAGAIN)
            ;
    }
    ns = now_ns() - t0;
    printf("tapsend: frames=%llu ns=%llu pps=%.0f\n", (unsigned long long)n,
           (unsigned long long)ns, n * 1e9 / (double)ns);
    close(fd);
    return 0;
}

int main(int argc, char **argv)
{
    const char *cmd = argc > 1 ? argv[1] : "";

    if (argc == 6 && !strcmp(cmd, "record")) {
        if (bench_result("bench_guest", argv[2], atof(argv[3]), atof(argv[4]),
                         argv[5]) < 0)
            fprintf(stderr, "bench_guest: cannot write the results file\n");
        return 0;
    }
    if (argc == 4 && !strcmp(cmd, "prefill"))
        return prefill(argv[2], strtoull(argv[3], NULL, 10));
    if (argc == 4 && !strcmp(cmd, "check"))
        return check(argv[2], strtoull(argv[3], NULL, 10));
    if (argc >= 7 && !strcmp(cmd, "host"))
        return host_blk(argc - 2, argv + 2);
    if (argc == 4 && !strcmp(cmd, "sink"))
        return sink((uint16_t)atoi(argv[2]), strtoull(argv[3], NULL, 10));
    if (argc == 8 && !strcmp(cmd, "tapsend"))
        return tapsend(argv + 2);
    if (argc == 1) {
        execlp("bash", "bash", "bench/guest.bash", (char *)NULL);
        perror("bench_guest: bash bench/guest.bash");
        return 1;
    }
    fprintf(stderr, "usage: bench_guest [record NAME VALUE BASELINE UNIT | "
                    "prefill FILE MB | check FILE GEN | host FILE BS "
                    "seq|rand read|write QD [ops=N] [gen=G] | sink PORT N | "
                    "tapsend BRIDGE SIZE N DSTMAC DSTIP PORT]\n");
    return 2;
}
