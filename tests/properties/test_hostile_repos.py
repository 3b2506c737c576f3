"""Hostile repositories of issue 19, each built here: the scan finishes, reports what it can, and says what it could not.

(Outputs written through planted links: test_safe_write.py. Per-file time and memory budgets: test_budget.py.
Super-linear patterns: test_linear_time.py.)
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest

from whackachip_lint import one_file, workers
from whackachip_lint.config import Settings
from whackachip_lint.discover import discover, printable_path
from whackachip_lint.scan import scan

from ..hostile import BF16, messages_by_path


# --- one file, too many findings ------------------------------------------------------------------------------


def test_yaml_alias_fan_out_gives_each_finding_once(tmp_path):
    """One anchored list of 200 NCCL_* variables referenced from 500 mappings (10 KB): 100,000 findings before."""
    variables = "".join(f"  - {{name: NCCL_FAKE_{i}, value: '1'}}\n" for i in range(199))
    containers = "".join(f"  c{i}: {{env: *nccl}}\n" for i in range(500))
    text = f"common: &nccl\n  - {{name: NCCL_IB_DISABLE, value: '0'}}\n{variables}containers:\n{containers}"
    (tmp_path / "deploy.yaml").write_text(text)
    started = time.monotonic()
    result = scan([tmp_path], Settings(use_cache=False, jobs=1))
    assert time.monotonic() - started < 30
    assert result.diagnostics == []
    nccl = [f for f in result.findings if f.value.startswith("NCCL_IB_DISABLE") or "NCCL_IB_DISABLE" in f.message]
    assert len(nccl) == 1 and nccl[0].line == 2
    assert len(result.findings) <= 200


def test_findings_per_file_are_capped_with_a_diagnostic(tmp_path):
    """A README naming a GPU 200,000 times: reading stops at the cap, and the diagnostic says so."""
    (tmp_path / "README.md").write_text("We trained on " + "A100 " * 200_000 + "\n")
    (tmp_path / "train.py").write_text(BF16)
    started = time.monotonic()
    result = scan([tmp_path], Settings(use_cache=False, jobs=1))
    assert time.monotonic() - started < 60
    cap = one_file.MAX_FINDINGS_PER_FILE
    assert messages_by_path(result) == {"README.md": [
        f"over {cap:,} findings; reading stopped at that cap per file (the first {cap:,} are reported)"]}
    assert len([f for f in result.findings if f.path == "README.md"]) == cap
    assert [f.rule for f in result.findings if f.path == "train.py"] == ["WAC101"]


def test_a_file_under_the_cap_has_no_cap_diagnostic(tmp_path):
    (tmp_path / "README.md").write_text("We trained on " + "A100 " * 100 + "\n")
    result = scan([tmp_path], Settings(use_cache=False, jobs=1))
    assert result.diagnostics == [] and len(result.findings) == 100


@pytest.mark.slow  # about 3 s: builds and parses a million redirections
@pytest.mark.skipif(not workers.available(), reason="per-file budgets need fork")
def test_a_million_redirections_in_a_shell_script_cost_one_diagnostic(tmp_path):
    """tree-sitter-bash's error recovery on a million `<` is super-linear (native code): the budget stops it."""
    (tmp_path / "run.sh").write_text("export NCCL_DEBUG=INFO\n" + "<" * 1_000_000 + "\n")
    (tmp_path / "train.py").write_text(BF16)
    started = time.monotonic()
    result = scan([tmp_path], Settings(use_cache=False, jobs=1, file_timeout=2))
    assert time.monotonic() - started < 60
    assert list(messages_by_path(result)) == ["run.sh"] and len(result.diagnostics) == 1
    assert "train.py" in {f.path for f in result.findings}


# --- discovery -------------------------------------------------------------------------------------------------


def test_a_thousand_nested_folders_are_walked(tmp_path):
    """A 2 KB path git can hold: discovery recursed once per folder and raised RecursionError."""
    deep = tmp_path
    for _ in range(1000):
        deep = deep / "d"
        deep.mkdir()
    (deep / "train.py").write_text(BF16)
    (tmp_path / "top.py").write_text(BF16)
    try:
        found, diagnostics = discover([tmp_path], tmp_path)
        assert diagnostics == []
        assert [c.relpath for c in found] == ["/".join(["d"] * 1000) + "/train.py", "top.py"]
    finally:  # bottom up: pytest's own clean-up (shutil.rmtree) recurses and would fail at this depth
        (deep / "train.py").unlink()
        while deep != tmp_path:
            deep.rmdir()
            deep = deep.parent


