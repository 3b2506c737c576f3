"""Export one commit of a bare git mirror as a plain directory tree, without running any of its code.

    python benchmarks/corpus_export.py GIT_DIR COMMIT DEST [--manifest FILE]
    python benchmarks/corpus_export.py --labels LABELS.json --mirrors DIR --out DIR [--only owner/name ...]

The first form writes the tree of COMMIT under DEST. The second exports every repository of a labels file
(`repo`, `eval_commit`; see ../shared/dev-corpus/README.md) from `<mirrors>/<owner>+<name>/repo` to
`<out>/<owner>+<name>/`, smallest mirror first, and appends each finished name to `<out>/READY`.

Why not `git archive` or a checkout: a mirror (snapshot) may lack its largest blobs, and either command fails on the
first missing one. This script lists the tree (`git ls-tree -r`) and writes its blobs one by one:
- a missing blob is skipped and listed in the manifest;
- a submodule (gitlink) is skipped: its commit is in another repository;
- a symlink is recreated as a symlink only if it resolves inside the exported tree, else skipped;
- a path that is absolute or has a `..` or `.git` component is skipped (git's fsck rejects them; a hostile tree
  may still hold them).
Files are written read-only (the corpus is reference material, not a work area). Nothing is executed: git only
reads objects. The tree is written to `DEST.partial` and renamed when complete, so DEST is whole or absent.
A commit missing from the mirror is an error (exit 2): the export never substitutes another commit.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
from dataclasses import asdict, dataclass, field
from pathlib import Path, PurePosixPath

GITLINK = "160000"
SYMLINK = "120000"
EXECUTABLE = "100755"


class MissingCommit(Exception):
    """The commit asked for is not in the mirror."""


@dataclass
class Manifest:
    git_dir: str
    commit: str
    dest: str
    files: int = 0
    bytes: int = 0
    symlinks: int = 0
    missing_blobs: list[str] = field(default_factory=list)
    submodules: list[str] = field(default_factory=list)
    skipped_symlinks: list[str] = field(default_factory=list)
    unsafe_paths: list[str] = field(default_factory=list)


def _git(git_dir: Path, *args: str, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(["git", f"--git-dir={git_dir}", *args], check=False, **kwargs)


def _tree_entries(git_dir: Path, commit: str) -> list[tuple[str, str, str, str]]:
    """(mode, type, sha, path) of every entry of the commit's tree, recursively."""
    if _git(git_dir, "cat-file", "-e", f"{commit}^{{commit}}", capture_output=True).returncode != 0:
        raise MissingCommit(f"commit {commit} is not in {git_dir}")
    listing = _git(git_dir, "ls-tree", "-r", "-z", "--full-tree", commit, capture_output=True)
    if listing.returncode != 0:
        raise MissingCommit(f"cannot list the tree of {commit}: {listing.stderr.decode(errors='replace')}")
    entries = []
    for record in listing.stdout.split(b"\0"):
        if not record:
            continue
        meta, _, raw_path = record.partition(b"\t")
        mode, kind, sha = meta.decode().split()
        entries.append((mode, kind, sha, os.fsdecode(raw_path)))
    return entries


def _safe_relative(path: str) -> bool:
    parts = PurePosixPath(path).parts
    return bool(parts) and not path.startswith("/") and not any(p in ("..", ".git", "") for p in parts)


