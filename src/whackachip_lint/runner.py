"""Run the per-file scan over many files: cached results first, then a process pool for the rest.

Small runs (a pre-commit batch, a single file) stay in this process: starting
workers costs more than it saves below POOL_THRESHOLD files. Larger runs fork
`jobs` workers (default: the cores this process may use) after the parent has
imported the extractors they need, so each worker starts warm. Results come
back in any order; the caller sorts them, so output never depends on timing.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Callable

from .config import Settings
from .discover import Candidate
from .evidence import Diagnostic

if TYPE_CHECKING:
    from .cache import Stamp
    from .scan import FileResult

# Below this many files to parse, one process is faster than a pool (worker start-up on 2 cores).
POOL_THRESHOLD = 32
# Files handed to a worker at a time: large enough to amortise the round trip, small enough to balance.
CHUNK = 4
# Told (files just parsed, files to parse) as results come in: the CLI's progress bar.
Progress = Callable[[int, int], None]


@dataclass
class RunStats:
    files: int = 0
    from_cache: int = 0
    parsed: int = 0
    workers: int = 1


def default_jobs() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):  # not on Linux
        return max(1, os.cpu_count() or 1)


def scan_with_stamp(candidate: Candidate, settings: Settings, want_stamp: bool) -> "tuple[FileResult, Stamp | None]":
    """One file's results, and (for the cache) what identifies the content that was scanned."""
    from .scan import FileResult, read_source, scan_source

    stat = None
    if want_stamp:
        try:
            stat = os.stat(candidate.path)  # before reading: a later edit then changes the mtime we keep
        except OSError:
            pass
    source = read_source(candidate, settings)
    if isinstance(source, Diagnostic):
        return FileResult(candidate.relpath, diagnostics=[source]), None
    result = scan_source(source, settings)
    if stat is None:
        return result, None
    from .cache import Stamp, digest

    return result, Stamp(stat.st_size, stat.st_mtime_ns, digest(source.data))


def _scan_chunk(chunk: list[Candidate], settings: Settings, want_stamp: bool) -> list:
    return [scan_with_stamp(candidate, settings, want_stamp) for candidate in chunk]


def run(candidates: list[Candidate], settings: Settings, root: Path, progress: Progress | None = None
        ) -> "tuple[list[FileResult], RunStats]":
    """Results for every candidate (in no particular order) and how they were obtained; `progress(done, total)`
    hears of the files parsed as they finish."""
    stats = RunStats(files=len(candidates))
    cache = None
    if settings.use_cache and candidates:
        from .cache import ResultCache

        cache = ResultCache.open(root, settings)
    results: list = []
    todo: list[Candidate] = []
    for candidate in candidates:
        hit = cache.lookup(candidate) if cache is not None else None
        if hit is not None:
            results.append(hit)
        else:
            todo.append(candidate)
    stats.from_cache = len(results)
    stats.parsed = len(todo)

    jobs = min(settings.jobs or default_jobs(), len(todo))
    if jobs > 1 and len(todo) >= POOL_THRESHOLD:
        stats.workers = jobs
        scanned = _run_pool(todo, settings, jobs, cache is not None, progress)
    else:
        scanned = []
        for candidate in todo:
            scanned.append(scan_with_stamp(candidate, settings, cache is not None))
            if progress is not None:
                progress(1, len(todo))

    for result, stamp in scanned:
        results.append(result)
        if cache is not None and stamp is not None:
            from .cache import encode_result

            cache.store(result.relpath, stamp, encode_result(result))
    if cache is not None:
        cache.save()
    return results, stats


def _run_pool(todo: list[Candidate], settings: Settings, jobs: int, want_stamp: bool,
              progress: Progress | None = None) -> list:
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    from .extract import extractors_for

    # Workers forked from here inherit the parsers already imported (and pay no import of their own).
    for kind in sorted({c.kind for c in todo}):
        extractors_for(kind)
    context = multiprocessing.get_context("fork") if "fork" in multiprocessing.get_all_start_methods() else None
    # Largest files first, so no worker is left with a big one at the end.
    ordered = sorted(todo, key=_size, reverse=True)
    chunks = [ordered[i : i + CHUNK] for i in range(0, len(ordered), CHUNK)]
    out: list = []
    with ProcessPoolExecutor(max_workers=jobs, mp_context=context) as pool:
        for part in pool.map(_scan_chunk, chunks, [settings] * len(chunks), [want_stamp] * len(chunks)):
            out.extend(part)
            if progress is not None:
                progress(len(part), len(todo))
    return out


def _size(candidate: Candidate) -> int:
    try:
        return os.stat(candidate.path).st_size
    except OSError:
        return 0


__all__ = ["POOL_THRESHOLD", "RunStats", "default_jobs", "run", "scan_with_stamp"]
