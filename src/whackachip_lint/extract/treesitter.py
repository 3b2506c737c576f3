"""tree-sitter plumbing shared by the shell and JSON extractors.

One parser per grammar per process, built on first use. tree-sitter reports
rows and *byte* columns, 0-based; `Positions` turns them into the 1-based
code-point `Span`s the evidence model uses.
"""

from __future__ import annotations

import importlib
from typing import Iterator

from ..evidence import Span

# Grammar name -> the wheel that provides it (each exposes `language()`).
_GRAMMARS = {"bash": "tree_sitter_bash", "json": "tree_sitter_json"}
_PARSERS: dict = {}

Point = tuple[int, int]  # (row, byte column), 0-based, absolute in the file


def parser(grammar: str):
    """The process-wide parser for `grammar` ("bash" or "json")."""
    found = _PARSERS.get(grammar)
    if found is None:
        from tree_sitter import Language, Parser

        module = importlib.import_module(_GRAMMARS[grammar])
        found = _PARSERS[grammar] = Parser(Language(module.language()))
    return found


class Positions:
    """Converts byte points of one file into code-point spans."""

    def __init__(self, data: bytes) -> None:
        self._lines = data.split(b"\n")
        self._ascii = [line.isascii() for line in self._lines]

    def column(self, row: int, byte_col: int) -> int:
        """1-based code-point column of a byte column on a 0-based row."""
        if row >= len(self._lines) or row < 0:
            return byte_col + 1
        if self._ascii[row]:
            return byte_col + 1
        return len(self._lines[row][:byte_col].decode("utf-8", "replace")) + 1

    def span(self, start: Point, end: Point) -> Span:
        if end < start:
            end = start
        return Span(start[0] + 1, self.column(*start), end[0] + 1, self.column(*end))

    def node_span(self, node, base: Point = (0, 0)) -> Span:
        return self.span(shift(node.start_point, base), shift(node.end_point, base))


def shift(point, base: Point) -> Point:
    """A point of a text parsed on its own, placed where that text starts in the file."""
    row, col = point[0], point[1]
    return (base[0] + row, col + base[1] if row == 0 else col)


def offset_point(text: bytes, offset: int, base: Point) -> Point:
    """The file point of byte `offset` inside `text`, which starts at `base`."""
    before = text[:offset]
    newlines = before.count(b"\n")
    if newlines == 0:
        return (base[0], base[1] + offset)
    return (base[0] + newlines, offset - before.rfind(b"\n") - 1)


def error_nodes(node) -> Iterator:
    """ERROR and MISSING nodes, outermost only."""
    if node.is_error or node.is_missing:
        yield node
        return
    if not node.has_error:
        return
    for child in node.children:
        yield from error_nodes(child)


def error_fraction(root, size: int) -> float:
    """Share of the text's bytes that tree-sitter could not fit into any well-formed node.

    Well-formed subtrees that error recovery wrapped in an ERROR node count as
    parsed: they are the valid parts a broken file still has.
    """
    if not root.has_error or size == 0:
        return 0.0
    return sum(_unparsed(n) for n in error_nodes(root) if n.is_error) / size


def _unparsed(node) -> int:
    if node.child_count == 0:
        return len(node.text.strip()) if node.text else 0
    total = 0
    for child in node.children:
        if child.is_named and child.child_count and not child.is_error and not child.has_error:
            continue
        total += _unparsed(child)
    return total
