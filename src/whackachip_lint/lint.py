"""The one pipeline: discover -> extract -> (paths) -> infer -> policy, as the CLI, the pre-commit hooks, the fleet
commands and library users run it.

    from whackachip_lint import Settings, lint

    report = lint([Path("repo")], Settings(targets=["nvidia-v100"]))
    report.verdict.overall.vendors      # the inference
    report.result.findings              # the evidence, with the fleet policy applied

Steps: scan.py (discovery, then runner.py: the cache and a process pool over one_file.py, then the whole-repository
checks and path roles) gives a ScanResult; the inference (infer/engine.py) reads it as scanned; the fleet policy
(policy.py) gives the findings the `target` hardware cannot run the level `error`. Nothing is changed in place: the
report holds a new ScanResult. Rendering (report/) and exit codes stay with the caller.
"""

from __future__ import annotations

import dataclasses
from functools import cached_property
from pathlib import Path

from .config import Settings
from .infer.engine import Verdict, infer
from .policy import apply_policy
from .results import ScanResult
from .runner import Progress
from .scan import scan, scan_bytes


@dataclasses.dataclass
class Report:
    """What one run of the pipeline gives: the findings (policy applied) and the verdict on the scanned evidence."""

    result: ScanResult
    settings: Settings
    # The scan before the policy: what the verdict is computed from (the policy changes levels and messages only).
    scanned: ScanResult = dataclasses.field(repr=False)

    @cached_property
    def verdict(self) -> Verdict:
        """The inference, computed when first asked (a caller that needs only findings never pays for it)."""
        return infer(self.scanned, self.settings)


def lint(paths: list[Path], settings: Settings | None = None, *, root: Path | None = None,
         progress: Progress | None = None, stdin: bytes | None = None, stdin_filename: str | None = None,
         config_file: Path | str | None = None) -> Report:
    """Scan `paths` (files or directories; reported paths are relative to `root`, by default the one directory
    given, else the current directory) and conclude. With `stdin`, those bytes are scanned instead, as one file
    named `stdin_filename` (default: Python, reported as `-`). `config_file` is only named in the reports."""
    settings = settings or Settings()
    if stdin is not None:
        scanned = scan_bytes(stdin, stdin_filename, settings)
    else:
        scanned = scan(list(paths), settings, root, progress)
    if config_file is not None:
        scanned = dataclasses.replace(scanned, config_file=str(config_file))
    return conclude(scanned, settings)


def conclude(scanned: ScanResult, settings: Settings | None = None) -> Report:
    """The pipeline after the scan, for a ScanResult assembled elsewhere (the git history assembles one per commit
    from blobs): the verdict (lazily) and the fleet policy."""
    settings = settings or Settings()
    result = scanned
    if settings.targets:
        result = dataclasses.replace(scanned, findings=apply_policy(scanned.findings, settings.targets))
    return Report(result, settings, scanned)


__all__ = ["Report", "conclude", "lint"]
