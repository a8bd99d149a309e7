"""Batches past one run: shards that merge into exactly the unsharded result, resumed and
partial regrades that keep what is done, gradebook states, ids that stay ids, and merges that
treat their inputs as untrusted."""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from tests.batchgen import generate, gradable_points, without_timings
from tests.conftest import ROOT, invoke, solution
from torchdojo.batch import records
from torchdojo.batch.grade_all import grade_batch
from torchdojo.batch.merge import merge, rebuild
from torchdojo.batch.output import MANIFEST, read_manifest
from torchdojo.batch.shards import Shard, shard_of
from torchdojo.course import CourseError
from torchdojo.reporters import gradebook_csv
from torchdojo.sandbox import capabilities

TOPICS = ["tensors", "reshape_view"]
SHARDS = 3
# Learner ids a spreadsheet would read as formulas, or that start with the escape itself.
ODD_IDS = {"=SUM(1)": "solution", "-dash": "stub", "'quote": "nothing", "@at": "solution"}


def gradebook(folder: Path) -> dict[str, dict]:
    with open(folder / "gradebook.csv", newline="") as handle:
        return {gradebook_csv.learner_id(r["learner"]): r for r in csv.DictReader(handle)}


def torchdojo(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "torchdojo", *args], cwd=cwd, text=True,
                          capture_output=True, timeout=900)


@pytest.fixture(scope="module")
def graded(course, tmp_path_factory):
    """Generated learners (one kills its worker) and odd ids, graded once whole and once as
    SHARDS shards."""
    root = tmp_path_factory.mktemp("scale")
    subs = root / "subs"
    learners = generate(course, subs, 10, seed=3, killers=1)
    for name, kind in ODD_IDS.items():
        (subs / name).mkdir()
        if kind != "nothing":
            source = solution("tensors") if kind == "solution" else \
                (ROOT / "exercises" / "tensors.py").read_text()
            (subs / name / "tensors.py").write_text(source)
    options = {"workers": 2, "seed": 7, "topics": TOPICS, "timeout_scale": 0.3}
    whole = grade_batch(course, subs, root / "whole", **options)
    shards = [grade_batch(course, subs, root / f"shard{k}", shard=Shard(k, SHARDS), **options)
              for k in range(1, SHARDS + 1)]
    return root, learners, whole, shards


def _killer(graded):
    """The learner that tries to kill its grading process (see tests.batchgen)."""
    return next(n for n in graded[1] if n.name == "learner001-killer")


def test_shards_partition_the_learners(graded):
    _, _, whole, shards = graded
    parts = [set(s.learners) for s in shards]
    assert all(parts), "every shard got learners"
    assert sorted(n for p in parts for n in p) == sorted(whole.learners)  # disjoint, complete
    for k, part in enumerate(parts, 1):
        assert all(shard_of(n, SHARDS) == k for n in part)


def test_merged_shards_equal_the_unsharded_run(graded):
    root, _, whole, _ = graded
    run = torchdojo("gradebook", "merge", *(str(root / f"shard{k}") for k in (2, 1, 3)),
                    "--output", str(root / "merged"))
    killed = _killer(graded).kills_grader  # where signals are scoped, the kill is refused
    assert run.returncode == (1 if killed else 0), run.stderr  # a regrade is needed, in both
    assert ("learner001-killer needs a regrade" in run.stderr) == killed
    assert "Traceback" not in run.stderr
    merged, single = root / "merged", whole.output
    assert (merged / "gradebook.csv").read_bytes() == (single / "gradebook.csv").read_bytes()
    assert (merged / "batch.json").read_bytes() == (single / "batch.json").read_bytes()
    names = sorted(p.name for p in (single / "reports").iterdir())
    assert sorted(p.name for p in (merged / "reports").iterdir()) == names
    for name in names:
        mine, theirs = ((f / "reports" / name).read_text() for f in (merged, single))
        assert without_timings(json.loads(mine)) == without_timings(json.loads(theirs)), name
        untimed = [[line for line in text.splitlines() if '"seconds": ' not in line]
                   for text in (mine, theirs)]
        assert untimed[0] == untimed[1], name  # the same bytes, but for timings


