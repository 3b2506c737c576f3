"""Which lines can hold Python evidence: the lines holding a trigger word.

The extractor visits in full only the statements whose lines hold one of these
words; every other statement costs a line-range check and, for assignments, a
name binding (a later line may read the variable). The words are the
pre-filter's words for Python files (triggers.py) plus the words the
extractor's own tables react to (keywords, option names, call and attribute
names, methods), so a row added to `tables.py` widens the gate with it. Names
bound by an import to something that holds a word (`from torch import bfloat16
as bf`) are added per file as they are imported (`lines_naming`).
"""

from __future__ import annotations

import re
from bisect import bisect_left, insort
from functools import lru_cache

from . import tables as T

_DOTTED_TABLES = (
    T.INIT_PROCESS_GROUP, T.DEEPSPEED_INIT, T.AUTOCAST, T.CPU_AUTOCAST, T.FP8_AUTOCAST, T.APEX_AMP_INIT,
    T.GRAD_SCALERS, T.FP8_GEMMS, T.FSDP_CALLS, T.DEVICE_CALLS, T.XLA_DEVICE_CALLS, T.BF16_SUPPORT_CHECKS,
    T.MATMUL_PRECISION, T.TF32_ATTRIBUTES, T.FP32_PRECISION_ATTRIBUTES, T.VERSION_ATTRIBUTES, T.DTYPES,
    T.DYNAMIC_IMPORTS, T.MODULES,
)
# Calls whose meaning comes from a variable or an option defined elsewhere (`model.to(device)`,
# `parser.add_argument("--foo")`, click options).
_CALL_WORDS = (".to(", "add_argument", "click")


def table_words() -> set[str]:
    words = set(_CALL_WORDS)
    for table in (T.KEYWORDS, T.FLAG_KEYWORDS, T.FLAG_ALIASES, T.DS_BLOCKS, T.CAST_METHODS, T.DEVICE_METHODS):
        words.update(table)
    words.update(T.FLAG_ALIASES.values())
    for block in T.DS_BLOCKS.values():
        words.update(block)
    for table in _DOTTED_TABLES:
        words.update(name.rsplit(".", 1)[-1] for name in table)
    return {word.lower() for word in words if word}


@lru_cache(maxsize=1)
def gate_pattern() -> re.Pattern[bytes]:
    from ...prefilter import compile_words, words_for
    from ...triggers import FAMILY_WORDS

    return compile_words(words_for("python", frozenset(FAMILY_WORDS)) | table_words())


def hot_lines(text: str) -> list[int]:
    """Sorted 1-based numbers of the lines holding a gate word (case-insensitive)."""
    return lines_matching(text, gate_pattern(), lower=True)


def lines_matching(text: str, pattern: re.Pattern[bytes], lower: bool = False) -> list[int]:
    data = text.encode("utf-8")
    if lower:
        data = data.lower()
    if b"\r" in data:  # CPython also breaks lines at a lone CR: count the same way
        data = data.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
    found: list[int] = []
    line, counted, position = 1, 0, 0
    search = pattern.search
    while True:
        match = search(data, position)
        if match is None:
            return found
        start = match.start()
        line += data.count(b"\n", counted, start)
        counted = start
        found.append(line)
        position = data.find(b"\n", match.end())  # the rest of a line adds nothing
        if position < 0:
            return found


def lines_naming(text: str, name: str) -> list[int]:
    """Lines where `name` stands as a whole identifier."""
    return lines_matching(text, re.compile(rb"(?<![\w.])" + re.escape(name.encode("utf-8")) + rb"\b"))


class Gate:
    """A sorted set of hot lines, asked about line ranges."""

    def __init__(self, lines: list[int]) -> None:
        self.lines = lines

    def holds(self, first: int, last: int) -> bool:
        lines = self.lines
        index = bisect_left(lines, first)
        return index < len(lines) and lines[index] <= last

    def add(self, more: list[int]) -> None:
        for line in more:
            index = bisect_left(self.lines, line)
            if index == len(self.lines) or self.lines[index] != line:
                insort(self.lines, line)
