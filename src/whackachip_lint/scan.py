"""The scan of a tree: discover the files, have each one scanned (runner.py: cache, then a process pool running
one_file.py), then the whole-repository steps (vendored trees, cross-checks, path roles) -> ScanResult.

The order of the output never depends on the order work was done in: findings
are sorted by path, line, column and rule. lint.py runs the inference and the policy after this.
"""

from __future__ import annotations

from pathlib import Path

from . import crosscheck, plugins, runner, vendored
from .config import Settings
from .discover import classify, discover, printable_path
from .evidence import Diagnostic, Finding
from .extract import Source
from .one_file import (  # noqa: F401 (re-exported: the per-file step's names used to live here)
    FileResult, ignores_for, read_source, reported_span, scan_file, scan_source, to_finding, too_big,
)
from .paths import stored
from .paths.roles import RepoPaths, analyse, annotate
from .results import RunStats, ScanResult
from .rules import selected_codes


def scan_root(paths: list[Path]) -> Path:
    """The root that reported paths are relative to: the one directory given, else the working directory."""
    if len(paths) == 1 and paths[0].is_dir():
        return paths[0]
    return Path(".")


def whole_repo_checks(findings: list[Finding], settings: Settings, repo: RepoPaths) -> list[Finding]:
    """Steps that need every file's findings and the training paths: declarations checked against the code of
    each path (crosscheck.py), each new finding with its file's role."""
    extras = [extra for extra in crosscheck.contradictions(findings, [p.files for p in repo.training])
              if crosscheck.CONTRADICTION in selected_codes(settings.select + settings.extend_select,
                                                            ignores_for(extra.path, settings))]
    return findings + annotate(extras, repo)


def with_roles(findings: list[Finding], files: list[str], facts: dict[str, dict], root: Path | None = None,
               settings: Settings | None = None, contents: dict[str, str] | None = None
               ) -> tuple[list[Finding], RepoPaths]:
    """Entry points, import graph and file roles (paths/); each finding gets its file's `properties.role`. Given
    the root and settings of a scan that uses the cache, an analysis of the same inputs is reused (paths/stored.py;
    `contents`: what each file's results were read from, RunStats.contents)."""
    if root is not None and settings is not None and settings.use_cache:
        repo = stored.analysed(root, settings, files, facts, findings, lambda: analyse(files, facts, findings),
                               contents)
    else:
        repo = analyse(files, facts, findings)
    return annotate(findings, repo), repo


def scan(paths: list[Path], settings: Settings | None = None, root: Path | None = None,
         progress: runner.Progress | None = None) -> ScanResult:
    settings = settings or Settings()
    root = root if root is not None else scan_root(paths)
    discovery = discover(paths, root, settings.exclude, settings.force_exclude, settings.respect_gitignore)
    candidates, diagnostics = discovery.candidates, discovery.diagnostics
    # Cache, pre-filter and process pool live in runner.py; the order of results is fixed in assemble().
    results, stats = runner.run(candidates, settings, root, progress)
    result = assemble(results, [c.relpath for c in candidates], diagnostics, root, settings, stats, reuse_paths=True)
    result.skipped = discovery.skipped
    result.walked = discovery.walked
    return result


def assemble(results: list[FileResult], files: list[str], diagnostics: list[Diagnostic], root: Path,
             settings: Settings, stats: RunStats | None = None, reuse_paths: bool = False) -> ScanResult:
    """One ScanResult from per-file results, however they were obtained (a scan of a tree, blobs of a commit).
    `reuse_paths`: a scan of a tree on disk, whose path analysis is kept with its result cache."""
    findings: list[Finding] = []
    facts: dict[str, dict] = {}
    # A plugin that failed to load is named in every report (it never stops the scan).
    diagnostics = list(diagnostics) + [Diagnostic("<plugins>", problem) for problem in plugins.problems()]
    for result in results:
        findings.extend(result.findings)
        diagnostics.extend(result.diagnostics)
        if result.facts:
            facts[result.relpath] = result.facts
    # Whole-repo checks pick "the first" of several findings: fix the order before, not only
    # after, so that a process pool's completion order can never change the output.
    findings.sort(key=Finding.sort_key)
    findings = vendored.mark(findings, root)
    findings, repo = (with_roles(findings, list(files), facts, root, settings, stats.contents if stats else None)
                      if reuse_paths
                      else with_roles(findings, list(files), facts))
    findings = whole_repo_checks(findings, settings, repo)
    findings.sort(key=Finding.sort_key)
    diagnostics.sort(key=lambda d: (d.path, d.message))
    # A file with a diagnostic was not (fully) scanned: it counts there, never on both sides of the summary.
    failed = {d.path for d in diagnostics}
    scanned = sum(1 for path in files if path not in failed)
    return ScanResult(root, scanned, findings, diagnostics, list(files), stats, facts, repo)


def scan_bytes(data: bytes, name: str | None, settings: Settings | None = None) -> ScanResult:
    """One file given as bytes (standard input): read as a file named `name` in the current directory (its kind
    from the name, as `--stdin-filename` gives it), or as Python under the name "-"."""
    settings = settings or Settings()
    path = Path(name) if name else Path("-")
    relpath = printable_path(path.as_posix()) if name else "-"
    kind = classify(path, data[:128]) if name else "python"
    if kind is None:
        result = FileResult(relpath, diagnostics=[Diagnostic(relpath, "not a kind of file wac-lint reads")])
    elif len(data) > settings.max_file_bytes:
        result = FileResult(relpath, diagnostics=[Diagnostic(relpath, too_big(len(data), settings))])
    else:
        result = scan_source(Source(path, relpath, kind, data), settings)
    return assemble([result], [relpath], [], Path("."), settings)


__all__ = ["ScanResult", "assemble", "scan", "scan_bytes"]
