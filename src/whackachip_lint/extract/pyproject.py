"""pyproject.toml: dependency pins (PEP 621, dependency groups, build requirements, Poetry) and
PyTorch index URLs (uv/Poetry sources).

Parsed with the standard library's `tomllib`, which gives no positions: each requirement string
is then found in the text, in order, as a quoted literal. Optional extras and dependency groups
are conditional: they are installed only when asked for.
"""

from __future__ import annotations

import re
from typing import Any, Iterator

from ..evidence import RawFinding, State
from . import ExtractionError, Source
from .pins import PinFact, index_url_facts, requirement_facts
from .textspan import LineIndex, pin_findings

import tomllib


def _requirements(data: dict[str, Any]) -> Iterator[tuple[str, State, str]]:
    """(requirement string, state, context) for every dependency list the file declares."""
    project = data.get("project", {}) if isinstance(data.get("project"), dict) else {}
    for text in _strings(project.get("dependencies")):
        yield text, State.ENABLED, ""
    extras = project.get("optional-dependencies", {})
    if isinstance(extras, dict):
        for extra, items in extras.items():
            for text in _strings(items):
                yield text, State.CONDITIONAL, f"optional extra [{extra}]"
    groups = data.get("dependency-groups", {})
    if isinstance(groups, dict):
        for group, items in groups.items():
            for text in _strings(items):
                yield text, State.CONDITIONAL, f"dependency group {group}"
    build = data.get("build-system", {})
    if isinstance(build, dict):
        for text in _strings(build.get("requires")):
            yield text, State.ENABLED, "build requirement"


def _strings(items: Any) -> list[str]:
    return [item for item in items if isinstance(item, str)] if isinstance(items, list) else []


def _all_strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _all_strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _all_strings(item)


def _poetry(data: dict[str, Any]) -> Iterator[tuple[str, str, State, str]]:
    """(name, requirement, state, context) for Poetry's `[tool.poetry.dependencies]` tables."""
    poetry = data.get("tool", {}).get("poetry", {}) if isinstance(data.get("tool"), dict) else {}
    if not isinstance(poetry, dict):
        return
    tables = [(poetry.get("dependencies"), State.ENABLED, "")]
    for group, body in (poetry.get("group") or {}).items():
        if isinstance(body, dict):
            tables.append((body.get("dependencies"), State.CONDITIONAL, f"poetry group {group}"))
    for table, state, context in tables:
        if not isinstance(table, dict):
            continue
        for name, spec in table.items():
            version = spec if isinstance(spec, str) else spec.get("version") if isinstance(spec, dict) else None
            optional = isinstance(spec, dict) and spec.get("optional") is True
            requirement = f"{name}=={version}" if isinstance(version, str) and version[:1].isdigit() else name
            yield name, requirement, State.CONDITIONAL if optional else state, context


def extract(source: Source) -> list[RawFinding]:
    try:
        data = tomllib.loads(source.text)
    except tomllib.TOMLDecodeError as exc:
        raise ExtractionError(f"not valid TOML: {exc}") from None
    index = LineIndex(source.text)
    text = source.text
    cursor: dict[str, int] = {}
    found: list[RawFinding] = []

    def place(literal: str) -> tuple[int, int] | None:
        pattern = re.compile(r"""(["'])""" + re.escape(literal) + r"\1")
        match = pattern.search(text, cursor.get(literal, 0))
        if match is None:
            return None
        cursor[literal] = match.end()
        return match.start() + 1, match.end() - 1

    for requirement, state, context in _requirements(data):
        facts = requirement_facts(requirement)
        where = place(requirement) if facts else None
        if facts and where:
            found.extend(pin_findings(facts, index.span(*where), state, context))
    for name, requirement, state, context in _poetry(data):
        facts = requirement_facts(requirement)
        if not facts:
            continue
        match = re.search(r"(?m)^\s*(" + re.escape(name) + r")\s*=", text)
        if match:
            found.extend(pin_findings(facts, index.span(match.start(1), match.end(1)), state, context))
    for value in set(_all_strings(data.get("tool", {}))):
        facts: list[PinFact] = index_url_facts(value)
        if not facts:
            continue
        for match in re.finditer(re.escape(value), text):
            found.extend(pin_findings(facts, index.span(match.start(), match.end()), State.ENABLED))
    return found
