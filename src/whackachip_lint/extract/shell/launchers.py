"""Launch command lines: which launcher, how many devices and nodes, which hostfile, config and script.

Works on words already expanded (see words.py), reading each launcher's row
in launch_tables.py. Options not listed are skipped: `--opt=value` whole,
`--opt value` by taking the next word unless it looks like the program.
"""

from __future__ import annotations

import os
import re
import shlex
from dataclasses import dataclass, replace
from typing import Callable

from ...evidence import State, Value
from .launch_tables import (
    ENV,
    FORMAT_VALUES,
    FSDP_SHARDING,
    LAUNCHERS,
    MODULE_LAUNCHERS,
    PYTHON,
    PYTHON_OPTIONS_WITH_VALUES,
    SCRIPT_FLAGS,
    SCRIPT_LAUNCHERS,
    SUBCOMMAND_LAUNCHERS,
    TIMEOUT,
    TOOL_WRAPPERS,
    VARIABLE_NAME,
    WRAPPER_OPTIONS_WITH_VALUES,
    WRAPPERS,
    Launcher,
)
from ...vocab.backends import COLLECTIVE_BACKENDS
from ...vocab.devices import device_type
from ...vocab.precision import SHORT_NAMES, precision_of
from ...vocab.truth import FALSE_WORDS, TRUE_WORDS
from ..model_tables import option_key
from . import commands
from .model_args import is_model_option, model_option
from .states import combine
from .words import Word
from ...rules.codes import Code


@dataclass
class Sink:
    """Where the analysis reports: findings, env assignments it meets, and path resolution."""

    add: Callable[..., None]  # add(rule, value, state, start_word, end_word, detail, properties)
    env: Callable[[Word, State], None]  # a NAME=VALUE word handed to a program's environment
    resolve: Callable[[str, bool], str | None]  # (path, anchored at the root?) -> path relative to the scanned root


def analyze(words: list[Word], state: State, sink: Sink) -> None:
    """Report what a command line launches."""
    index = _skip_wrappers(words, state, sink)
    if index >= len(words):
        return
    head = words[index]
    if not head.known:
        return
    name = os.path.basename(head.text)
    if commands.analyze(name, words, index, state, sink):
        if name in TOOL_WRAPPERS:
            analyze(words[index + 1 :], state, sink)
        return
    if PYTHON.match(name):
        _python(words, index, state, sink)
    elif name in SUBCOMMAND_LAUNCHERS:
        following = tuple(w.text for w in words[index + 1 : index + 3])
        for sub in SUBCOMMAND_LAUNCHERS[name]:
            if following[: len(sub)] == sub:
                _launch(LAUNCHERS[name], words, index, index + 1 + len(sub), state, sink)
                break
    elif name in LAUNCHERS:
        _launch(LAUNCHERS[name], words, index, index + 1, state, sink)


def _skip_wrappers(words: list[Word], state: State, sink: Sink) -> int:
    index = 0
    while index < len(words):
        word = words[index]
        name = os.path.basename(word.text) if word.known else ""
        if name == ENV:
            index += 1
            while index < len(words):
                current = words[index]
                if current.text in WRAPPER_OPTIONS_WITH_VALUES[ENV]:
                    index += 2
                elif current.is_option:
                    index += 1
                elif "=" in current.text and VARIABLE_NAME.match(current.text.partition("=")[0]):
                    sink.env(current, state)
                    index += 1
                else:
                    break
        elif name in WRAPPERS:
            index += 1
            while index < len(words) and words[index].is_option:
                index += 2 if words[index].text in WRAPPER_OPTIONS_WITH_VALUES.get(name, ()) else 1
        elif name == TIMEOUT:
            index += 1
            while index < len(words) and words[index].is_option:
                index += 1
            index += 1  # the duration
        else:
            return index
    return index


