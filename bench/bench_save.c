/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * bench_save.c: save, restore and live migration of an HVM guest and of
 * a kvm engine PV guest (bench/save.bash and bench/save_pv.bash do the
 * measuring with the real xm; this program is what `make bench` runs, and
 * the scripts' way into bench/results.json):
 *   bench_save                     run both scripts (beside bench/)
 *   bench_save record NAME VALUE BASELINE UNIT
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "results.h"

int main(int argc, char **argv)
{
    if (argc == 6 && !strcmp(argv[1], "record")) {
        if (bench_result("bench_save", argv[2], atof(argv[3]), atof(argv[4]),
                         argv[5]) < 0)
            fprintf(stderr, "bench_save: cannot write the results file\n");
        return 0;
    }
    if (argc != 1) {
        fprintf(stderr, "usage: bench_save [record NAME VALUE BASELINE "
                        "UNIT]\n");
        return 2;
    }
    {
        int a = system("bash bench/save.bash");
        int b = system("bash bench/save_pv.bash");
        return a == 0 && b == 0 ? 0 : 1;
    }
}
