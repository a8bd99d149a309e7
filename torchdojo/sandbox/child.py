"""The sandbox child: imports one learner module and runs calls on request.

Everything here runs next to learner code, so nothing here decides anything. It answers each
request with data (see ``wire``) and the grading process judges. Anything the learner does to
this process (patching torch, exiting, hanging, printing) stays inside it.
"""

from __future__ import annotations

import contextlib
import dis
import importlib.util
import io
import os
import sys
import time
import traceback
import warnings
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import torch

from torchdojo import lazy_dynamo
from torchdojo.sandbox import limits, warm_spawn, wire

# Here, not in serve(): importing this module is how the fork server prepares every sandbox
# (and how a spawned one starts), so the stand-in is in place before any learner code runs.
lazy_dynamo.install()

MAX_TEXT = 2000


@dataclass(frozen=True)
class ChildSpec:
    topic: str
    code: dict[str, bytes]  # the submission's modules, as the grading process read them
    workdir: str  # a private, empty folder: the sandbox's files and working directory go here
    threads: int = 1
    strict: bool = False
    uid: int | None = None  # strict mode run as this user when started as root
    output_fd: bool = True  # capture output at the file descriptors (POSIX) or at sys.stdout
    policy: limits.Policy | None = None  # confined: the limits and what must stay hidden
    cgroup: tuple[str, ...] = ()  # the control group's cgroup.procs files, to join first
    cgroup_kind: str = ""  # what that group is, for the report ("cgroup v2")
    path: str = ""  # the learner's module, once the sandbox has written its copy

    @property
    def module(self) -> str:
        return f"{self.topic}.py"


def serve(conn: Any, out: Any, spec: ChildSpec) -> None:
    """Entry point of the sandbox process (a multiprocessing target)."""
    try:
        spec, facts = _settle(out, spec)
    except limits.ConfinementFailed as exc:
        _send(conn, {"status": "confinement_failed", "message": str(exc)})
        return
    if spec.policy is not None:  # said before learner code runs, so it cannot be forged
        _send(conn, {"status": "confined", "facts": facts})
    module, failure = _load(spec)
    if failure is not None:
        _send(conn, {"status": "import_error", "error": failure})
        return
    _send(conn, {"status": "ready"})
    probes: dict[str, Any] = {}
    while True:
        try:
            msg = wire.from_bytes(conn.recv_bytes())
        except (EOFError, OSError):
            return
        if msg.header.get("op") == "exit":
            return
        reply = _handle(module, msg, spec, probes)
        try:
            conn.send_bytes(wire.to_bytes(reply))
        except (OSError, ValueError):
            return


def _send(conn: Any, header: dict) -> None:
    conn.send_bytes(wire.to_bytes(wire.Message(header)))


def _settle(out: Any, spec: ChildSpec) -> tuple[ChildSpec, limits.Facts]:
    """Detach from the grader: own process group, captured output, private cwd, fixed threads.

    A confined sandbox (strict, or a batch's guard) is confined first, while it is still
    single-threaded.
    """
    if hasattr(os, "setsid"):
        os.setsid()
    if out is not None:
        _capture(out, spec.output_fd)
    facts: limits.Facts = {}
    if spec.policy is not None:
        spec, facts = limits.confine(spec)
    if not spec.path:  # not confined, or a batch's guard, which keeps the host's folders
        spec = _copy_code(spec)
    os.chdir(spec.workdir)
    torch.set_num_threads(spec.threads)
    _deterministic()
    if hasattr(os, "fork"):  # "spawn" workers start from here, torch already imported
        warm_spawn.install()
    sys.path.insert(0, str(Path(spec.path).parent))
    return spec, facts


def _copy_code(spec: ChildSpec) -> ChildSpec:
    """The modules, written into the sandbox's own folder beside an empty working directory:
    the learner's module is imported from bytes the grading process read, never from the
    submission itself."""
    top = Path(spec.workdir)
    code, work = top / "submission", top / "work"
    code.mkdir()
    work.mkdir()
    for name, data in spec.code.items():
        (code / name).write_bytes(data)
    return replace(spec, path=str(code / spec.module), workdir=str(work))


def _capture(out: Any, at_fd: bool) -> None:
    """Send everything the learner prints to the grader, which keeps it as feedback.

    On POSIX the pipe replaces file descriptors 1 and 2, so output from C code is caught too.
    Elsewhere (Windows) a connection has a handle, not a descriptor: Python-level output is
    sent as messages instead.
    """
    sys.stdout.flush()
    sys.stderr.flush()
    if at_fd:
        os.dup2(out.fileno(), 1)
        os.dup2(out.fileno(), 2)
        out.close()
        return
    stream = io.TextIOWrapper(_ConnectionWriter(out), encoding="utf-8", errors="replace",
                              write_through=True)
    sys.stdout = sys.stderr = stream


