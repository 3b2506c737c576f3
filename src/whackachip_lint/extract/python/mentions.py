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


# One pass that says whether any of the word patterns can match (most long docstrings hold none).
_ANY_WORD = re.compile("|".join(f"(?:{pattern.pattern})" for pattern, _, _ in MENTION_PATTERNS))


def find_mentions(text: str) -> Iterator[tuple[str, object, int, int, str]]:
    """(rule, value, start, end, word) for every hardware word in `text`."""
    if _ANY_WORD.search(text) is not None:
        for pattern, rule, value in MENTION_PATTERNS:
            for match in pattern.finditer(text):
                yield rule, value, match.start(), match.end(), match.group(0)
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
