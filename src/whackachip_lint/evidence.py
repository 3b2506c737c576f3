"""The evidence model: what every layer of wac-lint speaks.

Extractors produce `Finding`s; the inference reads them; reporters print them.
Nothing here knows about a file format or a hardware catalog.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field, replace
from typing import Any, Mapping, Union

# A finding's value is a JSON scalar: "nccl", 8, True, "8.0;9.0+PTX"...
Value = Union[str, int, float, bool, None]


class State(str, enum.Enum):
    """Whether a piece of evidence is actually in force where it stands."""

    ENABLED = "enabled"  # in force on the path the code takes
    CONDITIONAL = "conditional"  # in force only if a runtime condition holds
    DISABLED = "disabled"  # a setting in force that turns a feature off (False, "no", =1 on a *_DISABLE)
    MENTIONED = "mentioned"  # named only: comment, help text, choices, docstring, commented-out command
    DEAD = "dead"  # code that cannot run (a branch the file's constants rule out, `if False:`): constrains nothing

    def __str__(self) -> str:  # pragma: no cover - trivial
        return self.value


class Level(str, enum.Enum):
    """SARIF-compatible severity levels, ordered."""

    NOTE = "note"
    WARNING = "warning"
    ERROR = "error"

    @property
    def rank(self) -> int:
        return _LEVEL_RANK[self]

    def __str__(self) -> str:  # pragma: no cover - trivial
        return self.value


_LEVEL_RANK = {Level.NOTE: 0, Level.WARNING: 1, Level.ERROR: 2}


@dataclass(frozen=True)
class Span:
    """A 1-based, end-inclusive-line / end-exclusive-column region in a file.

    Columns count Unicode code points (not bytes), 1-based, as SARIF's default
    `columnKind: unicodeCodePoints` expects. Extractors built on byte offsets
    (tree-sitter) must convert.
    """

    line: int
    column: int
    end_line: int
    end_column: int


@dataclass(frozen=True)
class Finding:
    """One piece of hardware evidence at one place in one file."""

    rule: str  # rule code, e.g. "WAC101"
    name: str  # rule name, e.g. "bf16-precision"
    signal: str  # dotted signal, e.g. "precision.bf16"
    value: Value
    state: State
    level: Level
    path: str  # relative to the scanned root, "/"-separated
    span: Span
    snippet: str  # the source text of the line(s), stripped
    message: str
    # Extra structured facts an extractor knows (e.g. the argparse flag that
    # holds a default, the launcher a flag was passed to). JSON scalars only.
    properties: Mapping[str, Value] = field(default_factory=dict)
    suppressed: bool = False

    @property
    def line(self) -> int:
        return self.span.line

    @property
    def column(self) -> int:
        return self.span.column

    @property
    def in_force(self) -> bool:
        return self.state is State.ENABLED and not self.suppressed

    def with_changes(self, **changes: Any) -> "Finding":
        return replace(self, **changes)

    def sort_key(self) -> tuple:
        return (self.path, self.span.line, self.span.column, self.rule, str(self.value), self.state.value)

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "rule": self.rule,
            "name": self.name,
            "signal": self.signal,
            "value": self.value,
            "state": self.state.value,
            "level": self.level.value,
            "path": self.path,
            "line": self.span.line,
            "column": self.span.column,
            "end_line": self.span.end_line,
            "end_column": self.span.end_column,
            "snippet": self.snippet,
            "message": self.message,
            "suppressed": self.suppressed,
        }
        if self.properties:
            data["properties"] = dict(sorted(self.properties.items()))
        return data


@dataclass(frozen=True)
class Diagnostic:
    """A file that could not be read or parsed (the scan goes on without it)."""

    path: str
    message: str

    def to_dict(self) -> dict[str, str]:
        return {"path": self.path, "message": self.message}


@dataclass(frozen=True)
class RawFinding:
    """What an extractor emits before the scanner attaches rule metadata.

    Extractors know *what* they saw (rule code, value, state, where); the rule
    registry knows its name, signal, level and message template.
    """

    rule: str
    value: Value
    state: State
    span: Span
    detail: str = ""  # a short phrase for the message, e.g. "torch.bfloat16 passed as dtype"
    properties: Mapping[str, Value] = field(default_factory=dict)

    def moved_down(self, lines: int) -> RawFinding:
        """This finding of a text that starts `lines` lines into its file (a README code block, a YAML job's
        `command: |`), at the file's own lines; a launch's `command_line` property moves with it."""
        props = dict(self.properties)
        if isinstance(props.get("command_line"), int):
            props["command_line"] += lines
        span = self.span
        return replace(self, span=Span(span.line + lines, span.column, span.end_line + lines, span.end_column),
                       properties=props)
