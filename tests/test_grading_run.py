"""What one grading run makes pytest do: nothing outside the course's graders.

Every re-grade (watch mode, each learner of a batch) pays for what pytest does per run, so work
that grows with the machine rather than the course is a bug even when the grade is right.
"""

from __future__ import annotations

from pathlib import Path

import _pytest.main

from tests.conftest import copy_course, solution
from torchdojo import course as course_mod
from torchdojo.engine.grading import grade


def test_collection_never_looks_outside_the_graders(tmp_path, monkeypatch):
    # a course beside many other entries, as in /tmp or a crowded home folder: pytest asked
    # about every entry of every folder from / down to the grader (100 ms a grade in /tmp)
    for n in range(200):
        (tmp_path / f"other{n}").mkdir()
    root = copy_course(tmp_path / "course", ("tensors",))
    course = course_mod.load(root)
    (root / "exercises" / "tensors.py").write_text(solution("tensors"))
    asked: list[Path] = []
    original = _pytest.main.pytest_ignore_collect

    def noted(collection_path, config):
        asked.append(Path(collection_path))
        return original(collection_path, config)

    monkeypatch.setattr(_pytest.main, "pytest_ignore_collect", noted)
    report = grade(course, ["tensors"], seed=1)
    assert report.score == report.max_score > 0
    outside = [p for p in asked if not p.is_relative_to(course.graders)]
    assert asked and not outside, outside[:5]
