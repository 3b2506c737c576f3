"""Where reported files are, for people and for code scanning.

Inside the pipeline a finding's path is relative to the scan root (the inference, vendored-tree marking and
per-file ignores need that). What is printed is relative to the current directory, as Ruff prints it, so an
editor or terminal can open it (a file outside the current directory is shown by its absolute path); SARIF URIs
are relative to the repository root, the base that GitHub code scanning resolves them against.
"""

from __future__ import annotations

import copy
import dataclasses
import os
import re
from pathlib import Path
from typing import Any, Callable

from ..discover import find_repository_root, printable_path
from ..crosscheck import CONFLICTS_WITH
from ..evidence import Finding
from ..infer.catalog import Entry
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
    if relpath.startswith("/"):  # PurePosixPath(relpath).is_absolute(), without building a path per finding
        return _from_cwd(relpath, cwd or os.getcwd())
    return relpath if root == "." else f"{root.rstrip('/')}/{relpath}"


def relocate(result: ScanResult, cwd: str | None = None) -> ScanResult:
    """`result` with every finding, diagnostic and file path as printed (relative to the current directory);
    `result` itself when no path moves (a scan run from its root)."""
    mover = _mover(result, cwd)
    if mover.moves_nothing():
        return result
    return dataclasses.replace(
        result,
        findings=[_moved_finding(f, mover) for f in result.findings],
        diagnostics=[dataclasses.replace(d, path=mover.move(d.path)) for d in result.diagnostics],
        files=[mover.move(p) for p in result.files],
    )


def _moved_finding(finding: Finding, mover: "_Relocator") -> Finding:
    """A finding at its printed path; a declaration the code contradicts also names the code's location (crosscheck:
    property `conflicts_with`, quoted in the message), which moves with it."""
    where = finding.properties.get(CONFLICTS_WITH)
    moved = mover.text(where) if isinstance(where, str) else where
    if moved == where:
        return finding.with_changes(path=mover.move(finding.path))
    return finding.with_changes(path=mover.move(finding.path), properties={**finding.properties, CONFLICTS_WITH: moved},
                                message=finding.message.replace(f" at {where};", f" at {moved};"))


def relocate_verdict(verdict: Any, result: ScanResult, cwd: str | None = None) -> Any:
    """A copy of `verdict` whose file paths are as printed, like `relocate(result)`'s: `path:line` evidence (also
    with a value after it), recipe, training-path and primary-target names, file lists. A path is recognised by
    being one of the scan's files (`result` before `relocate`), so no other text (a vendor, a constraint) changes
    whatever its shape. The inference and the fleet store keep root-relative paths; only what is shown moves.
    When no path moves (a scan run from its root, the usual case), `verdict` itself: copying a large repository's
    verdict costs a tenth of a second of a warm rescan and would change nothing."""
    if verdict is None:
        return None
    mover = _mover(result, cwd)
    return verdict if mover.moves_nothing() else mover.copy(verdict)


def _mover(result: ScanResult, cwd: str | None) -> "_Relocator":
    root = shown_root(result.root, cwd)
    known = {*result.files, *(f.path for f in result.findings), *(d.path for d in result.diagnostics)}
    cwd = cwd or os.getcwd()
    shown: dict[str, str] = {}  # once per path: a file has many findings

    def move(path: str) -> str:
        moved = shown.get(path)
        if moved is None:
            moved = shown[path] = shown_path(path, root, cwd)
        return moved

    return _Relocator(known, move)


# `path:line`, alone or followed by a value (`run.sh:3 mlx5_0`); the path is the shortest prefix that works.
_REFERENCE = re.compile(r"(.+?):(\d+)(?=$| )", re.DOTALL)


class _Relocator:
    """Copies a verdict (dataclasses, dicts, lists, tuples), moving every string that names a known file."""

    def __init__(self, known: set[str], move: Callable[[str], str]) -> None:
        self.known, self.move = known, move
        self.done: dict[int, Any] = {}  # by id: shared parts stay shared in the copy
        # By value: every path assessment names the same `path:line` evidence; one moved string each, not one per
        # occurrence (a tree of 4,000 files and 400 launches names each line in every launch's requirements).
        self.texts: dict[str, str] = {}

    def moves_nothing(self) -> bool:
        """Whether every known file is shown at the path the verdict names it by (then no string of it changes)."""
        return all(self.move(path) == path for path in self.known)

    def text(self, value: str) -> str:
        moved = self.texts.get(value)
        if moved is None:
            moved = self.texts[value] = self._moved_text(value)
        return moved

    def _moved_text(self, value: str) -> str:
        if value in self.known:
            return self.move(value)
        match = _REFERENCE.match(value)
        if match and match.group(1) in self.known:
            return self.move(match.group(1)) + value[len(match.group(1)):]
        return value

    def _strings(self, value: list | tuple) -> list[str] | None:
        """A list or tuple of strings moved, or None when it holds anything else. Each launch's evidence names the
        tree's lines again: the strings moved before are looked up in C, only the new ones are moved here."""
        try:
            moved = list(map(self.texts.get, value))
        except TypeError:  # an item that is no string (unhashable)
            return None
        at = -1
        try:
            while True:
                at = moved.index(None, at + 1)
                moved[at] = self.text(value[at])  # a string never seen (text raises TypeError for anything else)
        except ValueError:  # no item left unmoved
            return moved
        except TypeError:
            return None

    def copy(self, value: Any) -> Any:
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, (list, tuple, dict)) or _is_instance(value):
            if id(value) not in self.done:
                self.done[id(value)] = self._copied(value)
            return self.done[id(value)]
        return value

    def _copied(self, value: Any) -> Any:
        if isinstance(value, (list, tuple)) and value and type(value[0]) is str and not hasattr(value, "_fields"):
            moved = self._strings(value)
            if moved is not None:
                return moved if isinstance(value, list) else tuple(moved)
        if isinstance(value, dict):
            return {self.copy(k): self.copy(v) for k, v in value.items()}
        if isinstance(value, list):
            return [self.copy(v) for v in value]
        if isinstance(value, tuple):
            items = [self.copy(v) for v in value]
            return type(value)(*items) if hasattr(value, "_fields") else tuple(items)
        moved = copy.copy(value)
        for f in dataclasses.fields(value):
            object.__setattr__(moved, f.name, self.copy(getattr(value, f.name)))
        return moved


def _is_instance(value: Any) -> bool:
    """A dataclass instance the verdict built (catalog entries hold no paths and are left as they are)."""
    return dataclasses.is_dataclass(value) and not isinstance(value, (type, Entry))


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
