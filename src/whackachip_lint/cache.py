"""Per-file result cache, so a rescan reads only the files that changed (as Ruff does).

Where: `--cache-dir`, else `$WAC_LINT_CACHE_DIR`, else `$XDG_CACHE_HOME/wac-lint`,
else `~/.cache/wac-lint`. Not under the scanned tree by default: wac-lint reads
code it does not trust, and a cache shipped inside a repository must not be able
to plant findings; a read-only checkout must scan too.

What: one JSON file per (scanned root, everything that can change a result):
tool version, cache schema, a fingerprint of wac-lint's own code and data files
and of the parser libraries, and the settings that change findings. In it, per
file (by path relative to the root): size, mtime, a content digest and the
file's findings, diagnostics and unused directives.

Hit: same size and mtime, unless the mtime is so close to the time the entry was
written that a same-tick edit could hide (then the digest decides, as git does
for "racily clean" files). Same size but another mtime (a `touch`, a checkout):
the digest decides. JSON only (never pickle: a cache file is data, not code).

Beside the cache files: the stored path analysis (paths/stored.py) and the whole-run replay records
(replay.py, which documents them; they are signed with the same user key).

Safety: entries are checked on read; a corrupt or foreign cache file or entry
is a miss, never an error. Writes go to a temporary file renamed into place
(`safe_write`: never through a symbolic link),
after merging what a concurrent run may have saved meanwhile, so two runs at
once can at worst redo each other's work.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

from . import __version__, replay
from .config import Settings
from .discover import Candidate
from .evidence import Diagnostic, Finding, Level, Span, State
from .kinds import parser_modules
from .options import NOT_IN_KEY
from .replay import read_user_key
from .results import FileResult
from .safe_write import create_new, write_text
from .suppress import Directive

SCHEMA = 3  # 2: per-file path facts (paths/facts.py); 3: signed with the user's key, stamps with inode and ctime
# An entry whose file changed less than this before the entry was written is "racy":
# its size and mtime alone do not prove the content (coarse timestamps), so the digest is checked.
# Defined in replay.py, which must not import this module; the replay record's racy stamps use the same window.
RACY_NS = replay.RACY_NS


def default_cache_dir() -> Path:
    return Path(replay.default_cache_dir())  # decided where the replay looks first, before anything is imported


def digest(data: bytes) -> str:
    return replay.content_digest(data)  # one definition: the replay record checks racy files against it


def code_fingerprint() -> str:
    """Changes when wac-lint's own code or data changes (an edit, an upgrade) or a parser library is upgraded."""
    package = Path(__file__).resolve().parent
    h = hashlib.blake2b(digest_size=16)
    h.update(f"{__version__}\0{SCHEMA}\0{sys.version_info[:2]}".encode())
    for dirpath, dirnames, filenames in os.walk(package):
        dirnames[:] = sorted(d for d in dirnames if d != "__pycache__")
        for name in sorted(filenames):
            if name.endswith((".py", ".json", ".toml")):
                st = os.stat(os.path.join(dirpath, name))
                h.update(f"{os.path.relpath(dirpath, package)}/{name}\0{st.st_size}\0{st.st_mtime_ns}\0".encode())
    from importlib.util import find_spec

    # The libraries whose version can change what a file yields (an upgrade rewrites their files, so their size and
    # mtime stand in for the version): each file kind names its parsers (kinds.py).
    for name in parser_modules():  # located, not imported (importing a parser library costs a pre-commit run time)
        try:
            spec = find_spec(name)
            origin = spec.origin if spec else None
            st = os.stat(origin) if origin else None
        except (ImportError, ValueError, OSError):
            st = None
        h.update(f"{name}={st.st_size if st else '-'}:{st.st_mtime_ns if st else '-'}\0".encode())
    # Installed plugins add rules, extractors and words: a cached result predates one installed since.
    from . import plugins

    h.update(f"plugins\0{plugins.fingerprint()}".encode())
    return h.hexdigest()


def settings_key(settings: Settings) -> dict[str, Any]:
    values = {f.name: getattr(settings, f.name) for f in dataclasses.fields(settings) if f.name not in NOT_IN_KEY}
    return json.loads(json.dumps(values, sort_keys=True, default=str))


# --- (de)serialising one file's results ------------------------------------------------------


