"""The import graph resolves a name by dictionary look-ups (the folders that hold it, worked out once per name);
it must find exactly what trying every folder above the importer finds (the rule of graph.py's docstring)."""

from __future__ import annotations

import posixpath
import sys

from hypothesis import given, settings
from hypothesis import strategies as st

from whackachip_lint.paths.graph import build


def _reference(files: set[str], importer: str, module: str) -> list[str]:
    """The rule, spelled out with no index: the nearest folder above the importer holding the module, else the one
    file anywhere whose dotted path ends with the name (not for a standard-library name)."""
    parts = [p for p in module.split(".") if p]
    if not parts:
        return []

    def under(base: str) -> list[str]:
        path = posixpath.join(base, *parts) if base else "/".join(parts)
        module_file = next((o for o in (path + ".py", path + "/__init__.py") if o in files), None)
        if module_file is None:
            return []
        packages = [posixpath.join(base, *parts[:d]) + "/__init__.py" if base else "/".join(parts[:d]) + "/__init__.py"
                    for d in range(1, len(parts))]
        return [p for p in packages if p in files] + [module_file]

    folder = posixpath.dirname(importer)
    while True:
        found = under(folder)
        if found:
            return found
        parent = posixpath.dirname(folder)
        if not folder or parent == folder:
            break
        folder = parent
    ending = ".".join(parts)
    tails = []
    for path in files:
        dotted = path[: -len("/__init__.py")] if path.endswith("/__init__.py") else path.rsplit(".", 1)[0]
        pieces = dotted.split("/")
        if any(".".join(pieces[i:]) == ending for i in range(len(pieces))):
            tails.append(path)
    if len(tails) != 1 or parts[0] in sys.stdlib_module_names:
        return []
    base = "/".join(tails[0].split("/")[: -len(parts) - (1 if tails[0].endswith("/__init__.py") else 0)])
    return under(base) or [tails[0]]


FOLDERS = ["", "/", "src", "src/pkg", "pkg", "pkg/sub", "a.b", "/abs", "/abs/pkg", "tools/x", "pkg/sub/deep"]
NAMES = ["pkg", "sub", "mod", "util", "deep", "b", "x"]
FILES = st.builds(lambda folder, name, ending: posixpath.join(folder, name + ending),
                  st.sampled_from(FOLDERS), st.sampled_from(NAMES),
                  st.sampled_from([".py", ".pyi", "/__init__.py", ".py"]))
MODULES = st.lists(st.sampled_from(NAMES + ["torch", "a", ""]), min_size=1, max_size=3).map(".".join)


@settings(max_examples=300, deadline=None)
@given(files=st.sets(FILES, min_size=1, max_size=14), importers=st.lists(FILES, min_size=1, max_size=4),
       modules=st.lists(MODULES, min_size=1, max_size=6))
def test_resolution_finds_what_trying_every_folder_above_finds(files, importers, modules):
    graph = build(sorted(files), {})
    for importer in importers:
        for module in modules:
            assert graph.resolve_absolute(module, importer) == _reference(files, importer, module), (importer, module)


def test_a_name_no_file_ends_with_resolves_to_nothing_and_a_known_one_to_its_nearest_folder():
    files = ["pkg/__init__.py", "pkg/mod.py", "tools/pkg/__init__.py", "tools/pkg/mod.py", "tools/run.py",
             "train.py"]
    graph = build(files, {})
    assert graph.resolve_absolute("torch.nn", "tools/run.py") == []
    assert graph.resolve_absolute("pkg.mod", "tools/run.py") == ["tools/pkg/__init__.py", "tools/pkg/mod.py"]
    assert graph.resolve_absolute("pkg.mod", "train.py") == ["pkg/__init__.py", "pkg/mod.py"]
    # Asked again (the memo), the answer is the same and a caller's change to it does not leak into the next one.
    first = graph.resolve_absolute("pkg.mod", "train.py")
    first.append("x.py")
    assert graph.resolve_absolute("pkg.mod", "train.py") == ["pkg/__init__.py", "pkg/mod.py"]


def _reference_resolve(files: set[str], importer: str, module: str, level: int, names: list[str]) -> list[str]:
    """`from <level dots><module> import <names>`, as the rule says: relative from the importer's package."""
    if level:
        base = posixpath.dirname(importer)
        for _ in range(level - 1):
            base = posixpath.dirname(base)
        parts = [p for p in module.split(".") if p]
        if parts:
            path = posixpath.join(base, *parts)
            module_file = next((o for o in (path + ".py", path + "/__init__.py") if o in files), None)
            packages = [posixpath.join(base, *parts[:d]) + "/__init__.py" for d in range(1, len(parts))]
            found = [p for p in packages if p in files] + [module_file] if module_file else []
        else:
            found = [base + "/__init__.py"] if base + "/__init__.py" in files else []
        root = posixpath.join(base, *parts) if parts else base
    else:
        found = _reference(files, importer, module)
        root = found[-1][: -len("/__init__.py")] if found and found[-1].endswith("/__init__.py") else None
    if root is not None:
        found = found + [p for p in [f"{root}/{n}.py" for n in names] + [f"{root}/{n}/__init__.py" for n in names]
                         if p in files]
    return found


@settings(max_examples=300, deadline=None)
@given(files=st.sets(FILES, min_size=1, max_size=14), importers=st.lists(FILES, min_size=1, max_size=4),
       imports=st.lists(st.tuples(MODULES, st.integers(0, 3), st.lists(st.sampled_from(NAMES), max_size=3)),
                        min_size=1, max_size=6))
def test_from_imports_at_every_level_find_what_the_rule_says(files, importers, imports):
    graph = build(sorted(files), {})
    for importer in importers:
        for module, level, names in imports:
            expected = _reference_resolve(files, importer, module, level, names)
            assert graph.resolve(importer, module, level, names) == expected, (importer, module, level, names)
            assert graph.resolve(importer, module, level, names) == expected  # asked again: from the memo


def test_a_standard_library_name_never_resolves_to_a_file_deep_in_another_tree():
    graph = build(["copied/pkg/tensor_parallel/random.py", "copied/pkg/tensor_parallel/__init__.py", "train.py"], {})
    # `import random` in train.py is Python's: the one `random.py` anywhere stands for an installed package only.
    assert graph.resolve_absolute("random", "train.py") == []
    # A name that is not the standard library's still resolves there, and a module beside the script comes first.
    assert graph.resolve_absolute("tensor_parallel.random", "train.py") == [
        "copied/pkg/tensor_parallel/__init__.py", "copied/pkg/tensor_parallel/random.py"]
    assert build(["scripts/random.py", "scripts/run.py"], {}).resolve_absolute("random", "scripts/run.py") == [
        "scripts/random.py"]
