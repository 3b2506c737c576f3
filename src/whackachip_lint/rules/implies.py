"""What a finding implies for hardware, as a rule declares it (`Rule.implies`): the words of a constraint row.

A rule's `implies` is a tuple of rows `(value pattern, specs)`; the first pattern that matches a finding's value
wins. Patterns: "*" anything; fnmatch on the lower-cased text value; ">=N" for integers. The inference
(`infer/constraints.py`) reads the rows from the declarations and checks each `Spec` against the catalog; this
module holds only what a declaration needs to write them, so the rules never import the inference.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

HARD, STRONG, WEAK = "hard", "strong", "weak"

NVIDIA, AMD, HUAWEI, INTEL, GOOGLE, APPLE = "NVIDIA", "AMD", "Huawei", "Intel", "Google", "Apple"
# Vendors the evidence can name but the catalog has no entries for (the verdict says so rather than guess).
CAMBRICON, MOORE_THREADS, INTEL_XPU = "Cambricon", "Moore Threads", "Intel XPU"
AWS = "AWS"  # Trainium and Inferentia (the Neuron SDK)

CUDA_OR_ROCM = "NVIDIA (CUDA) or AMD (ROCm keeps the name)"


@dataclass(frozen=True)
class Spec:
    """One requirement a matching finding imposes (a row of the table)."""

    kind: str  # a key of infer.constraints.CHECKS
    strength: str
    text: str  # the constraint as a reader sees it
    arg: Any = None
    applies_to: tuple[str, ...] = ()  # vendors the check concerns; candidates of other vendors pass
    redirectable: bool = False  # CUDA-looking evidence that a migration shim redirects to its own vendor
    xla: bool = False  # XLA-looking evidence (torch_xla, `xla` devices): the XLA platform in force names the vendor


def vendor(*vendors: str, strength: str, text: str, redirectable: bool = False, xla: bool = False) -> Spec:
    """The code runs on one of `vendors` ("!AMD": on any vendor but AMD)."""
    return Spec("vendor", strength, text, frozenset(vendors), redirectable=redirectable, xla=xla)


Rows = tuple[tuple[str, tuple[Spec, ...]], ...]

__all__ = [
    "AMD", "APPLE", "AWS", "CAMBRICON", "CUDA_OR_ROCM", "GOOGLE", "HARD", "HUAWEI", "INTEL", "INTEL_XPU",
    "MOORE_THREADS", "NVIDIA", "Rows", "STRONG", "Spec", "WEAK", "vendor",
]
