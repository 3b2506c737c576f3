"""Vendored code: trees copied from other projects, whose hardware is someone else's.

A file is vendored when it lies under
- a folder named like a vendoring folder (`third_party/`, `vendor/`, `external/`... at any depth);
- a git submodule path listed in the scanned root's `.gitmodules`;
- a copied upstream tree: a folder below the root that carries its own licence file and its own packaging
  (`setup.py`, `pyproject.toml` or `setup.cfg`), as a copied Megatron-LM or apex does.

Its findings keep their rule and state but gain the properties {"vendored": true, "vendored_root":
"third_party/apex", "vendored_reason": ...}. How the inference should use them: they never decide on their own;
a vendored finding counts one strength lower than the same finding in the repo's own code (hard -> strong,
strong -> weak, weak -> context only), never excludes hardware, and does not set an architecture floor unless
the repo's own code gives none. The reports show them as vendored.
"""

from __future__ import annotations

import configparser
import os
from pathlib import Path, PurePosixPath
from typing import Iterable

from .evidence import Finding
from .safe_read import CONTROL_FILE_MAX

# Folder names that hold other projects' code (compared case-insensitively).
VENDOR_DIRS = frozenset({"third_party", "third-party", "thirdparty", "3rdparty", "3rd_party", "vendor", "vendored",
                         "external", "externals", "extern", "_vendor"})
_LICENCES = ("LICENSE", "LICENSE.txt", "LICENSE.md", "LICENCE", "COPYING", "LICENSE-APACHE", "LICENSE.rst")
_PACKAGING = ("setup.py", "pyproject.toml", "setup.cfg")


def submodule_paths(root: Path) -> list[str]:
    """Paths of the git submodules declared in `root/.gitmodules` ("/"-separated, relative to root)."""
    from .safe_read import NotRead, read_bytes

    try:  # guarded: a .gitmodules that is a link, a pipe or huge is not read (discovery says so)
        text = read_bytes(root / ".gitmodules", CONTROL_FILE_MAX, follow_symlinks=False).decode("utf-8", "replace")
    except NotRead:
        return []
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    try:
        parser.read_string(text)
    except configparser.Error:
        return []
    paths = []
    for section in parser.sections():
        path = parser.get(section, "path", fallback="").strip().strip("/")
        if path:
            paths.append(path)
    return sorted(set(paths))


class VendoredTrees:
    """Decides, per relative path, whether it lies in a vendored tree and which one."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._copied: dict[str, bool] = {}
        self._submodules: dict[str, frozenset[str]] = {}

    def submodules(self, folder: str) -> frozenset[str]:
        """Submodule paths declared by `folder/.gitmodules`, relative to the root ("" is the root itself)."""
        if folder not in self._submodules:
            found = submodule_paths(self.root / folder if folder else self.root)
            self._submodules[folder] = frozenset(f"{folder}/{p}" if folder else p for p in found)
        return self._submodules[folder]

    def classify(self, relpath: str) -> tuple[str, str] | None:
        """(vendored_root, reason) for a file's path relative to the root, or None for the repo's own code."""
        path = PurePosixPath(relpath)
        parts = path.parts[:-1]
        if path.is_absolute():
            # A file given by its absolute path has no scanned root above it: its own repository's root (licence
            # and packaging files) would read as a copied tree. Only a vendoring folder in its path says so.
            return _under_vendor_dir(parts)
        # .gitmodules of the root and of any folder above the file (a checkout nested in the scanned tree). Each
        # folder above the file is looked up (the outermost first), not each declared submodule tried: a 1 MiB
        # .gitmodules declares 40,000 of them, which cost every file 40,000 comparisons.
        folders = ["/".join(parts[:end]) for end in range(1, len(parts) + 1)]
        for depth in range(len(parts) + 1):
            declared = self.submodules("/".join(parts[:depth]))
            for folder in folders if declared else ():
                if folder in declared:
                    return folder, "git submodule (.gitmodules)"
        found = _under_vendor_dir(parts)
        if found is not None:
            return found
        for depth in range(1, len(parts) + 1):
            folder = "/".join(parts[:depth])
            if self._is_copied_tree(folder):
                return folder, "copied upstream tree (its own licence and packaging files)"
        return None

    def _is_copied_tree(self, folder: str) -> bool:
        if folder not in self._copied:
            try:
                names = set(os.listdir(self.root / folder))
            except OSError:
                names = set()
            self._copied[folder] = any(n in names for n in _LICENCES) and any(n in names for n in _PACKAGING)
        return self._copied[folder]


def _under_vendor_dir(parts: tuple[str, ...]) -> tuple[str, str] | None:
    for i, part in enumerate(parts):
        if part.lower() in VENDOR_DIRS:
            # The project inside the vendoring folder when there is one: third_party/apex.
            depth = i + 2 if i + 1 < len(parts) else i + 1
            return str(PurePosixPath(*parts[:depth])), f"under a '{part}' folder"
    return None


def mark(findings: Iterable[Finding], root: Path) -> list[Finding]:
    """The findings, those in vendored trees carrying the vendored properties."""
    trees = VendoredTrees(root)
    cache: dict[str, tuple[str, str] | None] = {}
    marked = []
    for finding in findings:
        if finding.path not in cache:
            cache[finding.path] = trees.classify(finding.path)
        found = cache[finding.path]
        if found is not None:
            vroot, reason = found
            props = {**finding.properties, "vendored": True, "vendored_root": vroot, "vendored_reason": reason}
            message = f"{finding.message} Vendored code ({vroot}: {reason}), weighted lower."
            finding = finding.with_changes(properties=props, message=message)
        marked.append(finding)
    return marked


def is_vendored(finding: Finding) -> bool:
    """Whether `mark` found the finding's file in a vendored tree."""
    return bool((finding.properties or {}).get("vendored"))


__all__ = ["VENDOR_DIRS", "VendoredTrees", "is_vendored", "mark", "submodule_paths"]
