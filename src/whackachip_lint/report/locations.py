"""Where reported files are, for people and for code scanning.

Inside the pipeline a finding's path is relative to the scan root (the inference, vendored-tree marking and
per-file ignores need that). What is printed is relative to the current directory, as Ruff prints it, so an
editor or terminal can open it (a file outside the current directory is shown by its absolute path); SARIF URIs
are relative to the repository root, the base that GitHub code scanning resolves them against.
"""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path, PurePosixPath

from ..discover import find_repository_root, printable_path
from ..results import ScanResult


def _from_cwd(path: str, cwd: str) -> str:
    absolute = os.path.normpath(os.path.join(cwd, path))
    relative = os.path.relpath(absolute, cwd)
    return Path(absolute if relative == ".." or relative.startswith(".." + os.sep) else relative).as_posix()


def shown_root(root: Path, cwd: str | None = None) -> str:
    """The scan root as printed: relative to `cwd` when under it ("." for itself), else absolute."""
    return printable_path(_from_cwd(str(root), cwd or os.getcwd()))


def shown_path(relpath: str, root: str, cwd: str | None = None) -> str:
    """A root-relative (or, for a named file outside the root, absolute) path as printed; `relpath` is already
    printable (discover.printable_path). A name in angle brackets (`<plugins>`) is no file and stays as it is."""
    if relpath.startswith("<"):
        return relpath
    if PurePosixPath(relpath).is_absolute():
        return _from_cwd(relpath, cwd or os.getcwd())
    return relpath if root == "." else f"{root.rstrip('/')}/{relpath}"


def relocate(result: ScanResult, cwd: str | None = None) -> ScanResult:
    """`result` with every finding, diagnostic and file path as printed (relative to the current directory)."""
    root = shown_root(result.root, cwd)

    def move(path: str) -> str:
        return shown_path(path, root, cwd)

    return dataclasses.replace(
        result,
        findings=[f.with_changes(path=move(f.path)) for f in result.findings],
        diagnostics=[dataclasses.replace(d, path=move(d.path)) for d in result.diagnostics],
        files=[move(p) for p in result.files],
    )


def sarif_base(paths: list[Path], cwd: str | None = None) -> Path:
    """The directory SARIF URIs are relative to: the git top level holding the scanned paths, else the directory
    that holds them all."""
    cwd = cwd or os.getcwd()
    absolute = [os.path.normpath(os.path.join(cwd, p)) for p in paths] or [cwd]
    common = Path(os.path.commonpath(absolute))
    if not common.is_dir():
        common = common.parent
    return find_repository_root(common) or common


class SarifLocator:
    """Artifact locations for SARIF: relative to `base` under %SRCROOT% (declared in `originalUriBaseIds`), or an
    absolute `file://` URI for a file outside it. Paths are as printed (relative to `cwd`)."""

    def __init__(self, base: Path, cwd: str | None = None) -> None:
        self.base = Path(os.path.abspath(base))
        self.cwd = cwd or os.getcwd()

    def relative(self, path: str) -> str | None:
        absolute = Path(os.path.normpath(os.path.join(self.cwd, path)))
        try:
            return absolute.relative_to(self.base).as_posix()
        except ValueError:
            return None

    def absolute_uri(self, path: str) -> str:
        return Path(os.path.normpath(os.path.join(self.cwd, path))).as_uri()

    def base_uri(self) -> str:
        return self.base.as_uri().rstrip("/") + "/"
