"""GitHub Actions workflow commands: findings as annotations on the lines of a pull request, no upload needed.

Only findings at or above the fail level are annotated (GitHub shows a few per step; plain evidence would crowd
out what fails the run); unscanned files are warnings; the verdict's bottom line is a notice.
"""

from __future__ import annotations

from typing import Any

from ..evidence import Level
from ..results import ScanResult
from .text import DIAGNOSTIC_LEVEL

_COMMAND = {Level.NOTE: "notice", Level.WARNING: "warning", Level.ERROR: "error"}


def _data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _property(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")


def render(result: ScanResult, verdict=None, *, fail_level: Level = Level.WARNING, **_options: Any) -> str:
    out = []
    shown = [f for f in result.findings if not f.suppressed and f.level.rank >= fail_level.rank]
    for f in sorted(shown, key=lambda f: -f.level.rank):
        where = (f"file={_property(f.path)},line={f.line},endLine={f.span.end_line},col={f.column},"
                 f"endColumn={f.span.end_column}")
        out.append(f"::{_COMMAND[f.level]} {where},title={_property(f'{f.rule} {f.name}')}::{_data(f.message)}")
    for d in result.diagnostics:
        out.append(f"::{DIAGNOSTIC_LEVEL} file={_property(d.path)},title=not scanned::{_data(d.message)}")
    if verdict is not None and hasattr(verdict, "overall"):
        from .bottom_line import bottom_line

        out.append(f"::notice title=wac-lint hardware verdict::{_data(bottom_line(verdict))}")
    return "".join(line + "\n" for line in out)
