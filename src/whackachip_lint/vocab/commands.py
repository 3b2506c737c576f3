"""Commands that run the command line after them (`nohup python train.py`, `numactl -N 0 torchrun ...`).

The shell extractor (extract/shell/launchers.py) and the Python runs of documented commands
(extract/doc_commands.py) look past them, and past their own options, to the command they run. `env` also takes
NAME=value assignments before the command, `timeout` a duration.
"""

from __future__ import annotations

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
