/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * shell.c: a tiny command shell on the console, so `xm console` shows a
 * live guest: echo, backspace, and a few commands. Runs on vcpu 0 from
 * control_loop(), never from the event callback.
 */
#include "kernel.h"

#define LINE_MAX 80

static char line[LINE_MAX];
static size_t line_len;

static void cmd_info(void)
{
    printk("pvstack guest: %u vcpus online, %lu KiB, up %lu s\n",
           smp_online_count(), (unsigned long)balloon_current_kb(),
           (unsigned long)(time_now_ns() / 1000000000ULL));
}

static void run_line(char *l)
{
    while (*l == ' ')
        l++;
    if (!*l)
        return;
    if (!strcmp(l, "help"))
        printk("commands: help, info, counter, selftest <a,b|all>, "
               "bench <blk,..|net,..>, poweroff, reboot\n");
    else if (!strcmp(l, "info"))
        cmd_info();
    else if (!strcmp(l, "counter"))
        printk("counter %lu (suspend %lu)\n", counter_next(), suspend_count());
    else if (!strncmp(l, "selftest ", 9))
        selftest_run(l + 9);
    else if (!strncmp(l, "bench ", 6))
        bench_run(l + 6);
    else if (!strcmp(l, "poweroff"))
        control_shutdown(SHUTDOWN_poweroff);
    else if (!strcmp(l, "reboot"))
        control_shutdown(SHUTDOWN_reboot);
    else
        printk("%s: unknown command (try help)\n", l);
}

void shell_input(void)
{
    char buf[32];
    size_t n, i;

    while ((n = console_read(buf, sizeof(buf)))) {
        for (i = 0; i < n; i++) {
            char c = buf[i];
            if (c == '\r' || c == '\n') {
                console_write("\n", 1);
                line[line_len] = '\0';
                run_line(line);
                line_len = 0;
                console_write("> ", 2);
            } else if ((c == 0x7f || c == '\b') && line_len) {
                line_len--;
                console_write("\b \b", 3);
            } else if (c >= ' ' && c < 0x7f && line_len < LINE_MAX - 1) {
                line[line_len++] = c;
                console_write(&c, 1);
            }
        }
    }
}
