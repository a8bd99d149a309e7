"""The grading side of a sandbox: starts the child, sends requests, enforces time, kills.

Children are forked from the fork server (``forkserver``), which holds nothing but torch and the
child harness: no reference solution or expected value ever exists in a sandbox's memory.
"""

from __future__ import annotations

import atexit
import os
import shutil
import signal
import tempfile
import threading
import time
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass, field
from typing import Any

from torchdojo import intake
from torchdojo.sandbox import cgroups, child, forkserver, limits, users, wire
from torchdojo.sandbox.channel import Channel, Stalled, TooLarge

OUTPUT_LIMIT = 16 * 1024
WARNINGS_KEPT = 20  # distinct warnings kept per topic for the report
_CTX = forkserver.CONTEXT
# A POSIX child's output is caught at its file descriptors; elsewhere as messages (see child).
OUTPUT_AT_FD = os.name == "posix"


# ----------------------------------------------------------------------------- outcomes


class SandboxProblem(Exception):
    """The learner's code did not produce a value; the subclass says why."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotAttempted(SandboxProblem):
    """The stub still raises NotImplementedError, or the file is missing."""


def error_description(error: Any) -> dict:
    """An exception's description as a sandbox sent it, made well-formed: learner code can
    send anything in its place, so every field is checked and cut to size here."""
    error = error if isinstance(error, dict) else {}
    frames = []
    for frame in error.get("frames") if isinstance(error.get("frames"), list) else []:
        if isinstance(frame, list) and len(frame) == 4:
            name, line, func, code = frame
            frames.append([str(name)[:200], line if type(line) is int else 0, str(func)[:200],
                           str(code)[:200]])
    return {"type": str(error.get("type") or "Exception")[:200],
            "message": str(error.get("message") or "")[:child.MAX_TEXT],
            "frames": frames[-5:], "raised_here": error.get("raised_here") is True,
            "function": str(error.get("function") or "")[:200]}


class LearnerRaised(SandboxProblem):
    def __init__(self, error: Any, call: str) -> None:
        self.error = error_description(error)
        self.call = call
        self.type = self.error["type"]
        self.text = self.error["message"]
        super().__init__(f"{call} raised {self.type}: {self.text}")

    @property
    def where(self) -> str:
        frames = self.error["frames"]
        if not frames:
            return ""
        name, line, func, code = frames[-1]
        return f"{name}:{line} in {func}: {code}".rstrip(": ")


class ImportFailed(SandboxProblem):
    """The learner's module could not be loaded: one error for the whole topic."""

    @classmethod
    def from_error(cls, error: Any, filename: str) -> ImportFailed:
        error = error_description(error)
        frames = error["frames"]
        where = f"{filename}:{frames[-1][1]}" if frames else filename
        message = error["message"].strip().splitlines()
        return cls(f"{where}: {error['type']}: {message[0] if message else ''}".strip())


class FileRefused(SandboxProblem):
    """The learner's file was refused unread (a link, a pipe, a device, too large)."""


class SandboxTimeout(SandboxProblem):
    """No (whole) answer in time. ``advice`` says what usually causes it here, and ``concept``
    what that teaches (empty: the check's own concept)."""

    def __init__(self, message: str, advice: str = "Look for a loop that never ends.",
                 concept: str = "") -> None:
        super().__init__(message)
        self.advice = advice
        self.concept = concept


class SandboxCrashed(SandboxProblem):
    pass


class OutOfMemory(SandboxCrashed):
    """The kernel ended the sandbox (or one of its processes) for holding too much memory."""


class BadReply(SandboxProblem):
    """The sandbox answered with something that is not a well-formed value."""


class ConfinementFailed(SandboxProblem):
    """Strict mode could not confine the sandbox: the grading run itself is not trustworthy."""


@dataclass
class Reply:
    value: Any
    after: Any = None
    warnings: list[str] = field(default_factory=list)
    seconds: float = 0.0