def _python(words: list[Word], index: int, state: State, sink: Sink) -> None:
    position = index + 1
    while position < len(words):
        word = words[position]
        if word.text == "-m" and position + 1 < len(words):
            module = words[position + 1]
            launcher = MODULE_LAUNCHERS.get(module.text)
            if launcher is not None:
                _launch(LAUNCHERS[launcher], words, index, position + 2, state, sink, head_end=module)
            else:
                _script_args(words[position + 2 :], "python", state, sink)
            return
        if word.text == "-c" or word.text == "-":
            return
        if not word.is_option:
            launcher = SCRIPT_LAUNCHERS.get(os.path.basename(word.text)) if word.known else None
            if launcher is not None:
                _launch(LAUNCHERS[launcher], words, index, position + 1, state, sink, head_end=word)
            else:
                _script_args(words[position + 1 :], "python", state, sink)
            return
        position += 2 if word.text in PYTHON_OPTIONS_WITH_VALUES else 1


def _launch(
    spec: Launcher, words: list[Word], head: int, start: int, state: State, sink: Sink, head_end: Word | None = None
) -> None:
    facts: list[tuple[str, Word, Word | None]] = []
    position = start
    while position < len(words):
        word = words[position]
        if word.text == "--":
            position += 1
            break
        if not word.is_option:
            break
        option, equals, inline = word.text.partition("=")
        separator = 1
        if not equals and option not in spec.options and option not in spec.flags and option not in spec.short_values:
            glued = option[:2]
            if not option.startswith("--") and len(option) > 2 and glued in spec.short_values:
                option, equals, inline, separator = glued, "=", option[2:], 0  # -N4
        meaning = spec.options.get(option)
        value: Word | None = None
        if equals:
            value = _inline_value(word, option, inline, separator)
            if not separator:
                word = replace(word, text=f"{option}={inline}")  # report -N4 as the option -N
        elif option in spec.flags:
            pass
        elif position + 1 < len(words) and _takes_next(option, words[position + 1], spec):
            position += 1
            value = words[position]
            if meaning == "pair" and position + 1 < len(words):
                position += 1  # --mca NAME VALUE
        position += 1
        if meaning is not None:
            facts.append((meaning, word, value))
    program = words[position] if position < len(words) else None
    if spec.needs_script and (program is None or not program.text.endswith(".py")):
        return  # `composer install`: PHP's package manager, no launch
    launcher = spec.value
    module = any(meaning == "module" for meaning, _, _ in facts)
    if launcher is not None:
        properties: dict[str, Value] = {}
        if program is not None and spec.then == "script":
            properties["module" if module else "script"] = program.shown
            resolved = None if module or not program.known else sink.resolve(program.text, program.anchored)
            if resolved:
                properties["script_resolved"] = resolved
            arguments = words[position + 1 :]
            if arguments:
                # The program's own arguments, as resolved here: the inference overrides argparse defaults with them.
                properties["script_args"] = " ".join(shlex.quote(w.shown) for w in arguments)
        elif program is not None and spec.then == "command":
            properties["command"] = os.path.basename(program.text)
        detail = f"it runs {program.shown}" if program is not None else ""
        sink.add(Code.LAUNCHER, launcher, state, words[head], head_end or words[head], detail, properties)
    _facts(facts, launcher or os.path.basename(words[head].text), state, sink)
    if spec.then == "command":
        analyze(words[position:], state, sink)
    elif spec.then == "script" and program is not None:
        _script_args(words[position + 1 :], launcher or "python", state, sink)


def _takes_next(option: str, following: Word, spec: Launcher) -> bool:
    if option in spec.options or option in spec.short_values:
        return True
    if following.is_option:
        return False
    name = os.path.basename(following.text)
    return not (name.endswith((".py", ".sh")) or PYTHON.match(name) or name in LAUNCHERS or name in WRAPPERS)


def _inline_value(word: Word, option: str, inline: str, separator: int = 1) -> Word:
    skip = len(option.encode("utf-8")) + separator
    start = (word.start[0], word.start[1] + skip) if word.start[0] == word.end[0] else word.start
    raw = word.raw.partition("=")[2] if word.raw and "=" in word.raw else None
    return Word(inline, start, word.end, word.known, word.default_of, word.variables, raw)


def _number(word: Word) -> int | None:
    return int(word.text) if word.known and re.fullmatch(r"\d+", word.text) else None


