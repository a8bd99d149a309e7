"""c2: scalar() answers, but the sandbox writes half of the reply and then stops itself
(SIGSTOP): a reader that waits for the rest of the frame waits forever.

via: paths
class: 2
base: stub
lose: all
expect: scalar_is_0d=timeout
mentions: stopped half-way
"""
import os
import signal
from multiprocessing import connection

import torch

_send = connection.Connection.send_bytes
_stall = []


def _half_then_stop(self, buf, offset=0, size=None):
    if not _stall:
        return _send(self, buf, offset, size)
    data = bytes(buf)
    os.write(self.fileno(), len(data).to_bytes(4, "big") + data[: len(data) // 2])
    os.kill(os.getpid(), signal.SIGSTOP)


connection.Connection.send_bytes = _half_then_stop


def scalar(value):
    _stall.append(True)
    return torch.tensor(value)