@dataclass
class Pending:
    """A request sent to a sandbox whose reply is not read yet. Meanwhile the grading process
    is free: ``both`` computes the reference then, on the other core."""

    sandbox: Sandbox
    sent: wire.Message
    timeout: float | None
    label: str
    read: bool = False

    def reply(self) -> Reply:
        """Wait for the answer (within the request's time limit) and return it, or raise what
        the learner's code raised, as a direct call would."""
        return self.sandbox._answer(self)


# ----------------------------------------------------------------------------- the sandbox


@dataclass
class Budget:
    call: float = 10.0
    topic: float = 120.0
    start: float = 30.0


class Sandbox:
    """One learner module in its own process, kept alive for all of a topic's calls.

    ``code`` holds the submission's modules as read by ``intake`` (``<topic>.py`` and the
    helpers it may import); the sandbox writes its own copy and never opens the submission.
    """

    def __init__(self, topic: str, code: dict[str, bytes], *, budget: Budget | None = None,
                 threads: int = 1, strict: bool = False,
                 policy: limits.Policy | None = None) -> None:
        self.topic = topic
        self.code = dict(code)
        self.module = f"{topic}.py"
        self.budget = budget or Budget()
        self.threads = threads
        self.policy = policy or (limits.Policy.for_budget(self.budget.topic, threads)
                                 if strict else None)
        self.strict = self.policy is not None and self.policy.strict
        self.confinement: limits.Facts = {}  # confined: what the sandbox says was put in force
        self.survivors: list[int] = []  # confined: its processes alive after teardown
        self.memory_peak: int | None = None  # its control group's peak, read at teardown
        self._lease: users.Lease | None = None
        self._group: cgroups.Group | None = None
        self._group_problem = ""
        self.spent = 0.0
        self._awaiting: Pending | None = None  # a request sent whose reply is not read yet
        self.output = _OutputTail()
        self.warnings: list[str] = []  # distinct warnings the learner's calls raised, in order
        self._proc: Any = None
        self._conn: Any = None
        self._channel: Channel | None = None
        self._workdir: str | None = None
        self._import_failure: SandboxProblem | None = None  # import or confinement failure
        self._ready = False  # the child said it imported the learner's module

    @classmethod
    def for_file(cls, topic: str, path: str | os.PathLike, **options: Any) -> Sandbox:
        """A sandbox for one module file, read as every submission is (``intake``)."""
        return cls(topic, {f"{topic}.py": intake.read_file(path)}, **options)

    # -- lifecycle

    def start(self) -> None:
        """Start the child and wait until the learner module imported (or failed to)."""
        self.launch()
        if self._import_failure is not None:
            raise self._import_failure
        if self._ready:
            return
        if self.policy is not None:
            self._confined()
        try:
            header, _ = self._receive(self.budget.start, f"importing {self.module}")
        except SandboxProblem as problem:
            header = {"status": "import_problem", "message": problem.message}
        if header.get("status") != "ready":
            self.close()
            if header.get("status") == "import_error":
                failure = ImportFailed.from_error(header.get("error"), self.module)
            else:
                failure = ImportFailed(f"{self.module}: {header.get('message')}")
            self._import_failure = failure
            raise failure
        self._ready = True

    def launch(self) -> None:
        """Start the child without waiting for it: it imports the learner's module while the
        caller goes on (the grading process collects its checks meanwhile). ``start`` waits."""
        if self._import_failure is not None or self._proc is not None:
            return
        self._workdir = tempfile.mkdtemp(prefix=f"torchdojo-{self.topic}-")
        if self.strict:
            self._lease = users.lease()
        if self.policy is not None:
            self._group = self._new_group()
        spec = child.ChildSpec(topic=self.topic, code=self.code, workdir=self._workdir,
                               threads=self.threads, strict=self.strict, output_fd=OUTPUT_AT_FD,
                               uid=self._lease.uid if self._lease else None, policy=self.policy,
                               cgroup=tuple(self._group.procs) if self._group else (),
                               cgroup_kind=cgroups.tree().describe() if self._group else "")
        parent_conn, child_conn = _CTX.Pipe()
        out_r, out_w = _CTX.Pipe(duplex=False)
        self._proc = _CTX.Process(target=child.serve, args=(child_conn, out_w, spec),
                                  name=f"torchdojo-sandbox-{self.topic}")
        _LIVE.add(self)
        try:
            with forkserver.main_hidden(), forkserver.deadline(self.budget.start):
                self._proc.start()
        except (OSError, EOFError) as exc:
            self.close()
            self._import_failure = SandboxCrashed(f"the sandbox for {self.module} could not "
                                                  f"start ({exc})")
            return
        finally:
            child_conn.close()
            out_w.close()
        self._conn = parent_conn
        self._channel = Channel(parent_conn, wire.MAX_MESSAGE_BYTES)
        self.output.follow(out_r, at_fd=OUTPUT_AT_FD)

    def _new_group(self) -> cgroups.Group | None:
        """The sandbox's control group, made before it starts (it joins it first thing)."""
        tree = cgroups.tree()
        if not tree.usable:
            self._group_problem = tree.problem
            return None
        try:
            return tree.create(self.policy.group_memory, self.policy.processes)
        except cgroups.CgroupError as exc:
            self._group_problem = str(exc)
            return None

    def _confined(self) -> None:
        """Read what the sandbox put in force; it reports before any learner code runs."""
        try:
            header, _ = self._receive(self.budget.start, "confining the sandbox")
        except SandboxProblem as problem:
            header = {"status": "confinement_failed", "message": problem.message}
        if header.get("status") != "confined":
            self.close()
            self._import_failure = ConfinementFailed(
                f"strict mode could not confine the sandbox for {self.topic}: "
                f"{header.get('message')}")
            raise self._import_failure
        facts = header.get("facts") or {}
        self.confinement = {str(k): [bool(v[0]), str(v[1])] for k, v in facts.items()}
        if self._group_problem and not self.confinement.get("memory", [True])[0]:
            self.confinement["memory"][1] += f": {self._group_problem}"
        self.confinement["teardown"] = self._teardown_fact()

    def _teardown_fact(self) -> list:
        ways = [way for way, used in (
            ("every process of its control group", self._group is not None),
            ("every process of the sandbox user", self._lease is not None)) if used]
        if ways:
            return [True, f"{' and '.join(ways)} killed before the report is written"]
        return [False, "only the sandbox's process group is killed; a process that leaves it "
                       "(setsid) may outlive the sandbox"]

    def close(self) -> None:
        """Kill the child and everything it started, then remove its working directory."""
        self._awaiting = None
        self._ready = False
        proc, self._proc = self._proc, None
        if proc is not None:
            _kill_tree(proc)
            proc.join(timeout=5)
        lease, self._lease = self._lease, None
        if lease is not None:
            self.survivors += users.kill_all(lease.uid)
            lease.release()
        group, self._group = self._group, None
        if group is not None:
            self.memory_peak = group.peak()
            left = group.kill()
            self.survivors = sorted({*self.survivors, *left})
            if not left:
                group.remove()
        if self._conn is not None:
            self._conn.close()
            self._conn = None
            self._channel = None
        if self._workdir is not None:
            shutil.rmtree(self._workdir, ignore_errors=True)
            self._workdir = None
        _LIVE.discard(self)

    # -- requests

    def call(self, name: str, args: tuple = (), kwargs: dict | None = None, *,
             timeout: float | None = None, after: bool = False) -> Reply:
        return self.send_call(name, args, kwargs, timeout=timeout, after=after).reply()

    def probe(self, fn: Callable, args: tuple = (), kwargs: dict | None = None, *,
              source: str, timeout: float | None = None, after: bool = False) -> Reply:
        return self.send_probe(fn, args, kwargs, source=source, timeout=timeout,
                               after=after).reply()

    def send_call(self, name: str, args: tuple = (), kwargs: dict | None = None, *,
                  timeout: float | None = None, after: bool = False) -> Pending:
        """Send a call and return at once; its ``reply()`` waits for the answer."""
        return self._send({"op": "call", "name": name}, args, kwargs or {}, timeout, after,
                          f"{name}(...)")

    def send_probe(self, fn: Callable, args: tuple = (), kwargs: dict | None = None, *,
                   source: str, timeout: float | None = None, after: bool = False) -> Pending:
        """Send a probe and return at once; its ``reply()`` waits for the answer."""
        head = {"op": "probe", "name": fn.__name__, "source": source}
        return self._send(head, args, kwargs or {}, timeout, after, fn.__name__)

    def _send(self, head: dict, args: tuple, kwargs: dict, timeout: float | None,
              after: bool, label: str) -> Pending:
        if self._awaiting is not None:
            raise RuntimeError(f"a request to the sandbox of {self.topic} was sent before the "
                               f"reply to {self._awaiting.label} was read")
        self.start()
        sent = wire.pack_call(args, kwargs)
        sent.header.update(head, after=after)
        limit = self._limit(timeout or self.budget.call)
        started = time.perf_counter()
        try:
            self._channel.send(wire.to_bytes(sent), limit)
        except EOFError:
            raise self._crashed("before it could be called") from None
        except Stalled:
            self.close()
            raise SandboxTimeout(f"the sandbox stopped reading its requests ({limit:.3g} s) "
                                 f"before {label}", STOPPED) from None
        finally:
            self.spent += time.perf_counter() - started
        self._awaiting = Pending(self, sent, timeout, label)
        return self._awaiting

    def _answer(self, pending: Pending) -> Reply:
        """The reply to ``pending``. Its time limit counts from now, so whatever the grading
        process did since the request was sent never shortens the learner's time."""
        label = pending.label
        if pending.read:
            raise RuntimeError(f"the reply to {label} was read already")
        pending.read = True
        if self._awaiting is not pending:  # closed meanwhile (and perhaps started again)
            raise SandboxCrashed(f"the sandbox was closed before {label} answered")
        self._awaiting = None
        header, msg = self._receive(pending.timeout or self.budget.call, f"running {label}")
        status = header.get("status")
        if status == "ok":
            reply = _reply(header, msg, pending.sent, label)
            self.warnings += [w for w in dict.fromkeys(reply.warnings) if w not in self.warnings]
            del self.warnings[WARNINGS_KEPT:]
            return reply
        if status == "raised":
            raise learner_problem(header.get("error"), label)
        if status == "missing":
            raise LearnerRaised({"type": "AttributeError",
                                 "message": f"{self.module} has no function or class "
                                            f"named {str(header.get('name'))[:80]!r}"}, label)
        if status == "bad_value":
            raise BadReply(f"{label} returned {str(header.get('message'))[:300]}")
        raise BadReply(f"the sandbox answered {str(status)[:80]!r}")

    def _limit(self, timeout: float) -> float:
        """Seconds this wait may take: the call's limit, within what is left of the topic's."""
        left = self.budget.topic - self.spent
        if left <= 0:
            self.close()
            raise SandboxTimeout(f"the topic's time budget ({self.budget.topic:g} s) is used up")
        return min(timeout, left)

    def _receive(self, timeout: float, doing: str) -> tuple[dict, wire.Message]:
        """The next reply, whole, within the deadline; decoding it has a bounded cost."""
        limit = self._limit(timeout)
        started = time.perf_counter()
        try:
            data = self._channel.receive(limit)
        except Stalled as stalled:
            self.close()
            if stalled.started:
                raise SandboxTimeout(f"the answer stopped half-way: no whole answer after "
                                     f"{limit:.3g} s while {doing}", STOPPED) from None
            raise SandboxTimeout(f"no answer after {limit:.3g} s while {doing}") from None
        except EOFError:
            raise self._crashed(f"while {doing}") from None
        except TooLarge as exc:
            self.close()
            raise BadReply(f"the sandbox sent a reply too large to read while {doing} "
                           f"({exc})") from None
        finally:
            self.spent += time.perf_counter() - started
        started = time.perf_counter()
        try:  # what decoding costs is bounded (``wire``), and counts against the topic's budget
            msg = wire.from_bytes(data)
        except wire.WireError as exc:
            self.close()
            raise BadReply(f"the sandbox sent a malformed reply while {doing}: {exc}") from None
        finally:
            self.spent += time.perf_counter() - started
        if not isinstance(msg.header, dict):
            self.close()
            raise BadReply("the sandbox sent a malformed reply")
        return msg.header, msg

    def _crashed(self, when: str) -> SandboxCrashed:
        proc = self._proc
        code = None
        if proc is not None:
            proc.join(timeout=2)
            code = proc.exitcode
        group = self._group
        out_of_memory = group is not None and group.oom_kills() > 0
        self.close()
        how = _exit_text(code)
        if out_of_memory:
            return OutOfMemory(f"the sandbox ran out of memory (its processes may use "
                               f"{group.memory / limits.GiB:g} GiB together) {when}")
        return SandboxCrashed(f"the sandbox process {how} {when}")


