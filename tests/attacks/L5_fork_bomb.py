"""L5: forks sleeping children until the system refuses (capped at 5,000).

via: grade
"""
import os
import time


def _bomb(cap=5000):
    children, reason = [], "cap reached"
    try:
        while len(children) < cap:
            pid = os.fork()
            if pid == 0:
                time.sleep(600)
                os._exit(0)
            children.append(pid)
    except OSError as exc:
        reason = exc.strerror
    print("FORK BOMB STOPPED AT", len(children), reason, flush=True)


_bomb()
