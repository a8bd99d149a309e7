"""C1: an endless loop that ignores SIGALRM (defeats signal-based timeouts).

lose: scalar_is_0d
status: timeout
mentions: no answer after
"""
import signal


def scalar(value):
    signal.signal(signal.SIGALRM, signal.SIG_IGN)
    while True:
        pass
