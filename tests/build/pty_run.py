#!/usr/bin/env python3
"""pty_run.py OUTFILE CMD...: runs CMD with its standard error (and output) on a pseudo-terminal,
as on a clerk's screen, and writes every byte it printed there to OUTFILE; exits with CMD's
status. The environment (TERM, NO_COLOR) is the caller's."""
import os, pty, sys

out_path, cmd = sys.argv[1], sys.argv[2:]
pid, fd = pty.fork()
if pid == 0:
    os.execvp(cmd[0], cmd)
chunks = []
while True:
    try:
        data = os.read(fd, 65536)
    except OSError:  # EIO: the child closed the terminal
        break
    if not data:
        break
    chunks.append(data)
_, status = os.waitpid(pid, 0)
open(out_path, 'wb').write(b''.join(chunks))
sys.exit(os.waitstatus_to_exitcode(status))