def _count_fact(
    rule: str, flag: Word, value: Word | None, launcher: str, state: State, sink: Sink, text: str | None = None
) -> None:
    if value is None:
        return
    raw = value.shown if text is None else text
    number = int(raw) if value.known and re.fullmatch(r"\d+", raw) else None
    properties: dict[str, Value] = {"flag": flag.text.partition("=")[0], "launcher": launcher}
    if value.default_of:
        properties["default_of"] = value.default_of
    if number is None:
        sink.add(
            rule,
            raw,
            combine(state, State.CONDITIONAL),
            flag,
            value,
            f"{flag.text.partition('=')[0]} {raw} is not decided by this file",
            properties,
        )
    else:
        sink.add(
            rule, number, state, flag, value, f"{flag.text.partition('=')[0]} {number} passed to {launcher}", properties
        )


def _facts(facts, launcher: str, state: State, sink: Sink) -> None:
    processes = machines = None
    for meaning, flag, value in facts:
        name = flag.text.partition("=")[0]
        if meaning == "gpus" and value is not None:
            text = value.text.rsplit(":", 1)[-1] if value.known else value.shown  # --gpus-per-node=a100:8
            _count_fact(Code.GPUS_PER_NODE, flag, value, launcher, state, sink, text)
        elif meaning == "gres" and value is not None:
            match = re.search(r"(?:^|,)gpu(?::[\w.-]+)?:(\d+)", value.text) if value.known else None
            if match:
                _count_fact(Code.GPUS_PER_NODE, flag, value, launcher, state, sink, match.group(1))
        elif meaning == "map_by" and value is not None:
            match = re.fullmatch(r"ppr:(\d+):node\S*", value.text) if value.known else None
            if match:
                _count_fact(Code.GPUS_PER_NODE, flag, value, launcher, state, sink, match.group(1))
        elif meaning == "nodes":
            if launcher == "accelerate":
                machines = (flag, value)
            _count_fact(Code.NODE_COUNT, flag, value, launcher, state, sink)
        elif meaning == "processes":
            processes = (flag, value)
        elif meaning in ("hostfile", "config") and value is not None:
            rule = Code.HOSTFILE if meaning == "hostfile" else Code.LAUNCH_CONFIG
            _path_fact(rule, flag, value, launcher, state, sink)
        elif meaning == "precision" and value is not None:
            _precision(flag, value, launcher, state, sink)
        elif meaning == "device" and value is not None and value.known and device_type(value.text) is not None:
            sink.add(Code.DEVICE_TYPE, device_type(value.text), state, flag, value,
                     f"{name} {value.text} passed to {launcher}", {"flag": name, "launcher": launcher})
        elif meaning == "zero_stage" and value is not None and _number(value) is not None:
            number = _number(value)
            sink.add(
                Code.ZERO_STAGE,
                number,
                state if number else combine(state, State.DISABLED),
                flag,
                value,
                f"{name} {number}",
                {"flag": name, "launcher": launcher},
            )
        elif meaning == "offload" and value is not None and value.known:
            device = value.text.lower()
            sink.add(
                Code.ZERO_OFFLOAD,
                device,
                combine(state, State.DISABLED) if device == "none" else state,
                flag,
                value,
                f"{name} {device}",
                {"flag": name, "launcher": launcher},
            )
        elif meaning == "grad_accum" and value is not None and _number(value) is not None:
            number = _number(value)
            sink.add(
                Code.GRADIENT_ACCUMULATION,
                number,
                state if number > 1 else combine(state, State.DISABLED),
                flag,
                value,
                f"{name} {number}",
                {"flag": name, "launcher": launcher},
            )
        elif meaning == "fsdp":
            sink.add(
                Code.FSDP,
                "fsdp",
                state,
                flag,
                None,
                f"{name} passed to {launcher}",
                {"flag": name, "launcher": launcher},
            )
        elif meaning in ("env", "env2") and value is not None and "=" in value.text:
            sink.env(value, state)
    if processes is not None and processes[1] is not None:
        _per_node(processes, machines, launcher, state, sink)


