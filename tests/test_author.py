"""The course author's tools: a new topic needs only its manifest entry, its files and its
corpus; `dev sync` writes what is derived, and `dev check` says how to fix what is not right."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

from tests.conftest import ROOT, copy_course
from torchdojo import course as course_mod
from torchdojo.author import readme
from torchdojo.author.audit import docs_warnings, structure_problems
from torchdojo.author.sync import sync_course
from torchdojo.engine.grading import grade

README = f"# A course\n\n## Topics\n\n{readme.BEGIN}\n{readme.END}\n\nMore text.\n"

SOLUTION = '''\
"""Doubling: the new topic of this test."""

import torch


def double(x: torch.Tensor) -> torch.Tensor:
    """Twice x."""
    ### BEGIN SOLUTION
    return x * 2
    ### END SOLUTION
'''

GRADER = '''\
from torchdojo.checks import both, check, expect


@check(points=1, concept="elementwise arithmetic", hints=["Multiply.", "return x * 2"],
       docs="https://docs.pytorch.org/docs/stable/generated/torch.mul.html")
def doubles(learner, ref, draw):
    x = draw.tensor(3)
    expect(*both(learner, ref, "double", x))
'''

ENTRY = '''
[[topic]]
name = "doubling"
title = "Doubling"
summary = "Multiply a tensor by two."
practise = "`*` on tensors"
'''


def torchdojo(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "torchdojo", *args], cwd=cwd, text=True,
                          capture_output=True, timeout=600)


def tensors_course(folder: Path) -> Path:
    """A course of the first topic alone, with only that topic's files."""
    root = copy_course(folder, ("tensors",))
    for path in [*root.glob("*/*.py")]:
        if path.stem != "tensors":
            path.unlink()
    return root


def new_topic(root: Path) -> None:
    """What an author writes by hand for a topic: the manifest entry and the topic's files."""
    with (root / "graders" / "manifest.toml").open("a") as manifest:
        manifest.write(ENTRY)
    (root / "solutions" / "doubling.py").write_text(SOLUTION)
    (root / "graders" / "doubling.py").write_text(GRADER)


def test_a_new_topic_needs_its_entry_and_files_and_nothing_else(tmp_path):
    root = tensors_course(tmp_path)
    (root / "README.md").write_text(README)
    new_topic(root)
    course = course_mod.load(root)
    assert sync_course(course).written == [root / "exercises" / "doubling.py",
                                           root / "README.md"]
    assert structure_problems(course) == []
    table = (root / "README.md").read_text()
    assert "| 1 | `tensors` |" in table and "| 2 | `doubling` | `*` on tensors |" in table
    assert table.endswith(f"{readme.END}\n\nMore text.\n")
    assert sync_course(course).written == []  # nothing left to write
    graded = grade(course, ["doubling"], submission=root / "solutions", seed=3)
    assert graded.score == graded.max_score == 1 and not graded.fault


def test_each_problem_says_how_to_fix_it(tmp_path):
    root = tensors_course(tmp_path)
    (root / "README.md").write_text(README)
    new_topic(root)
    (root / "graders" / "notes.py").write_text("")
    (root / "graders" / "doubling.py").write_text(GRADER.replace('"Multiply.", ', "")
                                                  .replace("https://docs.pytorch.org", "x"))
    problems = structure_problems(course_mod.load(root))
    assert problems == [
        f"stray file graders/notes.py: add its topic to {course_mod.MANIFEST} or remove the file",
        "doubling: exercises/doubling.py is not derived from its solution: run "
        "`torchdojo dev sync`",
        "doubling.doubles: needs at least two non-empty hints, a nudge first and the API last",
        'doubling.doubles: its lesson links to no page of the PyTorch documentation: give '
        '@check docs="https://docs.pytorch.org/..."',
        "README.md's topic table differs from graders/manifest.toml: run `torchdojo dev sync`",
    ]


