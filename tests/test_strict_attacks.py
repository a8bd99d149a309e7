"""Generic attacks against every topic under ``--strict``: none gains a point, the run goes on,
the other topic is graded normally, the report is well-formed, and the concrete defence holds
(no marker outside the sandbox, no connection to the listener, no process left, no secret).

Each attack is graded on a submission holding the attacked topic (its stub plus the attack)
and one other topic (its reference). The other topic is the course's first (the second for the
first): cheap to grade however many topics follow.

What a topic brings to a sandbox is its reference, its checks and the files it reads, so the
attacks that hunt for those (on disk and in memory) run against every topic, new ones included
without changes. The sandbox itself (its limits, its view of the machine, its network, how it
ends) is the same for every topic (``limits.Policy`` varies only the CPU seconds with a topic's
budget), so the attacks on it run once, against ``SANDBOXED``.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from tests.adversary import attacks, submission
from tests.conftest import ROOT, solution
from torchdojo import course as course_mod
from torchdojo.engine.grading import grade
from torchdojo.sandbox import limits

TOPICS = [t.name for t in course_mod.load(ROOT).topics]
SANDBOXED = TOPICS[0]  # the topic the topic-independent attacks run against
SEED = 4321


def _neighbour(topic: str) -> str | None:
    others = [t for t in TOPICS[:2] if t != topic]
    return others[0] if others else None


class Scene:
    """One attack run: its folders, its unique token, and what it left behind."""

    def __init__(self, tmp_path: Path, names: str | list[str], topic: str, **values: str
                 ) -> None:
        self.topic, self.other = topic, _neighbour(topic)
        self.token = secrets.token_hex(8)
        self.markers = tmp_path / "markers"
        self.submission = tmp_path / "submission"
        self.cwd = tmp_path / "cwd"
        self.home = tmp_path / "home"
        self.results = tmp_path / "results"
        for folder in (self.markers, self.submission, self.cwd, self.home, self.results):
            folder.mkdir()
        self.output = self.results / "report.json"
        self.values = {"MARKERS": self.markers, "TOKEN": self.token, "OUTPUT": self.output,
                       "HOME": self.home, "MEMORY_MIB": limits.MEMORY // limits.MiB, **values}
        files = submission([names] if isinstance(names, str) else names, topic, self.values)
        if self.other:
            files[f"{self.other}.py"] = solution(self.other)
        for file, text in files.items():
            (self.submission / file).write_text(text)

    @property
    def topics(self) -> list[str]:
        return [self.topic, *([self.other] if self.other else [])]

    def grade(self):
        return grade(course_mod.load(ROOT), self.topics, submission=self.submission, seed=SEED,
                     strict=True, private=[self.output])

    def cli(self, env: dict | None = None) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "torchdojo", "grade", *self.topics, "--strict", "--seed",
             str(SEED), "--submission", str(self.submission), "--format", "json", "--output",
             str(self.output)], cwd=self.cwd, capture_output=True, text=True, timeout=600,
            env={**os.environ, "HOME": str(self.home), "TORCHDOJO_COURSE": str(ROOT),
                 "PYTHONPATH": str(ROOT), **(env or {})})

    def markers_left(self) -> list[str]:
        return sorted(p.name for p in self.markers.iterdir())


def _assert_honest(report: dict, scene: Scene) -> dict:
    """The common verdict: authoritative, no fault, attacked topic 0, the other one full."""
    assert report["tier"] == "strict" and report["advisory"] is False
    assert report["fault"] is None, report["fault"]
    assert report["confinement"]["not_available"] == {}, report["confinement"]
    topics = {t["name"]: t for t in report["topics"]}
    attacked = topics[scene.topic]
    assert attacked["score"] == 0 and attacked["max_score"] > 0, attacked
    # skipped: checks that need a GPU this machine lacks; they never count
    assert all(c["status"] in ("not_attempted", "error", "skipped") for c in attacked["checks"])
    if scene.other:
        clean = topics[scene.other]
        assert clean["score"] == clean["max_score"] > 0, clean
    return attacked


def _in_process(scene: Scene) -> dict:
    report = json.loads(json.dumps(scene.grade().to_dict(), allow_nan=False))
    return _assert_honest(report, scene)


def _no_stray_files(scene: Scene, home: list[str]) -> None:
    assert scene.markers_left() == []
    assert sorted(p.name for p in scene.cwd.iterdir()) == []
    assert sorted(p.name for p in scene.home.iterdir()) == sorted(home)


# ----------------------------------------------------------------------------- in this process


@pytest.mark.parametrize("topic", TOPICS)
def test_answers_are_found_neither_on_disk_nor_in_memory(topic, tmp_path):
    """T6 searches the disk for the topic's reference and checks at import; B4 then looks for
    the expected values in the grader's frames, modules and heap on every call."""
    scene = Scene(tmp_path, ["T6_read_solutions_from_disk", "B4_steal_from_memory"], topic)
    attacked = _in_process(scene)
    assert "FOUND 0" in attacked["output"]
    assert "BEGIN SOLUTION" not in attacked["output"]
    assert "@check" not in attacked["output"]
    assert "STOLEN 0" in attacked["output"]


