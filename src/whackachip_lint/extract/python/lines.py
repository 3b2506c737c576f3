"""The file's text as the evidence needs it: lines, character columns, code segments, string and comment tokens.

CPython's `ast` gives UTF-8 byte columns; findings need Unicode code-point
columns (SARIF's default), so columns are converted on the lines that are not
ASCII. Comments and the raw text of string literals are not in the tree: they
are read from the text, and only for the few statements whose lines hold
evidence (a regular expression over a statement's text is exact once it starts
outside a string, which a statement's first character always is).
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable, Iterator

from ...evidence import Span
from ...kinds import PYTHON_LINE_BREAKS

_LINE_BREAK = re.compile(PYTHON_LINE_BREAKS)
# A string literal (prefix, quotes, body) or a comment, scanned from a point outside any string.
_TOKEN = re.compile(
    r"#[^\r\n]*"
    r"|(?:(?<![\w])[rRbBuUfF]{1,2})?"
    r"(?:\"\"\"(?:\\.|[^\\])*?\"\"\"|'''(?:\\.|[^\\])*?'''|\"(?:\\.|[^\"\\\r\n])*\"|'(?:\\.|[^'\\\r\n])*')",
    re.S,
)


class Lines:
    """Line access and position conversion for one file's text."""

    def __init__(self, text: str, split: Callable[[], list[str]] | None = None) -> None:
        """`split` gives the text's lines as CPython counts them (`Source.lines` of a Python file: the scan takes
        findings' snippets from the same list, so the text is split once)."""
        self.text = text
        self._split = split
        self._lines: list[str] | None = None
        self._ascii = text.isascii()

    @property
    def lines(self) -> list[str]:
        if self._lines is None:
            text = self.text
            if self._split is not None:
                self._lines = self._split()
            else:  # str.split is several times faster than the pattern, and the same where LF is the only break.
                self._lines = text.split("\n") if "\r" not in text else _LINE_BREAK.split(text)
        return self._lines

    def line(self, number: int) -> str:
        lines = self.lines
        return lines[number - 1] if 1 <= number <= len(lines) else ""

    def column(self, line: int, byte_column: int) -> int:
        """0-based character column of a UTF-8 byte column on `line`."""
        if self._ascii:
            return byte_column
        text = self.line(line)
        if text.isascii():
            return byte_column
        return len(text.encode("utf-8")[:byte_column].decode("utf-8", "replace"))

    def start(self, node: ast.AST) -> tuple[int, int]:
        return node.lineno, self.column(node.lineno, node.col_offset)

    def end(self, node: ast.AST) -> tuple[int, int]:
        return node.end_lineno, self.column(node.end_lineno, node.end_col_offset)

    def span(self, first: ast.AST, last: ast.AST | None = None) -> Span:
        line, column = self.start(first)
        end_line, end_column = self.end(last or first)
        return Span(line, column + 1, end_line, end_column + 1)

    def segment(self, node: ast.AST, last: ast.AST | None = None) -> str:
        """The source text of a node (or from `node` to `last`)."""
        line, column = self.start(node)
        end_line, end_column = self.end(last or node)
        if line == end_line:
            return self.line(line)[column:end_column]
        parts = [self.line(line)[column:]]
        parts.extend(self.line(n) for n in range(line + 1, end_line))
        parts.append(self.line(end_line)[:end_column])
        return "\n".join(parts)

    def tokens(self, line: int, column: int, text: str) -> Iterator[tuple[int, int, str]]:
        """(line, column, token) for each string literal and comment of `text`, which starts at (line, column)."""
        for match in _TOKEN.finditer(text):
            before = text.count("\n", 0, match.start())
            if before:
                yield line + before, match.start() - text.rfind("\n", 0, match.start()) - 1, match.group(0)
            else:
                yield line, column + match.start(), match.group(0)

    def string_tokens(self, node: ast.AST) -> list[tuple[int, int, str]]:
        """The raw string literal tokens making up a string expression (several when implicitly concatenated)."""
        line, column = self.start(node)
        return [t for t in self.tokens(line, column, self.segment(node)) if t[2][0] != "#"]


def is_fstring(token: str) -> bool:
    prefix = token[: len(token) - len(token.lstrip("rRbBuUfF"))]
    return "f" in prefix or "F" in prefix
