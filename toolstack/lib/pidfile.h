/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * pidfile.h: daemons' pid files, as xencommons and the init scripts use
 * them: a daemon writes its own, the tools find, check and stop it. A pid
 * alone is not trusted (pids are reused): a live process counts only when
 * its /proc comm is the daemon's name, and signals go through a pidfd.
 */
#ifndef XT_LIB_PIDFILE_H
#define XT_LIB_PIDFILE_H

#include <sys/types.h>

/*
 * Write our pid to path, atomically (a reader never sees a half-written
 * file: temporary file + rename). Returns 0 or -errno.
 */
int pidfile_write(const char *path);

/* Read the pid in path. Returns 0, -ENOENT, -EINVAL (no pid) or -errno. */
int pidfile_read(const char *path, pid_t *pid_out);

/*
 * Is the daemon that wrote path running: the pid in it alive, and its comm
 * equal to comm (truncated to 15 characters, as the kernel keeps it)?
 * Returns a pidfd for it (O_CLOEXEC; the caller closes it), or -ENOENT
 * (no pid file), -ESRCH (stale: gone, or the pid now names another
 * program; a daemon whose main thread has exited is waited for, up to
 * 10 s, while its other threads finish, and is stale too) or -errno.
 */
int pidfile_open_live(const char *path, const char *comm);

/*
 * Stop that daemon: SIGTERM, wait up to wait_ms for it to exit, then
 * SIGKILL and wait again. The pid file is removed once the daemon is gone
 * (also when it was stale). Returns 0 (stopped), -ESRCH (was not running)
 * or -errno.
 */
int pidfile_stop(const char *path, const char *comm, int wait_ms);

#endif
