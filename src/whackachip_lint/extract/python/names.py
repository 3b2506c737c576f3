"""Import aliases and dotted names, resolved without libcst's QualifiedNameProvider.

`import torch as t` makes `t.bfloat16` mean `torch.bfloat16`; `from torch import
bfloat16 as bf` makes `bf` mean it too; `from os import environ` makes
`environ[...]` mean `os.environ[...]`. The table is filled as imports are
visited (imports normally come first), which is all the precision these
lookups need and costs a dict access per name.
"""

from __future__ import annotations

import libcst as cst


def dotted(node: cst.BaseExpression) -> str | None:
    """`a.b.c` for a chain of names and attributes, else None."""
    parts: list[str] = []
    while isinstance(node, cst.Attribute):
        parts.append(node.attr.value)
        node = node.value
    if not isinstance(node, cst.Name):
        return None
    parts.append(node.value)
    return ".".join(reversed(parts))


def module_name(node: cst.BaseExpression) -> str:
    """The dotted text of an import's module expression (`Attribute`/`Name`)."""
    return dotted(node) or ""


class Aliases:
    """Local name -> the dotted name it was imported as."""

    def __init__(self) -> None:
        self.table: dict[str, str] = {}

    def add_import(self, node: cst.Import) -> list[str]:
        """Record `import a.b as c`; returns the module names imported."""
        modules = []
        for alias in node.names:
            name = module_name(alias.name)
            modules.append(name)
            if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
                self.table[alias.asname.name.value] = name
            else:
                head = name.split(".")[0]
                self.table[head] = head
        return modules

    def add_import_from(self, node: cst.ImportFrom) -> tuple[str, list[str]]:
        """Record `from a import b as c`; returns (module, [full names imported])."""
        if node.relative:  # `from . import x`: project code, never a vendor module
            return "", []
        base = module_name(node.module) if node.module is not None else ""
        full_names = []
        if isinstance(node.names, cst.ImportStar):
            return base, [base]
        for alias in node.names:
            imported = module_name(alias.name)
            full = f"{base}.{imported}" if base else imported
            full_names.append(full)
            local = (
                alias.asname.name.value
                if alias.asname is not None and isinstance(alias.asname.name, cst.Name)
                else imported
            )
            self.table[local.split(".")[0]] = full
        return base, full_names

    def resolve(self, node: cst.BaseExpression) -> str | None:
        """The dotted name an expression refers to, aliases followed; None if not a name chain."""
        name = dotted(node)
        if name is None:
            return None
        return self.resolve_text(name)

    def resolve_text(self, name: str) -> str:
        head, dot, rest = name.partition(".")
        target = self.table.get(head)
        if target is None:
            return name
        return target + dot + rest


def matches(name: str | None, patterns: tuple[str, ...] | dict) -> bool:
    """Whether a resolved dotted name matches one of `patterns` ("*.x" matches any receiver)."""
    if not name:
        return False
    for pattern in patterns:
        if pattern.startswith("*."):
            if name.endswith(pattern[1:]):
                return True
        elif name == pattern:
            return True
    return False


def lookup(name: str | None, patterns: dict[str, str]) -> str | None:
    if not name:
        return None
    if name in patterns:
        return patterns[name]
    for pattern, value in patterns.items():
        if pattern.startswith("*.") and name.endswith(pattern[1:]):
            return value
    return None
