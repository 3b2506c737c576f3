"""Differential check: the extractors of this checkout against the ones of another revision.

    python benchmarks/diff_extractors.py [--base REV] [--examples] [--kinds python,shell,...|all] TREE...

Extracts `src/whackachip_lint` of REV (default: the merge base with `main`) into a
temporary folder, then runs the Python file kind's extractors (everything
`extractors_for("python")` lists) of both versions over every `.py` file under
each TREE, and over the Python rule examples and the Python code blocks of
test files when `--examples` is given. `--kinds` names the file kinds to compare
instead (default `python`; `all`: every kind of kinds.py): files are classified as
discovery does (this checkout's `discover.classify`), and each kind's extractors run on them. Each side runs in its own process
(the old side needs its own dependencies importable, libcst included). Findings
are compared as (rule, value, state, line, column, end line, end column) per
file, diagnostics by message. Prints every difference (at most --show per
tree) and a count; exits 1 if any.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tarfile
import tempfile
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SKIP_DIRS = {".git", ".venv", "venv", "node_modules", "__pycache__", ".tox", ".work"}

WORKER = r'''
import json, sys
from pathlib import Path
from whackachip_lint.extract import ExtractionError, Source, extractors_for

for line in sys.stdin:
    path, rel, *kind = json.loads(line)
    kind = kind[0] if kind else "python"
    data = Path(path).read_bytes()
    source = Source(Path(path), rel, kind, data)
    found, error = [], None
    try:
        for extract in extractors_for(kind):
            for f in extract(source):
                s = f.span
                found.append([f.rule, repr(f.value), f.state.value, s.line, s.column, s.end_line, s.end_column])
    except ExtractionError as exc:
        error = str(exc)
    except RecursionError:
        error = "RecursionError"
    print(json.dumps([rel, sorted(found), error]), flush=True)
'''


def python_files(tree: Path) -> list[tuple[str, str]]:
    found = []
    for dirpath, dirnames, filenames in os.walk(tree):
        dirnames[:] = sorted(d for d in dirnames if d not in SKIP_DIRS)
        for name in sorted(filenames):
            if name.endswith(".py"):
                path = Path(dirpath, name)
                found.append((str(path), str(path.relative_to(tree))))
    return found


def kind_files(tree: Path, kinds: set[str]) -> list[tuple[str, str, str]]:
    """(path, relative path, kind) of the files under `tree` that discovery gives one of `kinds` (not Python:
    python_files lists those)."""
    sys.path.insert(0, str(ROOT / "src"))
    from whackachip_lint.discover import classify

    found = []
    for dirpath, dirnames, filenames in os.walk(tree):
        dirnames[:] = sorted(d for d in dirnames if d not in SKIP_DIRS)
        for name in sorted(filenames):
            path = Path(dirpath, name)
            if path.is_symlink() or not path.is_file():
                continue
            kind = classify(path)
            if kind in kinds and kind != "python":
                found.append((str(path), str(path.relative_to(tree)), kind))
    return found


def example_files(folder: Path) -> list[tuple[str, str]]:
    """The Python rule examples, written out as files."""
    sys.path.insert(0, str(ROOT / "src"))
    from whackachip_lint.rules import ALL_RULES

    found = []
    for rule in ALL_RULES.values():
        for label, examples in (("pos", rule.positives), ("neg", rule.negatives)):
            for index, example in enumerate(examples):
                if example.kind != "python":
                    continue
                path = folder / f"{rule.code}-{label}{index}.py"
                path.write_text(example.code, encoding="utf-8")
                found.append((str(path), path.name))
    return found


def run_side(src: Path, files: list[tuple[str, ...]]) -> dict[str, tuple[list, str | None]]:
    env = dict(os.environ, PYTHONPATH=str(src))
    proc = subprocess.run(
        [sys.executable, "-c", WORKER],
        input="".join(json.dumps(f) + "\n" for f in files),
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    if proc.returncode != 0:
        sys.exit(f"extractor run failed ({src}):\n{proc.stderr[-3000:]}")
    results = {}
    for line in proc.stdout.splitlines():
        rel, found, error = json.loads(line)
        results[rel] = ([tuple(f) for f in found], error)
    return results


def compare(name: str, old: dict, new: dict, show: int) -> int:
    differences = 0
    kinds: Counter = Counter()
    for rel in sorted(old):
        (old_found, old_error), (new_found, new_error) = old[rel], new[rel]
        if old_error != new_error:
            differences += 1
            kinds["diagnostic"] += 1
            if differences <= show:
                print(f"{name}/{rel}: diagnostic\n  old: {old_error}\n  new: {new_error}")
        lost = Counter(old_found) - Counter(new_found)
        gained = Counter(new_found) - Counter(old_found)
        for label, items in (("only old", lost), ("only new", gained)):
            for item in sorted(items.elements()):
                differences += 1
                kinds[f"{label} {item[0]}"] += 1
                if differences <= show:
                    print(f"{name}/{rel}: {label}: {item}")
    total = sum(len(found) for found, _ in old.values())
    summary = ", ".join(f"{k}: {v}" for k, v in sorted(kinds.items())) or "none"
    print(f"== {name}: {len(old)} files, {total} old findings, {differences} differences ({summary})")
    return differences


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("trees", nargs="*", type=Path)
    parser.add_argument("--base", default=None, help="revision of the old extractor (default: merge base with main)")
    parser.add_argument("--examples", action="store_true", help="also the Python rule examples")
    parser.add_argument("--show", type=int, default=40, help="differences printed per tree")
    parser.add_argument("--kinds", default="python", help="file kinds to compare, comma-separated, or `all`")
    options = parser.parse_args()
    base = options.base or subprocess.run(
        ["git", "merge-base", "HEAD", "main"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.strip()
    total = 0
    with tempfile.TemporaryDirectory(prefix="wac-diff-") as tmp:
        archive = subprocess.run(
            ["git", "archive", "--format=tar", base, "src/whackachip_lint"], cwd=ROOT, capture_output=True, check=True
        ).stdout
        old_root = Path(tmp, "old")
        old_root.mkdir()
        tar = Path(tmp, "old.tar")
        tar.write_bytes(archive)
        with tarfile.open(tar) as handle:
            handle.extractall(old_root, filter="data")
        kinds = set(options.kinds.split(",")) - {""} or {"python"}
        if "all" in kinds:
            sys.path.insert(0, str(ROOT / "src"))
            from whackachip_lint.kinds import KINDS

            kinds = set(KINDS)
        batches = [(str(tree), (python_files(tree) if "python" in kinds else []) + kind_files(tree, kinds))
                   for tree in options.trees]
        if options.examples:
            folder = Path(tmp, "examples")
            folder.mkdir()
            batches.append(("rule examples", example_files(folder)))
        for name, files in batches:
            old = run_side(old_root / "src", files)
            new = run_side(ROOT / "src", files)
            total += compare(name, old, new, options.show)
    print(f"base {base[:12]}: {total} differences in all")
    return 1 if total else 0


if __name__ == "__main__":
    sys.exit(main())
