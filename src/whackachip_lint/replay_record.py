"""Write the replay record of a scan that just finished (what replay.py checks and replays; its docstring says what
is keyed, what is stamped and why a stamp proves what it does).

Imported only after a scan, by the console entry: it may use the scanner's modules. The folders stamped are
those discovery listed (ScanResult.walked); in each, the entries discovery could read. Any doubt means no record:
a path that changed too close to the start of the run (so the listing or content stamped may not be what the scan
saw), a probe that differs before and after the scan, a cache directory other than the one the scan used.
"""

from __future__ import annotations

import json
import os
import stat
import sys
from pathlib import Path

from . import plugins
from .discover import CONTROL_FILES, SHEBANG_SUFFIXES, SKIP_DIRS, classify, find_repository_root, printable_path
from .replay import SCHEMA, Session, default_cache_dir, kind_of, mac, probes, racy, read_user_key, stamp
from .safe_write import write_bytes

KEEP_RECORDS = 64  # records kept per cache directory (one per command line and working directory); oldest go


class Refused(Exception):
    """This run cannot be recorded (why, for tests and debugging)."""


class Manifest:
    """The stamps of one run, refusing any that cannot prove the content the run read."""

    def __init__(self, started_ns: int) -> None:
        self.started_ns = started_ns
        self.stat: list = []  # [path, stamp following links]
        self.entries: list = []  # [folder, [[name, stamp of the entry itself]]]
        self.kind: list = []  # [path, type or None]
        self.real: list = []  # [link, resolved path]
        self.digest: list = []  # [path, digest of the content the scan read]

    def settled(self, path: str, follow: bool = True) -> list | None:
        return self.not_racy(path, stamp(path, follow))

    def not_racy(self, path: str, found: list | None) -> list | None:
        """`found` (the stamp of `path`), unless it is too recent to prove anything."""
        if racy(found, self.started_ns):
            raise Refused(f"{path} changed too recently")
        return found

    def add(self, path: str) -> None:
        self.stat.append([path, self.settled(path)])

    def add_scanned(self, path: str, follow: bool, known: str | None) -> list | None:
        """A scanned file's stamp; a racy one is kept with the digest of the content the scan read."""
        found = stamp(path, follow)
        if racy(found, self.started_ns):
            if known is None:
                raise Refused(f"{path} changed too recently and its scanned content is not known")
            if [path, known] not in self.digest:
                self.digest.append([path, known])
        return found


def save(session: Session, code: int) -> None:
    facts = session.finished
    try:
        manifest = build(session, facts)
    except (Refused, OSError):
        return
    plan = session.plan
    secret = read_user_key(plan.cache_dir)
    if secret is None:
        return
    chunks = [[fd, len(data)] for fd, data in session.log]
    blobs = [bytes(data) for _fd, data in session.log]
    report = None
    if facts["report"] is not None:
        path, text = facts["report"]
        data = text.encode("utf-8")
        report = [os.path.abspath(path), len(data)]
        blobs.insert(0, data)
    body = json.dumps({"key": plan.material, "stat": manifest.stat, "entries": manifest.entries,
                       "kind": manifest.kind, "real": manifest.real, "digest": manifest.digest, "chunks": chunks,
                       "report": report, "code": code}).encode("utf-8") + b"\n" + b"".join(blobs)
    header = json.dumps({"schema": SCHEMA, "tool": plan.material[1], "mac": mac(secret, body)}).encode("utf-8")
    target = plan.record_path(secret)
    directory = os.path.dirname(target)
    os.makedirs(directory, mode=0o700, exist_ok=True)
    write_bytes(target, header + b"\n" + body, mode=0o600)
    _prune(directory)


def build(session: Session, facts: dict) -> Manifest:
    plan, settings = session.plan, facts["settings"]
    paths = facts["paths"]
    if len(paths) != 1 or not os.path.isdir(paths[0]) or facts["progress_shown"] or not settings.use_cache:
        raise Refused("not a cached scan of one directory, or a progress bar may have been drawn")
    root = os.fspath(paths[0])
    used = os.path.realpath(settings.cache_dir or default_cache_dir())
    if used != os.path.realpath(plan.cache_dir):
        raise Refused("the scan used another cache directory than the command line names")
    real_root = os.path.realpath(root)
    if used == real_root or used.startswith(real_root.rstrip(os.sep) + os.sep):
        raise Refused("the cache directory is inside the scanned tree")
    scanned = facts["scanned"]
    if scanned.stats is None or scanned.stats.unsettled:
        raise Refused("a file's result depends on more than its bytes (over its budget, a crashed worker)")
    if plugins.installed():
        raise Refused("plug-ins are installed: their code may read what no stamp covers")
    contents = scanned.stats.contents or {}
    manifest = Manifest(plan.started_ns)

    manifest.add(root)
    after = probes(root)
    if session.before != after:
        raise Refused("a configuration or .git name changed during the scan")
    for path, found in after["config"]:
        manifest.stat.append([path, manifest.not_racy(path, found)])
    manifest.kind.extend(after["git"])
    for path in facts["inputs"]:
        manifest.add(os.path.abspath(path))
    if settings.respect_gitignore:
        _git_files(manifest, root)
    _tree(manifest, root, scanned, contents)
    _tool(manifest)
    return manifest


