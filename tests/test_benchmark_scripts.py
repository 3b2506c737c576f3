"""The benchmark scripts run, on a tiny generated tree, so that a renamed function or option cannot leave them broken
unnoticed (benchmarks/floor.py once imported a function that had been removed, and stopped running). Fast: a few
seconds; none of them measures anything here."""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BENCHMARKS = ROOT / "benchmarks"
FILES = {
    "pkg/__init__.py": "",
    "pkg/train.py": "import torch\nmodel.to('cuda')\nx = torch.zeros(2, dtype=torch.bfloat16)\n",
    "pkg/util.py": "def add(a, b):\n    return a + b\n",
    "run.sh": "#!/bin/bash\nexport NCCL_DEBUG=INFO\ntorchrun --nproc_per_node 8 pkg/train.py\n",
    "notes.txt": "nothing here\n",
}


def _tree(root: Path) -> Path:
    for relpath, text in FILES.items():
        path = root / relpath
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def _run(*argv: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"))
    return subprocess.run([sys.executable, *argv], capture_output=True, text=True, env=env, timeout=120, check=False)


def _load(name: str):
    spec = importlib.util.spec_from_file_location(f"benchmark_{name}", BENCHMARKS / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_floor_reads_every_file_wac_lint_would_scan(tmp_path):
    tree = _tree(tmp_path / "tree")
    done = _run(str(BENCHMARKS / "floor.py"), str(tree))
    assert done.returncode == 0, done.stderr
    size = sum(len(text.encode()) for text in FILES.values())
    # Every file is of a kind wac-lint reads; the three without a trigger word of a filtered kind are not counted.
    assert done.stdout == f"5 files, {size} bytes, 3 with a trigger word (or of a kind never filtered)\n"


def test_floor_every_match_counts_each_trigger_word(tmp_path):
    tree = _tree(tmp_path / "tree")
    done = _run(str(BENCHMARKS / "floor.py"), str(tree), "--every-match")
    assert done.returncode == 0, done.stderr
    size = sum(len(text.encode()) for text in FILES.values())
    first, _, rest = done.stdout.partition(", 3 with a trigger word (or of a kind never filtered), ")
    assert first == f"5 files, {size} bytes"
    # train.py and run.sh hold several trigger words each: more matches than files.
    assert int(rest.split()[0]) > 3 and rest.endswith(" trigger words in all\n")


def test_stages_times_every_stage_it_names(tmp_path):
    tree = _tree(tmp_path / "tree")
    done = _run(str(BENCHMARKS / "stages.py"), str(tree), "--docs")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("5 files, ")
    stages = _load("stages")
    for label, module_name, name in stages.STAGES:
        # A stage whose function was renamed would silently drop out of the table: it must still be found.
        assert hasattr(importlib.import_module(module_name), name), f"{module_name}.{name} ({label}) is gone"
        if not label.strip().startswith(("ast parse", "gate")):  # per Python file: the parse helper's stages
            assert label in done.stdout, label
    assert "garbage collection (anywhere)" in done.stdout


def test_bench_arguments_and_tool_choice():
    bench = _load("bench")
    args = bench.parse_args(["--reps", "5", "--sizes", "megatron", "--only", "floor,ruff"])
    assert (args.reps, args.sizes, args.only) == (5, "megatron", "floor,ruff")
    defaults = bench.parse_args([])
    assert (defaults.reps, defaults.sizes, defaults.only) == (3, "megatron,transformers", "")
    every = bench.commands(Path("tree"), Path("cache"))
    names = [name for name, _argv, _mode in every]
    assert [c[0] for c in bench.choose(every, [])] == names
    # A full name picks that tool only ("wac-lint cold" stays: ratios are against it); anything else is a prefix.
    assert [c[0] for c in bench.choose(every, ["wac-lint warm (cache)"])] == ["wac-lint cold", "wac-lint warm (cache)"]
    assert [c[0] for c in bench.choose(every, ["wac-lint"])] == [n for n in names if n.startswith("wac-lint")]
    assert [c[0] for c in bench.choose(every, ["floor"])] == ["floor (read + trigger pattern)", "wac-lint cold"]


def test_bench_builds_its_trees_from_the_unpacked_wheels(tmp_path, monkeypatch):
    bench = _load("bench")
    src = tmp_path / "src"
    _tree(src / "transformers-5.23.0" / "transformers")
    _tree(src / "transformers-5.23.0" / "transformers" / "models" / "bert")
    (src / "transformers-5.23.0" / "transformers" / "pkg" / "__pycache__").mkdir()
    (src / "transformers-5.23.0" / "transformers" / "pkg" / "__pycache__" / "train.cpython-311.pyc").write_bytes(b"")
    _tree(src / "megatron-core-0.16.1" / "megatron")
    monkeypatch.setattr(bench, "SRC", src)
    monkeypatch.setattr(bench, "TREES", tmp_path / "trees")
    python_files = sum(1 for relpath in FILES if relpath.endswith(".py"))
    expected = {"megatron": python_files, "transformers": 2 * python_files, "large": 2 * python_files,
                "full": 3 * python_files}
    for size, count in expected.items():
        tree = bench.build_tree(size)
        assert tree == tmp_path / "trees" / size
        assert bench.tree_size(tree)[0] == count, size
        assert not list(tree.rglob("__pycache__"))
    assert bench.build_tree("megatron") == tmp_path / "trees" / "megatron"  # built once, then reused
    chosen = bench.precommit_files(tmp_path / "trees" / "full")
    assert len(chosen) == 6 and all(p.stat().st_size > 0 for p in chosen)


def test_bench_wac_lint_command_lines_run(tmp_path, monkeypatch):
    """The cold and warm command lines bench.py times, run with this checkout's wac-lint."""
    wac_lint = shutil.which("wac-lint", path=str(Path(sys.executable).parent))
    if wac_lint is None:
        pytest.skip("no wac-lint script next to this interpreter")
    bench = _load("bench")
    monkeypatch.setattr(bench, "VENV_BIN", Path(sys.executable).parent)
    monkeypatch.setattr(bench, "REPORT", tmp_path / "report.json")
    tree = _tree(tmp_path / "tree")
    runs = {name: argv for name, argv, _mode in bench.commands(tree, tmp_path / "cache") if name.startswith("wac-lint")}
    assert set(runs) == {"wac-lint cold", "wac-lint cold, single process", "wac-lint warm (cache)",
                         "wac-lint warm, no replay"}
    reports = []
    # Warm runs hit the result cache, or are replayed (replay.py) once the tree is older than its racy window;
    # the last never is.
    for name in ("wac-lint cold", "wac-lint warm (cache)", "wac-lint warm (cache)", "wac-lint warm (cache)",
                 "wac-lint warm, no replay"):
        done = subprocess.run(runs[name], capture_output=True, text=True, timeout=120, check=False)
        assert done.returncode == 0, (name, done.stderr)
        reports.append(json.loads((tmp_path / "report.json").read_text(encoding="utf-8")))
    assert reports[0]["files_scanned"] == len(FILES)
    assert any(f["path"].endswith("pkg/train.py") for f in reports[0]["findings"])
    assert reports[0] == reports[1] == reports[2] == reports[3] == reports[4]


def test_diff_extractors_compares_a_tree_against_a_revision(tmp_path):
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        pytest.skip("not a git checkout")
    tree = _tree(tmp_path / "tree")
    done = _run(str(BENCHMARKS / "diff_extractors.py"), "--base", "HEAD", str(tree))
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"== {tree}: 3 files, " in done.stdout
    assert done.stdout.rstrip().endswith(": 0 differences in all")
    files = _load("diff_extractors").python_files(tree)
    assert sorted(rel for _path, rel in files) == ["pkg/__init__.py", "pkg/train.py", "pkg/util.py"]


def test_diff_extractors_compares_the_kinds_it_is_given(tmp_path):
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        pytest.skip("not a git checkout")
    tree = _tree(tmp_path / "tree")
    (tree / "Dockerfile").write_text("FROM rocm/pytorch:latest\nRUN pip install torch_npu\n", encoding="utf-8")
    (tree / "README.md").write_text("# x\n", encoding="utf-8")
    done = _run(str(BENCHMARKS / "diff_extractors.py"), "--base", "HEAD", "--kinds", "dockerfile,markdown", str(tree))
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"== {tree}: 2 files, 2 old findings, 0 differences" in done.stdout
    files = _load("diff_extractors").kind_files(tree, {"dockerfile", "python"})
    assert [(rel, kind) for _path, rel, kind in files] == [("Dockerfile", "dockerfile")]
