"""A check that crashes on what the learner's code returned is a failed check with a message;
one that crashes on the reference's answers too is a grader fault its author sees."""

from __future__ import annotations

import pytest

from tests.conftest import copy_course
from torchdojo import course as course_mod
from torchdojo.author import stubs
from torchdojo.engine.grading import grade
from torchdojo.engine.report import Status

SOLUTION = '''def answer():
    """A dict with a count."""
    ### BEGIN SOLUTION
    return {"count": 3}
    ### END SOLUTION
'''

GRADER = '''"""Checks for `toy`."""

from torchdojo.checks import check, expect, shared


@shared
def answered(learner):
    return learner.answer()


@check(points=1, concept="returning a dict", hints=["a", "b", "c"])
def reads_the_count(learner, ref, answered):
    expect(answered["count"] + 1, ref.answer()["count"] + 1)


@check(points=1, concept="a broken check", hints=["a", "b", "c"])
def broken(learner, ref):
    learner.answer()
    return {}["no such key"]
'''


@pytest.fixture(scope="module")
def toy(tmp_path_factory):
    root = copy_course(tmp_path_factory.mktemp("toy"), ("tensors",))
    (root / "solutions" / "toy.py").write_text(SOLUTION)
    (root / "exercises" / "toy.py").write_text(stubs.derive(SOLUTION))
    (root / "graders" / "toy.py").write_text(GRADER)
    with open(root / "graders" / "manifest.toml", "a") as manifest:
        manifest.write('\n[[topic]]\nname = "toy"\ntitle = "Toy"\nsummary = "A dict."\n')
    return course_mod.load(root)


def _grade(course, tmp_path, source: str):
    (tmp_path / "toy.py").write_text(source)
    report = grade(course, ["toy"], submission=tmp_path, seed=5, timeout_scale=0.3)
    return report, {c.name: c for c in report.checks}


def test_a_crash_on_learner_data_is_a_failed_check_and_a_bug_stays_a_fault(toy, tmp_path):
    report, checks = _grade(toy, tmp_path, "def answer():\n    return 7\n")
    reads = checks["reads_the_count"]
    assert reads.status is Status.FAILED and reads.score == 0
    assert "gave back data this check cannot read (TypeError" in reads.message
    assert "returning a dict:" in reads.message
    line = GRADER.splitlines().index('    expect(answered["count"] + 1, ref.answer()["count"] + 1)')
    assert reads.data["unreadable"].endswith(f"graders/toy.py:{line + 1} in reads_the_count")
    broken = checks["broken"]
    assert broken.status is Status.ERROR and "internal grader error" in broken.message
    line = GRADER.splitlines().index('    return {}["no such key"]')
    assert "toy.broken crashed: KeyError" in report.fault
    assert f"graders/toy.py:{line + 1} in broken" in report.fault


def test_the_reference_passes_what_it_replays(toy, tmp_path):
    report, checks = _grade(toy, tmp_path, SOLUTION)
    assert checks["reads_the_count"].passed
    assert checks["broken"].status is Status.ERROR and report.fault
