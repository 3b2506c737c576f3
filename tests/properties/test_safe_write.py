"""Nothing wac-lint writes goes through a link a scanned repository planted (issue 19, critical).

Each test builds the hostile checkout itself: the repository commits `report.txt` (the name a user passes to `-o`)
as a symlink, dangling to a `.pth` file in a site-packages-like directory outside the tree, or pointing at an
existing file (a shell start-up file). The report must not land there, the link must stay as it was, and the
user is told why (exit 2, the path named).
"""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

from whackachip_lint.cache import ResultCache, _mark_cache_dir
from whackachip_lint.config import Settings
from whackachip_lint.safe_write import UnsafeTarget, create_new, write_text

FORMATS = ("text", "json", "sarif")


def hostile_checkout(tmp_path: Path) -> tuple[Path, Path, Path]:
    """A repository with evidence and two planted links; returns (repo, outside dir, the existing victim file)."""
    repo, outside = tmp_path / "repo", tmp_path / "outside"
    repo.mkdir()
    (outside / "site-packages").mkdir(parents=True)
    (repo / "train.py").write_text("import torch\nx = torch.zeros(2, dtype=torch.bfloat16)\n")
    victim = outside / ".bashrc"
    victim.write_text("# the user's shell start-up file\n")
    (repo / "report.txt").symlink_to(outside / "site-packages" / "zz_report.pth")  # dangling
    (repo / "report.sarif").symlink_to(victim)
    return repo, outside, victim


@pytest.mark.parametrize("fmt", FORMATS)
def test_output_refuses_a_dangling_link_to_a_pth_file(cli, tmp_path, fmt):
    repo, outside, _ = hostile_checkout(tmp_path)
    result = cli("--format", fmt, "-o", str(repo / "report.txt"), str(repo))
    assert result.exit_code == 2, result.output
    assert f"cannot write --output {repo / 'report.txt'}" in result.output
    assert "symbolic link" in result.output
    assert not (outside / "site-packages" / "zz_report.pth").exists()
    assert os.readlink(repo / "report.txt") == str(outside / "site-packages" / "zz_report.pth")


@pytest.mark.parametrize("fmt", FORMATS)
def test_output_refuses_a_link_to_an_existing_file(cli, tmp_path, fmt):
    repo, _, victim = hostile_checkout(tmp_path)
    result = cli("--format", fmt, "-o", str(repo / "report.sarif"), str(repo))
    assert result.exit_code == 2, result.output
    assert "symbolic link" in result.output
    assert victim.read_text() == "# the user's shell start-up file\n"
    assert (repo / "report.sarif").is_symlink()


@pytest.mark.parametrize("fmt", FORMATS)
def test_output_to_a_plain_path_inside_the_tree_still_works(cli, tmp_path, fmt):
    repo, _, _ = hostile_checkout(tmp_path)
    out = repo / f"wac-report.{fmt}"
    result = cli("--format", fmt, "-o", str(out), str(repo))
    assert result.exit_code == 0, result.output  # bf16 evidence is a note
    text = out.read_text()
    assert "train.py" in text
    if fmt != "text":
        json.loads(text)
    assert not [p.name for p in repo.iterdir() if p.name.endswith(".tmp")]  # no temporary file left behind


def test_output_refuses_a_fifo_without_hanging(cli, tmp_path):
    (tmp_path / "a.py").write_text("x = 1\n")
    fifo = tmp_path / "report.txt"
    os.mkfifo(fifo)
    result = cli("-o", str(fifo), str(tmp_path))
    assert result.exit_code == 2
    assert "not a regular file" in result.output and str(fifo) in result.output


def test_write_text_replaces_a_regular_file_keeping_its_mode(tmp_path):
    target = tmp_path / "report.txt"
    target.write_text("old\n")
    target.chmod(0o640)
    write_text(target, "new\n")
    assert target.read_text() == "new\n"
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.txt"]


