"""``both``: the learner's sandbox and the reference answer the same request side by side, and
the sandbox stays in step with its requests whatever happens meanwhile."""

from __future__ import annotations

import time

import pytest

from torchdojo.checks import LearnerRaised, SandboxCrashed, both
from torchdojo.engine.proxies import Learner, Reference
from torchdojo.sandbox.host import Budget, Sandbox

# The learner's side waits for a file that only the reference's side writes: asked one after
# the other, the learner would wait out its time limit.
LEARNER = '''\
import os
import time


def meet(path):
    end = time.monotonic() + 20
    while not os.path.exists(path):
        if time.monotonic() > end:
            raise TimeoutError("the reference never ran meanwhile")
        time.sleep(0.01)
    return "met"


def fails(x):
    raise ValueError("the learner's own mistake")


def double(x):
    return 2 * x
'''

REFERENCE = '''\
from pathlib import Path


def meet(path):
    Path(path).write_text("here")
    return "met"


def fails(x):
    raise KeyError("the reference cannot answer this either")


def double(x):
    return 2 * x
'''


@pytest.fixture
def sides(tmp_path):
    (tmp_path / "learner").mkdir()
    (tmp_path / "reference").mkdir()
    learner_file = tmp_path / "learner" / "meeting.py"
    learner_file.write_text(LEARNER)
    reference_file = tmp_path / "reference" / "meeting.py"
    reference_file.write_text(REFERENCE)
    box = Sandbox.for_file("meeting", learner_file, budget=Budget(call=30, topic=60))
    try:
        yield Learner(box), Reference(reference_file, "meeting"), box
    finally:
        box.close()


def test_the_reference_answers_while_the_learner_works(sides, tmp_path):
    learner, ref, _ = sides
    assert both(learner, ref, "meet", str(tmp_path / "met")) == ("met", "met")


def test_the_learners_error_is_the_verdict_and_the_sandbox_stays_in_step(sides):
    learner, ref, _ = sides
    with pytest.raises(LearnerRaised, match="the learner's own mistake"):
        both(learner, ref, "fails", 1)
    assert both(learner, ref, "double", 4) == (8, 8)  # the reply to "fails" was read


def test_a_request_waits_for_the_reply_before_it(sides):
    learner, _, box = sides
    sent = learner.send_call("double", 1)
    with pytest.raises(RuntimeError, match="before the reply to double"):
        box.send_call("double", (2,))
    assert sent.reply().value == 2
    with pytest.raises(RuntimeError, match="read already"):
        sent.reply()


def test_a_reply_after_the_sandbox_closed_is_a_crash(sides):
    learner, _, box = sides
    sent = learner.send_call("double", 1)
    box.close()
    with pytest.raises(SandboxCrashed, match="closed before double"):
        sent.reply()


# Its import waits for a file the test writes only once ``launch()`` has returned.
SLOW_IMPORT = '''\
import time
from pathlib import Path

FOLDER = Path({folder!r})
(FOLDER / "importing").touch()
end = time.monotonic() + 20
while not (FOLDER / "go").exists() and time.monotonic() < end:
    time.sleep(0.01)
SAW_GO = (FOLDER / "go").exists()


def saw_go():
    return SAW_GO
'''


def test_a_launched_sandbox_imports_the_module_while_the_caller_goes_on(tmp_path):
    """The grading process launches a topic's sandbox before collecting its checks; ``start``
    waits for the import that ``launch`` did not."""
    learner_file = tmp_path / "slow.py"
    learner_file.write_text(SLOW_IMPORT.format(folder=str(tmp_path)))
    box = Sandbox.for_file("slow", learner_file, budget=Budget(call=30, topic=60))
    try:
        box.launch()  # returns at once: the import has not even begun, or waits for "go"
        end = time.monotonic() + 20
        while not (tmp_path / "importing").exists() and time.monotonic() < end:
            time.sleep(0.01)
        (tmp_path / "go").touch()
        box.start()
        assert Learner(box).saw_go() is True
    finally:
        box.close()