def test_gradebook_tells_the_states_apart(graded):
    _, learners, whole, _ = graded
    rows = gradebook(whole.output)
    assert list(rows) == sorted(rows) == whole.learners
    for learner in learners:
        row = rows[learner.name]
        assert row["status"] == learner.state(TOPICS), (learner.name, learner.parts)
        if learner.expected is not None:
            want = sum(learner.parts[t].expected for t in TOPICS)
            assert float(row["total"]) == want, (learner.name, learner.parts)
    killer = rows["learner001-killer"]
    if _killer(graded).kills_grader:
        assert killer["status"] == "needs_regrade" and "killed by SIGKILL" in killer["reason"]
        assert killer["tensors"] == killer["total"] == killer["max_score"] == ""
    else:  # the kill was refused: graded, the killing topic scores nothing
        assert killer["status"] == "graded" and killer["tensors"] == "0"
    assert rows["=SUM(1)"]["status"] == rows["@at"]["status"] == "graded"
    assert rows["-dash"]["status"] == "not_attempted" and rows["-dash"]["total"] == "0"
    nothing = rows["'quote"]
    assert nothing["status"] == "no_submission" and nothing["total"] == "0"
    assert nothing["max_score"] == rows["=SUM(1)"]["max_score"] != "0"


def test_learner_ids_are_kept_exactly_and_never_start_a_formula(graded):
    _, _, whole, _ = graded
    text = (whole.output / "gradebook.csv").read_text()
    cells = [row[0] for row in csv.reader(io.StringIO(text))][1:]
    assert not any(c.startswith(("=", "+", "-", "@", "\t", "\r")) for c in cells)
    assert "'=SUM(1)" in cells and "'-dash" in cells and "''quote" in cells
    assert sorted(gradebook_csv.learner_id(c) for c in cells) == sorted(whole.learners)
    for learner in whole.learners:  # reports keep the id as given
        record = json.loads((whole.output / "reports" / f"{learner}.json").read_text())
        assert record["learner"] == learner


@pytest.mark.parametrize("learner", ["=1+1", "+4", "-2", "@cmd", "\tx", "\rx", "\nx", "'",
                                     "''x", "plain", "o'neil", " =lead", ""])
def test_id_escaping_round_trips(learner):
    cell = gradebook_csv.escape(learner)
    assert not cell.startswith(("=", "+", "-", "@", "\t", "\r", "\n"))
    assert gradebook_csv.learner_id(cell) == learner


def test_resume_grades_only_unfinished_changed_and_failed_learners(graded, course, tmp_path):
    root, learners, whole, _ = graded
    out = tmp_path / "out"
    shutil.copytree(whole.output, out)
    subs = tmp_path / "subs"
    shutil.copytree(root / "subs", subs)
    unfinished = ["learner002-wrong", "learner004-mixed"]
    for name in unfinished:
        (out / "reports" / f"{name}.json").unlink()
    changed = "learner003-malicious"
    (subs / changed / "reshape_view.py").write_text(solution("reshape_view"))
    before = {p.name: p.read_bytes() for p in (out / "reports").iterdir()}
    started = []
    batch = grade_batch(course, subs, out, workers=2, topics=TOPICS, resume=True,
                        timeout_scale=0.3, on_event=lambda kind, name, report:
                        started.append(name) if kind == "start" else None)
    failed = ["learner001-killer"] if _killer(graded).kills_grader else []
    assert sorted(started) == sorted([*unfinished, changed, *failed])
    assert batch.seed == 7  # the output's seed
    assert len(batch.kept) == len(whole.learners) - len(started)
    for name in batch.kept:
        assert (out / "reports" / f"{name}.json").read_bytes() == before[f"{name}.json"]
    rows = gradebook(out)
    full = sum(gradable_points(course)["reshape_view"].values())
    assert float(rows[changed]["reshape_view"]) == full
    assert all(rows[n]["status"] != "pending" for n in unfinished)


def test_regrading_some_learners_updates_their_rows_and_keeps_the_others(graded, course,
                                                                          tmp_path):
    root, _, whole, _ = graded
    out = tmp_path / "out"
    shutil.copytree(whole.output, out)
    regrade = tmp_path / "regrade" / "learner002-wrong"
    regrade.mkdir(parents=True)
    for topic in TOPICS:
        (regrade / f"{topic}.py").write_text(solution(topic))
    batch = grade_batch(course, regrade.parent, out, workers=1, topics=TOPICS)
    assert batch.learners == ["learner002-wrong"] and batch.seed == 7
    old, new = (whole.output / "gradebook.csv").read_text().splitlines(), \
        (out / "gradebook.csv").read_text().splitlines()
    assert len(old) == len(new)
    changed = [i for i, (a, b) in enumerate(zip(old, new, strict=True)) if a != b]
    assert [new[i].split(",")[0] for i in changed] == ["learner002-wrong"]
    row = gradebook(out)["learner002-wrong"]
    assert row["status"] == "graded" and row["total"] == row["max_score"]


