"""c2: replies that are cheap to send and slow to decode: JSON nested 200,000 deep, a value of
a million items, 4,000-digit numbers, 30,000 tiny tensors, a tensor header that lies about its
data, and a frame that claims to be 2 GiB. Each must end as an error, at once.

via: paths
class: 2
base: stub
lose: all
expect: scalar_is_0d=error; from_nested_data=error; labels_are_int64=error
expect: numpy_shared=error; numpy_copied=error; numpy_features_float32=error
mentions: malformed reply; too large
"""
import json as _json
import os
import struct
from multiprocessing import connection

_send = connection.Connection.send_bytes
_poison = []


def _frame(header, body=b""):
    return struct.pack("<QQ", len(header), len(body)) + header + body


def _tensors(entries):
    head = _json.dumps(entries).encode()
    return struct.pack("<Q", len(head)) + head


def _poisoned(kind):
    if kind == "deep":
        return _frame(b"[" * 200_000 + b"]" * 200_000)
    if kind == "wide":
        return _frame(_json.dumps({"status": "ok", "value": [0] * 1_000_000}).encode())
    if kind == "digits":
        return _frame(b'{"status": "ok", "value": [' + b",".join([b"7" * 4000] * 1500) + b"]}")
    if kind == "tiny":
        entries = {f"t{i}": {"dtype": "F32", "shape": [0], "data_offsets": [0, 0]}
                   for i in range(30_000)}
        return _frame(b'{"status": "ok", "value": null}', _tensors(entries))
    entries = {"r0": {"dtype": "F32", "shape": [10**9], "data_offsets": [0, 4]}}
    return _frame(b'{"status": "ok", "value": {"t": "tensor"}}', _tensors(entries) + b"\0" * 4)


def _send_poison(self, buf, offset=0, size=None):
    if not _poison:
        return _send(self, buf, offset, size)
    kind = _poison.pop()
    if kind == "huge":  # a frame of 2 GiB is announced; nothing follows
        os.write(self.fileno(), (2**31 - 1).to_bytes(4, "big"))
        return None
    return _send(self, _poisoned(kind))


connection.Connection.send_bytes = _send_poison


def scalar(value):
    _poison.append("deep")
    return 0


def from_data(data):
    _poison.append("wide")
    return 0


def labels_tensor(labels):
    _poison.append("digits")
    return 0


def share_numpy(array):
    _poison.append("tiny")
    return 0


def copy_numpy(array):
    _poison.append("lying")
    return 0


def features_from_numpy(array):
    _poison.append("huge")
    return 0
