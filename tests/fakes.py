"""Test doubles for the integration tests: a tiny extractor, and synthetic findings.

The real extractors are built elsewhere; these let SARIF, config, policy and pre-commit tests run on findings whose
lines we know, without depending on how complete the real extractors are.
"""

from __future__ import annotations

import re

import pytest

from whackachip_lint import extract as extract_package
from whackachip_lint.evidence import Finding, RawFinding, Span, State
from whackachip_lint.rules import ALL_RULES

FAKE_MODULE = "tests.fakes"
_BF16 = re.compile(r"torch\.bfloat16")


def extract_source(source) -> list[RawFinding]:
    """WAC101 enabled wherever `torch.bfloat16` appears before any `#` on a line (good enough for tests)."""
    raws = []
    for number, text in enumerate(source.lines, start=1):
        code = text.split("#", 1)[0]
        for match in _BF16.finditer(code):
            span = Span(number, match.start() + 1, number, match.end() + 1)
            raws.append(RawFinding("WAC101", "bfloat16", State.ENABLED, span, "torch.bfloat16 named in code"))
    return raws


extract = extract_source  # the extractor protocol: a module with `extract(source)`


@pytest.fixture
def fake_python(monkeypatch):
    """Scan Python files with the fake extractor above instead of the real one."""
    monkeypatch.setitem(extract_package.EXTRACTORS, "python", (FAKE_MODULE,))


def finding(rule="WAC101", path="train.py", line=3, column=5, end_column=19, state=State.ENABLED, value="bfloat16",
            level=None, suppressed=False, snippet="x = torch.bfloat16", properties=None) -> Finding:
    spec = ALL_RULES[rule]
    return Finding(
        rule=rule, name=spec.name, signal=spec.signal, value=value, state=state, level=level or spec.level,
        path=path, span=Span(line, column, line, end_column), snippet=snippet,
        message=spec.message(value, state), properties=properties or {}, suppressed=suppressed,
    )
