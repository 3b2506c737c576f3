"""setup.py install requirements: a second, cheap pass on Python files, for files named setup.py only.

Requirement strings in `install_requires=`, `setup_requires=` and `extras_require=` (lists written
inline or bound to a module-level name) are read with the standard library's `ast`; extras are
conditional. Anything else in setup.py (extension compile flags) is the Python extractor's.
A file that does not parse gives no findings here: the Python extractor reports it.
"""

from __future__ import annotations

import ast
import warnings
from pathlib import PurePosixPath

from ..evidence import RawFinding, Span, State
from . import ExtractionError, Source

_KEYWORDS = {"install_requires": "", "setup_requires": "setup requirement", "extras_require": None}


def _column(source: Source, line: int, byte_offset: int) -> int:
    """ast columns are UTF-8 byte offsets; spans count code points."""
    return len(source.line_text(line).encode("utf-8")[:byte_offset].decode("utf-8", errors="ignore"))


def _strings(node: ast.AST, names: dict[str, ast.AST], depth: int = 0) -> list[ast.Constant]:
    """String constants of a list written inline, bound to a module-level name, or joined with `+`."""
    if depth > 20:
        return []
    if isinstance(node, ast.Name) and node.id in names:
        node = names[node.id]
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return _strings(node.left, names, depth + 1) + _strings(node.right, names, depth + 1)
    if isinstance(node, (ast.List, ast.Tuple, ast.Set)):
        return [e for e in node.elts if isinstance(e, ast.Constant) and isinstance(e.value, str)]
    return []


def extract(source: Source) -> list[RawFinding]:
    if PurePosixPath(source.relpath).name != "setup.py":
        return []
    # Imported here: requirement parsing (`packaging`) costs a pre-commit run of other Python files time.
    from .pins import requirement_facts
    from .textspan import pin_findings

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", SyntaxWarning)  # odd literals are the Python extractor's to report
            tree = ast.parse(source.text)
    except (SyntaxError, ValueError, ExtractionError):
        return []
    names = {
        target.id: node.value
        for node in tree.body
        if isinstance(node, ast.Assign)
        for target in node.targets
        if isinstance(target, ast.Name)
    }
    found: list[RawFinding] = []
    for call in ast.walk(tree):
        if not isinstance(call, ast.Call):
            continue
        for keyword in call.keywords:
            if keyword.arg not in _KEYWORDS:
                continue
            groups: list[tuple[list[ast.Constant], State, str]] = []
            if keyword.arg == "extras_require":
                value = keyword.value
                if isinstance(value, ast.Name):
                    value = names.get(value.id, value)
                if isinstance(value, ast.Dict):
                    for key, items in zip(value.keys, value.values):
                        extra = key.value if isinstance(key, ast.Constant) else "?"
                        groups.append((_strings(items, names), State.CONDITIONAL, f"optional extra [{extra}]"))
            else:
                groups.append((_strings(keyword.value, names), State.ENABLED, _KEYWORDS[keyword.arg] or ""))
            for constants, state, context in groups:
                for constant in constants:
                    facts = requirement_facts(constant.value)
                    if not facts:
                        continue
                    start = _column(source, constant.lineno, constant.col_offset)
                    end_line = constant.end_lineno or constant.lineno
                    end = _column(source, end_line, constant.end_col_offset or constant.col_offset)
                    where = Span(constant.lineno, start + 1, end_line, end + 1)
                    found.extend(pin_findings(facts, where, state, context))
    return found
