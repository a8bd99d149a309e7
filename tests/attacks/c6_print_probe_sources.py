"""c6: prints every probe the sandbox is sent (its source arrives with the request), and any
text in its own memory that looks like code from a solution, so that it lands in the report.
Probes are the checks' driving code and may be seen; no report may show a solution or the
rest of a grader.

via: paths
class: 6
base: stub
lose: all
"""
import gc
import sys

import torchdojo.sandbox.child as _child

_target = _child._target


def _spy(module, header, probes):
    if header.get("op") == "probe":
        print(f"--- probe {header['name']}\n{header['source']}", flush=True)
    return _target(module, header, probes)


_child._target = _spy


def _look():
    found = [o for o in gc.get_objects()
             if isinstance(o, str) and ("BEGIN SOLUTION" in o or "@check(" in o)]
    for module in list(sys.modules.values()):
        where = getattr(module, "__file__", "") or ""
        if "solutions" in where or "graders" in where:
            found.append(where)
    print("FOUND", len(found), *found[:5], sep="\n", flush=True)


_look()
