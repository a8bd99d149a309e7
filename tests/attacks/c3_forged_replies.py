"""c3: the reference solution, but the sandbox's replies are rewritten: every call and probe
returns 7 and no inputs. Checks read fields, items and inputs of what came back; each must be
a failed check with a message, never a grader fault.

via: paths
class: 3
topic: reshape_view
base: solution
lose: all
"""
import torchdojo.sandbox.wire as _wire

_pack = _wire.pack_result


def _forged(value, storages=None):
    return _pack({"value": 7, "after": None}, storages)


_wire.pack_result = _forged
