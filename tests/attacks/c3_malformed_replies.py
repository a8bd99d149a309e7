"""c3: every reply is malformed in its own way: warnings and timings of the wrong type, an
exception description whose fields are lists and dicts, an unknown value tag, a tensor header
with missing fields, a sharing claim that is not a path, a reply with no inputs part, a
"missing" function whose name is a dict, a status nobody knows.

via: paths
class: 3
base: stub
lose: all
mentions: cannot read; answered
"""
from multiprocessing import connection

import torchdojo.sandbox.wire as _wire

_send = connection.Connection.send_bytes
_replies = [
    {"status": "ok", "value": {"t": "dict", "items": [["value", 1], ["after", None]]},
     "warnings": 5, "seconds": "soon"},
    {"status": "raised", "error": {"type": ["TypeError"], "message": {"a": 1},
                                   "frames": [["x", "y"], "z", [1, 2, 3, 4, 5]],
                                   "raised_here": "yes", "function": 3}},
    {"status": "ok", "value": {"t": "dict", "items": [["value", {"t": "spoofed"}],
                                                      ["after", None]]}},
    {"status": "ok", "value": {"t": "dict", "items": [["value", {"t": "tensor"}],
                                                      ["after", None]]}},
    {"status": "ok", "value": {"t": "dict", "items": [
        ["value", {"t": "ndarray", "dtype": "object", "shape": [1], "values": "r0"}],
        ["after", None]]}},
    {"status": "ok", "value": {"t": "dict", "items": [["value", 2]]}},
    {"status": "ok", "value": [["value", 2], ["after", None]]},
    {"status": "missing", "name": {"not": "a name"}},
    {"status": "raised", "error": "just a string"},
    {"status": "everything passed"},
]
_count = [0]


def _malformed(self, buf, offset=0, size=None):
    message = _wire.from_bytes(bytes(buf))
    if message.header.get("status") in ("ready", "confined"):
        return _send(self, buf, offset, size)
    reply = _replies[_count[0] % len(_replies)]
    _count[0] += 1
    return _send(self, _wire.to_bytes(_wire.Message(reply)))


connection.Connection.send_bytes = _malformed
