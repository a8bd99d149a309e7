"""`--strict`: what a confined sandbox sees and may do, that torch still works in it (workers,
DDP ranks), that the report is authoritative and says what was in force, and that local
grading stays as it was. Attacks on it live in test_strict_attacks.py."""

from __future__ import annotations

import inspect
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from tests.conftest import ROOT, invoke
from torchdojo.engine.grading import grade
from torchdojo.sandbox import forkserver, limits
from torchdojo.sandbox.host import Budget, ConfinementFailed, Sandbox, SandboxCrashed

STUB = str(ROOT / "exercises" / "tensors.py")
EXPECTED = {"network", "file system", "working directory", "cpu time", "memory", "file size",
            "core dumps", "processes", "environment", "user", "teardown"}


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

def _unprivileged_ok() -> bool:
    if os.geteuid() != 0 or not (shutil.which("unshare") and shutil.which("setpriv")):
        return False
    return subprocess.run(["unshare", "-m", "true"], capture_output=True).returncode == 0


@pytest.mark.skipif(not _unprivileged_ok(), reason="needs root, unshare and setpriv")
def test_strict_without_root_degrades_and_says_so():
    """Started as an ordinary user: user namespaces still hide the course and the network;
    what needs root (a user per sandbox, the process limit, teardown by uid) is reported as
    not available, and grading still works."""
    python_home = Path(os.path.realpath(sys.executable)).parents[1]
    out = Path(tempfile.mkdtemp(prefix="torchdojo-unprivileged-"))  # pytest's are root-only
    out.chmod(0o777)
    try:
        run = _grade_as_nobody(python_home, out)
        assert run.returncode == 0, run.stderr[-3000:]
        report = json.loads((out / "report.json").read_text())
    finally:
        shutil.rmtree(out)
    assert report["score"] == report["max_score"] > 0 and report["tier"] == "strict"
    confinement = report["confinement"]
    assert {"file system", "network"} <= set(confinement["in_force"])
    assert {"user", "processes", "teardown"} <= set(confinement["not_available"])


def _grade_as_nobody(python_home: Path, out: Path) -> subprocess.CompletedProcess:
    # Python may live under root's private HOME; show the unprivileged user only that part.
    script = (
        "set -e; mkdir -p /tmp/.py-$$; mount --bind {py} /tmp/.py-$$; "
        "mount -t tmpfs -o mode=755 tmpfs /root; mkdir -p {py}; mount --bind /tmp/.py-$$ {py}; "
        "exec setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all "
        "env HOME={out} {exe} -m torchdojo grade tensors --strict --submission {sub} "
        "--format json --output {out}/report.json"
    ).format(py=python_home, exe=sys.executable, sub=ROOT / "solutions", out=out)
    if not str(python_home).startswith("/root/"):
        script = script.replace("mount -t tmpfs -o mode=755 tmpfs /root; ", "")
    return subprocess.run(["unshare", "-m", "--propagation", "private", "sh", "-c", script],
                          cwd=ROOT, capture_output=True, text=True, timeout=600,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})



@pytest.mark.skipif(not _unprivileged_ok(), reason="needs root, unshare and setpriv")
def test_strict_without_namespaces_degrades_and_says_so(tmp_path):
    """Root without CAP_SYS_ADMIN (a container's default): no namespaces, so the file system
    and the network are reported as not available; the user of its own, the limits and the
    teardown still hold, and grading still works."""
    run = subprocess.run(
        ["setpriv", "--bounding-set", "-sys_admin", "--inh-caps", "-sys_admin", sys.executable,
         "-m", "torchdojo", "grade", "tensors", "--strict", "--submission", "solutions",
         "--format", "json"], cwd=ROOT, capture_output=True, text=True, timeout=600,
        env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert run.returncode == 0, run.stderr[-3000:]
    report = json.loads(run.stdout)
    assert report["score"] == report["max_score"] > 0 and not report["fault"]
    confinement = report["confinement"]
    assert set(confinement["not_available"]) == {"file system", "network"}
    assert {"user", "processes", "teardown", "memory"} <= set(confinement["in_force"])
