"""Where repository scans run: in this process (`local`) or on a Dask cluster (`dask`).

Dask, not Ray: it is pure Python and a plain `pip install 'whackachip-lint[dask]'` on every worker, its scheduler
is one command (`dask scheduler`), and a LocalCluster starts inside a test without any service. Workers only scan
(`monitor.scan_new_commits`); results come back to the one process that writes the store. Workers need the package
and read access to the repositories (the same paths, or mirrors on shared storage).
"""

from __future__ import annotations

from typing import Iterator

from ..config import Settings
from .history import BlobCache
from .work import RepoResult, RepoWork, scan_new_commits

EXECUTORS = ("local", "dask")


def run_all(works: list[RepoWork], settings: Settings, executor: str, scheduler: str | None,
            cache: BlobCache | None = None) -> Iterator[RepoResult]:
    if executor == "local":
        for work in works:
            yield scan_new_commits(work, settings, cache)
        return
    if executor != "dask":
        raise ValueError(f"unknown executor {executor!r} (one of {', '.join(EXECUTORS)})")
    try:
        from distributed import Client
    except ImportError:
        raise RuntimeError("the dask executor needs the extra: pip install 'whackachip-lint[dask]'") from None
    if not scheduler:
        raise RuntimeError("--executor dask needs --scheduler tcp://HOST:PORT (or an in-process address in tests)")
    client = Client(scheduler, set_as_default=False)
    try:
        futures = [client.submit(scan_new_commits, work, settings, pure=False) for work in works]
        # Results come back in submission order; the caller writes them, so the store has one writer.
        for future in futures:
            yield future.result()
    finally:
        client.close()
