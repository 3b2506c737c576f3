"""A stand-in Python extractor for the performance tests (cache, pool, pre-filter).

The real extractors are written elsewhere; these tests need findings and
diagnostics whose lines they know. The fake reports WAC101 (enabled) for each
`torch.bfloat16` and WAC102 (mentioned) for each "fp16" in a comment, and
fails like a real parser on a file Python cannot compile.
"""

from __future__ import annotations

import re

import pytest

from whackachip_lint import extract as extract_package
from whackachip_lint.evidence import RawFinding, Span, State
from whackachip_lint.extract import ExtractionError

MODULE = "tests.perf_fakes"
_BF16 = re.compile(r"torch\.bfloat16")
_FP16 = re.compile(r"fp16")


def extract(source) -> list[RawFinding]:
    try:
        compile(source.text, source.relpath, "exec", 0x400, dont_inherit=True)
    except SyntaxError as exc:
        raise ExtractionError(f"syntax error on line {exc.lineno}") from None
    raws = []
    for number, text in enumerate(source.lines, start=1):
        code, _, comment = text.partition("#")
        for match in _BF16.finditer(code):
            span = Span(number, match.start() + 1, number, match.end() + 1)
            raws.append(RawFinding("WAC101", "bfloat16", State.ENABLED, span, properties={"via": "fake"}))
        offset = len(code) + 1
        for match in _FP16.finditer(comment):
            span = Span(number, offset + match.start() + 1, number, offset + match.end() + 1)
            raws.append(RawFinding("WAC102", "fp16", State.MENTIONED, span))
    return raws


@pytest.fixture
def fake_python(monkeypatch):
    """Scan Python files with the extractor above instead of the real one."""
    monkeypatch.setitem(extract_package.EXTRACTORS, "python", (MODULE,))


def write_tree(root, count: int, *, start: int = 0) -> list:
    """`count` Python files under `root`: every third with bf16, every fifth with an fp16 comment."""
    paths = []
    for i in range(start, start + count):
        lines = ["import torch", f"VALUE_{i} = {i}"]
        if i % 3 == 0:
            lines.append("x = torch.zeros(2, dtype=torch.bfloat16)")
        if i % 5 == 0:
            lines.append("# fp16 was slower here")
        path = root / f"pkg{i % 4}" / f"mod_{i:03d}.py"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        paths.append(path)
    return paths
