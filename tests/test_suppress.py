"""Inline directives: same line, own line (next line), file level, prefixes, unused tracking."""

from __future__ import annotations

import pytest

from whackachip_lint.evidence import Finding, Level, Span, State
from whackachip_lint.suppress import apply, parse_directives


def _finding(rule: str, line: int) -> Finding:
    return Finding(rule, "n", "s", None, State.ENABLED, Level.NOTE, "f.py", Span(line, 1, line, 2), "", "m")


def test_same_line_next_line_and_prefix():
    lines = [
        "x = 1  # wac-lint: disable=WAC101",
        "# wac-lint: disable=WAC3",
        "",
        "y = 2",
        "z = 3",
    ]
    directives = parse_directives(lines)
    out = apply([_finding("WAC101", 1), _finding("WAC102", 1), _finding("WAC301", 4), _finding("WAC301", 5)], directives)
    assert [f.suppressed for f in out] == [True, False, True, False]
    assert all(d.used for d in directives)


def test_file_level_only_in_header():
    lines = ["#!/bin/bash", "# wac-lint: disable-file=all", "export A=1", "# wac-lint: disable-file=WAC2"]
    directives = parse_directives(lines)
    out = apply([_finding("WAC301", 3), _finding("WAC999", 9)], directives)
    assert all(f.suppressed for f in out)
    misplaced = [d for d in directives if d.kind == "misplaced-file"]
    assert len(misplaced) == 1 and not misplaced[0].used


def test_unused_directive_is_recorded():
    directives = parse_directives(["a = 1  # wac-lint: disable=WAC501"])
    apply([_finding("WAC101", 1)], directives)
    assert not directives[0].used


def test_file_level_after_module_docstring():
    # A module docstring (one line or several) opens many Python files; it counts as header like a licence comment.
    for lines in (['"""Train the model."""', "# wac-lint: disable-file=WAC1", "x = torch.bfloat16"],
                  ['r"""Train', "the model.", '"""', "# wac-lint: disable-file=WAC1", "x = torch.bfloat16"]):
        directives = parse_directives(lines)
        assert [d.kind for d in directives] == ["disable-file"]
        assert apply([_finding("WAC101", len(lines))], directives)[0].suppressed


def test_file_level_after_code_string_is_misplaced():
    # Only a string that is the file's first statement is a docstring; one after code is not header.
    lines = ["import torch", '"""Not a docstring."""', "# wac-lint: disable-file=WAC1"]
    assert [d.kind for d in parse_directives(lines)] == ["misplaced-file"]
    lines = ['"""Doc""" + x', "# wac-lint: disable-file=WAC1"]
    assert [d.kind for d in parse_directives(lines)] == ["misplaced-file"]


# --- syntax variants, one row each: (lines, finding's first and last line, suppressed?) -----------------------------

def _spanning(rule: str, line: int, end_line: int) -> Finding:
    return Finding(rule, "n", "s", None, State.ENABLED, Level.NOTE, "f.py", Span(line, 1, end_line, 2), "", "m")


SYNTAX = [
    ("plain", ["x = 1  # wac-lint: disable=WAC101"], 1, 1, True),
    ("spaces around =", ["x = 1  # wac-lint: disable = WAC101"], 1, 1, True),
    ("no spaces at all", ["x = 1  #wac-lint:disable=WAC101"], 1, 1, True),
    ("tabs", ["x = 1\t#\twac-lint:\tdisable\t=\tWAC101"], 1, 1, True),
    ("lower-case code", ["x = 1  # wac-lint: disable=wac101"], 1, 1, True),
    ("code after a space in a list", ["x = 1  # wac-lint: disable=WAC301, WAC101"], 1, 1, True),
    ("family prefix", ["x = 1  # wac-lint: disable=WAC1"], 1, 1, True),
    ("all", ["x = 1  # wac-lint: disable=all"], 1, 1, True),
    ("another rule", ["x = 1  # wac-lint: disable=WAC102"], 1, 1, False),
    ("a shorter prefix", ["x = 1  # wac-lint: disable=WAC10"], 1, 1, True),
    ("a longer code is not a prefix", ["x = 1  # wac-lint: disable=WAC1011"], 1, 1, False),
    ("not a directive", ["x = 1  # wac-lint disable=WAC101"], 1, 1, False),
    ("own line: the next line", ["# wac-lint: disable=WAC101", "x = 1"], 2, 2, True),
    ("own line: only the next line", ["# wac-lint: disable=WAC101", "x = 1", "y = 2"], 3, 3, False),
    ("own line: not its own line", ["# wac-lint: disable=WAC101", "x = 1"], 1, 1, False),
    ("own line: over comments and blank lines", ["# wac-lint: disable=WAC101", "# why", "", "x = 1"], 4, 4, True),
    ("own line: never a following comment", ["# wac-lint: disable=WAC101", "# bf16 note", "x = 1"], 2, 2, False),
    ("disable-next-line after code", ["y = 0  # wac-lint: disable-next-line=WAC101", "x = 1"], 2, 2, True),
    ("disable-next-line: not its own line", ["y = 0  # wac-lint: disable-next-line=WAC101", "x = 1"], 1, 1, False),
    ("same line: not the next", ["y = 0  # wac-lint: disable=WAC101", "x = 1"], 2, 2, False),
    ("multi-line finding, directive on its first line", ["x = f(  # wac-lint: disable=WAC101", "  1,", ")"], 1, 3, True),
    ("multi-line finding, directive on a middle line", ["x = f(", "  1,  # wac-lint: disable=WAC101", ")"], 1, 3, True),
    ("multi-line finding, directive on its last line", ["x = f(", "  1,", ")  # wac-lint: disable=WAC101"], 1, 3, True),
    ("directive after a multi-line finding", ["x = f(", ")", "y = 1  # wac-lint: disable=WAC101"], 1, 2, False),
    ("own line before a multi-line finding", ["# wac-lint: disable=WAC101", "x = f(", ")"], 2, 3, True),
]


@pytest.mark.parametrize(("lines", "line", "end_line", "suppressed"), [row[1:] for row in SYNTAX],
                         ids=[row[0] for row in SYNTAX])
def test_directive_syntax_variants(lines, line, end_line, suppressed):
    directives = parse_directives(lines)
    (out,) = apply([_spanning("WAC101", line, end_line)], directives)
    assert out.suppressed is suppressed
    assert any(d.used for d in directives) is suppressed  # and the directive knows it was used (WAC001)
