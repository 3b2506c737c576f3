"""The import graph of a repository's own Python modules, from the per-file facts (`facts.py`).

An import resolves as Python would find it in a checkout: relative imports from the importing file's package;
absolute ones from the nearest folder above the importer that holds the module (the script's own folder, the
repository root, `src/`...), else (not for a standard-library name) from the one file anywhere whose dotted path
ends with the name. Modules that resolve to no file of the repository (torch, numpy) are outside the graph.
Importing `a.b.c` also runs the packages `a/__init__.py` and `a/b/__init__.py`; `from a import b` reaches `a/b.py`
when there is one.
"""

from __future__ import annotations

import functools
import posixpath
import sys
from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping

# How an import runs (facts.py), and which ones make the imported file a certain part of a path.
CERTAIN = frozenset({"top"})
CERTAIN_AT_ENTRY = frozenset({"top", "main"})  # the entry file itself runs its `__main__` block
NEVER = frozenset({"typing"})  # `if TYPE_CHECKING:` imports do not run


@dataclass
class ImportGraph:
    edges: dict[str, list[tuple[str, str]]] = field(default_factory=dict)  # file -> [(imported file, how)]
    importers: dict[str, list[tuple[str, str]]] = field(default_factory=dict)  # file -> [(importing file, how)]
    python_files: set[str] = field(default_factory=set)
    _by_suffix: dict[str, list[str]] = field(default_factory=dict, repr=False)
    _closures: dict[str, frozenset[str]] | None = field(default=None, repr=False)
    # Memos of the resolution (a repository imports the same names from the same folders over and over).
    _homes_of: dict[str, frozenset[str]] = field(default_factory=dict, repr=False)
    _found: dict[tuple[str, str], list[str]] = field(default_factory=dict, repr=False)
    _modules: dict[tuple[str, str, int], tuple[list[str], str | None]] = field(default_factory=dict, repr=False)

    def resolve_absolute(self, module: str, importer: str | None = None) -> list[str]:
        """The files `import module` runs (packages first, the module last); [] when it is not ours."""
        return self._absolute(module, _parent(importer) if importer else None)

    def _absolute(self, module: str, folder: str | None) -> list[str]:
        """`resolve_absolute` from a file in `folder` (None: from no file)."""
        parts = [p for p in module.split(".") if p]
        if not parts:
            return []
        dotted = ".".join(parts)
        tail = self._by_suffix.get(dotted)
        if not tail:
            return []  # no file's dotted path ends with the name: no folder can hold it (torch, numpy, os)
        homes = self._homes(dotted, parts)
        for base in _folders_above(folder) if folder is not None else ("",):
            if base in homes:
                return self._under(base, parts)
        if len(tail) != 1 or parts[0] in sys.stdlib_module_names:
            # The one file anywhere stands for an installed package, and the standard library comes before any:
            # `import random` in a script is Python's, not a `random.py` deep in a vendored tree.
            return []
        # The folder the name is relative to (a source root such as src/), and the packages on the way.
        base = "/".join(tail[0].split("/")[: -len(parts) - (1 if tail[0].endswith("/__init__.py") else 0)])
        return self._under(base, parts) or [tail[0]]

    def _homes(self, dotted: str, parts: list[str]) -> frozenset[str]:
        """The folders `base` for which `base/<parts>.py` or `base/<parts>/__init__.py` is a file: the only
        bases `_under` finds the module from (worked out once per name from the files whose dotted path ends
        with it, instead of trying every folder above every importer)."""
        homes = self._homes_of.get(dotted)
        if homes is None:
            relative = "/".join(parts)
            found = set()
            for path in self._by_suffix.get(dotted, ()):
                for ending in (relative + ".py", relative + "/__init__.py"):
                    if not path.endswith(ending):
                        continue
                    prefix = path[: -len(ending)]  # "" or "/" (a root) or "folder/": what posixpath.join makes
                    if prefix in ("", "/"):
                        found.add(prefix)
                    elif prefix.endswith("/"):
                        found.add(prefix[:-1])
            homes = self._homes_of[dotted] = frozenset(found)
        return homes

    def _under(self, base: str, parts: list[str]) -> list[str]:
        key = (base, ".".join(parts))
        found = self._found.get(key)
        if found is None:
            found = self._found[key] = self._find_under(base, parts)
        return list(found)

    def _find_under(self, base: str, parts: list[str]) -> list[str]:
        path = posixpath.join(base, *parts) if base else "/".join(parts)
        module = _first(self.python_files, (path + ".py", path + "/__init__.py"))
        if module is None:
            return []
        packages = []
        for depth in range(1, len(parts)):
            prefix = posixpath.join(base, *parts[:depth]) if base else "/".join(parts[:depth])
            init = prefix + "/__init__.py"
            if init in self.python_files:
                packages.append(init)
        return packages + [module]

    def resolve(self, importer: str, module: str, level: int, names: Iterable[str]) -> list[str]:
        found, root = self._module_files(_parent(importer), module, level)
        if root is not None:
            # `from pkg import sub` imports the submodule `pkg/sub.py` when there is one.
            names = list(names)
            return found + _existing(self.python_files, [f"{root}/{n}.py" for n in names] +
                                     [f"{root}/{n}/__init__.py" for n in names])
        return found  # already the caller's own copy

    def _module_files(self, folder: str, module: str, level: int) -> tuple[list[str], str | None]:
        """The files an import of `module` (`level` dots) from a file in `folder` runs, and the folder its names'
        submodules would be in (None: not a package of ours); once per (folder, module, level)."""
        key = (folder, module, level)
        known = self._modules.get(key)
        if known is None:
            if level:
                base = folder
                for _ in range(level - 1):
                    base = _parent(base)
                parts = [p for p in module.split(".") if p]
                found = self._under(base, parts) if parts else _existing(self.python_files, [base + "/__init__.py"])
                root = posixpath.join(base, *parts) if parts else base
            else:
                found = self._absolute(module, folder)
                root = found[-1][: -len("/__init__.py")] if found and found[-1].endswith("/__init__.py") else None
            known = self._modules[key] = (found, root)
        return list(known[0]), known[1]

    def reach(self, start: str, certain_only: bool) -> set[str]:
        """Files the module `start` runs when run as a script: by certain imports only, or by any import."""
        return self.reach_many([start], certain_only)

    def certain_reach(self, starts: Iterable[str]) -> set[str]:
        """`reach_many(starts, certain_only=True)`, from closures worked out once for the whole graph."""
        if self._closures is None:
            self._closures = _closures({n: [t for t, how in e if how in CERTAIN] for n, e in self.edges.items()})
        out = set(starts)
        for start in list(out):
            for target, how in self.edges.get(start, ()):
                if how in CERTAIN_AT_ENTRY:
                    out |= self._closures.get(target, frozenset((target,)))
        return out

    def reach_many(self, starts: Iterable[str], certain_only: bool) -> set[str]:
        """Files any of `starts` runs when run as a script (one traversal for all of them)."""
        entries = set(starts)
        seen = set(entries)
        todo = list(entries)
        while todo:
            current = todo.pop()
            allowed = CERTAIN_AT_ENTRY if current in entries else CERTAIN
            for target, how in self.edges.get(current, ()):
                if target in seen or how in NEVER or (certain_only and how not in allowed):
                    continue
                if how == "main" and current not in entries:
                    continue  # another module's `__main__` block does not run when it is imported
                seen.add(target)
                todo.append(target)
        return seen


