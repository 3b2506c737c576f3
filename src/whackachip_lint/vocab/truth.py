"""Words that switch a setting on or off, whatever the format writes them in.

The set is pydantic's boolean parsing (DeepSpeed and other configs validated by pydantic accept exactly these
strings), which also covers YAML 1.1's `yes`/`on`, Python's `distutils.util.strtobool` (`--bf16 y`) and the
conventions of shell variables (`NCCL_IB_DISABLE=1`). Compared lower-cased and stripped.
"""

from __future__ import annotations

from typing import Any

TRUE_WORDS = frozenset({"1", "true", "yes", "on", "y", "t"})
FALSE_WORDS = frozenset({"0", "false", "no", "off", "n", "f"})
TRUTH_WORDS = TRUE_WORDS | FALSE_WORDS


def truth(value: Any) -> bool | None:
    """True or False for a boolean or a truth word; None for anything else (a number, "auto", a path)."""
    if isinstance(value, bool):
        return value
    if not isinstance(value, str):
        return None
    word = value.strip().lower()
    return True if word in TRUE_WORDS else False if word in FALSE_WORDS else None
