#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-only
"""Run a program on a pty (TERM=xterm, 40x160) and script it:

  pty_run.py STEP... -- PROG ARG...
  steps: expect:TEXT  (up to 20 s for TEXT in the output since the last
         expect), send:KEYS (\\n for Enter), exit:STATUS (up to 10 s for the
         program to exit with STATUS).

Exit 0 when every step passed; else prints what it saw and exits 1 (and
kills the program).
"""
import fcntl
import os
import pty
import select
import signal
import struct
import sys
import termios
import time

steps = sys.argv[1:sys.argv.index("--")]
prog = sys.argv[sys.argv.index("--") + 1:]
pid, fd = pty.fork()
if pid == 0:
    os.environ["TERM"] = "xterm"
    os.execv(prog[0], prog)
fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 160, 0, 0))
seen = b""
eof = False


def pump(secs):
    global seen, eof
    r, _, _ = select.select([fd], [], [], secs)
    if r:
        try:
            d = os.read(fd, 65536)
        except OSError:
            d = b""
        if not d:
            eof = True
        seen += d


def die(why):
    print("pty_run: %s; output: %r" % (why, seen[-1500:]))
    os.kill(pid, signal.SIGKILL)
    sys.exit(1)


for step in steps:
    kind, _, arg = step.partition(":")
    if kind == "expect":
        end = time.time() + 20
        while arg.encode() not in seen:
            if eof or time.time() > end:
                die("no %r" % arg)
            pump(0.2)
        seen = seen[seen.index(arg.encode()):]
    elif kind == "send":
        os.write(fd, arg.replace("\\n", "\n").encode())
    elif kind == "exit":
        end = time.time() + 10
        while True:
            p, st = os.waitpid(pid, os.WNOHANG)
            if p:
                break
            if time.time() > end:
                die("still running")
            if not eof:
                pump(0.2)
            else:
                time.sleep(0.1)
        if not os.WIFEXITED(st) or os.WEXITSTATUS(st) != int(arg):
            print("pty_run: exit status %r, want %s" % (st, arg))
            sys.exit(1)
        sys.exit(0)
print("pty_run: no exit step")
os.kill(pid, signal.SIGKILL)
sys.exit(1)
