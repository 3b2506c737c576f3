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

import ast

from ...evidence import State, Value
from .hosts import windows_test
from .names import Aliases, dotted, matches
from .tables import ENV_GETTERS

# Code that cannot run is dead whatever it would switch; a mention (a docstring, help text) stays a mention.
_RANK = {State.ENABLED: 0, State.CONDITIONAL: 1, State.DISABLED: 2, State.DEAD: 3, State.MENTIONED: 4}


def combine(outer: State, inner: State) -> State:
    """The state of evidence with its own state `inner` standing in a context of state `outer`."""
    return outer if _RANK[outer] >= _RANK[inner] else inner


@dataclass
class ValueCandidate:
    value: Value
    state: State = State.ENABLED
    properties: dict[str, Value] = field(default_factory=dict)
    partial: bool = False  # only a literal prefix of the value is known (f"cuda:{rank}")


@dataclass
class Binding:
    node: ast.expr
    state: State


@dataclass
class Flag:
    """An argparse option: its flag text, default and action."""

    flag: str
    default: ast.expr | None
    action: str | None


class Resolver:
    """Resolves expressions to literal candidates using the visitor's scopes and flags."""

    MAX_DEPTH = 6

    def __init__(self, aliases: Aliases, scopes: list[dict[str, list[Binding]]], flags: dict[str, Flag]):
        self.aliases = aliases
        self.scopes = scopes
        self.flags = flags

    def bind(self, name: str, node: ast.expr, state: State) -> None:
        """Record `name = node`. An unconditional assignment replaces earlier ones; a conditional one adds."""
        scope = self.scopes[-1]
        if state is State.ENABLED:
            scope[name] = [Binding(node, state)]
        else:
            scope.setdefault(name, []).append(Binding(node, state))

    def resolve(self, node: ast.AST | None, depth: int = 0) -> list[ValueCandidate] | None:
        if node is None or depth > self.MAX_DEPTH:
            return None
        handler: Callable | None = _HANDLERS.get(type(node))
        if handler is None:
            return None
        return handler(self, node, depth)

    # -- one method per expression type -------------------------------------------------

    def _constant(self, node: ast.Constant, depth: int) -> list[ValueCandidate] | None:
        value = node.value
        if isinstance(value, bytes):
            value = value.decode("utf-8", "replace")
        elif not isinstance(value, (str, int, float, bool)) and value is not None:
            return None  # complex numbers, Ellipsis
        return [ValueCandidate(value)]

    def _fstring(self, node: ast.JoinedStr, depth: int) -> list[ValueCandidate] | None:
        parts = node.values
        if parts and type(parts[0]) is ast.Constant:
            return [ValueCandidate(parts[0].value, partial=len(parts) > 1)]
        return None

    def _name(self, node: ast.Name, depth: int) -> list[ValueCandidate] | None:
        return self._bound(node.id, depth)

    def _bound(self, name: str, depth: int) -> list[ValueCandidate] | None:
        """The values assigned to `name` (a variable, or `args.backend` written in the same function)."""
        bindings = None
        for scope in (self.scopes[-1], self.scopes[0]):
            if name in scope:
                bindings = scope[name]
                break
        if not bindings:
            return None
        found: list[ValueCandidate] = []
        for binding in bindings:
            for candidate in self.resolve(binding.node, depth + 1) or []:
                candidate.state = combine(binding.state, candidate.state)
                candidate.properties.setdefault("variable", name)
                found.append(candidate)
        return found or None

    def _attribute(self, node: ast.Attribute, depth: int) -> list[ValueCandidate] | None:
        name = dotted(node)
        if name is None:
            return None
        assigned = self._bound(name, depth)  # `args.dist_backend = "nccl"` overrides the option's default
        if assigned is not None:
            return assigned
        flag = self.flags.get(node.attr)
        if flag is None:
            return None
        if flag.default is None:
            default = True if flag.action == "store_false" else False if flag.action == "store_true" else None
            candidates = [ValueCandidate(default)]
        else:
            candidates = self.resolve(flag.default, depth + 1) or []
        for candidate in candidates:
            candidate.properties.update({"flag": flag.flag, "default": candidate.value})
        return candidates or None

    def _either(self, branches, depth: int) -> list[ValueCandidate] | None:
        """Candidates of alternative expressions, each (expression, whether it is taken: None = maybe)."""
        found: list[ValueCandidate] = []
        for branch, taken in branches:
            state = State.CONDITIONAL if taken is None else State.ENABLED if taken else State.DEAD
            for candidate in self.resolve(branch, depth + 1) or []:
                candidate.state = combine(state, candidate.state)
                found.append(candidate)
        return found or None

    def _ifexp(self, node: ast.IfExp, depth: int) -> list[ValueCandidate] | None:
        truth = branch_truth(node.test)  # `a if False else b`: `a` is dead, `b` is the value
        windows = windows_test(node.test, self.aliases) if truth is None else None
        if windows is not None:  # `"gloo" if os.name == "nt" else "nccl"`: a training host takes the other side
            return self._either(((node.body, None if windows else True), (node.orelse, True if windows else None)),
                                depth)
        return self._either(((node.body, truth), (node.orelse, None if truth is None else not truth)), depth)

    def _boolop(self, node: ast.BoolOp, depth: int) -> list[ValueCandidate] | None:
        # `args.backend or "nccl"`: either side may be the value.
        return self._either([(value, None) for value in node.values], depth)

    def _call(self, node: ast.Call, depth: int) -> list[ValueCandidate] | None:
        name = self.aliases.resolve(node.func)
        args = call_values(node)
        if name in {"str", "int", "bool"} and len(args) == 1:
            return self.resolve(args[0], depth + 1)
        if matches(name, ENV_GETTERS) and len(args) >= 2:
            env = self.resolve(args[0], depth + 1)
            found = self.resolve(args[1], depth + 1) or []
            for candidate in found:
                candidate.state = combine(State.CONDITIONAL, candidate.state)
                if env and isinstance(env[0].value, str):
                    candidate.properties["env"] = env[0].value
            return found or None
        return None