@pytest.mark.parametrize("name", [".gitignore", ".gitmodules"])
def test_control_file_linked_to_dev_zero_is_a_diagnostic_not_a_hang(tmp_path, name):
    (tmp_path / name).symlink_to("/dev/zero")
    (tmp_path / "train.py").write_text(BF16)
    started = time.monotonic()
    result = scan([tmp_path], Settings(use_cache=False, jobs=1))
    assert time.monotonic() - started < 30
    assert messages_by_path(result) == {name: ["a symbolic link; not read (git does not follow it either)"]}
    assert [f.path for f in result.findings] == ["train.py"]


@pytest.mark.parametrize("name", [".gitignore", ".gitmodules"])
def test_control_file_that_is_a_fifo_is_a_diagnostic_not_a_hang(tmp_path, name):
    os.mkfifo(tmp_path / name)
    (tmp_path / "train.py").write_text(BF16)
    result = scan([tmp_path], Settings(use_cache=False, jobs=1))
    assert messages_by_path(result) == {name: ["a named pipe, not a regular file; not read"]}
    assert [f.path for f in result.findings] == ["train.py"]


def test_huge_gitignore_is_not_read(tmp_path):
    (tmp_path / ".gitignore").write_text("train.py\n" + "#" * (2 * 1024 * 1024) + "\n")
    (tmp_path / "train.py").write_text(BF16)
    result = scan([tmp_path], Settings(use_cache=False, jobs=1))
    (message,) = messages_by_path(result)[".gitignore"]
    assert message.startswith("file is 2,097,1") and "over the 1,048,576-byte limit; not read" in message
    assert [f.path for f in result.findings] == ["train.py"]  # the unread .gitignore ignores nothing


def test_a_regular_gitignore_still_applies(tmp_path):
    (tmp_path / ".gitignore").write_text("ignored.py\n")
    (tmp_path / "ignored.py").write_text(BF16)
    (tmp_path / "train.py").write_text(BF16)
    result = scan([tmp_path], Settings(use_cache=False, jobs=1))
    assert result.files == ["train.py"] and result.diagnostics == []


# --- names --------------------------------------------------------------------------------------------------------


def test_printable_path_keeps_u0085_and_the_byte_0x85_apart():
    assert printable_path("a\u0085.py") == "a\\u0085.py"
    assert printable_path("a\udc85.py") == "a\\x85.py"
    assert printable_path("a\x1b.py") == "a\\x1b.py"
    assert printable_path("a\\x85.py") == "a\\\\x85.py"


@pytest.mark.skipif(os.uname().sysname != "Linux", reason="needs a file system that takes any bytes as a name")
def test_a_decoy_name_does_not_hide_the_real_file(tmp_path):
    """Before: U+0085 and the raw byte 0x85 printed alike, and the second file was dropped as a duplicate."""
    root = os.fsencode(tmp_path)
    with open(os.path.join(root, "decoy\u0085.py".encode("utf-8")), "w") as handle:
        handle.write("x = 1\n")
    with open(os.path.join(root, b"decoy\x85.py"), "w") as handle:
        handle.write(BF16)
    result = scan([tmp_path], Settings(use_cache=False, jobs=1))
    assert sorted(result.files) == ["decoy\\u0085.py", "decoy\\x85.py"]
    assert [(f.path, f.rule) for f in result.findings] == [("decoy\\x85.py", "WAC101")]


def test_a_file_named_twice_or_linked_is_scanned_once_under_its_own_name(tmp_path):
    (tmp_path / "train.py").write_text(BF16)
    (tmp_path / "alias.py").symlink_to("train.py")
    found, _ = discover([tmp_path, tmp_path / "train.py", tmp_path / "." / "train.py"], tmp_path)
    assert [c.relpath for c in found] == ["train.py"]
    result = scan([tmp_path], Settings(use_cache=False, jobs=1))
    assert [(f.path, f.rule) for f in result.findings] == [("train.py", "WAC101")]


def test_hard_links_are_one_file(tmp_path):
    (tmp_path / "b.py").write_text(BF16)
    os.link(tmp_path / "b.py", tmp_path / "a.py")
    found, _ = discover([tmp_path], tmp_path)
    assert [c.relpath for c in found] == ["a.py"]
