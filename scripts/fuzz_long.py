#!/usr/bin/env python3
"""The long fuzz run: many thousands of generated and mutated inputs through every extractor.

    .venv/bin/python scripts/fuzz_long.py                  # 10,000 inputs per kind, every registered kind
    .venv/bin/python scripts/fuzz_long.py -n 50000 -k python -k shell --seed 7 --jobs 2 --json fuzz.json

It uses the strategies of tests/fuzzing.py (the same as tests/properties/test_fuzz.py, which runs
100 per kind in CI) and the same check: an exception other than ExtractionError, or a
finding outside the file or outside the evidence model, is a crash. Hypothesis stops a
kind at its first crash and shrinks it; the shrunk input is printed so it can become a
regression test in tests/properties/test_fuzz.py. The table it prints goes in docs/robustness.md.
Timing figures are for information only (nothing asserts them).
"""

from __future__ import annotations

import argparse
import json
import platform
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # for tests.fuzzing


def fuzz_kind(kind: str, examples: int, seed: int, current: Path | None = None) -> dict:
    from hypothesis import HealthCheck, Phase, given, settings
    from hypothesis import seed as hypothesis_seed

    from tests import fuzzing

    stats = {"kind": kind, "inputs": 0, "crashes": 0, "bytes": 0, "seconds": 0.0, "slowest": 0.0,
             "largest": 0, "failure": None}

    @hypothesis_seed(seed)
    @settings(max_examples=examples, deadline=None, database=None, derandomize=False,
              phases=(Phase.generate, Phase.shrink), print_blob=False,
              suppress_health_check=list(HealthCheck))
    @given(fuzzing.inputs(kind))
    def run(data: bytes) -> None:
        if current is not None:  # kept on disk: if a native crash kills us, this is the input that did it
            current.write_bytes(data)
        started = time.perf_counter()
        problems = fuzzing.run_extractors(kind, data)
        spent = time.perf_counter() - started
        stats["inputs"] += 1
        stats["bytes"] += len(data)
        stats["seconds"] += spent
        stats["largest"] = max(stats["largest"], len(data))
        stats["slowest"] = max(stats["slowest"], spent)
        assert problems == [], problems

    try:
        run()
    except AssertionError as exc:
        stats["crashes"] = 1
        stats["failure"] = str(exc)[:2000]
    except Exception as exc:  # noqa: BLE001 - report whatever escaped Hypothesis itself
        stats["crashes"] = 1
        stats["failure"] = f"{type(exc).__name__}: {exc}"[:2000]
    return stats


def _run_worker(kind: str, args: argparse.Namespace, crash_dir: Path) -> dict:
    """Fuzz one kind in a child process, so a native crash (a segfault in a parser) is caught and kept."""
    current = crash_dir / f"{kind}.current"
    proc = subprocess.run(
        [sys.executable, __file__, "--worker", kind, "-n", str(args.examples), "--seed", str(args.seed),
         "--current", str(current)],
        capture_output=True, text=True,
    )
    lines = [line for line in proc.stdout.splitlines() if line.startswith("{")]
    if proc.returncode == 0 and lines:
        return json.loads(lines[-1])
    kept = crash_dir / f"{kind}.crash"
    if current.exists():
        current.rename(kept)
    how = f"killed by signal {-proc.returncode}" if proc.returncode < 0 else f"exit status {proc.returncode}"
    return {"kind": kind, "inputs": None, "crashes": 1, "seconds": 0, "slowest": 0, "largest": 0,
            "failure": f"the worker process died ({how}); the input it was running is in {kept}\n"
                       f"{proc.stderr[-2000:]}"}


def corpus_pass() -> dict:
    """Every adversarial corpus entry's bytes through its kind's extractors (files on disk aside)."""
    import tempfile

    from tests import corpus, fuzzing

    checked = crashes = 0
    failures = []
    with tempfile.TemporaryDirectory() as tmp:
        root, outside = Path(tmp) / "tree", Path(tmp) / "outside"
        entries = [e for e in corpus.entries(include_slow=True, as_root=True) if e.kind]
        corpus.build(root, outside, entries)
        for entry in entries:
            path = root / entry.path
            if not path.is_file() or path.is_symlink() or path.stat().st_size > 20 * 1024 * 1024:
                continue
            problems = fuzzing.run_extractors(entry.kind, path.read_bytes())
            checked += 1
            if problems:
                crashes += 1
                failures.append(f"{entry.name}: {problems}")
    return {"kind": "corpus files", "inputs": checked, "crashes": crashes, "failure": "; ".join(failures) or None}


def versions() -> dict:
    out = {"python": platform.python_version()}
    for dist in ("whackachip-lint", "libcst", "tree-sitter", "tree-sitter-bash", "hypothesis"):
        try:
            out[dist] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            pass
    return out


def main() -> int:
    from tests import fuzzing

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("-n", "--examples", type=int, default=10_000, help="inputs per kind (default 10,000)")
    parser.add_argument("-k", "--kind", action="append", help="only these kinds (default: every registered kind)")
    parser.add_argument("--seed", type=int, default=20261122)
    parser.add_argument("--jobs", type=int, default=2, help="kinds fuzzed in parallel")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    parser.add_argument("--worker", help=argparse.SUPPRESS)  # internal: fuzz one kind in this process
    parser.add_argument("--current", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.worker:
        row = fuzz_kind(args.worker, args.examples, args.seed, args.current)
        print(json.dumps(row))
        return 0

    kinds = args.kind or fuzzing.kinds()
    started = time.time()
    crash_dir = Path(tempfile.mkdtemp(prefix="wac-lint-fuzz-"))
    with ThreadPoolExecutor(max_workers=args.jobs) as pool:
        rows = list(pool.map(lambda kind: _run_worker(kind, args, crash_dir), kinds))
    rows.append(corpus_pass())
    wall = time.time() - started

    print(f"| kind | inputs | crashes | mean ms/input | slowest input s | largest input bytes |")
    print("|---|---:|---:|---:|---:|---:|")
    for row in rows:
        mean = 1000 * row.get("seconds", 0) / row["inputs"] if row.get("seconds") and row["inputs"] else 0
        inputs = "died" if row["inputs"] is None else f"{row['inputs']:,}"
        print(f"| {row['kind']} | {inputs} | {row['crashes']} | {mean:.2f} | {row.get('slowest', 0):.3f} | "
              f"{row.get('largest', 0):,} |")
    total = sum(r["inputs"] or 0 for r in rows)
    crashes = sum(r["crashes"] for r in rows)
    print(f"\n{total:,} inputs, {crashes} crash{'es' if crashes != 1 else ''}, {wall:.0f} s wall, "
          f"seed {args.seed}, {versions()}")
    for row in rows:
        if row["failure"]:
            print(f"\n{row['kind']} FAILED:\n{row['failure']}")
    if args.json:
        args.json.write_text(json.dumps({"rows": rows, "wall_seconds": wall, "seed": args.seed,
                                         "examples_per_kind": args.examples, "versions": versions()}, indent=2))
    return 1 if crashes else 0


if __name__ == "__main__":
    sys.exit(main())
