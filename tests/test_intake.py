"""One reader for learner files: regular files of bounded size, never through a link."""

from __future__ import annotations

import os
import stat

import pytest

from torchdojo import intake

TOPICS = ["tensors", "reshape_view"]


def _write(folder, **files):
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / name).write_text(text)
    return folder


def test_modules_and_helpers_are_read_as_bytes(tmp_path):
    sub = _write(tmp_path / "sub", **{"tensors.py": "x = 1\n", "helper.py": "y = 2\n",
                                      "notes.txt": "not a module", "bad name.py": "z = 3\n"})
    read = intake.read_submission(sub, TOPICS)
    assert read.files == {"tensors.py": b"x = 1\n", "helper.py": b"y = 2\n"}
    assert read.refused == {} and read.topics(TOPICS) == ["tensors"]


def test_a_checkout_is_read_from_its_exercises_folder(tmp_path):
    _write(tmp_path / "repo" / "exercises", **{"reshape_view.py": "v = 1\n"})
    read = intake.read_submission(tmp_path / "repo", TOPICS)
    assert read.files == {"reshape_view.py": b"v = 1\n"} and read.where == "exercises/"


@pytest.mark.parametrize("make, says", [
    (lambda p, t: p.symlink_to(t / "secret.py"), "is a link; links are not graded"),
    (lambda p, t: p.symlink_to("/proc/self/environ"), "is a link; links are not graded"),
    (lambda p, t: os.mkfifo(p), "is a named pipe, not a file"),
    (lambda p, t: p.mkdir(), "is a folder, not a file"),
    (lambda p, t: os.truncate(p.touch() or p, intake.FILE_LIMIT + 1), "is larger than 1 MiB"),
])
def test_what_is_not_a_regular_file_of_bounded_size_is_refused_unread(tmp_path, make, says):
    (tmp_path / "secret.py").write_text("SECRET = 'the solution'\n")
    sub = _write(tmp_path / "sub", **{"reshape_view.py": "v = 1\n"})
    make(sub / "tensors.py", tmp_path)
    read = intake.read_submission(sub, TOPICS)
    assert "tensors.py" not in read.files and read.files == {"reshape_view.py": b"v = 1\n"}
    assert read.refusal("tensors").startswith(f"sub/tensors.py {says}")


def test_a_device_node_is_refused_without_being_opened(tmp_path):
    sub = _write(tmp_path / "sub")
    try:
        os.mknod(sub / "tensors.py", stat.S_IFCHR | 0o600, os.makedev(1, 5))  # like /dev/zero
    except PermissionError:
        pytest.skip("creating a device node needs root")
    assert intake.read_submission(sub, TOPICS).refusal("tensors") == \
        "sub/tensors.py is a device, not a file; it is not graded"


def test_links_to_folders_are_not_followed_below_the_named_folder(tmp_path):
    solutions = _write(tmp_path / "solutions", **{"tensors.py": "SOLVED = True\n"})
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "exercises").symlink_to(solutions, target_is_directory=True)
    assert intake.read_submission(repo, TOPICS).refusal("tensors") == \
        "repo/exercises is a link; links are not graded"
    batch = tmp_path / "batch"
    batch.mkdir()
    (batch / "ada").symlink_to(solutions, target_is_directory=True)
    read = intake.read_submission(batch / "ada", TOPICS, within=batch)
    assert read.files == {} and read.refusal("tensors") == "ada is a link; links are not graded"


def test_a_submission_is_bounded_in_total_and_in_count(tmp_path, monkeypatch):
    monkeypatch.setattr(intake, "MODULE_LIMIT", 3)
    sub = _write(tmp_path / "sub", **{f"m{i}.py": "x = 1\n" for i in range(5)},
                 **{"tensors.py": "t = 1\n"})
    read = intake.read_submission(sub, TOPICS)
    assert list(read.files) == ["tensors.py", "m0.py", "m1.py"]
    assert read.refused["m4.py"].endswith("a submission has at most 3 modules")


def test_one_file_reads_like_a_module(tmp_path):
    (tmp_path / "real.ipynb").write_text("{}")
    (tmp_path / "course").mkdir()
    (tmp_path / "course" / "nb.ipynb").symlink_to(tmp_path / "real.ipynb")
    assert intake.read_file(tmp_path / "real.ipynb") == b"{}"
    with pytest.raises(intake.Refused, match="nb.ipynb is a link"):
        intake.read_file(tmp_path / "course" / "nb.ipynb")


def test_the_batch_digest_reads_what_grading_reads(tmp_path):
    """``--resume`` trusts a report when the submission digest is unchanged: the digest is taken
    from the same reader, so a link or a pipe is never followed or opened, a helper module's
    change regrades, and a refused file is digested by its reason."""
    from torchdojo import course as course_mod
    from torchdojo.batch.identity import submission_digest

    course = course_mod.load()
    subs = tmp_path / "subs"
    alice = _write(subs / "alice", **{"tensors.py": "import helper\n", "helper.py": "x = 1\n"})
    first = submission_digest(course, alice, TOPICS, within=subs)
    assert first.files == ("tensors.py",)
    (alice / "helper.py").write_text("x = 2\n")
    assert submission_digest(course, alice, TOPICS, within=subs).sha256 != first.sha256

    (tmp_path / "secret.py").write_text("answer = 42\n")
    os.mkfifo(alice / "reshape_view.py")  # opening it to hash would block the batch
    (alice / "tensors.py").unlink()
    (alice / "tensors.py").symlink_to(tmp_path / "secret.py")
    linked = submission_digest(course, alice, TOPICS, within=subs)
    assert linked.files == ("tensors.py", "reshape_view.py")  # there, and refused
    (tmp_path / "secret.py").write_text("answer = 43\n")  # what the link points at is unread
    assert submission_digest(course, alice, TOPICS, within=subs).sha256 == linked.sha256

    (subs / "bob").symlink_to(alice, target_is_directory=True)  # a learner folder that links
    bob = submission_digest(course, subs / "bob", TOPICS, within=subs)
    assert bob.files == ("tensors.py", "reshape_view.py") and bob.sha256 != linked.sha256
