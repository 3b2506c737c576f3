"""Import aliases and dotted names, resolved from CPython `ast` nodes.

`import torch as t` makes `t.bfloat16` mean `torch.bfloat16`; `from torch import
bfloat16 as bf` makes `bf` mean it too; `from os import environ` makes
`environ[...]` mean `os.environ[...]`. The table is filled as imports are
visited (imports normally come first), which is all the precision these
lookups need and costs a dict access per name.
"""

from __future__ import annotations

import ast


def dotted(node: ast.AST | None) -> str | None:
    """`a.b.c` for a chain of names and attributes, else None."""
    parts: list[str] = []
    while type(node) is ast.Attribute:
        parts.append(node.attr)
        node = node.value
    if type(node) is not ast.Name:
        return None
    parts.append(node.id)
    return ".".join(reversed(parts))


class Aliases:
    """Local name -> the dotted name it was imported as."""

    def __init__(self) -> None:
        self.table: dict[str, str] = {}

    def add_import(self, node: ast.Import) -> list[tuple[str, str]]:
        """Record `import a.b as c`; returns [(local name, module)] for the names it binds."""
        bound = []
        for alias in node.names:
            name = alias.name
            if alias.asname is not None:
                local = alias.asname
                self.table[local] = name
            else:
                local = name.split(".")[0]
                self.table[local] = local
            bound.append((local, name))
        return bound

    def add_import_from(self, node: ast.ImportFrom) -> tuple[str, list[str], list[tuple[str, str]]]:
        """Record `from a import b as c`; returns (module, [full names imported], [(local, full)])."""
        if node.level:  # `from . import x`: project code, never a vendor module
            return "", [], []
        base = node.module or ""
        if len(node.names) == 1 and node.names[0].name == "*":
            return base, [base], []
        full_names, bound = [], []
        for alias in node.names:
            imported = alias.name
            full = f"{base}.{imported}" if base else imported
            full_names.append(full)
            local = (alias.asname or imported).split(".")[0]
            self.table[local] = full
            bound.append((local, full))
        return base, full_names, bound

    def resolve(self, node: ast.AST | None) -> str | None:
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


# Per table: the table itself, its size (a table that grew is split again), its exact names and the suffixes of
# its "*.x" patterns in order. Every call of the walk asks a dozen tables; a scan of each table's patterns per
# question cost more than the rest of the call handlers. Tables are dicts and tuples, which cannot be weakly
# referenced and (dicts) not hashed: the key is id(table), safe because each entry holds its table (an id is
# reused only once its object is freed) and is checked to be that table.
_SPLIT: dict[int, tuple[object, int, frozenset[str], tuple[str, ...]]] = {}


def _split(patterns: tuple[str, ...] | dict) -> tuple[object, int, frozenset[str], tuple[str, ...]]:
    entry = _SPLIT.get(id(patterns))
    if entry is None or entry[0] is not patterns or entry[1] != len(patterns):
        exact = frozenset(pattern for pattern in patterns if not pattern.startswith("*."))
        suffixes = tuple(pattern[1:] for pattern in patterns if pattern.startswith("*."))
        entry = _SPLIT[id(patterns)] = (patterns, len(patterns), exact, suffixes)
    return entry


def matches(name: str | None, patterns: tuple[str, ...] | dict) -> bool:
    """Whether a resolved dotted name matches one of `patterns` ("*.x" matches any receiver)."""
    if not name:
        return False
    _, _, exact, suffixes = _split(patterns)
    return name in exact or name.endswith(suffixes)


def lookup(name: str | None, patterns: dict[str, str]) -> str | None:
    if not name:
        return None
    if name in patterns:
        return patterns[name]
    suffixes = _split(patterns)[3]
    if suffixes and name.endswith(suffixes):
        for pattern, value in patterns.items():  # the first "*.x" pattern that matches, in the table's order
            if pattern.startswith("*.") and name.endswith(pattern[1:]):
                return value
    return None
