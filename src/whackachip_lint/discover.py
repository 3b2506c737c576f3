"""Discovery: turn command-line paths into the files to scan, each with its kind.

Directories are walked honouring `.gitignore` files (via pathspec, the
matcher pre-commit-era tools share), skipping VCS folders, virtualenvs and
caches. Symlinks are never followed out of the scanned root, and never twice
(loops). Anything that cannot be walked or read becomes a diagnostic: nothing
is dropped silently.
"""

from __future__ import annotations

import errno
import os
import re
import stat
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

import pathspec

from .evidence import Diagnostic
from .kinds import KIND_BY_NAME, KIND_BY_PATTERN, KIND_BY_SHEBANG, KIND_BY_SUFFIX, KINDS
from .safe_read import CONTROL_FILE_MAX

# Folder names never worth walking into.
SKIP_DIRS = frozenset(
    {
        ".git",
        ".hg",
        ".svn",
        "node_modules",
        "__pycache__",
        ".venv",
        "venv",
        ".tox",
        ".nox",
        ".mypy_cache",
        ".pytest_cache",
        ".ruff_cache",
        ".wac-lint-cache",
        ".eggs",
        "site-packages",
    }
)

# Names without these suffixes are classified by name alone; with them, by shebang too.
SHEBANG_SUFFIXES = frozenset({"", ".slurm", ".sbatch", ".job"})

