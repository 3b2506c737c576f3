"""`--add-noqa`: write a `# wac-lint: disable=CODE` comment at the end of each line holding a finding at or above
the fail level, as Ruff's `--add-noqa` does, so a policy can be switched on today and hold from then on.

Only where a trailing comment is a comment and changes nothing else: Python, shell and requirements files, and
never on a line that continues (`\\`), inside a string that spans lines, or (shell) at or after a heredoc.
Those lines are listed instead, for a hand-written directive. A line that already has a `disable=` directive
gets the code added to it. Files are rewritten whole by safe_write (a temporary file, then a rename), never
through a symlink.
"""

from __future__ import annotations

import io
import os
import re
import tokenize
from collections import defaultdict
from pathlib import Path

from .discover import classify
from .evidence import Finding
from .safe_write import write_text
from .suppress import DIRECTIVE

COMMENT_KINDS = frozenset({"python", "shell", "requirements"})
_HEREDOC = re.compile(r"<<(?!<)")


def _python_unsafe_lines(text: str) -> set[int]:
    """Lines whose end is inside a string that spans lines (a comment there would change the string)."""
    unsafe: set[int] = set()
    try:
        for token in tokenize.generate_tokens(io.StringIO(text).readline):
            if token.type == tokenize.STRING or getattr(tokenize, "FSTRING_MIDDLE", None) == token.type:
                unsafe.update(range(token.start[0], token.end[0]))
    except (tokenize.TokenError, SyntaxError, IndentationError):
        return set(range(1, text.count("\n") + 2))  # cannot tell: touch nothing
    return unsafe


def _shell_open_quote_lines(lines: list[str]) -> set[int]:
    """Lines that end inside a quoted string (a comment there would be part of the string)."""
    unsafe: set[int] = set()
    quote = None
    for number, line in enumerate(lines, start=1):
        escaped = False
        for index, char in enumerate(line):
            if escaped:
                escaped = False
            elif quote is None and char == "#" and (index == 0 or line[index - 1].isspace()):
                break  # the rest of the line is a comment
            elif char == "\\" and quote != "'":
                escaped = True
            elif quote is None and char in "'\"":
                quote = char
            elif char == quote:
                quote = None
        if quote is not None:
            unsafe.add(number)
    return unsafe


def _unsafe_lines(kind: str, lines: list[str]) -> set[int]:
    unsafe = {n for n, line in enumerate(lines, start=1) if line.rstrip("\r\n").endswith("\\")}
    if kind == "python":
        unsafe |= _python_unsafe_lines("".join(lines))
    elif kind == "shell":
        first = next((n for n, line in enumerate(lines, start=1) if _HEREDOC.search(line)), None)
        if first is not None:
            unsafe |= set(range(first, len(lines) + 1))
        unsafe |= _shell_open_quote_lines(lines)
    return unsafe


def _with_codes(line: str, codes: list[str]) -> str:
    body = line.rstrip("\r\n")
    ending = line[len(body):]
    match = DIRECTIVE.search(body)
    if match and match.group(1) == "disable" and match.group(2) and match.group(2).strip():
        present = {c.strip().upper() for c in re.split(r"[,\s]+", match.group(2)) if c.strip()}
        new = [c for c in codes if c not in present]
        if not new:
            return line
        end = match.end(2) - (len(match.group(2)) - len(match.group(2).rstrip()))
        return body[:end] + "," + ",".join(new) + body[end:] + ending
    return f"{body}  # wac-lint: disable={','.join(codes)}{ending}"


def add_noqa(findings: list[tuple[Path, Finding]]) -> tuple[int, list[str]]:
    """Directives added (one per line) and the `path:line: CODE` of findings left for a hand-written one."""
    by_file: dict[Path, dict[int, list[str]]] = defaultdict(lambda: defaultdict(list))
    added, left = 0, []
    for path, finding in findings:
        if "\\" in finding.path:  # an escaped name (discover.printable_path): read as a name, it is another file
            left.append(f"{path.as_posix()}:{finding.line}: {finding.rule}")
            continue
        codes = by_file[path][finding.line]
        if finding.rule not in codes:
            codes.append(finding.rule)
    for path, by_line in sorted(by_file.items()):
        kind = classify(path)
        try:
            if os.path.islink(path):
                raise OSError("a symbolic link")
            lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
        except (OSError, UnicodeDecodeError):
            kind = None
            lines = []
        unsafe = _unsafe_lines(kind, lines) if kind in COMMENT_KINDS else set(by_line)
        changed = False
        for number, codes in sorted(by_line.items()):
            if number in unsafe or not 1 <= number <= len(lines):
                left.extend(f"{path.as_posix()}:{number}: {code}" for code in codes)
                continue
            new = _with_codes(lines[number - 1], codes)
            if new != lines[number - 1]:
                lines[number - 1] = new
                added += 1
                changed = True
        if changed:
            write_text(path, "".join(lines))  # a temporary file and a rename; never through a link
    return added, left
