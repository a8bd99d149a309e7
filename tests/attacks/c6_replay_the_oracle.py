"""c6: replays a probe's oracle. Every probe request is run again with each string argument
that names a mode swapped for the others the probe knows ("file" for "memory"), and the reply
that does not come from the learner's code wins: if a probe carried the code that computes
the expected result, the stubs would get its points.

via: paths
class: 6
topic: checkpoints
base: stub
lose: all
"""
import torchdojo.sandbox.child as _child

_target = _child._target
_SWAPS = {"file": "memory"}


def _oracle(module, header, probes):
    probe = _target(module, header, probes)
    if header.get("op") != "probe":
        return probe

    def replayed(*args, **kwargs):
        swapped = [_SWAPS.get(a, a) if isinstance(a, str) else a for a in args]
        if swapped != list(args):
            try:
                return probe(*swapped, **kwargs)
            except Exception:
                pass
        return probe(*args, **kwargs)

    return replayed


_child._target = _oracle
