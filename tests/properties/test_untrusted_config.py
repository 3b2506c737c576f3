"""A repository's configuration and the result cache are untrusted input (issue 19, medium), and discovery says
what it leaves out. Each hostile repository is built here."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import pytest

from whackachip_lint import cache as cache_module
from whackachip_lint.cache import ResultCache, code_fingerprint
from whackachip_lint.config import CONFIG_MAX_FILE_BYTES, Settings, apply_config, load_config
from whackachip_lint.config import default_jobs
from whackachip_lint.scan import scan

BF16 = "import torch\nx = torch.zeros(1, dtype=torch.bfloat16)\n"
FP16 = "import torch\nx = torch.zeros(1, dtype=torch.float16) \n"  # same size as BF16


def repo_with_config(tmp_path: Path, table: str) -> Path:
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "pyproject.toml").write_text(f"[tool.wac-lint]\n{table}")
    (repo / "train.py").write_text(BF16)
    return repo


@pytest.mark.parametrize("where", ["/ABS", ".."])
def test_repository_config_cannot_choose_the_cache_directory(tmp_path, cli, where):
    target = tmp_path / "elsewhere" if where == "/ABS" else tmp_path
    repo = repo_with_config(tmp_path, f'cache-dir = "{str(target) if where == "/ABS" else where}"\n')
    before = sorted(p.name for p in target.iterdir()) if target.exists() else []
    result = cli("--format", "json", str(repo))
    assert result.exit_code == 0, result.output
    assert "`cache-dir` ignored: the cache location comes only from --cache-dir or $WAC_LINT_CACHE_DIR" in result.output
    assert (sorted(p.name for p in target.iterdir()) if target.exists() else []) == before


def test_repository_config_jobs_and_sizes_are_bounded(tmp_path):
    repo = repo_with_config(tmp_path, "jobs = 400\nmax-file-size = 100000000000\n")
    settings = apply_config(Settings(), load_config(repo / "pyproject.toml"))
    assert settings.jobs == default_jobs()
    assert settings.max_file_bytes == CONFIG_MAX_FILE_BYTES
    result = scan([repo], settings)  # reading must not preallocate the limit
    assert result.diagnostics == [] and [f.rule for f in result.findings] == ["WAC101"]


def test_every_report_names_the_config_file_and_isolated_ignores_it(tmp_path, cli):
    repo = repo_with_config(tmp_path, 'ignore = ["WAC101"]\n')
    config = str(repo / "pyproject.toml")
    data = json.loads(cli("--format", "json", str(repo)).output)
    assert data["config_file"] == config and data["findings"] == []
    sarif = json.loads(cli("--format", "sarif", str(repo)).output)
    assert sarif["runs"][0]["properties"]["configFile"] == config
    assert cli(str(repo)).output.startswith(f"Configuration: {config}\n")
    isolated = json.loads(cli("--isolated", "--format", "json", str(repo)).output)
    assert isolated["config_file"] is None and [f["rule"] for f in isolated["findings"]] == ["WAC101"]
    assert not cli("--isolated", str(repo)).output.startswith("Configuration:")


def linked_config(tmp_path: Path, target: Path, git: bool = True) -> Path:
    """A repository whose pyproject.toml is a symbolic link to `target` (a table that ignores WAC101)."""
    repo = tmp_path / "repo"
    (repo / ".git" if git else repo).mkdir(parents=True)
    (repo / "train.py").write_text(BF16)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text('[tool.wac-lint]\nignore = ["WAC101"]\n')
    (repo / "pyproject.toml").symlink_to(target)
    return repo


@pytest.mark.parametrize("git", [True, False])
def test_a_repository_config_linked_out_of_the_repository_is_not_read(tmp_path, cli, git):
    repo = linked_config(tmp_path, tmp_path / "home" / "pyproject.toml", git)
    result = cli("--format", "json", str(repo))
    assert result.exit_code == 2, result.output
    assert result.output == (f"wac-lint: error: {repo}/pyproject.toml: a symbolic link to a file outside its "
                             f"repository ({os.path.realpath(repo)}); not read (--config names a configuration to "
                             "read wherever it is, --isolated reads none)\n")
    isolated = json.loads(cli("--isolated", "--format", "json", str(repo)).output)
    assert [f["rule"] for f in isolated["findings"]] == ["WAC101"]


def test_a_config_linked_inside_its_repository_or_named_by_the_user_is_read(tmp_path, cli):
    repo = linked_config(tmp_path, tmp_path / "repo" / "configs" / "shared.toml")
    data = json.loads(cli("--format", "json", str(repo)).output)
    assert data["config_file"] == str(repo / "pyproject.toml") and data["findings"] == []
    outside = tmp_path / "mine" / "pyproject.toml"
    outside.parent.mkdir()
    outside.symlink_to(tmp_path / "repo" / "configs" / "shared.toml")
    result = cli("--config", str(outside), "--format", "json", str(repo))
    assert result.exit_code == 0 and json.loads(result.output)["findings"] == []


# --- the cache ----------------------------------------------------------------------------------------------------


def test_the_cache_never_lives_in_the_scanned_tree(tmp_path):
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "train.py").write_text(BF16)
    result = scan([repo], Settings(cache_dir=str(repo / ".wac-cache")))
    assert [f.rule for f in result.findings] == ["WAC101"]
    assert sorted(p.name for p in repo.iterdir()) == ["train.py"]


def test_a_planted_cache_file_is_not_read(tmp_path):
    """The cache file name is computable for a fixed install; its contents are signed with the user's key."""
    repo, cache_dir = tmp_path / "repo", tmp_path / "cache"
    repo.mkdir()
    (repo / "train.py").write_text("x = 1\n")
    settings = Settings(cache_dir=str(cache_dir), jobs=1)
    assert scan([repo], settings).findings == []
    path = ResultCache.open(repo, settings).path
    header, _, body = path.read_bytes().partition(b"\n")
    entries = json.loads(body)
    finding = {"rule": "WAC101", "name": "bf16-precision", "signal": "precision.bf16", "value": "bfloat16",
               "state": "enabled", "level": "note", "path": "train.py", "span": [1, 1, 1, 2], "snippet": "x = 1",
               "message": "planted", "properties": {}, "suppressed": False}
    entries["train.py"][4]["findings"] = [finding]
    forged = json.loads(header)
    forged["mac"] = hashlib.blake2b(json.dumps(entries).encode(), digest_size=16).hexdigest()  # no user key
    path.write_bytes(json.dumps(forged).encode() + b"\n" + json.dumps(entries).encode())
    assert scan([repo], settings).findings == []


