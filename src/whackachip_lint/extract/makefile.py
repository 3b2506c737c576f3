"""Makefiles: compile target lists in variables (`TORCH_CUDA_ARCH_LIST ?= 8.0`, `CUDA_ARCH := sm_90a`),
nvcc/hipcc flags (`-gencode`, `--offload-arch=gfx942`) and hardware variables set in recipes.

Lines are joined at `\\` continuations; inside `ifeq`/`ifdef`... blocks findings are conditional;
commented-out lines are mentioned. Flags are read by the shared extract/buildflags.py.
"""

from __future__ import annotations

import re

from ..evidence import RawFinding, State
from . import Source
from .buildflags import cc_from_sm, parse_arch_flags
from .environment import EXACT, is_hardware_variable
from .textspan import SHELL_ASSIGN, env_findings, joined_span, logical_lines
from ..rules.codes import Code

_ASSIGNMENT = re.compile(
    r"^(?P<lead>\s*(?:(?:export|override)\s+)*)(?P<name>[A-Za-z_][A-Za-z0-9_]*)"
    r"\s*(?P<op>::?=|\?=|\+=|!=|=)\s*(?P<value>.*)$",
    re.S,  # a value may continue on the next lines
)
_CONDITIONAL_OPEN = re.compile(r"^\s*(?:ifeq|ifneq|ifdef|ifndef)\b")
_CONDITIONAL_CLOSE = re.compile(r"^\s*endif\b")
# Variables that hold bare architecture names (sm_80, gfx942) rather than flags.
_ARCH_VARIABLE = re.compile(
    r"(?:^|_)(?:ARCH|ARCHS|ARCHITECTURES|TARGETS|SM|GENCODE)$|^(?:CUDA|GPU|NVCC|HIP|SM)_?ARCH", re.I
)
_SM = re.compile(r"\b(?:sm|compute)_(\d+[a-z]?)\b")
_GFX = re.compile(r"\bgfx[0-9a-f]{3,4}\b")


_REFERENCE = re.compile(r"\$[({]([A-Za-z_][A-Za-z0-9_]*)[)}]")


def substitute(value: str, variables: dict[str, str]) -> str:
    """`$(NAME)` / `${NAME}` replaced by what the Makefile assigned before (one level, as read)."""
    return _REFERENCE.sub(lambda m: variables.get(m.group(1), m.group(0)), value)


def _unresolved(value: str) -> bool:
    return "$(" in value or "${" in value


def line_findings(
    text: str, line: int, state: State, offset: int = 0, variables: dict[str, str] | None = None
) -> list[RawFinding]:
    """Findings of one logical Makefile line (comment removed, continuations joined by "\n")."""
    found: list[RawFinding] = []
    variables = {} if variables is None else variables

    def where(start: int, end: int):
        return joined_span(line, " " * offset + text, start + offset, end + offset)

    assignment = _ASSIGNMENT.match(text)
    flags = parse_arch_flags(text)
    if assignment and not text.startswith("\t"):
        name = assignment.group("name")
        value = substitute(assignment.group("value").strip(), variables)
        start, end = assignment.start("name"), len(text.rstrip())
        if state is not State.MENTIONED and not _unresolved(value):
            if assignment.group("op") == "+=" and name in variables:
                variables[name] = f"{variables[name]} {value}"
            elif assignment.group("op") != "?=" or name not in variables:
                variables[name] = value
        if _unresolved(value):
            pass  # built from variables we cannot see (command line, environment)
        elif name in EXACT:  # make variables with other prefixes (HIP_FLAGS) are not the environment
            found.extend(env_findings(name, " ".join(value.split()), where(start, end), state))
        elif _ARCH_VARIABLE.search(name) and not flags:
            targets = [cc_from_sm(m.group(1)) for m in _SM.finditer(value)]
            gfx = _GFX.findall(value)
            detail = f"{name} {assignment.group('op')} {value}"
            if targets:
                listing = ";".join(dict.fromkeys(targets))
                found.append(_raw(Code.CUDA_ARCH_LIST, listing, state, where(start, end), detail))
            if gfx:
                found.append(_raw(Code.ROCM_ARCH_LIST, ";".join(dict.fromkeys(gfx)), state, where(start, end), detail))
    elif text.startswith("\t"):  # a recipe line is shell
        for match in SHELL_ASSIGN.finditer(text):
            name, value = match.group(1), substitute(match.group(2).strip("'\""), variables)
            if is_hardware_variable(name) and not _unresolved(value):
                found.extend(env_findings(name, value, where(match.start(1), match.end()), state))
    for target in flags:
        found.append(_raw(target.rule, target.value, state, where(target.start, target.end), "compiler flag"))
    return found


def _raw(rule: str, value: str, state: State, where, detail: str) -> RawFinding:
    return RawFinding(rule, value, state, where, detail)


def _comment(text: str) -> int:
    """Offset of an unescaped `#`, else -1."""
    for match in re.finditer(r"#", text):
        if match.start() == 0 or text[match.start() - 1] != "\\":
            return match.start()
    return -1


def extract(source: Source) -> list[RawFinding]:
    found: list[RawFinding] = []
    depth = 0
    variables: dict[str, str] = {}
    for first, last, text in logical_lines(source.lines):
        if _CONDITIONAL_OPEN.match(text):
            depth += 1
            continue
        if _CONDITIONAL_CLOSE.match(text):
            depth = max(0, depth - 1)
            continue
        cut = _comment(text)
        code = text if cut < 0 else text[:cut]
        state = State.CONDITIONAL if depth else State.ENABLED
        found.extend(line_findings(code, first, state, variables=variables))
        if cut >= 0 and first == last:
            body = text[cut + 1 :]
            stripped = body.lstrip()
            shift = cut + 1 + len(body) - len(stripped)
            found.extend(line_findings(stripped, first, State.MENTIONED, offset=shift))
    return found
