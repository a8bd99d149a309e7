"""X7: finds the grading process through /proc and kills it (and the fork server).

via: cli
It only aims at its own ancestors and at processes whose command line names this test's
folder, so a failing defence kills the grading run under test and nothing else.
"""
import os
import signal


def _status(pid):
    try:
        with open(f"/proc/{pid}/status") as handle:
            return dict(line.split(":", 1) for line in handle if ":" in line)
    except OSError:
        return {}


def _targets():
    found, pid = [], os.getpid()
    for _ in range(2):  # the fork server, then the grading process
        pid = int(_status(pid).get("PPid", "0").strip() or 0)
        if pid <= 1:
            break
        found.append(pid)
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/cmdline", "rb") as handle:
                    if b"__TOKEN__" in handle.read():
                        found.append(int(entry))
            except OSError:
                pass
    return [p for p in dict.fromkeys(found) if p != os.getpid()]


def _kill():
    hits = []
    for pid in _targets():
        for sig in (signal.SIGTERM, signal.SIGKILL):
            try:
                os.kill(pid, sig)
                hits.append(pid)
            except OSError:
                pass
    print("KILLED", sorted(set(hits)))


_kill()
