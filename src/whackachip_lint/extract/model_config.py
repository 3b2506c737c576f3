"""Hugging Face model configs (`config.json`): the dimensions of the model a repository trains (WAC506).

Recognised by keys, not by name: a top-level `model_type` with the layer count and the hidden size. Only top-level
keys are read (a multimodal config's nested `text_config` is another model's). The memory model turns the
dimensions into a parameter count (`infer/memory.py`).
"""

from __future__ import annotations

import json

from ..evidence import RawFinding, State, Value
from . import Source
from .deepspeed import top_entries
from .model_tables import CONFIG_DIMENSIONS, CONFIG_REQUIRED
from .treesitter import Positions
from ..rules.codes import Code

_MARKER = b'"model_type"'


def extract(source: Source) -> list[RawFinding]:
    data = source.text.encode("utf-8")
    if _MARKER not in data:
        return []  # most JSON is not a model config: one substring test
    try:
        parsed = json.loads(source.text)
    except (ValueError, RecursionError):
        return []  # not loadable JSON: the DeepSpeed reader of the same file reports it when it matters
    if not isinstance(parsed, dict) or not isinstance(parsed.get("model_type"), str):
        return []
    present = {CONFIG_DIMENSIONS[k] for k, v in parsed.items() if k in CONFIG_DIMENSIONS and _usable(v)}
    if not CONFIG_REQUIRED <= present:
        return []
    top = top_entries(data)
    if top is None:
        return []
    positions = Positions(data)
    found = []
    for key, entry in top.items():
        dimension = CONFIG_DIMENSIONS.get(key)
        if dimension is None or not _usable(entry.value):
            continue
        value: Value = entry.value
        properties: dict[str, Value] = {"key": key, "dimension": dimension, "model_type": parsed["model_type"]}
        found.append(RawFinding(Code.MODEL_DIMENSION, value, State.ENABLED, positions.span(entry.start, entry.end),
                                f"`{key}: {json.dumps(value)}` in a {parsed['model_type']} model config", properties))
    return found


def _usable(value: object) -> bool:
    return isinstance(value, bool) or (isinstance(value, int) and value > 0)