def test_another_users_key_file_disables_the_cache(tmp_path, monkeypatch):
    cache_dir = tmp_path / "cache"
    assert cache_module.user_secret(cache_dir) is not None
    monkeypatch.setattr(os, "getuid", lambda: 12345)
    assert cache_module.user_secret(cache_dir) is None


def _settle(path: Path, seconds_ago: int = 100) -> None:
    past = int(os.stat(path).st_mtime) - seconds_ago
    os.utime(path, (past, past))


def test_a_same_size_same_mtime_replacement_is_not_stale(tmp_path):
    """A file swapped for another of the same size and mtime (a tarball restore, a rename): new inode, new ctime."""
    repo = tmp_path / "repo"
    repo.mkdir()
    path = repo / "train.py"
    path.write_text(BF16)
    _settle(path)
    settings = Settings(cache_dir=str(tmp_path / "cache"), jobs=1)
    assert [f.value for f in scan([repo], settings).findings] == ["bfloat16"]
    st = os.stat(path)
    replacement = repo / "new.tmp"
    replacement.write_text(FP16)
    os.utime(replacement, ns=(st.st_atime_ns, st.st_mtime_ns))
    os.replace(replacement, path)
    assert os.stat(path).st_size == st.st_size and os.stat(path).st_mtime_ns == st.st_mtime_ns
    assert [f.value for f in scan([repo], settings).findings] == ["float16"]


