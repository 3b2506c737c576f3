"""Hardware words in free text (comments, docstrings, help strings): `mentioned` evidence.

A comment that names bf16 or NCCL_IB_HCA is context, never a setting in force.
Offsets are mapped back to file positions from the start of the token, so each
mention points at the word itself.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from ...evidence import Span
from ..buildflags import parse_arch_flags
from ..environment import interpret_env, is_hardware_variable
from .literals import required_literals
from .tables import ENV_NAME_WORD, FP8_DTYPE_WORD, MENTION_PATTERNS
from ...rules.codes import Code

_NEWLINE = re.compile(r"\r\n?|\n")


def span_in_token(text: str, line: int, column: int, start: int, end: int) -> Span:
    """The span of text[start:end] for a token `text` starting at 1-based `line`, 0-based `column`.

    Line breaks are counted as Python counts them: \r\n, \r or \n.
    """

    def position(offset: int) -> tuple[int, int]:
        count, line_start = 0, 0
        for match in _NEWLINE.finditer(text, 0, offset):
            count, line_start = count + 1, match.end()
        if not count:
            return line, column + offset + 1
        return line + count, offset - line_start + 1

    start_line, start_col = position(start)
    end_line, end_col = position(end)
    return Span(start_line, start_col, end_line, end_col)


def _with_anchors(pattern: re.Pattern[str]) -> tuple[re.Pattern[str], tuple[str, ...] | None]:
    """A word pattern and the literals one of which each of its matches holds (None: unknown)."""
    literals = None if pattern.flags & re.IGNORECASE else required_literals(pattern.pattern)
    return pattern, None if literals is None else tuple(sorted(literals))


# The patterns start with `\b`, so `re` tries them at every position of a text (their alternation
# scanned docstrings at about 3 MB/s); a pattern runs only on a text holding one of its literals,
# which `in` finds at memory speed (most long docstrings hold none).
_ANCHORED = tuple((_with_anchors(pattern), rule, value) for pattern, rule, value in MENTION_PATTERNS)
_FP8_DTYPE = _with_anchors(FP8_DTYPE_WORD)


def _may_match(anchors: tuple[str, ...] | None, text: str) -> bool:
    return anchors is None or any(literal in text for literal in anchors)


def find_mentions(text: str) -> Iterator[tuple[str, object, int, int, str]]:
    """(rule, value, start, end, word) for every hardware word in `text`."""
    for (pattern, anchors), rule, value in _ANCHORED:
        if _may_match(anchors, text):
            for match in pattern.finditer(text):
                yield rule, value, match.start(), match.end(), match.group(0)
    if _may_match(_FP8_DTYPE[1], text):
        for match in FP8_DTYPE_WORD.finditer(text):
            yield Code.FP8_DTYPE, match.group(0), match.start(), match.end(), match.group(0)
    for match in ENV_NAME_WORD.finditer(text):
        name = match.group(0)
        if not is_hardware_variable(name):
            continue
        seen = set()
        for meaning in interpret_env(name, "1"):
            if meaning.rule in seen:
                continue
            seen.add(meaning.rule)
            value = name if meaning.value == name else None
            yield meaning.rule, value, match.start(), match.end(), name
    if "arch" in text or "gencode" in text:
        for target in parse_arch_flags(text):
            yield target.rule, target.value, target.start, target.end, text[target.start : target.end]
