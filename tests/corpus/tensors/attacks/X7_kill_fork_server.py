"""X7: kills its parent process (the sandbox fork server) from a graded function.

lose: scalar_is_0d
status: error
"""
import os
import signal


def scalar(value):
    os.kill(os.getppid(), signal.SIGKILL)
    os._exit(1)
