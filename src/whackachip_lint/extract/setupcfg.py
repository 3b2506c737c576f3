"""setup.cfg: `install_requires`/`setup_requires` of `[options]` and `[options.extras_require]`.

Read line by line (configparser keeps no positions): a key's value continues on indented lines.
Extras are conditional; a commented-out requirement is mentioned.
"""

from __future__ import annotations

import re

from ..evidence import RawFinding, State
from . import Source
from .pins import requirement_facts
from .textspan import pin_findings, span

_SECTION = re.compile(r"^\s*\[([^\]]+)\]")
_KEY = re.compile(r"^([A-Za-z0-9_.-]+)\s*[=:]\s*(.*)$")
_REQUIRE_KEYS = {"install_requires": "", "setup_requires": "setup requirement", "tests_require": "test requirement"}


def extract(source: Source) -> list[RawFinding]:
    found: list[RawFinding] = []
    section = ""
    active: tuple[State, str] | None = None
    for number, line in enumerate(source.lines, start=1):
        header = _SECTION.match(line)
        if header:
            section, active = header.group(1).strip(), None
            continue
        stripped = line.strip()
        if not stripped:
            continue
        if line[:1].isspace() or active is None and not _KEY.match(line):
            value, offset = stripped, line.index(stripped)
        else:
            key = _KEY.match(line)
            if key is None:
                active = None
                continue
            name = key.group(1).strip()
            if section == "options" and name in _REQUIRE_KEYS:
                active = (State.ENABLED, _REQUIRE_KEYS[name])
            elif section == "options.extras_require":
                active = (State.CONDITIONAL, f"optional extra [{name}]")
            else:
                active = None
            value, offset = key.group(2).strip(), key.start(2)
        if active is None or not value:
            continue
        state, context = active
        if value.startswith(("#", ";")):
            value = value.lstrip("#;").strip()
            offset = line.index(value) if value else offset
            state = State.MENTIONED
        facts = requirement_facts(value)
        if facts:
            found.extend(pin_findings(facts, span(number, offset, offset + len(value)), state, context))
    return found
