"""Files torchdojo writes into folders people edit: a learner's ``exercises/``, a workspace's
README. It remembers a digest of what it last wrote there (``.torchdojo/generated.json``), so it
can tell a file it may replace from one that holds someone's work, and it keeps a backup in
``.torchdojo/backups/`` before it replaces the latter.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import shutil
import subprocess
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from torchdojo.author import stubs
from torchdojo.course import Course, Topic
from torchdojo.files import write_atomically

RECORD = "generated.json"


def stub(course: Course, topic: Topic) -> str:
    """The untouched stub of a topic: its reference with the solution regions removed."""
    return stubs.derive(course.solution(topic).read_text(encoding="utf-8"))


def digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass
class Record:
    """What torchdojo last wrote, by path relative to the learner's home folder."""

    course: Course
    written: dict[str, str] = field(default_factory=dict)

    @classmethod
    def load(cls, course: Course) -> Record:
        try:
            data = json.loads((course.state / RECORD).read_text(encoding="utf-8"))
            return cls(course, {str(k): str(v) for k, v in dict(data["written"]).items()})
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            return cls(course)  # nothing recorded (or a damaged file): trust nothing

    def relative(self, path: Path) -> str:
        return path.relative_to(self.course.home).as_posix()

    def holds_what_was_written(self, path: Path) -> bool:
        recorded = self.written.get(self.relative(path))
        return recorded is not None and _digest_of(path) == recorded

    def write(self, path: Path, text: str) -> None:
        """Write ``text`` to ``path`` in one step and remember it; save with ``keep``."""
        write_atomically(path, text)
        self.written[self.relative(path)] = digest(text)

    def keep(self) -> None:
        """Save the record if the home folder allows it (a read-only one still works)."""
        data = json.dumps({"written": self.written}, indent=2, sort_keys=True) + "\n"
        with contextlib.suppress(OSError):
            write_atomically(self.course.state / RECORD, data)


def has_learner_work(course: Course, topic: Topic, record: Record) -> bool:
    """Whether ``exercises/<topic>.py`` holds something other than a stub torchdojo wrote:
    it is not the current stub, not what torchdojo last wrote there, and (in a git checkout
    with no record) not the stub of the committed reference."""
    path = course.exercise(topic)
    if not path.is_file():
        return False
    text = path.read_text(encoding="utf-8", errors="replace")
    if text == stub(course, topic) or record.holds_what_was_written(path):
        return False
    if record.relative(path) in record.written:
        return True  # torchdojo wrote something else there, and it has changed since
    if course.workspace is not None:
        return True  # a workspace's stubs were all written by torchdojo, and recorded
    committed = _committed(course.root, f"solutions/{topic.name}.py")
    with contextlib.suppress(stubs.StubError):
        if committed is not None and text == stubs.derive(committed):
            return False
    return True


def backup(course: Course, path: Path) -> Path:
    """Copy ``path`` to ``.torchdojo/backups/<name>-<time>.py``; never over an earlier one."""
    folder = course.state / "backups"
    folder.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    kept = folder / f"{path.stem}-{stamp}{path.suffix}"
    number = 1
    while kept.exists():  # two backups in one second keep both versions
        number += 1
        kept = folder / f"{path.stem}-{stamp}-{number}{path.suffix}"
    shutil.copy2(path, kept)
    return kept


def _digest_of(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


def _committed(root: Path, relative: str) -> str | None:
    """The file as the checkout's last commit has it (None without git or a commit)."""
    try:
        run = subprocess.run(["git", "-C", str(root), "show", f"HEAD:{relative}"],
                             capture_output=True, timeout=10)
    except (OSError, subprocess.SubprocessError):
        return None
    return run.stdout.decode("utf-8", "replace") if run.returncode == 0 else None
