"""Command wrappers (vocab/commands.py): the shell extractor and the Python runs of documented commands look past
the same wrappers, with their options, to the command they run."""

from __future__ import annotations

import pytest

from whackachip_lint.vocab.commands import ENV, TIMEOUT, WRAPPER_OPTIONS_WITH_VALUES, WRAPPERS

from ..conftest import finding_props, finding_rows

# Before they were one vocabulary, each extractor knew some of these (doc_commands: nohup, time, env, exec, sudo,
# numactl, taskset; the shell: the others, and env and timeout): neither may lose one.
EVERY_WRAPPER = sorted(WRAPPERS | {ENV, TIMEOUT})


def prefix(wrapper: str) -> str:
    """The wrapper with an option that takes a value (when it has one), and env's assignment or timeout's duration."""
    valued = sorted(WRAPPER_OPTIONS_WITH_VALUES.get(wrapper, ()))
    words = [wrapper] + ([valued[0], "1"] if valued else []) + {ENV: ["NCCL_DEBUG=INFO"], TIMEOUT: ["1h"]}.get(wrapper, [])
    return " ".join(words)


def test_every_wrapper_of_either_extractor_is_in_the_vocabulary():
    assert {"nohup", "time", "env", "exec", "sudo", "numactl", "taskset", "command", "stdbuf", "nice", "ionice",
            "setsid", "timeout"} <= set(EVERY_WRAPPER)


@pytest.mark.parametrize("wrapper", EVERY_WRAPPER)
def test_the_shell_extractor_looks_past_the_wrapper(wrapper):
    rows = finding_rows(f"{prefix(wrapper)} torchrun --nproc_per_node 8 train.py\n", "shell")
    assert [row for row in rows if row[0] == "WAC404"] == [("WAC404", "torchrun", "enabled", 1)]


@pytest.mark.parametrize("wrapper", EVERY_WRAPPER)
def test_a_documented_python_run_looks_past_the_wrapper(wrapper):
    (run,) = finding_props(f"```bash\n{prefix(wrapper)} python train.py --bf16\n```\n", "WAC101", "markdown")
    assert (run["script"], run["script_args"]) == ("train.py", "--bf16")

