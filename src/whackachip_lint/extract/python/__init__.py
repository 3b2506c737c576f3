"""The Python extractor: one libcst parse and one visit per file for every rule.

Files that contain none of the words any rule looks for are skipped without
parsing (libcst is the slow part of a scan). Positions come from libcst's
PositionProvider on a wrapper that does not copy the tree; names are resolved
through our own import-alias table rather than QualifiedNameProvider, which
costs several times the parse.
"""

from __future__ import annotations

import re

import libcst as cst
from libcst.metadata import MetadataWrapper, PositionProvider

from ...evidence import RawFinding
from .. import ExtractionError, Source
from .tables import PREFILTER
from .visitor import PythonEvidenceVisitor

_PY2_HINTS = (
    re.compile(r"^\s*print\s+[^\s(=]"),
    re.compile(r"^\s*exec\s+[\"'\w]"),
    re.compile(r"^\s*except\s+[\w.]+\s*,\s*\w+\s*:"),
    re.compile(r"^\s*raise\s+[\w.]+\s*,"),
)


def extract(source: Source) -> list[RawFinding]:
    if not PREFILTER.search(source.data):
        return []
    module = parse(source.text)
    wrapper = MetadataWrapper(module, unsafe_skip_copy=True)
    positions = wrapper.resolve(PositionProvider)
    visitor = PythonEvidenceVisitor(module, positions)
    module.visit(visitor)
    return visitor.findings


def parse(text: str) -> cst.Module:
    """Parse or raise ExtractionError naming the line (and Python 2 syntax when that is the cause)."""
    try:
        return cst.parse_module(text)
    except cst.ParserSyntaxError as exc:
        line = exc.raw_line
        reason = _first_line(exc.message)
        lines = text.splitlines()
        offending = lines[line - 1] if 1 <= line <= len(lines) else ""
        if any(hint.match(offending) for hint in _PY2_HINTS):
            reason = "this looks like Python 2 code, which is not supported"
        raise ExtractionError(f"Python syntax error at line {line}: {reason}") from None
    except (ValueError, TypeError) as exc:  # odd encodings or nulls the parser rejects outright
        raise ExtractionError(f"Python syntax error: {exc}") from None


def _first_line(message: str) -> str:
    text = message.strip().splitlines()[0] if message.strip() else "invalid syntax"
    text = re.sub(r"^parser error: error at \d+:\d+: ", "", text)
    return text if len(text) <= 120 else text[:119] + "\u2026"


__all__ = ["extract", "parse"]
