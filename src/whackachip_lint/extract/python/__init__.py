"""The Python extractor: one CPython `ast` parse per file, and a visit of the statements that can hold evidence.

Every file handed to it is parsed, so a broken file always gets its
diagnostic; skipping files without trigger words is the scanner's pre-filter's
job (one table for all kinds). Inside a file, only the statements whose lines
hold a gate word are visited in full (gate.py); comments are read from those
lines only. Names are resolved through our own import-alias table. Positions
come from the tree (UTF-8 byte columns, converted to character columns).
"""

from __future__ import annotations

import ast
import gc
import re
import warnings
from collections.abc import Iterator
from contextlib import contextmanager

from ...evidence import RawFinding
from ...kinds import PYTHON_LINE_BREAKS
from .. import ExtractionError, Source
from .gate import hot_lines
from .lines import Lines
from .visitor import PythonEvidenceVisitor

_PY2_HINTS = (
    re.compile(r"^\s*print\s+[^\s(=]"),
    re.compile(r"^\s*exec\s+[\"'\w]"),
    re.compile(r"^\s*except\s+[\w.]+\s*,\s*\w+\s*:"),
    re.compile(r"^\s*raise\s+[\w.]+\s*,"),
)
_TOO_DEEP_SYNTAX = ("too many nested parentheses", "too complex", "too many statically nested blocks")
TOO_DEEP = "Python source nested too deeply to parse safely"


def extract(source: Source) -> list[RawFinding]:
    with _collector_paused():
        # The tree lives and dies inside `_evidence`: freed before collection resumes, so that no collection ever
        # traverses it.
        return _evidence(source)


def _evidence(source: Source) -> list[RawFinding]:
    text = source.text
    module = parse(text)
    visitor = PythonEvidenceVisitor(module, Lines(text, lambda: source.lines), hot_lines(text))
    try:
        visitor.walk(module)
        visitor.comments()
        return visitor.findings()
    except RecursionError:  # a chain of thousands of `not`s or calls: no real code nests so
        raise ExtractionError(TOO_DEEP) from None
    finally:
        # The visitor's state is cyclic (its hooks are bound methods) and holds the whole tree: dropping it
        # frees the tree by reference counts when this function returns, instead of in a later garbage
        # collection that would first have to traverse every node.
        vars(visitor).clear()


@contextmanager
def _collector_paused() -> Iterator[None]:
    """No cyclic garbage collection while a file's tree is built and walked.

    Building a tree allocates hundreds of thousands of nodes, and each allocation burst starts a collection
    that traverses every node built so far, all of it alive: measured on the transformers package, collections
    took more CPU than the parse itself. The tree holds no cycles and is freed by reference counts; what the
    walk leaves behind is collected when collection resumes."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def parse(text: str) -> ast.Module:
    """Parse (nothing runs) or raise ExtractionError naming the line (and Python 2 syntax when that is the cause)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # SyntaxWarnings about the user's code are not ours to print
            return ast.parse(text)
    except (RecursionError, MemoryError):
        raise ExtractionError(f"{TOO_DEEP} (CPython's parser gives up)") from None
    except SyntaxError as exc:
        line, reason = exc.lineno or 0, _first_line(exc.msg or "invalid syntax")
        if any(phrase in reason for phrase in _TOO_DEEP_SYNTAX):
            raise ExtractionError(f"{TOO_DEEP} (line {line}: {reason})") from None
    except ValueError as exc:  # e.g. NUL bytes (Source.text refuses those already)
        raise ExtractionError(f"Python syntax error: {exc}") from None
    lines = re.split(PYTHON_LINE_BREAKS, text)
    offending = lines[line - 1] if 1 <= line <= len(lines) else ""
    if any(hint.match(offending) for hint in _PY2_HINTS):
        reason = "this looks like Python 2 code, which is not supported"
    where = f" at line {line}" if line else ""
    raise ExtractionError(f"Python syntax error{where}: {reason}")


def _first_line(message: str) -> str:
    text = message.strip().splitlines()[0] if message.strip() else "invalid syntax"
    return text if len(text) <= 120 else text[:119] + "\u2026"


__all__ = ["extract", "parse"]
