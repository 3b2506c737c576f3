"""The whole-run replay: an unchanged rescan answered before the scanner (or click) is imported (entry.py, the
`wac-lint` command's entry point, runs it).

A warm rescan of a tree whose files all hit the result cache still pays for start-up: the interpreter, click,
importing the rules, the extractors' tables and the inference engine, the plug-in lookup, a `stat` per file,
decoding the cache, the path analysis and rendering. On a tree that scans cold in a second, that is a quarter of
the cold scan. So when a scan of one directory finishes, `replay_record.py` keeps, beside the result cache (same
directory, same user key), the exact bytes the run wrote (standard output and standard error in the order they
were written, the `-o` report), its exit code, and a manifest of everything its output depends on. The next run
with the same command line checks the manifest here, importing only the standard library it needs, and when every
stamp matches writes those bytes and exits with that code. On any doubt it falls through to the normal command
line (cli.py), which behaves exactly as without replay and records again.

What is keyed (the record's name is a MAC of it under the user's key, and the record holds it to compare):
the tool's version, the command line as given, the working directory, the environment variables that can change
a run (`WAC*`, `_WAC*` (click's completion), `PYTHON*`, colour and terminal variables, `HOME`, `XDG_CACHE_HOME`,
locale), whether each standard stream is a terminal and its encoding, the interpreter (`sys.executable`,
`sys.version`, `sys.path`, its flags, `-W` and `-X` options) and the user id.

What is stamped (type, size, mtime, inode, device and change time; a missing path is stamped missing):
- wac-lint's own files and folders and the files of the parser libraries (what cache.code_fingerprint reads),
  and every `sys.path` entry, so installing, upgrading or removing any distribution (its `.dist-info` folder
  comes or goes) or editing wac-lint invalidates the record;
- the scanned directory and every folder discovery walked (a folder's mtime changes when an entry is added,
  removed or renamed), each entry discovery could read in them (the files it scans, `.gitignore`, `.gitmodules`,
  names whose kind a shebang decides; links by their own stamp, their target's and their resolved path), and the
  virtualenv folders it skipped for their `pyvenv.cfg`;
- every configuration file name probed from the scanned directory up to `/` (pyproject.toml, wac-lint.toml,
  .wac-lint.toml), `--config` and `--baseline` files, the `.git` entries probed up to the repository's top level,
  and the git files discovery reads (a worktree's `.git` file, `commondir`, `info/exclude`, the `.gitignore`
  files above the scanned directory).

Racy stamps: a record is written after its scan, so a stamp proves the content the scan read only if the path has
not changed since the scan began. A path whose mtime or change time is less than RACY_NS before the run started
(or later) is racy: a scanned file is then recorded with the digest of the content the scan read (the result
cache's digest), checked on replay; any other racy path means no record is written this time. A probe of a
configuration or `.git` name is taken before the scan reads it and again after; they must agree.

`WAC_LINT_REPLAY=0` in the environment turns it off (no replay, no record). Never replayed: another command than the scan, `--help`, `--version`, `--no-cache`, standard input (`-`),
`--write-baseline`, `--add-noqa`, `--stdin-filename`, more than one path or a path that is not a directory, a
cache directory inside the scanned tree, a run whose progress bar may have been drawn, a run with plug-ins
installed (their code may read what no stamp covers), a run in which a file went over its time or memory budget
or crashed its worker (RunStats.unsettled: that depends on the machine), a record that is missing,
damaged, from another user (not signed with this user's key) or of another schema. A `-o` report is written again
through safe_write (never through a link): when that write is refused, the normal command line runs and reports it.

What the replay shares with the result cache: a file's cached results do not notice a file that a shell
script's command line names appearing or disappearing elsewhere in the tree (an ignored folder); neither does the
replay, so a replayed run says what a rescan from the cache would say.
"""

from __future__ import annotations

import io
import json
import os
import stat
import sys

try:  # the keyed BLAKE2 of the result cache, without importing hashlib and OpenSSL
    from _blake2 import blake2b
except ImportError:  # pragma: no cover
    from hashlib import blake2b

from . import __version__

SCHEMA = 1
# A path changed less than this before the run began may hide a same-tick edit (cache.RACY_NS is this one).
RACY_NS = 2_000_000_000
RECORD_MAX = 1 << 30  # bytes of one record read at most
SECRET_NAME = "user.key"  # the user's key, made by cache.user_secret on first use

