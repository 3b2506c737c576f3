"""Whether a shell function nothing in the file calls is dead or may still run.

A file is read on its own, so a function it defines but never calls may be
called by whoever sources it: a library of functions (`common.sh`,
`env_setup.sh`) is exactly that. Its functions stay `conditional`.

A function is `dead` only when all of these hold:

- the file is an entry point, not a library: at its top level (outside any
  function) it launches something (python, torchrun, deepspeed, srun, ...,
  also behind nohup/exec-style wrappers), and it never `return`s at top level
  (which only a sourced file does);
- the file cannot call a function by a computed name: no `eval`, no command
  whose name is an expansion (`"$@"`, `$CMD args`, `${STAGE}_setup`);
- the function is not exported to child shells (`export -f NAME`,
  `declare -fx NAME`), and its name appears nowhere else in the file (a
  `trap NAME EXIT`, `xargs ... NAME`, a call inside `$(...)` or a string all
  count as a possible call).
"""

from __future__ import annotations

import os
import re

from ...vocab.commands import command_words
from .launch_tables import LAUNCHERS, PYTHON

_WORD_NODES = ("word", "command_name")


class FunctionUse:
    """What a whole file says about how its functions may be called."""

    def __init__(self, root, data: bytes) -> None:
        self.data = data
        self.entry_point = False
        self.dynamic = False
        self.returns_at_top = False
        self.exported: set[str] = set()
        self._scan(root)

    def may_die(self) -> bool:
        """Whether uncalled functions of this file can be dead at all."""
        return self.entry_point and not self.dynamic and not self.returns_at_top

    def is_dead(self, name: str) -> bool:
        """Whether function `name`, never called on the walk, is dead (see the module docstring)."""
        if not self.may_die() or name in self.exported:
            return False
        pattern = re.compile(rb"(?<![\w.:-])" + re.escape(name.encode("utf-8")) + rb"(?![\w.:-])")
        return len(pattern.findall(self.data)) <= 1  # the definition itself

    def _text(self, node) -> str:
        return self.data[node.start_byte : node.end_byte].decode("utf-8", "replace")

    def _scan(self, root) -> None:
        stack = [(root, True)]  # (node, at top level: outside every function body)
        while stack:
            node, top = stack.pop()
            if node.type == "command":
                self._command(node, top)
            elif node.type == "declaration_command":
                self._declaration(node)
            inner = top and node.type != "function_definition"
            stack.extend((child, inner) for child in node.children)

    def _command(self, node, top: bool) -> None:
        name = node.child_by_field_name("name")
        if name is None:
            return
        head = name.named_children[0] if name.named_child_count == 1 else name
        if head.type not in _WORD_NODES:
            self.dynamic = True  # `"$@"`, `$CMD ...`: any function may be the one called
            return
        words = [self._text(head)] + [self._text(a) for a in node.children_by_field_name("argument")]
        if words[0] == "eval":
            self.dynamic = True
        elif words[0] == "return" and top:
            self.returns_at_top = True
        elif top and _launches(words):
            self.entry_point = True

    def _declaration(self, node) -> None:
        words = [self._text(c) for c in node.children]
        options = [w for w in words[1:] if w.startswith("-")]
        if any("f" in o for o in options) and (words[0] == "export" or any("x" in o for o in options)):
            self.exported.update(w for w in words[1:] if not w.startswith("-"))


def _launches(words: list[str]) -> bool:
    """Whether a command line (its literal words) starts a program that trains or launches training, behind the
    wrappers every command reader looks past (`nohup`, `env A=1`, `timeout 1h`...)."""
    words = command_words(words)
    if not words:
        return False
    name = os.path.basename(words[0])
    return bool(PYTHON.match(name)) or name in LAUNCHERS or name == "accelerate"
