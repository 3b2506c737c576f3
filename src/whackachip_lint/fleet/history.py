"""The verdict at each commit of a branch, and what changed: evidence that appeared or vanished, and how the
verdict moved (vendor, floor, class, consistent set, memory).

Commits are read from git objects (`fleet/git.py`: no checkout, nothing executed). Per-file results are keyed by
(blob id, path), so a file unchanged between commits is extracted once: scanning N commits costs about the files
that changed, plus one inference per commit.
"""

from __future__ import annotations

import tempfile
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path, PurePosixPath
from typing import Any, Callable, Iterable

from ..config import Settings
from ..discover import SHEBANG_SUFFIXES, classify
from ..evidence import Diagnostic, Finding
from ..extract import Source
from ..infer.engine import CONSISTENT, Verdict
from ..lint import conclude
from ..one_file import scan_source
from ..results import FileResult
from ..scan import assemble
from . import git

# A finding's identity across commits: a line that moves is not a change; a value or state that changes is.
FindingKey = tuple[str, str, str, str]


def finding_key(f: Finding) -> FindingKey:
    return (f.rule, f.path, str(f.value), f.state.value)


def verdict_summary(verdict: Verdict) -> dict[str, Any]:
    """The parts of a verdict whose movement an analyst follows."""
    data = verdict.to_dict()
    memory = data.get("memory")
    return {
        "vendors_likely": [v["name"] for v in data["vendors"] if v["status"] == "likely"],
        "architecture_floor": {vendor: floor.get("microarchitecture") for vendor, floor in
                               (data.get("architecture_floor") or {}).items()},
        "device_class": (data.get("device_class") or {}).get("class"),
        "consistent": [c.entry.id for c in verdict.candidates if c.status == CONSISTENT],
        "memory_gb_per_device": memory.get("gb_per_device") if isinstance(memory, dict) else None,
    }


@dataclass
class CommitScan:
    commit: git.Commit
    findings: list[Finding]
    diagnostics: list[Diagnostic]
    summary: dict[str, Any]
    files: int
    signature: tuple = ()
    inputs: tuple = ()  # files and per-file results (by identity) the commit was assembled from


@dataclass
class BlobCache:
    """Per-file results by (blob id, path), in memory; `store` (optional) persists them across runs."""

    lookup: Callable[[str, str], FileResult | None] | None = None
    save: Callable[[str, str, FileResult], None] | None = None
    results: dict[tuple[str, str], FileResult] = field(default_factory=dict)
    extracted: int = 0

    def get(self, blob: str, path: str) -> FileResult | None:
        hit = self.results.get((blob, path))
        if hit is None and self.lookup is not None:
            hit = self.lookup(blob, path)
            if hit is not None:
                self.results[(blob, path)] = hit
        return hit

    def put(self, blob: str, path: str, result: FileResult) -> None:
        self.results[(blob, path)] = result
        self.extracted += 1
        if self.save is not None:
            self.save(blob, path, result)


def scan_commit(repo: Path, commit: git.Commit, reader: git.BlobReader, cache: BlobCache, settings: Settings,
                root: Path, previous: "CommitScan | None" = None) -> CommitScan:
    """One commit's findings and verdict, from its tree's blobs."""
    results: list[FileResult] = []
    files: list[str] = []
    diagnostics: list[Diagnostic] = []
    try:
        entries = git.tree(repo, commit.sha)
    except git.GitError as exc:
        diagnostics.append(Diagnostic("<commit>", str(exc)))
        entries = []
    for entry in entries:
        kind = _kind(entry.path, None)
        if kind is None and PurePosixPath(entry.path).suffix.lower() not in SHEBANG_SUFFIXES:
            continue  # a file no extractor reads (the suffix decides without reading the blob)
        cached = cache.get(entry.blob, entry.path)
        if cached is not None:
            if cached.relpath != "\x00skip":
                results.append(cached)
                files.append(entry.path)
            continue
        data = reader.read(entry.blob, settings.max_file_bytes)
        if data is None:
            diagnostics.append(Diagnostic(entry.path, "blob missing or over the size limit; not scanned"))
            continue
        kind = _kind(entry.path, data[:256])
        if kind is None:
            cache.put(entry.blob, entry.path, FileResult("\x00skip"))
            continue
        result = scan_source(Source(root / entry.path, entry.path, kind, data), settings)
        cache.put(entry.blob, entry.path, result)
        results.append(result)
        files.append(entry.path)
    # The same files with the same per-file results as the commit before (most commits change no evidence): the
    # whole-repository steps (path roles, vendored trees, cross-checks) and the verdict would come out the same.
    inputs = (tuple(files), tuple(_result_key(r) for r in results), tuple(diagnostics))
    if previous is not None and previous.inputs == inputs:
        return CommitScan(commit, previous.findings, previous.diagnostics, previous.summary, len(files),
                          previous.signature, inputs)
    report = conclude(assemble(results, files, diagnostics, root, settings), settings)
    signature = _signature(report.result.findings)
    if previous is not None and previous.signature == signature:
        summary = previous.summary  # the same evidence gives the same verdict: most commits touch none
    else:
        summary = verdict_summary(report.verdict)
    return CommitScan(commit, report.result.findings, report.result.diagnostics, summary, len(files), signature,
                      inputs)


