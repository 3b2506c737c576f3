"""Monitoring: history from git objects, the SQLite store, concurrent and distributed scans, hostile repositories."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from whackachip_lint.config import Settings
from whackachip_lint.fleet import git
from whackachip_lint.fleet.history import history
from whackachip_lint.fleet.monitor import add, scan
from whackachip_lint.fleet.store import Store

from ..conftest import run_cli

GIT_ENV = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@example.org", "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}


def sh(repo: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=repo, env=GIT_ENV, check=True, capture_output=True, text=True).stdout


def commit(repo: Path, message: str, files: dict[str, str | None]) -> str:
    for name, text in files.items():
        path = repo / name
        if text is None:
            path.unlink()
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text)
    sh(repo, "add", "-A")
    sh(repo, "commit", "-q", "-m", message)
    return sh(repo, "rev-parse", "HEAD").strip()


LAUNCH = "#!/bin/bash\n{env}torchrun --nproc_per_node 8 train.py {flag}\n"
IB = "export NCCL_IB_HCA=mlx5_0\nexport NCCL_NET_GDR_LEVEL=2\n"


@pytest.fixture
def evolving_repo(tmp_path) -> tuple[Path, dict[str, str]]:
    """A repository whose commits add and later remove an InfiniBand block, switch bf16 on and change the vendor."""
    repo = tmp_path / "repo"
    repo.mkdir()
    sh(repo, "init", "-q", "-b", "main")
    shas = {
        "initial": commit(repo, "initial launch", {"train.sh": LAUNCH.format(env="", flag="--fp16"),
                                                    "README.md": "A training repo.\n"}),
        "docs": commit(repo, "typo", {"README.md": "A training repository.\n"}),
        "ib": commit(repo, "add IB block", {"train.sh": LAUNCH.format(env=IB, flag="--fp16")}),
        "bf16": commit(repo, "switch to bf16", {"train.sh": LAUNCH.format(env=IB, flag="--bf16")}),
        "rm_ib": commit(repo, "RM NET CONFIG", {"train.sh": LAUNCH.format(env="", flag="--bf16")}),
        "ascend": commit(repo, "port to Ascend", {"train.py": "import torch_npu\nfrom torch_npu.contrib import "
                                                              "transfer_to_npu\n"}),
    }
    return repo, shas


def _rules(rows) -> set[tuple[str, str]]:
    return {(f["rule"], str(f["value"])) for f in rows}


def test_history_shows_each_change_at_its_commit(evolving_repo):
    repo, shas = evolving_repo
    report = history(repo, settings=Settings(use_cache=False, include_docs=False))
    assert report["commits_scanned"] == 6 and report["branch"] == "main"
    changes = {c["commit"]: c for c in report["changes"]}
    assert shas["docs"] not in changes  # a commit that moves no evidence and no verdict is not a change
    ib = changes[shas["ib"]]
    assert _rules(ib["added"]) == {("WAC301", "NCCL_IB_HCA"), ("WAC302", "NCCL_NET_GDR_LEVEL")} and not ib["removed"]
    assert ib["verdict_before"]["vendors_likely"] == [] and ib["verdict_after"]["vendors_likely"] == ["NVIDIA"]
    bf16 = changes[shas["bf16"]]
    assert _rules(bf16["added"]) == {("WAC101", "bf16")} and _rules(bf16["removed"]) == {("WAC102", "fp16")}
    assert bf16["verdict_after"]["architecture_floor"] == {"NVIDIA": "Ampere"}
    rm = changes[shas["rm_ib"]]
    assert _rules(rm["removed"]) == {("WAC301", "NCCL_IB_HCA"), ("WAC302", "NCCL_NET_GDR_LEVEL")} and not rm["added"]
    ascend = changes[shas["ascend"]]
    assert ("WAC203", "transfer_to_npu") in _rules(ascend["added"])
    assert ascend["verdict_after"]["vendors_likely"] == ["Huawei"]
    assert report["head"] == ascend["verdict_after"]


def test_history_extracts_each_file_version_once(evolving_repo):
    repo, _ = evolving_repo
    report = history(repo, settings=Settings(use_cache=False))
    # Distinct (blob, path) pairs of scanned kinds: train.sh x4 versions, README.md x2, train.py x1.
    assert report["files_extracted"] == 7


def test_history_since_a_revision_and_the_cli_json(evolving_repo):
    repo, shas = evolving_repo
    result = run_cli("history", "--since", shas["bf16"], "--format", "json", "--no-docs", str(repo))
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["commits_scanned"] == 2
    assert [c["commit"] for c in data["changes"]] == [shas["rm_ib"], shas["ascend"]]


def test_history_runs_nothing_of_the_repository(tmp_path, evolving_repo):
    """Hooks, filters and fsmonitor configured in the scanned repository never run."""
    repo, _ = evolving_repo
    marker = tmp_path / "pwned"
    evil = f"sh -c 'touch {marker}'"
    sh(repo, "config", "core.fsmonitor", evil)
    sh(repo, "config", "filter.evil.smudge", evil)
    sh(repo, "config", "filter.evil.clean", evil)
    sh(repo, "config", "core.pager", evil)
    (repo / ".gitattributes").write_text("* filter=evil\n")
    hook = repo / ".git" / "hooks" / "post-checkout"
    hook.write_text(f"#!/bin/sh\ntouch {marker}\n")
    hook.chmod(0o755)
    history(repo, settings=Settings(use_cache=False))
    assert not marker.exists()


@pytest.mark.parametrize("rev", ["--upload-pack=touch /tmp/x", "-c", "a..b/../c", "HEAD;rm"])
def test_revisions_that_look_like_options_are_refused(rev):
    with pytest.raises(git.GitError):
        git.check_revision(rev)


@pytest.mark.parametrize("url", ["ext::sh -c touch% /tmp/pwned", "--upload-pack=touch /tmp/x", "-oProxyCommand=x",
                                 "fd::17", "javascript://x"])
def test_urls_that_smuggle_options_or_run_commands_are_refused(url, tmp_path):
    with pytest.raises(git.GitError):
        git.mirror(url, tmp_path / "m.git")
    assert not (tmp_path / "m.git").exists()


def test_credentials_are_never_stored_or_printed():
    url = "https://user:s3cret@example.org/org/repo.git"
    assert git.public_url(url) == "https://example.org/org/repo.git"
    assert "s3cret" not in git.redact(f"fatal: could not read {url}")


def test_a_huge_blob_costs_a_diagnostic_not_the_scan(tmp_path):
    repo = tmp_path / "big"
    repo.mkdir()
    sh(repo, "init", "-q", "-b", "main")
    commit(repo, "big", {"huge.py": "x = 1\n" * 300_000, "train.sh": LAUNCH.format(env=IB, flag="--bf16")})
    settings = Settings(use_cache=False, max_file_bytes=100_000)
    report = history(repo, settings=settings)
    (change,) = report["changes"]
    assert ("WAC301", "NCCL_IB_HCA") in _rules(change["added"])


def test_a_remote_repository_is_mirrored_bare_and_followed(tmp_path, evolving_repo):
    repo, shas = evolving_repo
    bare = tmp_path / "origin.git"
    subprocess.run(["git", "clone", "-q", "--bare", str(repo), str(bare)], check=True, env=GIT_ENV)
    store = Store(tmp_path / "fleet.sqlite")
    (name,) = add(store, [f"file://{bare}"])
    assert name == f"file://{bare}"
    counts = scan(store, Settings(use_cache=False, include_docs=False))
    assert counts == {name: 6}
    # A new commit upstream: the next scan fetches it and records only it.
    commit(repo, "fp8", {"train.py": "import transformer_engine.pytorch as te\nwith te.fp8_autocast():\n    pass\n"})
    sh(repo, "push", "-q", str(bare), "main")
    assert scan(store, Settings(use_cache=False, include_docs=False)) == {name: 1}
    store.close()


def _fleet(store: Path, repos: list[Path]) -> Store:
    db = Store(store)
    add(db, [str(r) for r in repos])
    return db


def _three_repos(tmp_path, evolving_repo) -> list[Path]:
    repo, _ = evolving_repo
    others = []
    for name in ("two", "three"):
        other = tmp_path / name
        subprocess.run(["git", "clone", "-q", str(repo), str(other)], check=True, env=GIT_ENV)
        commit(other, f"{name}: deepspeed", {"ds.json": '{"zero_optimization": {"stage": 3}, '
                                                         '"train_micro_batch_size_per_gpu": 1}\n'})
        others.append(other)
    return [repo, *others]


def test_store_records_commits_once_and_reports_changes(tmp_path, evolving_repo):
    repos = _three_repos(tmp_path, evolving_repo)
    db = _fleet(tmp_path / "fleet.sqlite", repos)
    first = scan(db, Settings(use_cache=False, include_docs=False))
    assert sorted(first.values()) == [6, 7, 7]
    assert set(scan(db, Settings(use_cache=False, include_docs=False)).values()) == {0}
    columns, rows = db.query("SELECT repo, COUNT(*) FROM change_log WHERE rule = 'WAC301' GROUP BY repo")
    assert columns == ["repo", "COUNT(*)"] and sorted(r[1] for r in rows) == [2, 2, 2]  # added, then removed
    db.close()
    result = run_cli("fleet", "report", "--store", str(tmp_path / "fleet.sqlite"), "--format", "json")
    data = json.loads(result.stdout)
    assert len(data["repositories"]) == 3
    result = run_cli("fleet", "query", "--store", str(tmp_path / "fleet.sqlite"), "DROP TABLE repos")
    assert result.exit_code == 1  # the store is opened read-only for queries


@pytest.mark.slow
def test_two_concurrent_fleet_scans_equal_one_sequential_run(tmp_path, evolving_repo):
    repos = _three_repos(tmp_path, evolving_repo)
    sequential = _fleet(tmp_path / "seq.sqlite", repos)
    scan(sequential, Settings(use_cache=False))
    concurrent = tmp_path / "conc.sqlite"
    _fleet(concurrent, repos).close()
    command = [sys.executable, "-m", "whackachip_lint", "fleet", "scan", "--store", str(concurrent)]
    first, second = (subprocess.Popen(command, stderr=subprocess.PIPE) for _ in range(2))
    assert first.wait(timeout=300) == 0 and second.wait(timeout=300) == 0
    assert Store(concurrent).dump() == sequential.dump()


@pytest.mark.slow  # starts a local dask cluster
def test_a_dask_cluster_gives_the_same_store(tmp_path, evolving_repo):
    distributed = pytest.importorskip("distributed", reason="the [dask] extra is part of '.[test]'")
    repos = _three_repos(tmp_path, evolving_repo)
    sequential = _fleet(tmp_path / "seq.sqlite", repos)
    scan(sequential, Settings(use_cache=False))
    clustered = _fleet(tmp_path / "dask.sqlite", repos)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        scan(clustered, Settings(use_cache=False), executor="dask", scheduler=cluster.scheduler_address)
    assert clustered.dump() == sequential.dump()
