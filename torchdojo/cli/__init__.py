"""The ``torchdojo`` command: one module per command group, each mapping its options onto the
plain functions of a feature package (which never import click or this package).

The top-level help lists the learner's commands first; instructors' and course authors'
commands follow in their own sections.
"""

from __future__ import annotations

import click

from torchdojo.cli import (
    batch,
    dev,
    export,
    grade,
    gradebook,
    kubernetes,
    learn,
    nbgrader,
    report,
)

SECTIONS = (
    ("Learner commands", ("grade", "watch", "list", "hint", "reset", "solution")),
    ("Instructor and course CI commands", ("grade-batch", "gradebook", "report", "export",
                                           "nbgrader")),
    ("Course author commands", ("dev",)),
)


class _Sections(click.Group):
    """A group whose help lists its commands by who uses them."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return [name for _, names in SECTIONS for name in names if name in self.commands]

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        width = formatter.width - 6 - max(len(name) for name in self.list_commands(ctx))
        for title, names in SECTIONS:
            rows = [(name, self.commands[name].get_short_help_str(width)) for name in names
                    if name in self.commands and not self.commands[name].hidden]
            if rows:
                with formatter.section(title):
                    formatter.write_dl(rows)


@click.group(cls=_Sections, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="torchdojo")
def main() -> None:
    """Learn PyTorch by doing: fill in exercises/, then grade them."""


for _command in (grade.grade, *learn.COMMANDS, batch.grade_batch, report.report,
                 export.export, nbgrader.nbgrader, dev.dev):
    main.add_command(_command)
main.add_command(gradebook.gradebook)
export.export.add_command(kubernetes.export_kubernetes)
