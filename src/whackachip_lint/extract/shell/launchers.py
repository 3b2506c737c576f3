"""Launch command lines: which launcher, how many devices and nodes, which hostfile, config and script.

Works on words already expanded (see words.py). Each launcher is a row of
data: the options that carry a fact, the options known to take no value, and
what follows the options (a Python program, or another command line for
srun/mpirun). Options not listed are skipped: `--opt=value` whole, `--opt
value` by taking the next word unless it looks like the program.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from typing import Callable, Mapping

from ...evidence import State, Value
from .states import combine
from .words import Word


@dataclass(frozen=True)
class Launcher:
    value: str | None  # the WAC404 value; None for commands that run a job but are no distributed launcher
    options: Mapping[str, str] = field(default_factory=dict)  # spelling -> meaning
    flags: frozenset[str] = frozenset()  # options that take no value
    then: str = "script"  # "script" (a Python program and its args) or "command" (another command line)
    short_values: frozenset[str] = frozenset()  # short options that take a value (may be glued: -N4)


_TORCHRUN_OPTIONS = {
    "--nproc_per_node": "gpus",
    "--nproc-per-node": "gpus",
    "--nnodes": "nodes",
    "-m": "module",
    "--module": "module",
}
_TORCHRUN_FLAGS = frozenset(
    {"--standalone", "--use_env", "--use-env", "--no_python", "--no-python", "--run_path", "--run-path", "-m", "--module"}
)

LAUNCHERS: dict[str, Launcher] = {
    "torchrun": Launcher("torchrun", _TORCHRUN_OPTIONS, _TORCHRUN_FLAGS),
    "torch.distributed.run": Launcher("torchrun", _TORCHRUN_OPTIONS, _TORCHRUN_FLAGS),
    "torch.distributed.launch": Launcher("torch.distributed.launch", _TORCHRUN_OPTIONS, _TORCHRUN_FLAGS),
    "deepspeed": Launcher(
        "deepspeed",
        {
            "--num_gpus": "gpus",
            "--num-gpus": "gpus",
            "--num_nodes": "nodes",
            "--num-nodes": "nodes",
            "--hostfile": "hostfile",
            "-H": "hostfile",
            "--module": "module",
        },
        frozenset(
            {"--no_python", "--no_local_rank", "--no_ssh_check", "--force_multi", "--module", "--bind_cores_to_rank",
             "--no_ssh", "--elastic_training"}
        ),
    ),
    "accelerate": Launcher(
        "accelerate",
        {
            "--config_file": "config",
            "--config-file": "config",
            "--deepspeed_config_file": "config",
            "--num_processes": "processes",
            "--num_machines": "nodes",
            "--mixed_precision": "precision",
            "--deepspeed_hostfile": "hostfile",
            "--zero_stage": "zero_stage",
            "--offload_optimizer_device": "offload",
            "--offload_param_device": "offload",
            "--gradient_accumulation_steps": "grad_accum",
            "--use_fsdp": "fsdp",
            "-m": "module",
            "--module": "module",
        },
        frozenset(
            {"--multi_gpu", "--use_deepspeed", "--use_fsdp", "--use_megatron_lm", "--cpu", "--tpu", "--same_network",
             "--no_python", "--module", "-m", "--debug", "-q", "--quiet", "--enable_cpu_affinity"}
        ),
    ),
    "srun": Launcher(
        "srun",
        {"-N": "nodes", "--nodes": "nodes", "--gpus-per-node": "gpus", "--gres": "gres"},
        frozenset({"--exclusive", "--pty", "-l", "--label", "-u", "--unbuffered", "-K", "--kill-on-bad-exit", "-v",
                   "--overlap", "-Q", "--quiet"}),
        then="command",
        short_values=frozenset({"-N", "-n", "-c", "-p", "-t", "-J", "-o", "-e", "-w", "-x", "-A", "-q", "-C", "-G",
                                "-D", "-m", "-d", "-i", "-W", "-r", "-s"}),
    ),
    "sbatch": Launcher(
        None,
        {"-N": "nodes", "--nodes": "nodes", "--gpus-per-node": "gpus", "--gres": "gres"},
        frozenset({"--exclusive", "--wait", "-W", "--parsable", "-Q", "--quiet", "-H", "--hold", "--requeue"}),
        then="none",
        short_values=frozenset({"-N", "-n", "-c", "-p", "-t", "-J", "-o", "-e", "-w", "-x", "-A", "-q", "-C", "-G",
                                "-D", "-d", "-i", "-a", "-M", "-L"}),
    ),
    "mpirun": Launcher(
        "mpirun",
        {
            "-npernode": "gpus",
            "--npernode": "gpus",
            "-N": "gpus",
            "--map-by": "map_by",
            "-map-by": "map_by",
            "-hostfile": "hostfile",
            "--hostfile": "hostfile",
            "-machinefile": "hostfile",
            "--machinefile": "hostfile",
            "-f": "hostfile",
            "-x": "env",
            "-genv": "env2",
            "-mca": "pair",
            "--mca": "pair",
        },
        frozenset({"--allow-run-as-root", "-allow-run-as-root", "--oversubscribe", "-oversubscribe", "--tag-output",
                   "-tag-output", "--display-map", "-display-map", "--report-bindings", "-report-bindings", "-v",
                   "--verbose", "-q", "--quiet", "-l", "-prepend-rank", "--prepend-rank"}),
        then="command",
        short_values=frozenset({"-n", "-np", "-c", "-H", "-N", "-x", "-f", "-ppn"}),
    ),
}
LAUNCHERS["mpiexec"] = LAUNCHERS["orterun"] = LAUNCHERS["mpirun"]

# Modules that `python -m` turns into a launcher.
MODULE_LAUNCHERS = {
    "torch.distributed.run": "torch.distributed.run",
    "torch.distributed.launch": "torch.distributed.launch",
    "deepspeed.launcher.runner": "deepspeed",
    "accelerate.commands.launch": "accelerate",
}

# Commands that run the rest of the line (after their own options).
WRAPPERS = frozenset({"nohup", "time", "exec", "command", "stdbuf", "nice", "ionice", "setsid", "taskset", "numactl"})
_WRAPPER_VALUES = {"nice": {"-n"}, "taskset": {"-c"}, "ionice": {"-c", "-n"}}
_PYTHON = re.compile(r"^python(?:[23](?:\.\d+)?)?$")
_PYTHON_VALUES = {"-W", "-X", "-Q"}
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")

# Flags a training script takes whose values are hardware facts (keys: spelling without dashes, "_" for "-").
SCRIPT_FLAGS: dict[str, tuple[str, str]] = {
    "bf16": ("bool", "WAC101"),
    "fp16": ("bool", "WAC102"),
    "tf32": ("bool", "WAC103"),
    "mixed_precision": ("precision", ""),
    "precision": ("precision", ""),
    "trainer.precision": ("precision", ""),
    "torch_dtype": ("precision", ""),
    "ddp_backend": ("backend", "WAC201"),
    "dist_backend": ("backend", "WAC201"),
    "distributed_backend": ("backend", "WAC201"),
    "deepspeed": ("config", "WAC406"),
    "deepspeed_config": ("config", "WAC406"),
    "ds_config": ("config", "WAC406"),
}
BACKENDS = frozenset({"nccl", "gloo", "mpi", "hccl", "ccl", "xla", "ucc", "cncl", "mccl"})
_TRUE = {"true", "1", "yes", "y", "t", "on"}
_FALSE = {"false", "0", "no", "n", "f", "off"}
# Precision spellings -> (rule, value).
PRECISIONS = {
    "bf16": ("WAC101", "bf16"),
    "bfloat16": ("WAC101", "bf16"),
    "bf16-mixed": ("WAC101", "bf16"),
    "bf16-true": ("WAC101", "bf16"),
    "fp16": ("WAC102", "fp16"),
    "float16": ("WAC102", "fp16"),
    "half": ("WAC102", "fp16"),
    "16": ("WAC102", "fp16"),
    "16-mixed": ("WAC102", "fp16"),
    "16-true": ("WAC102", "fp16"),
    "fp8": ("WAC104", "fp8"),
}
_OFF_PRECISIONS = {"no", "fp32", "32", "32-true", "float32", "none"}


@dataclass
class Sink:
    """Where the analysis reports: findings, env assignments it meets, and path resolution."""

    add: Callable[..., None]  # add(rule, value, state, start_word, end_word, detail, properties)
    env: Callable[[Word, State], None]  # a NAME=VALUE word handed to a program's environment
    resolve: Callable[[str], str | None]  # a path as written -> path relative to the scanned root


def analyze(words: list[Word], state: State, sink: Sink) -> None:
    """Report what a command line launches."""
    index = _skip_wrappers(words, state, sink)
    if index >= len(words):
        return
    head = words[index]
    if not head.known:
        return
    name = os.path.basename(head.text)
    if _PYTHON.match(name):
        _python(words, index, state, sink)
    elif name == "accelerate":
        if index + 1 < len(words) and words[index + 1].text == "launch":
            _launch(LAUNCHERS["accelerate"], words, index, index + 2, state, sink)
    elif name in LAUNCHERS:
        _launch(LAUNCHERS[name], words, index, index + 1, state, sink)


def _skip_wrappers(words: list[Word], state: State, sink: Sink) -> int:
    index = 0
    while index < len(words):
        word = words[index]
        name = os.path.basename(word.text) if word.known else ""
        if name == "env":
            index += 1
            while index < len(words):
                current = words[index]
                if current.text in ("-u", "--unset"):
                    index += 2
                elif current.is_option:
                    index += 1
                elif "=" in current.text and _NAME.match(current.text.partition("=")[0]):
                    sink.env(current, state)
                    index += 1
                else:
                    break
        elif name in WRAPPERS:
            index += 1
            while index < len(words) and words[index].is_option:
                index += 2 if words[index].text in _WRAPPER_VALUES.get(name, ()) else 1
        elif name == "timeout":
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
            _script_args(words[position + 1 :], "python", state, sink)
            return
        position += 2 if word.text in _PYTHON_VALUES else 1


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
    launcher = spec.value
    module = any(meaning == "module" for meaning, _, _ in facts)
    if launcher is not None:
        properties: dict[str, Value] = {}
        if program is not None and spec.then == "script":
            properties["module" if module else "script"] = program.text
            resolved = None if module or not program.known else sink.resolve(program.text)
            if resolved:
                properties["script_resolved"] = resolved
        elif program is not None and spec.then == "command":
            properties["command"] = os.path.basename(program.text)
        detail = f"it runs {program.text}" if program is not None else ""
        sink.add("WAC404", launcher, state, words[head], head_end or words[head], detail, properties)
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
    return not (name.endswith((".py", ".sh")) or _PYTHON.match(name) or name in LAUNCHERS or name in WRAPPERS)


def _inline_value(word: Word, option: str, inline: str, separator: int = 1) -> Word:
    skip = len(option.encode("utf-8")) + separator
    start = (word.start[0], word.start[1] + skip) if word.start[0] == word.end[0] else word.start
    return Word(inline, start, word.end, word.known, word.default_of, word.variables)


def _number(word: Word) -> int | None:
    return int(word.text) if word.known and re.fullmatch(r"\d+", word.text) else None


def _count_fact(rule: str, flag: Word, value: Word | None, launcher: str, state: State, sink: Sink, text: str | None = None) -> None:
    if value is None:
        return
    raw = value.text if text is None else text
    number = int(raw) if value.known and re.fullmatch(r"\d+", raw) else None
    properties: dict[str, Value] = {"flag": flag.text.partition("=")[0], "launcher": launcher}
    if value.default_of:
        properties["default_of"] = value.default_of
    if number is None:
        sink.add(rule, raw, combine(state, State.CONDITIONAL), flag, value,
                 f"{flag.text.partition('=')[0]} {raw} is not decided by this file", properties)
    else:
        sink.add(rule, number, state, flag, value, f"{flag.text.partition('=')[0]} {number} passed to {launcher}", properties)


def _facts(facts, launcher: str, state: State, sink: Sink) -> None:
    processes = machines = None
    for meaning, flag, value in facts:
        name = flag.text.partition("=")[0]
        if meaning == "gpus" and value is not None:
            text = value.text.rsplit(":", 1)[-1] if value.known else value.text  # --gpus-per-node=a100:8
            _count_fact("WAC401", flag, value, launcher, state, sink, text)
        elif meaning == "gres" and value is not None:
            match = re.search(r"(?:^|,)gpu(?::[\w.-]+)?:(\d+)", value.text) if value.known else None
            if match:
                _count_fact("WAC401", flag, value, launcher, state, sink, match.group(1))
        elif meaning == "map_by" and value is not None:
            match = re.fullmatch(r"ppr:(\d+):node\S*", value.text) if value.known else None
            if match:
                _count_fact("WAC401", flag, value, launcher, state, sink, match.group(1))
        elif meaning == "nodes":
            if launcher == "accelerate":
                machines = (flag, value)
            _count_fact("WAC402", flag, value, launcher, state, sink)
        elif meaning == "processes":
            processes = (flag, value)
        elif meaning in ("hostfile", "config") and value is not None:
            rule = "WAC405" if meaning == "hostfile" else "WAC406"
            _path_fact(rule, flag, value, launcher, state, sink)
        elif meaning == "precision" and value is not None:
            _precision(flag, value, launcher, state, sink)
        elif meaning == "zero_stage" and value is not None and _number(value) is not None:
            number = _number(value)
            sink.add("WAC501", number, state if number else combine(state, State.DISABLED), flag, value,
                     f"{name} {number}", {"flag": name, "launcher": launcher})
        elif meaning == "offload" and value is not None and value.known:
            device = value.text.lower()
            sink.add("WAC502", device, combine(state, State.DISABLED) if device == "none" else state, flag, value,
                     f"{name} {device}", {"flag": name, "launcher": launcher})
        elif meaning == "grad_accum" and value is not None and _number(value) is not None:
            number = _number(value)
            sink.add("WAC503", number, state if number > 1 else combine(state, State.DISABLED), flag, value,
                     f"{name} {number}", {"flag": name, "launcher": launcher})
        elif meaning == "fsdp":
            sink.add("WAC505", "fsdp", state, flag, None, f"{name} passed to {launcher}", {"flag": name, "launcher": launcher})
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
        sink.add("WAC401", total // count, state, flag, value,
                 f"{flag.text.partition('=')[0]} {total} over {count} machine(s) passed to {launcher}",
                 {"flag": flag.text.partition("=")[0], "launcher": launcher})
    else:
        sink.add("WAC401", value.text, combine(state, State.CONDITIONAL), flag, value,
                 "processes per machine not decided by this file", {"flag": flag.text.partition("=")[0], "launcher": launcher})


def _path_fact(rule: str, flag: Word, value: Word, launcher: str, state: State, sink: Sink) -> None:
    name = flag.text.partition("=")[0]
    properties: dict[str, Value] = {"flag": name, "launcher": launcher}
    if not value.known:
        sink.add(rule, value.text, combine(state, State.CONDITIONAL), flag, value,
                 f"{name} {value.text} is not decided by this file", properties)
        return
    resolved = sink.resolve(value.text)
    if resolved:
        properties["resolved"] = resolved
    sink.add(rule, value.text, state, flag, value, f"{name} {value.text} passed to {launcher}", properties)


def _precision(flag: Word, value: Word, launcher: str, state: State, sink: Sink) -> None:
    name = flag.text.partition("=")[0]
    properties: dict[str, Value] = {"flag": name, "launcher": launcher}
    if not value.known:
        return  # which precision is undecided: no rule to attach it to
    text = value.text.strip("'\"").lower()
    found = PRECISIONS.get(text)
    if found is not None:
        rule, label = found
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
            continue
        kind, rule = entry
        following = args[position] if position < len(args) else None
        value = _inline_value(word, option, inline) if equals else None
        properties: dict[str, Value] = {"flag": option, "launcher": launcher}
        if kind == "bool":
            if value is None and following is not None and (
                following.text.lower() in _TRUE | _FALSE or not following.known
            ):
                value = following
                position += 1
            label = {"WAC101": "bf16", "WAC102": "fp16", "WAC103": "tf32"}[rule]
            if value is None:
                sink.add(rule, label, state, word, None, f"{option} passed to {launcher}", properties)
            elif not value.known:
                sink.add(rule, label, combine(state, State.CONDITIONAL), word, value,
                         f"{option} {value.text} is not decided by this file", properties)
            else:
                on = value.text.lower() in _TRUE
                own = State.ENABLED if on else State.DISABLED if value.text.lower() in _FALSE else State.CONDITIONAL
                sink.add(rule, label, combine(state, own), word, value, f"{option} {value.text} passed to {launcher}", properties)
            continue
        if value is None and following is not None and not following.is_option:
            value = following
            position += 1
        if value is None:
            continue
        if kind == "precision":
            _precision(word, value, launcher, state, sink)
        elif kind == "backend":
            if value.known and value.text.lower() in BACKENDS:
                sink.add(rule, value.text.lower(), state, word, value, f"{option} {value.text} passed to {launcher}", properties)
            elif not value.known:
                sink.add(rule, value.text, combine(state, State.CONDITIONAL), word, value,
                         f"{option} {value.text} is not decided by this file", properties)
        elif kind == "config":
            if value.known and value.text.lower() in _TRUE | _FALSE:
                continue  # Megatron-DeepSpeed's bare `--deepspeed` switch, not a path
            _path_fact(rule, word, value, launcher, state, sink)