def _per_node(processes, machines, launcher: str, state: State, sink: Sink) -> None:
    """accelerate counts processes over all machines: per node is the quotient when both are known."""
    flag, value = processes
    total = _number(value)
    count = 1 if machines is None else (_number(machines[1]) if machines[1] is not None else None)
    if total is not None and count and total % count == 0:
        spread = "on one machine" if count == 1 else f"over {count} machines"
        sink.add(
            Code.GPUS_PER_NODE,
            total // count,
            state,
            flag,
            value,
            f"{flag.text.partition('=')[0]} {total} {spread} passed to {launcher}",
            {"flag": flag.text.partition("=")[0], "launcher": launcher},
        )
    else:
        sink.add(
            Code.GPUS_PER_NODE,
            value.shown,
            combine(state, State.CONDITIONAL),
            flag,
            value,
            "processes per machine not decided by this file",
            {"flag": flag.text.partition("=")[0], "launcher": launcher},
        )


def _path_fact(rule: str, flag: Word, value: Word, launcher: str, state: State, sink: Sink) -> None:
    name = flag.text.partition("=")[0]
    properties: dict[str, Value] = {"flag": name, "launcher": launcher}
    if not value.known:
        sink.add(
            rule,
            value.shown,
            combine(state, State.CONDITIONAL),
            flag,
            value,
            f"{name} {value.shown} is not decided by this file",
            properties,
        )
        return
    resolved = sink.resolve(value.text, value.anchored)
    if resolved:
        properties["resolved"] = resolved
    sink.add(rule, value.shown, state, flag, value, f"{name} {value.shown} passed to {launcher}", properties)


def _precision(flag: Word, value: Word, launcher: str, state: State, sink: Sink) -> None:
    name = flag.text.partition("=")[0]
    properties: dict[str, Value] = {"flag": name, "launcher": launcher}
    if not value.known:
        return  # which precision is undecided: no rule to attach it to
    text = value.text.strip("'\"").lower()
    found = precision_of(text)
    if found is not None:
        rule, spelled = found
        label = SHORT_NAMES.get(rule, spelled)
        sink.add(rule, label, state, flag, value, f"{name} {value.text} passed to {launcher}", properties)


