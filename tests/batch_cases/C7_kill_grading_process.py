"""C7: at import, kills the grading process (the sandbox's grandparent, past the fork server).

Only for batch tests: under a plain `grade` this kills the process running it. A batch must
replace the dead worker, give this learner an error row and grade everyone else.
"""
import os
import signal


def _parent_of(pid):
    with open(f"/proc/{pid}/stat") as handle:
        return int(handle.read().rsplit(")", 1)[1].split()[1])


os.kill(_parent_of(os.getppid()), signal.SIGKILL)