# Kinds of special file, for the diagnostic that says why one was not read.
_SPECIAL_FILES = (
    (stat.S_ISFIFO, "a named pipe"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
)



@dataclass(frozen=True)
class Candidate:
    path: Path  # as on disk (may be a symlink inside the root)
    relpath: str  # relative to the root, "/"-separated
    kind: str
    within: str | None = None  # a file found by walking: the root's real path, which it must still lie in when read


def classify(path: Path, head: bytes | None = None) -> str | None:
    """The kind of a file from its name, or (for names without a known suffix) its shebang."""
    name = path.name
    kind = KIND_BY_NAME.get(name)
    if kind:
        return kind
    kind = classify_by_pattern(path)
    if kind:
        return kind
    kind = KIND_BY_SUFFIX.get(path.suffix.lower())
    if kind:
        return kind
    if path.suffix.lower() in SHEBANG_SUFFIXES:
        if head is None:
            head = _read_head(path)
        if head.startswith(b"#!"):
            for pattern, kind in KIND_BY_SHEBANG:
                if pattern.match(head):
                    return kind
    return None


def classify_by_pattern(path: Path) -> str | None:
    """The kind a KIND_BY_PATTERN row gives `path` ("requirements-dev.txt", "Dockerfile.rocm"...), if any."""
    tail = f"{path.parent.name}/{path.name}"
    for pattern, kind in KIND_BY_PATTERN:
        if pattern.search(tail):
            if path.suffix.lower() in KINDS[kind].not_pattern_suffixes:
                continue
            return kind
    return None


def _read_head(path: Path) -> bytes:
    try:
        with open(path, "rb") as handle:
            return handle.read(128)
    except OSError:
        return b""


def relative(path: Path, root: Path) -> str:
    """The path as reported: relative to the root, "/"-separated, printable (see printable_path)."""
    try:
        rel = path.relative_to(root).as_posix()
    except ValueError:
        rel = path.as_posix()
    return printable_path(rel)


_PATH_ESCAPES = {"\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t"}


def printable_path(name: str) -> str:
    """`name` made safe to print and to put in JSON or SARIF: one line, valid UTF-8, unambiguous.

    File names are bytes; Python hands undecodable ones over as lone surrogates
    (surrogateescape), which no UTF-8 output can carry, and a newline or an escape
    sequence in a name would forge report lines or drive the terminal. So a byte that
    is not UTF-8 becomes `\\xNN` (always 80 to ff); newline, CR and tab become `\\n`, `\\r`,
    `\\t`; other unprintable characters `\\xNN` below 0x80 (ASCII controls), `\\uNNNN` or
    `\\UNNNNNNNN` above; and a backslash is doubled. So an escaped name reads back to exactly
    one name: the character U+0085 (`\\u0085`) and the raw byte 0x85 (`\\x85`) stay apart, and
    a decoy file cannot hide another under the same printed path.
    """
    if name.isprintable() and "\\" not in name:
        return name
    out: list[str] = []
    for char in name:
        code = ord(char)
        if char in _PATH_ESCAPES:
            out.append(_PATH_ESCAPES[char])
        elif 0xDC80 <= code <= 0xDCFF:  # a raw byte carried by surrogateescape
            out.append(f"\\x{code - 0xDC00:02x}")
        elif char.isprintable():
            out.append(char)
        elif code < 0x80:
            out.append(f"\\x{code:02x}")
        elif code <= 0xFFFF:
            out.append(f"\\u{code:04x}")
        else:
            out.append(f"\\U{code:08x}")
    return "".join(out)


def _not_regular(mode: int) -> str:
    name = next((name for test, name in _SPECIAL_FILES if test(mode)), "a special file")
    return f"{name}, not a regular file; not read"


def _stat_problem(exc: OSError) -> str:
    if exc.errno == errno.ELOOP:
        return "symbolic link loop (too many levels of links); not followed"
    return f"cannot stat: {exc.strerror or exc}"


def _encloses(outer: str, inner: str) -> bool:
    return inner == outer or inner.startswith(outer.rstrip(os.sep) + os.sep)


# Why files or folders were left out of a scan, as counted in `TreeWalker.skipped` (and reported: nothing is
# skipped silently). VCS metadata folders (.git, .hg, .svn) are never counted: they are never code.
SKIP_GITIGNORE = "matched by .gitignore"
SKIP_EXCLUDE = "matched by `exclude`"
SKIP_VENV = "in a virtualenv (a folder with pyvenv.cfg)"
SKIP_FOLDER_NAME = "in a folder skipped by name (node_modules, caches, virtualenvs)"
_VCS_DIRS = frozenset({".git", ".hg", ".svn"})
# Files that steer discovery, read only through the guarded reader (regular file, size cap, never a link).
CONTROL_FILES = (".gitignore", ".gitmodules")


class TreeWalker:
    """Walks paths under one root, collecting candidates, diagnostics and what was skipped (and why).

    Directories are walked with an explicit stack, not recursion: 1,000 nested folders (a path git can hold)
    must not raise RecursionError.
    """

    def __init__(self, root: Path, exclude: list[str] | None = None, force_exclude: bool = False,
                 respect_gitignore: bool = True) -> None:
        self.root = root
        self._force_exclude = force_exclude
        self._respect_gitignore = respect_gitignore
        self.real_root = Path(os.path.realpath(root))
        self.diagnostics: list[Diagnostic] = []
        # reason -> [files, folders] left out for it
        self.skipped: dict[str, list[int]] = {}
        # relpath of a candidate -> (device, inode) of the file it names, to scan each file once
        self.identity: dict[str, tuple[int, int]] = {}
        self._exclude = pathspec.GitIgnoreSpec.from_lines(exclude or [])
        self._seen_dirs: set[tuple[int, int]] = set()
        self.walked: list[str] = []  # every folder listed, in order (the replay record stamps them: replay.py)

    def _skip(self, reason: str, is_dir: bool) -> None:
        counts = self.skipped.setdefault(reason, [0, 0])
        counts[1 if is_dir else 0] += 1

    def _inside_root(self, real: str) -> bool:
        from .safe_read import lies_within

        return lies_within(real, str(self.real_root))

    def walk(self, path: Path, explicit: bool = True) -> Iterator[Candidate]:
        rel = relative(path, self.root)
        if self._force_exclude and rel not in ("", ".") and self._exclude.match_file(rel):
            self._skip(SKIP_EXCLUDE, False)
            return  # excluded by configuration even though it was named (pre-commit names every changed file)
        try:
            st = os.stat(path)
        except FileNotFoundError:
            if os.path.islink(path):
                self.diagnostics.append(Diagnostic(rel, "broken symbolic link (its target does not exist)"))
            else:
                self.diagnostics.append(Diagnostic(rel, "no such file or directory"))
            return
        except OSError as exc:
            self.diagnostics.append(Diagnostic(rel, _stat_problem(exc)))
            return
        if stat.S_ISDIR(st.st_mode):
            yield from self._walk_tree(path)
        elif stat.S_ISREG(st.st_mode):
            kind = self._classify(path, rel)
            if kind is not None:
                self.identity.setdefault(rel, (st.st_dev, st.st_ino))
                yield Candidate(path, rel, kind)
        else:
            self.diagnostics.append(Diagnostic(rel, _not_regular(st.st_mode)))

    def _walk_tree(self, top: Path) -> Iterator[Candidate]:
        # Depth first, each folder's entries in name order (as recursion would); the stack holds each folder
        # with the .gitignore specs that apply to it.
        above = repository_ignores(top) if self._respect_gitignore else []
        stack: list[tuple[Path, list[tuple[Path, pathspec.GitIgnoreSpec]]]] = [(top, above)]
        while stack:
            directory, ignores = stack.pop()
            subdirectories: list[tuple[Path, list]] = []
            yield from self._walk_dir(directory, ignores, subdirectories)
            stack.extend(reversed(subdirectories))

    def _walk_dir(self, directory: Path, ignores: list[tuple[Path, pathspec.GitIgnoreSpec]],
                  subdirectories: list) -> Iterator[Candidate]:
        """The candidates directly in `directory`; its folders to walk are appended to `subdirectories`."""
        try:
            st = os.stat(directory)
        except OSError as exc:
            self.diagnostics.append(Diagnostic(relative(directory, self.root), f"cannot stat: {exc.strerror or exc}"))
            return
        key = (st.st_dev, st.st_ino)
        if key in self._seen_dirs:
            self.diagnostics.append(
                Diagnostic(relative(directory, self.root), "symbolic link loop (directory already scanned); skipped")
            )
            return
        self._seen_dirs.add(key)
        self.walked.append(os.fspath(directory))
        try:
            with os.scandir(directory) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError as exc:
            self.diagnostics.append(
                Diagnostic(relative(directory, self.root) or ".", f"cannot read directory: {exc.strerror or exc}")
            )
            return
        self._check_control_files(directory, entries)
        if self._respect_gitignore:
            ignores = ignores + self._load_gitignore(directory)
        for entry in entries:
            if entry.name in CONTROL_FILES:
                continue  # read (guarded) for what they say, never scanned; _check_control_files reported them
            path = Path(entry.path)
            rel = relative(path, self.root)
            try:
                is_link = entry.is_symlink()
                is_dir = entry.is_dir()  # follows symlinks
                is_file = entry.is_file()
            except OSError as exc:
                self.diagnostics.append(Diagnostic(rel, _stat_problem(exc)))
                continue
            if is_dir and entry.name in SKIP_DIRS:
                if entry.name not in _VCS_DIRS:
                    self._skip(SKIP_FOLDER_NAME, True)
                continue
            if _ignored(path, is_dir, ignores):
                self._skip(SKIP_GITIGNORE, is_dir)
                continue
            if self._exclude.match_file(rel + ("/" if is_dir else "")):
                self._skip(SKIP_EXCLUDE, is_dir)
                continue
            if is_link:
                real = os.path.realpath(path)
                if not is_dir and not is_file and not os.path.exists(real):
                    self.diagnostics.append(Diagnostic(rel, "broken symbolic link (its target does not exist)"))
                    continue
                if not self._inside_root(real):
                    self.diagnostics.append(
                        Diagnostic(rel, "symbolic link points outside the scanned root; not followed")
                    )
                    continue
                if is_dir:
                    # Never walked through the link: its target, inside the root, is walked under
                    # its own name, so nothing is lost and nothing is reported twice. A link to an
                    # enclosing directory is a loop: say so.
                    if _encloses(real, os.path.realpath(directory)):
                        self.diagnostics.append(
                            Diagnostic(rel, "symbolic link loop (points to an enclosing directory); not followed")
                        )
                    continue
            if is_dir:
                # os.path.exists, not Path.exists: a folder whose path is over PATH_MAX (deep nesting) or that
                # cannot be searched raised here and stopped the scan; walking it gives one diagnostic instead.
                if os.path.exists(path / "pyvenv.cfg"):
                    self._skip(SKIP_VENV, True)
                    continue  # a virtualenv under any name
                subdirectories.append((path, ignores))
            elif is_file:
                kind = self._classify(path, rel)
                if kind is not None:
                    self.identity.setdefault(rel, self._file_identity(entry, st.st_dev, is_link))
                    yield Candidate(path, rel, kind, os.fspath(self.real_root))
            else:
                self._special(path, rel)

    @staticmethod
    def _file_identity(entry: os.DirEntry, device: int, is_link: bool) -> tuple[int, int]:
        """(device, inode) of the file an entry names: free for a plain file (its folder's device, the inode the
        listing gave), one stat for a link (the file it points to)."""
        if is_link:
            try:
                st = os.stat(entry.path)
                return st.st_dev, st.st_ino
            except OSError:
                pass
        return device, entry.inode()

    def _check_control_files(self, directory: Path, entries: list[os.DirEntry]) -> None:
        """A .gitignore or .gitmodules that is a link, a pipe, a device or huge: say why it is not read."""
        for entry in entries:
            if entry.name not in CONTROL_FILES:
                continue
            try:
                st = entry.stat(follow_symlinks=False)
            except OSError as exc:
                self.diagnostics.append(Diagnostic(relative(Path(entry.path), self.root), _stat_problem(exc)))
                continue
            problem = None
            if stat.S_ISLNK(st.st_mode):
                problem = "a symbolic link; not read (git does not follow it either)"
            elif not stat.S_ISREG(st.st_mode):
                problem = _not_regular(st.st_mode)
            elif st.st_size > CONTROL_FILE_MAX:
                problem = f"file is {st.st_size:,} bytes, over the {CONTROL_FILE_MAX:,}-byte limit; not read"
            if problem:
                self.diagnostics.append(Diagnostic(relative(Path(entry.path), self.root), problem))

    def _classify(self, path: Path, rel: str) -> str | None:
        """classify(), except that a file whose first bytes cannot be read for a shebang is a diagnostic."""
        kind = classify(path, b"")
        if kind is not None or path.suffix.lower() not in SHEBANG_SUFFIXES:
            return kind
        try:
            with open(path, "rb", buffering=0) as handle:
                head = handle.read(128)
        except OSError as exc:
            self.diagnostics.append(Diagnostic(rel, f"cannot read (to tell its kind): {exc.strerror or exc}"))
            return None
        return classify(path, head)

    def _special(self, path: Path, rel: str) -> None:
        """A named pipe, socket or device under a name we would scan: say why it is not read (never open it)."""
        if classify(path, b"") is None:
            return
        try:
            mode = os.stat(path).st_mode
        except OSError as exc:
            self.diagnostics.append(Diagnostic(rel, _stat_problem(exc)))
            return
        self.diagnostics.append(Diagnostic(rel, _not_regular(mode)))

    def _load_gitignore(self, directory: Path) -> list[tuple[Path, pathspec.GitIgnoreSpec]]:
        spec, bad_lines, costly_lines = _load_gitignore(directory)
        problems = []
        if bad_lines:
            problems.append(f"invalid pattern ignored (line {', '.join(map(str, bad_lines))}), as git does")
        if costly_lines:
            problems.append(f"pattern ignored (line {', '.join(map(str, costly_lines))}): {TOO_MANY_STARS}; "
                            "git would apply it, so files it ignores are scanned")
        if problems:
            self.diagnostics.append(Diagnostic(relative(directory / ".gitignore", self.root), "; ".join(problems)))
        return [(directory, spec)] if spec is not None else []


def _load_gitignore(directory: Path) -> tuple[pathspec.GitIgnoreSpec | None, list[int], list[int]]:
    """The directory's .gitignore as a spec (None if it has none or it cannot be read: a link, a pipe, too big,
    which discovery reports), then the numbers of the lines left out (see _spec)."""
    from .safe_read import NotRead, read_bytes

    try:
        data = read_bytes(directory / ".gitignore", CONTROL_FILE_MAX, follow_symlinks=False)
    except NotRead:
        return None, [], []
    return _spec(data.decode("utf-8", errors="replace").splitlines())


# pathspec matches with a backtracking regular expression in which every `*` is a `[^/]*` and every `**` segment
# a `.*`: the time to reject a path grows as its length to the power of the wildcards. One .gitignore line of five
# `*` (`a*a*a*a*a*b`) against a 255-byte name hung discovery; so did `*x*/*x*/*x*/*x*/y` on a deep path. Within
# these bounds the worst path (4 KB) costs a few tenths of a second per pattern.
MAX_STARS_PER_SEGMENT = 2
MAX_STARS = 3
# Why such a pattern is refused: in the .gitignore diagnostic and the configuration error alike.
TOO_MANY_STARS = (f"more `*` wildcards than can be matched in bounded time ({MAX_STARS_PER_SEGMENT} per path "
                  f"segment, {MAX_STARS} in all)")


def costly_pattern(line: str) -> bool:
    """Whether a gitignore-style pattern has more `*` than pathspec can match in bounded time."""
    pattern = line.strip()
    if not pattern or pattern.startswith("#"):
        return False
    stars = [1 if segment == "**" else segment.count("*") for segment in pattern.split("/")]
    return max(stars) > MAX_STARS_PER_SEGMENT or sum(stars) > MAX_STARS


def _spec(lines: list[str]) -> tuple[pathspec.GitIgnoreSpec, list[int], list[int]]:
    """Gitignore lines as a spec, the numbers of the lines git would skip as invalid, and those of the lines left
    out because matching them could take exponential time (costly_pattern)."""
    costly = [number for number, line in enumerate(lines, start=1) if costly_pattern(line)]
    if costly:
        left_out = set(costly)
        lines = ["" if number in left_out else line for number, line in enumerate(lines, start=1)]
    spec, bad = _valid_spec(lines)
    return spec, bad, costly


def _valid_spec(lines: list[str]) -> tuple[pathspec.GitIgnoreSpec, list[int]]:
    """Gitignore lines as a spec, and the numbers of the lines git would skip as invalid."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # re's FutureWarnings about odd character sets
        try:
            return pathspec.GitIgnoreSpec.from_lines(lines), []
        except Exception:  # pathspec refuses some lines git merely skips: "!", a trailing "\\", "[z-a]"
            good, bad = [], []
            for number, line in enumerate(lines, start=1):
                try:
                    pathspec.GitIgnoreSpec.from_lines([line])
                except Exception:
                    bad.append(number)
                else:
                    good.append(line)
            return pathspec.GitIgnoreSpec.from_lines(good), bad


def find_repository_root(start: Path) -> Path | None:
    """The git top level that holds `start`: the nearest directory, walking up, with a `.git` entry.

    Found by looking, never by running git (a scanned repository's git configuration can run commands).
    """
    directory = Path(os.path.abspath(start))
    if not directory.is_dir():
        directory = directory.parent
    for folder in (directory, *directory.parents):
        if os.path.lexists(folder / ".git"):
            return folder
    return None


def _read_small_text(path: Path) -> str | None:
    """A git control file's text (never through a link; None when missing, not a regular file or too big)."""
    from .safe_read import NotRead, read_bytes

    try:
        return read_bytes(path, CONTROL_FILE_MAX, follow_symlinks=False).decode("utf-8", errors="replace")
    except (NotRead, OSError):
        return None


def _git_common_dir(top: Path) -> Path | None:
    """The repository's git directory (`.git`, or for a worktree or submodule the one its `.git` file names)."""
    dot_git = top / ".git"
    if dot_git.is_dir():
        git_dir = dot_git
    else:
        text = _read_small_text(dot_git) or ""
        if not text.startswith("gitdir:"):
            return None
        git_dir = (top / text[len("gitdir:"):].strip()).resolve()
    common = _read_small_text(git_dir / "commondir")  # a worktree shares info/exclude with its main repository
    return (git_dir / common.strip()).resolve() if common else git_dir


def repository_ignores(directory: Path) -> list[tuple[Path, pathspec.GitIgnoreSpec]]:
    """Ignore rules that govern `directory` from outside it, as git applies them: `.git/info/exclude`, then the
    `.gitignore` of each directory from the top level down to `directory`'s parent. Outside a repository, none."""
    top = find_repository_root(directory)
    if top is None:
        return []
    absolute = Path(os.path.abspath(directory))
    ignores: list[tuple[Path, pathspec.GitIgnoreSpec]] = []
    common = _git_common_dir(top)
    exclude = _read_small_text(common / "info" / "exclude") if common else None
    if exclude:
        ignores.append((top, _spec(exclude.splitlines())[0]))
    for folder in reversed(absolute.parents):
        if folder == top or top in folder.parents:
            spec = _load_gitignore(folder)[0]
            if spec is not None:
                ignores.append((folder, spec))
    return ignores


def _relative_posix(path: Path, base: Path) -> str:
    try:
        return path.relative_to(base).as_posix()
    except ValueError:  # an absolute base (a repository's ignore file above the scanned directory)
        return Path(os.path.abspath(path)).relative_to(base).as_posix()


def _ignored(path: Path, is_dir: bool, ignores: list[tuple[Path, pathspec.GitIgnoreSpec]]) -> bool:
    """Whether any .gitignore on the way down ignores `path` (deeper files win, as in git)."""
    verdict = False
    for base, spec in ignores:
        rel = _relative_posix(path, base) + ("/" if is_dir else "")
        result = spec.check_file(rel)
        if result.include is not None:
            verdict = result.include
    return verdict


@dataclass
class Discovery:
    """What discovery found: the files to scan, diagnostics, and what it left out (reason -> [files, folders])."""

    candidates: list[Candidate]
    diagnostics: list[Diagnostic]
    skipped: dict[str, list[int]]
    walked: list[str] = field(default_factory=list)  # the folders listed (TreeWalker.walked)

    def __iter__(self):  # (candidates, diagnostics) = discover(...), as callers unpacked it before
        return iter((self.candidates, self.diagnostics))


def discover(
    paths: list[Path], root: Path, exclude: list[str] | None = None, force_exclude: bool = False,
    respect_gitignore: bool = True,
) -> Discovery:
    """Every scannable file under `paths`, each file once per kind (by device and inode: a file named twice, or
    also reached through a link, is scanned under one name, its own before a link's; a link that gives the
    file another kind, `config.json -> ds_config.txt`, is read as that kind too), in a stable order."""
    walker = TreeWalker(root, exclude, force_exclude, respect_gitignore)
    by_identity: dict[tuple, Candidate] = {}
    seen: set[str] = set()
    for path in paths:
        for candidate in walker.walk(path):
            if candidate.relpath in seen:
                continue
            seen.add(candidate.relpath)
            identity = (*walker.identity.get(candidate.relpath, (-1, id(candidate))), candidate.kind)
            kept = by_identity.get(identity)
            if kept is None or _preferred(candidate, kept):
                by_identity[identity] = candidate
    found = sorted(by_identity.values(), key=lambda c: c.relpath)
    return Discovery(found, walker.diagnostics, walker.skipped, walker.walked)


def _preferred(candidate: Candidate, kept: Candidate) -> bool:
    """Of two names of one file, the one that is not a link; then the shorter, then the first in order."""
    def rank(c: Candidate) -> tuple:
        return (os.path.islink(c.path), len(c.relpath), c.relpath)

    return rank(candidate) < rank(kept)
