"""Extractors: one per file kind, each parsing a file once and returning raw findings.

An extractor is a module with `extract(source: Source) -> list[RawFinding]`.
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

# kind -> modules that extract it (imported lazily). Most kinds have one; a
# kind may have a second, cheap line-based pass (e.g. #SBATCH directives in shell).
EXTRACTORS: dict[str, tuple[str, ...]] = {
    # pyguard first: it refuses input nested deeply enough to crash libcst's native parser.
    "python": ("whackachip_lint.extract.pyguard", "whackachip_lint.extract.python"),
    "shell": ("whackachip_lint.extract.shell",),
    "json": ("whackachip_lint.extract.deepspeed",),
}


# What ends a line, per kind, as that kind's own parser counts lines (so a finding's line
# number and its snippet agree): CPython also breaks lines at a lone CR; tree-sitter and
# JSON parsers count LF only. Form feeds, U+2028 and friends never end a line (unlike
# str.splitlines).
LINE_BREAKS: dict[str, "re.Pattern[str]"] = {"python": re.compile(r"\r\n|\r|\n")}
DEFAULT_LINE_BREAK = re.compile(r"\r?\n")

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


@dataclass
class Source:
    """One file's bytes, read once, and what the scanner knows about it."""

    path: Path  # on disk
    relpath: str  # relative to the scanned root, "/"-separated
    kind: str
    data: bytes
    _lines: list[str] | None = field(default=None, repr=False)

    @cached_property
    def text(self) -> str:
        """The text, decoded as UTF-8 (a BOM is dropped). Raises ExtractionError on bad bytes."""
        for bom, encoding in WIDE_BOMS:
            if self.data.startswith(bom):
                raise ExtractionError(f"{encoding} text (byte-order mark); only UTF-8 is read")
        if b"\x00" in self.data:
            raise ExtractionError("binary file (contains NUL bytes)")
        try:
            return self.data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise ExtractionError(f"not valid UTF-8 (byte {exc.start}: {exc.reason})") from None

    @cached_property
    def lines(self) -> list[str]:
        """Lines without their line endings; `lines[0]` is line 1 (line breaks as LINE_BREAKS says)."""
        parts = LINE_BREAKS.get(self.kind, DEFAULT_LINE_BREAK).split(self.text)
        if parts and parts[-1] == "":
            parts.pop()  # the text ended with a line break (or was empty)
        return parts

    def line_text(self, line: int) -> str:
        if 1 <= line <= len(self.lines):
            return self.lines[line - 1]
        return ""


Extractor = Callable[[Source], Iterable[RawFinding]]


def extractors_for(kind: str) -> list[Extractor]:
    return [importlib.import_module(name).extract for name in EXTRACTORS.get(kind, ())]


__all__ = ["EXTRACTORS", "LINE_BREAKS", "ExtractionError", "Extractor", "Source", "extractors_for"]
