"""Run the per-file scan over many files: cached results first, then a process pool for the rest.

Every file is scanned in a forked worker process with a time and memory budget
(workers.py), so a file that hangs or crashes a parser costs one diagnostic.
Small runs (a pre-commit batch, a single file) use one worker: more would cost
more than they save below POOL_THRESHOLD files. Larger runs fork `jobs` workers
(default: the cores this process may use) after the parent has imported the
extractors they need, so each worker starts warm. Results come back in any
order; the caller sorts them, so output never depends on timing.
"""

from __future__ import annotations

import enum
import os
from pathlib import Path
from typing import Callable

from . import one_file, workers
from .cache import ResultCache, Stamp, digest, encode_result
from .config import Settings, default_jobs
from .discover import Candidate
from .evidence import Diagnostic
from .extract import extractors_for
from .results import FileResult, RunStats

# Below this many files to parse, one process is faster than a pool (worker start-up on 2 cores).
POOL_THRESHOLD = 32
# Files handed to a worker at a time: large enough to amortise the round trip, small enough to balance.
CHUNK = 4
# Told (files just parsed, files to parse) as results come in: the CLI's progress bar.
Progress = Callable[[int, int], None]


class Unsettled(enum.Enum):
    """In place of a stamp: a result that depends on more than the file's bytes (its worker ran out of time or
    memory, crashed, or raised): never cached, and it keeps the run from being replayed (RunStats.unsettled). An
    enum member survives the trip back from a worker as the same object, so `is` tells it from a Stamp."""

    RESULT = "unsettled"


UNSETTLED = Unsettled.RESULT


def scan_with_stamp(candidate: Candidate, settings: Settings, want_stamp: bool) -> tuple[FileResult, Stamp | None]:
    """One file's results, and (for the cache) what identifies the content that was scanned."""
    stat = None
    if want_stamp:
        try:
            stat = os.stat(candidate.path)  # before reading: a later edit then changes the mtime we keep
        except OSError:
            pass
    source = one_file.read_source(candidate, settings)
    if isinstance(source, Diagnostic):
        return FileResult(candidate.relpath, diagnostics=[source]), None
    result = one_file.scan_source(source, settings)
    if stat is None:
        return result, None
    return result, Stamp(stat.st_size, stat.st_mtime_ns, digest(source.data), stat.st_ino, stat.st_ctime_ns)


def _scan_chunk(chunk: list[Candidate], settings: Settings, want_stamp: bool) -> list:
    return [scan_with_stamp(candidate, settings, want_stamp) for candidate in chunk]


def run(candidates: list[Candidate], settings: Settings, root: Path, progress: Progress | None = None
        ) -> tuple[list[FileResult], RunStats]:
    """Results for every candidate (in no particular order) and how they were obtained."""
    stats = RunStats(files=len(candidates))
    cache = None
    if settings.use_cache and candidates:
        cache = ResultCache.open(root, settings)
    results: list = []
    todo: list[Candidate] = []
    contents: dict[str, str | None] = {}
    for candidate in candidates:
        hit = cache.lookup(candidate) if cache is not None else None
        if hit is not None:
            results.append(hit)
            contents[candidate.relpath] = cache.content_digest(candidate.relpath)
        else:
            todo.append(candidate)
    stats.from_cache = len(results)
    stats.parsed = len(todo)

    jobs = min(settings.jobs or default_jobs(), len(todo))
    if jobs > 1 and len(todo) >= POOL_THRESHOLD:
        stats.workers = jobs
        scanned = _run_pool(todo, settings, jobs, cache is not None, progress)
    elif todo:
        scanned = _scan_all(todo, settings, 1, cache is not None, progress)
    else:
        scanned = []

    for result, stamp in scanned:
        if stamp is UNSETTLED:
            stats.unsettled += 1
            stamp = None
        results.append(result)
        contents[result.relpath] = stamp.digest if stamp is not None else None
        if cache is not None and stamp is not None:
            cache.store(result.relpath, stamp, encode_result(result))
    if cache is not None:
        cache.save()
        if len(contents) == len(candidates) and all(contents.values()):  # every file's content known
            stats.contents = contents
    return results, stats


def _run_pool(todo: list[Candidate], settings: Settings, jobs: int, want_stamp: bool,
              progress: Progress | None = None) -> list:
    return _scan_all(todo, settings, jobs, want_stamp, progress)


def _scan_all(todo: list[Candidate], settings: Settings, jobs: int, want_stamp: bool,
              progress: Progress | None = None) -> list:
    """(result, stamp) for every file, each scanned within its time and memory budget (workers.py)."""
    # Workers forked from here inherit the parsers already imported (and pay no import of their own).
    for kind in sorted({c.kind for c in todo}):
        extractors_for(kind)
    # Largest files first, so no worker is left with a big one at the end.
    ordered = sorted(todo, key=_size, reverse=True) if jobs > 1 else todo
    if not workers.available():  # no fork (Windows): in this process or a spawned pool, without a budget
        if jobs == 1:
            return [scan_with_stamp(candidate, settings, want_stamp) for candidate in ordered]
        return _run_executor(ordered, settings, jobs, want_stamp)
    told = (lambda done: progress(done, len(todo))) if progress is not None else None
    return workers.run(
        ordered,
        lambda candidate: _scan_guarded(candidate, settings, want_stamp),
        lambda candidate, why: _over_budget(candidate, why, settings),
        jobs=jobs,
        timeout=settings.file_timeout or None,
        memory_bytes=settings.file_memory_mb * 2**20 or None,
        progress=told,
    )


def _scan_guarded(candidate: Candidate, settings: Settings, want_stamp: bool
                  ) -> tuple[FileResult, Stamp | Unsettled | None]:
    """scan_with_stamp in a worker: an error escaping it costs this file a diagnostic, never the worker."""
    try:
        return scan_with_stamp(candidate, settings, want_stamp)
    except Exception as exc:
        problem = Diagnostic(candidate.relpath, one_file.internal_error_message(exc))
        return FileResult(candidate.relpath, diagnostics=[problem]), UNSETTLED


def _over_budget(candidate: Candidate, why: str, settings: Settings) -> tuple[FileResult, Unsettled]:
    """The result of a file whose worker ran out of time or crashed (never cached: the next run tries again)."""
    hint = " (raise it with --file-timeout)" if "time budget" in why else ""
    return (FileResult(candidate.relpath, diagnostics=[Diagnostic(candidate.relpath, f"{why}; not scanned{hint}")]),
            UNSETTLED)


def _run_executor(ordered: list[Candidate], settings: Settings, jobs: int, want_stamp: bool) -> list:
    from concurrent.futures import ProcessPoolExecutor

    chunks = [ordered[i : i + CHUNK] for i in range(0, len(ordered), CHUNK)]
    out: list = []
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        for part in pool.map(_scan_chunk, chunks, [settings] * len(chunks), [want_stamp] * len(chunks)):
            out.extend(part)
    return out


def _size(candidate: Candidate) -> int:
    try:
        return os.stat(candidate.path).st_size
    except OSError:
        return 0


__all__ = ["POOL_THRESHOLD", "run", "scan_with_stamp"]
