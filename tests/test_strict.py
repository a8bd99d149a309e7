"""`--strict`: what a confined sandbox sees and may do, that torch still works in it (workers,
DDP ranks), that the report is authoritative and says what was in force, and that local
grading stays as it was. Attacks on it live in test_strict_attacks.py."""

from __future__ import annotations

import inspect
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests import unprivileged
from tests.conftest import ROOT, invoke
from torchdojo.engine.grading import grade
from torchdojo.sandbox import capabilities, forkserver, limits
from torchdojo.sandbox.host import Budget, ConfinementFailed, Sandbox, SandboxCrashed

STUB = str(ROOT / "exercises" / "tensors.py")
EXPECTED = set(capabilities.FACTS)


def _box(policy: limits.Policy | None = None, **budget: float) -> Sandbox:
    forkserver.start()
    box = Sandbox.for_file("tensors", STUB, budget=Budget(**budget), strict=True,
                           policy=policy or limits.Policy.for_budget(60, private=(str(ROOT),)))
    box.start()
    return box


def _run(box: Sandbox, probe, *args, timeout: float = 120):
    return box.probe(probe, args, source=inspect.getsource(probe), timeout=timeout).value


@pytest.fixture(scope="module")
def box():
    sandbox = _box()
    yield sandbox
    sandbox.close()


def probe_world(m, course):
    import os
    from pathlib import Path

    def visible(path):
        return os.path.lexists(path)

    status = dict(line.split(":", 1) for line in Path("/proc/self/status").read_text()
                  .splitlines())
    return {
        "uid": os.getuid(), "euid": os.geteuid(), "cwd": os.getcwd(),
        "cwd_entries": os.listdir("."), "tmp": sorted(os.listdir("/tmp")),
        "home": os.environ.get("HOME"), "env": sorted(os.environ),
        "course": {name: visible(os.path.join(course, name))
                   for name in ("solutions", "graders", "tests", ".git", "exercises")},
        "entries": sorted(os.listdir(course)) if visible(course) else [],
        "siblings": sorted(os.listdir(Path(course).parent)) if visible(course) else [],
        "processes": sorted(int(p) for p in os.listdir("/proc") if p.isdigit()),
        "me": os.getpid(), "module": m.__file__,
        "environ_block": Path("/proc/self/environ").read_bytes().strip(b"\0").decode()
        if os.access("/proc/self/environ", os.R_OK) else "",
        "caps": status["CapEff"].strip(), "no_new_privs": status["NoNewPrivs"].strip(),
    }


def test_the_sandbox_sees_nothing_of_the_course_or_the_machine(box):
    world = _run(box, probe_world, str(ROOT))
    assert world["uid"] == world["euid"] != 0
    assert world["caps"] == "0000000000000000" and world["no_new_privs"] == "1"
    assert world["cwd"] == world["home"] == "/tmp/work" and world["cwd_entries"] == []
    assert world["tmp"] == ["work"]
    assert world["course"] == {"solutions": False, "graders": False, "tests": False,
                               ".git": False, "exercises": False}
    # the checkout holds only what Python needs (torchdojo, the venv if it is there), and the
    # folders around it show nothing but the way to it: other checkouts are not there
    assert set(world["entries"]) <= {"torchdojo", ".venv", "venv"}
    assert world["siblings"] in ([], [ROOT.name])
    assert world["processes"] == [world["me"]]  # other processes are hidden
    assert world["module"] == "/submission/tensors.py"
    assert set(world["env"]) <= {"PATH", "HOME", "TMPDIR", "USER", "LANG", "LC_ALL", "TZ",
                                 "OMP_NUM_THREADS", "MKL_NUM_THREADS",
                                 "PYTHONDONTWRITEBYTECODE", "CUDA_VISIBLE_DEVICES"}
    assert world["environ_block"] == ""
    assert set(box.confinement) == EXPECTED
    assert all(held for held, _ in box.confinement.values()), box.confinement


def probe_loader(m, context, epochs):
    import torch
    from torch.utils.data import DataLoader, TensorDataset

    data = TensorDataset(torch.arange(24.0).unsqueeze(1), torch.arange(24))
    loader = DataLoader(data, batch_size=5, num_workers=2, multiprocessing_context=context)
    return [[y.tolist() for _, y in loader] for _ in range(epochs)]


