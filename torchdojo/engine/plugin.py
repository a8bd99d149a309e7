"""The pytest plugin that grades: fixtures for checks, and a verdict for every check.

Checks are pytest tests in ``graders/<topic>.py``, collected by their ``@check`` mark. This
plugin runs in the grading process; learner code never does. It turns each test's outcome
into a status, a score and a teaching message, and collects them into a ``Report``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import pytest
import torch

import torchdojo
from torchdojo.compare import Lesson, Mismatch
from torchdojo.course import Course, Topic
from torchdojo.engine import sanitize
from torchdojo.engine.draw import Draw, derive_seed
from torchdojo.engine.proxies import Learner, Reference
from torchdojo.engine.replay import Replay, grader_frame
from torchdojo.engine.report import CheckResult, Status, TopicResult
from torchdojo.engine.spec import Check, spec_of
from torchdojo.explain import explain
from torchdojo.intake import Submission
from torchdojo.sandbox.host import (
    BadReply,
    Budget,
    ConfinementFailed,
    FileRefused,
    ImportFailed,
    LearnerRaised,
    NotAttempted,
    OutOfMemory,
    Sandbox,
    SandboxCrashed,
    SandboxProblem,
    SandboxTimeout,
)
from torchdojo.sandbox.limits import Policy

_RECORD = pytest.StashKey[dict]()


class GradeListener(Protocol):
    """Told as checks start and finish, so a long grade can show its progress."""

    def check_started(self, topic: str, check: str) -> None: ...

    def check_finished(self, topic: str, result: CheckResult) -> None: ...


@dataclass
class GradeConfig:
    course: Course
    topics: list[Topic]
    submission: Submission  # the learner's modules, as intake read them
    seed: int
    threads: int = 1
    strict: bool = False
    timeout_scale: float = 1.0
    listener: GradeListener | None = None
    private: tuple[str, ...] = ()  # strict: paths no sandbox may see (course secrets, results)
    guard: bool = False  # not strict: confine only what protects a batch's other learners


@dataclass
class _TopicState:
    topic: Topic
    result: TopicResult
    learner: Learner
    sandbox: Sandbox | None = None
    checks: list[Check] = field(default_factory=list)
    replay: Replay | None = None  # the reference as the learner, once a check crashed


class GradingPlugin:
    """Pass an instance to ``pytest.main(plugins=[...])``; read ``results`` afterwards."""

    def __init__(self, config: GradeConfig) -> None:
        self.config = config
        self.results: dict[str, TopicResult] = {
            t.name: TopicResult(t.name, t.title) for t in config.topics}
        self.fault = ""
        self._states: dict[str, _TopicState] = {}

    def pytest_sessionstart(self, session: pytest.Session) -> None:
        """Launch the first topic's sandbox now: it imports the learner's module while pytest
        collects the checks (about as long), instead of after."""
        first = next(iter(self.config.topics), None)
        if first is not None:
            state = self._state_of(first)
            if state.sandbox is not None:
                state.sandbox.launch()

    # -- collection: a function is a check when it carries the @check mark

    @pytest.hookimpl(tryfirst=True)
    def pytest_pycollect_makeitem(self, collector: Any, name: str, obj: Any) -> Any:
        if spec_of(obj) is not None and callable(obj):
            return [pytest.Function.from_parent(collector, name=name)]
        return None

    def pytest_collectreport(self, report: Any) -> None:
        if report.failed:
            self.fault = f"a grader module failed to load: {report.nodeid}: {report.longreprtext}"

    # -- fixtures

    @pytest.fixture(scope="module")
    def learner(self, request: pytest.FixtureRequest) -> Learner:
        return self._state(request.node.path).learner

    @pytest.fixture(scope="module")
    def ref(self, request: pytest.FixtureRequest) -> Reference:
        topic = self._topic_of(request.node.path)
        return Reference(self.config.course.solution(topic), topic.name)

    @pytest.fixture
    def draw(self, request: pytest.FixtureRequest) -> Draw:
        topic = self._topic_of(request.node.path)
        return Draw(derive_seed(self.config.seed, topic.name, request.node.name))

    @pytest.fixture(scope="session")
    def seed(self) -> int:
        """The run's seed; module-scoped fixtures that run one job for several checks use it."""
        return self.config.seed

    @pytest.fixture
    def record(self, request: pytest.FixtureRequest) -> dict:
        """A dict the check may fill with plain data to keep in the report (a loss curve)."""
        kept: dict = {}
        request.node.stash[_RECORD] = kept
        return kept

    # -- running

    def pytest_runtest_setup(self, item: pytest.Item) -> None:
        spec = spec_of(item.function)
        if self.config.listener is not None:
            self.config.listener.check_started(self._topic_of(item.path).name, spec.name)
        if spec.requires == "cuda" and not torch.cuda.is_available():
            pytest.skip("needs a CUDA GPU, which this machine does not have")

    @pytest.hookimpl(tryfirst=True, specname="pytest_runtest_makereport")
    def pytest_runtest_makereport_lightly(self, item: pytest.Item, call: Any) -> Any:
        """pytest's report of a failure, without the traceback pytest would format for it.

        The verdict and message come from the exception itself (``_verdict``); formatting a
        traceback parses the source of every frame, about 35 ms per failing check, which is
        most of a re-grade's time while a learner's checks still fail. Passes and skips
        (returning None) get pytest's own report.
        """
        excinfo = call.excinfo
        if excinfo is None or not isinstance(excinfo, pytest.ExceptionInfo) or \
                excinfo.errisinstance(pytest.skip.Exception):
            return None
        return pytest.TestReport(item.nodeid, item.location, dict.fromkeys(item.keywords, 1),
                                 "failed", f"{excinfo.typename}: {excinfo.value}", call.when,
                                 (), call.duration, call.start, call.stop,
                                 user_properties=item.user_properties)

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_makereport(self, item: pytest.Item, call: Any) -> Any:
        report = yield
        if call.when == "call" or (call.when == "setup" and not report.passed):
            self._record(item, call, report)
        return report

    def pytest_runtest_call(self, item: pytest.Item) -> None:
        state = self._state(item.path)
        state.learner.last_call = ""
        state.learner.timeout = spec_of(item.function).timeout

    def _record(self, item: pytest.Item, call: Any, report: Any) -> None:
        spec = spec_of(item.function)
        state = self._state(item.path)
        lesson = ""
        if report.skipped:
            status, message = Status.SKIPPED, _skip_reason(report)
        elif report.passed:
            status, message = Status.PASSED, ""
        else:
            status, message, lesson = self._verdict(item, spec, state, call.excinfo.value)
        points = 0 if status is Status.SKIPPED else spec.points
        # Messages and recorded data carry learner text and numbers: made safe here, once,
        # for every report format (see ``sanitize``).
        result = CheckResult(
            name=spec.name, status=status, score=points if status is Status.PASSED else 0,
            max_score=points, message=sanitize.text(message, sanitize.MESSAGE_LIMIT),
            concept=spec.concept, seconds=round(call.duration, 4),
            data=sanitize.data(item.stash.get(_RECORD, {})), docs=spec.docs,
            lesson=lesson)
        state.result.checks.append(result)
        if self.config.listener is not None:
            self.config.listener.check_finished(state.topic.name, result)

    def _verdict(self, item: pytest.Item, spec: Check, state: _TopicState, exc: BaseException
                 ) -> tuple[Status, str, str]:
        """The status, the message and the concept the message teaches. The concept follows
        what failed (the property that differed, the error raised), not the check's headline."""
        label = getattr(exc, "label", "") or state.learner.last_call or "your code"
        if isinstance(exc, Mismatch):
            concept = exc.concept or spec.concept
            lines = [exc.describe(label), exc.diff, f"{concept}: {exc.advice}"]
            return Status.FAILED, "\n".join(line for line in lines if line).strip(), concept
        if isinstance(exc, ConfinementFailed):
            self.fault = self.fault or exc.message
            return Status.ERROR, f"not graded: {exc.message}", ""
        if isinstance(exc, ImportFailed):
            state.result.error = sanitize.text(exc.message, sanitize.ERROR_LIMIT)
            return Status.ERROR, "not run: the module failed to import (see the topic error)", ""
        if isinstance(exc, FileRefused):
            state.result.error = sanitize.text(exc.message, sanitize.ERROR_LIMIT)
            return Status.ERROR, f"not graded: {exc.message}", ""
        if isinstance(exc, NotAttempted):
            return Status.NOT_ATTEMPTED, f"not attempted: {exc.message}", ""
        if isinstance(exc, SandboxTimeout):
            concept = exc.concept or spec.concept
            return Status.TIMEOUT, f"timeout: {exc.message}.\n{concept}: {exc.advice}", concept
        if isinstance(exc, LearnerRaised):
            message, concept = _raised_message(exc, spec, label)
            return Status.ERROR, message, concept
        if isinstance(exc, OutOfMemory):
            return Status.ERROR, f"{exc.message}\n{spec.concept}: every process you start " \
                                 "shares that memory; keep fewer or smaller tensors alive.", \
                spec.concept
        if isinstance(exc, (SandboxCrashed, BadReply, SandboxProblem)):
            return Status.ERROR, f"{exc.message}\n{spec.concept}: a graded function must " \
                                 "return its value; nothing else counts.", spec.concept
        if isinstance(exc, AssertionError):
            return Status.FAILED, f"{exc}\n{spec.concept}".strip(), spec.concept
        return self._crashed(item, spec, state, exc, label)

    def _crashed(self, item: pytest.Item, spec: Check, state: _TopicState, exc: BaseException,
                 label: str) -> tuple[Status, str, str]:
        """A check raised something no check raises on purpose. When the same check passes
        with the reference in the learner's place (``replay``), the learner's data caused it:
        a failed check. Otherwise the check is broken: a grader fault."""
        where = grader_frame(exc, [self.config.course.graders, Path(torchdojo.__file__).parent])
        what = f"{type(exc).__name__}: {_first_line(str(exc))}"
        if isinstance(exc, Exception) and self._blames_learner(item, state):
            item.stash[_RECORD] = {**item.stash.get(_RECORD, {}),
                                   "unreadable": f"{what} at {where}" if where else what}
            message = (f"{label} gave back data this check cannot read ({what}).\n"
                       f"{spec.concept}: the reference's answer passes this check, so compare "
                       "what yours returns with what is asked: its type, its keys or fields, "
                       "its length.")
            return Status.FAILED, message, spec.concept
        self.fault = self.fault or f"check {state.topic.name}.{spec.name} crashed: {what}" + \
            (f" at {where}" if where else "")
        return Status.ERROR, f"internal grader error ({what}); " \
                             "this is a bug in torchdojo, not in your code", ""

    def _blames_learner(self, item: pytest.Item, state: _TopicState) -> bool:
        """Replay the check with the reference as the learner. The learner's sandbox is
        closed first (the next call starts it afresh), so nothing it left running competes."""
        if state.sandbox is not None:
            state.sandbox.close()
        return self._replay(state).blames_learner(item.function)

    def _replay(self, state: _TopicState) -> Replay:
        if state.replay is None:
            scale = self.config.timeout_scale
            budget = Budget(call=state.topic.call_timeout * scale,
                            topic=state.topic.time_budget * scale)
            state.replay = Replay(self.config.course, state.topic, self.config.seed, budget)
        return state.replay

    # -- per-topic state: one sandbox per topic, kept for all its checks

    def _topic_of(self, path: Path) -> Topic:
        return self.config.course.topic(Path(path).stem)

    def _state(self, path: Path) -> _TopicState:
        return self._state_of(self._topic_of(path))

    def _state_of(self, topic: Topic) -> _TopicState:
        if topic.name not in self._states:
            self._states[topic.name] = self._open(topic)
        return self._states[topic.name]

    def _open(self, topic: Topic) -> _TopicState:
        result = self.results[topic.name]
        submission = self.config.submission
        if submission.module(topic.name) is None:
            refused = submission.refusal(topic.name)
            learner = Learner(None, missing=f"{topic.name}.py is not in the submission",
                              refused=refused)
            return _TopicState(topic, result, learner)
        scale = self.config.timeout_scale
        budget = Budget(call=topic.call_timeout * scale, topic=topic.time_budget * scale)
        confined = self.config.strict or self.config.guard
        policy = Policy.for_budget(budget.topic, self.config.threads, self.config.private,
                                   strict=self.config.strict) if confined else None
        sandbox = Sandbox(topic.name, submission.files, threads=self.config.threads,
                          budget=budget, policy=policy)
        return _TopicState(topic, result, Learner(sandbox), sandbox)

    def notes(self) -> list[str]:
        """What the report says about the submission: the files refused unread."""
        return [sanitize.text(n, sanitize.ERROR_LIMIT) for n in self.config.submission.notes]

    def sandboxes(self) -> list[Sandbox]:
        return [s.sandbox for s in self._states.values() if s.sandbox is not None]

    def pytest_runtest_teardown(self, item: pytest.Item, nextitem: pytest.Item | None) -> None:
        if nextitem is None or Path(nextitem.path) != Path(item.path):
            self._close(self._topic_of(item.path).name)

    def _close(self, name: str) -> None:
        state = self._states.get(name)
        if state is not None and state.replay is not None:
            state.replay.close()
        if state is not None and state.sandbox is not None:
            state.sandbox.close()
            state.result.output = sanitize.text(state.sandbox.output.text(),
                                                sanitize.OUTPUT_LIMIT)
            state.result.output_bytes = state.sandbox.output.size
            state.result.warnings = [sanitize.text(w, 300) for w in state.sandbox.warnings]

    def pytest_sessionfinish(self) -> None:
        for name in list(self._states):
            self._close(name)


