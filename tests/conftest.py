from __future__ import annotations

from pathlib import Path

import pytest

from torchdojo import course as course_mod
from torchdojo.engine.report import Report
from torchdojo.engine.run import grade

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def course():
    return course_mod.load(ROOT)


@pytest.fixture
def grade_files(course, tmp_path):
    """Grade a submission made of {topic: source}; topics not given are left out."""

    def run(files: dict[str, str], topics=(), seed: int = 1234, **options) -> Report:
        folder = tmp_path / f"submission{len(list(tmp_path.iterdir()))}"
        folder.mkdir()
        for topic, source in files.items():
            (folder / f"{topic}.py").write_text(source)
        return grade(course, list(topics or files), submission=folder, seed=seed, **options)

    return run


def solution(topic: str) -> str:
    return (ROOT / "solutions" / f"{topic}.py").read_text()


def by_name(report: Report) -> dict:
    return {f"{t.name}.{c.name}": c for t in report.topics for c in t.checks}
