/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * restart.h: the domain monitor's guard against restart loops. xl itself
 * restarts a domain however often it asks (it only sleeps 2 s first);
 * xend refused a restart less than MINIMUM_RESTART_TIME after the start
 * ("VM <name> restarting too fast ... Refusing to restart to avoid
 * loops") and destroyed the domain. pvstack refuses once a domain has
 * asked for a restart within RESTART_MIN_S of its start RESTART_FAST_MAX
 * times in a row: a guest that fails at once (an HVM guest with too little
 * memory resets several times a second) is stopped within seconds, while
 * a guest that runs a while between reboots, or reboots quickly once or
 * twice (tests, fast PV guests), is restarted as before.
 */
#ifndef PVSTACK_DOMAIN_RESTART_H
#define PVSTACK_DOMAIN_RESTART_H

#define RESTART_MIN_S 10.0
#define RESTART_FAST_MAX 3

struct restart_guard {
    unsigned fast; /* restarts in a row that came within RESTART_MIN_S */
};

/*
 * A restart is asked for by an incarnation that ran `lived` seconds.
 * 1: restart it; 0: refuse (restarting too fast). Updates g.
 */
int restart_allowed(struct restart_guard *g, double lived);

#endif