# First arguments that name a command other than the scan.
OTHER_COMMANDS = frozenset({"rule", "hardware", "schema", "history", "fleet"})
# Arguments that make a run something a record cannot stand for (they read standard input, write other files,
# or print something else than a scan's report).
NEVER = frozenset({"-", "--", "-h", "--help", "--version", "--no-cache", "--add-noqa"})
NEVER_PREFIXES = ("--write-baseline", "--stdin-filename")
ENV_PREFIXES = ("WAC", "_WAC", "PYTHON", "LC_", "CLICOLOR")
ENV_NAMES = frozenset({"NO_COLOR", "FORCE_COLOR", "TERM", "COLORTERM", "COLUMNS", "LINES", "HOME", "XDG_CACHE_HOME",
                       "LANG", "LANGUAGE"})
CONFIG_NAMES = ("wac-lint.toml", ".wac-lint.toml", "pyproject.toml")  # config.CONFIG_NAMES


def default_cache_dir() -> str:
    """Where the result cache (and the replay record) live without `--cache-dir`: `$WAC_LINT_CACHE_DIR`, else
    `$XDG_CACHE_HOME/wac-lint`, else ~/.cache/wac-lint (cache.default_cache_dir)."""
    env = os.environ.get("WAC_LINT_CACHE_DIR")
    if env:
        return env
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "wac-lint")


def read_user_key(directory: str | os.PathLike) -> bytes | None:
    """The user's key in `directory` (cache.user_secret makes it), or None when it is missing, not a regular file
    of this user's, or malformed."""
    from .safe_read import NotRead, read_bytes

    path = os.path.join(directory, SECRET_NAME)
    try:
        text = read_bytes(path, 1024, follow_symlinks=False).decode("ascii").strip()
        if hasattr(os, "getuid") and os.stat(path, follow_symlinks=False).st_uid != os.getuid():
            return None  # not ours: someone else made it
        return bytes.fromhex(text) if len(text) == 64 else None
    except (OSError, NotRead, ValueError):
        return None


def mac(secret: bytes, data: bytes) -> str:
    return blake2b(data, key=secret[:64], digest_size=16).hexdigest()


def content_digest(data: bytes) -> str:
    """cache.digest: what the result cache (RunStats.contents) records of each scanned file's content."""
    return blake2b(data, digest_size=16).hexdigest()


# --- stamps ----------------------------------------------------------------------------------------------------

def stamp(path: str, follow: bool = True) -> list | None:
    """What identifies a path's state: [type, size, mtime, inode, device, change time]; None when it is missing.
    Any other error raises OSError (the caller treats it as a mismatch)."""
    try:
        st = os.stat(path, follow_symlinks=follow)
    except (FileNotFoundError, NotADirectoryError):
        return None
    return [stat.S_IFMT(st.st_mode), st.st_size, st.st_mtime_ns, st.st_ino, st.st_dev, st.st_ctime_ns]


def kind_of(path: str) -> int | None:
    """A path's type only (a `.git` probe asks whether it exists, not how often git rewrites it)."""
    found = stamp(path, follow=False)
    return found[0] if found is not None else None


def ancestors(path: str) -> list[str]:
    """`path` and every folder above it, up to `/`."""
    out = [path]
    while True:
        parent = os.path.dirname(out[-1])
        if parent == out[-1]:
            return out
        out.append(parent)


def probes(root: str) -> dict[str, list]:
    """The names the run looks up above and at the scanned directory, stamped: configuration files from the
    resolved directory up (config.find_config), `.git` entries from the absolute path up to the first one
    (discover.find_repository_root, also asked for SARIF's base). Taken before the scan and after it."""
    resolved = os.path.realpath(root)
    start = resolved if os.path.isdir(resolved) else os.path.dirname(resolved)
    config = [[os.path.join(folder, name), stamp(os.path.join(folder, name))]
              for folder in ancestors(start) for name in CONFIG_NAMES]
    git = []
    absolute = os.path.abspath(root)
    for folder in ancestors(absolute if os.path.isdir(absolute) else os.path.dirname(absolute)):
        found = kind_of(os.path.join(folder, ".git"))
        git.append([os.path.join(folder, ".git"), found])
        if found is not None:
            break
    return {"config": config, "git": git}


