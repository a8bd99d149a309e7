"""torch._dynamo, imported only once something compiles.

torch's optimizers reach ``torch._dynamo`` on their first use: their methods are wrapped by
``torch._disable_dynamo`` and every ``step`` calls ``torch._dynamo.graph_break()``. Outside
``torch.compile`` both do nothing, yet the import costs as much as importing torch itself
(1.3 s here), in the grading process and in the fork server alike, before the first check.

``install()`` puts a stand-in module under that name. It answers the few names eager torch asks
for (``EAGER``: ``graph_break``, ``disable``, two that ``DistributedDataParallel`` and
``init_process_group`` read) as the real module does while nothing is being compiled. Any other
name (``torch.compile``, a learner's ``torch._dynamo.config``, a submodule import) imports the
real module in its place first, and from then on every name, even on the stand-in, is the real
module's. Nothing can be compiled while the stand-in is in place, so no result differs; only
the import moves, or never happens.
"""

from __future__ import annotations

import functools
import importlib
import importlib.abc
import importlib.machinery
import importlib.util
import sys
import threading
import types
from collections.abc import Callable
from typing import Any

NAME = "torch._dynamo"
_lock = threading.RLock()


def install() -> None:
    """Put the stand-in in place, unless torch._dynamo is imported already. Needs torch."""
    with _lock:
        if NAME in sys.modules:
            return
        import torch

        spec = importlib.util.find_spec(NAME)
        if spec is None or spec.submodule_search_locations is None:
            return  # a torch without dynamo: nothing to stand in for
        stand_in = _StandIn(NAME, spec)
        sys.modules[NAME] = stand_in
        torch._dynamo = stand_in
        if _FINDER not in sys.meta_path:
            sys.meta_path.insert(0, _FINDER)


def loaded() -> bool:
    """Whether the real torch._dynamo is imported."""
    module = sys.modules.get(NAME)
    return module is not None and not isinstance(module, _StandIn)


def real() -> types.ModuleType:
    """The real torch._dynamo, imported now if the stand-in is still in its place."""
    with _lock:
        current = sys.modules.get(NAME)
        if isinstance(current, _StandIn):
            del sys.modules[NAME]
            try:
                return importlib.import_module(NAME)  # also sets torch._dynamo
            except BaseException:
                sys.modules.setdefault(NAME, current)
                raise
        return importlib.import_module(NAME)


def _graph_break(msg: str = "") -> None:
    """Nothing to break: no function is being compiled."""


def _clear_lru_cache() -> None:
    """Nothing to clear: trace_rules' caches live in the real module."""


def _get_optimize_ddp_mode() -> str:
    return "ddp_optimizer"  # what the default torch._dynamo.config.optimize_ddp = True means


def _disable(fn: Callable | None = None, recursive: bool = True, **options: Any) -> Callable:
    """``fn`` as it is, until the real module is imported.

    torch caches what ``disable`` returns on ``fn`` for good, so the wrapper asks on every
    call: once torch._dynamo is imported, it calls through the real ``disable`` (made once).
    """
    if fn is None:
        return functools.partial(_disable, recursive=recursive, **options)
    if loaded():
        return real().disable(fn, recursive, **options)
    disabled: Callable | None = None

    def call(*args: Any, **kwargs: Any) -> Any:
        nonlocal disabled
        if not loaded():
            return fn(*args, **kwargs)
        if disabled is None:
            disabled = real().disable(fn, recursive, **options)
        return disabled(*args, **kwargs)

    if options.get("wrapping", True):
        functools.update_wrapper(call, fn)
    return call


# What eager torch (optimizers, DistributedDataParallel, init_process_group) asks of
# torch._dynamo, answered as the real module answers while nothing is compiled.
# tests/test_lazy_dynamo.py checks every answer against the real module's.
EAGER: dict[str, Callable] = {
    "graph_break": _graph_break,
    "disable": _disable,
    "trace_rules.clear_lru_cache": _clear_lru_cache,
    "utils.get_optimize_ddp_mode": _get_optimize_ddp_mode,
}


class _StandIn(types.ModuleType):
    """Answers what ``EAGER`` lists below its name; imports the real module for anything else."""

    def __init__(self, name: str, spec: importlib.machinery.ModuleSpec | None = None) -> None:
        super().__init__(name, "torch._dynamo until its first use (torchdojo.lazy_dynamo)")
        if spec is not None:  # the package itself
            # the real package's places, so tools that look (inspect, a submodule import) need
            # not import it; __spec__ stays None: this object is not what that spec would load
            self.__path__ = list(spec.submodule_search_locations or ())
            self.__file__ = spec.origin
        prefix = name[len(NAME) + 1:] + "." if name != NAME else ""
        for dotted, answer in EAGER.items():
            if not dotted.startswith(prefix):
                continue
            first, _, rest = dotted[len(prefix):].partition(".")
            if rest:
                setattr(self, first, _StandIn(f"{name}.{first}"))
            else:
                setattr(self, first, _answering(f"{name}.{first}", answer))

    def __getattr__(self, name: str) -> Any:
        return getattr(_resolve(self.__name__), name)


def _answering(dotted: str, answer: Callable) -> Callable:
    """``answer`` while the stand-in is in place; the real module's function after."""
    if answer is _disable:
        return answer  # its wrappers switch over by themselves

    @functools.wraps(answer)
    def call(*args: Any, **kwargs: Any) -> Any:
        if loaded():
            return _resolve(dotted)(*args, **kwargs)
        return answer(*args, **kwargs)

    return call


def _resolve(dotted: str) -> Any:
    """The real object at ``dotted`` (a name under torch._dynamo, or the package)."""
    found: Any = real()
    for part in dotted.split(".")[2:]:
        found = getattr(found, part)
    return found


class _Submodules(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """``import torch._dynamo.x`` while the stand-in is in place: the real package first.

    Python reads the parent's ``__path__`` before it asks the finders, so importing the real
    package here may already import ``x`` (torch._dynamo imports its config, for one). Python
    would then run ``x`` a second time; the spec returned hands back the module already there.
    """

    def find_spec(self, name: str, path: Any = None,
                  target: Any = None) -> importlib.machinery.ModuleSpec | None:
        if not name.startswith(NAME + ".") or loaded():
            return None
        real()
        if name not in sys.modules:
            return None  # not imported with the package: the usual finders load it
        module = sys.modules[name]
        return importlib.machinery.ModuleSpec(name, self, loader_state=(module, module.__spec__))

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> types.ModuleType:
        return spec.loader_state[0]

    def exec_module(self, module: types.ModuleType) -> None:
        # Python has just set this finder's spec on the module: give it back its own
        module.__spec__ = module.__spec__.loader_state[1]


_FINDER = _Submodules()