def test_a_topic_without_a_corpus_is_named(tmp_path):
    root = tensors_course(tmp_path)
    new_topic(root)
    (root / "tests" / "corpus" / "tensors" / "wrong").mkdir(parents=True)
    problems = structure_problems(course_mod.load(root))
    assert "tensors: tests/corpus/tensors/wrong/ holds 0 case(s); write at least 8 (see " \
           "tests/corpus.py for the format)" in problems
    assert any(p.startswith("doubling: tests/corpus/doubling/right/ holds 0") for p in problems)


def test_dev_check_fails_until_dev_sync_and_then_passes(tmp_path):
    root = tensors_course(tmp_path)
    (root / "README.md").write_text(README)
    failed = torchdojo("dev", "check", cwd=root)
    assert failed.returncode == 2
    assert "✗ README.md's topic table differs from graders/manifest.toml: run `torchdojo dev " \
           "sync`" in failed.stderr
    synced = torchdojo("dev", "sync", cwd=root)
    assert synced.returncode == 0 and synced.stdout.strip() == f"wrote {root / 'README.md'}"
    checked = torchdojo("dev", "check", cwd=root)
    assert checked.returncode == 0, checked.stderr
    assert checked.stdout.strip().endswith("✓ course is consistent")


def test_the_repository_readme_table_is_written_from_the_manifest():
    assert readme.problems(course_mod.load(ROOT)) == []


def test_author_commands_are_grouped_apart_from_the_learners():
    shown = torchdojo("--help", cwd=ROOT).stdout
    learner, rest = shown.split("Instructor and course CI commands:")
    assert "grade " in learner and "watch " in learner and "dev " not in learner
    assert rest.index("grade-batch") < rest.index("Course author commands:") < rest.index("dev ")
    assert textwrap.dedent(learner).count("\n  ") >= 6


# ----------------------------------------------------------------------------- dev sync and
# a learner's work


def changed_reference(root: Path) -> None:
    """An author's edit to a reference that changes its stub (a docstring)."""
    path = root / "solutions" / "tensors.py"
    path.write_text(path.read_text().replace('"""', '"""Revised. ', 1))


def cloned(root: Path) -> Path:
    """The course as a clone has it: every file committed."""
    for args in (["init", "-q"], ["add", "-A"],
                 ["-c", "user.name=a", "-c", "user.email=a@b", "commit", "-qm", "course"]):
        subprocess.run(["git", *args], cwd=root, check=True, capture_output=True)
    return root


def test_dev_sync_replaces_stubs_nobody_edited_without_asking(tmp_path):
    root = cloned(tensors_course(tmp_path))
    changed_reference(root)  # the exercise is the stub of the committed reference
    run = torchdojo("dev", "sync", cwd=root)
    assert run.returncode == 0, run.stderr
    assert (root / "exercises" / "tensors.py").read_text().startswith('"""Revised. ')
    assert not (root / ".torchdojo" / "backups").exists()
    changed_reference(root)  # the stub sync wrote is recognised as its own the next time
    assert torchdojo("dev", "sync", cwd=root).returncode == 0
    assert (root / "exercises" / "tensors.py").read_text().startswith('"""Revised. Revised. ')


def test_dev_sync_never_replaces_a_learners_work_unasked(tmp_path):
    root = cloned(tensors_course(tmp_path))
    mine = root / "exercises" / "tensors.py"
    mine.write_text(mine.read_text() + "\n# my work\n")
    changed_reference(root)
    refused = torchdojo("dev", "sync", cwd=root)  # no terminal: no one to ask
    assert refused.returncode == 2 and "Traceback" not in refused.stderr
    assert len(refused.stderr.strip().splitlines()) == 1
    assert "exercises/tensors.py" in refused.stderr and "--force" in refused.stderr
    assert mine.read_text().endswith("# my work\n")
    assert not (root / ".torchdojo" / "backups").exists()

    forced = torchdojo("dev", "sync", "--force", cwd=root)
    assert forced.returncode == 0, forced.stderr
    backups = list((root / ".torchdojo" / "backups").glob("tensors-*.py"))
    assert [b.read_text()[-10:] for b in backups] == ["# my work\n"]
    assert str(backups[0].relative_to(root)) in forced.stdout
    assert mine.read_text().startswith('"""Revised. ')


