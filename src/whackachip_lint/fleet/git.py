"""Reading a git repository without running anything of it: commits, trees and blobs straight from the objects.

The repositories are untrusted. Nothing here checks out a work tree, so no filter, hook or attribute of the
repository runs; every git call also gets an environment and `-c` options that switch off what a repository's own
configuration could start (hooks, fsmonitor, pagers, credential helpers, external diff and text conversion), and
refuses transports that run commands (`ext::`). Names that reach git's command line (branches, revisions, URLs)
are checked first so that none can be read as an option (`--upload-pack=...`).
"""

from __future__ import annotations

import os
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from ..discover import printable_path

# Options that neutralise repository configuration a scan could otherwise trigger.
SAFE_OPTIONS = (
    "-c", "core.hooksPath=/dev/null",
    "-c", "core.fsmonitor=false",
    "-c", "core.pager=cat",
    "-c", "credential.helper=",
    "-c", "diff.external=",
    "-c", "protocol.ext.allow=never",
    "-c", "protocol.file.allow=always",
    "-c", "safe.directory=*",
)
ALLOWED_PROTOCOLS = "https:http:ssh:git:file"
URL_SCHEMES = ("https", "http", "ssh", "git", "file")
_REV = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._/@{}~^:-]*$")
MAX_TREE_ENTRIES = 200_000  # a commit with more files is refused (bounded time), with a diagnostic
MAX_BLOB_BYTES = 10 * 1024 * 1024


class GitError(Exception):
    """A git call failed or was refused; the message is safe to print (no credentials)."""


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update(
        GIT_CONFIG_NOSYSTEM="1",
        GIT_CONFIG_GLOBAL=os.devnull,
        GIT_TERMINAL_PROMPT="0",
        GIT_ALLOW_PROTOCOL=ALLOWED_PROTOCOLS,
        GIT_ASKPASS="/bin/false",
        SSH_ASKPASS="/bin/false",
        LC_ALL="C",
    )
    return env


