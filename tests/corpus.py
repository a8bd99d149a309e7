"""Corpus cases: submissions written as overrides of a topic's reference solution.

A case file holds a docstring with its expectations, then code that is appended to the
reference, so only the functions it redefines differ from a correct submission::

    \"\"\"T1: torch.Tensor([v]) builds a 1-element vector, not a scalar.

    check: scalar_is_0d
    status: failed
    mentions: 0-d tensors; shape
    \"\"\"
    import torch

    def scalar(value):
        return torch.Tensor([value])

``wrong/`` cases must fail ``check`` with ``status`` and every ``mentions`` text in its message;
``also`` lists other checks the case may fail; a long ``also`` list may take several lines, each
starting ``also:``. The message must teach the concept the mistake is about: the check's own,
or ``concept`` where the mistake is about another one (forgetting ``zero_grad()`` in a check
about the GradScaler is a lesson about zeroing gradients). ``right/`` cases must get full marks.
``constant/`` cases answer every function with a constant of the right type (and shape, dtype,
device, graph where they can): they must score nothing, so no property check pays for wrong
values.
``attacks/`` cases attack the grader: the checks under ``lose`` (or ``all`` for a module that
fails to import, ``every`` for every check of one that imports, ``any``) score 0 with
``status``, and nothing else changes. A case can instead be a whole file (``whole: true``).
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).parent / "corpus"
SOLUTIONS = Path(__file__).parents[1] / "solutions"


@dataclass(frozen=True)
class Case:
    topic: str
    kind: str  # "wrong" or "right"
    path: Path
    summary: str
    check: str = ""
    concept: str = ""  # what the message must teach, where it is not the check's own concept
    status: str = "failed"
    mentions: tuple[str, ...] = ()
    also: tuple[str, ...] = ()
    lose: tuple[str, ...] = ()  # attacks: checks that must score 0 ("all", "any")
    whole: bool = False
    extra: dict = field(default_factory=dict)

    @property
    def id(self) -> str:
        return f"{self.topic}/{self.kind}/{self.path.stem}"

    def source(self) -> str:
        text = self.path.read_text()
        if self.whole:
            return text
        reference = (SOLUTIONS / f"{self.topic}.py").read_text()
        return f"{reference}\n\n# --- corpus override ---\n{text}"


def _parse(topic: str, kind: str, path: Path) -> Case:
    doc = ast.get_docstring(ast.parse(path.read_text())) or ""
    lines = doc.splitlines()
    fields: dict[str, str] = {}
    for line in lines[1:]:
        key, sep, value = line.partition(":")
        if sep and key.strip() in {"check", "concept", "status", "mentions", "also", "lose",
                                   "whole"}:
            # a list too long for one line goes on in another line with the same key
            fields[key.strip()] = "; ".join(filter(None, (fields.get(key.strip()),
                                                          value.strip())))
    listed = lambda key: tuple(s.strip() for s in fields.get(key, "").split(";") if s.strip())  # noqa: E731
    return Case(topic=topic, kind=kind, path=path, summary=lines[0] if lines else path.stem,
                check=fields.get("check", ""), concept=fields.get("concept", ""),
                status=fields.get("status", "failed"),
                mentions=listed("mentions"), also=listed("also"), lose=listed("lose"),
                whole=fields.get("whole", "") == "true")


def cases(kind: str, topic: str | None = None) -> list[Case]:
    found = []
    for folder in sorted(ROOT.glob(f"*/{kind}")):
        if topic is None or folder.parent.name == topic:
            found += [_parse(folder.parent.name, kind, p) for p in sorted(folder.glob("*.py"))]
    return found
