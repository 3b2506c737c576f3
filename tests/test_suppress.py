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


# --- where each directive is recorded (its line and column are where WAC001 points) ---------------------------------

def _recorded(lines):
    return [(d.line, d.column, d.kind, d.codes, d.targets) for d in parse_directives(lines)]


def test_directives_record_line_column_kind_codes_and_targets():
    lines = [
        "#!/bin/bash",
        "  # wac-lint: disable-file=WAC3",
        "x = 1  # wac-lint: disable=WAC101, wac102",
        "    # wac-lint: disable=WAC2",
        "y = 2",
        "z = 3  # wac-lint: disable-next-line=WAC5",
        "w = 4",
        "# wac-lint: disable-file=WAC4",
        "# wac-lint: disable=WAC6",
    ]
    assert _recorded(lines) == [
        (2, 3, "disable-file", ("WAC3",), ()),
        (3, 8, "disable", ("WAC101", "WAC102"), (3,)),
        (4, 5, "disable", ("WAC2",), (5,)),
        (6, 8, "disable-next-line", ("WAC5",), (7,)),
        (8, 1, "misplaced-file", ("WAC4",), ()),
        (9, 1, "disable", ("WAC6",), (10,)),  # the last line: covers the (missing) next line, nothing else
    ]


def test_a_misplaced_file_directive_suppresses_nothing():
    directives = parse_directives(["x = 1", "# wac-lint: disable-file=WAC1", "y = torch.bfloat16"])
    assert [f.suppressed for f in apply([_finding("WAC101", 3), _finding("WAC101", 2)], directives)] == [False, False]


DOCSTRINGS = [
    (['"""Doc."""', "x = 1"], 1),
    (["# licence", "", '"""Doc."""', "x = 1"], 3),
    (['"""Doc', "more", '"""', "x = 1"], 3),
    (["#!/usr/bin/env python", '"""Doc', 'more"""   ', "x = 1"], 3),
    (['"""Doc', 'more""" + x'], 0),  # an expression, not a docstring
    (['"""Doc', "never closed"], 0),
    (['"""Doc"""  + x'], 0),
    (["x = 1", '"""Not a docstring."""'], 0),
    (["# only comments", ""], 0),
    ([], 0),
]


@pytest.mark.parametrize(("lines", "end"), DOCSTRINGS, ids=[str(i) for i in range(len(DOCSTRINGS))])
def test_leading_docstring_end(lines, end):
    from whackachip_lint.suppress import _leading_docstring_end

    assert _leading_docstring_end(lines) == end


# --- WAC001: what an unused directive reports ------------------------------------------------------------------------

KNOWN = frozenset({"WAC001", "WAC101", "WAC102", "WAC301"})


def _unused(lines, used_findings=(), selected=KNOWN):
    from whackachip_lint.suppress import unused_findings

    directives = parse_directives(lines)
    apply(list(used_findings), directives)
    return [(r.value, r.span.line, r.span.column, r.span.end_column, r.detail)
            for r in unused_findings(directives, lines, selected, KNOWN)]


def test_unused_codes_are_listed_with_the_directive_as_span():
    line = "x = 1  # wac-lint: disable=WAC101, WAC102"
    assert _unused([line]) == [("WAC101,WAC102", 1, 8, len(line) + 1,
                                "nothing it covers has a finding of WAC101, WAC102")]


def test_unused_all_is_reported_as_unused_not_unknown():
    assert _unused(["x = 1  # wac-lint: disable=all"])[0][4] == "nothing it covers has a finding of ALL"


def test_unknown_codes_are_named():
    assert _unused(["x = 1  # wac-lint: disable=WAC9Z9, WAC8Z8"])[0][4] == "no rule matches WAC9Z9, WAC8Z8"


def test_a_misplaced_file_directive_reports_every_code():
    line = "# wac-lint: disable-file=WAC101, WAC301"
    assert _unused(["x = 1", line]) == [
        ("WAC101,WAC301", 2, 1, len(line) + 1, "disable-file must come before the first statement to govern the file")]


def test_a_used_directive_reports_nothing_and_later_ones_still_do():
    lines = ["x = 1  # wac-lint: disable=WAC101", "y = 2  # wac-lint: disable=WAC301"]
    assert [row[:2] for row in _unused(lines, [_finding("WAC101", 1)])] == [("WAC301", 2)]


def test_a_removed_code_says_what_replaced_it(monkeypatch):
    from whackachip_lint import rules

    monkeypatch.setattr(rules, "removed_notices",
                        lambda codes: [f"{c} was removed; use WAC101 instead" for c in codes if c.startswith("WAC15")])
    assert _unused(["x = 1  # wac-lint: disable=WAC150, WAC9Z9"])[0][4] == "WAC150 was removed; use WAC101 instead"
    assert _unused(["x = 1  # wac-lint: disable=WAC150, WAC151"])[0][4] == (
        "WAC150 was removed; use WAC101 instead; WAC151 was removed; use WAC101 instead")


def test_a_directive_whose_text_has_changed_spans_its_own_column():
    from whackachip_lint.suppress import Directive, unused_findings

    raws = unused_findings([Directive(3, 5, "disable", ("WAC101",), (3,))], ["a", "b"], KNOWN, KNOWN)
    assert [(r.span.line, r.span.column, r.span.end_column) for r in raws] == [(3, 5, 6)]
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
