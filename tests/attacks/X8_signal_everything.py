"""X8: sends SIGKILL to every process it may signal (``kill(-1)``), which without a user of its
own is every process of the grading user: the grading process, the batch, the other learners.

via: grade
It first asks (signal 0) whether a signal reaches the process that started it; if one does,
the defence is missing: it says so and stops there, so a failing defence fails the test
without killing the machine's other processes.
"""
import os
import signal


def _signal_everything():
    try:
        os.kill(os.getppid(), 0)
    except OSError as exc:
        print("SIGNAL TO THE GRADER REFUSED:", exc.strerror, flush=True)
    else:
        print("SIGNAL REACHES THE GRADER", flush=True)
        return
    try:
        os.kill(-1, signal.SIGKILL)
        print("KILL(-1) SENT", flush=True)
    except OSError as exc:
        print("KILL(-1) REFUSED:", exc.strerror, flush=True)


_signal_everything()
