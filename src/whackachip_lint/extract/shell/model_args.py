"""Model size, parallel sizes, optimiser and fine-tuning mode passed to a training script (WAC506-WAC510).

Called by launchers.py for each `--option` of a launched script's arguments that the model tables know; returns
how many following words it consumed. The tables (`extract/model_tables.py`) are shared with the config.json
reader and the memory model.
"""

from __future__ import annotations

import re

from ...evidence import State, Value
from ...vocab.truth import truth as word_truth
from ..model_tables import (
    LAUNCH_CHECKPOINTING,
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
        or key in LAUNCH_PEFT or key in LAUNCH_CHECKPOINTING
    )


# Options whose value is a mode of the run (a switch, or a word from a table) and the rule reporting it.
_MODE_TABLES = ((LAUNCH_PEFT, Code.LOW_MEMORY_FINETUNE), (LAUNCH_CHECKPOINTING, Code.ACTIVATION_CHECKPOINTING))


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
    for table, rule in _MODE_TABLES:
        if key in table:
            return _mode_option(rule, table[key], name, word, value, following, launcher, state, properties, sink)
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
    return consumed


def _mode_option(rule, spec, name, word, value, following, launcher, state, properties, sink) -> int:
    """A switch (`--use_peft`, `--gradient_checkpointing False`) or a choice (`--finetuning_type lora`)."""
    kind, meaning = spec
    after = value if value is not None else (following if following is not None and not following.is_option else None)
    if kind == "switch":
        truth = word_truth(after.text) if after is not None and after.known else None
        own = combine(state, State.DISABLED) if truth is False else state
        shown = f"{name} {after.text}" if truth is not None else name
        sink.add(rule, meaning, own, word, None, f"{shown} passed to {launcher}", properties)
        return 1 if value is None and truth is not None else 0
    choice = meaning.get(after.text.lower()) if after is not None and after.known else None
    if choice is not None:
        sink.add(rule, choice, state, word, after, f"{name} {after.text} passed to {launcher}", properties)
    return 1 if value is None and after is not None else 0
