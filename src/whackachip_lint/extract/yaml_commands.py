"""Shell commands written in YAML job files, read by the shell extractor: a MosaicML run's `command: |`, a SkyPilot
task's `run:` and `setup:` (`composer run.py --config-path ...`, `torchrun --nproc_per_node 8 train.py`).

Only a string under one of `COMMAND_KEYS` is read: a literal block (`|`), whose lines are the file's own lines (so
lines and columns stay those of the file), or a one-line plain string. Folded and quoted strings, whose text is not
the file's, are left alone, as are CI files (a CI job's commands test the code; they set up no training run).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Iterator

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from ..evidence import RawFinding, State
from . import Source
from .embedded_shell import shell_findings
from .shell.states import combine
from .yaml_keys import is_ci_file

COMMAND_KEYS = frozenset({"command", "run", "setup", "cmd"})


def command_findings(root: Node, source: Source, state: State) -> Iterator[RawFinding]:
    """The shell extractor's findings for every command string of one document, in the file's lines."""
    if is_ci_file(source.relpath):
        return
    seen: set[int] = set()
    stack: list[Node] = [root]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue  # aliases share nodes: each is read once
        seen.add(id(node))
        if isinstance(node, MappingNode):
            for key_node, value_node in node.value:
                if isinstance(key_node, ScalarNode) and key_node.value in COMMAND_KEYS \
                        and isinstance(value_node, ScalarNode) and id(value_node) not in seen:
                    seen.add(id(value_node))
                    yield from _commands(value_node, source, state)
                else:
                    stack.append(value_node)
        elif isinstance(node, SequenceNode):
            stack.extend(reversed(node.value))


def _commands(node: ScalarNode, source: Source, state: State) -> list[RawFinding]:
    first = node.start_mark.line  # 0-based line of the string's first character (or of its `|`)
    if node.style == "|":
        count = len(node.value.splitlines())
        lines = source.lines[first + 1 : min(first + 1 + count, node.end_mark.line + 1)]
        first += 1
    elif not node.style and "\n" not in node.value:  # plain: None (SafeLoader) or "" (CSafeLoader)
        lines = [" " * node.start_mark.column + node.value]  # columns as in the file
    else:
        return []
    raws = shell_findings(source, "\n".join(lines) + "\n")
    # A template's commands are as conditional as the template.
    return [replace(raw.moved_down(first), state=combine(state, raw.state)) for raw in raws]