def git(*args: str, repo: Path | None = None, input: bytes | None = None, timeout: float = 600) -> bytes:
    """Run git with the safe options; `repo` is a git directory (bare) or a work tree."""
    command = ["git", *SAFE_OPTIONS]
    if repo is not None:
        command += ["-C", str(repo)]
    command += list(args)
    try:
        done = subprocess.run(command, input=input, capture_output=True, env=_env(), timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        raise GitError(f"git {args[0]} took over {timeout:g} s") from None
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise GitError(f"git {args[0]} failed: {redact(message[-1] if message else 'no message')}")
    return done.stdout


def check_revision(rev: str) -> str:
    """A branch or revision name that git cannot read as an option or a path trick."""
    if not _REV.match(rev) or ".." in rev.replace("...", ""):
        raise GitError(f"not a plain revision name: {rev!r}")
    return rev


def check_url(url: str) -> str:
    """A repository URL or path that cannot smuggle options or command-running transports."""
    if url.startswith("-"):
        raise GitError("a repository URL may not start with '-'")
    if "::" in url.split("/", 1)[0]:
        raise GitError("transport helpers (such as ext::) are refused")
    parts = urlsplit(url)
    if parts.scheme and len(parts.scheme) > 1 and parts.scheme not in URL_SCHEMES:
        raise GitError(f"unsupported URL scheme {parts.scheme!r} (allowed: {', '.join(URL_SCHEMES)})")
    return url


def redact(text: str) -> str:
    """`text` with any user:password@ of a URL removed (credentials are never stored or printed)."""
    return re.sub(r"(\b[a-z][a-z0-9+.-]*://)[^/@\s]+@", r"\1", text)


def public_url(url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme and parts.netloc and "@" in parts.netloc:
        parts = parts._replace(netloc=parts.netloc.rsplit("@", 1)[1])
        return urlunsplit(parts)
    return url


@dataclass(frozen=True)
class Commit:
    sha: str
    date: str  # committer date, ISO 8601
    author_date: str
    subject: str


def commits(repo: Path, branch: str, since: str | None = None, first_parent: bool = True) -> list[Commit]:
    """Commits of `branch`, oldest first; `since` is a date (`2024-01-01`) or a revision whose descendants count."""
    args = ["log", "--format=%H%x00%cI%x00%aI%x00%s%x00", "--reverse"]
    if first_parent:
        args.append("--first-parent")
    revision = check_revision(branch)
    if since:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}(?:[T ][\d:]+)?", since):
            args.append(f"--since={since}")
        else:
            revision = f"{check_revision(since)}..{revision}"
    out = git(*args, revision, "--", repo=repo).decode("utf-8", "replace")
    fields = out.split("\x00")
    found = []
    for i in range(0, len(fields) - 3, 4):
        sha, date, author_date, subject = (f.strip("\n") for f in fields[i:i + 4])
        found.append(Commit(sha.strip(), date, author_date, subject))
    return found


@dataclass(frozen=True)
class TreeEntry:
    path: str
    blob: str
    mode: str


def tree(repo: Path, commit: str) -> list[TreeEntry]:
    """Regular files of a commit (links and submodules are not followed: they are not the repository's text)."""
    out = git("ls-tree", "-r", "-z", "--full-tree", check_revision(commit), repo=repo)
    entries = []
    for record in out.split(b"\x00"):
        if not record:
            continue
        meta, _, path = record.partition(b"\t")
        mode, kind, blob = meta.decode().split()
        if kind != "blob" or mode not in ("100644", "100755"):
            continue
        # Reported as a scan of the work tree would name it (discover.printable_path): a name that is not UTF-8
        # (which the store could not even save) or that holds a control character is escaped, unambiguously.
        entries.append(TreeEntry(printable_path(path.decode("utf-8", "surrogateescape")), blob, mode))
        if len(entries) > MAX_TREE_ENTRIES:
            raise GitError(f"commit {commit[:12]} holds over {MAX_TREE_ENTRIES:,} files; not scanned")
    return entries


class BlobReader:
    """One `git cat-file --batch` process for many blobs (no filters, no checkout)."""

    def __init__(self, repo: Path) -> None:
        self._process = subprocess.Popen(
            ["git", *SAFE_OPTIONS, "-C", str(repo), "cat-file", "--batch"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=_env(),
        )

    def read(self, blob: str, limit: int = MAX_BLOB_BYTES) -> bytes | None:
        """The blob's bytes, or None when it is missing or larger than `limit` (read past, never held)."""
        assert self._process.stdin is not None and self._process.stdout is not None
        if not re.fullmatch(r"[0-9a-f]{40,64}", blob):
            raise GitError(f"not an object id: {blob!r}")
        self._process.stdin.write(blob.encode() + b"\n")
        self._process.stdin.flush()
        header = self._process.stdout.readline().split()
        if len(header) != 3:
            return None  # "<sha> missing"
        size = int(header[2])
        if size > limit:
            remaining = size + 1
            while remaining:
                remaining -= len(self._process.stdout.read(min(remaining, 1 << 20)))
            return None
        data = self._process.stdout.read(size)
        self._process.stdout.read(1)  # the newline after the content
        return data

    def close(self) -> None:
        if self._process.stdin:
            self._process.stdin.close()
        self._process.wait(timeout=30)

    def __enter__(self) -> "BlobReader":
        return self

    def __exit__(self, *_exc) -> None:
        self.close()


def mirror(url: str, destination: Path) -> None:
    """A bare mirror of `url` at `destination`, created or updated with `git fetch` (no hooks, no checkout)."""
    check_url(url)
    if (destination / "HEAD").exists():
        mirror_update(destination)
        return
    destination.parent.mkdir(parents=True, exist_ok=True)
    git("clone", "--mirror", "--no-hardlinks", "--", url, str(destination))


def mirror_update(destination: Path) -> None:
    """Fetch new commits into an existing bare mirror."""
    git("fetch", "--prune", "--no-tags", "origin", "+refs/heads/*:refs/heads/*", repo=destination)


def default_branch(repo: Path) -> str:
    out = git("symbolic-ref", "--short", "HEAD", repo=repo).decode().strip()
    return check_revision(out)
