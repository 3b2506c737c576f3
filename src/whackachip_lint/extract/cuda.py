"""CUDA and HIP sources (`.cu`, `.cuh`, `.hip`): instructions and types that need a given NVIDIA architecture
(WAC605), and HIP kernels (WAC606).

A line scan, not a C++ parser: comments are dropped, `#if`/`#ifdef` blocks are
followed far enough to tell dead code (`#if 0`) and architecture guards
(`#if __CUDA_ARCH__ >= 900`: one branch among others, conditional) from code
every build compiles. Inline PTX lives in string literals, so strings are kept.
The table below is data: add an instruction by adding a row.
"""

from __future__ import annotations

import re

from ..evidence import RawFinding, Span, State
from . import Source
from ..rules.codes import Code

# (pattern, value): what each instruction or type needs is in the inference table (infer/constraints.py,
# WAC605). Sources: PTX ISA (wgmma and setmaxnreg: sm_90a; cp.async.bulk, clusters, elect.sync: sm_90;
# tcgen05: sm_100a; mma with .e4m3/.e5m2 operands: sm_89), CUDA Math API (cuda_fp8.h, cuda_fp4.h types).
FEATURES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"\bwgmma\.|\bwarpgroup_arrive\b|\bcute::SM90_\w*GMMA\w*"), "wgmma"),
    (re.compile(r"\btcgen05\.|\bcutlass::arch::Sm100\b|\bcute::SM100_\w+"), "tcgen05"),
    (re.compile(r"\bcp\.async\.bulk\b|\bcuTensorMapEncode\w*|\bCUtensorMap\b|\bcute::SM90_TMA_\w+"), "tma"),
    (re.compile(r"\bsetmaxnreg\b|__cluster_dims__|\bbarrier\.cluster\b|\belect\.sync\b|\bgriddepcontrol\b"
                r"|\bcutlass::arch::Sm90\b"), "sm90"),
    (re.compile(r"\bmma\.sync\.aligned\.[\w.]*\.e[45]m[23]\b"), "fp8-mma"),
    # The types, not their headers: a file that includes cuda_fp8.h and uses none of its types needs nothing.
    (re.compile(r"\b__nv_fp4x?\d*_e2m1\b|\bFloat4_e2m1fn_x2\b"), "fp4-type"),
    (re.compile(r"\b__nv_fp8x?\d*_e[45]m[23]\b"), "fp8-type"),
)
# HIP: AMD's kernel language. A `.hip` file is HIP by its name (reported at its first kernel or HIP token); a
# `.cu`/`.cuh` file is HIP when it includes HIP's runtime, launches with hipLaunchKernelGGL or defines the AMD
# platform macro. Under `#if __HIP_PLATFORM_AMD__`/`USE_ROCM` the HIP code is one platform branch: conditional.
_HIP_TOKEN = re.compile(r"#\s*include\s*[<\"]hip/hip_runtime(?:_api)?\.h[>\"]|\bhipLaunchKernelGGL\b"
                        r"|#\s*define\s+__HIP_PLATFORM_(?:AMD|HCC)__\b")
_HIP_FILE_TOKEN = re.compile(_HIP_TOKEN.pattern + r"|\b__global__\b|\bhip[A-Z]\w+\s*\(")
_HIP_SUFFIXES = (".hip",)
# Cheap test before any per-line work: a file without one of these words has nothing to report.
_WORDS = re.compile(r"wgmma|tcgen05|cp\.async\.bulk|TensorMap|setmaxnreg|cluster|elect\.sync|griddepcontrol|Sm90|Sm100"
                    r"|SM90_|SM100_|mma\.sync|_fp8|_fp4|warpgroup|Float4_")
_DIRECTIVE = re.compile(r"^\s*#\s*(if|ifdef|ifndef|elif|else|endif)\b(.*)$")
# A condition on the target architecture: the code under it is compiled for some targets only.
_ARCH_CONDITION = re.compile(r"__CUDA_ARCH|CUDA_ARCH|\bSM_?\d{2,3}|\bARCH\w*|__CUDA_ARCH_FEAT", re.I)
# A condition on the platform (AMD or NVIDIA): the code under it is compiled on one vendor's toolchain only.
_PLATFORM_CONDITION = re.compile(r"__HIP_PLATFORM_\w+|__HIPCC__|__HIP_DEVICE_COMPILE__|\bUSE_ROCM\b|\bHIP\b"
                                 r"|__HIP__|\bROCM\w*")
