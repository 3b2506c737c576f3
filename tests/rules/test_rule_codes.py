"""Rules are referred to by their declaration (`Code.BF16_PRECISION`), never by a "WACnnn" string outside rules/."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

import whackachip_lint
from whackachip_lint.rules import ALL_RULES, FAMILIES, family_codes, precision, tagged
from whackachip_lint.rules.codes import Code, member_name

PACKAGE = Path(whackachip_lint.__file__).parent
CODE_LITERAL = re.compile(r"WAC\d{1,3}")  # a code ("WAC101") or a family prefix ("WAC1") standing alone
# Where codes are declared: the rule declarations.
ALLOWED = ("rules/",)


def code_literals(source: str) -> list[tuple[int, str]]:
    """(line, text) of every string constant that is a rule code or a family prefix."""
    return [
        (node.lineno, node.value)
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and CODE_LITERAL.fullmatch(node.value.strip())
    ]


def test_no_code_literals_outside_the_rule_declarations():
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(PACKAGE).as_posix()
        if relative.startswith(ALLOWED):
            continue
        found += [f"{relative}:{line}: {text!r}" for line, text in code_literals(path.read_text(encoding="utf-8"))]
    assert found == []


@pytest.mark.parametrize("source, expected", [
    ('RULE = "WAC101"\n', [(1, "WAC101")]),
    ('PREFIXES = ("WAC3", "x")\n', [(1, "WAC3")]),
    ('f(rule="WAC999")\n', [(1, "WAC999")]),
    ('"""Finds WAC101 in prose: documentation, not a reference."""\nX = "WAC-lint"\n', []),
    ("RULE = Code.BF16_PRECISION\n", []),
])
def test_the_scan_for_code_literals_sees_codes_and_prefixes_only(source, expected):
    assert code_literals(source) == expected


def test_code_has_one_member_per_declared_rule_named_after_it():
    declared = [rule for family in FAMILIES for rule in family.RULES]
    assert {member.value: member.name for member in Code} == {rule.code: member_name(rule.name) for rule in declared}
    assert Code.BF16_PRECISION == "WAC101" and ALL_RULES[Code.BF16_PRECISION].name == "bf16-precision"
    assert {Code.BF16_PRECISION: 1}["WAC101"] == 1  # a member is its code string: tables keyed either way agree
    assert str(Code.BF16_PRECISION) == f"{Code.BF16_PRECISION}" == "WAC101"


def test_selection_by_tag_and_by_family_module():
    setup = tagged("training-setup")
    assert Code.COLLECTIVE_BACKEND in setup and Code.INFINIBAND in setup and Code.ZERO_STAGE in setup
    assert Code.VISIBLE_DEVICES not in setup and Code.NCCL_ENVIRONMENT not in setup and Code.BF16_PRECISION not in setup
    assert family_codes(precision) == {rule.code for rule in precision.RULES}
    assert tagged("no-such-tag") == frozenset()


def test_the_cross_check_selects_code_evidence_by_tag():
    """Code evidence is every rule but declarations, images and pins, and the suppression rule: the six families
    of rules that read code, selected by their tags rather than by module or code."""
    from whackachip_lint.crosscheck import CODE_RULES
    from whackachip_lint.rules import collective, kernels, launch, memory, network

    assert CODE_RULES == family_codes(precision, collective, network, launch, memory, kernels)