@pytest.mark.parametrize("context, epochs", [("fork", 2), ("spawn", 1)])
def test_dataloader_workers_run_in_a_strict_sandbox(box, context, epochs):
    batches = [list(range(i, min(i + 5, 24))) for i in range(0, 24, 5)]
    assert _run(box, probe_loader, context, epochs, timeout=300) == [batches] * epochs


def probe_ddp(m, world_size):
    import multiprocessing as mp
    import os

    import torch
    import torch.distributed as dist

    def rank(number, results):
        os.environ.update(MASTER_ADDR="127.0.0.1", MASTER_PORT="29533")
        dist.init_process_group("gloo", rank=number, world_size=world_size)
        value = torch.tensor([float(number + 1)])
        dist.all_reduce(value)
        dist.destroy_process_group()
        results.put((number, value.item()))

    context = mp.get_context("fork")
    results = context.Queue()
    ranks = [context.Process(target=rank, args=(n, results)) for n in range(world_size)]
    for process in ranks:
        process.start()
    found = sorted(results.get(timeout=120) for _ in ranks)
    for process in ranks:
        process.join()
    return found


def test_ddp_ranks_run_in_a_strict_sandbox(box):
    total = float(sum(range(1, 3)))
    assert _run(box, probe_ddp, 2) == [(0, total), (1, total)]


def probe_burn(m):
    while True:
        pass


def test_cpu_time_limit_ends_a_busy_loop():
    box = _box(limits.Policy(cpu_seconds=1, memory=limits.MEMORY), call=60, topic=60)
    try:
        with pytest.raises(SandboxCrashed) as caught:
            _run(box, probe_burn, timeout=60)
    finally:
        box.close()
    # killed by the CPU limit (SIGXCPU at the soft limit, SIGKILL at the hard one); running
    # out of the 60 s wall-clock budget would have been a timeout instead
    assert "SIGXCPU" in caught.value.message or "SIGKILL" in caught.value.message


def test_a_confinement_that_fails_stops_the_sandbox():
    broken = limits.Policy(cpu_seconds=5, memory=limits.MEMORY, tmp_size=-1)  # mount refuses
    with pytest.raises(ConfinementFailed, match="file system"):
        _box(broken)


def test_strict_report_is_authoritative_and_lists_confinements(course):
    report = grade(course, submission=ROOT / "solutions", seed=3, strict=True)
    assert report.score == report.max_score > 0 and not report.fault
    data = json.loads(json.dumps(report.to_dict()))
    assert data["tier"] == "strict" and data["advisory"] is False
    assert set(data["confinement"]["in_force"]) == EXPECTED
    assert data["confinement"]["not_available"] == {}


def test_local_report_stays_advisory_and_unconfined(course):
    report = grade(course, ["tensors"], submission=ROOT / "solutions", seed=3)
    data = report.to_dict()
    assert data["tier"] == "local" and data["advisory"] is True
    assert data["confinement"] is None


