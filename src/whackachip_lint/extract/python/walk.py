"""A depth-first walk over a CPython `ast` tree with `visit_X` / `leave_X` hooks.

An explicit stack, not recursion: Python parses expressions nested thousands
deep (`a + b + ...` chains) that would exhaust the recursion limit. A hook may
schedule more work on the same stack (`visit(node)` or a callable), which runs
before the node's own `leave_X`; `children` may return callables too, run in
their turn among the nodes.
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from typing import Any

# Leaf singletons (Load, Store, Add, Eq...) carry nothing to visit.
_LEAVES = (ast.expr_context, ast.boolop, ast.operator, ast.unaryop, ast.cmpop)
_FIELDS: dict[type, tuple[str, ...]] = {}
# Fields that never hold a node in any class of Python's grammar (identifiers, numbers, strings and the leaf
# singletons above): not looked at. `Constant.value` is a Python value, never a node.
_NEVER_NODES = frozenset(
    {"ctx", "op", "ops", "id", "attr", "kind", "type_comment", "arg", "asname", "module", "level", "conversion",
     "is_async", "tag"}
)


def child_fields(cls: type) -> tuple[str, ...]:
    """The fields of `cls` that may hold nodes."""
    names = _FIELDS.get(cls)
    if names is None:
        names = () if cls is ast.Constant else tuple(name for name in cls._fields if name not in _NEVER_NODES)
        _FIELDS[cls] = names
    return names


def field_children(node: ast.AST, name: str) -> list[ast.AST]:
    """The nodes field `name` of `node` holds, in order."""
    value = getattr(node, name, None)
    if type(value) is list:
        return [item for item in value if isinstance(item, ast.AST) and not isinstance(item, _LEAVES)]
    if isinstance(value, ast.AST) and not isinstance(value, _LEAVES):
        return [value]
    return []


class AstWalker:
    """Subclass and define `visit_<NodeClass>(node)` (return False to skip the children) / `leave_<NodeClass>(node)`."""

    def __init__(self) -> None:
        self._hooks: dict[type, tuple[Callable[[Any], Any] | None, Callable[[Any], Any] | None]] = {}
        self._stack: list = []

    def on_visit(self, node: ast.AST) -> bool:
        visit = self._hooks_for(type(node))[0]
        return visit is None or visit(node) is not False

    def on_leave(self, node: ast.AST) -> None:
        leave = self._hooks_for(type(node))[1]
        if leave is not None:
            leave(node)

    def children(self, node: ast.AST) -> list:
        """What to visit under `node`, in order: nodes, or callables run in their turn."""
        found: list[ast.AST] = []
        for name in child_fields(type(node)):
            found += field_children(node, name)
        return found

    def visit(self, node: ast.AST | None) -> None:
        """Visit `node` (and its children) next, from inside a hook."""
        if node is not None:
            self._stack.append((node, False))

    def needs_leave(self, node: ast.AST) -> bool:
        """Whether `on_leave` must run for a node just visited (else its leave step is skipped)."""
        return True

    def walk(self, root: ast.AST) -> None:
        stack = self._stack = [(root, False)]
        on_visit, needs_leave, children = self.on_visit, self.needs_leave, self.children
        while stack:
            item = stack.pop()
            if type(item) is not tuple:
                item()
                continue
            node, leaving = item
            if leaving:
                self.on_leave(node)
                continue
            mark = len(stack)
            stack.append((node, True))
            descend = on_visit(node)
            if len(stack) == mark + 1 and not needs_leave(node):
                stack.pop()  # nothing scheduled and nothing to undo: no leave step
            if descend:
                stack.extend([(child, False) if isinstance(child, ast.AST) else child
                              for child in reversed(children(node))])

    def _hooks_for(self, cls: type):
        hooks = self._hooks.get(cls)
        if hooks is None:
            hooks = (getattr(self, f"visit_{cls.__name__}", None), getattr(self, f"leave_{cls.__name__}", None))
            self._hooks[cls] = hooks
        return hooks
