"""WAC0xx: findings about wac-lint's own directives, not about hardware."""

from ..evidence import State
from .base import Example, Rule

# Trigger words (the pre-filter's, prefilter.py): a file of a filtered kind is parsed for these rules only
# if it holds one of them (case-insensitive; triggers.BOUNDED words only as whole words).
# wac-lint's own directives (WAC001 unused suppression).
TRIGGERS = ("wac-lint",)

RULES = (
    Rule(
        code="WAC001",
        name="unused-suppression",
        signal="meta.unused_suppression",
        title="unused suppression",
        summary="Finds `wac-lint: disable` directives that silence nothing (like Ruff's RUF100).",
        why=(
            "A stale directive hides nothing today but will silently hide the next real piece of hardware evidence "
            "written on that line, so the inference would miss it. Remove it, or correct its rule code."
        ),
        positives=(
            Example("x = 1  # wac-lint: disable=WAC101\n", value="WAC101", note="nothing on this line is WAC101"),
            Example("import os\n# wac-lint: disable-file=WAC3\n", value="WAC3",
                    note="a file-wide directive after the first statement governs nothing"),
            Example("x = 1  # wac-lint: disable=WAC999\n", value="WAC999", note="no such rule"),
            Example("x = 1  # wac-lint: disable\n", note="a directive that names no rule silences nothing"),
        ),
        negatives=(
            Example("x = 1  # noqa: E501\n", note="other tools' directives are not ours to judge"),
            Example("# wac-lint disables nothing here: this is prose, not a directive\nx = 1\n"),
            Example("import torch\nx = torch.bfloat16  # wac-lint: disable = bf16-precision\n",
                    note="a rule name stands for its code, and `=` may have spaces around it"),
        ),
        tags=("meta", "suppression"),
        precision="very-high",
        triggers=TRIGGERS,
    ),
)

__all__ = ["RULES", "State"]