def _script_args(args: list[Word], launcher: str, state: State, sink: Sink) -> None:
    position = 0
    while position < len(args):
        word = args[position]
        position += 1
        if not word.is_option or not word.text.startswith("--"):
            continue
        option, equals, inline = word.text.partition("=")
        entry = SCRIPT_FLAGS.get(option[2:].replace("-", "_"))
        if entry is None:
            key = option_key(option)
            if is_model_option(key):
                following = args[position] if position < len(args) else None
                position += model_option(key, word, _inline_value(word, option, inline) if equals else None,
                                         following, launcher, state, sink)
            continue
        kind, rule = entry
        following = args[position] if position < len(args) else None
        value = _inline_value(word, option, inline) if equals else None
        properties: dict[str, Value] = {"flag": option, "launcher": launcher}
        if kind == "bool":
            if (
                value is None
                and following is not None
                and (following.text.lower() in TRUE_WORDS | FALSE_WORDS or not following.known)
            ):
                value = following
                position += 1
            label = {Code.BF16_PRECISION: "bf16", Code.FP16_PRECISION: "fp16", Code.TF32_MATMUL: "tf32",
                     Code.FP8_COMPUTE: "fp8", Code.XLA_PLATFORM: "tpu"}[rule]
            if value is None:
                sink.add(rule, label, state, word, None, f"{option} passed to {launcher}", properties)
            elif not value.known:
                sink.add(
                    rule,
                    label,
                    combine(state, State.CONDITIONAL),
                    word,
                    value,
                    f"{option} {value.shown} is not decided by this file",
                    properties,
                )
            else:
                on = value.text.lower() in TRUE_WORDS
                own = (
                    State.ENABLED if on else State.DISABLED if value.text.lower() in FALSE_WORDS else State.CONDITIONAL
                )
                sink.add(
                    rule,
                    label,
                    combine(state, own),
                    word,
                    value,
                    f"{option} {value.text} passed to {launcher}",
                    properties,
                )
            continue
        if value is None and following is not None and not following.is_option:
            value = following
            position += 1
        if kind == "name":
            off = value is not None and value.known and value.text.lower() in FALSE_WORDS | {""}
            shown = "" if value is None else f" {value.shown or chr(34) * 2}"
            sink.add(rule, "tpu", combine(state, State.DISABLED if off else State.ENABLED), word, value,
                     f"{option}{shown} passed to {launcher}", properties)
            continue
        if value is None:
            continue
        if kind == "count":
            _script_count(rule, word, value, launcher, state, sink)
        elif kind == "devices" and value.known and _number(value) is not None:
            number = _number(value)
            sink.add(rule, number, combine(state, State.DISABLED) if number == 0 else state, word, value,
                     f"{option} {number} passed to {launcher}", properties)
        elif kind in ("fp8", "fp4"):
            own = State.ENABLED if value.known else State.CONDITIONAL
            sink.add(
                rule,
                FORMAT_VALUES.get(value.text.lower(), kind) if value.known else kind,
                combine(state, own),
                word,
                value,
                f"{option} {value.shown} passed to {launcher}",
                {**properties, "format": value.shown},
            )
        elif kind == "precision":
            _precision(word, value, launcher, state, sink)
        elif kind == "device" and value.known and device_type(value.text) is not None:
            device = device_type(value.text)
            sink.add(rule, device, state, word, value, f"{option} {value.text} passed to {launcher}", properties)
        elif kind == "backend":
            if value.known and value.text.lower() in COLLECTIVE_BACKENDS:
                sink.add(
                    rule,
                    value.text.lower(),
                    state,
                    word,
                    value,
                    f"{option} {value.text} passed to {launcher}",
                    properties,
                )
            elif not value.known:
                sink.add(
                    rule,
                    value.shown,
                    combine(state, State.CONDITIONAL),
                    word,
                    value,
                    f"{option} {value.shown} is not decided by this file",
                    properties,
                )
        elif kind == "fsdp":
            _script_fsdp(rule, word, value, launcher, state, sink)
        elif kind == "config":
            if value.known and value.text.lower() in TRUE_WORDS | FALSE_WORDS:
                continue  # Megatron-DeepSpeed's bare `--deepspeed` switch, not a path
            _path_fact(rule, word, value, launcher, state, sink)


def _script_fsdp(rule: str, flag: Word, value: Word, launcher: str, state: State, sink: Sink) -> None:
    """`--fsdp "full_shard auto_wrap"` given to a Hugging Face training script: sharded, or not ("no_shard", "")."""
    name = flag.text.partition("=")[0]
    properties: dict[str, Value] = {"flag": name, "launcher": launcher}
    if not value.known:
        sink.add(rule, "fsdp", combine(state, State.CONDITIONAL), flag, value,
                 f"{name} {value.shown} is not decided by this file", properties)
        return
    options = set(value.text.strip("'\"").lower().replace(",", " ").split())
    if options & FSDP_SHARDING or options & TRUE_WORDS:
        own = State.ENABLED
    elif not options or options <= FALSE_WORDS | {"no_shard"}:
        own = State.DISABLED
    else:
        own = State.CONDITIONAL  # only wrapping or offload options: the sharding is the library's default
    sink.add(rule, "fsdp", combine(state, own), flag, value, f"{name} {value.shown} passed to {launcher}", properties)


def _script_count(rule: str, flag: Word, value: Word, launcher: str, state: State, sink: Sink) -> None:
    """Accumulation steps, micro batch, ZeRO stage given to the training script."""
    number = _number(value)
    if number is None:
        _count_fact(rule, flag, value, launcher, state, sink)
        return
    name = flag.text.partition("=")[0]
    # Nothing accumulated / no ZeRO.
    off = (rule == Code.GRADIENT_ACCUMULATION and number <= 1) or (rule == Code.ZERO_STAGE and number == 0)
    sink.add(
        rule,
        number,
        combine(state, State.DISABLED) if off else state,
        flag,
        value,
        f"{name} {number} passed to {launcher}",
        {"flag": name, "launcher": launcher},
    )
