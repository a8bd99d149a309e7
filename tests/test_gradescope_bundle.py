"""The Gradescope bundle, for real: export it, unzip it into a fake /autograder tree, run its
run_autograder against submissions, and validate the results.json it writes."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests import formats
from tests.batchgen import expected_for, gradable_points
from tests.conftest import solution
from tests.corpus import cases

pytestmark = pytest.mark.slow  # the exported bundle run as Gradescope runs it

FORGER = '''
import os
from pathlib import Path

FAKE = '{"score": 1000, "tests": [{"name": "everything", "score": 1000, "max_score": 1000}]}'
results = Path(os.environ.get("TORCHDOJO_AUTOGRADER_ROOT", "/nonexistent")) / "results"
results.mkdir(parents=True, exist_ok=True)
(results / "results.json").write_text(FAKE)
(results / "forged.txt").write_text("the learner's code wrote here")
'''


def run_autograder(bundle: Path, root: Path, files: dict[str, str],
                   python: str = sys.executable) -> tuple[dict, str]:
    """Unzip as Gradescope does into ROOT/source, submit ``files``, run, read the results."""
    with zipfile.ZipFile(bundle) as archive:
        archive.extractall(root / "source")
        for info in archive.infolist():  # extractall drops permissions; Gradescope keeps them
            (root / "source" / info.filename).chmod(stat.S_IMODE(info.external_attr >> 16))
    for name, text in files.items():
        (root / "submission" / name).parent.mkdir(parents=True, exist_ok=True)
        (root / "submission" / name).write_text(text)
    (root / "submission").mkdir(exist_ok=True)
    env = {k: v for k, v in os.environ.items()
           if k not in ("PYTHONPATH", "TORCHDOJO_COURSE")}
    env.update(TORCHDOJO_AUTOGRADER_ROOT=str(root), TORCHDOJO_PYTHON=python)
    run = subprocess.run([str(root / "source" / "run_autograder")], cwd=root.parent, env=env,
                         capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr
    return formats.gradescope((root / "results" / "results.json").read_text()), run.stdout


def test_bundle_holds_what_gradescope_needs(bundle, course):
    with zipfile.ZipFile(bundle) as archive:
        names = set(archive.namelist())
        modes = {i.filename: stat.S_IMODE(i.external_attr >> 16) for i in archive.infolist()}
        requirements = archive.read("requirements.txt").decode()
    assert {"setup.sh", "run_autograder", "requirements.txt", "torchdojo/__init__.py",
            "torchdojo/ci/autograder.py", "course/graders/manifest.toml"} <= names
    for topic in course.topics:
        assert {f"course/graders/{topic.name}.py", f"course/solutions/{topic.name}.py"} <= names
    assert modes["run_autograder"] & 0o111 and modes["setup.sh"] & 0o111
    assert not any("__pycache__" in n.split("/") or n.startswith("torchdojo/_course/")
               for n in names)
    assert "torch==" in requirements and "editables" not in requirements


def test_reference_submission_gets_full_marks(bundle, tmp_path, course):
    files = {f"{t.name}.py": solution(t.name) for t in course.topics}
    data, stdout = run_autograder(bundle, tmp_path / "autograder", files)
    total = sum(sum(p.values()) for p in gradable_points(course).values())
    assert data["score"] == total > 0
    # a check that needs a GPU this machine lacks is informational: neither passed nor failed
    for test in data["tests"]:
        if test["extra_data"]["status"] == "skipped":
            assert not {"status", "score", "max_score"} & test.keys(), test
        else:
            assert test["status"] == "passed", test
    assert f"torchdojo from {tmp_path / 'autograder' / 'source' / 'torchdojo'}" in stdout


def test_wrong_submission_in_a_repository_layout(bundle, tmp_path, course):
    wrong = cases("wrong", "tensors")[0]
    files = {f"exercises/{t.name}.py": solution(t.name) for t in course.topics}
    files["exercises/tensors.py"] = wrong.source()
    files["conftest.py"] = "raise SystemExit('a learner conftest must never be loaded')\n"
    data, _ = run_autograder(bundle, tmp_path / "autograder", files)
    points = gradable_points(course)
    expected = expected_for(wrong, points["tensors"]) + sum(
        sum(p.values()) for name, p in points.items() if name != "tensors")
    assert data["score"] == expected
    failed = [t for t in data["tests"] if t.get("status") == "failed"]
    assert [t["name"] for t in failed] == [f"tensors.{wrong.check}"]
    assert wrong.mentions[0].lower() in failed[0]["output"].lower()


def test_forged_results_file_is_replaced_by_the_real_one(bundle, tmp_path, course):
    data, _ = run_autograder(bundle, tmp_path / "autograder", {"tensors.py": FORGER})
    # Where strict confinement is in force (root, namespaces) the attack cannot reach the
    # results folder at all; elsewhere it writes there and its results.json is overwritten.
    assert data["score"] == 0 and len(data["tests"]) > 2
    assert "everything" not in [t["name"] for t in data["tests"]]


def test_empty_submission_says_what_to_upload(bundle, tmp_path):
    data, _ = run_autograder(bundle, tmp_path / "autograder", {"notes.txt": "hello"})
    assert data["score"] == 0 and "No exercise files were found" in data["output"]


def test_grader_that_cannot_start_awards_nothing(bundle, tmp_path, course):
    data, _ = run_autograder(bundle, tmp_path / "autograder",
                             {"tensors.py": solution("tensors")}, python="/bin/false")
    assert data["score"] == 0
    assert [t["name"] for t in data["tests"]] == ["Autograder failed"]
    assert json.dumps(data).count("status") == 1
