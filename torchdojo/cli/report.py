"""``torchdojo report``: the class report of a grades folder, or its grades for an LMS."""

from __future__ import annotations

from pathlib import Path

import click

from torchdojo.cli.common import Failure, friendly, load_course, require_plotting, shown

LMS = ("canvas", "moodle")


@click.command("report")
@click.argument("grades", type=click.Path(file_okay=False, path_type=Path))
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Where to write the page (default GRADES/class-report.html, the text "
                   "summary beside it as .txt), or with --lms the CSV file (default "
                   "GRADES/<lms>-grades.csv).")
@click.option("--lms", type=click.Choice(LMS), help="Instead of the report, write the grades "
              "as a Canvas or Moodle gradebook import file.")
@click.option("--column", default="torchdojo", show_default=True,
              help="--lms: the grade column's name; name an existing Canvas assignment as "
                   "Canvas's export does, e.g. 'PyTorch lab (12345)'.")
@click.option("--per-topic", is_flag=True, help="--lms: one column per topic, not the total.")
@click.option("--id-field", help="--lms: the LMS field that holds the learner id. Canvas: "
              "'SIS Login ID' (default), 'SIS User ID' or 'ID'; Moodle: username (default), "
              "email or idnumber.")
@friendly
def report(grades: Path, output: Path | None, lms: str | None, column: str, per_topic: bool,
           id_field: str | None) -> None:
    """The class report of GRADES (what grade-batch --output or nbgrader grade --reports
    wrote): one HTML page with charts, and a text summary."""
    from torchdojo.classreport import lms as lms_mod
    from torchdojo.classreport.build import read_grades

    if lms and id_field and id_field not in lms_mod.ID_FIELDS[lms]:
        raise Failure(f"--id-field for {lms} is one of: {', '.join(lms_mod.ID_FIELDS[lms])}")
    if not lms:
        require_plotting()
    course = load_course()
    records = read_grades(course, grades)
    if lms:
        _write_lms(course, records, lms, grades, output, column, per_topic, id_field)
    else:
        _write_report(course, records, grades, output)


def _write_report(course, records, grades: Path, output: Path | None) -> None:
    from torchdojo.classreport.build import write_report

    page = output or grades / "class-report.html"
    text, written = write_report(course, records, page)
    click.echo(text, nl=False)
    click.echo(f"\nwrote {shown(written[0])} and {shown(written[1])}")


def _write_lms(course, records, lms: str, grades: Path, output: Path | None, column: str,
               per_topic: bool, id_field: str | None) -> None:
    from torchdojo.classreport import lms as lms_mod
    from torchdojo.classreport.summary import printable
    from torchdojo.files import write_atomically

    order = [t.name for t in course.topics]
    cols = lms_mod.columns(records.learners, column, per_topic, order)
    result = lms_mod.export(lms, records.learners, cols, id_field)
    target = output or grades / f"{lms}-grades.csv"
    try:
        write_atomically(target, result.text)
    except OSError as exc:
        raise Failure(f"cannot write {target}: {exc.strerror or exc}") from None
    click.echo(f"wrote {shown(target)}: {result.rows} learner(s), "
               f"{', '.join(c.title for c in cols)}")
    for learner, why in result.left_out:
        click.echo(f"left out {printable(learner)}: {printable(why)}", err=True)
    for rejected in records.rejected:
        click.echo(f"left out {printable(rejected.file)}: {printable(rejected.reason)}",
                   err=True)
