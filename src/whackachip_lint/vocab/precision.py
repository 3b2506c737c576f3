"""Precision spellings -> (rule, value reported), for every format that names a precision as a value.

`dtype="bf16"`, `precision: 16-mixed` (Lightning), `mixed_precision: fp8` (Accelerate: Transformer Engine or
MS-AMP, enabled only on Ada and Hopper per Accelerate's "Low Precision Training Methods" guide),
`--precision transformer-engine` (Lightning runs TE's FP8 GEMMs), `precision: amp` (AMP: fp16 autocast). The
value is the spelling's usual name (`half` -> float16). FP8 type names (`float8_e4m3fn`, with or without
`torch.`) are matched by pattern: new variants keep arriving.
"""

from __future__ import annotations

import re

from ..rules.codes import Code

BF16, FP16, TF32 = Code.BF16_PRECISION, Code.FP16_PRECISION, Code.TF32_MATMUL
FP8, FP4 = Code.FP8_COMPUTE, Code.FP4_COMPUTE

PRECISION_SPELLINGS: dict[str, tuple[str, str]] = {
    "bf16": (BF16, "bf16"),
    "bfloat16": (BF16, "bfloat16"),
    "torch.bfloat16": (BF16, "bfloat16"),
    "bf16-mixed": (BF16, "bf16-mixed"),
    "bf16_mixed": (BF16, "bf16-mixed"),
    "amp_bf16": (BF16, "bf16-mixed"),
    "bf16-true": (BF16, "bf16-true"),
    "bf16-true-mixed": (BF16, "bf16-true"),
    "fp16": (FP16, "fp16"),
    "float16": (FP16, "float16"),
    "torch.float16": (FP16, "float16"),
    "half": (FP16, "float16"),
    "16": (FP16, "16"),
    "16-mixed": (FP16, "16-mixed"),
    "fp16-mixed": (FP16, "16-mixed"),
    "amp_fp16": (FP16, "16-mixed"),
    "amp": (FP16, "16-mixed"),
    "16-true": (FP16, "16-true"),
    "tf32": (TF32, "tf32"),
    "fp8": (FP8, "fp8"),
    "amp_fp8": (FP8, "fp8"),
    "mxfp8": (FP8, "mxfp8"),
    "transformer-engine": (FP8, "transformer-engine"),
    "transformer-engine-float16": (FP8, "transformer-engine"),
    "fp4": (FP4, "fp4"),
    "nvfp4": (FP4, "nvfp4"),
}
FP8_TYPE_NAME = re.compile(r"^(?:torch\.)?(float8_e[0-9]m[0-9]\w*)$")
# Spellings of full precision (Accelerate's mixed_precision="no"): a precision that says nothing about hardware.
FULL_PRECISION = frozenset({"fp32", "float32", "32", "no"})
# The short name a launcher flag's precision is reported by (`--precision bfloat16` -> bf16).
SHORT_NAMES: dict[str, str] = {BF16: "bf16", FP16: "fp16"}


def precision_of(spelling: str) -> tuple[str, str] | None:
    """(rule, value) of a precision spelling, case-insensitive; None for anything else (fp32 included)."""
    word = spelling.strip().lower()
    if word in PRECISION_SPELLINGS:
        return PRECISION_SPELLINGS[word]
    match = FP8_TYPE_NAME.match(word)
    return (Code.FP8_DTYPE, match.group(1)) if match else None
