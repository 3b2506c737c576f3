"""Questions about `ast` nodes: constant tests, exception handlers, refusals, subscripts."""

from __future__ import annotations

import ast

from . import tables as T
from .names import Aliases, dotted, lookup
from .values import branch_truth, constant_truth, literal_string  # noqa: F401 (re-exported)
from ...vocab.devices import device_type

_EXITS = {"sys.exit", "exit", "quit", "os._exit"}


def exits(statement: ast.stmt) -> bool:
    """`raise ...` or `sys.exit()` / `exit()` / `quit()` / `os._exit()`: nothing after it runs."""
    if type(statement) is ast.Raise:
        return True
    return type(statement) is ast.Expr and type(statement.value) is ast.Call and dotted(statement.value.func) in _EXITS


def is_neutral_test(node: ast.AST) -> bool:
    """`if __name__ == "__main__":` runs whenever the script runs."""
    return type(node) is ast.Compare and type(node.left) is ast.Name and node.left.id == "__name__"


def is_type_checking(node: ast.AST) -> bool:
    return dotted(node) in {"TYPE_CHECKING", "typing.TYPE_CHECKING"}


def handler_names(handler: ast.ExceptHandler) -> set[str]:
    if handler.type is None:
        return set()
    types = handler.type.elts if type(handler.type) is ast.Tuple else [handler.type]
    names = set()
    for element in types:
        name = dotted(element)
        if name:
            names.add(name.rsplit(".", 1)[-1])
    return names


def has_import(body: list[ast.stmt]) -> bool:
    return any(type(statement) in (ast.Import, ast.ImportFrom) for statement in body)


def version_test(test: ast.expr, aliases: Aliases) -> tuple[ast.expr | None, bool]:
    """(the torch.version.X node, whether the test is true when it is absent) or (None, False)."""
    negate = False
    if type(test) is ast.UnaryOp and type(test.op) is ast.Not:
        test, negate = test.operand, True
    if aliases.resolve(test) in T.VERSION_ATTRIBUTES:
        return test, negate  # `if hip:` is true when present; `if not hip:` when absent
    if type(test) is ast.Compare and len(test.ops) == 1:
        target = test.left
        if aliases.resolve(target) in T.VERSION_ATTRIBUTES and constant_truth(test.comparators[0]) is False:
            absent = type(test.ops[0]) in (ast.Is, ast.Eq)
            return target, absent != negate
    return None, False


def platform_test(test: ast.expr, aliases: Aliases) -> tuple[str, bool] | None:
    """(platform, equal) for `jax.default_backend() == "tpu"` / `jax.devices()[0].platform != "tpu"`, else None."""
    if type(test) is not ast.Compare or len(test.ops) != 1 or type(test.ops[0]) not in (ast.Eq, ast.NotEq):
        return None
    right = test.comparators[0]
    for query, other in ((test.left, right), (right, test.left)):
        text = literal_string(other)
        if text is not None and text.lower() in T.PLATFORM_NAMES and _reads_platform(query, aliases):
            return text.lower(), type(test.ops[0]) is ast.Eq
    return None


def _reads_platform(node: ast.expr, aliases: Aliases) -> bool:
    if type(node) is ast.Call:
        return aliases.resolve(node.func) in T.PLATFORM_QUERIES
    if type(node) is ast.Attribute and node.attr in T.PLATFORM_ATTRIBUTES:
        inner = node.value
        while type(inner) is ast.Subscript:
            inner = inner.value
        return type(inner) is ast.Call and (aliases.resolve(inner.func) or "") in T.PLATFORM_CALLS
    return False


# What ends a guard clause's body and leaves the rest of its block to the other case. A `raise` or `sys.exit()` is
# not one: `if not torch.cuda.is_available(): raise ...` refuses to run without the device, so what follows is
# required, not optional (the refusals above read such tests as platform facts).
_LEAVES = (ast.Return, ast.Continue, ast.Break)


def guard_leaves(node: ast.If) -> bool:
    """`if COND: ...; return` (or `continue` / `break`): the statements after it in its block run only when
    COND is false."""
    return bool(node.body) and type(node.body[-1]) in _LEAVES


def tests_hardware(test: ast.expr, aliases: Aliases) -> bool:
    """Whether a test asks about the device or platform the code runs on: it names a device (`device.type !=
    "mps"`, `hasattr(torch, "xpu")`, `torch.cuda.is_available()`, `torch.backends.mps.is_available()`: see
    `names_device`), reads the platform (`jax.default_backend() == "tpu"`) or a build's version
    (`torch.version.hip`)."""
    if platform_test(test, aliases) is not None or version_test(test, aliases)[0] is not None:
        return True
    return any(names_device(node, aliases) for node in ast.walk(test))


# A device string is short (`"cuda"`, `"xla:1"`): `"cuda: out of memory, ..."` is a message that names none.
_DEVICE_STRING_MAX = 15


def names_device(node: ast.AST, aliases: Aliases) -> bool:
    """Whether `node` itself names a device: a short string naming a device type (`"mps"`, `"cuda:0"`, `"TPU"`), a
    name one of whose parts is one (`torch.cuda.is_available`, `torch.backends.mps`), or a call of a TPU API
    (`TPUClusterResolver()`: it raises where there is no TPU). The device probes of `try` bodies ask only for
    some of these forms, by node type."""
    kind = type(node)
    if kind is ast.Constant:
        value = node.value
        return type(value) is str and len(value) <= _DEVICE_STRING_MAX and device_type(value) is not None
    if kind is ast.Name or kind is ast.Attribute:
        name = aliases.resolve(node)
        return name is not None and any(device_type(part) is not None for part in name.split("."))
    if kind is ast.Call:
        return lookup(aliases.resolve(node.func), T.TPU_CALLS) is not None
    return False


def starts_with_exit(body: list[ast.stmt]) -> bool:
    return bool(body) and exits(body[0])


def subscript_key(node: ast.Subscript) -> ast.expr | None:
    key = node.slice
    if type(key) in (ast.Tuple, ast.Slice):
        return None
    return key


def unwrap_field(node: ast.expr) -> ast.expr:
    """`field(default=True, metadata=...)` -> `True` (dataclass argument classes)."""
    if type(node) is ast.Call and dotted(node.func) in {"field", "dataclasses.field"}:
        for keyword in node.keywords:
            if keyword.arg == "default":
                return keyword.value
    return node


def dict_get(node: ast.Dict, key: str) -> ast.expr | None:
    for item_key, value in zip(node.keys, node.values):
        if literal_string(item_key) == key:
            return value
    return None


def dict_entry(node: ast.Dict, key: str) -> tuple[ast.expr, ast.expr] | None:
    for item_key, value in zip(node.keys, node.values):
        if literal_string(item_key) == key:
            return item_key, value
    return None
