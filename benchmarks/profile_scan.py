"""Where a cold scan spends its time: cProfile of a single-process, uncached scan, summed by phase.

    python benchmarks/profile_scan.py TREE [--top 15]

Phases are the functions that bound each step (cumulative time, so nested phases
overlap their parents: "Python extractor" includes the `ast` parse, the gate
and the walk). Prints the phase table, then the top functions by
cumulative time. Run it with the benchmark venv's Python or the project's.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import time
from pathlib import Path

# (label, file path suffix, function name)
PHASES = [
    ("whole scan", "whackachip_lint/scan.py", "scan"),
    ("discovery (walk, .gitignore, classify)", "whackachip_lint/discover.py", "discover"),
    ("read files", "whackachip_lint/one_file.py", "read_source"),
    ("pre-filter", "whackachip_lint/prefilter.py", "may_have_findings"),
    ("Python extractor", "extract/python/__init__.py", "extract"),
    ("  ast parse (CPython's parser)", "extract/python/__init__.py", "parse"),
    ("  gate: hot lines (gate.py)", "extract/python/gate.py", "hot_lines"),
    ("  evidence walk (walk.py)", "extract/python/walk.py", "walk"),
    ("  comments of hot lines", "extract/python/visitor.py", "comments"),
    ("  positions of findings", "extract/python/visitor.py", "findings"),
    ("shell extractor", "extract/shell/__init__.py", "extract"),
    ("findings: rule metadata", "whackachip_lint/one_file.py", "to_finding"),
    ("suppression directives", "whackachip_lint/suppress.py", "parse_directives"),
]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("tree", type=Path)
    parser.add_argument("--top", type=int, default=15)
    args = parser.parse_args()

    from whackachip_lint.config import Settings
    from whackachip_lint.scan import scan

    profiler = cProfile.Profile()
    start = time.perf_counter()
    profiler.enable()
    result = scan([args.tree], Settings(jobs=1, use_cache=False))
    profiler.disable()
    wall = time.perf_counter() - start
    stats = pstats.Stats(profiler)
    totals: dict[str, float] = {}
    for (filename, _, function), (_, _, _, cumulative, _) in stats.stats.items():  # type: ignore[attr-defined]
        for label, suffix, name in PHASES:
            if function == name and filename.replace("\\", "/").endswith(suffix):
                totals[label] = totals.get(label, 0.0) + cumulative
    whole = totals.get("whole scan", wall) or wall
    print(f"{result.files_scanned} files, {len(result.findings)} findings, {wall:.2f} s under the profiler")
    print(f"{'phase':<42} {'seconds':>8} {'share':>6}")
    for label, _, _ in PHASES:
        if label in totals:
            print(f"{label:<42} {totals[label]:>8.2f} {totals[label] / whole:>6.0%}")
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(args.top)
    print(out.getvalue())


if __name__ == "__main__":
    main()
