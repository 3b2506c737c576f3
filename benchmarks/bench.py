"""Benchmark wac-lint against Semgrep (an equivalent rule pack), Bandit, Ruff and the I/O floor.

    bash benchmarks/setup.sh                         # once: tools + pinned source trees
    benchmarks/.work/venv/bin/python benchmarks/bench.py [--reps 3] [--sizes megatron,transformers]

Trees (built under benchmarks/.work/trees from the pinned releases setup.sh unpacked):
  megatron      megatron-core (the `megatron` package)
  transformers  the whole `transformers` package of the wheel, models included
  large         megatron-core + transformers without `transformers/models`
  full          megatron-core + all of transformers
Each tool runs `--reps` times per tree, round-robin (one run of every tool per round, so
load from elsewhere on the machine falls on all tools alike); the table shows the median and fastest
wall time, the median CPU time (user + system of the whole process tree, from wait4: on a shared
machine it moves far less than wall time), and the peak resident memory (RSS) of the whole process
tree (workers included, sampled every 50 ms) next to the largest single process.
Ratios are against wac-lint's cold run on the same tree. wac-lint's own modules are byte-compiled
first, as an installed package's are. Results are also saved as JSON (--out). The suite runs no
benchmark, but tests/test_benchmark_scripts.py runs this script's argument parsing, tree building
and wac-lint command lines on a tiny tree, so a renamed option or function cannot go unnoticed.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
WORK = HERE / ".work"
VENV_BIN = WORK / "venv" / "bin"
SRC = WORK / "src"
TREES = WORK / "trees"
PACK = HERE / "semgrep" / "wac-equivalent.yaml"
IGNORE = shutil.ignore_patterns("*.so", "*.pyc", "__pycache__", "*.dist-info")
PRECOMMIT_FILES = 10


# --- trees ------------------------------------------------------------------------------------


def _source(prefix: str) -> Path:
    matches = sorted(p for p in SRC.iterdir() if p.name.startswith(prefix)) if SRC.is_dir() else []
    if not matches:
        sys.exit(f"{SRC}/{prefix}* not found: run `bash benchmarks/setup.sh` first")
    return matches[-1]


def build_tree(size: str) -> Path:
    tree = TREES / size
    if tree.is_dir():
        return tree
    tmp = TREES / f".{size}.tmp"
    shutil.rmtree(tmp, ignore_errors=True)
    transformers = _source("transformers-") / "transformers"
    if size == "transformers":
        shutil.copytree(transformers, tmp / "transformers", ignore=IGNORE)
        tmp.rename(tree)
        return tree
    shutil.copytree(_source("megatron-core-") / "megatron", tmp / "megatron-core", ignore=IGNORE)
    if size == "large":
        shutil.copytree(transformers, tmp / "transformers", ignore=shutil.ignore_patterns("models", "*.so", "*.pyc",
                                                                                           "__pycache__"))
    elif size == "full":
        shutil.copytree(transformers, tmp / "transformers", ignore=IGNORE)
    tmp.rename(tree)
    return tree


def tree_size(tree: Path) -> tuple[int, int]:
    files = [p for p in tree.rglob("*.py")]
    return len(files), sum(p.stat().st_size for p in files)


def precommit_files(tree: Path) -> list[Path]:
    """Ten files spread evenly over the tree, in a fixed order (what a pre-commit batch of changed files looks like)."""
    files = sorted(p for p in tree.rglob("*.py") if p.stat().st_size > 0)
    step = max(1, len(files) // PRECOMMIT_FILES)
    return files[::step][:PRECOMMIT_FILES]


# --- measuring --------------------------------------------------------------------------------


def _tree_rss_kb(root_pid: int) -> int:
    """Sum of VmRSS over `root_pid` and its descendants (Linux /proc)."""
    parents: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat", "rb") as handle:
                    fields = handle.read().rsplit(b")", 1)[1].split()
                parents[int(entry)] = int(fields[1])
            except (OSError, IndexError, ValueError):
                continue
    family, frontier = {root_pid}, [root_pid]
    while frontier:
        pid = frontier.pop()
        for child, parent in parents.items():
            if parent == pid and child not in family:
                family.add(child)
                frontier.append(child)
    total = 0
    for pid in family:
        try:
            with open(f"/proc/{pid}/status", "rb") as handle:
                for line in handle:
                    if line.startswith(b"VmRSS:"):
                        total += int(line.split()[1])
                        break
        except OSError:
            continue
    return total


def run_once(argv: list[str], env: dict[str, str]) -> dict:
    start = time.perf_counter()
    process = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    peak = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, _tree_rss_kb(process.pid))
            done.wait(0.05)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    stderr = process.stderr.read() if process.stderr else b""
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - start
    done.set()
    sampler.join()
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode not in (0, 1):
        raise RuntimeError(f"{argv[0]} exited {process.returncode}: {stderr.decode(errors='replace')[-2000:]}")
    # wait4's usage includes the descendants the process waited for (pool workers, semgrep-core).
    cpu = usage.ru_utime + usage.ru_stime
    return {"wall": wall, "cpu": cpu, "rss_tree_mb": peak / 1024, "rss_max_process_mb": usage.ru_maxrss / 1024}


def measure(name: str, argv: list[str], reps: int, env: dict[str, str]) -> dict:
    runs = []
    for _ in range(reps):
        runs.append(run_once(argv, env))
        print(f"  {name}: {runs[-1]['wall']:.2f} s", file=sys.stderr, flush=True)
    return summarise(name, argv, runs)


def measure_interleaved(chosen: list, reps: int, env: dict[str, str]) -> list[dict]:
    """Round-robin over the tools, `reps` rounds: a burst of load from elsewhere hits every tool alike."""
    runs: dict[str, list[dict]] = {name: [] for name, _, _ in chosen}
    for round_ in range(reps):
        for name, argv, _ in chosen:
            runs[name].append(run_once(argv, env))
            print(f"  [{round_ + 1}/{reps}] {name}: {runs[name][-1]['wall']:.2f} s", file=sys.stderr, flush=True)
    return [summarise(name, argv, runs[name]) for name, argv, _ in chosen]


def summarise(name: str, argv: list[str], runs: list[dict]) -> dict:
    walls = [r["wall"] for r in runs]
    return {
        "name": name,
        "argv": argv,
        "reps": len(runs),
        "median": statistics.median(walls),
        "min": min(walls),
        "max": max(walls),
        "cpu": statistics.median(r["cpu"] for r in runs),
        "rss_tree_mb": max(r["rss_tree_mb"] for r in runs),
        "rss_max_process_mb": max(r["rss_max_process_mb"] for r in runs),
    }


# --- the tools ----------------------------------------------------------------------------------


JOBS = "2"  # the same number of processes for wac-lint and Semgrep


# wac-lint writes only regular files (never a device such as /dev/null): reports go here, overwritten each run.
REPORT = WORK / "report.json"


def commands(tree: Path, cache_dir: Path) -> list[tuple[str, list[str], object]]:
    # The trees live under benchmarks/.work/, which this checkout's .gitignore ignores: scan them all the same.
    wac = [str(VENV_BIN / "wac-lint"), "--format", "json", "-o", str(REPORT), "--exit-zero", "--no-docs",
           "--no-respect-gitignore"]
    py = str(VENV_BIN / "python")

    return [
        ("floor (read + trigger pattern)", [py, str(HERE / "floor.py"), str(tree)], None),
        ("wac-lint cold", wac + ["--no-cache", "--jobs", JOBS, str(tree)], None),
        ("wac-lint cold, single process", wac + ["--no-cache", "--jobs", "1", str(tree)], None),
        ("wac-lint warm (cache)", wac + ["--jobs", JOBS, "--cache-dir", str(cache_dir), str(tree)], "warm"),
        # The same rescan without the whole-run replay (replay.py): the scanner answers it from the result cache.
        ("wac-lint warm, no replay", ["env", "WAC_LINT_REPLAY=0", *wac, "--jobs", JOBS, "--cache-dir",
                                      str(cache_dir), str(tree)], "warm"),
        (
            "semgrep (equivalent pack)",
            [str(VENV_BIN / "semgrep"), "scan", "--config", str(PACK), "--no-git-ignore", "--metrics=off",
             "--disable-version-check", "--max-target-bytes", "10000000", "--jobs", JOBS, "--json", "-o",
             os.devnull, "--quiet", str(tree)],
            None,
        ),
        ("bandit -r", [str(VENV_BIN / "bandit"), "-r", "-q", "-f", "json", "-o", os.devnull, str(tree)], None),
        (
            "ruff check --select ALL",
            [str(VENV_BIN / "ruff"), "check", "--isolated", "--select", "ALL", "--no-cache", "--exit-zero",
             "--no-respect-gitignore", "--output-format", "json", "-o", os.devnull, str(tree)],
            None,
        ),
    ]


def tool_versions(env) -> dict[str, str]:
    out = {}
    for tool, argv in {
        "wac-lint": [str(VENV_BIN / "wac-lint"), "--version"],
        "semgrep": [str(VENV_BIN / "semgrep"), "--version"],
        "bandit": [str(VENV_BIN / "bandit"), "--version"],
        "ruff": [str(VENV_BIN / "ruff"), "--version"],
    }.items():
        try:
            text = subprocess.run(argv, capture_output=True, text=True, env=env, timeout=120).stdout
            out[tool] = text.strip().splitlines()[0] if text.strip() else "?"
        except (OSError, subprocess.SubprocessError):
            out[tool] = "?"
    try:
        out["checkout"] = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],
                                         capture_output=True, text=True).stdout.strip()
    except OSError:
        out["checkout"] = "?"
    return out


# --- report ----------------------------------------------------------------------------------------


def table(size: str, files: int, size_bytes: int, rows: list[dict]) -> str:
    cold = next(r for r in rows if r["name"] == "wac-lint cold")["median"]
    lines = [
        f"### {size}: {files} Python files, {size_bytes / 1e6:.1f} MB",
        "",
        "| tool | median (min) s | x wac-lint cold | CPU s (median) | CPU x wac-lint cold "
        "| peak RSS, all processes (MB) | largest process (MB) |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    cold_cpu = next(r for r in rows if r["name"] == "wac-lint cold")["cpu"]
    for r in rows:
        lines.append(
            f"| {r['name']} | {r['median']:.2f} ({r['min']:.2f}) | {r['median'] / cold:.3f} | {r['cpu']:.2f} "
            f"| {r['cpu'] / cold_cpu:.3f} | {r['rss_tree_mb']:.0f} | {r['rss_max_process_mb']:.0f} |"
        )
    return "\n".join(lines)


def targets(rows: list[dict], precommit: dict) -> str:
    by = {r["name"]: r for r in rows}
    cold = by["wac-lint cold"]["median"]
    semgrep, floor = by["semgrep (equivalent pack)"], by["floor (read + trigger pattern)"]
    checks = [
        ("cold scan >= 3x faster than Semgrep (median wall)", semgrep["median"] / cold, ">= 3", lambda v: v >= 3),
        ("cold scan >= 3x faster than Semgrep (fastest runs)", semgrep["min"] / by["wac-lint cold"]["min"], ">= 3",
         lambda v: v >= 3),
        ("cold scan >= 3x less CPU than Semgrep", semgrep["cpu"] / by["wac-lint cold"]["cpu"], ">= 3",
         lambda v: v >= 3),
        ("cold scan within 8x of the floor (median wall)", cold / floor["median"], "<= 8", lambda v: v <= 8),
        ("warm rescan <= 10% of cold", by["wac-lint warm (cache)"]["median"] / cold, "<= 0.10", lambda v: v <= 0.10),
        ("10-file pre-commit run < 0.3 s (median wall)", precommit["median"], "< 0.3 s", lambda v: v < 0.3),
        ("10-file pre-commit run < 0.3 s (CPU)", precommit["cpu"], "< 0.3 s", lambda v: v < 0.3),
        ("peak RSS < 300 MB (cold, all processes)", by["wac-lint cold"]["rss_tree_mb"], "< 300", lambda v: v < 300),
    ]
    lines = ["| target | measured | wanted | met |", "|---|---:|---:|---|"]
    for name, value, wanted, ok in checks:
        lines.append(f"| {name} | {value:.3g} | {wanted} | {'yes' if ok(value) else 'NO'} |")
    return "\n".join(lines)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--sizes", default="megatron,transformers",
                        help="comma-separated: megatron, transformers, large, full")
    parser.add_argument("--only", default="", help="comma-separated name prefixes of tools to run (default: all)")
    parser.add_argument("--out", type=Path, default=WORK / "results.json")
    return parser.parse_args(argv)


def choose(every: list[tuple[str, list[str], object]], only: list[str]) -> list[tuple[str, list[str], object]]:
    """The tools `--only` picks (wac-lint's cold run always: ratios are against it). A name given in full picks
    that tool only; otherwise it is a prefix."""
    names = {c[0] for c in every}
    return [c for c in every
            if not only or c[0] == "wac-lint cold"
            or any(c[0] == o or (o not in names and c[0].startswith(o)) for o in only)]


def main() -> None:
    args = parse_args()
    if not (VENV_BIN / "wac-lint").exists():
        sys.exit("benchmarks/.work/venv not found: run `bash benchmarks/setup.sh` first")

    env = dict(os.environ, SEMGREP_SEND_METRICS="off", SEMGREP_ENABLE_VERSION_CHECK="0")
    env.pop("WAC_LINT_CACHE_DIR", None)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    # An installed package comes byte-compiled; an editable checkout does only once something wrote the caches.
    subprocess.run([str(VENV_BIN / "python"), "-c", "import compileall, os, whackachip_lint; "
                    "compileall.compile_dir(os.path.dirname(whackachip_lint.__file__), quiet=1)"],
                   env=env, check=False, stdout=subprocess.DEVNULL)
    info = {
        "date": time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime()),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
        "load_before": os.getloadavg(),
        "versions": tool_versions(env),
        "reps": args.reps,
    }
    only = [o.strip() for o in args.only.split(",") if o.strip()]
    results: dict = {"info": info, "sizes": {}}
    report = [f"wac-lint benchmark, {info['date']}, {info['machine']}", f"versions: {info['versions']}", ""]
    large_tree = None
    for size in [s.strip() for s in args.sizes.split(",") if s.strip()]:
        tree = build_tree(size)
        large_tree = tree
        files, size_bytes = tree_size(tree)
        print(f"[{size}] {tree} ({files} files, {size_bytes / 1e6:.1f} MB)", file=sys.stderr)
        cache_dir = WORK / f"cache-{size}"
        chosen = choose(commands(tree, cache_dir), only)
        shutil.rmtree(cache_dir, ignore_errors=True)
        for name, argv, mode in chosen:
            if mode == "warm":
                run_once(argv, env)  # prime the cache and the replay record (not timed)
        rows = measure_interleaved(chosen, args.reps, env)
        results["sizes"][size] = {"files": files, "bytes": size_bytes, "rows": rows}
        report += [table(size, files, size_bytes, rows), ""]

    files = precommit_files(large_tree)
    wac = [str(VENV_BIN / "wac-lint"), "--format", "json", "-o", str(REPORT), "--exit-zero", "--no-respect-gitignore"]
    precommit = measure(f"wac-lint on {len(files)} files, no cache", wac + ["--no-cache", *map(str, files)],
                        max(args.reps, 5), env)
    version = measure("wac-lint --version", [str(VENV_BIN / "wac-lint"), "--version"], max(args.reps, 5), env)
    results["precommit"] = precommit
    results["precommit_files"] = [str(f.relative_to(large_tree)) for f in files]
    results["version"] = version
    report += [
        f"pre-commit-sized run ({len(files)} files spread over the last tree, no cache): median "
        f"{precommit['median']:.3f} s (fastest {precommit['min']:.3f} s, CPU {precommit['cpu']:.3f} s), peak RSS "
        f"{precommit['rss_tree_mb']:.0f} MB; `wac-lint --version`: {version['median']:.3f} s (CPU {version['cpu']:.3f} s)",
        "",
    ]
    sizes = list(results["sizes"])
    if len(sizes) >= 2:
        a, b = results["sizes"][sizes[0]], results["sizes"][sizes[-1]]
        report.append(f"growth {sizes[0]} -> {sizes[-1]}: bytes x{b['bytes'] / a['bytes']:.2f}; time per tool:")
        small_rows = {r["name"]: r for r in a["rows"]}
        for r in b["rows"]:
            if r["name"] in small_rows:
                before = small_rows[r["name"]]
                report.append(f"  {r['name']}: wall x{r['median'] / before['median']:.2f}, "
                              f"CPU x{r['cpu'] / max(before['cpu'], 1e-9):.2f}")
        report.append("")
    for size in sizes:
        rows = results["sizes"][size]["rows"]
        if {"wac-lint cold", "semgrep (equivalent pack)", "floor (read + trigger pattern)",
                "wac-lint warm (cache)"} <= {r["name"] for r in rows}:
            report += [f"targets (on {size}):", targets(rows, precommit), ""]
    info["load_after"] = os.getloadavg()
    report.append(f"load average before {info['load_before']}, after {info['load_after']}")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2))
    print("\n".join(report))


if __name__ == "__main__":
    main()