def test_a_changed_mtime_alone_makes_the_cache_check_the_content(tmp_path, monkeypatch):
    """Same size, same inode and ctime (as stat reports them here), another mtime: the digest decides.
    This fails if the cache stops comparing mtimes."""
    repo = tmp_path / "repo"
    repo.mkdir()
    path = repo / "train.py"
    path.write_text(BF16)
    _settle(path, 1000)
    settings = Settings(cache_dir=str(tmp_path / "cache"), jobs=1)
    scan([repo], settings)
    old = os.stat(path)
    path.write_text(FP16)
    _settle(path, 500)
    real_stat = os.stat

    def stat_keeping_identity(target, *args, **kwargs):
        st = real_stat(target, *args, **kwargs)
        if os.fspath(target) != os.fspath(path):
            return st
        fields = list(st)
        fields[1] = old.st_ino
        result = os.stat_result(fields, {"st_ctime_ns": old.st_ctime_ns, "st_mtime_ns": st.st_mtime_ns,
                                         "st_atime_ns": st.st_atime_ns})
        return result

    monkeypatch.setattr(cache_module.os, "stat", stat_keeping_identity)
    cache = ResultCache.open(repo, settings)
    from whackachip_lint.discover import Candidate

    hit = cache.lookup(Candidate(path, "train.py", "python"))
    assert hit is None  # the content changed: not served from the cache


def test_the_code_fingerprint_covers_the_package_data_files():
    import whackachip_lint

    catalog = Path(whackachip_lint.__file__).parent / "data" / "catalog.json"
    st = os.stat(catalog)
    before = code_fingerprint()
    try:
        os.utime(catalog, ns=(st.st_atime_ns, st.st_mtime_ns + 10**9))
        assert code_fingerprint() != before
    finally:
        os.utime(catalog, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert code_fingerprint() == before


# --- what discovery leaves out --------------------------------------------------------------------------------------


def test_skipped_files_are_counted_and_gitignore_can_be_ignored(tmp_path, cli):
    repo = tmp_path / "repo"
    (repo / "build").mkdir(parents=True)
    (repo / "env").mkdir()
    (repo / ".gitignore").write_text("build/\nscratch.py\n")
    (repo / "build" / "train.py").write_text(BF16)  # committed, but under an ignored folder
    (repo / "scratch.py").write_text(BF16)
    (repo / "env" / "pyvenv.cfg").write_text("home = /usr\n")
    (repo / "env" / "launch.py").write_text(BF16)
    (repo / "main.py").write_text("x = 1\n")
    data = json.loads(cli("--isolated", "--format", "json", str(repo)).output)
    assert data["files_scanned"] == 1
    assert data["skipped"] == {
        "in a virtualenv (a folder with pyvenv.cfg)": {"files": 0, "folders": 1},
        "matched by .gitignore": {"files": 1, "folders": 1},
    }
    text = cli("--isolated", str(repo)).output
    assert ("Left out: 1 folder in a virtualenv (a folder with pyvenv.cfg); 1 file and 1 folder matched by "
            ".gitignore. (--no-respect-gitignore scans ignored files)") in text
    from ..conftest import run_cli_in

    # From inside the repository: reported paths are relative to the current directory.
    everything = json.loads(run_cli_in(repo, "--isolated", "--no-respect-gitignore", "--format", "json", ".").output)
    assert sorted({f["path"] for f in everything["findings"]}) == ["build/train.py", "scratch.py"]
    assert everything["skipped"] == {"in a virtualenv (a folder with pyvenv.cfg)": {"files": 0, "folders": 1}}