def racy(st: list | None, started_ns: int) -> bool:
    """Whether a stamped path changed so close to (or after) the start of the run that its stamp proves nothing."""
    return st is not None and max(st[2], st[5]) >= started_ns - RACY_NS


# --- what keys a run ---------------------------------------------------------------------------------------------

def eligible(argv: list[str]) -> bool:
    """Whether this command line can be a replayed scan at all (the record decides the rest)."""
    if not argv or argv[0] in OTHER_COMMANDS:
        return False
    return not any(a in NEVER or a.startswith(NEVER_PREFIXES) for a in argv)


def cache_dir_of(argv: list[str]) -> str:
    """The cache directory this command line uses: the last `--cache-dir`, else the environment's default.
    (The recorder checks that the scan used the same one.)"""
    found = None
    for i, arg in enumerate(argv):
        if arg == "--cache-dir" and i + 1 < len(argv):
            found = argv[i + 1]
        elif arg.startswith("--cache-dir="):
            found = arg.partition("=")[2]
    return found or default_cache_dir()


def _stream_facts(stream) -> list:
    try:
        return [stream.isatty(), stream.encoding, stream.errors]
    except (AttributeError, ValueError, OSError):
        return [None, None, None]


def key_material(argv: list[str]) -> list:
    env = sorted([name, value] for name, value in os.environ.items()
                 if name.startswith(ENV_PREFIXES) or name in ENV_NAMES)
    streams = [_stream_facts(s) for s in (sys.stdin, sys.stdout, sys.stderr)]
    uid = os.getuid() if hasattr(os, "getuid") else -1
    interpreter = [sys.executable, sys.version, list(sys.path), list(sys.flags), list(sys.warnoptions),
                   sorted([name, str(value)] for name, value in getattr(sys, "_xoptions", {}).items())]
    return [SCHEMA, __version__, argv, os.getcwd(), env, streams, interpreter, uid]


class Plan:
    """A run that may be replayed: its key, where its record lives, and the user's key that signs it."""

    def __init__(self, argv: list[str], started_ns: int) -> None:
        self.argv = argv
        self.started_ns = started_ns
        self.cache_dir = cache_dir_of(argv)
        self.material = key_material(argv)
        self.key_text = json.dumps(self.material)  # what names the record, and the key it must hold (as JSON)
        self.secret = read_user_key(self.cache_dir)

    def record_path(self, secret: bytes) -> str:
        name = mac(secret, self.key_text.encode("utf-8"))
        return os.path.join(self.cache_dir, f"replay-v{SCHEMA}", name)


# --- replay ----------------------------------------------------------------------------------------------------

def load(plan: Plan) -> tuple[dict, bytes] | None:
    """The record of this run (manifest, blobs) when it exists, is this user's, signed with this user's key and
    of this schema and key; else None."""
    from .safe_read import NotRead, read_bytes

    if plan.secret is None:
        return None
    path = plan.record_path(plan.secret)
    try:
        if hasattr(os, "getuid") and os.stat(path, follow_symlinks=False).st_uid != os.getuid():
            return None
        raw = read_bytes(path, RECORD_MAX, follow_symlinks=False)
    except (OSError, NotRead):
        return None
    head, _, body = raw.partition(b"\n")
    try:
        header = json.loads(head)
        if not isinstance(header, dict) or header.get("schema") != SCHEMA or header.get("mac") != mac(plan.secret,
                                                                                                        body):
            return None
        text, _, blobs = body.partition(b"\n")
        manifest = json.loads(text)
    except (ValueError, RecursionError):
        return None
    if not isinstance(manifest, dict) or manifest.get("key") != json.loads(plan.key_text):
        return None
    return manifest, blobs


def unchanged(manifest: dict) -> bool:
    """Whether every stamp of the manifest still holds (any error, any malformed row: no)."""
    from .safe_read import NotRead, read_bytes  # before the try: its except clause names NotRead

    try:
        for path, want in manifest["stat"]:
            if stamp(path) != want:
                return False
        for folder, entries in manifest["entries"]:
            for name, want in entries:
                if stamp(os.path.join(folder, name), follow=False) != want:
                    return False
        for path, want in manifest["kind"]:
            if kind_of(path) != want:
                return False
        for path, want in manifest["real"]:
            if os.path.realpath(path) != want:
                return False
        for path, want in manifest["digest"]:
            if content_digest(read_bytes(path, RECORD_MAX)) != want:  # a regular file, never a pipe swapped in
                return False
        return True
    except (OSError, NotRead, ValueError, TypeError, KeyError):
        return False