@pytest.mark.parametrize("change, says", [
    ({"seed": 8}, "seed 7 (this run: 8)"),
    ({"topics": ["tensors"]}, "topics tensors reshape_view (this run: tensors)"),
    ({"shard": Shard(1, 2)}, "shard (none) (this run: 1/2)"),
])
def test_grading_into_another_batch_is_refused(graded, course, tmp_path, change, says):
    root, _, whole, _ = graded
    out = tmp_path / "out"
    shutil.copytree(whole.output, out)
    options = {"workers": 1, "topics": TOPICS, **change}
    with pytest.raises(CourseError, match="holds a batch graded with") as error:
        grade_batch(course, root / "subs", out, **options)
    assert says in str(error.value)


def test_a_batch_graded_by_other_engine_code_is_not_resumed(graded, course, tmp_path):
    """An editable install keeps its version number while its code changes: the engine's own
    fingerprint, not the version alone, decides whether reports may be reused."""
    root, _, whole, _ = graded
    out = tmp_path / "out"
    shutil.copytree(whole.output, out)
    manifest = out / MANIFEST
    data = json.loads(manifest.read_text())
    version = data["torchdojo"].split("+")[0]
    data["torchdojo"] = f"{version}+000000000000"
    manifest.write_text(json.dumps(data))
    with pytest.raises(CourseError, match="torchdojo engine"):
        grade_batch(course, root / "subs", out, workers=1, topics=TOPICS, resume=True)


def test_rebuild_makes_the_same_gradebook_from_reports(graded, course, tmp_path):
    _, _, whole, _ = graded
    out = tmp_path / "out"
    shutil.copytree(whole.output, out)
    (out / "gradebook.csv").unlink()
    rebuild(course, out)
    assert (out / "gradebook.csv").read_bytes() == \
        (whole.output / "gradebook.csv").read_bytes()


def _shards(root: Path, tmp_path: Path) -> list[Path]:
    copies = []
    for k in range(1, SHARDS + 1):
        shutil.copytree(root / f"shard{k}", tmp_path / f"shard{k}")
        copies.append(tmp_path / f"shard{k}")
    return copies


def test_merge_refuses_a_tampered_report_and_keeps_the_rest(graded, course, tmp_path):
    root, _, _, _ = graded
    shards = _shards(root, tmp_path)
    _, _, learners = read_manifest(shards[0])
    victim = next(n for n in learners if n != "learner001-killer")
    report = shards[0] / "reports" / f"{victim}.json"
    data = json.loads(report.read_text())
    data["topics"][0]["checks"][0].update(status="passed", score=99)
    report.write_text(json.dumps(data))
    merged = merge(course, shards, tmp_path / "merged")
    assert merged.output.state(victim) == "needs_regrade"
    assert "its report was refused" in merged.output.refused[victim]
    assert not (tmp_path / "merged" / "reports" / f"{victim}.json").exists()
    row = gradebook(tmp_path / "merged")[victim]
    assert row["status"] == "needs_regrade" and row["total"] == "" and "refused" in row["reason"]
    others = [n for n in merged.output.learners if n not in (victim, "learner001-killer")]
    assert all(merged.output.state(n) != "needs_regrade" for n in others)


def _edit_manifest(folder: Path, **changes: object) -> None:
    path = folder / "batch.json"
    path.write_text(json.dumps({**json.loads(path.read_text()), **changes}))


