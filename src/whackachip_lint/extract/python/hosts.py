"""Tests of the host operating system that pick a desktop fallback: `if os.name == "nt": backend = "gloo"`.

Accelerator training machines run Linux (no catalogued accelerator trains under Windows), so of a branch on
"is this Windows?" the other side is the one a training run takes: it keeps the state around it, and only the
Windows side is conditional. macOS is not such a test: Apple silicon trains on it (MPS, MLX).
"""

from __future__ import annotations

import ast

from .names import Aliases

# (what is read, the value it has on Windows, how it is compared): `os.name == "nt"`, `sys.platform == "win32"`,
# `platform.system() == "Windows"`, `sys.platform.startswith("win")`.
_EQUALS = {"os.name": "nt", "sys.platform": "win32", "platform.system": "windows"}
_PREFIXES = {"sys.platform": "win"}


def windows_test(test: ast.expr, aliases: Aliases) -> bool | None:
    """True when `test` holds exactly on a Windows host, False when exactly off it, None when it is no such test."""
    if type(test) is ast.UnaryOp and type(test.op) is ast.Not:
        inner = windows_test(test.operand, aliases)
        return None if inner is None else not inner
    if type(test) is ast.Compare and len(test.ops) == 1 and type(test.ops[0]) in (ast.Eq, ast.NotEq):
        for read, other in ((test.left, test.comparators[0]), (test.comparators[0], test.left)):
            text = _string(other)
            if text is not None and _EQUALS.get(_reads(read, aliases) or "") == text.lower():
                return type(test.ops[0]) is ast.Eq
        return None
    if type(test) is ast.Call and type(test.func) is ast.Attribute and test.func.attr == "startswith" and test.args:
        prefix = _PREFIXES.get(aliases.resolve(test.func.value) or "")
        text = _string(test.args[0])
        if prefix is not None and text is not None and text.lower() == prefix:
            return True
    return None


def _reads(node: ast.expr, aliases: Aliases) -> str | None:
    """`os.name` / `sys.platform` as read, `platform.system` for a call of it."""
    if type(node) is ast.Call and not node.args and not node.keywords:
        return aliases.resolve(node.func)
    return aliases.resolve(node)


def _string(node: ast.expr) -> str | None:
    return node.value if type(node) is ast.Constant and type(node.value) is str else None