def test_injected_config_and_shadow_modules_never_run_outside(tmp_path):
    topic = SANDBOXED
    scene = Scene(tmp_path, "F6_F8_injected_files", topic)
    _in_process(scene)
    assert scene.markers_left() == []


def test_memory_bomb_is_stopped_by_the_limit(tmp_path):
    topic = SANDBOXED
    attacked = _in_process(Scene(tmp_path, "L3_memory_bomb", topic))
    stopped = int(re.search(r"MEMORY BOMB STOPPED AT (\d+) MiB", attacked["output"])[1])
    assert stopped < limits.MEMORY // limits.MiB


def test_file_size_bomb_is_stopped_by_the_limits(tmp_path):
    topic = SANDBOXED
    attacked = _in_process(Scene(tmp_path, "L7_file_size_bomb", topic))
    one = re.search(r"FILE BOMB STOPPED AT (\d+) MiB: (.*)", attacked["output"])
    assert int(one[1]) <= 64 and one[2] == "File too large"
    disk = re.search(r"DISK BOMB STOPPED AT (\d+) MiB: (.*)", attacked["output"])
    assert int(disk[1]) <= 256 and disk[2] == "No space left on device"


def test_fork_bomb_is_capped_and_cleaned_up(tmp_path):
    topic = SANDBOXED
    attacked = _in_process(Scene(tmp_path, "L5_fork_bomb", topic))
    forks = re.search(r"FORK BOMB STOPPED AT (\d+) (.*)", attacked["output"])
    assert int(forks[1]) < limits.Policy.processes and forks[2] != "cap reached"


def test_daemons_are_dead_before_grading_returns(tmp_path):
    """The report is built from what grade() returns, so every sandbox process (a daemon that
    double-forked and left the session included) must be gone by the time it returns."""
    topic = SANDBOXED
    scene = Scene(tmp_path, "F2_F4_forge_the_report", topic)
    attacked = _in_process(scene)
    daemon = int(re.search(r"DAEMON (\d+)", attacked["output"])[1])
    assert not _alive(daemon)
    assert scene.markers_left() == [] and not scene.output.exists()


class Listener:
    """A TCP listener on every address of this machine that counts what reaches it."""

    def __init__(self) -> None:
        self.sock = socket.create_server(("0.0.0.0", 0))
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.received: list[bytes] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            with conn:
                conn.settimeout(1)
                try:
                    self.received.append(conn.recv(1024) or b"<connected>")
                except OSError:
                    self.received.append(b"<connected>")

    def close(self) -> None:
        self._stop.set()
        self._thread.join()
        self.sock.close()


def _addresses() -> list[str]:
    run = subprocess.run(["hostname", "-I"], capture_output=True, text=True)
    return [a for a in run.stdout.split() if ":" not in a]


def test_network_reaches_nothing(tmp_path):
    topic = SANDBOXED
    listener = Listener()
    hosts = _addresses()
    try:
        probe = socket.create_connection(("127.0.0.1", listener.port), timeout=2)
        probe.sendall(b"probe")  # the listener works: a connection from here is counted
        probe.close()
        deadline = time.monotonic() + 5
        while not listener.received and time.monotonic() < deadline:
            time.sleep(0.05)
        assert listener.received == [b"probe"]
        scene = Scene(tmp_path, "N1_network", topic, PORT=str(listener.port),
                      HOSTS=",".join(hosts))
        attacked = _in_process(scene)
        time.sleep(0.5)
    finally:
        listener.close()
    assert listener.received == [b"probe"], "the sandbox reached the host's network"
    results = re.search(r"NETWORK (\{.*\})", attacked["output"])[1]
    assert "'ok'" not in results, results


