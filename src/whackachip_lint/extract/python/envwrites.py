"""Environment variables set from Python: `os.environ[...] =`, setdefault, update, putenv, del, pop,
and mappings keyed by hardware variables (`env["NCCL_DEBUG"] = ...` for a subprocess).

A mixin of the evidence visitor. What a variable means is decided by the shared
`extract/environment.py` tables, so Python, shell and config files agree.
"""

from __future__ import annotations

import ast

from ...evidence import State
from ..environment import interpret_env, is_hardware_variable
from .syntax import subscript_key
from .values import combine


class EnvironmentWrites:
    def _call_environment(self, node, name, method, keywords, positional) -> None:
        if not name:
            return
        if name in {"os.environ.setdefault", "os.putenv"} and len(positional) >= 2:
            how = "os.environ.setdefault" if name.endswith("setdefault") else "os.putenv"
            self.env_write(positional[0].value, positional[1].value, node, how)
        elif name == "os.environ.update":
            for arg in node.args:
                if type(arg) is ast.Dict:
                    self.handled.add(id(arg))  # not again as an environment mapping
                    for key, value in zip(arg.keys, arg.values):
                        if key is not None:
                            self.env_write(key, value, (key, value), "os.environ.update")
            for keyword in node.keywords:
                if keyword.arg is not None:
                    self.env_write(ast.Constant(keyword.arg), keyword.value, keyword, "os.environ.update")
        elif name == "dict":
            # env=dict(os.environ, NCCL_DEBUG="INFO"): the environment of a process the script starts.
            for keyword in node.keywords:
                if keyword.arg is not None and is_hardware_variable(keyword.arg):
                    self.env_write(ast.Constant(keyword.arg), keyword.value, keyword, "an environment mapping")
        elif name in {"os.environ.pop", "os.unsetenv"} and positional:
            self.env_write(positional[0].value, None, node, name)

    def visit_Delete(self, node: ast.Delete) -> None:
        targets = []
        for target in node.targets:
            targets.extend(target.elts if type(target) is ast.Tuple else [target])
        for target in targets:
            if type(target) is ast.Subscript and self._is_environ(target.value):
                key = subscript_key(target)
                if key is not None:
                    self.env_write(key, None, node, "del os.environ[...]")

    def env_write(self, key_node, value_node, where, how) -> None:
        keys = self.resolver.resolve(key_node)
        if not keys or not isinstance(keys[0].value, str):
            return
        name = keys[0].value
        if value_node is None:
            for meaning in interpret_env(name, None):
                self.emit(meaning.rule, meaning.value, where, meaning.state, f"{meaning.detail} ({how})")
            return
        self.later(value_node, lambda found, frame: self._env_value(name, found, value_node, where, how, frame))

    def _env_value(self, name, found, value_node, where, how, frame) -> None:
        usable = [c for c in found or [] if not c.partial and c.value is not None]
        if not usable:
            for meaning in interpret_env(name, ""):
                value = meaning.value if meaning.value == name else None
                detail = f"{name} set from {self.code(value_node)} ({how})"
                self.emit(meaning.rule, value, where, State.CONDITIONAL, detail, None, frame)
            return
        for candidate in usable:
            setting = str(int(candidate.value)) if isinstance(candidate.value, bool) else str(candidate.value)
            for meaning in interpret_env(name, setting):
                self.emit(
                    meaning.rule,
                    meaning.value,
                    where,
                    combine(candidate.state, meaning.state),
                    f"{meaning.detail} ({how})",
                    candidate.properties,
                    frame,
                )
