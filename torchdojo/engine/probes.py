"""Probes and the trusted helpers they share, and the source a probe is sent as.

A probe is trusted code that drives the learner's module (builds a model, registers hooks, runs
the learner's loop) and returns data. It runs in the learner's sandbox, and against the
reference in the grading process, from its *source*: it cannot close over anything, and every
name it reads must be a builtin, imported inside it, or a helper it declares::

    @probe_helper
    def classifier(state):
        from torch import nn
        ...

    @probe(uses=[classifier])
    def probe_inference(m, state, x):
        model = classifier(state)
        ...

A helper is declared once in a grader module and sent with every probe that uses it (helpers may
use other helpers), so no grader repeats a model builder inside its probes. Like probes, helpers
build and drive; they never hold a reference solution's logic or expected values.
"""

from __future__ import annotations

import ast
import builtins
import functools
import inspect
import symtable
import textwrap
from collections.abc import Callable, Iterable

HELPER = "__torchdojo_probe_helper__"
USES = "__torchdojo_probe_uses__"


class ProbeError(TypeError):
    """A probe or helper that could not run from its source in a sandbox."""


def probe_helper(fn: Callable | None = None, *, uses: Iterable[Callable] = ()) -> Callable:
    """Declare trusted code (a function or a class) that probes send along: ``@probe_helper``,
    or ``@probe_helper(uses=[other_helper])`` when it calls other helpers."""

    def declare(target: Callable) -> Callable:
        setattr(target, USES, _helpers(target, uses))
        setattr(target, HELPER, _own_source(target))
        return target

    return declare if fn is None else declare(fn)


def probe(*, uses: Iterable[Callable] = ()) -> Callable:
    """Declare the helpers a probe uses; they are sent with it and defined before it runs."""

    def declare(fn: Callable) -> Callable:
        setattr(fn, USES, _helpers(fn, uses))
        probe_source(fn)  # a probe that could not run in a sandbox fails where it is declared
        return fn

    return declare


def sent_with(fn: Callable) -> list[Callable]:
    """The helpers sent with ``fn``, each after the helpers it uses, each once."""
    order: list[Callable] = []

    def visit(helper: Callable) -> None:
        for used in getattr(helper, USES, ()):
            visit(used)
        if helper not in order:
            order.append(helper)

    for helper in getattr(fn, USES, ()):
        visit(helper)
    return order


@functools.cache
def probe_source(fn: Callable) -> str:
    """The source a probe is sent as: its helpers' sources, then its own."""
    parts = [getattr(h, HELPER) for h in sent_with(fn)] + [_own_source(fn)]
    source = "\n\n".join(parts)
    unknown = _unbound_names(source)
    if unknown:
        names = ", ".join(sorted(unknown))
        raise ProbeError(f"probe {fn.__name__} reads {names}, which the sandbox does not have: "
                         "import it inside the probe, or declare a @probe_helper and list it "
                         "in @probe(uses=[...])")
    return source


def _helpers(fn: Callable, uses: Iterable[Callable]) -> tuple[Callable, ...]:
    helpers = tuple(uses)
    for helper in helpers:
        if not hasattr(helper, HELPER):
            raise ProbeError(f"{fn.__name__} uses {getattr(helper, '__name__', helper)!r}, "
                             "which is not declared with @probe_helper")
    return helpers


def _own_source(fn: Callable) -> str:
    """The definition's text without its decorators (the sandbox has no torchdojo.checks)."""
    code = getattr(fn, "__code__", None)
    if code is not None and code.co_freevars:
        raise ProbeError(f"probe {fn.__name__} must not close over {code.co_freevars}")
    source = textwrap.dedent(inspect.getsource(fn))
    definition = ast.parse(source).body[0]
    return "".join(source.splitlines(keepends=True)[definition.lineno - 1:])


def _unbound_names(source: str) -> set[str]:
    """Global names the source reads that it neither defines nor finds among the builtins."""
    top = symtable.symtable(source, "<probe>", "exec")
    defined = {s.get_name() for s in top.get_symbols() if s.is_assigned() or s.is_imported()}
    known = defined | set(dir(builtins))
    unknown: set[str] = set()
    tables = [top]
    while tables:
        table = tables.pop()
        tables.extend(table.get_children())
        unknown |= {s.get_name() for s in table.get_symbols()
                    if s.is_global() and s.is_referenced() and s.get_name() not in known}
    return unknown
