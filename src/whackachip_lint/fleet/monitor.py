"""`wac-lint fleet`: watch many repositories, scan their new commits, report what changed.

Scanning is separated from writing: `scan_new_commits` is a pure function of a repository and the commits already
known (it runs in this process or on a Dask worker), and only the caller writes to the store, so there is one
writer per store however the work is spread (`fleet/executors.py`).
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any, Callable

from ..config import Settings
from . import git
from .history import BlobCache
from .store import Store
from .work import RepoWork


def default_store_path() -> Path:
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "wac-lint" / "fleet.sqlite"


def mirrors_dir(store_path: Path) -> Path:
    return store_path.with_name(store_path.name + ".mirrors")


def add(store: Store, sources: list[str], branch: str | None = None) -> list[str]:
    """Register repositories: a local git repository (path) or a URL, mirrored bare beside the store."""
    added = []
    for source in sources:
        path = Path(source).expanduser()
        if path.exists():
            resolved = path.resolve()
            if not ((resolved / ".git").exists() or (resolved / "HEAD").exists()):
                raise git.GitError(f"{source}: not a git repository")
            store.add_repo(str(resolved), str(resolved), None, branch)
            added.append(str(resolved))
            continue
        git.check_url(source)
        public = git.public_url(source)
        safe_name = re.sub(r"[^A-Za-z0-9._-]+", "+", public.split("://", 1)[-1]).strip("+.") or "repo"
        destination = mirrors_dir(store.path) / f"{safe_name}.git"
        git.mirror(source, destination)
        store.add_repo(public, public, str(destination), branch)
        added.append(public)
    return added


def scan(store: Store, settings: Settings, executor: str = "local", scheduler: str | None = None,
         progress: Callable[[str], None] | None = None) -> dict[str, int]:
    """Scan every registered repository's new commits and record them; returns counts per repository."""
    from .executors import run_all

    works = [RepoWork(r["name"], r["mirror"] or r["source"], r["branch"], frozenset(store.scanned(r["id"])),
                      r["mirror"] is not None) for r in store.repos()]
    ids = {r["name"]: r["id"] for r in store.repos()}
    cache = BlobCache(store.blob_result, store.save_blob_result)
    counts: dict[str, int] = {}
    for result in run_all(works, settings, executor, scheduler, cache):
        if result.error:
            counts[result.name] = 0
            if progress:
                progress(f"{result.name}: {result.error}")
            continue
        written = sum(store.record_commit(ids[result.name], seq, scan, change) for seq, scan, change in result.scans)
        counts[result.name] = written
        if progress:
            progress(f"{result.name}: {written} new commit{'s' if written != 1 else ''} recorded")
    return counts


def report(store: Store, since: str) -> dict[str, Any]:
    """What changed since a date, per repository (the store's own data, no scanning)."""
    per_repo: dict[str, list[dict[str, Any]]] = {}
    for change in store.changes_since(since):
        per_repo.setdefault(change["repo"], []).append(change)
    return {"since": since, "repositories": [{"repo": name, "changes": changes} for name, changes in per_repo.items()]}


def render_report(data: dict[str, Any], markdown: bool = False) -> str:
    lines = [f"# Changes since {data['since']}" if markdown else f"Changes since {data['since']}:"]
    if not data["repositories"]:
        lines.append("No changes recorded.")
    for repo in data["repositories"]:
        lines.append("")
        lines.append(f"## {repo['repo']}" if markdown else repo["repo"])
        for change in repo["changes"]:
            before, after = change["verdict_before"] or {}, change["verdict_after"]
            head = f"{change['commit'][:12]} {change['date'][:10]} {change['subject']}"
            lines.append(f"- `{head}`" if markdown else f"  {head}")
            for label, rows in (("+", change["added"]), ("-", change["removed"])):
                for row in rows[:10]:
                    text = f"{label} {row['path']}:{row['line']} {row['rule']} ({row['value']}) [{row['state']}]"
                    lines.append(f"  - {text}" if markdown else f"    {text}")
                if len(rows) > 10:
                    lines.append(f"    {label} ... and {len(rows) - 10} more")
            for key in ("vendors_likely", "architecture_floor", "device_class", "memory_gb_per_device"):
                if before and before.get(key) != after.get(key):
                    lines.append(f"    verdict {key}: {before.get(key)} -> {after.get(key)}")
            if before and len(before.get("consistent", [])) != len(after["consistent"]):
                lines.append(f"    consistent parts: {len(before['consistent'])} -> {len(after['consistent'])}")
    return "\n".join(lines) + "\n"
