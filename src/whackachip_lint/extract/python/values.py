"""Literal values behind expressions: constants, local variables, argparse defaults, env defaults.

`backend = "nccl"; init_process_group(backend=backend)` and
`init_process_group(backend=args.backend)` with `--backend` defaulting to
"nccl" both resolve to "nccl". Each candidate carries the state it holds
under (an `IfExp` branch or a variable assigned in a branch is conditional)
and properties saying where it came from. Anything else is unresolved (None):
callers then report nothing in force.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import libcst as cst

from ...evidence import State, Value
from .names import Aliases, dotted, matches
from .tables import ENV_GETTERS

# What evaluating a literal the parser accepted can still raise.
_LITERAL_ERRORS = (ValueError, SyntaxError, UnicodeError, OverflowError, MemoryError, RecursionError)

# Code that cannot run is dead whatever it would switch; a mention (a docstring, help text) stays a mention.
_RANK = {State.ENABLED: 0, State.CONDITIONAL: 1, State.DISABLED: 2, State.DEAD: 3, State.MENTIONED: 4}


def combine(outer: State, inner: State) -> State:
    """The state of evidence with its own state `inner` standing in a context of state `outer`."""
    return outer if _RANK[outer] >= _RANK[inner] else inner


@dataclass
class Candidate:
    value: Value
    state: State = State.ENABLED
    properties: dict[str, Value] = field(default_factory=dict)
    partial: bool = False  # only a literal prefix of the value is known (f"cuda:{rank}")


@dataclass
class Binding:
    node: cst.BaseExpression
    state: State


@dataclass
class Flag:
    """An argparse option: its flag text, default and action."""

    flag: str
    default: cst.BaseExpression | None
    action: str | None


class Resolver:
    """Resolves expressions to literal candidates using the visitor's scopes and flags."""

    MAX_DEPTH = 6

    def __init__(self, aliases: Aliases, scopes: list[dict[str, list[Binding]]], flags: dict[str, Flag]):
        self.aliases = aliases
        self.scopes = scopes
        self.flags = flags

    def bind(self, name: str, node: cst.BaseExpression, state: State) -> None:
        """Record `name = node`. An unconditional assignment replaces earlier ones; a conditional one adds."""
        scope = self.scopes[-1]
        if state is State.ENABLED:
            scope[name] = [Binding(node, state)]
        else:
            scope.setdefault(name, []).append(Binding(node, state))

    def resolve(self, node: cst.BaseExpression | None, depth: int = 0) -> list[Candidate] | None:
        if node is None or depth > self.MAX_DEPTH:
            return None
        handler: Callable | None = _HANDLERS.get(type(node))
        if handler is None:
            return None
        return handler(self, node, depth)

    # -- one method per expression type -------------------------------------------------

    def _string(self, node: cst.SimpleString | cst.ConcatenatedString, depth: int) -> list[Candidate] | None:
        try:
            value = node.evaluated_value
        except _LITERAL_ERRORS:  # malformed escapes: libcst parsed it, Python would not
            return None
        if isinstance(value, bytes):
            value = value.decode("utf-8", "replace")
        return None if value is None else [Candidate(value)]

    def _fstring(self, node: cst.FormattedString, depth: int) -> list[Candidate] | None:
        if node.parts and isinstance(node.parts[0], cst.FormattedStringText):
            return [Candidate(node.parts[0].value, partial=len(node.parts) > 1)]
        return None

    def _integer(self, node: cst.Integer, depth: int) -> list[Candidate] | None:
        try:
            return [Candidate(int(node.evaluated_value))]
        except _LITERAL_ERRORS:  # e.g. more digits than int() converts
            return None

    def _float(self, node: cst.Float, depth: int) -> list[Candidate] | None:
        try:
            return [Candidate(float(node.evaluated_value))]
        except _LITERAL_ERRORS:
            return None

    def _name(self, node: cst.Name, depth: int) -> list[Candidate] | None:
        constant = {"True": True, "False": False, "None": None}
        if node.value in constant:
            return [Candidate(constant[node.value])]
        bindings = None
        for scope in (self.scopes[-1], self.scopes[0]):
            if node.value in scope:
                bindings = scope[node.value]
                break
        if not bindings:
            return None
        found: list[Candidate] = []
        for binding in bindings:
            for candidate in self.resolve(binding.node, depth + 1) or []:
                candidate.state = combine(binding.state, candidate.state)
                candidate.properties.setdefault("variable", node.value)
                found.append(candidate)
        return found or None

    def _attribute(self, node: cst.Attribute, depth: int) -> list[Candidate] | None:
        name = dotted(node)
        if name is None or "." not in name:
            return None
        flag = self.flags.get(node.attr.value)
        if flag is None:
            return None
        if flag.default is None:
            default = True if flag.action == "store_false" else False if flag.action == "store_true" else None
            candidates = [Candidate(default)]
        else:
            candidates = self.resolve(flag.default, depth + 1) or []
        for candidate in candidates:
            candidate.properties.update({"flag": flag.flag, "default": candidate.value})
        return candidates or None

    def _ifexp(self, node: cst.IfExp, depth: int) -> list[Candidate] | None:
        truth = branch_truth(node.test)  # `a if False else b`: `a` is dead, `b` is the value
        return self._either(((node.body, truth), (node.orelse, None if truth is None else not truth)), depth)

    def _boolop(self, node: cst.BooleanOperation, depth: int) -> list[Candidate] | None:
        # `args.backend or "nccl"`: either side may be the value.
        return self._either(((node.left, None), (node.right, None)), depth)

    def _either(self, branches, depth: int) -> list[Candidate] | None:
        """Candidates of alternative expressions, each (expression, whether it is taken: None = maybe)."""
        found: list[Candidate] = []
        for branch, taken in branches:
            state = State.CONDITIONAL if taken is None else State.ENABLED if taken else State.DEAD
            for candidate in self.resolve(branch, depth + 1) or []:
                candidate.state = combine(state, candidate.state)
                found.append(candidate)
        return found or None

    def _call(self, node: cst.Call, depth: int) -> list[Candidate] | None:
        name = self.aliases.resolve(node.func)
        if name in {"str", "int", "bool"} and len(node.args) == 1:
            return self.resolve(node.args[0].value, depth + 1)
        if matches(name, ENV_GETTERS) and len(node.args) >= 2:
            env = self.resolve(node.args[0].value, depth + 1)
            found = self.resolve(node.args[1].value, depth + 1) or []
            for candidate in found:
                candidate.state = combine(State.CONDITIONAL, candidate.state)
                if env and isinstance(env[0].value, str):
                    candidate.properties["env"] = env[0].value
            return found or None
        return None