@pytest.mark.parametrize("tamper, says", [
    ("wrong_shard", "does not belong to shard"),
    ("other_seed", "was graded with seed"),
    ("same_shard_twice", "the same shard is given twice"),
    ("other_course", "another version of this course"),
    ("not_a_batch", "is not a batch output"),
])
def test_merge_refuses_inputs_that_disagree(graded, tmp_path, tamper, says):
    root, _, _, _ = graded
    shards = _shards(root, tmp_path)
    if tamper == "wrong_shard":
        _, _, theirs = read_manifest(shards[1])
        _, _, mine = read_manifest(shards[0])
        _edit_manifest(shards[0], learners=[*mine, theirs[0]])
    elif tamper == "other_seed":
        _edit_manifest(shards[1], seed=8)
    elif tamper == "same_shard_twice":
        _edit_manifest(shards[1], shard=f"1/{SHARDS}", learners=[])
    elif tamper == "other_course":
        _edit_manifest(shards[2], course="sha256:" + "0" * 64)
    else:
        (shards[2] / "batch.json").unlink()
    run = invoke("gradebook", "merge", *map(str, shards), "--output", str(tmp_path / "merged"))
    assert run.returncode == 2 and says in run.stderr, run.stderr
    assert len(run.stderr.strip().splitlines()) == 1 and "Traceback" not in run.stderr


def test_merge_names_a_missing_shard(graded, course, tmp_path):
    root, _, _, _ = graded
    merged = merge(course, _shards(root, tmp_path)[:2], tmp_path / "merged")
    assert merged.missing_shards == [f"{SHARDS}/{SHARDS}"] and not merged.complete


def _record(graded) -> tuple[Path, str, dict]:
    _, _, whole, _ = graded
    name = next(n for n in whole.learners if whole.out.state(n) == "graded")
    path = whole.output / "reports" / f"{name}.json"
    return path, name, json.loads(path.read_text())


TAMPERINGS = {
    "score above its max": lambda d: d["topics"][0]["checks"][0].update(score=1000),
    "points for a failed check": lambda d: d["topics"][0]["checks"][0].update(
        status="failed", score=d["topics"][0]["checks"][0]["max_score"]),
    "unknown check": lambda d: d["topics"][0]["checks"][0].update(name="made_up"),
    "max score the course does not declare": lambda d: _raise_max(d),
    "totals that do not add up": lambda d: d.update(score=d["score"] + 1),
    "a boolean score": lambda d: d["topics"][0]["checks"][0].update(score=True),
    "another seed": lambda d: d.update(seed=d["seed"] + 1),
    "another learner": lambda d: d.update(learner="someone-else"),
    "a state that does not follow": lambda d: d.update(state="graded" if d["state"] !=
                                                       "graded" else "no_submission"),
    "a topic left out": lambda d: d["topics"].pop(),
    "a forged submission digest": lambda d: d["submission"].update(sha256="abc"),
}


def _raise_max(doc: dict) -> None:
    """One more point for the first check, with every total made to agree: only the
    course's catalog can tell."""
    check = doc["topics"][0]["checks"][0]
    check["max_score"] += 1
    extra = 1 if check["status"] == "passed" else 0
    check["score"] += extra
    for holder in (doc["topics"][0], doc):
        holder["max_score"] += 1
        holder["score"] += extra


@pytest.mark.parametrize("tamper", TAMPERINGS)
def test_records_are_checked_before_use(graded, course, tmp_path, tamper):
    path, name, data = _record(graded)
    _, _, whole, _ = graded
    points = records.course_points(course, TOPICS)
    assert records.load(path, name, whole.out.key, points)  # the original is fine
    TAMPERINGS[tamper](data)
    forged = tmp_path / path.name
    forged.write_text(json.dumps(data))
    with pytest.raises(records.RecordError):
        records.load(forged, name, whole.out.key, points)


@pytest.mark.parametrize("content", ["NaN", '{"learner": ' * 100_000, "\xff", "link", "fifo"])
def test_unreadable_records_are_refused_not_raised(graded, tmp_path, content):
    path, name, _ = _record(graded)
    _, _, whole, _ = graded
    forged = tmp_path / path.name
    if content == "link":
        forged.symlink_to(path)
    elif content == "fifo":
        import os

        os.mkfifo(forged)
    elif content == "\xff":
        forged.write_bytes(b"\xff\xfe")
    else:
        forged.write_text(content)
    with pytest.raises(records.RecordError):
        records.load(forged, name, whole.out.key)


def test_shard_of_a_learner_never_depends_on_the_others():
    names = [f"learner{i:04d}" for i in range(2000)]
    forward = {n: shard_of(n, 7) for n in names}
    assert {n: shard_of(n, 7) for n in reversed(names)} == forward
    sizes = [list(forward.values()).count(k) for k in range(1, 8)]
    assert min(sizes) > 2000 / 7 * 0.8  # balanced enough to plan by
    # Pinned: a new release must not move learners between the shards of a running batch.
    assert [shard_of(n, 4) for n in ("alice", "bob", "class__carol", "=x")] == [4, 3, 2, 2]