class _ConnectionWriter(io.RawIOBase):
    def __init__(self, conn: Any) -> None:
        self._conn = conn

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        chunk = bytes(data)
        with contextlib.suppress(OSError, ValueError):  # output is only feedback
            self._conn.send_bytes(chunk)
        return len(chunk)


def _deterministic() -> None:
    """Deterministic kernels; uninitialised memory is filled with NaN, so ``empty`` shows up.

    The public ``torch.use_deterministic_algorithms`` also imports the inductor config, which
    costs a second per sandbox; the sandbox never compiles, so only the kernel switch is set.
    """
    switch = getattr(torch._C, "_set_deterministic_algorithms", None)
    if switch is None:
        torch.use_deterministic_algorithms(True, warn_only=True)
    else:
        switch(True, warn_only=True)


def _load(spec: ChildSpec) -> tuple[Any, dict | None]:
    try:
        module_spec = importlib.util.spec_from_file_location(spec.topic, spec.path)
        module = importlib.util.module_from_spec(module_spec)
        sys.modules[spec.topic] = module
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            module_spec.loader.exec_module(module)
    except BaseException as exc:  # the learner's import may raise anything, SystemExit included
        return None, describe_exception(exc, spec.path)
    return module, None


def _handle(module: Any, msg: wire.Message, spec: ChildSpec, probes: dict) -> wire.Message:
    header = msg.header
    try:
        call = wire.unpack_call(msg)
        target = _target(module, header, probes)
    except LookupError as exc:
        return wire.Message({"status": "missing", "name": str(exc.args[0])})
    args = call.args if header["op"] == "call" else [module, *call.args]
    started = time.perf_counter()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            value = target(*args, **call.kwargs)
        except BaseException as exc:  # SystemExit and KeyboardInterrupt are learner errors too
            return wire.Message({"status": "raised", "error": describe_exception(exc, spec.path)})
    seconds = time.perf_counter() - started
    after = call.args if header.get("after") else None
    try:
        result = wire.pack_result({"value": value, "after": after}, call.storages)
    except wire.WireError as exc:
        return wire.Message({"status": "bad_value", "message": str(exc)})
    result.header = {"status": "ok", "value": result.header["value"], "seconds": seconds,
                     "warnings": _warnings(caught)}
    return result


def _target(module: Any, header: dict, probes: dict) -> Any:
    if header["op"] == "call":
        fn = getattr(module, header["name"], None)
        if not callable(fn):
            raise LookupError(header["name"])
        return fn
    source = header["source"]
    if source not in probes:
        namespace: dict[str, Any] = {"__name__": "torchdojo_probe"}
        exec(compile(source, f"<probe {header['name']}>", "exec"), namespace)
        probes[source] = namespace[header["name"]]
    return probes[source]


def _warnings(caught: list) -> list[str]:
    seen: list[str] = []
    for w in caught:
        text = f"{w.category.__name__}: {w.message}"[:300]
        if text not in seen:
            seen.append(text)
    return seen[:10]


def describe_exception(exc: BaseException, learner_path: str) -> dict:
    frames = traceback.extract_tb(exc.__traceback__)
    mine = [f for f in frames if _same_file(f.filename, learner_path)]
    try:
        message = str(exc)
    except BaseException:
        message = "<message could not be read>"
    info = {
        "type": type(exc).__name__,
        "message": message[:MAX_TEXT],
        "frames": [[Path(f.filename).name, f.lineno, f.name, (f.line or "")[:200]]
                   for f in mine[-5:]],
        "raised_here": bool(frames) and _same_file(frames[-1].filename, learner_path)
        and _raised_by_statement(exc),
        "function": _learner_function(exc, learner_path) if mine else "",
    }
    if isinstance(exc, SyntaxError):
        info["frames"] = [[Path(exc.filename or learner_path).name, exc.lineno or 0, "<module>",
                           (exc.text or "").strip()[:200]]]
        info["message"] = exc.msg
    return info


def _raised_by_statement(exc: BaseException) -> bool:
    """Whether the innermost frame raised ``exc`` with a ``raise`` statement, as a stub does,
    rather than a call into PyTorch that raised it (``.tolist()`` of a meta tensor raises
    NotImplementedError from the learner's own line too)."""
    tb = exc.__traceback__
    if tb is None:
        return False
    while tb.tb_next is not None:
        tb = tb.tb_next
    at = tb.tb_lasti
    return any(i.offset == at and i.opname.startswith("RAISE")
               for i in dis.get_instructions(tb.tb_frame.f_code))


def _learner_function(exc: BaseException, learner_path: str) -> str:
    """The qualified name of the innermost learner function (``Model.__init__``, not
    ``__init__``), so a message can say which class's method it was."""
    name, tb = "", exc.__traceback__
    while tb is not None:
        code = tb.tb_frame.f_code
        if _same_file(code.co_filename, learner_path):
            name = getattr(code, "co_qualname", code.co_name)
        tb = tb.tb_next
    return name


def _same_file(a: str, b: str) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False