STOPPED = ("Something stopped the sandbox in the middle of its work: a signal such as "
           "SIGSTOP, or a thread or process that holds it up.")


def _reply(header: dict, msg: wire.Message, sent: wire.Message, label: str) -> Reply:
    """The value of an "ok" reply, checked: nothing in it may break the grading process."""
    try:
        value = wire.unpack_result(wire.Message({"value": header.get("value")}, msg.tensors))
    except wire.WireError as exc:
        raise BadReply(f"{label} returned a value the grader cannot read: {exc}") from None
    if not isinstance(value, dict) or not {"value", "after"} <= value.keys():
        raise BadReply(f"{label} returned a value the grader cannot read: malformed reply")
    warned = header.get("warnings")
    warnings_ = [str(w)[:300] for w in warned[:10]] if isinstance(warned, list) else []
    seconds = header.get("seconds")
    seconds = float(seconds) if type(seconds) in (int, float) and seconds == seconds else 0.0
    value = wire.verify_sharing(value, sent)
    return Reply(value["value"], value["after"], warnings_, seconds)


def learner_problem(error: Any, label: str) -> SandboxProblem:
    """The problem an exception raised in learner code stands for, from its description."""
    error = error_description(error)
    if error["type"] == "NotImplementedError" and error["raised_here"]:
        function = error["function"][:80] or label
        return NotAttempted(f"{function}() still raises NotImplementedError")
    return LearnerRaised(error, label)


