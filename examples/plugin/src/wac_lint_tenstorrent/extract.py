"""A line reader for Tenstorrent's runtime in Python, shell and justfiles (TTS001).

Deliberately small: it shows the extractor interface (`extract(source) -> list[RawFinding]`), not a full parser.
A comment or a string that names the runtime is `mentioned`; code that uses it is `enabled`. TT_METAL_*
variables are read here in justfiles only: in Python and shell wac-lint's own extractors read them, from the
plugin's vocabulary.
"""

from __future__ import annotations

import re

from whackachip_lint.evidence import RawFinding, Span, State

_IMPORT = re.compile(r"^\s*(?:import|from)\s+(ttnn|tt_lib)\b")
_VARIABLE = re.compile(r"\b(TT_METAL_[A-Z_]+)=")
_SMI = re.compile(r"(?<![\w-])tt-smi\b")
# Kinds whose variables wac-lint's extractors read through the plugin's vocabulary.
_READ_BY_WAC_LINT = frozenset({"python", "shell"})


def extract(source) -> list[RawFinding]:
    found: list[RawFinding] = []
    patterns = (_IMPORT, _SMI) if source.kind in _READ_BY_WAC_LINT else (_IMPORT, _VARIABLE, _SMI)
    for number, line in enumerate(source.text.splitlines(), 1):
        code, _, comment = line.partition("#")
        for text, state in ((code, State.ENABLED), (comment, State.MENTIONED)):
            offset = 0 if text is code else len(code) + 1
            for pattern in patterns:
                match = pattern.search(text)
                if match and (pattern is not _IMPORT or state is State.ENABLED or match.start() == 0):
                    value = match.group(1) if match.groups() else "tt-smi"
                    start = offset + match.start(match.lastindex or 0) + 1
                    span = Span(number, start, number, start + len(value))
                    found.append(RawFinding("TTS001", value, state, span, f"{value} used"))
    return found