def build(files: Iterable[str], facts: dict[str, dict[str, Any]]) -> ImportGraph:
    graph = ImportGraph()
    graph.python_files = {f for f in files if f.endswith((".py", ".pyi"))}
    for path in graph.python_files:
        dotted = path[: -len("/__init__.py")] if path.endswith("/__init__.py") else path.rsplit(".", 1)[0]
        parts = dotted.split("/")
        for i in range(len(parts)):
            graph._by_suffix.setdefault(".".join(parts[i:]), []).append(path)
    for path in sorted(graph.python_files):
        for module, level, names, how, _line in facts.get(path, {}).get("imports", ()):
            for target in graph.resolve(path, module, level, names):
                if target != path and not _encloses(target, path):
                    graph.edges.setdefault(path, []).append((target, how))
                    graph.importers.setdefault(target, []).append((path, how))
    return graph


def strongly_connected(edges: Mapping[str, Iterable[str]]) -> list[list[str]]:
    """The strongly connected components of a directed graph (Tarjan, iterative: a deep tree must not hit the
    recursion limit), each listed after every component it reaches. Nodes only named as targets count too."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    components: list[list[str]] = []
    for root in list(edges):
        if root in index:
            continue
        work = [(root, iter(edges.get(root, ())))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            advanced = False
            for child in children:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(edges.get(child, ()))))
                    advanced = True
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            if advanced:
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                components.append(component)
    return components


def _closures(edges: dict[str, list[str]]) -> dict[str, frozenset[str]]:
    """Each node's transitive closure (itself included), built once per strongly connected component from its
    successors' (import cycles are common); components come after those they reach, so those are ready."""
    closure: dict[str, frozenset[str]] = {}
    for component in strongly_connected(edges):
        reached = set(component)
        for member in component:
            for child in edges.get(member, ()):
                if child not in reached:
                    reached |= closure.get(child, frozenset((child,)))
        frozen = frozenset(reached)
        for member in component:
            closure[member] = frozen
    return closure


def _encloses(target: str, path: str) -> bool:
    """True when `target` is the `__init__.py` of a package holding `path`: it ran before `path` did."""
    return target.endswith("/__init__.py") and path.startswith(target[: -len("__init__.py")])


# posixpath.dirname, once per path (every import of a file asks for its folder).
_parent = functools.lru_cache(maxsize=1 << 16)(posixpath.dirname)


@functools.lru_cache(maxsize=4096)
def _folders_above(folder: str) -> tuple[str, ...]:
    """`_ancestors`, once per folder (every file of a folder imports from the same places)."""
    return tuple(_ancestors(folder))


def _ancestors(folder: str) -> list[str]:
    out = []
    while True:
        out.append(folder)
        parent = posixpath.dirname(folder)
        if not folder or parent == folder:  # "" for a relative path, "/" for an absolute one
            return out
        folder = parent


def _first(known: set[str], options: Iterable[str]) -> str | None:
    return next((o for o in options if o in known), None)


def _existing(known: set[str], options: Iterable[str]) -> list[str]:
    return [o for o in options if o in known]