def _raised_message(exc: LearnerRaised, spec: Check, label: str) -> tuple[str, str]:
    """What a PyTorch error the learner's code raised teaches, and its concept: the check's own
    lesson for that error where it declares one, else the general explanation."""
    where = f" ({exc.where})" if exc.where else ""
    first = f"{label} raised {exc.type}: {_first_line(exc.text)}{where}"
    known = explain(exc.type, exc.text)
    if known is None:
        return f"{first}\n{spec.concept}: read the error above; the line shown is where it " \
               "happened.", spec.concept
    lesson = dict(spec.errors).get(known.concept)
    if lesson is not None:
        concept, advice = (lesson.concept or spec.concept, lesson.advice) \
            if isinstance(lesson, Lesson) else (spec.concept, lesson)
        return f"{first}\n{concept}: {advice}", concept
    shown = spec.concept if known.concept == spec.concept else \
        f"{spec.concept} ({known.concept})"
    return f"{first}\n{shown}: {known.advice}", known.concept


def _first_line(text: str) -> str:
    line = text.strip().splitlines()[0] if text.strip() else ""
    return line if len(line) <= 300 else line[:297] + "..."


def _skip_reason(report: Any) -> str:
    reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
    return f"skipped: {reason.removeprefix('Skipped: ')} (not counted)"

