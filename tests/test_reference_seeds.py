"""The reference gets full marks from every seed, including the rare ones where a fixed bar
would fail it: a check that compares a seeded run with a fixed bar falls back to what the
reference reaches from the same seed."""

from __future__ import annotations

import pytest

from torchdojo.engine.grading import grade

# Found by CI (its Gradescope runs drew them): the reference's fit ends at validation loss
# 0.308 from this seed, over the 0.3 of training's convergence band (the other 400 seeds tried
# end under 0.22)...
SEEDS = {"training": [1670637950],
         # and these for autograd: the reference's float32 d2L/db2 is 6e-4 off the float64
         # estimate, over the rtol of 1e-4 the second-derivative check had; and from the second
         # (found by `dev seeds`), a logit of frozen_features rounds sigmoid to 1.0 in float32,
         # so the reference's dL/dw_head has no gradient from that sample (0 against 0.855)
         "autograd": [595162814, 1782447683]}


@pytest.mark.parametrize(("topic", "seed"),
                         [(topic, seed) for topic, seeds in SEEDS.items() for seed in seeds])
def test_the_reference_gets_full_marks_from_a_seed_that_misses_a_fixed_bar(course, topic, seed):
    result = grade(course, [topic], submission=course.solutions, seed=seed).topics[0]
    missed = [f"{c.name}: {c.message}" for c in result.checks if c.status.value == "failed"]
    assert result.score == result.max_score > 0, missed
