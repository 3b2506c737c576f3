"""CMake: `CMAKE_CUDA_ARCHITECTURES` / `CUDA_ARCHITECTURES` (CMake notation), `TORCH_CUDA_ARCH_LIST`,
HIP targets (`CMAKE_HIP_ARCHITECTURES`, `GPU_TARGETS`, `AMDGPU_TARGETS`), nvcc/hipcc flags in any
command, and HIP builds (`enable_language(HIP)`, `project(... LANGUAGES HIP)`, `find_package(hip)`,
`hip_add_library`, hipcc as the compiler: WAC606).

A small command scanner of our own (CMake's grammar is `name(args)` with quoted, bracket and
unquoted arguments and `#` comments). CMake's notation: `80` builds SASS and PTX for 8.0 (written
here as TORCH_CUDA_ARCH_LIST does, `8.0+PTX`), `80-real` SASS only (`8.0`), `90-virtual` PTX only
(`9.0+PTX`); `native` means whatever GPU the build machine has (conditional). Inside
`if()`/`function()`/`macro()`/`while()` blocks findings are conditional; commented-out commands are mentioned.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..evidence import RawFinding, State, Value
from . import Source
from .buildflags import normalise_arch_list, parse_arch_flags
from .textspan import LineIndex
from ..rules.codes import Code

_COMMAND = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)[ \t]*\(")
_ARG = re.compile(r'"(?:[^"\\]|\\.)*"|\[(=*)\[.*?\]\1\]|[^\s()"#]+', re.S)
# Blocks whose body may not run (a foreach body runs for each item, so it is not one of them).
_OPEN_BLOCK = {"if", "function", "macro", "while"}
_CLOSE_BLOCK = {"endif", "endfunction", "endmacro", "endwhile"}
CUDA_ARCH_VARIABLES = {"CMAKE_CUDA_ARCHITECTURES", "CUDA_ARCHITECTURES", "CUDAARCHS"}
TORCH_ARCH_VARIABLES = {"TORCH_CUDA_ARCH_LIST", "ENV{TORCH_CUDA_ARCH_LIST}"}
HIP_ARCH_VARIABLES = {
    "CMAKE_HIP_ARCHITECTURES", "HIP_ARCHITECTURES", "GPU_TARGETS", "AMDGPU_TARGETS", "PYTORCH_ROCM_ARCH",
    "ENV{PYTORCH_ROCM_ARCH}",
}
# Commands that build HIP code: FindHIP's macros, whatever their arguments.
_HIP_BUILD_COMMANDS = {"hip_add_library", "hip_add_executable"}
_HIPCC = re.compile(r"(?:^|/)hipcc$")
_CMAKE_ARCH = re.compile(r"^(\d+)([a-z]?)(?:-(real|virtual))?$")


@dataclass
class Command:
    name: str  # lower-case
    args: list[str]  # unquoted
    start: int  # offset of the command name
    end: int  # offset after ")"
    text: str  # raw text of the command


def commands(text: str) -> list[Command]:
    """Every command in `text`, comments skipped (bracket comments too)."""
    result: list[Command] = []
    index = 0
    length = len(text)
    while index < length:
        char = text[index]
        if char == "#":
            bracket = re.match(r"#\[(=*)\[", text[index:])
            if bracket:
                close = text.find("]" + bracket.group(1) + "]", index)
                index = length if close < 0 else close + len(bracket.group(1)) + 2
            else:
                newline = text.find("\n", index)
                index = length if newline < 0 else newline
            continue
        starts_word = index == 0 or not (text[index - 1].isalnum() or text[index - 1] == "_")
        match = _COMMAND.match(text, index) if starts_word else None
        if not match:
            index += 1
            continue
        depth, position = 1, match.end()
        args: list[str] = []
        while position < length and depth:
            char = text[position]
            if char == "(":
                depth += 1
                position += 1
            elif char == ")":
                depth -= 1
                position += 1
            elif char == "#":
                newline = text.find("\n", position)
                position = length if newline < 0 else newline
            elif char.isspace():
                position += 1
            else:
                arg = _ARG.match(text, position)
                if not arg:
                    position += 1
                    continue
                value = arg.group(0)
                if value.startswith('"'):
                    value = value[1:-1]
                elif arg.group(1) is not None:  # bracket argument [=[...]=]
                    equals = len(arg.group(1))
                    value = value[equals + 2 : len(value) - equals - 2]
                args.append(value)
                position = arg.end()
        result.append(Command(match.group(1).lower(), args, match.start(), position, text[match.start() : position]))
        index = position
    return result


def cmake_arch_value(items: list[str]) -> tuple[Value, State]:
    """CMake architecture list -> TORCH_CUDA_ARCH_LIST-style value and state."""
    parts = [p for item in items for p in re.split(r"[;\s]+", item) if p]
    if any(p.lower() == "native" for p in parts):
        return "native", State.CONDITIONAL
    if parts and parts[0].lower() in ("all", "all-major"):
        return parts[0].lower(), State.ENABLED
    values = []
    for part in parts:
        match = _CMAKE_ARCH.match(part)
        if not match:
            if "$" in part:
                return None, State.CONDITIONAL
            continue
        digits, suffix, kind = match.groups()
        cc = f"{digits[:-1]}.{digits[-1]}{suffix}"
        values.append(cc if kind == "real" else f"{cc}+PTX")
    if not values:
        return None, State.ENABLED
    if parts and parts == ["OFF"]:
        return None, State.DISABLED
    return ";".join(values), State.ENABLED


def _arch_finding(variable: str, items: list[str]) -> tuple[str, Value, State] | None:
    items = [i for i in items if i not in ("CACHE", "STRING", "PARENT_SCOPE", "FORCE", "INTERNAL")]
    upper = variable.upper() if not variable.startswith("ENV{") else variable
    if upper in CUDA_ARCH_VARIABLES:
        value, state = cmake_arch_value(items[:1] if len(items) > 1 and " " in items[-1] else items)
        return (Code.CUDA_ARCH_LIST, value, state) if value is not None else None
    if upper in TORCH_ARCH_VARIABLES:
        value = normalise_arch_list(" ".join(items[:1] if len(items) > 1 and items[1] == "CACHE" else items))
        return (Code.CUDA_ARCH_LIST, value, State.ENABLED) if value else None
    if upper in HIP_ARCH_VARIABLES:
        gfx = [g for item in items for g in re.findall(r"gfx[0-9a-f]+", item)]
        return (Code.ROCM_ARCH_LIST, ";".join(dict.fromkeys(gfx)), State.ENABLED) if gfx else None
    return None


def _hip_build(command: Command) -> bool:
    """The command compiles HIP: the HIP language enabled, HIP's CMake package or macros, hipcc as the compiler."""
    args = command.args
    if command.name == "enable_language":
        return "HIP" in args
    if command.name == "project":
        return "LANGUAGES" in args and "HIP" in args[args.index("LANGUAGES") + 1 :]
    if command.name == "find_package":
        return bool(args) and args[0].lower() == "hip"
    if command.name == "set" and len(args) > 1 and args[0] in ("CMAKE_CXX_COMPILER", "CMAKE_HIP_COMPILER"):
        return _HIPCC.search(args[1]) is not None
    return command.name in _HIP_BUILD_COMMANDS


