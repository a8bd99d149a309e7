"""``dev check``: prove the course is consistent, and say how to fix each problem found."""

from __future__ import annotations

from collections.abc import Callable

from torchdojo.author import readme, stubs
from torchdojo.course import MANIFEST, Course, Topic
from torchdojo.engine import catalog
from torchdojo.engine.report import Status

ALLOWED_EXTRA = {"graders": {"manifest.toml"}}
CORPUS = ("wrong", 8), ("right", 3)  # the least a topic's corpus holds of each kind


DOCS = "https://docs.pytorch.org/"  # where every lesson links, for the concept it teaches


def structure_problems(course: Course) -> list[str]:
    """Files, stubs, declarations, the README and the corpora: all that needs no grading."""
    problems = _stray_files(course)
    for topic in course.topics:
        problems += _topic_problems(course, topic)
    return problems + readme.problems(course)


def _stray_files(course: Course) -> list[str]:
    names = {t.name for t in course.topics}
    problems = []
    for folder in ("exercises", "solutions", "graders"):
        for path in sorted((course.root / folder).iterdir()):
            if path.name.startswith(("_", ".")) or path.name in ALLOWED_EXTRA.get(folder, ()):
                continue
            if path.suffix != ".py" or path.stem not in names:
                problems.append(f"stray file {folder}/{path.name}: add its topic to {MANIFEST} "
                                "or remove the file")
    return problems


def _topic_problems(course: Course, topic: Topic) -> list[str]:
    problems = []
    for path in (course.solution(topic), course.grader(topic)):
        if not path.is_file():
            problems.append(f"{topic.name}: missing {path.relative_to(course.root)} "
                            "(see CONTRIBUTING.md: the files of a topic)")
    if not course.solution(topic).is_file():
        return problems
    try:
        expected = stubs.derive(course.solution(topic).read_text())
    except stubs.StubError as exc:
        return [*problems, f"{topic.name}: solutions/{topic.name}.py: {exc}"]
    exercise = course.exercise(topic)
    if not exercise.is_file() or exercise.read_text() != expected:
        problems.append(f"{topic.name}: exercises/{topic.name}.py is not derived from its "
                        "solution: run `torchdojo dev sync`")
    if not stubs.regions(course.solution(topic).read_text()):
        problems.append(f"{topic.name}: solutions/{topic.name}.py has no {stubs.BEGIN} region: "
                        "mark what the learner writes")
    if course.grader(topic).is_file():
        problems += _declaration_problems(course, topic)
    return problems + _corpus_problems(course, topic)


def _declaration_problems(course: Course, topic: Topic) -> list[str]:
    checks = catalog.checks(course, topic)
    where = f"graders/{topic.name}.py"
    problems = [] if checks else [f"{topic.name}: {where} declares no checks: mark each with "
                                  "@check(points=..., concept=..., hints=[...])"]
    for c in checks:
        if c.points <= 0:
            problems.append(f"{topic.name}.{c.name}: points must be positive ({where})")
        if not c.concept.strip():
            problems.append(f"{topic.name}.{c.name}: names no concept: give @check a concept=")
        if len(c.hints) < 2 or not all(h.strip() for h in c.hints):
            problems.append(f"{topic.name}.{c.name}: needs at least two non-empty hints, "
                            "a nudge first and the API last")
        if not c.docs or not all(page.startswith(DOCS) for page in c.docs):
            problems.append(f"{topic.name}.{c.name}: its lesson links to no page of the PyTorch "
                            f"documentation: give @check docs=\"{DOCS}...\"")
    return problems


def _corpus_problems(course: Course, topic: Topic) -> list[str]:
    """A checkout's tests/corpus/<topic>/ holds real mistakes and alternative solutions (an
    installed course has no tests/ and is not checked for them)."""
    corpus = course.root / "tests" / "corpus"
    if not corpus.is_dir():
        return []
    problems = []
    for kind, least in CORPUS:
        found = len(list((corpus / topic.name / kind).glob("*.py")))
        if found < least:
            problems.append(f"{topic.name}: tests/corpus/{topic.name}/{kind}/ holds {found} "
                            f"case(s); write at least {least} (see tests/corpus.py for the "
                            "format)")
    return problems


def docs_warnings(course: Course) -> list[str]:
    """Checks whose lesson links no documentation page: a warning, never a failure."""
    found = []
    for topic in course.topics:
        if not course.grader(topic).is_file():
            continue
        bare = [c.name for c in catalog.checks(course, topic) if not c.docs]
        odd = [c.name for c in catalog.checks(course, topic)
               if any(not page.startswith("https://") for page in c.docs)]
        if bare:
            found.append(f"{topic.name}: {len(bare)} check(s) link no documentation page "
                         f"({', '.join(bare)}): give @check a docs= URL of the PyTorch page "
                         "that teaches the concept")
        if odd:
            found.append(f"{topic.name}: docs= of {', '.join(odd)} must be https:// URLs")
    return found


def check_course(course: Course, echo: Callable[[str], None] = print) -> list[str]:
    problems = structure_problems(course)
    echo(f"structure: {len(problems)} problem(s)")
    for warning in docs_warnings(course):
        echo(f"! warning: {warning}")
    problems += _graded_problems(course, "solutions", (Status.PASSED, Status.SKIPPED), echo,
                                 "fix the solution or the check")
    problems += _graded_problems(course, "stubs", (Status.NOT_ATTEMPTED, Status.SKIPPED), echo,
                                 "put what the learner writes inside a solution region")
    return problems


def _graded_problems(course: Course, side: str, settled: tuple[Status, ...],
                     echo: Callable[[str], None], fix: str) -> list[str]:
    """Grade the solutions (or the stubs): every check must end in one of ``settled``."""
    from torchdojo.engine.grading import grade

    folder = course.solutions if side == "solutions" else course.exercises
    report = grade(course, submission=folder, seed=0)
    echo(f"{side}: {report.score:g}/{report.max_score:g}")
    problems = [f"{side[:-1]} of {c.name} is {c.status.value}: "
                f"{(c.message or c.status.value).splitlines()[0]} ({fix})"
                for c in report.checks if c.status not in settled]
    if report.fault:
        problems.append(f"grader fault on {side}: {report.fault}")
    return problems
