"""Loss curves recorded by a check: sparklines in the terminal, PNG files with --plot."""

from __future__ import annotations

import io
import math
import struct
import subprocess
import sys
from pathlib import Path

import pytest
from rich.console import Console

from tests.conftest import ROOT
from torchdojo.engine.report import CheckResult, Report, Status, TopicResult
from torchdojo.reporters import curves, text

LEARNER = [2.3 * 0.97**i for i in range(60)]
REFERENCE = [2.3 * 0.95**i for i in range(60)]


def synthetic_report(learner=LEARNER, reference=REFERENCE) -> Report:
    trained = CheckResult("loss_decreases", Status.FAILED, 0, 3,
                          message="your loss fell more slowly than the reference's\nlearning "
                                  "rates: try a larger one", concept="learning rates",
                          data={"loss_curve": learner, "reference_loss_curve": reference})
    other = CheckResult("model_shape", Status.PASSED, 1, 1, concept="modules")
    return Report(seed=3, tier="local",
                  topics=[TopicResult("training", "Training loops", [trained, other])])


def test_curves_are_read_from_check_data_only_when_recorded():
    report = synthetic_report()
    found = curves.curves_of(report.checks[0])
    assert found.learner == LEARNER and found.reference == REFERENCE
    assert curves.curves_of(report.checks[1]) is None
    odd = CheckResult("x", Status.PASSED, 1, 1, data={"loss_curve": [1, "a", None, True, 0.5]})
    assert curves.curves_of(odd).learner[0] == 1.0
    assert all(math.isnan(v) for v in curves.curves_of(odd).learner[1:4])


def test_sparkline_shares_one_scale_so_the_slower_curve_sits_higher():
    low, high, log = curves.scale(LEARNER, REFERENCE)
    assert not log  # 2.3 to 0.11: a linear scale shows it best
    mine = curves.sparkline(curves.resample(LEARNER), low, high, log)
    ref = curves.sparkline(curves.resample(REFERENCE), low, high, log)
    assert len(mine) == len(ref) == curves.WIDTH
    assert mine[0] == ref[0] == "█"
    heights = [curves.SPARKS.index(c) for c in mine]
    assert heights == sorted(heights, reverse=True)  # a falling loss draws falling blocks
    assert sum(map(curves.SPARKS.index, mine)) > sum(map(curves.SPARKS.index, ref))


def test_log_scale_for_curves_spanning_orders_of_magnitude():
    falling = [10.0 * 0.5**i for i in range(20)]
    low, high, log = curves.scale(falling)
    assert log and (low, high) == (math.log10(falling[-1]), 1.0)
    line = curves.sparkline(falling, low, high, log)
    assert line[0] == "█" and line[-1] == "▁"


def test_not_finite_values_are_flagged_and_flat_curves_sit_in_the_middle():
    assert curves.sparkline([1.0, math.nan, math.inf], 0.0, 2.0) == "▅!!"
    assert curves.sparkline([3.0, 3.0], 3.0, 3.0) == "▅▅"
    assert curves.resample([1.0, 3.0, math.nan, 5.0], 2) == [2.0, pytest.approx(math.nan,
                                                                                nan_ok=True)]


def test_ascii_ramp_when_the_terminal_cannot_show_blocks():
    found = curves.curves_of(synthetic_report().checks[0])
    drawn = curves.sparkline_text(found, encoding="cp1252").plain
    assert not set(drawn) & set(curves.SPARKS)
    assert set(drawn.splitlines()[0].split()[3]) <= set(curves.ASCII_SPARKS)


def test_text_report_draws_both_curves_under_the_check():
    out = io.StringIO()
    text.render(synthetic_report(), Console(file=out, width=100, color_system=None))
    lines = out.getvalue().splitlines()
    at = next(i for i, line in enumerate(lines) if "loss_decreases" in line)
    yours = next(line for line in lines[at:] if "yours" in line)
    ref = next(line for line in lines[at:] if "reference  " in line)
    assert "loss curve" in yours and "2.3 → 0.381 (60 steps)" in yours
    assert "2.3 → 0.112 (60 steps)" in ref
    assert sum(c in curves.SPARKS for c in yours) == curves.WIDTH


def test_one_missing_curve_is_said_not_drawn():
    found = curves.curves_of(synthetic_report(reference=None).checks[0])
    assert "(not recorded)" in curves.sparkline_text(found).plain.splitlines()[1]


def test_png_is_written_for_each_recorded_curve(tmp_path):
    pytest.importorskip("matplotlib")
    written = curves.write_plots(synthetic_report(), tmp_path / "plots")
    assert [p.name for p in written] == ["training.loss_decreases.png"]
    data = written[0].read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    assert (width, height) == (640, 360)


def test_missing_matplotlib_is_one_clear_line(monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    with pytest.raises(curves.PlotUnavailable, match=r"pip install 'torchdojo\[plot\]'"):
        curves.ensure_plotting()


def test_grade_plot_without_matplotlib_stops_before_grading():
    code = ("import sys; sys.modules['matplotlib'] = None; sys.argv = ['torchdojo'] + "
            "sys.argv[1:]; from torchdojo.cli import main; main()")
    run = subprocess.run([sys.executable, "-c", code, "grade", "tensors", "--plot"], cwd=ROOT,
                         capture_output=True, text=True, timeout=120)
    assert run.returncode != 0
    assert run.stdout == ""
    assert run.stderr.strip().splitlines() == [
        "Error: --plot needs matplotlib, which is not installed: pip install 'torchdojo[plot]'"]


def test_write_plots_says_where_each_png_went(tmp_path):
    pytest.importorskip("matplotlib")
    from torchdojo.learn.plots import write_plots

    lines = write_plots(synthetic_report(), tmp_path)
    assert len(lines) == 1 and lines[0].startswith("plot: ")
    assert Path(lines[0].removeprefix("plot: ")).is_file()
    assert write_plots(Report(seed=1, tier="local"), tmp_path) == [
        "plot: no check recorded a loss curve"]