# ----------------------------------------------------------------------------- through the CLI


def _cli_report(scene: Scene, run: subprocess.CompletedProcess) -> tuple[dict, bytes]:
    assert run.returncode == 1, run.stderr[-2000:]  # 1: graded and not all passed
    data = scene.output.read_bytes()
    report = json.loads(data)
    assert sorted(p.name for p in scene.results.iterdir()) == ["report.json"]  # no temp files
    return report, data


def _same_verdicts(report: dict, scene: Scene) -> None:
    """Scores and messages equal those of the same submission without the attack."""
    plain = tmp = scene.submission.parent / "plain"
    tmp.mkdir()
    (plain / f"{scene.topic}.py").write_text((ROOT / "exercises" / f"{scene.topic}.py").read_text())
    if scene.other:
        (plain / f"{scene.other}.py").write_text(solution(scene.other))
    baseline = grade(course_mod.load(ROOT), scene.topics, submission=plain, seed=SEED)

    def verdicts(topics):
        return [(c["name"], c["status"], c["score"], c["message"]) for t in topics
                for c in t["checks"]]

    assert verdicts(report["topics"]) == verdicts(baseline.to_dict()["topics"])


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/status").read_text().split("State:")[1].split()[0]
    except (OSError, IndexError):
        return False
    return state not in ("Z", "X")


ON_THE_RUN = ["F2_F4_forge_the_report", "X7_kill_the_grader", "C2_look_for_secrets"]


def test_attacks_on_the_grading_run_gain_nothing(tmp_path):
    """Forged reports (files, atexit, a late daemon), killing the grader, hunting secrets: one
    `torchdojo grade --strict --output` run carries all three (each would need a run of its
    own otherwise), and each defence is checked on its own below."""
    topic = SANDBOXED
    scene = Scene(tmp_path, ON_THE_RUN, topic)
    secret = secrets.token_hex(8)  # what C2 hunts for; it never sees the value itself
    (scene.home / ".ssh").mkdir()
    (scene.home / ".ssh" / "id_rsa").write_text(f"PRIVATE KEY {secret}")
    (scene.home / ".netrc").write_text(f"machine example.com password {secret}")
    run = scene.cli(env={"GITHUB_TOKEN": f"ghp_{secret}", "MY_SECRET": secret,
                         "AWS_SECRET_ACCESS_KEY": secret})
    report, written = _cli_report(scene, run)  # X7: the grader lived to write it
    attacked = _assert_honest(report, scene)
    output = attacked["output"]
    assert "KILLED []" in output
    # F2-F4: nothing forged anywhere, the daemon is dead and the report stays as written
    daemon = int(re.search(r"DAEMON (\d+)", output)[1])
    assert not _alive(daemon), "the daemon outlived the grading run"
    time.sleep(1.0)  # the daemon would rewrite the report every 50 ms
    assert scene.output.read_bytes() == written
    _no_stray_files(scene, home=[".ssh", ".netrc"])
    for shared in (Path("/tmp"), ROOT, Path.home()):
        assert not (shared / f"forged-{scene.token}.json").exists(), shared
    _same_verdicts(report, scene)
    # C2: no secret in sight, in memory or in the report
    assert "SECRETS SEEN []" in output
    assert "0 secrets in readable memory" in output
    assert secret.encode() not in written


def test_learner_modules_in_the_working_directory_are_never_imported(tmp_path):
    """`python -m torchdojo` run in a learner's folder that holds torch.py, pytest.py, ..."""
    topic = SANDBOXED
    scene = Scene(tmp_path, "F6_F8_injected_files", topic)
    for path in scene.submission.iterdir():
        if path.name != f"{scene.other}.py":
            (scene.cwd / path.name).write_text(path.read_text())
    run = scene.cli()
    report, _ = _cli_report(scene, run)
    _assert_honest(report, scene)
    assert scene.markers_left() == []


def test_every_attack_has_a_test():
    tested = {"T6_read_solutions_from_disk", "B4_steal_from_memory", "F6_F8_injected_files",
              "F2_F4_forge_the_report",
              "L3_memory_bomb", "L7_file_size_bomb", "L5_fork_bomb", "N1_network", *ON_THE_RUN}
    assert {a.id for a in attacks() if a.via != "paths"} == tested  # paths: test_boundary
