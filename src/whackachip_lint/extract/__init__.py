"""Extractors: one per file kind, each parsing a file once and returning raw findings.

An extractor is a module with `extract(source: Source) -> list[RawFinding]`.
It raises `ExtractionError` when the file cannot be parsed at all; the
scanner turns that into a diagnostic and goes on. Modules are imported only
when a file of their kind is scanned, so a small run pays only for what it uses.
"""

from __future__ import annotations

import importlib
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
    "json": ("whackachip_lint.extract.deepspeed",),
}
# Notebooks, and documentation read for declared hardware (extract/notebook.py, extract/docs.py).
EXTRACTORS.update({"notebook": ("whackachip_lint.extract.notebook",)})
EXTRACTORS.update({kind: ("whackachip_lint.extract.docs",) for kind in ("markdown", "rst", "text", "log")})
# Scheduler directives (#SBATCH, #PBS, #BSUB) are comments to the shell and Python parsers: a second, line-based pass.
EXTRACTORS["shell"] += ("whackachip_lint.extract.jobscript",)
EXTRACTORS["python"] += ("whackachip_lint.extract.jobscript",)
# Documentation kinds: read for declared hardware only, and left out entirely by --no-docs.
DOC_KINDS = frozenset({"markdown", "rst", "text", "log"})


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

    @cached_property
    def text(self) -> str:
        """The text, decoded as UTF-8 (a BOM is dropped). Raises ExtractionError on bad bytes."""
        if b"\x00" in self.data:
            raise ExtractionError("binary file (contains NUL bytes)")
        try:
            return self.data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise ExtractionError(f"not valid UTF-8 (byte {exc.start}: {exc.reason})") from None

    @cached_property
    def lines(self) -> list[str]:
        """Lines without their line endings; `lines[0]` is line 1."""
        return self.text.splitlines()

    def line_text(self, line: int) -> str:
        if 1 <= line <= len(self.lines):
            return self.lines[line - 1]
        return ""


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
# setup.py install requirements: a second, cheap pass on Python files (returns [] unless the file is setup.py).
EXTRACTORS["python"] += ("whackachip_lint.extract.setup_py",)


def extractors_for(kind: str) -> list[Extractor]:
    return [importlib.import_module(name).extract for name in EXTRACTORS.get(kind, ())]


__all__ = ["EXTRACTORS", "ExtractionError", "Extractor", "Source", "extractors_for"]
