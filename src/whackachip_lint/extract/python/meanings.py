"""What resolved names and values mean: table lookups shared by the visitor's handlers."""

from __future__ import annotations

from ...evidence import State, Value
from ..model_tables import OPTIMIZERS, params_from_model_name
from . import tables as T
from ...rules.codes import Code
from ...vocab.attention import ATTN_IMPLEMENTATIONS
from ...vocab.backends import COLLECTIVE_BACKENDS
from ...vocab.deepspeed import NO_OFFLOAD, OFFLOAD_DEVICES
from ...vocab.devices import device_type
from ...vocab.precision import precision_of
from ...vocab.truth import truth



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
        return Code.FP8_DTYPE, match.group(1)
    match = T.FP4_DTYPE.match(name)
    if match:
        return Code.FP4_COMPUTE, match.group(1)
    return None


def value_meanings(kind: str, value: Value, partial: bool, rule: str | None = None) -> list[tuple[str, Value, State]]:
    """What a resolved keyword value means: [(rule, value, state)]. `rule` is the keyword's own rule, if any."""
    if kind == "count":
        return _count_meaning(rule, value, partial)
    if kind == "offload":
        return _offload_meaning(value, partial)
    if kind == "model":
        known = isinstance(value, str) and not partial and params_from_model_name(value) is not None
        return [(Code.MODEL_NAME_SIZE, value, State.ENABLED)] if known else []
    if kind == "optimizer":
        known = isinstance(value, str) and not partial and value.strip().lower() in OPTIMIZERS
        return [(Code.OPTIMIZER, OPTIMIZERS[value.strip().lower()], State.ENABLED)] if known else []
    if kind == "seq":
        known = isinstance(value, int) and not isinstance(value, bool) and value > 0
        return [(Code.MODEL_DIMENSION, value, State.ENABLED)] if known else []
    if kind == "device_map":
        split = isinstance(value, str) and not partial and value.strip().lower() in T.SPLIT_DEVICE_MAPS
        return [(Code.MODEL_PARALLEL_SIZE, value, State.CONDITIONAL)] if split else []
    if isinstance(value, bool) or value is None:
        if kind == "fsdp" and value is True:
            return [(Code.FSDP, "fsdp", State.ENABLED)]
        return []
    text = str(value).strip()
    low = text.lower()
    on = State.ENABLED
    if kind == "precision":
        if partial:
            return []
        found = precision_of(low)
        return [(*found, on)] if found else []
    if kind == "backend":
        if partial:
            return []
        names = [part.split(":")[-1].strip() for part in low.split(",")]
        return [(Code.COLLECTIVE_BACKEND, n, on) for n in names if n in COLLECTIVE_BACKENDS]
    if kind == "device":
        device = device_type(low)
        return [(Code.DEVICE_TYPE, device, on)] if device else []
    if kind == "attn":
        return [(Code.FLASH_ATTENTION, ATTN_IMPLEMENTATIONS[low], on)] if low in ATTN_IMPLEMENTATIONS else []
    if kind == "fsdp":
        return [(Code.FSDP, "fsdp", on)] if text and not partial else []
    if kind == "te":
        return [(Code.TRANSFORMER_ENGINE, "transformer_engine", on)] if low == "transformer_engine" else []
    return []


def value_properties(kind: str, value: Value) -> dict[str, Value]:
    """Properties a valued keyword's finding carries beside its value (the size a model name states)."""
    if kind == "model":
        return {"params_b": params_from_model_name(str(value))}
    if kind == "device_map":
        return {"axis": "pipeline", "devices": "all visible"}
    if kind == "seq":
        return {"dimension": "seq"}
    return {}


def _count_meaning(rule: str | None, value: Value, partial: bool) -> list[tuple[str, Value, State]]:
    """ZeRO stage, accumulation steps, micro batch: a number, or "auto" (filled in at run time)."""
    if rule is None or partial or isinstance(value, bool):
        return []
    if isinstance(value, str) and value.strip().lower() == "auto":
        return [(rule, "auto", State.CONDITIONAL)]
    try:
        number = int(str(value).strip())
    except ValueError:
        return []
    threshold = T.COUNT_THRESHOLDS.get(rule, 0)
    return [(rule, number, State.ENABLED if number > threshold else State.DISABLED)]


def _offload_meaning(value: Value, partial: bool) -> list[tuple[str, Value, State]]:
    if not isinstance(value, str) or partial:
        return []
    device = value.strip().lower()
    if device == "auto":
        return [(Code.ZERO_OFFLOAD, "auto", State.CONDITIONAL)]
    if device == NO_OFFLOAD:
        return [(Code.ZERO_OFFLOAD, NO_OFFLOAD, State.DISABLED)]
    return [(Code.ZERO_OFFLOAD, device, State.ENABLED)] if device in OFFLOAD_DEVICES else []


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
    return low != "" and truth(low) is not False
