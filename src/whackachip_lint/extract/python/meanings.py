"""What resolved names and values mean: table lookups shared by the visitor's handlers."""

from __future__ import annotations

from ...evidence import Value
from . import tables as T

_FALSE_STRINGS = {"0", "false", "no", "off", "n", "f", ""}


def module_meanings(module: str) -> tuple[tuple[str, str], ...]:
    """Rule meanings of an imported module: the longest table prefix wins."""
    best = ""
    for prefix in T.MODULES:
        if (module == prefix or module.startswith(prefix + ".")) and len(prefix) > len(best):
            best = prefix
    return T.MODULES.get(best, ()) if best else ()


def dtype_meaning(name: str) -> tuple[str, str] | None:
    if name in T.DTYPES:
        return T.DTYPES[name]
    match = T.FP8_DTYPE.match(name)
    if match:
        return "WAC105", match.group(1)
    match = T.FP4_DTYPE.match(name)
    if match:
        return "WAC106", match.group(1)
    return None


def value_meanings(kind: str, value: Value, partial: bool) -> list[tuple[str, Value]]:
    """What a resolved keyword value means: [(rule, value)]."""
    if isinstance(value, bool) or value is None:
        if kind == "fsdp" and value is True:
            return [("WAC505", "fsdp")]
        return []
    text = str(value).strip()
    low = text.lower()
    if kind == "precision":
        if partial:
            return []
        if low in T.PRECISION_STRINGS:
            return [T.PRECISION_STRINGS[low]]
        match = T.FP8_STRING.match(low)
        return [("WAC105", match.group(1))] if match else []
    if kind == "backend":
        if partial:
            return []
        names = [part.split(":")[-1].strip() for part in low.split(",")]
        return [("WAC201", n) for n in names if n in T.BACKENDS]
    if kind == "device":
        device = low.split(":")[0]
        return [("WAC204", device)] if device in T.DEVICES else []
    if kind == "attn":
        return [("WAC601", T.ATTN_IMPLEMENTATIONS[low])] if low in T.ATTN_IMPLEMENTATIONS else []
    if kind == "fsdp":
        return [("WAC505", "fsdp")] if text and not partial else []
    return []


def switch_truth(value: Value) -> bool | None:
    """Whether a switch's value turns it on; None for "auto" (decided at run time).

    Unknown non-empty strings count as on: `fp8="hybrid"` selects an FP8 format.
    """
    if value is None:
        return False
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)):
        return bool(value)
    low = str(value).strip().lower()
    if low == "auto":
        return None
    if low in _FALSE_STRINGS:
        return False
    return True
