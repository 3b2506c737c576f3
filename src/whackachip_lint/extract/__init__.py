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
    "python": ("whackachip_lint.extract.python",),
    "shell": ("whackachip_lint.extract.shell",),
    "json": ("whackachip_lint.extract.deepspeed", "whackachip_lint.extract.model_config"),
}
# Notebooks, and documentation read for declared hardware (extract/notebook.py, extract/docs.py).
EXTRACTORS.update({"notebook": ("whackachip_lint.extract.notebook",)})
EXTRACTORS.update({kind: ("whackachip_lint.extract.docs",) for kind in ("markdown", "rst", "text", "log")})
# Scheduler directives (#SBATCH, #PBS, #BSUB) are comments to the shell and Python parsers: a second, line-based pass.
EXTRACTORS["shell"] += ("whackachip_lint.extract.jobscript",)
EXTRACTORS["python"] += ("whackachip_lint.extract.jobscript",)
# Documentation kinds: read for declared hardware only, and left out entirely by --no-docs.
DOC_KINDS = frozenset({"markdown", "rst", "text", "log"})


# What ends a line, per kind, as that kind's own parser counts lines (so a finding's line
# number and its snippet agree): CPython also breaks lines at a lone CR; PyYAML (YAML 1.1)
# at a lone CR, NEL, U+2028 and U+2029; tree-sitter and JSON parsers count LF only. A form
# feed never ends a line (str.splitlines would split there, and at more besides).
LINE_BREAKS: dict[str, "re.Pattern[str]"] = {
    "python": re.compile(r"\r\n|\r|\n"),
    "yaml": re.compile("\r\n|[\r\n\x85\u2028\u2029]"),
}
DEFAULT_LINE_BREAK = re.compile(r"\r?\n")

# Byte-order marks of encodings we do not read (UTF-8's own BOM is accepted and dropped).
# Longest first: the UTF-32-LE mark starts with the UTF-16-LE one.
WIDE_BOMS: tuple[tuple[bytes, str], ...] = (
    (b"\xff\xfe\x00\x00", "UTF-32"),
    (b"\x00\x00\xfe\xff", "UTF-32"),
    (b"\xff\xfe", "UTF-16"),
    (b"\xfe\xff", "UTF-16"),
)


# Characters a kind's parser cannot survive, refused as the text is decoded, before any
# parser (the pre-filter's included) sees them. tree-sitter-bash 0.25.1 reads out of
# bounds, and often segfaults, on `{` followed by a code point in planes 4-16 (measured:
# U+E0001, U+F0000, U+1096A9, U+10FFFF crash a 2-byte-plus script most runs; U+2FFFF and
# emoji never did). Those planes are unassigned, tags or private use: no real script needs them.
UNSAFE_CHARACTERS: dict[str, "re.Pattern[str]"] = {"shell": re.compile("[\U00040000-\U0010FFFF]")}


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
        """Lines without their line endings; `lines[0]` is line 1 (line breaks as LINE_BREAKS says)."""
        breaks = LINE_BREAKS.get(self.kind, DEFAULT_LINE_BREAK)
        if breaks is DEFAULT_LINE_BREAK or ("\r" not in self.text and breaks is LINE_BREAKS["python"]):
            parts = _split_lf(self.text)  # the same lines, several times faster than a regular expression split
        else:
            parts = breaks.split(self.text)
        if parts and parts[-1] == "":
            parts.pop()  # the text ended with a line break (or was empty)
        return parts

    def line_text(self, line: int) -> str:
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

# Other formats A: YAML, Dockerfiles, dependency pins, Makefiles and CMake.
EXTRACTORS.update(
    {
        "yaml": ("whackachip_lint.extract.yaml_config",),
        "dockerfile": ("whackachip_lint.extract.dockerfile",),
        "requirements": ("whackachip_lint.extract.requirements",),
        "pyproject": ("whackachip_lint.extract.pyproject",),
        "setupcfg": ("whackachip_lint.extract.setupcfg",),
        "makefile": ("whackachip_lint.extract.makefile",),
        "cmake": ("whackachip_lint.extract.cmake",),
    }
)
# CUDA sources: a line scan for architecture-specific instructions and types (WAC605).
EXTRACTORS["cuda"] = ("whackachip_lint.extract.cuda",)
# setup.py install requirements: a second, cheap pass on Python files (returns [] unless the file is setup.py).
EXTRACTORS["python"] += ("whackachip_lint.extract.setup_py",)


def _add_plugin_extractors() -> None:
    from .. import plugins

    for _name, extractors in plugins.each("extractors"):
        for kind, modules in extractors.items():
            EXTRACTORS[kind] = tuple(EXTRACTORS.get(kind, ())) + tuple(modules)


_add_plugin_extractors()


def extractors_for(kind: str) -> list[Extractor]:
    return [importlib.import_module(name).extract for name in EXTRACTORS.get(kind, ())]


__all__ = ["EXTRACTORS", "LINE_BREAKS", "ExtractionError", "Extractor", "Source", "extractors_for"]
