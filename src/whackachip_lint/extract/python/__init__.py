"""The Python extractor: one libcst parse and one visit per file for every rule.

Every file handed to it is parsed, so a broken file always gets its
diagnostic; skipping files without trigger words is the scanner's pre-filter's
job (one table for all kinds). The tree is walked by a lean
walker (walk.py); positions are computed only inside the statements
that hold evidence (positions.py); names are resolved through our own
import-alias table rather than QualifiedNameProvider, which costs several
times the parse.
"""

from __future__ import annotations

import ast
import re
import warnings

import libcst as cst

from ...evidence import RawFinding
from .. import ExtractionError, Source
from .positions import positions_for
from .visitor import PythonEvidenceVisitor

_PY2_HINTS = (
    re.compile(r"^\s*print\s+[^\s(=]"),
    re.compile(r"^\s*exec\s+[\"'\w]"),
    re.compile(r"^\s*except\s+[\w.]+\s*,\s*\w+\s*:"),
    re.compile(r"^\s*raise\s+[\w.]+\s*,"),
)


def extract(source: Source) -> list[RawFinding]:
    module = parse(source.text)
    visitor = PythonEvidenceVisitor(module)
    visitor.walk(module)
    if not visitor.has_findings:
        return []
    return visitor.findings(positions_for(module, visitor.wanted.values()))


def parse(text: str) -> cst.Module:
    """Parse or raise ExtractionError naming the line (and Python 2 syntax when that is the cause)."""
    try:
        return cst.parse_module(text)
    except cst.ParserSyntaxError as exc:
        line, reason = exc.raw_line, _first_line(exc.message)
    except cst.CSTValidationError as exc:  # parsed, but libcst refuses to build the node (`return* x`)
        line, reason = 0, _first_line(str(exc))
    except (ValueError, TypeError) as exc:  # odd encodings or nulls the parser rejects outright
        raise ExtractionError(f"Python syntax error: {exc}") from None
    # libcst reports where it gave up, often the line after the mistake; Python's own
    # parser (parse only, nothing runs) usually names the line the author must fix.
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # SyntaxWarnings about the user's code are not ours to print
            ast.parse(text)
    except SyntaxError as exc:
        if exc.lineno:
            line, reason = exc.lineno, exc.msg or reason
    except (ValueError, RecursionError, MemoryError):
        pass
    else:  # this Python reads it: a construct libcst's grammar lacks, say so rather than blame the file
        reason = f"valid Python that the libcst parser cannot read ({reason.rstrip('.')})"
    lines = text.splitlines()
    offending = lines[line - 1] if 1 <= line <= len(lines) else ""
    if any(hint.match(offending) for hint in _PY2_HINTS):
        reason = "this looks like Python 2 code, which is not supported"
    where = f" at line {line}" if line else ""
    raise ExtractionError(f"Python syntax error{where}: {reason}")


def _first_line(message: str) -> str:
    text = message.strip().splitlines()[0] if message.strip() else "invalid syntax"
    text = re.sub(r"^parser error: error at \d+:\d+: ", "", text)
    return text if len(text) <= 120 else text[:119] + "\u2026"


__all__ = ["extract", "parse"]