def _result_key(result: FileResult) -> tuple:
    """A file's findings and diagnostics as plain values (positions included): equal keys, equal results."""
    return (tuple((f.rule, str(f.value), f.state.value, f.span, f.suppressed) for f in result.findings),
            tuple(result.diagnostics))


def _signature(findings: list[Finding]) -> tuple:
    """What the verdict summary depends on: every finding but its position and wording."""
    return tuple(sorted((f.rule, f.path, str(f.value), f.state.value, f.suppressed,
                         tuple(sorted((k, str(v)) for k, v in f.properties.items()))) for f in findings))


def _kind(path: str, head: bytes | None) -> str | None:
    if head is None:
        return _kind_by_name(path)
    return _classify(path, head)


@lru_cache(maxsize=65536)
def _kind_by_name(path: str) -> str | None:
    # Asked for every file of every commit: the answer depends on the name alone.
    return _classify(path, b"")


def _classify(path: str, head: bytes) -> str | None:
    try:
        return classify(Path(path), head)
    except OSError:
        return None


def history(repo: Path, branch: str | None = None, since: str | None = None, settings: Settings | None = None,
            cache: BlobCache | None = None, on_commit: Callable[[CommitScan], None] | None = None) -> dict[str, Any]:
    """`wac-lint history`: the verdict at each commit and the changes between them, as the JSON report's shape."""
    settings = settings or Settings(use_cache=False)
    cache = cache or BlobCache()
    branch = branch or git.default_branch(repo)
    commits = git.commits(repo, branch, since)
    changes: list[dict[str, Any]] = []
    previous: CommitScan | None = None
    # Whole-repository checks look for markers (.gitmodules) on disk: an empty directory stands in for the tree.
    with tempfile.TemporaryDirectory(prefix="wac-lint-history-") as empty, git.BlobReader(repo) as reader:
        root = Path(empty)
        for commit in commits:
            current = scan_commit(repo, commit, reader, cache, settings, root, previous)
            if on_commit is not None:
                on_commit(current)
            change = diff(previous, current)
            if change is not None:
                changes.append(change)
            previous = current
    return {
        "repo": str(repo),
        "branch": branch,
        "commits_scanned": len(commits),
        "files_extracted": cache.extracted,
        "head": previous.summary if previous else None,
        "changes": changes,
    }


def diff(before: CommitScan | None, after: CommitScan) -> dict[str, Any] | None:
    """What a commit changed, or None when neither its evidence nor its verdict moved."""
    old = Counter(finding_key(f) for f in before.findings) if before else Counter()
    new = Counter(finding_key(f) for f in after.findings)
    added_keys, removed_keys = new - old, old - new
    added = _pick(after.findings, added_keys)
    removed = _pick(before.findings if before else [], removed_keys)
    summary_before = before.summary if before else None
    if not added and not removed and summary_before == after.summary:
        return None
    return {
        "commit": after.commit.sha,
        "date": after.commit.date,
        "author_date": after.commit.author_date,
        "subject": after.commit.subject,
        "added": [f.to_dict() for f in added],
        "removed": [f.to_dict() for f in removed],
        "verdict_before": summary_before,
        "verdict_after": after.summary,
    }


def _pick(findings: Iterable[Finding], keys: Counter) -> list[Finding]:
    wanted = Counter(keys)
    out = []
    for f in findings:
        key = finding_key(f)
        if wanted[key] > 0:
            wanted[key] -= 1
            out.append(f)
    return out


def render_text(report: dict[str, Any]) -> str:
    """The changes, newest last: one heading per commit, then what appeared, vanished and how the verdict moved."""
    lines = [f"{report['repo']} ({report['branch']}): {report['commits_scanned']} commits scanned, "
             f"{len(report['changes'])} with changes."]
    for change in report["changes"]:
        lines.append("")
        lines.append(f"{change['commit'][:12]} {change['date'][:10]} {change['subject']}")
        for label, rows in (("+", change["added"]), ("-", change["removed"])):
            for f in rows[:20]:
                lines.append(f"  {label} {f['path']}:{f['line']}: {f['rule']} {f['name']} ({f['value']}) [{f['state']}]")
            if len(rows) > 20:
                lines.append(f"  {label} ... and {len(rows) - 20} more")
        before, after = change["verdict_before"] or {}, change["verdict_after"]
        if not before:
            lines.append(f"  verdict: vendor {', '.join(after['vendors_likely']) or 'undecided'}; class "
                         f"{after['device_class']}; {len(after['consistent'])} consistent parts")
            continue
        for key in ("vendors_likely", "architecture_floor", "device_class", "memory_gb_per_device"):
            if before.get(key) != after.get(key):
                lines.append(f"  verdict {key}: {before.get(key)} -> {after.get(key)}")
        gained = sorted(set(after["consistent"]) - set(before.get("consistent", [])))
        lost = sorted(set(before.get("consistent", [])) - set(after["consistent"]))
        if before and (gained or lost):
            lines.append(f"  consistent: {len(before.get('consistent', []))} -> {len(after['consistent'])}"
                         + (f"; now consistent: {', '.join(gained[:8])}" if gained else "")
                         + (f"; no longer: {', '.join(lost[:8])}" if lost else ""))
    return "\n".join(lines) + "\n"
