"""Questions about libcst nodes: constant tests, exception handlers, refusals, string parts."""

from __future__ import annotations

from collections.abc import Iterable

import libcst as cst

from . import tables as T
from .names import Aliases, dotted
from .values import branch_truth, constant_truth, literal_string  # noqa: F401 (re-exported)


def exits(statement: cst.BaseSmallStatement) -> bool:
    """`raise ...` or `sys.exit()` / `exit()` / `quit()` / `os._exit()`: nothing after it runs."""
    if isinstance(statement, cst.Raise):
        return True
    if isinstance(statement, cst.Expr) and isinstance(statement.value, cst.Call):
        return dotted(statement.value.func) in {"sys.exit", "exit", "quit", "os._exit"}
    return False


def ends_module(statement: cst.BaseStatement) -> bool:
    """A module-level statement that always stops the module (an `exit` or `raise` on a line of its own)."""
    return isinstance(statement, cst.SimpleStatementLine) and any(exits(small) for small in statement.body)


def is_neutral_test(node: cst.BaseExpression) -> bool:
    """`if __name__ == "__main__":` runs whenever the script runs."""
    if isinstance(node, cst.Comparison) and isinstance(node.left, cst.Name) and node.left.value == "__name__":
        return True
    return False


def is_type_checking(node: cst.BaseExpression) -> bool:
    return dotted(node) in {"TYPE_CHECKING", "typing.TYPE_CHECKING"}


def handler_names(handler: cst.ExceptHandler | cst.ExceptStarHandler) -> set[str]:
    if handler.type is None:
        return set()
    types = handler.type.elements if isinstance(handler.type, cst.Tuple) else [handler.type]
    names = set()
    for element in types:
        name = dotted(getattr(element, "value", element))
        if name:
            names.add(name.rsplit(".", 1)[-1])
    return names


def has_import(block: cst.BaseSuite) -> bool:
    statements = block.body if isinstance(block, cst.IndentedBlock) else [block]
    for statement in statements:
        small = statement.body if isinstance(statement, (cst.SimpleStatementLine, cst.SimpleStatementSuite)) else []
        if any(isinstance(s, (cst.Import, cst.ImportFrom)) for s in small):
            return True
    return False


def version_test(test: cst.BaseExpression, aliases: Aliases) -> tuple[cst.BaseExpression | None, bool]:
    """(the torch.version.X node, whether the test is true when it is absent) or (None, False)."""
    negate = False
    if isinstance(test, cst.UnaryOperation) and isinstance(test.operator, cst.Not):
        test, negate = test.expression, True
    if aliases.resolve(test) in T.VERSION_ATTRIBUTES:
        return test, negate  # `if hip:` is true when present; `if not hip:` when absent
    if isinstance(test, cst.Comparison) and len(test.comparisons) == 1:
        target = test.left
        comparison = test.comparisons[0]
        if aliases.resolve(target) in T.VERSION_ATTRIBUTES and constant_truth(comparison.comparator) is False:
            absent = isinstance(comparison.operator, (cst.Is, cst.Equal))
            return target, absent != negate
    return None, False


def platform_test(test: cst.BaseExpression, aliases: Aliases) -> tuple[str, bool] | None:
    """(platform, equal) for `jax.default_backend() == "tpu"` / `jax.devices()[0].platform != "tpu"`, else None."""
    if not isinstance(test, cst.Comparison) or len(test.comparisons) != 1:
        return None
    comparison = test.comparisons[0]
    if not isinstance(comparison.operator, (cst.Equal, cst.NotEqual)):
        return None
    for query, other in ((test.left, comparison.comparator), (comparison.comparator, test.left)):
        text = other.evaluated_value if isinstance(other, cst.SimpleString) else None
        if isinstance(text, str) and text.lower() in T.PLATFORM_NAMES and _reads_platform(query, aliases):
            return text.lower(), isinstance(comparison.operator, cst.Equal)
    return None


def _reads_platform(node: cst.BaseExpression, aliases: Aliases) -> bool:
    if isinstance(node, cst.Call):
        return aliases.resolve(node.func) in T.PLATFORM_QUERIES
    if isinstance(node, cst.Attribute) and node.attr.value in T.PLATFORM_ATTRIBUTES:
        inner = node.value
        while isinstance(inner, cst.Subscript):
            inner = inner.value
        return isinstance(inner, cst.Call) and (aliases.resolve(inner.func) or "") in T.PLATFORM_CALLS
    return False


def starts_with_exit(body: cst.BaseSuite) -> bool:
    statements = body.body if isinstance(body, cst.IndentedBlock) else [body]
    if not statements:
        return False
    first = statements[0]
    small = first.body if isinstance(first, (cst.SimpleStatementLine, cst.SimpleStatementSuite)) else []
    if not small:
        return False
    return exits(small[0])


def subscript_key(node: cst.Subscript) -> cst.BaseExpression | None:
    if len(node.slice) == 1 and isinstance(node.slice[0].slice, cst.Index):
        return node.slice[0].slice.value
    return None


def unwrap_field(node: cst.BaseExpression) -> cst.BaseExpression:
    """`field(default=True, metadata=...)` -> `True` (dataclass argument classes)."""
    if isinstance(node, cst.Call) and dotted(node.func) in {"field", "dataclasses.field"}:
        for arg in node.args:
            if arg.keyword is not None and arg.keyword.value == "default":
                return arg.value
    return node


def dict_entry(node: cst.Dict, key: str) -> cst.DictElement | None:
    for element in node.elements:
        if isinstance(element, cst.DictElement) and literal_string(element.key) == key:
            return element
    return None


def dict_get(node: cst.Dict, key: str) -> cst.BaseExpression | None:
    for element in node.elements:
        if isinstance(element, cst.DictElement) and literal_string(element.key) == key:
            return element.value
    return None


def string_parts(node: cst.BaseExpression) -> Iterable[cst.SimpleString]:
    if isinstance(node, cst.SimpleString):
        yield node
    elif isinstance(node, cst.ConcatenatedString):
        yield from string_parts(node.left)
        yield from string_parts(node.right)
