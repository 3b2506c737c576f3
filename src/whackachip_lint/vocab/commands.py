"""Commands that run the command line after them (`nohup python train.py`, `numactl -N 0 torchrun ...`).

The shell extractor (extract/shell/launchers.py) and the Python runs of documented commands
(extract/doc_commands.py) look past them, and past their own options, to the command they run. `env` also takes
NAME=value assignments before the command, `timeout` a duration.
"""

from __future__ import annotations

import re
from pathlib import PurePosixPath

WRAPPERS = frozenset(
    {"nohup", "time", "exec", "command", "stdbuf", "nice", "ionice", "setsid", "taskset", "numactl", "sudo"}
)
ENV = "env"
TIMEOUT = "timeout"
# Wrapper options that take a separate value.
WRAPPER_OPTIONS_WITH_VALUES = {
    "nice": {"-n"},
    "taskset": {"-c"},
    "ionice": {"-c", "-n"},
    "numactl": {"-N", "-m", "-C", "-p", "-i"},
    "sudo": {"-u", "-g"},
    ENV: {"-u", "--unset"},
}

ASSIGNMENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*=")  # NAME=value before a command


def command_words(words: list[str]) -> list[str]:
    """The literal words of the command a line runs: past NAME=value assignments and the wrappers with their
    options, `env`'s assignments and `timeout`'s duration (the shell extractor's launchers.py skips the same over
    its own word objects, handing `env`'s assignments to the program's environment)."""
    index = 0
    while index < len(words):
        word = words[index]
        name = PurePosixPath(word).name
        if ASSIGNMENT.match(word):
            index += 1
            continue
        if name not in WRAPPERS and name not in (ENV, TIMEOUT):
            break
        index += 1
        while index < len(words) and words[index].startswith("-"):
            index += 2 if words[index] in WRAPPER_OPTIONS_WITH_VALUES.get(name, ()) else 1
        if name == TIMEOUT:
            index += 1
    return words[index:]
