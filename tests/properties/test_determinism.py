"""The same tree gives byte-identical reports: across runs, --jobs values, hash seeds and the cache.

The tree is every fixture repo plus the adversarial corpus (bad files make diagnostics,
odd names exercise path escaping), so ordering of findings and of diagnostics is tested.
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import sys

import pytest

from .. import corpus
from ..conftest import REPOS, promised_exit_code, run_cli, run_cli_in

# Every test scans the whole tree several times (and in child processes): CI runs them, the local loop does not.
pytestmark = pytest.mark.slow

FORMATS = ["json", "text"] + (["sarif"] if importlib.util.find_spec("whackachip_lint.report.sarif") else [])
JOBS = ["1", "2", "4"]


@pytest.fixture(scope="module")
def tree(tmp_path_factory):
    base = tmp_path_factory.mktemp("determinism")
    root = base / "tree"
    root.mkdir()
    if REPOS.is_dir():
        for repo in sorted(p for p in REPOS.iterdir() if p.is_dir()):
            shutil.copytree(repo, root / "repos" / repo.name, symlinks=True)
    corpus.build(root / "corpus", base / "outside", corpus.entries(include_slow=False, as_root=True))
    with open(os.path.join(os.fsencode(root), b"odd caf\xe9\n.py"), "wb") as handle:
        handle.write(b"\xff\n")  # a diagnostic under a name that is not UTF-8 and spans two lines
    return root


def _report(tree, fmt: str, *extra: str) -> bytes:
    args = ["--format", fmt, *extra, "."]
    if fmt == "text":
        args.insert(0, "--no-color")
    result = run_cli_in(tree, *args)
    assert result.exit_code == _expected_exit(tree), result.output
    return result.stdout_bytes


_EXPECTED_EXIT: dict[str, int] = {}


def _expected_exit(tree) -> int:
    """The exit code the tree's JSON report calls for (the same whatever the format, --jobs or cache)."""
    if str(tree) not in _EXPECTED_EXIT:
        report = json.loads(run_cli("--format", "json", "--no-cache", str(tree)).output)
        _EXPECTED_EXIT[str(tree)] = promised_exit_code(report)
    return _EXPECTED_EXIT[str(tree)]


def test_repeated_runs_and_jobs_give_identical_json(tree):
    first = _report(tree, "json", "--no-cache", "--jobs", "1")
    assert first.strip()
    for jobs in JOBS:
        assert _report(tree, "json", "--no-cache", "--jobs", jobs) == first, f"--jobs {jobs} changed the output"
    assert _report(tree, "json", "--no-cache") == first, "the default --jobs changed the output"


@pytest.mark.parametrize("fmt", [f for f in FORMATS if f != "json"])
def test_other_formats_across_jobs(tree, fmt):
    assert _report(tree, fmt, "--no-cache", "--jobs", "1") == _report(tree, fmt, "--no-cache", "--jobs", "4")


def test_cache_does_not_change_the_output(tree, tmp_path):
    cold = _report(tree, "json", "--no-cache")
    cache = str(tmp_path / "cache")
    assert _report(tree, "json", "--cache-dir", cache) == cold, "first cached run differs"
    assert _report(tree, "json", "--cache-dir", cache, "--jobs", "2") == cold, "warm cached run differs"


def test_separate_processes_with_different_hash_seeds_agree(tree):
    """Set and dict iteration order varies with PYTHONHASHSEED between processes; output must not."""
    outputs = set()
    for seed, jobs in (("0", "1"), ("1", "2"), ("random", "4")):
        env = dict(os.environ, PYTHONHASHSEED=seed, PYTHONDONTWRITEBYTECODE="1")
        proc = subprocess.run(
            [sys.executable, "-m", "whackachip_lint", "--format", "json", "--no-cache", "--jobs", jobs, str(tree)],
            capture_output=True, env=env, timeout=600,
        )
        assert proc.returncode == _expected_exit(tree), proc.stderr.decode(errors="replace")
        outputs.add(proc.stdout)
    assert len(outputs) == 1


def test_output_is_valid_utf8_despite_undecodable_names(tree):
    for fmt in [f for f in FORMATS if f != "text"]:  # text: see test_adversarial's odd-name test
        output = _report(tree, fmt, "--no-cache").decode("utf-8")
        assert "odd caf" in output and "odd caf\xe9" not in output and ".py\n" not in output.split("odd caf")[1][:12]
        if fmt == "json":
            assert "odd caf\\xe9\\n.py" in {d["path"] for d in json.loads(output)["diagnostics"]}
