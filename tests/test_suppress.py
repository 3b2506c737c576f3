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


# --- directive syntax variants (issue 14): each line holds a bf16 finding (WAC101) and one directive -------------

import pytest  # noqa: E402

from .conftest import scan_snippet  # noqa: E402

BF16_LINE = "x = torch.bfloat16  "


@pytest.mark.parametrize(
    "directive, suppressed, unused",
    [
        ("# wac-lint: disable=WAC101", True, None),
        ("# wac-lint: disable = WAC101", True, None),
        ("# wac-lint:disable=WAC101", True, None),
        ("#wac-lint: disable=wac101", True, None),
        ("# wac-lint: disable=bf16-precision", True, None),
        ("# wac-lint: disable=BF16-Precision", True, None),
        ("# wac-lint: disable=WAC3, WAC101", False, None),  # WAC3 unused too, but not judged: WAC101 only
        ("# wac-lint: disable=WAC3 WAC101", False, None),
        ("# wac-lint: disable=WAC1", True, None),
        ("# wac-lint: disable=all", True, None),
        ("# wac-lint: disable=WAC102", False, "WAC102"),
        ("# wac-lint: disable=no-such-rule", False, "NO-SUCH-RULE"),
        ("# wac-lint: disable", False, "nothing"),
        ("# wac-lint: disable=", False, "nothing"),
        ("# wac-lint: disabled=WAC101", False, ""),  # not a directive at all
        ("# wac-lint: disable-next-line", False, "nothing"),
    ],
)
def test_directive_variants(directive, suppressed, unused):
    code = f"import torch\n{BF16_LINE}{directive}\n"
    findings = scan_snippet(code).findings
    bf16 = [f for f in findings if f.rule == "WAC101"]
    wac001 = [f for f in findings if f.rule == "WAC001"]
    if directive.endswith(("WAC3, WAC101", "WAC3 WAC101")):
        assert bf16[0].suppressed and [f.value for f in wac001] == ["WAC3"]
        return
    assert bf16[0].suppressed is suppressed
    if unused is None or unused == "":
        assert wac001 == []
    elif unused == "nothing":
        assert [f.value for f in wac001] == [None] and "names no rule" in wac001[0].message
    else:
        assert [f.value for f in wac001] == [unused]
    assert all(f.rule in ("WAC101", "WAC001") for f in findings)