def _git_files(manifest: Manifest, root: str) -> None:
    """What discover.repository_ignores reads: a worktree's `.git` file, `commondir`, `info/exclude`, and the
    `.gitignore` of each folder from the top level down to the scanned directory's parent."""
    top = find_repository_root(Path(root))
    if top is None:
        return
    dot_git = os.path.join(top, ".git")
    kind = kind_of(dot_git)
    if kind == stat.S_IFDIR:
        git_dir = dot_git
    elif kind == stat.S_IFREG:
        manifest.entries.append([os.fspath(top), [[".git", manifest.settled(dot_git, follow=False)]]])
        with open(dot_git, "rb") as handle:
            text = handle.read(1 << 20).decode("utf-8", "replace")
        if not text.startswith("gitdir:"):
            return
        git_dir = os.path.realpath(os.path.join(top, text[len("gitdir:"):].strip()))
    else:
        raise Refused(f"{dot_git} is neither a folder nor a file")
    commondir = os.path.join(git_dir, "commondir")
    manifest.entries.append([git_dir, [["commondir", manifest.settled(commondir, follow=False)]]])
    common = git_dir
    if kind_of(commondir) == stat.S_IFREG:
        with open(commondir, "rb") as handle:
            common = os.path.realpath(os.path.join(git_dir, handle.read(1 << 20).decode("utf-8", "replace").strip()))
    info = os.path.join(common, "info")
    manifest.entries.append([info, [["exclude", manifest.settled(os.path.join(info, "exclude"), follow=False)]]])
    for folder in reversed(Path(os.path.abspath(root)).parents):
        if folder == top or top in folder.parents:
            name = os.fspath(folder)
            manifest.entries.append([name, [[".gitignore", manifest.settled(os.path.join(name, ".gitignore"),
                                                                            follow=False)]]])


def _tree(manifest: Manifest, root: str, scanned, contents: dict) -> None:
    """The folders discovery listed, and in each the entries whose content or presence it could read."""
    if not scanned.walked:
        raise Refused("the scan does not say which folders it listed")
    top = os.fspath(Path(root))
    prefix = "" if top == "." else top.rstrip(os.sep) + os.sep  # Path(".") / "sub" is "sub"
    files = set(scanned.files)
    walked = set(scanned.walked)
    for folder in scanned.walked:
        if folder != top and not folder.startswith(prefix):
            raise Refused(f"{folder} is not under the scanned directory")
        manifest.add(folder)
        rows = []
        with os.scandir(folder) as entries:
            for entry in sorted(entries, key=lambda e: e.name):
                inside = entry.path[len(prefix):] if prefix else entry.path.removeprefix("./")
                relpath = printable_path(inside.replace(os.sep, "/"))  # as discover.relative names it
                row = _entry(manifest, entry, walked, relpath if relpath in files else None, contents)
                if row is not None:
                    rows.append(row)
        manifest.entries.append([folder, rows])


def _entry(manifest: Manifest, entry: os.DirEntry, walked: set[str], relpath: str | None, contents: dict
           ) -> list | None:
    """The stamp of one entry of a listed folder (`relpath`: it was scanned under that name), when discovery could
    read it; None when only its presence in the folder matters (the folder's own stamp covers that)."""
    if entry.is_symlink():
        manifest.real.append([entry.path, os.path.realpath(entry.path)])
        target = manifest.add_scanned(entry.path, True, contents.get(relpath)) if relpath else stamp(entry.path)
        if relpath is None and racy(target, manifest.started_ns):
            raise Refused(f"{entry.path} points to a path that changed too recently")
        manifest.stat.append([entry.path, target])
        return [entry.name, manifest.settled(entry.path, follow=False)]
    if entry.is_dir():
        if entry.name in SKIP_DIRS or entry.path in walked:
            return None
        if os.path.lexists(os.path.join(entry.path, "pyvenv.cfg")):
            manifest.add(entry.path)  # a virtualenv, skipped for its pyvenv.cfg: its removal must show
        return None  # ignored or excluded: the rules that say so are stamped
    if relpath is not None:
        return [entry.name, manifest.add_scanned(entry.path, False, contents.get(relpath))]
    name = Path(entry.name)
    if entry.name in CONTROL_FILES or (name.suffix.lower() in SHEBANG_SUFFIXES and classify(name, b"") is None):
        return [entry.name, manifest.settled(entry.path, follow=False)]
    return None


def _tool(manifest: Manifest) -> None:
    """What cache.code_fingerprint reads (wac-lint's own files, the parser libraries' files; a run with plug-ins is
    not recorded), and every sys.path entry, where installing, upgrading or removing a distribution shows (a
    plug-in installed since comes with its `.dist-info` folder)."""
    from importlib.util import find_spec

    from .kinds import parser_modules

    package = os.path.dirname(os.path.abspath(__file__))
    for dirpath, dirnames, filenames in os.walk(package):
        dirnames[:] = sorted(d for d in dirnames if d != "__pycache__")
        manifest.add(dirpath)
        for name in sorted(filenames):
            if name.endswith((".py", ".json", ".toml")):
                manifest.add(os.path.join(dirpath, name))
    for name in parser_modules():
        try:
            spec = find_spec(name)
        except (ImportError, ValueError):
            spec = None
        if spec is not None and spec.origin and os.path.isabs(spec.origin):
            manifest.add(spec.origin)
    for entry in dict.fromkeys(os.path.abspath(p or ".") for p in sys.path):
        manifest.add(entry)


def _prune(directory: str) -> None:
    try:
        with os.scandir(directory) as entries:
            records = sorted((e.stat(follow_symlinks=False).st_mtime_ns, e.path) for e in entries
                             if e.is_file(follow_symlinks=False))
        for _mtime, path in records[:-KEEP_RECORDS]:
            os.unlink(path)
    except OSError:
        pass


__all__ = ["Refused", "build", "save"]
