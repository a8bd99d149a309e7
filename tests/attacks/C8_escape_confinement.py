"""C8: tries to undo its confinement: leaves its control group for any other it can write,
raises its resource limits, and starts a user namespace of its own to have its processes
counted afresh, then forks until refused (capped at 300).

via: grade
"""
import ctypes
import os
import resource
import time


def _leave_group():
    moved = []
    for root, folders, files in os.walk("/sys/fs/cgroup"):
        if root.count("/") > 6:
            folders[:] = []
        if "cgroup.procs" in files:
            try:
                with open(os.path.join(root, "cgroup.procs"), "w") as handle:
                    handle.write(str(os.getpid()))
                moved.append(root)
            except OSError:
                pass
    return moved


def _raise_limits():
    raised = []
    for name in ("RLIMIT_NPROC", "RLIMIT_AS", "RLIMIT_CPU", "RLIMIT_FSIZE"):
        which = getattr(resource, name)
        soft, hard = resource.getrlimit(which)
        if hard == resource.RLIM_INFINITY:
            continue
        try:
            resource.setrlimit(which, (resource.RLIM_INFINITY, resource.RLIM_INFINITY))
            raised.append(name)
        except (OSError, ValueError):
            pass
    return raised


def _fork_afresh(cap=300):
    libc = ctypes.CDLL(None, use_errno=True)
    nested = libc.unshare(0x10000000) == 0  # CLONE_NEWUSER
    children, reason = [], "cap reached"
    try:
        while len(children) < cap:
            pid = os.fork()
            if pid == 0:
                time.sleep(60)
                os._exit(0)
            children.append(pid)
    except OSError as exc:
        reason = exc.strerror
    for pid in children:
        os.kill(pid, 9)
        os.waitpid(pid, 0)
    return nested, len(children), reason


moved, raised = _leave_group(), _raise_limits()
nested, forked, why = _fork_afresh()
print("LEFT GROUP FOR", moved, flush=True)
print("RAISED", raised, flush=True)
print("NESTED USER NAMESPACE", nested, "FORKED", forked, why, flush=True)
