"""A guard that runs before the Python extractor: refuse source nested too deeply to parse safely.

libcst's native parser recurses once per nesting level and overflows the C stack at a
few thousand levels. That is a segmentation fault, which no `except` can catch: one
hostile file would end the whole scan. Measured with libcst 1.8 on an 8 MiB stack:
about 1,200 nested parentheses, or 20,000 chained unary minus signs, attribute
accesses or calls, crash the process.

CPython's own parser stops such input cleanly ("too many nested parentheses", or a
RecursionError/MemoryError while building the tree) long before libcst's limit, and
CPython could not run the file either, so its verdict makes an honest diagnostic.
Every other syntax error is left to the extractor: the interpreter running wac-lint
may be older than the syntax of the file it reads.
"""

from __future__ import annotations

import ast
import warnings

from . import ExtractionError, Source

# Shorter text cannot nest deeply enough to hurt libcst (the smallest crash measured
# needs about 2,400 characters), so it skips the extra parse.
GUARD_MIN_CHARS = 2000

_TOO_DEEP_SYNTAX = ("too many nested parentheses", "too complex", "too many statically nested blocks")


def extract(source: Source) -> list:
    text = source.text
    if len(text) < GUARD_MIN_CHARS:
        return []
    check_nesting(text)
    return []


def check_nesting(text: str) -> None:
    """Raise ExtractionError if CPython itself finds `text` nested too deeply to parse."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # invalid escapes etc. are not our business
            ast.parse(text)
    except (RecursionError, MemoryError):
        raise ExtractionError("Python source nested too deeply to parse safely (CPython's parser gives up too)") from None
    except SyntaxError as exc:
        message = str(exc.msg or "")
        if any(phrase in message for phrase in _TOO_DEEP_SYNTAX):
            raise ExtractionError(f"Python source nested too deeply to parse safely (line {exc.lineno}: {message})") from None
    except ValueError:
        pass  # e.g. NUL bytes: Source.text has already refused those


__all__ = ["GUARD_MIN_CHARS", "check_nesting", "extract"]