def _exit_text(code: int | None) -> str:
    if code is None:
        return "stopped answering"
    if code < 0:
        try:
            return f"was killed by {signal.Signals(-code).name}"
        except ValueError:
            return f"was killed by signal {-code}"
    return f"exited with status {code}"


def _kill_tree(proc: Any) -> None:
    if proc.pid is None:
        return
    if hasattr(os, "killpg"):
        try:
            os.killpg(proc.pid, signal.SIGKILL)
            return
        except (ProcessLookupError, PermissionError):
            pass
    with suppress(OSError, AttributeError):
        proc.kill()


class _OutputTail:
    """Keeps the first bytes a child printed and drains the rest so the child never blocks."""

    def __init__(self) -> None:
        self.data = bytearray()
        self.dropped = 0

    def follow(self, conn: Any, at_fd: bool = True) -> None:
        threading.Thread(target=self._drain, args=(conn, at_fd), daemon=True).start()

    def _drain(self, conn: Any, at_fd: bool) -> None:
        try:
            if at_fd:
                fd = conn.fileno()
                while chunk := os.read(fd, 65536):
                    self._keep(chunk)
            else:  # one message per write; a larger one ends the capture (OSError)
                while True:
                    self._keep(conn.recv_bytes(OUTPUT_LIMIT * 64))
        except (OSError, EOFError):
            pass
        finally:
            conn.close()

    def _keep(self, chunk: bytes) -> None:
        room = OUTPUT_LIMIT - len(self.data)
        self.data += chunk[: max(room, 0)]
        self.dropped += max(len(chunk) - max(room, 0), 0)

    @property
    def size(self) -> int:
        """Bytes printed in all, kept or not."""
        return len(self.data) + self.dropped

    def text(self) -> str:
        text = self.data.decode("utf-8", "replace")
        if self.dropped:
            text += f"\n... ({self.dropped} more bytes not shown)"
        return text


_LIVE: set[Sandbox] = set()


@atexit.register
def _close_all() -> None:
    for box in list(_LIVE):
        box.close()
