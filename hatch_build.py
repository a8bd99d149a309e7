"""Build hook: ship a copy of the course beside the package in real wheels, never in editable ones.

A static force-include also lands in editable wheels, where a forced copy is stale the moment the
checkout changes (and a folder named torchdojo/ in site-packages would shadow the package). An
editable install finds the course in the checkout instead.
"""

from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

COURSE = ("exercises", "solutions", "graders")


class CourseHook(BuildHookInterface):
    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        if self.target_name == "wheel" and version == "standard":
            build_data["force_include"].update(
                {folder: f"torchdojo_course/{folder}" for folder in COURSE})
