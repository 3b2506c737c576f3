"""DeepSpeed JSON configs: ZeRO stage, offload, bf16/fp16, accumulation, micro batch.

A config is recognised by its keys, not its file name; other JSON yields
nothing. Validity follows DeepSpeed's own loader, which uses `json`: comments
and trailing commas make a DeepSpeed config unloadable, so such a file gets a
diagnostic naming the line. Positions come from the tree-sitter JSON grammar.

`"auto"` (filled in by the Hugging Face trainer from its own flags) is
reported as conditional with the property {"auto": true}.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from ..evidence import RawFinding, State, Value
from . import ExtractionError, Source
from .model_tables import OPTIMIZERS
from .treesitter import Point, Positions, parser, shift
from ..rules.codes import Code
from ..vocab.deepspeed import (
    LEGACY_CPU_OFFLOAD, LEGACY_OFFLOAD_DEVICE, LEGACY_OFFLOAD_TARGET, NO_OFFLOAD, OFFLOAD_BLOCKS, PRECISION_BLOCKS,
    ZERO_BLOCK,
)
from ..vocab.truth import truth

# Any one of these top-level keys makes a JSON object a DeepSpeed config.
STRONG_KEYS = frozenset(
    {"zero_optimization", "train_micro_batch_size_per_gpu", "train_batch_size", "zero_allow_untested_optimizer"}
)
# Keys other tools share: two of them are needed.
WEAK_KEYS = frozenset(
    {
        "gradient_accumulation_steps",
        "gradient_clipping",
        "steps_per_print",
        "wall_clock_breakdown",
        "activation_checkpointing",
        "flops_profiler",
        "communication_data_type",
        "optimizer",
        "scheduler",
    }
)
_PREFILTER = re.compile(
    rb'"(?:' + b"|".join(k.encode() for k in sorted(STRONG_KEYS | WEAK_KEYS | set(PRECISION_BLOCKS))) + rb')"'
)


@dataclass
class Entry:
    """A key with its parsed value and where both are written."""

    key: str
    value: Any  # dict[str, Entry] for objects, else the JSON scalar or list
    start: Point  # the key
    end: Point  # the end of the value


# An upper-case name where a JSON value should be (`"train_batch_size": GBSIZE,`): a template's placeholder, which a
# launch script replaces (sed) before DeepSpeed reads the file. Not `True`/`None`, a Python spelling left in by mistake.
_PLACEHOLDER = re.compile(r"[A-Z][A-Z0-9_]{2,}(?![a-z])")


def extract(source: Source) -> list[RawFinding]:
    return extract_text(source.text)


def extract_text(text: str, base: Point = (0, 0)) -> list[RawFinding]:
    """Findings of a DeepSpeed config held in `text`, which starts at `base` in its file."""
    data = text.encode("utf-8")
    if not _PREFILTER.search(data):
        return []
    try:
        parsed = json.loads(text)
    except json.JSONDecodeError as exc:
        placeholder = _PLACEHOLDER.match(text, exc.pos)
        if placeholder is not None:
            raise ExtractionError(
                f"a template, not a config: {placeholder.group()} at line {exc.lineno + base[0]} stands where a "
                "value goes (a script fills it in before DeepSpeed reads the file); not read"
            ) from None
        raise ExtractionError(
            f"invalid JSON at line {exc.lineno + base[0]}, column {exc.colno}: {exc.msg} "
            "(DeepSpeed loads configs with Python's json module, which rejects this)"
        ) from None
    except RecursionError:
        raise ExtractionError("JSON nested too deeply to read") from None
    except ValueError as exc:  # not a JSONDecodeError: e.g. an integer over CPython's 4,300-digit limit
        raise ExtractionError(
            f"invalid JSON: {exc} (DeepSpeed loads configs with Python's json module, which rejects this)"
        ) from None
    if not isinstance(parsed, dict) or not is_deepspeed_config(parsed):
        return []  # checked before the position pass, so large data files cost one json.loads
    tree = parser("json").parse(data)
    top = _top_object(tree.root_node, data, base)
    if top is None:
        return []
    return _findings(top, Positions(data), base)


def is_deepspeed_config(top: dict) -> bool:
    """Whether a parsed JSON object has the keys of a DeepSpeed config."""
    if STRONG_KEYS & top.keys():
        return True
    for key in PRECISION_BLOCKS:
        if isinstance(top.get(key), dict) and "enabled" in top[key]:
            return True
    return len(WEAK_KEYS & top.keys()) >= 2


def top_entries(data: bytes, base: Point = (0, 0)) -> dict[str, Entry] | None:
    """The top-level object of a JSON document with every key's position (tree-sitter), for other JSON readers."""
    return _top_object(parser("json").parse(data).root_node, data, base)


def _top_object(root, data: bytes, base: Point) -> dict[str, Entry] | None:
    for child in root.named_children:
        if child.type == "object":
            return _object(child, data, base)
    return None


def _object(node, data: bytes, base: Point) -> dict[str, Entry]:
    entries: dict[str, Entry] = {}
    for pair in node.named_children:
        if pair.type != "pair":
            continue
        key_node = pair.child_by_field_name("key")
        value_node = pair.child_by_field_name("value")
        if key_node is None or value_node is None:
            continue
        key = json.loads(data[key_node.start_byte : key_node.end_byte])
        if value_node.type == "object":
            value: Any = _object(value_node, data, base)
        else:
            value = json.loads(data[value_node.start_byte : value_node.end_byte])
        # Later duplicates win, as with json.loads.
        entries[key] = Entry(key, value, shift(key_node.start_point, base), shift(value_node.end_point, base))
    return entries