def _read_blobs(git_dir: Path, shas: list[str]):
    """Yield (sha, bytes or None when missing) in order, through one `git cat-file --batch` process."""
    proc = subprocess.Popen(
        ["git", f"--git-dir={git_dir}", "cat-file", "--batch"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
    )
    assert proc.stdin and proc.stdout
    try:
        for sha in shas:
            proc.stdin.write(f"{sha}\n".encode())
            proc.stdin.flush()
            header = proc.stdout.readline().decode().split()
            if len(header) < 3 or header[1] == "missing":
                yield sha, None
                continue
            size = int(header[2])
            data = proc.stdout.read(size)
            proc.stdout.read(1)  # the newline after each object
            yield sha, data
    finally:
        proc.stdin.close()
        proc.wait()


def _inside(root: Path, target: Path) -> bool:
    try:
        target.relative_to(root)
    except ValueError:
        return False
    return True


def export(git_dir: Path, commit: str, dest: Path) -> Manifest:
    entries = _tree_entries(git_dir, commit)
    manifest = Manifest(str(git_dir), commit, str(dest))
    partial = dest.with_name(dest.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir(parents=True)

    blobs, links = [], []
    for mode, kind, sha, path in entries:
        if mode == GITLINK or kind == "commit":
            manifest.submodules.append(path)
        elif not _safe_relative(path):
            manifest.unsafe_paths.append(path)
        elif mode == SYMLINK:
            links.append((sha, path))
        else:
            blobs.append((mode, sha, path))

    # Regular files first: no symlink exists yet that a parent directory could resolve through.
    for (mode, _sha, path), (_, data) in zip(blobs, _read_blobs(git_dir, [b[1] for b in blobs])):
        if data is None:
            manifest.missing_blobs.append(path)
            continue
        target = partial / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        target.chmod(0o555 if mode == EXECUTABLE else 0o444)
        manifest.files += 1
        manifest.bytes += len(data)

    root = partial.resolve()
    for (_sha, path), (_, data) in zip(links, _read_blobs(git_dir, [link[0] for link in links])):
        if data is None:
            manifest.missing_blobs.append(path)
            continue
        link = partial / path
        link_target = os.fsdecode(data)
        if os.path.isabs(link_target) or not _inside(root, (root / path).parent.joinpath(link_target).resolve()):
            manifest.skipped_symlinks.append(path)
            continue
        link.parent.mkdir(parents=True, exist_ok=True)
        link.symlink_to(link_target)
        manifest.symlinks += 1
    # A link can pass the check above and still leave the tree through another link created after it.
    for _sha, path in links:
        link = partial / path
        if link.is_symlink() and not _inside(root, link.resolve()):
            link.unlink()
            manifest.symlinks -= 1
            manifest.skipped_symlinks.append(path)

    if dest.exists():
        shutil.rmtree(dest)
    partial.rename(dest)
    return manifest


def _export_all(labels: Path, mirrors: Path, out: Path, only: set[str]) -> int:
    repos = [r for r in json.loads(labels.read_text()) if not only or r["repo"] in only]
    out.mkdir(parents=True, exist_ok=True)
    manifests = out / ".manifests"
    manifests.mkdir(exist_ok=True)

    def mirror(repo: str) -> Path:
        return mirrors / repo.replace("/", "+") / "repo"

    def size(repo: str) -> int:
        return sum(f.stat().st_size for f in mirror(repo).rglob("*") if f.is_file()) if mirror(repo).is_dir() else 0

    failures = 0
    for label in sorted(repos, key=lambda r: size(r["repo"])):
        name = label["repo"].replace("/", "+")
        record = manifests / f"{name}.json"
        if not mirror(label["repo"]).is_dir():
            record.write_text(json.dumps({"repo": label["repo"], "error": "no mirror"}, indent=2))
            print(f"{label['repo']}: no mirror at {mirror(label['repo'])}", file=sys.stderr)
            failures += 1
            continue
        try:
            manifest = export(mirror(label["repo"]), label["eval_commit"], out / name)
        except MissingCommit as exc:
            record.write_text(json.dumps({"repo": label["repo"], "error": str(exc)}, indent=2))
            print(f"{label['repo']}: {exc}", file=sys.stderr)
            failures += 1
            continue
        record.write_text(json.dumps({"repo": label["repo"], **asdict(manifest)}, indent=2))
        ready = out / "READY"
        if name not in (ready.read_text().split() if ready.exists() else []):
            with open(ready, "a", encoding="utf-8") as handle:
                handle.write(name + "\n")
        print(
            f"{label['repo']}: {manifest.files} files, {len(manifest.missing_blobs)} missing blobs, "
            f"{len(manifest.submodules)} submodules, {len(manifest.skipped_symlinks)} skipped symlinks"
        )
    return 1 if failures else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("git_dir", nargs="?", type=Path)
    parser.add_argument("commit", nargs="?")
    parser.add_argument("dest", nargs="?", type=Path)
    parser.add_argument("--manifest", type=Path, help="write the export's manifest (JSON) here")
    parser.add_argument("--labels", type=Path, help="export every repository of this labels file")
    parser.add_argument("--mirrors", type=Path, help="with --labels: directory of <owner>+<name>/repo mirrors")
    parser.add_argument("--out", type=Path, help="with --labels: directory to export into")
    parser.add_argument("--only", action="append", default=[], help="with --labels: only this owner/name")
    args = parser.parse_args(argv)

    if args.labels:
        if not (args.mirrors and args.out):
            parser.error("--labels needs --mirrors and --out")
        return _export_all(args.labels, args.mirrors, args.out, set(args.only))
    if not (args.git_dir and args.commit and args.dest):
        parser.error("give GIT_DIR COMMIT DEST, or --labels")
    try:
        manifest = export(args.git_dir, args.commit, args.dest)
    except MissingCommit as exc:
        print(exc, file=sys.stderr)
        return 2
    text = json.dumps(asdict(manifest), indent=2)
    if args.manifest:
        args.manifest.write_text(text)
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
