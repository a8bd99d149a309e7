"""Learner text and data, made safe for every report format where they enter the report.

What a learner's code prints, raises, returns or names (exception messages, type names, dict
keys, output, warnings, folder names) ends up in reports that terminals, CI pages, XML and JSON
parsers and spreadsheets read. So, once, where it enters a report:

- characters that act rather than show are spelled out: terminal escapes and other control
  characters (``\\x1b``, ``\\x00``, a lone ``\\r``), C1 controls, bidirectional overrides that
  make text read differently than it runs, and the two noncharacters XML cannot hold;
- lone surrogates (which no UTF-8 file can hold) become ``\\udXXX`` spelled out too;
- long text is cut, and says how much was cut;
- numbers that JSON cannot hold (NaN, infinities) become the strings ``"NaN"``,
  ``"Infinity"`` and ``"-Infinity"``, which JavaScript's ``Number()`` and Python's ``float()``
  read back.

Each reporter still guarantees its own format on top (rich ``Text`` rather than markup for
people, XML escaping for JUnit, ``allow_nan=False`` for JSON, formula guards for CSV).
"""

from __future__ import annotations

import math
import re
from typing import Any

MESSAGE_LIMIT = 4000  # a check's message
ERROR_LIMIT = 1000  # a topic's one-line error, a note
OUTPUT_LIMIT = 20_000  # what a topic's code printed (already capped in bytes where captured)
VALUE_LIMIT = 1000  # one string inside a check's recorded data
ITEMS_LIMIT = 10_000  # items of one list or dict inside a check's recorded data
DEPTH_LIMIT = 16

_ACTS = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f"  # C0 controls but tab and newline, DEL, C1 controls
    "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"  # bidirectional marks and overrides
    "\ud800-\udfff\ufffe\uffff]")  # lone surrogates, noncharacters


def text(value: object, limit: int | None = None) -> str:
    """``value`` as text that only shows, at most ``limit`` characters (None: no limit)."""
    value = value if isinstance(value, str) else str(value)
    clean = _ACTS.sub(_spelled, value.replace("\r\n", "\n"))
    return clip(clean, limit) if limit is not None else clean


def clip(value: str, limit: int, unit: str = "characters") -> str:
    """At most ``limit`` characters; a cut text ends by saying how much was cut."""
    if len(value) <= limit:
        return value
    for keep in range(limit, -1, -1):
        note = f"\n... ({len(value) - keep} more {unit} not shown)"
        if keep + len(note) <= limit:
            return value[:keep] + note
    return value[:limit]


def data(value: Any, limit: int | None = VALUE_LIMIT, depth: int = 0) -> Any:
    """A check's recorded data as JSON can hold it: plain containers, finite numbers, safe
    text; lists and dicts cut to ``ITEMS_LIMIT`` items, strings to ``limit`` characters."""
    if value is None or isinstance(value, bool) or type(value) is int:
        return value
    if isinstance(value, float):
        return number(value)
    if isinstance(value, int):  # an int subclass (an IntEnum): its plain value
        return int(value)
    if depth >= DEPTH_LIMIT:
        return "..."
    if isinstance(value, dict):
        items = list(value.items())
        kept = {text(k, VALUE_LIMIT): data(v, limit, depth + 1) for k, v in items[:ITEMS_LIMIT]}
        if len(items) > ITEMS_LIMIT:
            kept["..."] = f"{len(items) - ITEMS_LIMIT} more items not shown"
        return kept
    if isinstance(value, (list, tuple)):
        kept = [data(v, limit, depth + 1) for v in value[:ITEMS_LIMIT]]
        if len(value) > ITEMS_LIMIT:
            kept.append(f"... {len(value) - ITEMS_LIMIT} more items not shown")
        return kept
    return text(value, limit)


def json_ready(value: Any) -> Any:
    """A whole document (a report, a results file) as strict JSON can hold it, cutting
    nothing: safe text, finite numbers. What a reporter applies before ``json.dumps``."""
    if isinstance(value, str):
        return text(value)
    if isinstance(value, float):
        return number(value)
    if isinstance(value, dict):
        return {text(k) if isinstance(k, str) else k: json_ready(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [json_ready(v) for v in value]
    return value


def number(value: float) -> float | str:
    """A float JSON can hold, or the name of one it cannot."""
    if math.isfinite(value):
        return float(value)
    if math.isnan(value):
        return "NaN"
    return "Infinity" if value > 0 else "-Infinity"


def _spelled(match: re.Match) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"
