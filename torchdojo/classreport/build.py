"""Read a grades folder and write its class report: the page and the text summary."""

from __future__ import annotations

from pathlib import Path

from torchdojo.classreport import charts, page, summary
from torchdojo.classreport.records import Points, Records, read_all, reports_folder
from torchdojo.classreport.stats import class_stats
from torchdojo.course import Course, CourseError
from torchdojo.files import write_atomically


def course_points(course: Course) -> Points:
    """Every check the course declares, with its points (imports the graders)."""
    from torchdojo.engine import catalog

    return {t.name: {c.name: c.points for c in catalog.checks(course, t)}
            for t in course.topics}


def read_grades(course: Course, grades: Path) -> Records:
    """A grade-batch output (its gradebook's learners and states), or a folder of reports
    (nbgrader grade --reports)."""
    from torchdojo.classreport.batch_output import is_batch_output, read_batch

    if not grades.is_dir():
        raise CourseError(f"grades folder {grades} does not exist")
    if is_batch_output(grades):
        return read_batch(grades, course_points(course))
    folder = reports_folder(grades)
    if not any(p for p in folder.glob("*.json") if not p.name.startswith(".")):
        raise CourseError(f"no reports in {folder} (grade-batch --output or nbgrader grade "
                          "--reports writes them)")
    return read_all(grades, course_points(course))


def write_report(course: Course, records: Records, html: Path) -> tuple[str, list[Path]]:
    """Write the page to ``html`` and the summary beside it (``.txt``); returns the summary
    and both paths."""
    stats = class_stats(records, [t.name for t in course.topics])
    text = summary.render(stats)
    document = page.render(stats, charts.all_charts(stats))
    written = [html, html.with_suffix(".txt")]
    try:
        write_atomically(written[0], document)
        write_atomically(written[1], text)
    except OSError as exc:
        raise CourseError(f"cannot write {html}: {exc.strerror or exc}") from None
    return text, written