def test_dev_sync_asks_on_a_terminal_and_a_no_keeps_the_work(tmp_path):
    root = cloned(tensors_course(tmp_path))
    mine = root / "exercises" / "tensors.py"
    mine.write_text("# my work\n")
    answer = terminal_run(["dev", "sync"], root, "n\r")
    assert "hold(s) work that is not a generated stub" in answer and "Aborted" in answer
    assert mine.read_text() == "# my work\n"
    changed_reference(root)
    answer = terminal_run(["dev", "sync"], root, "y\r")
    assert "the old version is in .torchdojo/backups/tensors-" in answer
    assert mine.read_text() != "# my work\n"


def terminal_run(args: list[str], cwd: Path, keys: str) -> str:
    """Run the command on a pseudo-terminal, type ``keys`` when it asks, return the screen."""
    import os
    import pty

    pid, fd = pty.fork()
    if pid == 0:  # the child: the command, with the pty as its terminal
        os.chdir(cwd)
        os.execv(sys.executable, [sys.executable, "-m", "torchdojo", *args])
    seen = b""
    try:
        while b"[y/N]" not in seen:
            seen += os.read(fd, 4096)
        os.write(fd, keys.encode())
        while True:
            try:
                chunk = os.read(fd, 4096)
            except OSError:  # the child closed the terminal
                break
            if not chunk:
                break
            seen += chunk
    finally:
        os.waitpid(pid, 0)
        os.close(fd)
    return seen.decode("utf-8", "replace").replace("\r\n", "\n")


def test_dev_sync_refuses_in_a_learners_workspace(tmp_path):
    import os

    made = subprocess.run([sys.executable, "-m", "torchdojo", "init", "ws"], cwd=tmp_path,
                          capture_output=True, text=True, timeout=120,
                          env={**os.environ, "TORCHDOJO_COURSE": str(tensors_course(
                              tmp_path / "course"))})
    assert made.returncode == 0, made.stderr
    run = torchdojo("dev", "sync", cwd=tmp_path / "ws")
    assert run.returncode == 2 and "course checkout" in run.stderr


def test_every_check_of_the_course_links_pytorch_documentation():
    course = course_mod.load(ROOT)
    assert docs_warnings(course) == []
    from torchdojo.engine import catalog

    for topic in course.topics:
        for spec in catalog.checks(course, topic):
            assert spec.docs and all(page.startswith("https://docs.pytorch.org/")
                                     for page in spec.docs), (topic.name, spec.name, spec.docs)


def test_dev_seeds_names_each_check_a_reference_loses_with_the_seed_to_reproduce_it(tmp_path):
    # training's convergence band as it was before it fell back to the reference's own result:
    # from this seed (drawn by CI) the reference ends at loss 0.308, over the bar of 0.3
    course = copy_course(tmp_path, ("training",))
    grader = course / "graders" / "training.py"
    grader.write_text(grader.read_text().replace("max(band[0], theirs + 0.01)", "band[0]"))
    run = torchdojo("dev", "seeds", "--seed", "1670637950", cwd=course)
    assert run.returncode == 2, run.stderr
    assert "training.converges_well from seed 1670637950" in run.stderr
    assert "torchdojo grade training --submission solutions --seed 1670637950" in run.stderr

    fixed = torchdojo("dev", "seeds", "--seed", "1670637950", cwd=copy_course(tmp_path / "b",
                                                                               ("training",)))
    assert fixed.returncode == 0 and "full marks from every seed" in fixed.stdout, fixed.stderr
