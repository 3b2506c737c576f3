"""A lean depth-first walk over a libcst tree with Fixit-style `visit_X` / `leave_X` hooks.

libcst's own `CSTNode.visit` rebuilds every node it passes through and asks the
visitor about every attribute of every node; for a read-only scan that is most
of the cost of the visit. This walker reads the dataclass fields that can hold
child nodes and calls `visit_<Class>` (return False to skip the children) and
`leave_<Class>` when a subclass defines them. Nodes are the parsed ones, so
metadata computed on the same tree (positions) still applies.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

import libcst as cst

_FIELDS: dict[type, tuple[str, ...]] = {}
# Childless nodes holding only spaces or a line break (never a comment): about half the nodes of a
# typical file. They are not walked unless a subclass hooks them.
_BLANK_LEAVES = (cst.SimpleWhitespace, cst.Newline)


def _child_fields(cls: type) -> tuple[str, ...]:
    names = _FIELDS.get(cls)
    if names is None:
        names = tuple(f.name for f in dataclasses.fields(cls))
        _FIELDS[cls] = names
    return names


class Walker:
    """Subclass and define `visit_<NodeClass>(node)` / `leave_<NodeClass>(node)`."""

    def __init__(self) -> None:
        self._hooks: dict[type, tuple[Callable[[Any], Any] | None, Callable[[Any], Any] | None]] = {}
        # type -> whether to walk it: a CSTNode (isinstance against libcst's ABC is slow; types are few),
        # less the blank leaves nobody hooks.
        self._walked: dict[type, bool] = {kind: self._hooks_for(kind) != (None, None) for kind in _BLANK_LEAVES}

    def _learn(self, kind: type) -> bool:
        self._walked[kind] = result = issubclass(kind, cst.CSTNode)
        return result

    def on_visit(self, node: cst.CSTNode) -> bool:
        visit = self._hooks_for(type(node))[0]
        return visit is None or visit(node) is not False

    def on_leave(self, node: cst.CSTNode) -> None:
        leave = self._hooks_for(type(node))[1]
        if leave is not None:
            leave(node)

    def walk(self, root: cst.CSTNode) -> None:
        # An explicit stack, not recursion: libcst parses expressions nested thousands deep
        # (`a + b + ...` chains) that would exhaust Python's recursion limit.
        is_node, learn = self._walked, self._learn
        stack: list[tuple[cst.CSTNode, bool]] = [(root, False)]
        while stack:
            node, leaving = stack.pop()
            if leaving:
                self.on_leave(node)
                continue
            descend = self.on_visit(node)
            stack.append((node, True))
            if not descend:
                continue
            children: list[cst.CSTNode] = []
            for name in _child_fields(type(node)):
                value = getattr(node, name)
                kind = type(value)
                if kind is tuple or kind is list:
                    for item in value:
                        item_kind = type(item)
                        if is_node.get(item_kind) or (item_kind not in is_node and learn(item_kind)):
                            children.append(item)
                elif is_node.get(kind) or (kind not in is_node and learn(kind)):
                    children.append(value)
            stack.extend((child, False) for child in reversed(children))

    def _hooks_for(self, cls: type):
        hooks = self._hooks.get(cls)
        if hooks is None:
            hooks = (getattr(self, f"visit_{cls.__name__}", None), getattr(self, f"leave_{cls.__name__}", None))
            self._hooks[cls] = hooks
        return hooks
