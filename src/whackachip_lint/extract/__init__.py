"""Extractors: one per file kind, each parsing a file once and returning raw findings.

An extractor is a module with `extract(source: Source) -> list[RawFinding]`, named by its file kind's row in
kinds.py (the one table of file kinds).
It raises `ExtractionError` when the file cannot be parsed at all; the
scanner turns that into a diagnostic and goes on. Modules are imported only
when a file of their kind is scanned, so a small run pays only for what it uses.
"""

from __future__ import annotations

import importlib
import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Callable, Iterable

from ..evidence import RawFinding
from ..kinds import DEFAULT_LINE_BREAK, EXTRACTORS, LINE_BREAKS, PYTHON_LINE_BREAKS, UNSAFE_CHARACTERS

# Byte-order marks of encodings we do not read (UTF-8's own BOM is accepted and dropped).
# Longest first: the UTF-32-LE mark starts with the UTF-16-LE one.
WIDE_BOMS: tuple[tuple[bytes, str], ...] = (
    (b"\xff\xfe\x00\x00", "UTF-32"),
    (b"\x00\x00\xfe\xff", "UTF-32"),
    (b"\xff\xfe", "UTF-16"),
    (b"\xfe\xff", "UTF-16"),
)


class ExtractionError(Exception):
    """The file could not be parsed; the message says why (shown to the user with the path)."""


class PartialExtraction(ExtractionError):
    """Part of the file could not be read (e.g. one notebook cell); `findings` holds what the rest gave.

    The scanner keeps those findings and reports the message as a diagnostic.
    """

    def __init__(self, message: str, findings: list[RawFinding]) -> None:
        super().__init__(message)
        self.findings = findings


@dataclass
class Source:
    """One file's bytes, read once, and what the scanner knows about it."""

    path: Path  # on disk
    relpath: str  # relative to the scanned root, "/"-separated
    kind: str
    data: bytes
    _lines: list[str] | None = field(default=None, repr=False)
    # The file's size when `data` is only its head (a document over its read cap, scan.read_source).
    whole_size: int | None = None
    # Lines an extractor already cut out of the text (a log's lines that name hardware), by number: a finding's
    # snippet is taken from here, so a 50 MB log is not split into lines for the few that gave findings.
    known_lines: dict[int, str] = field(default_factory=dict, repr=False)

    @cached_property
    def text(self) -> str:
        """The text, decoded as UTF-8 (a BOM is dropped). Raises ExtractionError on bad bytes."""
        for bom, encoding in WIDE_BOMS:
            if self.data.startswith(bom):
                raise ExtractionError(f"{encoding} text (byte-order mark); only UTF-8 is read")
        if b"\x00" in self.data:
            raise ExtractionError("binary file (contains NUL bytes)")
        try:
            text = self.data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise ExtractionError(f"not valid UTF-8 (byte {exc.start}: {exc.reason})") from None
        unsafe = UNSAFE_CHARACTERS.get(self.kind)
        match = unsafe.search(text) if unsafe else None
        if match:
            line = text.count("\n", 0, match.start()) + 1
            column = match.start() - (text.rfind("\n", 0, match.start()) + 1) + 1
            raise ExtractionError(
                f"character U+{ord(match[0]):04X} at line {line}, column {column} is in a plane this kind's parser "
                "cannot read safely (unassigned or private use); not parsed"
            )
        return text

    @cached_property
    def lines(self) -> list[str]:
        """Lines without their line endings; `lines[0]` is line 1 (line breaks as the kind's row says: kinds.py)."""
        breaks = LINE_BREAKS.get(self.kind, DEFAULT_LINE_BREAK)
        python_without_cr = breaks.pattern == PYTHON_LINE_BREAKS and "\r" not in self.text
        if breaks.pattern == DEFAULT_LINE_BREAK.pattern or python_without_cr:
            parts = _split_lf(self.text)  # the same lines, several times faster than a regular expression split
        else:
            parts = breaks.split(self.text)
        if parts and parts[-1] == "":
            parts.pop()  # the text ended with a line break (or was empty)
        return parts

    def line_text(self, line: int) -> str:
        if line in self.known_lines and "lines" not in self.__dict__:  # not split (yet): the line cut out is it
            return self.known_lines[line]
        if 1 <= line <= len(self.lines):
            return self.lines[line - 1]
        return ""


def _split_lf(text: str) -> list[str]:
    """`DEFAULT_LINE_BREAK.split(text)`: lines end at LF, and a CR right before the LF belongs to the break."""
    parts = text.split("\n")
    if "\r" in text:
        last = parts.pop()
        parts = [part[:-1] if part.endswith("\r") else part for part in parts]
        parts.append(last)
    return parts


Extractor = Callable[[Source], Iterable[RawFinding]]


def extractors_for(kind: str) -> list[Extractor]:
    return [importlib.import_module(name).extract for name in EXTRACTORS.get(kind, ())]


__all__ = ["EXTRACTORS", "ExtractionError", "Extractor", "Source", "extractors_for"]
