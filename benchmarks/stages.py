"""CPU time per stage of a cold scan, without a profiler: one process, no cache, no workers.

    python benchmarks/stages.py TREE [--docs]

cProfile inflates every Python-level call against the native parser (benchmarks/profile_scan.py says what is
called, not how long it takes); here each stage's function is wrapped in a `time.process_time` timer instead,
and garbage collections are timed through `gc.callbacks`. Stages nest ("Python extractor" holds the parse, the
gate and the walk), so shares do not add up to the whole. Files are scanned in this process (no forked worker),
so the stages are those of the work the workers do, plus what the parent does after them.
"""

from __future__ import annotations

import argparse
import functools
import gc
import importlib
import time
from pathlib import Path

# (label, module, function): looked up in that module at call time, so a wrapper there sees every call.
STAGES = [
    ("discovery", "whackachip_lint.scan", "discover"),
    ("per file, all of it", "whackachip_lint.runner", "scan_with_stamp"),
    ("  read", "whackachip_lint.one_file", "read_source"),
    ("  path facts (paths/facts.py)", "whackachip_lint.one_file", "_path_facts"),
    ("  pre-filter", "whackachip_lint.prefilter", "may_have_findings"),
    ("  extractors (all kinds)", "whackachip_lint.one_file", "_collect"),
    ("    Python extractor", "whackachip_lint.extract.python", "extract"),
    ("      ast parse", "whackachip_lint.extract.python", "parse"),
    ("      gate: hot lines", "whackachip_lint.extract.python", "hot_lines"),
    ("  findings: rule metadata", "whackachip_lint.one_file", "to_finding"),
    ("whole repository: checks, paths and roles", "whackachip_lint.scan", "assemble"),
]


def _timed(totals: dict[str, float], label: str, function):
    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        started = time.process_time()
        try:
            return function(*args, **kwargs)
        finally:
            totals[label] = totals.get(label, 0.0) + time.process_time() - started

    return wrapper


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("tree", type=Path)
    parser.add_argument("--docs", action="store_true", help="read READMEs and logs too (default: --no-docs)")
    args = parser.parse_args()

    from whackachip_lint import workers
    from whackachip_lint.config import Settings
    from whackachip_lint.scan import scan

    workers.available = lambda: False  # every file in this process, where the timers are
    totals: dict[str, float] = {}
    for label, module_name, name in STAGES:
        module = importlib.import_module(module_name)
        if hasattr(module, name):
            setattr(module, name, _timed(totals, label, getattr(module, name)))
    collecting = {"since": 0.0, "total": 0.0, "count": 0}

    def on_collection(phase: str, _info: dict) -> None:
        if phase == "start":
            collecting["since"] = time.process_time()
        else:
            collecting["total"] += time.process_time() - collecting["since"]
            collecting["count"] += 1

    gc.callbacks.append(on_collection)
    settings = Settings(jobs=1, use_cache=False, include_docs=args.docs, respect_gitignore=False)
    started, wall = time.process_time(), time.perf_counter()
    result = scan([args.tree], settings)
    cpu, wall = time.process_time() - started, time.perf_counter() - wall
    print(f"{result.files_scanned} files, {len(result.findings)} findings: {cpu:.2f} s CPU ({wall:.2f} s wall)")
    print(f"{'stage':<46} {'CPU s':>7} {'share':>6}")
    for label, _module, _name in STAGES:
        if label in totals:
            print(f"{label:<46} {totals[label]:>7.2f} {totals[label] / cpu:>6.0%}")
    print(f"{'garbage collection (anywhere)':<46} {collecting['total']:>7.2f} {collecting['total'] / cpu:>6.0%}"
          f"  ({collecting['count']} collections)")


if __name__ == "__main__":
    main()
