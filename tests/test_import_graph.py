"""No import cycle in the package (issue 17): data flows one way, discover -> extract -> infer -> report."""

from __future__ import annotations

import textwrap
from pathlib import Path

from .import_graph import cycles, describe, import_graph

SRC = Path(__file__).resolve().parents[1] / "src"


def test_the_package_has_no_import_cycle():
    graph = import_graph(SRC, "whackachip_lint")
    assert len(graph) > 100  # the whole package was read
    assert [describe(graph, c) for c in cycles(graph)] == []


# (importer, imported): arrows that would point up the pipeline (docs/architecture.md). Prefixes of module names.
FORBIDDEN = (
    ("whackachip_lint.extract", "whackachip_lint.infer"),  # extractors never read the inference
    ("whackachip_lint.extract", "whackachip_lint.report"),
    ("whackachip_lint.infer", "whackachip_lint.report"),  # the inference never imports a reporter
    ("whackachip_lint.infer", "whackachip_lint.lint"),
    ("whackachip_lint.cache", "whackachip_lint.scan"),  # the cache and the per-file step never import the scan
    ("whackachip_lint.runner", "whackachip_lint.scan"),
    ("whackachip_lint.one_file", "whackachip_lint.scan"),
    ("whackachip_lint.report", "whackachip_lint.scan"),  # reporters read results.py, not the scan
)


def _under(module: str, prefix: str) -> bool:
    return module == prefix or module.startswith(prefix + ".")


def upward_imports(graph: dict[str, set[str]]) -> list[str]:
    return sorted(f"{a} -> {b}" for a, imported in graph.items() for b in imported
                  for low, high in FORBIDDEN if _under(a, low) and _under(b, high))


def test_arrows_point_down_the_pipeline():
    assert upward_imports(import_graph(SRC, "whackachip_lint")) == []


def test_an_upward_import_is_found():
    graph = {"whackachip_lint.extract.shell.walker": {"whackachip_lint.infer.engine"},
             "whackachip_lint.infer.engine": {"whackachip_lint.extract.environment"}}
    assert upward_imports(graph) == ["whackachip_lint.extract.shell.walker -> whackachip_lint.infer.engine"]


def _package(tmp_path: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = tmp_path / "pkg" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    return tmp_path


def test_a_cycle_through_a_function_level_import_is_found(tmp_path):
    src = _package(tmp_path, {
        "__init__.py": "",
        "scan.py": "from . import runner\n",
        "runner.py": "def run():\n    from .scan import scan_source\n",
        "report.py": "from .scan import scan\n",
    })
    graph = import_graph(src, "pkg")
    assert graph["pkg.runner"] == {"pkg.scan"}
    assert cycles(graph) == [["pkg.runner", "pkg.scan"]]


def test_a_type_checking_import_counts_and_names_resolve_to_submodules_or_packages(tmp_path):
    src = _package(tmp_path, {
        "__init__.py": "from .sub import walker\n",
        "sub/__init__.py": "VALUE = 1\n",
        "sub/walker.py": ("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from .. import cache\n"
                          "from . import VALUE\n"),
        "cache.py": "import pkg.sub.walker\nimport os\n",
    })
    graph = import_graph(src, "pkg")
    assert graph["pkg"] == {"pkg.sub.walker"}
    assert graph["pkg.sub.walker"] == {"pkg.cache", "pkg.sub"}
    assert cycles(graph) == [["pkg.cache", "pkg.sub.walker"]]


def test_an_acyclic_package_has_no_cycle(tmp_path):
    src = _package(tmp_path, {"__init__.py": "", "a.py": "from . import b\n", "b.py": "import json\n"})
    assert cycles(import_graph(src, "pkg")) == []
