"""Small position helpers for the line-based extractors (requirements, Dockerfile, Makefile, CMake)."""

from __future__ import annotations

import re
from typing import Iterable, Iterator

from ..evidence import RawFinding, Span, State
from .pins import PinFact
from ..rules.codes import Code


def span(line: int, start: int, end: int, end_line: int | None = None) -> Span:
    """A span from 0-based code-point offsets `start`/`end` on 1-based `line`."""
    return Span(line, start + 1, end_line or line, max(end, start + 1) + 1)


def locate(text: str, needle: str, start: int = 0) -> tuple[int, int]:
    """(start, end) of `needle` in `text` from `start`, or the whole stripped text when absent."""
    index = text.find(needle, start) if needle else -1
    if index < 0:
        stripped = text.strip()
        index = text.find(stripped) if stripped else 0
        return index, index + len(stripped)
    return index, index + len(needle)


def pin_findings(facts: Iterable[PinFact], where: Span, state: State, context: str = "") -> list[RawFinding]:
    """RawFindings for pin facts at one place; a marker makes an enabled pin conditional."""
    found = []
    for fact in facts:
        fact_state = State.CONDITIONAL if (fact.conditional and state is State.ENABLED) else state
        detail = fact.detail + (f" ({context})" if context else "")
        found.append(RawFinding(fact.rule, fact.value, fact_state, where, detail, fact.properties))
    return found


_COMMENT = re.compile(r"(?:^|\s)#")


def comment_start(line: str) -> int:
    """Offset of a `#` comment that starts at the line start or after whitespace, else -1."""
    match = _COMMENT.search(line)
    if not match:
        return -1
    return match.end() - 1


def logical_lines(lines: list[str], continuation: str = "\\") -> Iterator[tuple[int, int, str]]:
    """(first line, last line, joined text) for lines joined by a trailing backslash.

    The continuation character is dropped and the parts are joined with "\n", so an offset in the
    joined text maps back to its line and column with `joined_position`.
    """
    index = 0
    while index < len(lines):
        first = index
        parts = [lines[index]]  # joined once at the end: 100,000 continued lines cost linear time
        while parts[-1].rstrip().endswith(continuation) and index + 1 < len(lines):
            parts[-1] = parts[-1].rstrip()[: -len(continuation)]
            parts.append(lines[index + 1])
            index += 1
        yield first + 1, index + 1, "\n".join(parts)
        index += 1


def joined_span(first_line: int, joined: str, start: int, end: int) -> Span:
    """The span of [start, end) in a text joined by `logical_lines` that began on `first_line`."""
    def position(offset: int) -> tuple[int, int]:
        before = joined[:offset]
        newline = before.rfind("\n")
        return first_line + before.count("\n"), offset - (newline + 1)

    line, column = position(start)
    end_line, end_column = position(max(end, start + 1))
    return Span(line, column + 1, end_line, end_column + 1)


def env_findings(name: str, setting: str | None, where: Span, state: State = State.ENABLED) -> list[RawFinding]:
    """Findings for a variable set to `setting`, read through the shared `interpret_env` table.

    `state` other than ENABLED (mentioned, conditional) overrides what the setting means, except that
    a switched-off setting stays disabled. Arch lists are normalised ("8.0 9.0" -> "8.0;9.0").
    """
    from .buildflags import normalise_arch_list
    from .environment import interpret_env

    found = []
    for meaning in interpret_env(name, setting):
        value = meaning.value
        if meaning.rule in (Code.CUDA_ARCH_LIST, Code.ROCM_ARCH_LIST) and isinstance(value, str):
            value = normalise_arch_list(value)
        result_state = meaning.state
        if state is not State.ENABLED and result_state is State.ENABLED:
            result_state = state
        elif state is State.MENTIONED:
            result_state = State.MENTIONED
        found.append(RawFinding(meaning.rule, value, result_state, where, meaning.detail))
    return found


class LineIndex:
    """Maps offsets in a text to 1-based lines and 0-based code-point columns."""

    def __init__(self, text: str) -> None:
        self.starts = [0]
        for match in re.finditer("\n", text):
            self.starts.append(match.end())

    def position(self, offset: int) -> tuple[int, int]:
        import bisect

        index = bisect.bisect_right(self.starts, offset) - 1
        return index + 1, offset - self.starts[index]

    def span(self, start: int, end: int) -> Span:
        line, column = self.position(start)
        end_line, end_column = self.position(max(end, start + 1))
        return Span(line, column + 1, end_line, end_column + 1)


# NAME=value words in shell text (Dockerfile RUN, Makefile recipes), with or without `export`.
SHELL_ASSIGN = re.compile(r"""(?:^|(?<=[\s;&|(]))(?:export\s+)?([A-Z_][A-Z0-9_]*)=("[^"]*"|'[^']*'|[^\s;&|)]*)""")
