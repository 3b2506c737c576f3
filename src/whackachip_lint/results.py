"""What a scan gives: one FileResult per file, one ScanResult per run (read by the inference and the reporters)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from . import suppress
from .evidence import Diagnostic, Finding
from .paths.roles import RepoPaths


@dataclass
class RunStats:
    """How the files of one run were handled (runner.py)."""

    files: int = 0
    from_cache: int = 0
    parsed: int = 0
    workers: int = 1
    # Files whose result depends on more than their bytes (over their time or memory budget, a crashed worker):
    # never cached; a run with any is never replayed (replay_record.py).
    unsettled: int = 0
    # relpath -> digest of the content each file's results come from (cached or just read), when every file has
    # one: what the path analysis's facts were read from (paths/stored.py keys its store on it).
    contents: dict[str, str] | None = None


@dataclass
class FileResult:
    relpath: str
    findings: list[Finding] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    unused_directives: list[suppress.Directive] = field(default_factory=list)
    # What the path analysis needs from this file (imports, main guard, commands run): paths/facts.py.
    facts: dict = field(default_factory=dict)


@dataclass
class ScanResult:
    root: Path
    files_scanned: int
    findings: list[Finding]
    diagnostics: list[Diagnostic]
    files: list[str] = field(default_factory=list)
    # How the files were handled (cache hits, files parsed, workers); None for hand-built results.
    stats: RunStats | None = None
    # Per-file facts for the path analysis (relpath -> facts) and its outcome (entry points, roles).
    facts: dict[str, dict] = field(default_factory=dict)
    paths: RepoPaths | None = None
    # What discovery left out, and why: reason -> [files, folders] (discover.SKIP_*).
    skipped: dict[str, list[int]] = field(default_factory=dict)
    # The folders discovery listed (a scan of a tree; the replay record stamps them: replay_record.py).
    walked: list[str] = field(default_factory=list)
    # The configuration file the settings came from (named in every report), if any.
    config_file: str | None = None
    # With --baseline: the file, and how many findings it recorded (left out of `findings`).
    baseline: tuple[str, int] | None = None


__all__ = ["FileResult", "RunStats", "ScanResult"]