def test_write_text_refuses_a_directory_and_a_link_to_a_directory(tmp_path):
    (tmp_path / "d").mkdir()
    (tmp_path / "link").symlink_to(tmp_path / "d")
    with pytest.raises(UnsafeTarget, match="is a directory"):
        write_text(tmp_path / "d", "x")
    with pytest.raises(UnsafeTarget, match="symbolic link"):
        write_text(tmp_path / "link", "x")
    assert list((tmp_path / "d").iterdir()) == []


def test_a_link_swapped_in_after_the_check_is_replaced_not_written_through(tmp_path, monkeypatch):
    """The race: the name becomes a link between the check and the rename; the rename replaces the link itself."""
    from whackachip_lint import safe_write

    target, victim = tmp_path / "report.txt", tmp_path / "victim"
    victim.write_text("keep\n")
    real_create = safe_write._create_temporary

    def create_then_plant(*args):
        made = real_create(*args)
        target.symlink_to(victim)
        return made

    monkeypatch.setattr(safe_write, "_create_temporary", create_then_plant)
    write_text(target, "report\n")
    assert victim.read_text() == "keep\n"
    assert not target.is_symlink() and target.read_text() == "report\n"


def test_create_new_never_writes_through_a_link(tmp_path):
    victim = tmp_path / "victim"
    victim.write_text("keep\n")
    (tmp_path / "a").symlink_to(victim)
    (tmp_path / "b").symlink_to(tmp_path / "nowhere")
    assert create_new(tmp_path / "a", "x") is False
    assert create_new(tmp_path / "b", "x") is False
    assert victim.read_text() == "keep\n" and not (tmp_path / "nowhere").exists()
    assert create_new(tmp_path / "c", "made\n") is True and (tmp_path / "c").read_text() == "made\n"


def test_cache_marker_files_are_not_written_through_planted_links(tmp_path):
    cache_dir, outside = tmp_path / "cache", tmp_path / "outside"
    cache_dir.mkdir()
    outside.mkdir()
    victim = outside / "profile"
    victim.write_text("keep\n")
    (cache_dir / ".gitignore").symlink_to(outside / "zz.pth")
    (cache_dir / "CACHEDIR.TAG").symlink_to(victim)
    _mark_cache_dir(cache_dir)
    assert not (outside / "zz.pth").exists()
    assert victim.read_text() == "keep\n"
    assert (cache_dir / ".gitignore").is_symlink() and (cache_dir / "CACHEDIR.TAG").is_symlink()


def test_cache_file_planted_as_a_link_is_not_written_through(tmp_path):
    """Saving is refused (the next run only costs time); the file the link points at is untouched."""
    repo, cache_dir, outside = tmp_path / "repo", tmp_path / "cache", tmp_path / "outside"
    repo.mkdir()
    outside.mkdir()
    (repo / "train.py").write_text("import torch\n")
    settings = Settings(cache_dir=str(cache_dir))
    cache = ResultCache.open(repo, settings)
    cache.path.parent.mkdir(parents=True)
    victim = outside / "victim"
    victim.write_text("keep\n")
    cache.path.symlink_to(victim)
    cache.new["train.py"] = [1, 1, 1, "d", {"findings": [], "diagnostics": [], "unused_directives": []}, -1, -1]
    cache.save()
    assert victim.read_text() == "keep\n"
    assert cache.path.is_symlink()
    cache.path.unlink()
    cache.new["train.py"] = cache.entries["train.py"]
    cache.save()  # without the link, the same save writes the cache file
    assert json.loads(cache.path.read_text().split("\n", 1)[0])["key"] == cache.key


def test_a_scan_with_the_cache_writes_its_markers_as_regular_files(cli, tmp_path, monkeypatch):
    cache_dir = tmp_path / "cache"
    monkeypatch.setenv("WAC_LINT_CACHE_DIR", str(cache_dir))
    (tmp_path / "repo").mkdir()
    (tmp_path / "repo" / "train.py").write_text("import torch\nx = torch.zeros(2, dtype=torch.bfloat16)\n")
    assert cli(str(tmp_path / "repo")).exit_code == 0
    for name in (".gitignore", "CACHEDIR.TAG"):
        assert stat.S_ISREG(os.lstat(cache_dir / name).st_mode)
