"""Build hook: ship a copy of the course inside real wheels, never inside editable installs.

A static force-include also lands in editable wheels, where it creates
site-packages/torchdojo/_course: a directory that shadows the editable package for every
process started outside the checkout (``torchdojo`` itself, and ``python -m torchdojo``).
"""

from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

COURSE = ("exercises", "solutions", "graders")


class CourseHook(BuildHookInterface):
    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        if self.target_name == "wheel" and version == "standard":
            build_data["force_include"].update(
                {folder: f"torchdojo/_course/{folder}" for folder in COURSE})
