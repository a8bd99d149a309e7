"""The two sides a check talks to: the learner's sandbox and the reference solution.

Both answer the same requests and both answers pass through the same wire format, so a check
compares like with like: ``expect(learner.f(x), ref.f(x))``. A *probe* is trusted code that
drives a module (builds a model, registers hooks, runs the learner's loop) and returns data; it
runs in the sandbox against the learner's module and here against the reference module.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.util
from collections.abc import Callable
from functools import partial
from pathlib import Path
from types import ModuleType
from typing import Any

from torchdojo.engine.oracles import digest
from torchdojo.engine.probes import probe_source
from torchdojo.sandbox import wire
from torchdojo.sandbox.host import FileRefused, NotAttempted, Pending, Reply, Sandbox


def describe_args(args: tuple, kwargs: dict) -> str:
    parts = [_short(a) for a in args] + [f"{k}={_short(v)}" for k, v in kwargs.items()]
    text = ", ".join(parts)
    return text if len(text) <= 70 else text[:67] + "..."


def _short(value: Any) -> str:
    import numpy as np
    import torch

    if isinstance(value, torch.Tensor):
        layout = "" if value.is_contiguous() else ", non-contiguous"
        where = "" if value.device.type == "cpu" else f" on {value.device}"
        shape = "x".join(map(str, value.shape)) or "0-d"
        return f"<{shape} {str(value.dtype).removeprefix('torch.')} tensor{where}{layout}>"
    if isinstance(value, np.ndarray):
        return f"<{'x'.join(map(str, value.shape))} {value.dtype} array>"
    if isinstance(value, (list, tuple)) and value:  # a batch: show its tensors, not their values
        inner = ", ".join(_short(v) for v in value)
        return f"[{inner}]" if isinstance(value, list) else f"({inner}{',' * (len(value) == 1)})"
    if isinstance(value, dict) and value:
        return "{" + ", ".join(f"{k!r}: {_short(v)}" for k, v in value.items()) + "}"
    text = repr(value)
    return text if len(text) <= 30 else text[:27] + "..."


class Learner:
    """The learner's module, seen through its sandbox. ``learner.f(x)`` returns f's value."""

    def __init__(self, sandbox: Sandbox | None, missing: str = "", refused: str | None = None
                 ) -> None:
        self._box = sandbox
        self._missing = missing
        self._refused = refused  # why the module was not read (a link, a pipe, too large)
        self.timeout: float | None = None  # per-call limit of the running check, if it has one
        self.last_call = ""
        self.last_reply: Reply | None = None

    def __getattr__(self, name: str) -> Callable[..., Any]:
        if name.startswith("_"):
            raise AttributeError(name)
        return partial(self._value, name)

    def _value(self, name: str, *args: Any, **kwargs: Any) -> Any:
        return self.call(name, *args, **kwargs).value

    def call(self, name: str, *args: Any, after: bool = False, timeout: float | None = None,
             **kwargs: Any) -> Reply:
        """Call ``name`` and keep the whole reply (value, inputs after the call, warnings)."""
        return self.send_call(name, *args, after=after, timeout=timeout, **kwargs).reply()

    def run(self, probe: Callable, *args: Any, timeout: float | None = None,
            label: str | None = None, **kwargs: Any) -> Any:
        """Run a probe against the learner's module and return what it returned.

        ``label`` is how messages name what ran (``"train_step(..., device='meta')"``); by
        default the probe's name without ``probe_`` and its arguments.
        """
        return self.send_run(probe, *args, timeout=timeout, label=label, **kwargs).reply().value

    def send_call(self, name: str, *args: Any, after: bool = False,
                  timeout: float | None = None, **kwargs: Any) -> Sent:
        """``call``, sent: the reply is read by the result's ``reply()``."""
        self.last_call = f"{name}({describe_args(args, kwargs)})"
        pending = self._sandbox().send_call(name, args, kwargs, timeout=timeout or self.timeout,
                                            after=after)
        return Sent(self, pending)

    def send_run(self, probe: Callable, *args: Any, timeout: float | None = None,
                 label: str | None = None, **kwargs: Any) -> Sent:
        """``run``, sent: the reply is read by the result's ``reply()``."""
        self.last_call = label or \
            f"{probe.__name__.removeprefix('probe_')}({describe_args(args, kwargs)})"
        pending = self._sandbox().send_probe(probe, args, kwargs, source=probe_source(probe),
                                             timeout=timeout or self.timeout)
        return Sent(self, pending)

    def _sandbox(self) -> Sandbox:
        if self._box is None:
            if self._refused:
                raise FileRefused(self._refused)
            raise NotAttempted(self._missing)
        return self._box


class Sent:
    """A learner request under way; ``reply()`` waits for it and keeps it as ``last_reply``."""

    def __init__(self, learner: Learner, pending: Pending) -> None:
        self._learner = learner
        self._pending = pending

    def reply(self) -> Reply:
        self._learner.last_reply = self._pending.reply()
        return self._learner.last_reply


