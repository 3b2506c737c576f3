"""Compile target lists in any text: nvcc `-gencode`, `sm_XX`, `--offload-arch=gfxNNN`, arch lists.

Shared by the Python, shell, Makefile and CMake extractors, so a target list
means the same thing wherever it is written. Returns offsets into the text
given, so each caller maps them to its own positions.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from ..rules.codes import Code

# -gencode arch=compute_90a,code=sm_90a   /  -gencode=arch=compute_80,code=[sm_80,compute_80]
GENCODE = re.compile(r"-gencode[ =]+arch=compute_(\d+[a-z]?),code=\[?([a-z0-9_,]+)\]?")
# --gpu-architecture=sm_90, -arch=sm_80, -arch sm_80, --cuda-gpu-arch=sm_90
NVCC_ARCH = re.compile(r"(?:--gpu-architecture|-arch|--cuda-gpu-arch)[ =]+(?:sm|compute)_(\d+[a-z]?)\b")
OFFLOAD_ARCH = re.compile(
    r"--(?:offload|amdgpu-target|cuda-gpu)-arch=(gfx[0-9a-f]+)\b|--amdgpu-target=(gfx[0-9a-f]+)\b"
)
GFX = re.compile(r"\bgfx(?:90[0-9a]|94[0-9]|95[0-9]|1[01][0-9]{2})\b")


@dataclass(frozen=True)
class ArchTarget:
    rule: str  # "WAC603" (CUDA) or "WAC604" (ROCm)
    value: str  # "9.0a", "8.0+PTX", "gfx942"
    start: int  # offset in the text
    end: int


def cc_from_sm(digits: str) -> str:
    """"90a" -> "9.0a", "100" -> "10.0", "86" -> "8.6"."""
    suffix = digits[-1] if digits[-1].isalpha() else ""
    number = digits[:-1] if suffix else digits
    return f"{number[:-1]}.{number[-1]}{suffix}"


def parse_arch_flags(text: str) -> list[ArchTarget]:
    """Every compile target named by a compiler flag in `text`."""
    found: list[ArchTarget] = []
    for match in GENCODE.finditer(text):
        codes = match.group(2).split(",")
        ptx = any(code.startswith("compute_") for code in codes)
        value = cc_from_sm(match.group(1)) + ("+PTX" if ptx else "")
        found.append(ArchTarget(Code.CUDA_ARCH_LIST, value, match.start(), match.end()))
    for match in NVCC_ARCH.finditer(text):
        if any(t.start <= match.start() < t.end for t in found):
            continue
        found.append(ArchTarget(Code.CUDA_ARCH_LIST, cc_from_sm(match.group(1)), match.start(), match.end()))
    for match in OFFLOAD_ARCH.finditer(text):
        found.append(ArchTarget(Code.ROCM_ARCH_LIST, match.group(1) or match.group(2), match.start(), match.end()))
    found.sort(key=lambda t: t.start)
    return found


def normalise_arch_list(value: str) -> str:
    """TORCH_CUDA_ARCH_LIST style lists: "8.0 9.0+PTX" / "8.0;9.0" -> "8.0;9.0+PTX"."""
    parts = [p for p in re.split(r"[;\s,]+", value.strip().strip("'\"")) if p]
    return ";".join(parts)
