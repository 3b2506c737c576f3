"""Read a file of the scanned tree with guards: a regular file, at most a given size, never a hang.

Every file wac-lint reads from a repository goes through `read_bytes`: the sources it scans and the files that
steer discovery (`.gitignore`, `.gitmodules`). A repository can ship any of those as a named pipe (reading it
would block forever), as a link to `/dev/zero` (gigabytes, then MemoryError) or to a file outside the tree.
So the file is opened without blocking and, for the control files, without following a link (git itself does
not follow a symlinked `.gitignore`); anything but a regular file is refused by `fstat` on the open descriptor
(what was checked is what is read), and no more than `limit` bytes are ever read.
"""

from __future__ import annotations

import errno
import os
import stat


class NotRead(Exception):
    """Why a file was not read, worded for a diagnostic ("not a regular file; not read")."""


class TooBig(NotRead):
    def __init__(self, size: int, limit: int) -> None:
        super().__init__(f"file is {size:,} bytes, over the {limit:,}-byte limit; not read")
        self.size = size
        self.limit = limit


_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0) | getattr(os, "O_CLOEXEC", 0)
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
# Bytes read at most of a file that steers the scan (.gitignore, .gitmodules, the repository's configuration).
CONTROL_FILE_MAX = 1024 * 1024


def read_bytes(path, limit: int, *, follow_symlinks: bool = True, within: str | None = None) -> bytes:
    """At most `limit` bytes of the regular file at `path`; raises NotRead (TooBig for size) otherwise.

    `within`: the real path of the scanned root, which the file opened must lie in (see _outside)."""

    def whole(size: int) -> int:
        if size > limit:
            raise TooBig(size, limit)
        return size + 1  # never `limit`: a huge limit must not preallocate it

    data, size = _read_regular(path, follow_symlinks, whole, within)
    if len(data) > size:  # it grew after the size check: read the rest, up to the limit
        data += _read_up_to(path, len(data), limit, follow_symlinks, within)
    if len(data) > limit:
        raise TooBig(len(data), limit)
    return data


def read_head(path, limit: int, *, within: str | None = None) -> tuple[bytes, int]:
    """The first `limit` bytes of the regular file at `path` (all of it when smaller), and the file's size.

    The same guards as `read_bytes`; for files read only in part (a committed training log of gigabytes).
    """
    data, size = _read_regular(path, True, lambda size: min(size, limit) + 1, within)
    return data[:limit], max(size, len(data))


def _read_regular(path, follow_symlinks: bool, amount, within: str | None = None) -> tuple[bytes, int]:
    """`amount(size)` bytes of the regular file at `path` (at most; `amount` may refuse with NotRead), and its size.

    O_NONBLOCK: a file swapped for a named pipe since it was listed must not hang the scan (the fstat below
    then refuses it); it changes nothing for regular files.
    """
    try:
        fd = os.open(path, _FLAGS | (0 if follow_symlinks else _NOFOLLOW))
    except OSError as exc:
        if exc.errno == errno.ELOOP and not follow_symlinks:
            raise NotRead("a symbolic link; not read (git does not follow it either)") from None
        raise NotRead(f"cannot read: {exc.strerror or exc}") from None
    try:
        with os.fdopen(fd, "rb") as handle:
            st = os.fstat(handle.fileno())
            if not stat.S_ISREG(st.st_mode):
                raise NotRead("not a regular file; not read")
            if _outside(handle.fileno(), within):
                raise NotRead("now outside the scanned root (a link, or a folder on its way swapped for one, since "
                              "it was listed); not read")
            return handle.read(amount(st.st_size)), st.st_size
    except OSError as exc:
        raise NotRead(f"cannot read: {exc.strerror or exc}") from None


def _read_up_to(path, offset: int, limit: int, follow_symlinks: bool, within: str | None) -> bytes:
    """What a growing file holds past `offset`, at most `limit - offset + 1` bytes (read in small pieces)."""
    chunks, total = [], offset
    try:
        fd = os.open(path, _FLAGS | (0 if follow_symlinks else _NOFOLLOW))
    except OSError:
        return b""
    with os.fdopen(fd, "rb") as handle:
        if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode) or _outside(handle.fileno(), within):
            return b""
        handle.seek(offset)
        while total <= limit:
            chunk = handle.read(min(1 << 20, limit + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
    return b"".join(chunks)


def _outside(fd: int, root: str | None) -> bool:
    """Whether the file open at `fd` lies outside `root` (a real path). Discovery never follows a link out of the
    tree, but a file (or a folder above it) swapped for one after it was listed is opened through it: the path
    the kernel gives for the descriptor says where the file really is, whichever component was swapped. Without
    /proc (not Linux), no check."""
    if root is None:
        return False
    try:
        real = os.readlink(f"/proc/self/fd/{fd}")
    except OSError:
        return False
    return not lies_within(real, root)


def lies_within(real: str, root: str) -> bool:
    """Whether the real path `real` is `root` (a real path) or below it."""
    return real == root or real.startswith(root.rstrip(os.sep) + os.sep)


__all__ = ["CONTROL_FILE_MAX", "NotRead", "TooBig", "lies_within", "read_bytes", "read_head"]