def _findings(top: dict[str, Entry], positions: Positions, base: Point) -> list[RawFinding]:
    found: list[RawFinding] = []

    def emit(rule: str, entry: Entry, path: str, value: Value, state: State, detail: str, **extra: Value) -> None:
        properties: dict[str, Value] = {"key": path, **extra}
        found.append(RawFinding(rule, value, state, positions.span(entry.start, entry.end), detail, properties))

    zero = top.get(ZERO_BLOCK)
    if zero is not None and isinstance(zero.value, dict):
        _zero(zero.value, emit)
    for key, rule in PRECISION_BLOCKS.items():
        entry = top.get(key)
        if entry is not None and isinstance(entry.value, dict):
            _precision(key, rule, entry, emit)
    steps = top.get("gradient_accumulation_steps")
    if steps is not None:
        number = _number(steps.value)
        path = "gradient_accumulation_steps"
        if _is_auto(steps.value):
            emit(Code.GRADIENT_ACCUMULATION, steps, path, "auto", State.CONDITIONAL, _sets(path, "auto"), auto=True)
        elif number is not None:
            state = State.ENABLED if number > 1 else State.DISABLED
            emit(Code.GRADIENT_ACCUMULATION, steps, path, number, state, _sets(path, number))
    micro = top.get("train_micro_batch_size_per_gpu")
    if micro is not None:
        number = _number(micro.value)
        path = "train_micro_batch_size_per_gpu"
        if _is_auto(micro.value):
            emit(Code.MICRO_BATCH, micro, path, "auto", State.CONDITIONAL, _sets(path, "auto"), auto=True)
        elif number is not None:
            emit(Code.MICRO_BATCH, micro, path, number, State.ENABLED, _sets(path, number))
    optimizer = top.get("optimizer")
    kind = optimizer.value.get("type") if optimizer is not None and isinstance(optimizer.value, dict) else None
    if kind is not None and isinstance(kind.value, str) and kind.value.lower() in OPTIMIZERS:
        emit(Code.OPTIMIZER, kind, "optimizer.type", OPTIMIZERS[kind.value.lower()], State.ENABLED,
             _sets("optimizer.type", kind.value), spelled=kind.value)
    return found


def _zero(zero: dict[str, Entry], emit) -> None:
    stage = zero.get("stage")
    if stage is not None:
        number = _number(stage.value)
        if _is_auto(stage.value):
            emit(
                Code.ZERO_STAGE,
                stage,
                "zero_optimization.stage",
                "auto",
                State.CONDITIONAL,
                _sets("zero_optimization.stage", "auto"),
                auto=True,
            )
        elif number is not None:
            state = State.ENABLED if number > 0 else State.DISABLED
            emit(Code.ZERO_STAGE, stage, "zero_optimization.stage", number, state,
                 _sets("zero_optimization.stage", number))
    for key, target in OFFLOAD_BLOCKS.items():
        entry = zero.get(key)
        if entry is None or not isinstance(entry.value, dict):
            continue
        device = entry.value.get("device")
        if device is None:
            continue
        path = f"zero_optimization.{key}.device"
        if _is_auto(device.value):
            emit(Code.ZERO_OFFLOAD, device, path, "auto", State.CONDITIONAL, _sets(path, "auto"), auto=True,
                 target=target)
        elif isinstance(device.value, str):
            name = device.value.lower()
            state = State.DISABLED if name == NO_OFFLOAD else State.ENABLED
            emit(Code.ZERO_OFFLOAD, device, path, name, state, _sets(path, name), target=target)
    legacy = zero.get(LEGACY_CPU_OFFLOAD)
    on = None if legacy is None else truth(legacy.value)
    if on is not None:
        path = f"{ZERO_BLOCK}.{LEGACY_CPU_OFFLOAD}"
        emit(Code.ZERO_OFFLOAD, legacy, path, LEGACY_OFFLOAD_DEVICE, State.ENABLED if on else State.DISABLED,
             _sets(path, on), target=LEGACY_OFFLOAD_TARGET)


def _precision(key: str, rule: str, entry: Entry, emit) -> None:
    enabled = entry.value.get("enabled")
    value = "bf16" if rule == Code.BF16_PRECISION else "fp16"
    path = f"{key}.enabled"
    if enabled is None:
        # DeepSpeed's default for a precision block without "enabled" is off.
        emit(
            rule,
            entry,
            key,
            value,
            State.MENTIONED,
            f'the config has a {key} block without "enabled" (DeepSpeed\'s default is off)',
        )
        return
    if _is_auto(enabled.value):
        emit(
            rule,
            enabled,
            path,
            value,
            State.CONDITIONAL,
            _sets(path, "auto") + " (the trainer decides it from its own flags)",
            auto=True,
        )
        return
    flag = truth(enabled.value)
    if flag is None:
        emit(rule, enabled, path, value, State.CONDITIONAL, _sets(path, enabled.value))
    else:
        emit(rule, enabled, path, value, State.ENABLED if flag else State.DISABLED, _sets(path, flag))


def _sets(path: str, value: Any) -> str:
    shown = "an object" if isinstance(value, dict) else json.dumps(value)
    return f"the config sets {path} to {shown}"


def _is_auto(value: Any) -> bool:
    return isinstance(value, str) and value.strip().lower() == "auto"


def _number(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None
