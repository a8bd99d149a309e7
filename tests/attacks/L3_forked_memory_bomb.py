"""L3b: a memory bomb split over 8 forked processes, each under the per-process limit, that
together ask for 2.7 times the sandbox's memory and hold on to it.

via: grade
Each child asks for a third of the sandbox's memory cap (so a failing defence asks the
machine for 2.7 times the cap, and no more). The parent counts what the children that are
still alive at the end hold at once, and prints it.
"""
import os
import select
import signal
import time

_SHARE_MIB = int("__GROUP_MEMORY_MIB__") // 3
_CHUNK_MIB = 64


def _child(write):
    hoard = []
    try:
        while (len(hoard) + 1) * _CHUNK_MIB <= _SHARE_MIB:
            hoard.append(b"x" * (_CHUNK_MIB << 20))  # written, so the pages are really used
            os.write(write, b"+")
    except MemoryError:
        pass
    os.write(write, b"=")  # holding what it got
    time.sleep(120)
    os._exit(0)


def _forked_bomb(children=8):
    counts, holding, pids = {}, set(), []
    for _ in range(children):
        read, write = os.pipe()
        pid = os.fork()
        if pid == 0:
            os.close(read)
            _child(write)
        os.close(write)
        counts[read] = 0
        pids.append(pid)
    alive = set(counts)
    deadline = time.monotonic() + 90
    while alive - holding and time.monotonic() < deadline:
        ready, _, _ = select.select(sorted(alive), [], [], 1.0)
        for fd in ready:
            data = os.read(fd, 4096)
            if not data:  # killed: it holds nothing any more
                alive.discard(fd)
                holding.discard(fd)
                continue
            counts[fd] += data.count(b"+")
            if b"=" in data:
                holding.add(fd)
    time.sleep(0.5)
    for fd in list(holding):  # one more look: a process killed meanwhile holds nothing
        ready, _, _ = select.select([fd], [], [], 0)
        if ready and not os.read(fd, 4096):
            holding.discard(fd)
    held = sum(counts[fd] for fd in holding) * _CHUNK_MIB
    print("FORKED MEMORY HELD", held, "MiB BY", len(holding), "OF", children, "PROCESSES",
          flush=True)
    for pid in pids:
        try:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
        except OSError:
            pass


_forked_bomb()