_ALWAYS_FALSE = re.compile(r"^\s*0\s*(?://.*|/\*.*)?$")


def extract(source: Source) -> list[RawFinding]:
    hip_file = source.relpath.lower().endswith(_HIP_SUFFIXES)
    hip_pattern = _HIP_FILE_TOKEN if hip_file else _HIP_TOKEN
    features = _WORDS.search(source.text) is not None
    if not features and not hip_file and "hip" not in source.text.lower():
        return []
    found: list[RawFinding] = []
    seen: set[tuple[str, State]] = set()
    stack: list[tuple[State, State]] = []  # (state of this branch, state of the block around the #if)
    in_comment = False
    for number, line in enumerate(source.lines, start=1):
        code, in_comment = _without_comments(line, in_comment)
        directive = _DIRECTIVE.match(code)
        if directive:
            _preprocess(stack, directive.group(1), directive.group(2))
            continue
        state = stack[-1][0] if stack else State.ENABLED
        hip = hip_pattern.search(code) if state is not State.DEAD else None
        if hip is not None and ("hip", state) not in seen:
            seen.add(("hip", state))
            where = "HIP source" if hip_file else "CUDA-style source"
            detail = f"{hip.group(0)!r} in {where}" + (" under a platform guard" if state is State.CONDITIONAL else "")
            found.append(RawFinding(Code.HIP_CODE, "kernel", state, Span(number, hip.start() + 1, number, hip.end() + 1),
                                    detail, {"token": hip.group(0)}))
        if not features:
            continue
        for pattern, value in FEATURES:
            match = pattern.search(code)
            if match is None or (value, state) in seen:
                continue
            seen.add((value, state))
            span = Span(number, match.start() + 1, number, match.end() + 1)
            detail = f"{match.group(0)!r} in CUDA source" + (" under an architecture guard" if state is
                                                               State.CONDITIONAL else "")
            found.append(RawFinding(Code.CUDA_SOURCE_FEATURE, value, state, span, detail, {"token": match.group(0)}))
    return found


def _preprocess(stack: list[tuple[State, State]], keyword: str, condition: str) -> None:
    outer = stack[-1][0] if stack else State.ENABLED
    if keyword in ("if", "ifdef", "ifndef"):
        stack.append((_branch_state(outer, keyword, condition), outer))
    elif keyword in ("elif", "else") and stack:
        _, around = stack.pop()
        branch = _branch_state(around, "if", condition) if keyword == "elif" else around
        if keyword == "else" and _ARCH_CONDITION.search(condition or "") is None:
            branch = around if around is not State.ENABLED else State.CONDITIONAL
        stack.append((branch, around))
    elif keyword == "endif" and stack:
        stack.pop()


def _branch_state(outer: State, keyword: str, condition: str) -> State:
    if outer in (State.DEAD, State.CONDITIONAL):
        return outer
    if keyword == "if" and _ALWAYS_FALSE.match(condition):
        return State.DEAD
    if _ARCH_CONDITION.search(condition) or _PLATFORM_CONDITION.search(condition):
        return State.CONDITIONAL
    return outer  # include guards and feature macros: the block is compiled as the file is


def _without_comments(line: str, in_comment: bool) -> tuple[str, bool]:
    """The line without /* */ and // comments (outside string literals), and whether a block comment stays open."""
    out: list[str] = []
    index, quoted = 0, False
    while index < len(line):
        if in_comment:
            end = line.find("*/", index)
            if end < 0:
                return "".join(out), True
            index, in_comment = end + 2, False
            continue
        char = line[index]
        if char == '"' and (index == 0 or line[index - 1] != "\\"):
            quoted = not quoted
        elif not quoted and line.startswith("//", index):
            break
        elif not quoted and line.startswith("/*", index):
            in_comment, index = True, index + 2
            continue
        out.append(char)
        index += 1
    return "".join(out), in_comment
