"""The shape of the code: packages import each other without a circle, only the CLI package
speaks click, graders use one API, and a usage error answers before torch is imported."""

from __future__ import annotations

import ast
import importlib.util
import json
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import pytest

from torchdojo.engine.probes import probe_source

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "torchdojo"
GRADERS = ROOT / "graders"
# Probes run in the sandbox, where forks (and a distributed job's ranks) come from these.
PROBE_SIDE = {"torchdojo.sandbox.ranks", "torchdojo.sandbox.forks"}


def imports(path: Path) -> list[tuple[str, int, bool]]:
    """(module imported, line, inside a function) for every import in ``path``."""
    found: list[tuple[str, int, bool]] = []

    def visit(node: ast.AST, nested: bool) -> None:
        for child in ast.iter_child_nodes(node):
            inner = nested or isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef))
            if isinstance(child, ast.Import):
                found.extend((a.name, child.lineno, nested) for a in child.names)
            elif isinstance(child, ast.ImportFrom) and child.level == 0 and child.module:
                found.append((child.module, child.lineno, nested))
                # `from torchdojo import course` imports torchdojo.course
                found.extend((f"{child.module}.{a.name}", child.lineno, nested)
                             for a in child.names if child.module == "torchdojo")
            visit(child, inner)

    visit(ast.parse(path.read_text(encoding="utf-8")), False)
    return found


def part_of(module: str) -> str:
    """The package (or top-level module) of torchdojo that ``module`` belongs to."""
    return ".".join(module.split(".")[:2])


def package_graph() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = defaultdict(set)
    for path in PACKAGE.rglob("*.py"):
        here = part_of(".".join(path.relative_to(ROOT).with_suffix("").parts))
        for module, _, _ in imports(path):
            if module.startswith("torchdojo.") and part_of(module) != here:
                graph[here].add(part_of(module))
    return graph


def find_circle(graph: dict[str, set[str]]) -> list[str]:
    """One circle of the graph, or [] when it has none."""
    state: dict[str, str] = {}

    def walk(node: str, path: list[str]) -> list[str]:
        state[node] = "open"
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == "open":
                return [*path[path.index(nxt):], nxt] if nxt in path else [node, nxt]
            if nxt not in state and (circle := walk(nxt, [*path, nxt])):
                return circle
        state[node] = "done"
        return []

    for start in sorted(graph):
        if start not in state and (circle := walk(start, [start])):
            return circle
    return []


def test_packages_import_each_other_without_a_circle():
    graph = package_graph()
    assert "torchdojo.engine" in graph and "torchdojo.cli" in graph  # the walk saw the code
    assert find_circle(graph) == []


def test_the_circle_finder_finds_circles():
    assert find_circle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_circle({"a": {"b"}, "b": {"c"}}) == []


def test_only_the_cli_package_speaks_click():
    cli = PACKAGE / "cli"
    for path in PACKAGE.rglob("*.py"):
        if cli in path.parents or path.name == "__main__.py":
            continue
        for module, line, _ in imports(path):
            where = f"{path.relative_to(ROOT)}:{line}"
            assert part_of(module) != "click", f"{where} imports click: keep it in torchdojo/cli/"
            assert part_of(module) != "torchdojo.cli", \
                f"{where} imports the CLI: the CLI calls feature packages, never the reverse"


def test_graders_import_from_torchdojo_only_through_checks():
    for path in sorted(GRADERS.glob("*.py")):
        for module, line, nested in imports(path):
            if module.split(".")[0] != "torchdojo":
                continue
            allowed = {"torchdojo.checks"} | (PROBE_SIDE if nested else set())
            assert module in allowed, f"{path.name}:{line} imports {module}: graders import " \
                                      "from torchdojo.checks (probes may use the sandbox's " \
                                      "forks and ranks)"


def test_checks_only_gathers_what_the_engine_defines():
    tree = ast.parse((PACKAGE / "checks.py").read_text(encoding="utf-8"))
    defined = [n for n in tree.body if not isinstance(n, (ast.Import, ast.ImportFrom, ast.Expr))
               and not (isinstance(n, ast.Assign) and n.targets[0].id == "__all__")]
    assert defined == []
    import torchdojo.checks as checks

    assert sorted(checks.__all__) == sorted(n for n in vars(checks) if not n.startswith("_")
                                            and n not in ("annotations",))


def grader_probes(path: Path) -> list:
    spec = importlib.util.spec_from_file_location(f"architecture_{path.stem}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    # The grader's own probes, not the API it imports (``probe_helper``).
    return [v for k, v in vars(module).items() if k.startswith("probe_") and callable(v)
            and getattr(v, "__module__", None) == module.__name__]


@pytest.mark.parametrize("grader", sorted(p.stem for p in GRADERS.glob("*.py")))
def test_every_probe_can_be_sent_to_a_sandbox(grader):
    """Its source (with its helpers) reads no name the sandbox would not have."""
    for probe in grader_probes(GRADERS / f"{grader}.py"):
        compile(probe_source(probe), probe.__name__, "exec")


USAGE_ERRORS = [
    (["grade", "nosuch"], "unknown topic 'nosuch'"),
    (["grade", "tensors", "--submission", "{missing}"], "does not exist"),
    (["watch", "nosuch"], "unknown topic 'nosuch'"),
    (["hint", "nosuch"], "unknown topic 'nosuch'"),
    (["list", "nosuch"], "unknown topic 'nosuch'"),
    (["reset", "nosuch", "--yes"], "unknown topic 'nosuch'"),
    (["solution", "nosuch"], "unknown topic 'nosuch'"),
    (["grade-batch", "{missing}", "--output", "{missing}"], "does not exist"),
    (["nbgrader", "export", "{missing}", "nosuch"], "unknown topic 'nosuch'"),
    (["nbgrader", "grade", "{missing}", "tensors"], "does not exist"),
    (["grade-batch", "{missing}", "--output", "{missing}", "--shard", "5/4"], "must be 1 to 4"),
    (["gradebook", "merge", "{missing}", "--output", "{missing}/grades"], "is not a batch output"),
    (["export", "kubernetes", "{missing}", "nosuch", "--image", "x", "--shards", "2"],
     "unknown topic 'nosuch'"),
]

PROBE = """
import json, sys
from torchdojo.cli import main
try:
    main(sys.argv[1:], prog_name="torchdojo")
except SystemExit as exit:
    code = exit.code
heavy = sorted(m for m in ("torch", "numpy", "pytest", "nbformat", "nbgrader")
               if m in sys.modules)
print(json.dumps({"code": code, "heavy": heavy}))
"""


@pytest.mark.parametrize("args,said", USAGE_ERRORS, ids=[" ".join(a[:2]) for a, _ in USAGE_ERRORS])
def test_a_usage_error_answers_before_torch_is_imported(args, said, tmp_path):
    args = [a.format(missing=tmp_path / "missing") for a in args]
    run = subprocess.run([sys.executable, "-c", PROBE, *args], capture_output=True, text=True,
                         cwd=ROOT, timeout=60)
    outcome = json.loads(run.stdout.strip().splitlines()[-1])
    assert said in run.stderr and outcome["code"] == 2, run.stderr
    assert outcome["heavy"] == [], f"{' '.join(args)} imported {outcome['heavy']} first"