def _command_findings(command: Command, state: State, index: LineIndex, base: int) -> list[RawFinding]:
    found: list[RawFinding] = []
    where = index.span(base + command.start, base + command.end)
    hit = None
    if _hip_build(command):
        hit = (Code.HIP_CODE, "build", State.ENABLED)
    elif command.name == "set" and command.args:
        hit = _arch_finding(command.args[0], command.args[1:])
    elif command.name in (
        "set_target_properties", "set_property", "set_directory_properties", "set_source_files_properties"
    ):
        for i, arg in enumerate(command.args):
            if arg in ("CUDA_ARCHITECTURES", "HIP_ARCHITECTURES"):
                rest = command.args[i + 1 :]
                hit = _arch_finding(arg, rest[:1] if command.name == "set_target_properties" else rest)
                break
    if hit:
        rule, value, hit_state = hit
        combined = hit_state if hit_state is not State.ENABLED else state
        found.append(RawFinding(rule, value, combined, where, f"{command.name}({' '.join(command.args)[:80]})"))
    for target in parse_arch_flags(command.text):
        span = index.span(base + command.start + target.start, base + command.start + target.end)
        found.append(RawFinding(target.rule, target.value, state, span, "compiler flag"))
    return found


def extract(source: Source) -> list[RawFinding]:
    text = source.text
    index = LineIndex(text)
    found: list[RawFinding] = []
    depth = 0
    for command in commands(text):
        if command.name in _CLOSE_BLOCK:
            depth = max(0, depth - 1)
            continue
        if command.name in _OPEN_BLOCK:
            depth += 1
            continue
        found.extend(_command_findings(command, State.CONDITIONAL if depth else State.ENABLED, index, 0))
    # Commented-out commands are mentioned.
    offset = 0
    for line in source.text.splitlines(keepends=True):
        stripped = line.lstrip()
        if stripped.startswith("#") and not stripped.startswith("#["):
            body_start = offset + (len(line) - len(stripped)) + 1
            body = line[len(line) - len(stripped) + 1 :]
            for command in commands(body):
                if command.name in _OPEN_BLOCK or command.name in _CLOSE_BLOCK:
                    continue
                found.extend(_command_findings(command, State.MENTIONED, index, body_start))
        offset += len(line)
    return found
