"""Write a file wac-lint produces (a report, a cache file) without following links a repository planted.

A scanned repository is untrusted, and users often write the report inside it (`wac-lint -o report.txt .`).
If the repository ships `report.txt` as a symlink (even a dangling one) to a `.pth` file or a shell start-up
file, a plain `open(path, "w")` writes the report *there*. So every file wac-lint writes goes through
`write_text`, which:

- refuses when the target name is a symbolic link or anything but a regular file (a FIFO, a device,
  a directory), with an `UnsafeTarget` error that names the path;
- writes the text to a fresh temporary file in the target's own directory, created with
  `O_CREAT | O_EXCL | O_NOFOLLOW` (it cannot be a planted name), and then `os.replace`s it onto the target:
  a rename replaces the directory entry itself, so even a link swapped in after the check is replaced,
  never written through, and a reader never sees a half-written file.

Only the last component of the path is guarded: the directories above it are the user's choice (a home directory
or `/tmp` may itself be a link on some systems).
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_CLOEXEC = getattr(os, "O_CLOEXEC", 0)
_BINARY = getattr(os, "O_BINARY", 0)
# dir_fd keeps the check, the create and the rename in one directory. (os.replace takes the dir_fd arguments wherever
# os.rename does; `supports_dir_fd` lists only the latter, and os.lstat is os.stat without following.)
_USE_DIR_FD = all(f in os.supports_dir_fd for f in (os.open, os.rename, os.stat, os.unlink))


class UnsafeTarget(OSError):
    """The target is a symbolic link or not a regular file: wac-lint does not write there."""

    def __init__(self, path: Path, why: str) -> None:
        super().__init__(errno.ELOOP if "link" in why else errno.EINVAL, why, str(path))


def _kind(mode: int) -> str | None:
    """Why a file of this mode must not be written over, or None for a regular file."""
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISLNK(mode):
        return "is a symbolic link; wac-lint does not write through links (remove it or choose another path)"
    if stat.S_ISDIR(mode):
        return "is a directory"
    return "is not a regular file (a FIFO, socket or device); wac-lint writes only regular files"


def write_text(path: Path | str, text: str, *, mode: int = 0o666) -> None:
    """Write `text` (UTF-8) to `path` through a temporary file and a rename; never through a link.

    `mode` is the permission of a new file (the umask applies); an existing regular file keeps its own.
    Raises `UnsafeTarget` (an `OSError`) when the target is a link or not a regular file, `OSError` otherwise.
    """
    write_bytes(path, text.encode("utf-8"), mode=mode)


def write_bytes(path: Path | str, data: bytes, *, mode: int = 0o666) -> None:
    """`write_text` for bytes (a replayed report, a replay record): the same guards."""
    target = Path(path)
    name = _checked_name(target)
    with _Directory(target.parent) as directory:
        try:
            existing = os.lstat(directory.entry(name), **directory.kw)
        except FileNotFoundError:
            existing = None
        if existing is not None:
            why = _kind(existing.st_mode)
            if why:
                raise UnsafeTarget(target, why)
            mode = stat.S_IMODE(existing.st_mode)
        tmp, fd = _create_temporary(directory, name, mode)
        try:
            with os.fdopen(fd, "wb") as handle:
                if existing is not None and hasattr(os, "fchmod"):
                    os.fchmod(handle.fileno(), mode)  # the report replaces a file: keep that file's permissions
                handle.write(data)
            os.replace(directory.entry(tmp), directory.entry(name), **directory.rename_kw)
        except BaseException:
            try:
                os.unlink(directory.entry(tmp), **directory.kw)
            except OSError:
                pass
            raise


def create_new(path: Path | str, text: str, *, mode: int = 0o666) -> bool:
    """Create `path` holding `text` unless an entry of that name exists (of any kind, a link included).

    For marker files written once (the cache directory's `.gitignore`): `O_CREAT | O_EXCL` fails on any existing
    name, a dangling link too, so nothing is written through one. Returns whether the file was created.
    """
    target = Path(path)
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW | _CLOEXEC | _BINARY
    try:
        fd = os.open(target.parent / _checked_name(target), flags, mode)
    except FileExistsError:
        return False
    with os.fdopen(fd, "wb") as handle:
        handle.write(text.encode("utf-8"))
    return True


def _checked_name(target: Path) -> str:
    if not target.name or target.name in (".", ".."):
        raise UnsafeTarget(target, "is a directory")
    return target.name


class _Directory:
    """The target's directory, held open where the platform allows (so the check, the create and the rename all
    happen in the same directory even if a path component is swapped meanwhile)."""

    def __init__(self, path: Path) -> None:
        self.path = str(path)
        self.fd: int | None = None

    def __enter__(self) -> "_Directory":
        if _USE_DIR_FD:
            self.fd = os.open(self.path, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | _CLOEXEC)
        return self

    def __exit__(self, *exc) -> None:
        if self.fd is not None:
            os.close(self.fd)

    @property
    def kw(self) -> dict:
        return {"dir_fd": self.fd} if self.fd is not None else {}

    @property
    def rename_kw(self) -> dict:
        return {"src_dir_fd": self.fd, "dst_dir_fd": self.fd} if self.fd is not None else {}

    def entry(self, name: str) -> str:
        return name if self.fd is not None else os.path.join(self.path, name)


def _create_temporary(directory: _Directory, name: str, mode: int) -> tuple[str, int]:
    """A new file next to the target, opened for writing; its name is random and created exclusively."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW | _CLOEXEC | _BINARY
    for _ in range(100):
        tmp = f".{name[:64]}.{os.urandom(6).hex()}.tmp"
        try:
            return tmp, os.open(directory.entry(tmp), flags, mode, **directory.kw)
        except FileExistsError:
            continue
    raise FileExistsError(errno.EEXIST, "could not create a temporary file next to", name)


__all__ = ["UnsafeTarget", "create_new", "write_bytes", "write_text"]
