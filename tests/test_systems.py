"""The systems topics (devices, amp) on a machine without a GPU: the GPU tier is skipped and
never counted, meta is graded as a second device, and simulating hardware leaves no trace."""

from __future__ import annotations

import shutil

import pytest
import torch

from tests.conftest import ROOT, solution
from tests.test_cli import torchdojo
from torchdojo.compare import Mismatch
from torchdojo.engine import catalog
from torchdojo.engine.proxies import describe_args
from torchdojo.engine.report import Status

SYSTEMS = ("devices", "amp")
no_gpu = pytest.mark.skipif(torch.cuda.is_available(), reason="this machine has a GPU")


def test_each_systems_topic_has_a_gpu_tier_and_eight_cpu_checks(course):
    for name in SYSTEMS:
        checks = catalog.checks(course, course.topic(name))
        assert [c.name for c in checks if c.requires == "cuda"], name
        assert len([c for c in checks if c.requires is None]) >= 8, name
        assert all(len(c.hints) == 3 for c in checks), name


@no_gpu
def test_gpu_checks_are_skipped_never_passed_or_counted(grade_files):
    original = torch.cuda.is_available
    report = grade_files({name: solution(name) for name in SYSTEMS})
    assert not report.fault
    assert torch.cuda.is_available is original  # the device chooser's simulation was undone
    for topic in report.topics:
        gpu = [c for c in topic.checks if c.status is Status.SKIPPED]
        assert gpu and all(c.max_score == 0 and c.score == 0 for c in gpu), topic.name
        assert "CUDA" in gpu[0].message and "not counted" in gpu[0].message
        assert topic.complete and topic.score == topic.max_score > 0


@no_gpu
def test_reports_and_hints_never_claim_skipped_checks_passed(tmp_path):
    course = tmp_path / "course"
    for folder in ("exercises", "solutions", "graders"):
        shutil.copytree(ROOT / folder, course / folder,
                        ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(course / "solutions" / "amp.py", course / "exercises" / "amp.py")
    graded = torchdojo("grade", "amp", cwd=course)
    assert graded.returncode == 0, graded.stdout + graded.stderr
    assert "skipped" in graded.stdout and "Every check passed" not in graded.stdout
    hint = torchdojo("hint", "amp", cwd=course)
    assert "this machine can run has passed" in hint.stdout and "2 need" in hint.stdout
    listed = torchdojo("list", cwd=course)
    row = next(line for line in listed.stdout.splitlines() if " amp " in line)
    assert "done" in row


def test_a_check_on_meta_names_the_device():
    cpu, meta = torch.zeros(2, 3), torch.zeros(2, 3, device="meta")
    assert describe_args((meta,), {}) == "<2x3 float32 tensor on meta>"
    assert describe_args(([cpu, meta],), {}) == \
        "[<2x3 float32 tensor>, <2x3 float32 tensor on meta>]"


def test_a_described_subject_is_kept_apart_from_its_path():
    miss = Mismatch("is 1; expected 2.", path="['scales'][0]")
    assert miss.describe("f(x)") == "f(x)['scales'][0] is 1; expected 2."
    assert miss.describe("train_step over 3 steps") == \
        "train_step over 3 steps: ['scales'][0] is 1; expected 2."


def test_not_implemented_on_meta_is_an_error_not_a_stub(tmp_path):
    """PyTorch raises NotImplementedError from the learner's own line (``.tolist()`` of a meta
    tensor); only a ``raise`` statement, as in a stub, means "not attempted"."""
    import importlib.util

    from torchdojo.sandbox.child import describe_exception

    path = tmp_path / "learner.py"
    path.write_text("import torch\n\n"
                    "def stub(x):\n    raise NotImplementedError()\n\n"
                    "def host_copy(x):\n    return x.tolist()\n")
    spec = importlib.util.spec_from_file_location("learner", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    raised = {}
    for name in ("stub", "host_copy"):
        with pytest.raises(NotImplementedError) as caught:
            getattr(module, name)(torch.zeros(2, device="meta"))
        raised[name] = describe_exception(caught.value, str(path))["raised_here"]
    assert raised == {"stub": True, "host_copy": False}
