"""Paths as printed (relative to the current directory) and SARIF locations (issue 14)."""

from __future__ import annotations

from pathlib import Path

import pytest

from whackachip_lint.report.locations import SarifLocator, sarif_base, shown_path, shown_root


@pytest.mark.parametrize("root, cwd, expected", [
    ("repo/sub", "/work", "repo/sub"),
    ("/work/repo/sub", "/work", "repo/sub"),
    ("/elsewhere/repo", "/work", "/elsewhere/repo"),
    (".", "/work", "."),
    ("/work", "/work", "."),
    ("../sibling", "/work/here", "/work/sibling"),
])
def test_shown_root(root, cwd, expected):
    assert shown_root(Path(root), cwd) == expected


@pytest.mark.parametrize("relpath, root, expected", [
    ("train/train.py", "repo/sub", "repo/sub/train/train.py"),
    ("train.py", ".", "train.py"),
    ("/work/repo/a.py", ".", "repo/a.py"),
    ("/other/a.py", ".", "/other/a.py"),
    ("<plugins>", "repo", "<plugins>"),  # names no file
])
def test_shown_path(relpath, root, expected):
    assert shown_path(relpath, root, "/work") == expected


def test_sarif_base_is_the_git_top_level_else_the_common_directory(tmp_path):
    (tmp_path / "repo" / ".git").mkdir(parents=True)
    (tmp_path / "repo" / "a" / "b").mkdir(parents=True)
    (tmp_path / "plain" / "x").mkdir(parents=True)
    assert sarif_base([Path("repo/a/b")], str(tmp_path)) == tmp_path / "repo"
    assert sarif_base([Path("plain/x"), Path("plain")], str(tmp_path)) == tmp_path / "plain"
    locator = SarifLocator(tmp_path / "repo", str(tmp_path))
    assert locator.relative("repo/a/b/c.py") == "a/b/c.py" and locator.relative("plain/x/y.py") is None
    assert locator.base_uri() == (tmp_path / "repo").as_uri() + "/"
