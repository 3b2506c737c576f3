"""Every rule's own examples, run as tests (the Fixit pattern): positives must fire, negatives must not."""

from __future__ import annotations

import pytest

from whackachip_lint.evidence import State
from whackachip_lint.rules import ALL_RULES

from ..conftest import scan_snippet

POSITIVES = [(rule.code, i, ex) for rule in ALL_RULES.values() for i, ex in enumerate(rule.positives)]
NEGATIVES = [(rule.code, i, ex) for rule in ALL_RULES.values() for i, ex in enumerate(rule.negatives)]


@pytest.mark.parametrize("code", sorted(ALL_RULES))
def test_every_rule_has_examples(code):
    rule = ALL_RULES[code]
    assert rule.positives, f"{code} has no positive example"
    assert rule.negatives, f"{code} has no negative example"


@pytest.mark.parametrize(("code", "index", "example"), POSITIVES, ids=[f"{c}-pos{i}" for c, i, _ in POSITIVES])
def test_positive_example_fires(code, index, example):
    result = scan_snippet(example.code, example.kind, example.filename)
    assert not result.diagnostics, result.diagnostics
    hits = [f for f in result.findings if f.rule == code and f.state is example.state]
    if example.value is not None:
        hits = [f for f in hits if f.value == example.value]
    assert hits, (
        f"{code} positive example {index} gave no {example.state.value} finding"
        f"{'' if example.value is None else f' with value {example.value!r}'}; got "
        f"{[(f.rule, f.value, f.state.value) for f in result.findings]}"
    )


@pytest.mark.parametrize(("code", "index", "example"), NEGATIVES, ids=[f"{c}-neg{i}" for c, i, _ in NEGATIVES])
def test_negative_example_is_not_in_force(code, index, example):
    result = scan_snippet(example.code, example.kind, example.filename)
    assert not result.diagnostics, result.diagnostics
    enabled = [f for f in result.findings if f.rule == code and f.state is State.ENABLED]
    assert not enabled, f"{code} negative example {index} gave enabled findings: {enabled}"
