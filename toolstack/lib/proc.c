/* SPDX-License-Identifier: GPL-2.0-only */
/* proc.c: processes and threads from /proc (see proc.h). */
#include "lib/proc.h"

#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "lib/fs.h"
#include "lib/parse.h"

int proc_task_read(pid_t pid, pid_t tid, struct proc_task *t)
{
    char path[96], buf[1024], *lp, *rp;
    unsigned long long ut, st;
    long hz = sysconf(_SC_CLK_TCK);
    size_t n;
    int cpu, got;

    snprintf(path, sizeof(path), "/proc/%d/task/%d/stat", (int)pid, (int)tid);
    if (fs_read_line(path, buf, sizeof(buf)) <= 0)
        return -ESRCH;
    /* comm may hold spaces and parens: it runs from the first '(' to the
     * last ')', and the numbered fields restart after it. */
    lp = strchr(buf, '(');
    rp = strrchr(buf, ')');
    if (!lp || !rp || rp < lp || rp[1] != ' ')
        return -EINVAL;
    /* state(3) ... utime(14) stime(15) ... processor(39) */
    got = sscanf(rp + 2,
                 "%c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu "
                 "%*d %*d %*d %*d %*d %*d %*u %*u %*d %*u %*u %*u %*u "
                 "%*u %*u %*u %*u %*u %*u %*u %*u %*u %*d %d",
                 &t->state, &ut, &st, &cpu);
    if (got < 3)
        return -EINVAL;
    n = (size_t)(rp - lp - 1);
    if (n >= sizeof(t->comm))
        n = sizeof(t->comm) - 1;
    memcpy(t->comm, lp + 1, n);
    t->comm[n] = '\0';
    t->tid = tid;
    t->cpu = got == 4 ? cpu : -1;
    t->cpu_ns =
        (ut + st) * (1000000000ULL / (unsigned long long)(hz > 0 ? hz : 100));
    return 0;
}

int proc_tasks(pid_t pid, int (*fn)(const struct proc_task *t, void *arg),
               void *arg)
{
    struct proc_task t;
    struct dirent *de;
    char path[64];
    long long tid;
    int rc = 0;
    DIR *d;

    snprintf(path, sizeof(path), "/proc/%d/task", (int)pid);
    d = opendir(path);
    if (!d)
        return -ESRCH;
    while (!rc && (de = readdir(d))) {
        if (parse_ll(de->d_name, 10, 1, 0x7fffffff, &tid) ||
            proc_task_read(pid, (pid_t)tid, &t))
            continue;
        rc = fn(&t, arg);
    }
    closedir(d);
    return rc;
}

int proc_task_vcpu(const struct proc_task *t, unsigned *id)
{
    return sscanf(t->comm, "CPU %u/", id) == 1;
}

int proc_alive(pid_t pid)
{
    struct proc_task t;

    if (pid <= 0 || kill(pid, 0) < 0)
        return 0;
    /* A zombie has exited: its parent (a launcher) just has not reaped it. */
    if (proc_task_read(pid, pid, &t))
        return 0;
    return t.state != 'Z' && t.state != 'X';
}

int proc_field_kb(const char *path, const char *key, uint64_t *kb)
{
    FILE *f = fopen(path, "re");
    size_t kl = strlen(key);
    char line[256];
    int rc = -ENOENT;

    if (!f)
        return -errno;
    while (fgets(line, sizeof(line), f)) {
        unsigned long long v;

        if (!strncmp(line, key, kl) && line[kl] == ':' &&
            sscanf(line + kl + 1, "%llu", &v) == 1) {
            *kb = v;
            rc = 0;
            break;
        }
    }
    fclose(f);
    return rc;
}