def test_strict_text_report_says_authoritative(tmp_path):
    out = tmp_path / "report.txt"
    run = subprocess.run([sys.executable, "-m", "torchdojo", "grade", "tensors", "--strict",
                          "--submission", "solutions", "--output", str(out)], cwd=ROOT,
                         capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr
    text = out.read_text()
    assert "strict grading (authoritative)" in text and "advisory" not in text
    assert "In force: " in text and "Not available" not in text
    assert [p.name for p in tmp_path.iterdir()] == ["report.txt"]  # written in one step


def test_output_folder_must_exist(tmp_path):
    run = invoke("grade", "tensors", "--strict", "--output", str(tmp_path / "missing" / "r.json"))
    assert run.returncode == 2 and "folder does not exist" in run.stderr
    assert len(run.stderr.strip().splitlines()) == 1


# ----------------------------------------------------------------------------- without root

needs_root = pytest.mark.skipif(not unprivileged.available(),
                                reason="needs root, unshare and setpriv")


def _grade_cli(*extra: str, out: Path) -> list[str]:
    return [sys.executable, "-m", "torchdojo", "grade", "tensors", "--strict", "--submission",
            str(ROOT / "solutions"), "--format", "json", "--output", str(out / "report.json"),
            *extra]


def _refused(run: subprocess.CompletedProcess, out: Path, kinds: set[str]) -> None:
    """Exit 2, one line naming each missing confinement and a remedy, nothing graded."""
    assert run.returncode == 2, run.stderr[-3000:]
    line = run.stderr.strip().removeprefix("Error: ")
    assert len(line.splitlines()) == 1 and "Traceback" not in run.stderr, run.stderr
    assert line.startswith("strict grading refused") and "--allow-weaker" in line, line
    said = set(line.rsplit("--allow-weaker ", 1)[1].split(","))
    assert said == kinds, line
    assert not (out / "report.json").exists()


@needs_root
@pytest.mark.parametrize("userns", [True, False], ids=["user-namespaces", "no-user-namespaces"])
def test_strict_without_root_refuses_unless_waived(userns):
    """Started as an ordinary user, strict grading refuses up front and says what to do; with
    the missing confinements waived it grades, keeps what still holds (user namespaces hide
    the course and the network, where the system allows them) and lists the waiver."""
    lacking = {"user", "memory", "teardown"}
    if not userns:  # GitHub's ubuntu-24.04 runners without sudo
        lacking |= {"file-system", "network", "disk-space", "processes"}
    out = unprivileged.shared_folder("torchdojo-unprivileged-")
    try:
        refused = unprivileged.as_nobody(_grade_cli(out=out), home=out, userns=userns)
        _refused(refused, out, lacking)
        if not userns:
            assert "allow unprivileged user namespaces" in refused.stderr
        assert "run as root (sudo)" in refused.stderr
        run = unprivileged.as_nobody(_grade_cli("--allow-weaker", ",".join(sorted(lacking)),
                                                out=out), home=out, userns=userns)
        assert run.returncode == 0, run.stderr[-3000:]
        report = json.loads((out / "report.json").read_text())
    finally:
        shutil.rmtree(out)
    assert report["score"] == report["max_score"] > 0 and report["tier"] == "strict"
    assert report["fault"] is None
    confinement = report["confinement"]
    assert set(confinement["waived"]) == {capabilities.fact(k) for k in lacking}
    assert set(confinement["not_available"]) <= set(confinement["waived"])
    assert {"signals", "cpu time", "file size"} <= set(confinement["in_force"])
    if userns:
        assert {"file system", "network", "processes", "disk space"} <= \
            set(confinement["in_force"])


@needs_root
def test_strict_without_namespaces_refuses_unless_waived():
    """Root without CAP_SYS_ADMIN (a container's default): no namespaces, so no private file
    system, network or disk; the user of its own, the limits, the control group and the
    teardown still hold."""
    out = unprivileged.shared_folder("torchdojo-no-sys-admin-")
    try:
        _refused(unprivileged.without_sys_admin(_grade_cli(out=out)), out,
                 {"file-system", "network", "disk-space"})
        run = unprivileged.without_sys_admin(_grade_cli(
            "--allow-weaker", "file-system,network", "--allow-weaker", "disk-space", out=out))
        assert run.returncode == 0, run.stderr[-3000:]
        report = json.loads((out / "report.json").read_text())
    finally:
        shutil.rmtree(out)
    assert report["score"] == report["max_score"] > 0 and not report["fault"]
    confinement = report["confinement"]
    assert set(confinement["not_available"]) == {"file system", "network", "disk space"}
    assert {"user", "processes", "teardown", "memory", "signals"} <= \
        set(confinement["in_force"])


@pytest.mark.parametrize("args, says", [
    (["--allow-weaker", "memory"], "--allow-weaker only applies to --strict"),
    (["--strict", "--allow-weaker", "memory,swap"], "unknown confinement 'swap' (known: user,"),
])
def test_waiver_mistakes_are_one_line(args, says):
    run = subprocess.run([sys.executable, "-m", "torchdojo", "grade", "tensors", *args],
                         cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert run.returncode == 2 and says in run.stderr, run.stderr
    assert len(run.stderr.strip().splitlines()) == 1
