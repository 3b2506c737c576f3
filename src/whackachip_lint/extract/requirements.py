"""requirements*.txt: pins, PyTorch index URLs and wheel URLs, as pip reads them.

Each line is one requirement or one option (`--index-url`, `-f`); a commented-out
requirement is reported as mentioned. Requirement syntax is PEP 508 via `packaging`.
"""

from __future__ import annotations

import re

from ..evidence import RawFinding, State
from . import Source
from .pins import PIP_INDEX_OPTION, egg_name, index_url_facts, requirement_facts
from .textspan import comment_start, joined_span, locate, logical_lines, pin_findings

_INDEX_OPTION = re.compile(rf"^\s*(?:{PIP_INDEX_OPTION})(?:\s*=\s*|\s+)(\S+)")
_OTHER_OPTION = re.compile(r"^\s*-")
_EDITABLE = re.compile(r"^\s*(?:-e|--editable)(?:\s*=\s*|\s+)(?=\S)")
# Per-requirement options pip accepts after the requirement. Only from the start of a run of spaces: from every
# position of a long run, `\s+--` re-read the rest of the run (quadratic on `\`-continued blank lines).
# pip also reads index options after a requirement (`jax[tpu] -f https://.../libtpu_releases.html`, JAX's own install
# line): the requirement still counts, and so does the index.
_TRAILING_OPTIONS = re.compile(
    rf"(?<!\s)\s+(?:--(?:hash|config-settings|global-option|install-option)\b|(?:{PIP_INDEX_OPTION})(?=[\s=]|$)).*$",
    re.S)
_TRAILING_INDEX = re.compile(rf"(?<!\S)(?:{PIP_INDEX_OPTION})(?:\s*=\s*|\s+)(\S+)")


def line_findings(text: str, line: int, state: State) -> list[RawFinding]:
    """Findings of one requirements line (without its comment), reported with `state`."""
    option = _INDEX_OPTION.match(text)
    if option:
        url = option.group(1)
        start, end = locate(text, url)
        return pin_findings(index_url_facts(url), joined_span(line, text, start, end), state)
    editable = _EDITABLE.match(text)
    egg = egg_name(text[editable.end() if editable else 0 :])
    if egg:  # (-e) git+https://...#egg=flash_attn: the egg names the package
        start = text.index("egg=" + egg) + len("egg=")
        return pin_findings(requirement_facts(egg) or [], joined_span(line, text, start, start + len(egg)), state)
    if _OTHER_OPTION.match(text) or not text.strip():
        return []
    requirement = _TRAILING_OPTIONS.sub("", text).strip()
    start, end = locate(text, requirement) if requirement else (0, 0)
    found: list[RawFinding] = []
    for index in _TRAILING_INDEX.finditer(text, end):
        url_start, url_end = index.span(1)
        found += pin_findings(index_url_facts(index.group(1)), joined_span(line, text, url_start, url_end), state)
    facts = requirement_facts(requirement)
    if not facts:
        return found
    return pin_findings(facts, joined_span(line, text, start, end), state) + found


def extract(source: Source) -> list[RawFinding]:
    found: list[RawFinding] = []
    for first, last, text in logical_lines(source.lines):
        cut = comment_start(text)
        code = text if cut < 0 else text[:cut]
        found.extend(line_findings(code, first, State.ENABLED))
        if cut >= 0 and first == last:
            comment = text[cut + 1 :]
            offset = cut + 1
            mentioned = line_findings(comment, first, State.MENTIONED)
            found.extend(_shift(mentioned, offset))
    return found


def _shift(findings: list[RawFinding], offset: int) -> list[RawFinding]:
    from dataclasses import replace

    return [
        replace(f, span=replace(f.span, column=f.span.column + offset, end_column=f.span.end_column + offset))
        for f in findings
    ]
