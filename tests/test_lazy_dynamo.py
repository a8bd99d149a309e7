"""torch._dynamo stands in until something compiles (torchdojo.lazy_dynamo).

Each case runs in a new interpreter: the stand-in is about what a process has imported.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

from tests.conftest import ROOT, solution

PRELUDE = """
import sys, torch
from torchdojo import lazy_dynamo
{first}
lazy_dynamo.install()
def real_loaded():
    return any(name.startswith("torch._dynamo.") for name in sys.modules)
"""


def run(body: str, first: str = "") -> None:
    code = PRELUDE.format(first=first) + textwrap.dedent(body)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120, cwd=ROOT)
    assert done.returncode == 0, done.stderr[-3000:]


def test_eager_optimizers_never_import_dynamo() -> None:
    # every optimizer torch ships: each wraps its methods and step the ways that reach dynamo
    run("""
    import torch.optim as optim
    classes = [c for c in vars(optim).values()
               if isinstance(c, type) and issubclass(c, optim.Optimizer)
               and c not in (optim.Optimizer, optim.SparseAdam)]  # SparseAdam: sparse grads only
    assert len(classes) >= 10, classes
    for cls in classes:
        p = torch.nn.Parameter(torch.ones(3, 3))  # 2-D: Muon takes no other
        try:
            opt = cls([p], lr=0.1)
        except TypeError:
            opt = cls([p])
        for _ in range(2):
            opt.zero_grad()
            (p * p).sum().backward()
            opt.step(lambda: (p * p).sum()) if cls is optim.LBFGS else opt.step()
        torch.optim.lr_scheduler.StepLR(opt, 1).step()
        opt.load_state_dict(opt.state_dict())
    assert not lazy_dynamo.loaded() and not real_loaded()
    """)


def test_distributed_data_parallel_never_imports_dynamo() -> None:
    run("""
    import torch.distributed as dist
    dist.init_process_group("gloo", init_method="tcp://127.0.0.1:0", rank=0, world_size=1)
    model = torch.nn.parallel.DistributedDataParallel(torch.nn.Linear(3, 2))
    model(torch.randn(4, 3)).sum().backward()
    dist.destroy_process_group()
    assert not lazy_dynamo.loaded() and not real_loaded()
    """)


def test_every_eager_answer_is_the_real_modules() -> None:
    # asked of the stand-in, then of the real module in the same process; disable is checked
    # by the optimizer and compile cases
    run("""
    answers = {}
    def ask(dotted):
        found = torch._dynamo
        for part in dotted.split("."):
            found = getattr(found, part)
        return found() if dotted != "disable" else found(len)("abc")
    for dotted in lazy_dynamo.EAGER:
        answers[dotted] = ask(dotted)
    assert not lazy_dynamo.loaded()
    lazy_dynamo.real()
    for dotted, answer in answers.items():
        assert ask(dotted) == answer, (dotted, answer)
    """)


def test_results_equal_those_with_the_real_module() -> None:
    run("""
    def train():
        torch.manual_seed(0)
        model = torch.nn.Linear(4, 2)
        opt = torch.optim.Adam(model.parameters(), lr=0.1)
        for _ in range(5):
            opt.zero_grad()
            model(torch.ones(3, 4)).pow(2).sum().backward()
            opt.step()
        return model.weight.detach().clone()
    before = train()
    assert not lazy_dynamo.loaded()
    lazy_dynamo.real()
    assert torch.equal(before, train())
    """)


@pytest.mark.parametrize("statement", [
    "import torch._dynamo.config as sub",  # imported by the package itself
    "from torch._dynamo import config as sub",
    "from torch._dynamo.eval_frame import OptimizedModule; import torch._dynamo.eval_frame as sub",
    "import torch._dynamo.testing as sub",  # not imported by the package
])
def test_any_other_use_gets_the_real_module_once(statement: str) -> None:
    run(f"""
    {statement}
    assert lazy_dynamo.loaded()
    dynamo = sys.modules["torch._dynamo"]
    assert torch._dynamo is dynamo
    name = sub.__name__
    assert sys.modules[name] is sub is getattr(dynamo, name.rsplit(".", 1)[1])
    assert sub.__spec__.name == name and sub.__spec__.origin.endswith(".py")
    """)


def test_compile_after_eager_steps_still_breaks_the_graph_at_the_optimizer() -> None:
    # zero_grad was wrapped by the stand-in's disable while eager; once compiling, the real
    # disable applies: dynamo does not trace into it (a graph break, counted by dynamo)
    run("""
    model = torch.nn.Linear(2, 1)
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    opt.zero_grad()
    def step(x):
        opt.zero_grad()
        model(x).sum().backward()
        opt.step()
        return model.weight * 1
    torch.compile(step, backend="eager")(torch.ones(1, 2))
    from torch._dynamo.utils import counters
    assert lazy_dynamo.loaded()
    assert sum(counters["graph_break"].values()) > 0, dict(counters)
    """)


def test_stand_in_answers_for_itself_once_the_real_module_is_in() -> None:
    run("""
    stand_in = torch._dynamo
    lazy_dynamo.real()
    assert stand_in.reset is torch._dynamo.reset
    stand_in.graph_break()
    """)


def test_nothing_to_stand_in_for_once_dynamo_is_imported() -> None:
    run("""
    assert sys.modules["torch._dynamo"] is real and lazy_dynamo.loaded()
    assert lazy_dynamo._FINDER not in sys.meta_path
    """, first="import torch._dynamo; real = torch._dynamo")


@pytest.mark.parametrize("strict", [False, True], ids=["local", "strict"])
def test_learner_code_that_compiles_grades_as_before(grade_files, strict: bool) -> None:
    # the real module loads inside the sandbox, confined or not, at the learner's first use
    if strict and not sys.platform.startswith("linux"):
        pytest.skip("strict grading needs Linux")
    source = solution("tensors").replace(
        "    return torch.tensor(value, dtype=torch.float32)",
        "    compiled = torch.compile(lambda v: v * 1, backend='eager')\n"
        "    return compiled(torch.tensor(value, dtype=torch.float32))", 1)
    assert "torch.compile" in source
    report = grade_files({"tensors": source}, strict=strict)
    assert report.score == report.max_score > 0, report.fault


def test_grading_every_topic_never_imports_dynamo() -> None:
    # the references run every topic's eager paths in the grading process: if a torch release
    # reaches torch._dynamo another way, this names the first use (see EAGER)
    run("""
    import traceback
    from torchdojo import course
    from torchdojo.engine.grading import grade
    first = []
    real = lazy_dynamo.real
    def noted():
        first.append("".join(traceback.format_stack(limit=12)))
        return real()
    lazy_dynamo.real = noted
    c = course.locate()
    report = grade(c, [], submission=c.solutions, seed=3)
    assert report.score == report.max_score > 0, report.fault
    assert not first and not real_loaded(), first[:1]
    """)
