"""argparse (and click) options: where a precision or backend switch is defined, with its flag and default.

A mixin of the evidence visitor (it uses the visitor's `emit`, `later`, `visit`,
resolver and flag table). The states it gives are described in visitor.py.
"""

from __future__ import annotations

import ast

from ...evidence import State
from . import tables as T
from .meanings import switch_truth, value_meanings
from .syntax import constant_truth
from .values import Flag, literal_string, with_flag


class ArgparseOptions:
    def _add_argument(self, node: ast.Call, keywords: dict, positional: list) -> None:
        options = [s for s in (literal_string(a.value) for a in positional) if s]
        if "help" in keywords:
            self._mention_strings(keywords["help"].value)
        if "choices" in keywords:
            self._choices(keywords["choices"].value)
        default = keywords["default"].value if "default" in keywords else None
        if default is not None:
            self.visit(default)  # dtype objects as defaults (`default=torch.bfloat16`)
        if not options:
            return
        # click spells an on/off pair as one string: "--bf16/--no-bf16".
        flag = next((o for o in options if o.startswith("--")), options[0]).split("/")[0].strip()
        dest = literal_string(keywords["dest"].value) if "dest" in keywords else None
        dest = dest or flag.lstrip("-").replace("-", "_")
        action = literal_string(keywords["action"].value) if "action" in keywords else None
        if "is_flag" in keywords and constant_truth(keywords["is_flag"].value):  # click
            action = "store_true"
        self.flags[dest] = Flag(flag, default, action)
        key = dest.lower()
        negated = key.startswith(T.NEGATION_PREFIXES)
        if negated:
            key = key.split("_", 1)[1]
        key = T.FLAG_ALIASES.get(key, key)
        spec = T.KEYWORDS.get(key) or T.FLAG_KEYWORDS.get(key)
        if spec is None:
            return
        kind, rule = spec
        if kind == "switch":
            self._switch_flag(node, flag, rule, T.SWITCH_VALUES.get(key, True), default, action, negated)
        elif default is not None:
            self.later(
                default,
                lambda found, frame: self._valued(
                    kind, key, [with_flag(c, flag) for c in found or []], node, f"{flag} defaults to", frame
                ),
            )

    def _switch_flag(self, node, flag, rule, on_value, default, action, negated) -> None:
        if default is not None:
            found = self.resolver.resolve(default)
            value = found[0].value if found and len(found) == 1 else None
            if not found:
                self.emit(
                    rule,
                    on_value,
                    node,
                    State.CONDITIONAL,
                    f"{flag} flag default set from {self.code(default)}",
                    {"flag": flag},
                )
                return
        else:
            value = action == "store_false"
        on = (not switch_truth(value)) if negated else bool(switch_truth(value))
        props = {"flag": flag, "default": on}
        if on:
            self.emit(rule, on_value, node, State.ENABLED, f"{flag} flag is on by default", props)
        else:
            self.emit(rule, on_value, node, State.MENTIONED, f"{flag} flag is off unless passed", props)

    def _choices(self, node: ast.expr) -> None:
        elements = node.elts if type(node) in (ast.List, ast.Tuple, ast.Set) else []
        for element in elements:
            text = literal_string(element)
            if text is None:
                continue
            for kind in ("precision", "backend", "device", "attn"):
                for rule, value, _ in value_meanings(kind, text, False):
                    self.emit(rule, value, element, State.MENTIONED, f"{text!r} offered as a choice")
