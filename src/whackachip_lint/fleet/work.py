"""One repository's scan of its new commits: a pure function of the repository and the commits already known.

It runs in the `fleet scan` process or on a Dask worker (`executors.py`); only the caller writes the store.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..config import Settings
from . import git
from .history import BlobCache, CommitScan, diff, scan_commit


@dataclass
class RepoWork:
    """One repository's scan request, small and picklable (it travels to Dask workers)."""

    name: str
    path: str  # a work tree or a bare mirror
    branch: str | None
    known: frozenset[str]  # commits already in the store
    is_mirror: bool


@dataclass
class RepoResult:
    name: str
    branch: str
    scans: list[tuple[int, CommitScan, dict[str, Any] | None]]  # (position on the branch, scan, change)
    error: str | None = None


def scan_new_commits(work: RepoWork, settings: Settings, cache: BlobCache | None = None) -> RepoResult:
    """Scan the commits of the branch not yet known, each with its change against the commit before it."""
    repo = Path(work.path)
    try:
        if work.is_mirror:
            git.mirror_update(repo)
        branch = work.branch or git.default_branch(repo)
        commits = git.commits(repo, branch)
    except git.GitError as exc:
        return RepoResult(work.name, work.branch or "", [], str(exc))
    cache = cache or BlobCache()
    scans: list[tuple[int, CommitScan, dict[str, Any] | None]] = []
    with tempfile.TemporaryDirectory(prefix="wac-lint-fleet-") as empty, git.BlobReader(repo) as reader:
        root = Path(empty)
        previous: CommitScan | None = None
        for seq, commit in enumerate(commits):
            if commit.sha in work.known:
                previous = None
                continue
            if previous is None and seq > 0:
                # The change of the first new commit is measured against the last known one (cheap: its blobs
                # are in the cache or are the same as this commit's).
                previous = scan_commit(repo, commits[seq - 1], reader, cache, settings, root)
            current = scan_commit(repo, commit, reader, cache, settings, root, previous)
            scans.append((seq, current, diff(previous, current)))
            previous = current
    return RepoResult(work.name, branch, scans)
