"""`Code`: wac-lint's rule codes by rule name, generated from the declarations (each code is written once, there).

Extractors, the inference and the reports refer to a rule as `Code.BF16_PRECISION`, never as the string "WAC101":
the name says what the rule is about, a typo fails at import, and renumbering a rule touches its declaration only.
A member *is* its code string (`Code.BF16_PRECISION == "WAC101"`, same hash, same JSON), so findings, tables keyed
by code and plugin rules (their own codes, plain strings) mix freely. Member names are the rule names in upper
case with "_" for "-" (`bf16-precision` -> `BF16_PRECISION`); `tests/rules/test_rule_codes.py` keeps code literals out of
the rest of the package.
"""

from __future__ import annotations

from enum import StrEnum

from . import FAMILIES


def member_name(rule_name: str) -> str:
    return rule_name.upper().replace("-", "_")


Code = StrEnum(  # type: ignore[misc]  # members come from the declarations
    "Code",
    [(member_name(rule.name), rule.code) for family in FAMILIES for rule in family.RULES],
    module=__name__,
)

__all__ = ["Code", "member_name"]