def encode_finding(finding: Finding) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for f in dataclasses.fields(Finding):
        value = getattr(finding, f.name)
        if isinstance(value, Span):
            value = [value.line, value.column, value.end_line, value.end_column]
        elif isinstance(value, (State, Level)):
            value = value.value
        elif f.name == "properties":
            value = dict(value)
        out[f.name] = value
    return out


def _decode_finding(data: dict[str, Any]) -> Finding:
    data = dict(data)
    data["span"] = Span(*data["span"])
    data["state"] = State(data["state"])
    data["level"] = Level(data["level"])
    return Finding(**data)


def _encode_directive(directive: Directive) -> dict[str, Any]:
    data = dataclasses.asdict(directive)
    data["codes"], data["targets"], data["used"] = list(directive.codes), list(directive.targets), sorted(directive.used)
    return data


def _decode_directive(data: dict[str, Any]) -> Directive:
    data = dict(data)
    data["codes"], data["targets"], data["used"] = tuple(data["codes"]), tuple(data["targets"]), set(data["used"])
    return Directive(**data)


# The FileResult fields this module knows how to store. If FileResult grows a field, the
# cache turns itself off (results are never stored half) and tests/test_cache.py fails.
KNOWN_RESULT_FIELDS = ("relpath", "findings", "diagnostics", "unused_directives", "facts")


def cacheable() -> bool:
    return tuple(f.name for f in dataclasses.fields(FileResult)) == KNOWN_RESULT_FIELDS


def encode_result(result: FileResult) -> dict[str, Any]:
    return {
        "findings": [encode_finding(f) for f in result.findings],
        "diagnostics": [dataclasses.asdict(d) for d in result.diagnostics],
        "unused_directives": [_encode_directive(d) for d in result.unused_directives],
        "facts": result.facts,
    }


def decode_result(relpath: str, data: dict[str, Any]) -> FileResult:
    return FileResult(
        relpath,
        findings=[_decode_finding(f) for f in data["findings"]],
        diagnostics=[Diagnostic(**d) for d in data["diagnostics"]],
        unused_directives=[_decode_directive(d) for d in data["unused_directives"]],
        facts=data["facts"] if isinstance(data.get("facts"), dict) else {},
    )


# --- the cache ----------------------------------------------------------------------------


@dataclasses.dataclass
class Stamp:
    """What identifies one file's content: size, mtime and (once read) a digest."""

    size: int
    mtime_ns: int
    digest: str
    # The file's identity: a same-size, same-mtime file restored from a tarball or swapped in by a rename has
    # another inode or change time, and is then checked by its digest (-1: not known).
    ino: int = -1
    ctime_ns: int = -1


