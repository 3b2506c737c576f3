"""pre-commit: the manifest validates, and both hooks pass on a clean repo and fail on a violating one.

The hooks are run for real with `pre-commit try-repo` in throwaway git repos. try-repo installs wac-lint into its
own virtualenv with pip (from the package index, so the first run takes a while). The project is snapshotted into a
committed hook repo first: try-repo of a dirty working tree would make a new temporary commit, and so a new
environment, on every call. If the hook environment cannot be installed (no package index reachable) the run tests
are skipped with that reason; the manifest test needs nothing.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parents[2]
SNAPSHOT = ("pyproject.toml", "README.md", ".pre-commit-hooks.yaml", "src")
PRE_COMMIT = [sys.executable, "-m", "pre_commit"]
HOOKS = ("wac-lint", "wac-lint-repo")


def git(cwd: Path, *args: str) -> None:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.invalid",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.invalid"}
    subprocess.run(["git", *args], cwd=cwd, env=env, check=True, capture_output=True)


def make_repo(path: Path, files: dict[str, str]) -> Path:
    path.mkdir(parents=True)
    for name, text in files.items():
        (path / name).parent.mkdir(parents=True, exist_ok=True)
        (path / name).write_text(text, encoding="utf-8")
    git(path, "init", "-q")
    git(path, "add", "-A")
    git(path, "commit", "-q", "-m", "init")
    return path


def test_manifest_is_valid():
    proc = subprocess.run([*PRE_COMMIT, "validate-manifest", str(PROJECT / ".pre-commit-hooks.yaml")],
                          capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr


@pytest.fixture(scope="module")
def hook_repo(tmp_path_factory) -> Path:
    repo = tmp_path_factory.mktemp("hook-repo")
    for name in SNAPSHOT:
        source = PROJECT / name
        if source.is_dir():
            shutil.copytree(source, repo / name, ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
        else:
            shutil.copy2(source, repo / name)
    git(repo, "init", "-q")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "snapshot")
    return repo


def head(repo: Path) -> str:
    return subprocess.run(["git", "rev-parse", "HEAD"], cwd=repo, check=True, capture_output=True,
                          text=True).stdout.strip()


@pytest.fixture(scope="module")
def pre_commit_home(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("pre-commit-home")


def try_repo(target: Path, hook_repo: Path, home: Path, hook: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PRE_COMMIT_HOME": str(home), "PRE_COMMIT_COLOR": "never"}
    proc = subprocess.run([*PRE_COMMIT, "try-repo", str(hook_repo), hook, "--all-files", "--ref", head(hook_repo)],
                          cwd=target, env=env, capture_output=True, text=True, timeout=900, check=False)
    output = proc.stdout + proc.stderr
    if "An unexpected error has occurred" in output and "Installing environment" in output:
        pytest.skip(f"cannot install the hook environment (no package index?):\n{output[-2000:]}")
    return proc


CLEAN = {
    "pyproject.toml": '[project]\nname = "demo"\n\n[tool.wac-lint]\nfail-level = "note"\nselect = ["WAC0", "WAC1"]\n',
    "train.py": "import torch\nx = 1  # a comment, no directive\n",
}
# An unused suppression is a note; with fail-level "note" it must fail both hooks. (It needs no extractor.)
VIOLATING = {**CLEAN, "train.py": "import torch\nx = 1  # wac-lint: disable=WAC101\n"}


@pytest.mark.slow  # each try-repo builds a virtualenv and pip-installs wac-lint into it
@pytest.mark.parametrize("hook", HOOKS)
def test_hook_passes_on_a_clean_repo(hook, hook_repo, pre_commit_home, tmp_path):
    target = make_repo(tmp_path / "clean", CLEAN)
    proc = try_repo(target, hook_repo, pre_commit_home, hook)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "Passed" in proc.stdout


@pytest.mark.slow
@pytest.mark.parametrize("hook", HOOKS)
def test_hook_fails_on_a_violating_repo(hook, hook_repo, pre_commit_home, tmp_path):
    target = make_repo(tmp_path / "violating", VIOLATING)
    proc = try_repo(target, hook_repo, pre_commit_home, hook)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "Failed" in proc.stdout
    assert "train.py:2:8: WAC001" in proc.stdout


@pytest.mark.slow
def test_repo_hook_fails_bf16_on_a_v100_fleet(hook_repo, pre_commit_home, tmp_path):
    files = {
        "pyproject.toml": '[project]\nname = "demo"\n\n[tool.wac-lint]\ntarget = ["nvidia-v100"]\n',
        "train.py": "import torch\nx = torch.zeros(2, dtype=torch.bfloat16)\n",
    }
    target = make_repo(tmp_path / "fleet", files)
    proc = try_repo(target, hook_repo, pre_commit_home, "wac-lint-repo")
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "nvidia-v100" in proc.stdout