_HANDLERS: dict[type, Callable] = {
    cst.SimpleString: Resolver._string,
    cst.ConcatenatedString: Resolver._string,
    cst.FormattedString: Resolver._fstring,
    cst.Integer: Resolver._integer,
    cst.Float: Resolver._float,
    cst.Name: Resolver._name,
    cst.Attribute: Resolver._attribute,
    cst.IfExp: Resolver._ifexp,
    cst.BooleanOperation: Resolver._boolop,
    cst.Call: Resolver._call,
}


def constant_truth(node: cst.BaseExpression) -> bool | None:
    if isinstance(node, cst.Name) and node.value in {"True", "False", "None"}:
        return node.value == "True"
    if isinstance(node, cst.Integer):
        return node.value not in {"0", "0x0"}
    if isinstance(node, cst.UnaryOperation) and isinstance(node.operator, cst.Not):
        inner = constant_truth(node.expression)
        return None if inner is None else not inner
    return None


def branch_truth(node: cst.BaseExpression) -> bool | None:
    """Whether a branch test is always true or always false, from literals alone (None: decided at run time).

    Beyond `constant_truth`: string and number literals (`if "":`, `if 0.0:`, `if 0b0:`), parentheses, `not`, and
    `and`/`or`, whose truth three-valued logic settles (`False and x` is false whatever `x` is).
    """
    if isinstance(node, (cst.SimpleString, cst.ConcatenatedString)):
        text = literal_string(node)
        return None if text is None else bool(text)
    if isinstance(node, (cst.Integer, cst.Float)):
        try:
            return node.evaluated_value != 0  # 0, 0x0, 0b0, 0_0, 0.0
        except _LITERAL_ERRORS:
            return None
    if isinstance(node, cst.UnaryOperation) and isinstance(node.operator, cst.Not):
        inner = branch_truth(node.expression)
        return None if inner is None else not inner
    if isinstance(node, cst.BooleanOperation):
        left, right = branch_truth(node.left), branch_truth(node.right)
        decisive = isinstance(node.operator, cst.Or)  # `or` is settled by a true side, `and` by a false one
        if decisive in (left, right):
            return decisive
        return None if left is None or right is None else not decisive
    return constant_truth(node)


def literal_string(node: cst.BaseExpression | None) -> str | None:
    """The value of a plain string literal, else None."""
    if isinstance(node, (cst.SimpleString, cst.ConcatenatedString)):
        try:
            value = node.evaluated_value
        except _LITERAL_ERRORS:
            return None
        return value if isinstance(value, str) else None
    return None


def with_flag(candidate: Candidate, flag: str) -> Candidate:
    """Mark a candidate as an option's default."""
    candidate.properties.update({"flag": flag, "default": candidate.value})
    return candidate