_HANDLERS: dict[type, Callable] = {
    ast.Constant: Resolver._constant,
    ast.JoinedStr: Resolver._fstring,
    ast.Name: Resolver._name,
    ast.Attribute: Resolver._attribute,
    ast.IfExp: Resolver._ifexp,
    ast.BoolOp: Resolver._boolop,
    ast.Call: Resolver._call,
}


def call_values(node: ast.Call) -> list[ast.expr]:
    """Every argument's value in order, positional (stars unwrapped) then keyword (`**` included)."""
    values = [arg.value if type(arg) is ast.Starred else arg for arg in node.args]
    values.extend(keyword.value for keyword in node.keywords)
    return values


def constant_truth(node: ast.AST | None) -> bool | None:
    """The truth of `True`, `False`, `None`, an integer literal, or `not` of one; None otherwise."""
    if type(node) is ast.Constant:
        value = node.value
        if value is None or type(value) is bool:
            return bool(value)
        if type(value) is int:
            return value != 0
        return None
    if type(node) is ast.UnaryOp and type(node.op) is ast.Not:
        inner = constant_truth(node.operand)
        return None if inner is None else not inner
    return None


def branch_truth(node: ast.AST | None) -> bool | None:
    """Whether a branch test is always true or always false, from literals alone (None: decided at run time).

    Beyond `constant_truth`: string and number literals (`if "":`, `if 0.0:`, `if 0b0:`), `not`, and
    `and`/`or`, whose truth three-valued logic settles (`False and x` is false whatever `x` is).
    """
    kind = type(node)
    if kind is ast.Constant:
        value = node.value
        if type(value) is str:
            return bool(value)
        if type(value) in (int, float):
            return value != 0  # 0, 0x0, 0b0, 0_0, 0.0
        return constant_truth(node)
    if kind is ast.UnaryOp and type(node.op) is ast.Not:
        inner = branch_truth(node.operand)
        return None if inner is None else not inner
    if kind is ast.BoolOp:
        sides = [branch_truth(value) for value in node.values]
        decisive = type(node.op) is ast.Or  # `or` is settled by a true side, `and` by a false one
        if decisive in sides:
            return decisive
        return None if None in sides else not decisive
    return None


def literal_string(node: ast.AST | None) -> str | None:
    """The value of a plain string literal, else None."""
    if type(node) is ast.Constant and type(node.value) is str:
        return node.value
    return None


def with_flag(candidate: ValueCandidate, flag: str) -> ValueCandidate:
    """Mark a candidate as an option's default."""
    candidate.properties.update({"flag": flag, "default": candidate.value})
    return candidate
