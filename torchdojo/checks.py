"""Everything a grader module uses, and nothing else: graders import from here only.

A check is a pytest test that runs in the grading process. It asks the learner's sandbox for
values and the reference solution for the same, and compares them with ``expect``. It declares
its points, the concept it grades and escalating hints where it is defined::

    @check(points=2, concept="0-d tensors", hints=["...", "...", "..."])
    def scalar_from_number(learner, ref, draw):
        value = draw.number()
        expect(*both(learner, ref, "make_scalar", value))

The forms, one each:

- **ask both sides alike**: ``both(learner, ref, "fn", *args)`` or ``both(learner, ref, probe,
  *args, label="fn(...)")`` returns ``(got, want)``; ``after=True`` also returns the arguments
  as the call left them (``expect_inputs_kept``). The reference answers while the learner's
  sandbox works, so prefer it to asking each side in turn; ``alongside(learner.send_run(...),
  lambda: ref.run(...))`` does the same for two different requests.
- **compare**: ``expect(got, want, name=..., advice=...)`` names the first property that
  differs, and teaches the lesson given for *that* property (a plain string belongs to the
  check's concept, a ``Lesson(concept, advice)`` names another); ``expect_true(ok, detail,
  advice)`` grades a property rather than a value, and never alone: a property check compares
  the values too, so it never pays for wrong ones.
- **share one expensive run**: a ``@shared`` function (a module-scoped fixture) runs once per
  grade; each check that names it as a parameter reads its result, or gets its failure.
- **probes**: a function ``probe_x(m, ...)`` drives the learner's module ``m`` in the sandbox
  and returns data; ``@probe_helper`` declares trusted code that probes share and
  ``@probe(uses=[...])`` sends it with them (see ``torchdojo.engine.probes``); ``mlp``
  builds a test network from a state_dict for any grader. A probe may run learner work in a
  fork of the sandbox, beside its own (``torchdojo.sandbox.forks``), or as the ranks of a
  distributed job (``torchdojo.sandbox.ranks``); ``fork_value`` and ``rank_records`` read
  what they left, or raise what stopped them.
- **expected values computed here**: an ``@oracle`` function (trusted code that computes what
  a correct answer gives, from wire-able arguments) keeps its result per input, as the
  reference's answers are kept, so re-grades and a batch compute it once per seed.
- **inputs**: the ``draw`` fixture (a ``Draw`` seeded per check), ``seed`` for shared runs,
  ``derive_seed`` for inputs drawn outside a check, ``as_data`` for a value computed here.

The definitions live in the engine; this module only gathers them.
"""

from torchdojo.compare import (
    Lesson,
    Mismatch,
    expect,
    expect_inputs_kept,
    expect_true,
    type_name,
)
from torchdojo.datasets import load_digits
from torchdojo.engine.draw import Draw, derive_seed
from torchdojo.engine.fork_results import fork_value
from torchdojo.engine.models import mlp
from torchdojo.engine.oracles import oracle
from torchdojo.engine.probes import probe, probe_helper
from torchdojo.engine.proxies import alongside, as_data, both
from torchdojo.engine.rank_records import job_part, rank_records, ranks_that_wrote
from torchdojo.engine.shared import shared
from torchdojo.engine.spec import Check, check, spec_of
from torchdojo.sandbox.host import (
    LearnerRaised,
    NotAttempted,
    Reply,
    SandboxCrashed,
    SandboxProblem,
    SandboxTimeout,
    learner_problem,
)
from torchdojo.sandbox.ranks import DEADLINE, GROUP_TIMEOUT
from torchdojo.sandbox.wire import Foreign, TensorData

__all__ = [
    "DEADLINE", "GROUP_TIMEOUT", "Check", "Draw", "Foreign", "LearnerRaised", "Lesson", "Mismatch",
    "NotAttempted", "Reply", "SandboxCrashed", "SandboxProblem", "SandboxTimeout", "TensorData",
    "alongside", "as_data", "both", "check", "derive_seed", "expect", "expect_inputs_kept",
    "expect_true", "fork_value", "job_part", "learner_problem", "load_digits", "mlp", "oracle",
    "probe", "probe_helper", "rank_records", "ranks_that_wrote", "shared", "spec_of", "type_name",
]