class ResultCache:
    def __init__(self, path: Path, key: str, secret: bytes = b"") -> None:
        self.path = path
        self.key = key
        self.secret = secret
        self.entries: dict[str, list] = self._load()
        self.new: dict[str, list] = {}

    @classmethod
    def open(cls, root: Path, settings: Settings) -> "ResultCache | None":
        """The cache for this root and settings, or None when caching is off or impossible."""
        where = cls.locate(root, settings)
        return cls(*where) if where is not None else None

    @classmethod
    def locate(cls, root: Path, settings: Settings) -> tuple[Path, str, bytes] | None:
        """Where the cache for this root and settings is (its file, key and the user's secret), without reading it;
        None when caching is off or impossible."""
        if not settings.use_cache or not cacheable():
            return None
        directory = Path(settings.cache_dir) if settings.cache_dir else default_cache_dir()
        if _encloses(os.path.realpath(root), os.path.realpath(directory)):
            return None  # never in the scanned tree: a repository could ship (or poison) it
        secret = user_secret(directory)
        if secret is None:
            return None
        ident = json.dumps(
            [os.path.realpath(root), code_fingerprint(), settings_key(settings), secret.hex()], sort_keys=True
        ).encode()
        key = hashlib.blake2b(ident, digest_size=16).hexdigest()
        return directory / f"v{SCHEMA}" / f"{key}.json", key, secret

    def _mac(self, body: bytes) -> str:
        return replay.mac(self.secret, body)  # the replay record is signed the same way

    def _load(self) -> dict[str, list]:
        """Entries of the cache file: a header line (schema, key, a MAC of the rest under the user's secret), then
        the entries. A file the user's own runs did not write fails the MAC and is ignored."""
        from .safe_read import NotRead, read_bytes

        try:
            raw = read_bytes(self.path, CACHE_FILE_MAX, follow_symlinks=False)
            head, _, body = raw.partition(b"\n")
            header = json.loads(head)
        except (NotRead, ValueError, RecursionError):
            return {}
        if not isinstance(header, dict) or header.get("schema") != SCHEMA or header.get("key") != self.key:
            return {}
        if header.get("mac") != self._mac(body):
            return {}
        try:
            entries = json.loads(body)
        except (ValueError, RecursionError):
            return {}
        return entries if isinstance(entries, dict) else {}

    def lookup(self, candidate: Candidate):
        """The cached FileResult for `candidate` if its content is unchanged, else None."""
        entry = self.entries.get(candidate.relpath)
        if entry is None:
            return None
        try:
            size, mtime_ns, written_ns, known_digest, payload, ino, ctime_ns = entry
            st = os.stat(candidate.path)
            if st.st_size != size:
                return None
            same_file = st.st_ino == ino and st.st_ctime_ns == ctime_ns
            if st.st_mtime_ns != mtime_ns or not same_file or mtime_ns >= written_ns - RACY_NS:
                with open(candidate.path, "rb") as handle:
                    if digest(handle.read(size + 1)) != known_digest:
                        return None
                if time.time_ns() - RACY_NS > st.st_mtime_ns:  # settled now: next time the stamp suffices
                    stamp = Stamp(st.st_size, st.st_mtime_ns, known_digest, st.st_ino, st.st_ctime_ns)
                    self.store(candidate.relpath, stamp, payload)
            return decode_result(candidate.relpath, payload)
        except (OSError, ValueError, TypeError, KeyError, AttributeError):
            return None  # a vanished file or a malformed entry: scan it again

    def content_digest(self, relpath: str) -> str | None:
        """The digest of the content of `relpath` the cache holds results for (after a hit: the file's own)."""
        entry = self.new.get(relpath) or self.entries.get(relpath)
        return entry[3] if isinstance(entry, list) and len(entry) > 3 and isinstance(entry[3], str) else None

    def store(self, relpath: str, stamp: Stamp, payload: dict[str, Any]) -> None:
        self.new[relpath] = [stamp.size, stamp.mtime_ns, time.time_ns(), stamp.digest, payload, stamp.ino,
                             stamp.ctime_ns]

    def save(self) -> None:
        """Write new entries (merged into what is on disk now); failures only cost the next run time."""
        if not self.new:
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            _mark_cache_dir(self.path.parent.parent)
            entries = self._load()  # a concurrent run may have saved since we loaded
            entries.update(self.new)
            body = json.dumps(entries)
            header = json.dumps({"schema": SCHEMA, "key": self.key, "tool": __version__,
                                 "mac": self._mac(body.encode("utf-8"))})
            write_text(self.path, header + "\n" + body, mode=0o600)
        except OSError:
            pass
        self.entries.update(self.new)
        self.new = {}


CACHE_FILE_MAX = 1 << 30  # bytes of one cache file read at most
SECRET_NAME = replay.SECRET_NAME


def user_secret(directory: Path) -> bytes | None:
    """This user's random key for cache entries (made on first use, readable by the user only), or None when
    the cache directory cannot hold one (then there is no cache). Entries are keyed and signed with it, so a
    cache file another user or a repository planted is never read as ours. (The replay record is signed with it
    too: replay.py reads it without importing this module.)"""
    try:
        directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        create_new(directory / SECRET_NAME, os.urandom(32).hex(), mode=0o600)  # secrets.token_hex(32), lighter
    except OSError:
        return None
    return read_user_key(directory)


def _encloses(outer: str, inner: str) -> bool:
    return inner == outer or inner.startswith(outer.rstrip(os.sep) + os.sep)


def _mark_cache_dir(directory: Path) -> None:
    """Tell git and backup tools the cache is disposable (the files Ruff also writes)."""
    for name, text in (
        (".gitignore", "# Created by wac-lint; safe to delete.\n*\n"),
        ("CACHEDIR.TAG", "Signature: 8a477f597d28d172789f06886806bc55\n# wac-lint result cache\n"),
    ):
        try:
            create_new(directory / name, text)  # an existing entry, a planted link included, is left alone
        except OSError:
            pass


__all__ = ["ResultCache", "Stamp", "cacheable", "code_fingerprint", "default_cache_dir", "digest", "encode_finding",
           "settings_key"]
