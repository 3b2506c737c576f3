"""What the pre-filter (prefilter.py) needs besides the rules' own trigger words (`Rule.triggers`).

A file of a filtered kind is parsed only if its bytes contain, case-insensitively, at least one trigger word of a
selected rule. The words are substrings, deliberately broad: a word too many costs a parse; a word too few loses a
finding. `tests/test_prefilter.py` scans every fixture repo and every rule example with and without the pre-filter
and fails on any difference, so a rule that learns a new spelling must add it to its declaration's words.

FILTERED_KINDS: file kind -> words added for that kind (kinds.py: `prefilter_words`). Only kinds listed here are
filtered; every other kind (and any rule without trigger words) is always parsed, so a new extractor is never
starved by a table it did not update.
"""

from __future__ import annotations

from .kinds import PREFILTER_WORDS

# Short words that match only where no letter touches them ("npu" in `torch_npu` or "npu:0", not in "input";
# "tpu" not in "output"). Longer spellings that need them (hipcc, amdgpu, mpirun) are listed as words of their own.
BOUNDED: frozenset[str] = frozenset(
    {"npu", "tpu", "hpu", "xpu", "mps", "mpi", "cann", "hip", "amd", "jax", "mlx", "mlu", "ucc", "rtx", "musa"}
)

# Always parse a file that holds a suppression directive, so unused ones are still reported.
ALWAYS: tuple[str, ...] = ("wac-lint",)

# File names always parsed, whatever their words (setup.py: any requirement string may be a pin finding).
ALWAYS_PARSE_NAMES: frozenset[str] = frozenset({"setup.py"})

# The kinds the pre-filter applies to, with their own wake words: kinds.py says which.
FILTERED_KINDS: dict[str, tuple[str, ...]] = PREFILTER_WORDS

