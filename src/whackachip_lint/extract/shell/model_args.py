"""Model size, parallel sizes, optimiser and fine-tuning mode passed to a training script (WAC506-WAC510).

Called by launchers.py for each `--option` of a launched script's arguments that the model tables know; returns
how many following words it consumed. The tables (`extract/model_tables.py`) are shared with the config.json
reader and the memory model.
"""

from __future__ import annotations

import re

from ...evidence import State, Value
from ..model_tables import (
    LAUNCH_DIMENSION_SWITCHES,
    LAUNCH_DIMENSIONS,
    LAUNCH_MODEL_NAMES,
    LAUNCH_OPTIMIZERS,
    LAUNCH_PARALLEL,
    LAUNCH_PARALLEL_SWITCHES,
    LAUNCH_PEFT,
    OPTIMIZERS,
    params_from_model_name,
)
from .states import combine
from .words import Word
from ...rules.codes import Code


def is_model_option(key: str) -> bool:
    return (
        key in LAUNCH_DIMENSIONS or key in LAUNCH_DIMENSION_SWITCHES or key in LAUNCH_PARALLEL
        or key in LAUNCH_PARALLEL_SWITCHES or key in LAUNCH_MODEL_NAMES or key in LAUNCH_OPTIMIZERS
        or key in LAUNCH_PEFT
    )


def model_option(key: str, word: Word, value: Word | None, following: Word | None, launcher: str, state: State,
                 sink) -> int:
    """Report one model-size option; `value` is an inline `--opt=value`. Returns the words consumed after `word`."""
    name = word.text.partition("=")[0]
    properties: dict[str, Value] = {"flag": name, "launcher": launcher}
    if key in LAUNCH_DIMENSION_SWITCHES:
        sink.add(Code.MODEL_DIMENSION, True, state, word, None, f"{name} passed to {launcher}",
                 {**properties, "dimension": LAUNCH_DIMENSION_SWITCHES[key]})
        return 0
    if key in LAUNCH_PARALLEL_SWITCHES:
        sink.add(Code.MODEL_PARALLEL_SIZE, True, state, word, None, f"{name} passed to {launcher}",
                 {**properties, "axis": LAUNCH_PARALLEL_SWITCHES[key]})
        return 0
    peft = LAUNCH_PEFT.get(key)
    if peft is not None and peft[0] == "switch":
        sink.add(Code.LOW_MEMORY_FINETUNE, peft[1], state, word, None, f"{name} passed to {launcher}", properties)
        return 0
    consumed = 0
    if value is None and following is not None and not following.is_option:
        value, consumed = following, 1
    if value is None:
        return 0
    if key in LAUNCH_DIMENSIONS or key in LAUNCH_PARALLEL:
        rule, extra = ((Code.MODEL_DIMENSION, {"dimension": LAUNCH_DIMENSIONS[key]}) if key in LAUNCH_DIMENSIONS
                       else (Code.MODEL_PARALLEL_SIZE, {"axis": LAUNCH_PARALLEL[key]}))
        number = int(value.text) if value.known and re.fullmatch(r"\d+", value.text) else None
        if number is None:
            sink.add(rule, value.shown, combine(state, State.CONDITIONAL), word, value,
                     f"{name} {value.shown} is not decided by this file", {**properties, **extra})
        else:
            sink.add(rule, number, state, word, value, f"{name} {number} passed to {launcher}", {**properties, **extra})
    elif key in LAUNCH_MODEL_NAMES:
        size = params_from_model_name(value.text) if value.known else None
        if size is not None:
            sink.add(Code.MODEL_NAME_SIZE, value.text, state, word, value, f"{name} {value.text} passed to {launcher}",
                     {**properties, "params_b": size})
    elif key in LAUNCH_OPTIMIZERS:
        optimizer = OPTIMIZERS.get(value.text.lower()) if value.known else None
        if optimizer is not None:
            sink.add(Code.OPTIMIZER, optimizer, state, word, value, f"{name} {value.text} passed to {launcher}",
                     {**properties, "spelled": value.text})
    elif peft is not None:
        choice = peft[1].get(value.text.lower()) if value.known else None  # type: ignore[union-attr]
        if choice is not None:
            sink.add(Code.LOW_MEMORY_FINETUNE, choice, state, word, value, f"{name} {value.text} passed to {launcher}", properties)
    return consumed