@pytest.mark.parametrize("spec, says", [("0/4", "must be 1 to 4"), ("5/4", "must be 1 to 4"),
                                        ("1/0", "number of shards"), ("a/b", "K/N"),
                                        ("1", "K/N")])
def test_bad_shards_are_one_line_and_exit_2(spec, says, tmp_path):
    (tmp_path / "subs" / "ada").mkdir(parents=True)
    run = invoke("grade-batch", str(tmp_path / "subs"), "--output", str(tmp_path / "out"),
                 "--shard", spec)
    assert run.returncode == 2 and says in run.stderr, run.stderr
    assert len(run.stderr.strip().splitlines()) == 1
    assert Shard.parse("2/4") == Shard(2, 4) and str(Shard(2, 4)) == "2/4"


def test_a_stop_request_wakes_the_pool_and_other_signals_do_not_keep_it_awake():
    import os
    import select
    import signal

    from torchdojo.batch.interrupt import Interrupt, Interrupted

    previous = signal.signal(signal.SIGUSR1, lambda *args: None)
    before = signal.getsignal(signal.SIGINT)  # SIG_IGN where the suite runs in the background
    try:
        with Interrupt() as interrupt:
            os.kill(os.getpid(), signal.SIGUSR1)  # any handled signal writes to the pipe
            assert select.select([interrupt.fd], [], [], 5)[0] and not interrupt.requested
            interrupt.drain()  # what the pool does after each wait
            assert not select.select([interrupt.fd], [], [], 0)[0]
            os.kill(os.getpid(), signal.SIGINT)
            assert select.select([interrupt.fd], [], [], 5)[0]
            assert interrupt.requested and interrupt.exit_code == 130
            with pytest.raises(Interrupted):
                interrupt.check()
        assert signal.getsignal(signal.SIGINT) is before  # put back as it was
    finally:
        signal.signal(signal.SIGUSR1, previous)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="strict grading needs Linux")
def test_a_strict_batch_continues_only_under_the_same_waivers(course, tmp_path):
    """A report graded with a confinement waived is not kept by a run that promises it (nor
    the other way round): the waivers are part of the batch key and of every record."""
    learner = tmp_path / "subs" / "ada"
    learner.mkdir(parents=True)
    (learner / "tensors.py").write_text(solution("tensors"))
    out = tmp_path / "out"
    lacking = capabilities.missing()
    held = [k for k in capabilities.KINDS if capabilities.fact(k) not in lacking]
    if not held:
        pytest.skip("no confinement holds on this machine")
    every, fewer = list(capabilities.KINDS), [k for k in capabilities.KINDS if k != held[0]]
    options = {"workers": 1, "topics": ["tensors"], "seed": 7, "strict": True}
    first = grade_batch(course, tmp_path / "subs", out, allow_weaker=every, **options)
    assert first.todo and not first.kept
    key = read_manifest(out)[0]
    assert key.waived == tuple(sorted(capabilities.fact(k) for k in every))
    with pytest.raises(CourseError, match="confinements waived") as error:
        grade_batch(course, tmp_path / "subs", out, allow_weaker=fewer, resume=True, **options)
    assert "(this run: " in str(error.value) and capabilities.fact(held[0]) in str(error.value)
    again = grade_batch(course, tmp_path / "subs", out, allow_weaker=every, resume=True,
                        **options)
    assert again.kept == ["ada"] and not again.todo
    # a record graded under other waivers is refused, whatever the manifest says
    other = replace(key, waived=key.waived[1:])
    with pytest.raises(records.RecordError, match="confinement.waived"):
        records.load(out / "reports" / "ada.json", "ada", other)


def test_a_manifest_from_before_waivers_were_kept_reads_as_none_waived(graded, tmp_path):
    _, _, whole, _ = graded
    out = tmp_path / "out"
    shutil.copytree(whole.output, out)
    manifest = out / MANIFEST
    data = json.loads(manifest.read_text())
    assert data.pop("waived") == []
    manifest.write_text(json.dumps(data))
    assert read_manifest(out)[0].waived == ()
    data["waived"] = "memory"
    manifest.write_text(json.dumps(data))
    with pytest.raises(CourseError, match="waived must be a list"):
        read_manifest(out)