class Reference:
    """The reference solution, loaded in the grading process (it is trusted code).

    Values round-trip through the wire format so they look exactly like the learner's. Results
    are cached per input, so watch mode and batches never recompute them.
    """

    _cache: dict[tuple, Any] = {}
    CACHE_LIMIT = 4096

    def __init__(self, path: Path, topic: str) -> None:
        self.path = path
        self.topic = topic
        self._module: ModuleType | None = None
        self._key = (str(path), hashlib.sha256(path.read_bytes()).hexdigest())

    @property
    def module(self) -> ModuleType:
        if self._module is None:
            spec = importlib.util.spec_from_file_location(f"torchdojo_reference_{self.topic}",
                                                          self.path)
            module = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(module)
            self._module = module
        return self._module

    def __getattr__(self, name: str) -> Callable[..., Any]:
        if name.startswith("_"):
            raise AttributeError(name)
        return partial(self._value, name)

    def _value(self, name: str, *args: Any, **kwargs: Any) -> Any:
        return self._answer(name, lambda call: getattr(self.module, name)(*call.args,
                                                                        **call.kwargs),
                            args, kwargs)

    def call(self, name: str, *args: Any, **kwargs: Any) -> Reply:
        """Like ``Learner.call``: the value plus the inputs as they are after the call."""
        return self._answer(name, None, args, kwargs, keep_after=True)

    def run(self, probe: Callable, *args: Any, label: str | None = None, **kwargs: Any) -> Any:
        """Like ``Learner.run``; ``label`` only names the call in the learner's messages."""
        fn = _compiled(probe_source(probe), probe.__name__)
        return self._answer(f"probe:{probe.__name__}",
                            lambda call: fn(self.module, *call.args, **call.kwargs), args, kwargs)

    def _answer(self, name: str, run: Callable | None, args: tuple, kwargs: dict,
                keep_after: bool = False) -> Any:
        sent = wire.pack_call(args, kwargs)
        key = (self._key, name, keep_after, digest(sent))
        if key not in self._cache:
            if len(self._cache) >= self.CACHE_LIMIT:
                self._cache.clear()
            call = wire.unpack_call(sent)
            if run is None:
                value = getattr(self.module, name)(*call.args, **call.kwargs)
            else:
                value = run(call)
            packed = wire.pack_result({"value": value, "after": call.args if keep_after
                                       else None}, call.storages)
            result = wire.verify_sharing(wire.unpack_result(packed), sent)
            self._cache[key] = (Reply(result["value"], result["after"])
                                if keep_after else result["value"])
        return self._cache[key]


@functools.lru_cache(maxsize=256)
def _compiled(source: str, name: str) -> Callable:
    """A probe defined from its source (helpers first), as the sandbox defines it: once per
    source, as a sandbox keeps it for all of a topic's calls."""
    namespace: dict[str, Any] = {"__name__": "torchdojo_probe"}
    exec(compile(source, f"<probe {name}>", "exec"), namespace)
    return namespace[name]


def both(learner: Any, ref: Any, target: str | Callable, *args: Any, after: bool = False,
         label: str | None = None, **kwargs: Any) -> tuple[Any, Any]:
    """Ask the learner and the reference the same thing: a function by name, or a probe.

    Returns ``(got, want)``. With a name, ``after=True`` returns whole replies (the value plus
    the arguments as they are after the call, see ``expect_inputs_kept``); a probe's ``label``
    names it in messages. The reference answers while the learner's sandbox works, so the two
    run side by side on two cores.
    """
    if callable(target):
        return alongside(learner.send_run(target, *args, label=label, **kwargs),
                         lambda: ref.run(target, *args, **kwargs))
    sent = learner.send_call(target, *args, after=after, **kwargs)
    want = _meanwhile(sent, lambda: ref.call(target, *args, **kwargs) if after
                      else getattr(ref, target)(*args, **kwargs))
    reply = sent.reply()
    return (reply if after else reply.value), want


def alongside(sent: Sent, work: Callable[[], Any]) -> tuple[Any, Any]:
    """``(the value of the learner request sent, work())``, the work done meanwhile: for a
    check that asks the two sides different things (``both`` asks the same), such as a
    learner run that also repeats itself in forks beside the reference's single run."""
    want = _meanwhile(sent, work)
    return sent.reply().value, want


def _meanwhile(sent: Sent, work: Callable[[], Any]) -> Any:
    """``work()``, done while ``sent`` is under way. Should it raise, the reply is read first,
    so the sandbox stays in step with its requests, and what the learner's code raised, if
    anything, is the verdict, as when the learner was asked first."""
    try:
        return work()
    except Exception:
        sent.reply()
        raise


def as_data(value: object) -> object:
    """A value computed here (an oracle, a fixed example) in the form learner values take."""
    return wire.unpack_result(wire.pack_result(value))
