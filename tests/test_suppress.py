"""Inline directives: same line, own line (next line), file level, prefixes, unused tracking."""

from __future__ import annotations

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
