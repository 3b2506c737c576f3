"""Discovery: classification, .gitignore, skipped folders, symlinks."""

from __future__ import annotations

import os
from pathlib import Path

from whackachip_lint.discover import classify, discover


def _write(root: Path, rel: str, text: str = "x = 1\n") -> Path:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def test_classify_by_suffix_and_shebang(tmp_path):
    assert classify(_write(tmp_path, "a.py")) == "python"
    assert classify(_write(tmp_path, "a.pyi")) == "python"
    assert classify(_write(tmp_path, "run.sh")) == "shell"
    assert classify(_write(tmp_path, "run.bash")) == "shell"
    assert classify(_write(tmp_path, "ds.json", "{}")) == "json"
    assert classify(_write(tmp_path, "launch", "#!/bin/bash\necho hi\n")) == "shell"
    assert classify(_write(tmp_path, "launch2", "#!/usr/bin/env bash\necho hi\n")) == "shell"
    assert classify(_write(tmp_path, "tool", "#!/usr/bin/env python3\nprint()\n")) == "python"
    assert classify(_write(tmp_path, "notes", "plain text\n")) is None


def test_gitignore_and_skipped_dirs(tmp_path):
    _write(tmp_path, ".gitignore", "build/\n*.gen.py\n!keep.gen.py\n")
    _write(tmp_path, "train.py")
    _write(tmp_path, "build/out.py")
    _write(tmp_path, "x.gen.py")
    _write(tmp_path, "keep.gen.py")
    _write(tmp_path, "sub/.gitignore", "local.sh\n")
    _write(tmp_path, "sub/local.sh")
    _write(tmp_path, "sub/run.sh")
    _write(tmp_path, "node_modules/pkg/index.py")
    _write(tmp_path, "__pycache__/m.py")
    _write(tmp_path, ".git/hooks/pre-commit.sh")
    _write(tmp_path, "env/pyvenv.cfg", "home = /usr\n")
    _write(tmp_path, "env/lib/site.py")
    found, diagnostics = discover([tmp_path], tmp_path)
    assert [c.relpath for c in found] == ["keep.gen.py", "sub/run.sh", "train.py"]
    assert diagnostics == []


def test_symlinks_stay_inside_the_root(tmp_path):
    root = tmp_path / "repo"
    outside = tmp_path / "outside"
    _write(outside, "secret.py")
    _write(root, "a.py")
    os.symlink(outside, root / "escape")
    os.symlink(root / "missing.py", root / "broken.py")
    os.symlink(root, root / "loop")
    found, diagnostics = discover([root], root)
    assert [c.relpath for c in found] == ["a.py"]
    messages = {d.path: d.message for d in diagnostics}
    assert "outside the scanned root" in messages["escape"]
    assert "broken symbolic link" in messages["broken.py"]
    assert "loop" in messages["loop"]


def test_explicit_files_and_missing_paths(tmp_path):
    a = _write(tmp_path, "a.py")
    found, diagnostics = discover([a, a, tmp_path / "nope.py"], tmp_path)
    assert [c.relpath for c in found] == ["a.py"]
    assert [(d.path, d.message) for d in diagnostics] == [("nope.py", "no such file or directory")]


# --- ignore rules from above the scanned directory (issue 14) -----------------------------------------------------

def _repo_with_parent_ignores(tmp_path: Path, git_dir: Path) -> Path:
    _write(tmp_path, ".gitignore", "by_parent.py\n")
    _write(git_dir, "info/exclude", "# comment\nby_exclude.py\n")
    for name in ("keep.py", "by_parent.py", "by_exclude.py"):
        _write(tmp_path, f"sub/{name}")
    return tmp_path / "sub"


def test_parent_gitignore_and_info_exclude_apply_inside_a_repository(tmp_path):
    sub = _repo_with_parent_ignores(tmp_path, tmp_path / ".git")
    found, _ = discover([sub], sub)
    assert [c.relpath for c in found] == ["keep.py"]


def test_a_worktree_reads_info_exclude_from_its_common_directory(tmp_path):
    main_git = tmp_path / "main" / ".git"
    worktree_git = main_git / "worktrees" / "wt"
    _write(worktree_git, "commondir", "../..\n")
    checkout = tmp_path / "wt"
    _write(checkout, ".git", f"gitdir: {worktree_git}\n")
    sub = _repo_with_parent_ignores(checkout, main_git)
    found, _ = discover([sub], sub)
    assert [c.relpath for c in found] == ["keep.py"]


def test_parent_ignores_do_not_apply_outside_a_repository(tmp_path):
    sub = _repo_with_parent_ignores(tmp_path, tmp_path / "not-git")
    found, _ = discover([sub], sub)
    assert [c.relpath for c in found] == ["by_exclude.py", "by_parent.py", "keep.py"]


def test_parent_ignores_apply_with_a_relative_path(tmp_path, monkeypatch):
    _repo_with_parent_ignores(tmp_path, tmp_path / ".git")
    monkeypatch.chdir(tmp_path)
    found, _ = discover([Path("sub")], Path("sub"))
    assert [c.relpath for c in found] == ["keep.py"]