def replay(plan: Plan) -> int | None:
    """Write what the recorded run wrote and return its exit code; None (nothing written) when it cannot be."""
    loaded = load(plan)
    if loaded is None:
        return None
    manifest, blobs = loaded
    if not unchanged(manifest):
        return None
    try:
        chunks, report, code = manifest["chunks"], manifest["report"], manifest["code"]
        if not isinstance(code, int) or sum(n for _fd, n in chunks) + (report[1] if report else 0) != len(blobs):
            return None
        if report is not None:  # first: when this write is refused, nothing has been written yet
            from .safe_write import write_bytes

            path, length = report
            write_bytes(path, blobs[:length])
            blobs = blobs[length:]
    except (OSError, ValueError, TypeError, KeyError):
        return None  # the normal command line tries again, and says why it could not write
    streams = {1: sys.stdout, 2: sys.stderr}
    offset = 0
    try:
        for fd, length in chunks:
            stream = streams[fd]
            stream.flush()
            stream.buffer.write(blobs[offset:offset + length])
            stream.buffer.flush()
            offset += length
    except BrokenPipeError:  # as click does when the reader went away (`wac-lint . | head`): quietly, exit 1
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 1
    except (OSError, ValueError):  # part of the output may be out: never run the scan to write it twice
        return 1
    return code


# --- recording (the run that falls through) ----------------------------------------------------------------------

class _Tee(io.BufferedIOBase):
    """A binary stream that writes through to the real one and keeps a copy, in order, of what went there."""

    def __init__(self, target, fd: int, log: list) -> None:
        super().__init__()
        self._target, self._fd, self._log = target, fd, log

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        data = bytes(data)
        self._target.write(data)
        if not data:  # click probes a stream with an empty write
            return 0
        if self._log and self._log[-1][0] == self._fd:
            self._log[-1][1].extend(data)
        else:
            self._log.append((self._fd, bytearray(data)))
        return len(data)

    def flush(self) -> None:
        self._target.flush()

    def isatty(self) -> bool:
        return self._target.isatty()

    def fileno(self) -> int:
        return self._target.fileno()


class Session:
    """One run of the normal command line that may leave a record: what it wrote, and what cli.py tells it."""

    def __init__(self, plan: Plan) -> None:
        self.plan = plan
        self.log: list = []
        self.saved: tuple = ()
        self.before: dict | None = None  # probes(root) before the scan read anything
        self.finished: dict | None = None  # what cli.py says of a scan that printed its report

    def start(self) -> bool:
        wrapped = []
        for fd, name in ((1, "stdout"), (2, "stderr")):
            stream = getattr(sys, name)
            buffer = getattr(stream, "buffer", None)
            if buffer is None:
                return False
            stream.flush()
            wrapped.append((name, stream, io.TextIOWrapper(_Tee(buffer, fd, self.log), encoding=stream.encoding,
                                                           errors=stream.errors, line_buffering=stream.line_buffering,
                                                           write_through=True)))
        self.saved = tuple((name, stream) for name, stream, _wrapper in wrapped)
        for name, _stream, wrapper in wrapped:
            setattr(sys, name, wrapper)
        return True

    def stop(self) -> None:
        for name, stream in self.saved:
            wrapper = getattr(sys, name)
            try:
                wrapper.flush()
                wrapper.detach()  # leaves the real stream open
            except (ValueError, OSError):
                pass
            setattr(sys, name, stream)


_session: Session | None = None  # the run entry.main is recording, if any


def report_to(session: Session | None) -> None:
    """entry.py: the session cli.py's hooks below tell (None: no run is being recorded)."""
    global _session
    _session = session


def scan_starting(root) -> None:
    """cli.py, before the scan reads its configuration: the probes to compare with those after it."""
    if _session is not None:
        try:
            _session.before = probes(os.fspath(root))
        except OSError:
            _session.before = None


def scan_finished(**facts) -> None:
    """cli.py, after a scan wrote its whole report and before it exits: what the record needs (paths, settings,
    scanned files and their content digests, files read, the `-o` report, whether a progress bar may show)."""
    if _session is not None:
        _session.finished = facts


__all__ = ["Plan", "Session", "eligible", "probes", "read_user_key", "replay", "report_to", "scan_finished",
           "scan_starting", "stamp"]
