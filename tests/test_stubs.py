"""The stubs are exactly derived from the references, and the course is consistent."""

from __future__ import annotations

import pytest

from torchdojo.author import stubs
from torchdojo.author.audit import structure_problems


def test_course_structure_is_consistent(course):
    assert structure_problems(course) == []


def test_each_stub_is_its_reference_with_solutions_removed(course):
    for topic in course.topics:
        reference = course.solution(topic).read_text()
        assert course.exercise(topic).read_text() == stubs.derive(reference), topic.name
        assert stubs.regions(reference), f"{topic.name} has no solution regions"


def test_derive_replaces_regions_and_keeps_indentation():
    reference = "def f(x):\n    \"\"\"Doc.\"\"\"\n    ### BEGIN SOLUTION\n    return x\n" \
                "    ### END SOLUTION\n"
    assert stubs.derive(reference) == ("def f(x):\n    \"\"\"Doc.\"\"\"\n    # YOUR CODE HERE\n"
                                       "    raise NotImplementedError()\n")


@pytest.mark.parametrize("broken", [
    "### BEGIN SOLUTION\nx = 1\n",
    "### END SOLUTION\n",
    "### BEGIN SOLUTION\n### BEGIN SOLUTION\n### END SOLUTION\n",
])
def test_unbalanced_markers_are_refused(broken):
    with pytest.raises(stubs.StubError):
        stubs.derive(broken)
