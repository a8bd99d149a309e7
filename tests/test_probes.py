"""Probe helpers: declared once, sent with the probes that use them, run alike in the sandbox
and against the reference; a probe that could not run in a sandbox fails where it is declared."""

from __future__ import annotations

import importlib.util
import textwrap

import pytest
import torch
from torch import nn

from torchdojo.checks import mlp, probe, probe_helper
from torchdojo.engine.probes import ProbeError, probe_source, sent_with
from torchdojo.engine.proxies import Learner, Reference
from torchdojo.sandbox.host import Budget, Sandbox


@probe_helper
def doubled(x):
    return 2 * x


@probe_helper(uses=[doubled])
def quadrupled(x):
    return doubled(doubled(x))


@probe(uses=[quadrupled, doubled])
def probe_scaled(m, x):
    return m.identity(quadrupled(x))


def test_helpers_are_sent_once_each_after_what_they_use():
    assert sent_with(probe_scaled) == [doubled, quadrupled]
    source = probe_source(probe_scaled)
    assert source.count("def doubled") == 1
    assert source.index("def doubled") < source.index("def quadrupled") < \
        source.index("def probe_scaled")
    assert "@probe" not in source  # the sandbox has no torchdojo.checks to decorate with


def test_a_probe_runs_with_its_helpers_in_the_sandbox_and_on_the_reference(tmp_path):
    module = tmp_path / "helped.py"
    module.write_text("def identity(x):\n    return x\n")
    box = Sandbox.for_file("helped", module, budget=Budget(call=30, topic=60))
    try:
        assert Learner(box).run(probe_scaled, 3) == 12
    finally:
        box.close()
    assert Reference(module, "helped").run(probe_scaled, 3) == 12


def declare(tmp_path, source: str):
    path = tmp_path / "grader_like.py"
    path.write_text("from torchdojo.checks import probe, probe_helper\n\n"
                    + textwrap.dedent(source))
    spec = importlib.util.spec_from_file_location("grader_like", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("source,said", [
    ("""
     SIZE = 3

     @probe()
     def probe_global(m):
         return m.f(SIZE)
     """, "reads SIZE"),
    ("""
     def build():
         return 1

     @probe(uses=[build])
     def probe_undeclared(m):
         return build()
     """, "not declared with @probe_helper"),
    ("""
     def outer():
         size = 3

         @probe()
         def probe_closure(m):
             return size

     outer()
     """, "must not close over"),
], ids=["global", "undeclared helper", "closure"])
def test_a_probe_that_could_not_run_in_a_sandbox_fails_where_it_is_declared(tmp_path, source,
                                                                              said):
    with pytest.raises(ProbeError, match=said):
        declare(tmp_path, source)


def test_mlp_builds_what_a_hand_written_sequential_builds():
    state = {"0.weight": torch.randn(5, 3), "0.bias": torch.randn(5),
             "3.weight": torch.randn(2, 5), "3.bias": torch.randn(2)}
    torch.manual_seed(7)
    built = mlp(state, nn.ReLU(), nn.Dropout(0.2))
    after_built = torch.rand(3)
    torch.manual_seed(7)
    by_hand = nn.Sequential(nn.Linear(3, 5), nn.ReLU(), nn.Dropout(0.2), nn.Linear(5, 2))
    after_by_hand = torch.rand(3)
    by_hand.load_state_dict(state)
    assert str(built) == str(by_hand)
    assert torch.equal(after_built, after_by_hand)  # the same draws from the global generator
    assert all(torch.equal(a, b) for a, b in zip(built.state_dict().values(),
                                                  by_hand.state_dict().values(), strict=True))
    shapes_only = mlp(state, nn.ReLU(), nn.Dropout(0.2), load=False)
    assert not torch.equal(shapes_only[0].weight, state["0.weight"])
