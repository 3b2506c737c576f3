"""Adopting wac-lint on an existing repository: --write-baseline/--baseline and --add-noqa (issue 14)."""

from __future__ import annotations

import json

import pytest

from .conftest import run_cli_in

BF16 = "import torch\nx = torch.bfloat16\n"


def findings(directory, *args):
    result = run_cli_in(directory, "--format", "json", "--no-cache", *args, ".")
    return result, json.loads(result.output)


def test_a_baseline_leaves_out_what_it_records_and_keeps_new_findings(tmp_path):
    (tmp_path / "train.py").write_text(BF16)
    written = run_cli_in(tmp_path, "--write-baseline", "wac-lint-baseline.json", "--fail-level", "note", ".")
    assert written.exit_code == 0 and "Wrote 1 finding to the baseline" in written.stderr
    result, data = findings(tmp_path, "--baseline", "wac-lint-baseline.json", "--fail-level", "note")
    assert result.exit_code == 0 and data["findings"] == []
    assert data["baseline"] == {"file": "wac-lint-baseline.json", "matched": 1}
    # Lines move: still matched. A new copy of the line: new.
    (tmp_path / "train.py").write_text("import torch\n\n\nx = torch.bfloat16\ny = 1\nx = torch.bfloat16\n")
    result, data = findings(tmp_path, "--baseline", "wac-lint-baseline.json", "--fail-level", "note")
    assert result.exit_code == 1 and [(f["rule"], f["line"]) for f in data["findings"]] == [("WAC101", 6)]
    text = run_cli_in(tmp_path, "--no-color", "--baseline", "wac-lint-baseline.json", ".").output
    assert "1 in the baseline left out." in text


def test_a_baseline_works_from_another_directory(tmp_path):
    (tmp_path / "repo").mkdir()
    (tmp_path / "repo" / "train.py").write_text(BF16)
    assert run_cli_in(tmp_path / "repo", "--write-baseline", "base.json", ".").exit_code == 0
    result = run_cli_in(tmp_path, "--format", "json", "--baseline", "repo/base.json", "repo")
    assert json.loads(result.output)["findings"] == []


@pytest.mark.parametrize("content, message", [
    ("not json", "is not JSON"),
    ('{"findings": []}', "is not a wac-lint baseline"),
    ('{"wac_lint_baseline": 1, "findings": [{"rule": "WAC101"}]}', "malformed entry"),
])
def test_a_bad_baseline_is_a_usage_error(tmp_path, content, message):
    (tmp_path / "train.py").write_text(BF16)
    (tmp_path / "base.json").write_text(content)
    result = run_cli_in(tmp_path, "--baseline", "base.json", "train.py")
    assert result.exit_code == 2 and message in result.output


def test_a_missing_baseline_is_a_usage_error(tmp_path):
    (tmp_path / "train.py").write_text(BF16)
    result = run_cli_in(tmp_path, "--baseline", "nowhere.json", "train.py")
    assert result.exit_code == 2 and "cannot read baseline" in result.output


def test_add_noqa_silences_what_fails_and_leaves_unsafe_lines_alone(tmp_path):
    (tmp_path / "train.py").write_text(
        "import torch\nx = torch.bfloat16\ny = torch.bfloat16  # wac-lint: disable=WAC3\n"
        "s = f(torch.bfloat16, \\\n      1)\n", encoding="utf-8")
    (tmp_path / "run.sh").write_text("#!/bin/bash\ndeepspeed --num_gpus 8 \\\n  train.py\ntorchrun x.py\n")
    (tmp_path / "ds.json").write_text('{"bf16": {"enabled": true}}\n')
    result = run_cli_in(tmp_path, "--add-noqa", "--fail-level", "note", "--no-cache", ".")
    assert result.exit_code == 0
    assert "Added 3 wac-lint: disable directives." in result.stderr
    left = result.stderr.split("by hand):\n", 1)[1].split()
    assert "train.py:4:" in left and "run.sh:2:" in left and "ds.json:1:" in left
    assert (tmp_path / "train.py").read_text().splitlines()[1:4] == [
        "x = torch.bfloat16  # wac-lint: disable=WAC101",
        "y = torch.bfloat16  # wac-lint: disable=WAC3,WAC101",
        "s = f(torch.bfloat16, \\",
    ]
    assert (tmp_path / "run.sh").read_text().splitlines()[3].endswith("# wac-lint: disable=WAC404")
    # What was added now silences those findings, and the directives are used (no WAC001).
    _, data = findings(tmp_path, "--fail-level", "note")
    active = sorted((f["rule"], f["path"], f["line"]) for f in data["findings"] if not f["suppressed"])
    # Left: the lines it could not touch, and the stale WAC3 that was already there (WAC001 is never silenced).
    assert all((path, line) in {("train.py", 4), ("run.sh", 2), ("run.sh", 3), ("ds.json", 1)}
               or (rule, path, line) == ("WAC001", "train.py", 3) for rule, path, line in active), active


def test_add_noqa_by_default_only_touches_what_reaches_the_fail_level(tmp_path):
    (tmp_path / "train.py").write_text(BF16)
    assert run_cli_in(tmp_path, "--add-noqa", ".").exit_code == 0  # plain evidence is a note: below "warning"
    assert (tmp_path / "train.py").read_text() == BF16
    assert run_cli_in(tmp_path, "--add-noqa", "--target", "nvidia-v100", ".").exit_code == 0
    assert (tmp_path / "train.py").read_text().splitlines()[1] == "x = torch.bfloat16  # wac-lint: disable=WAC101"
    assert run_cli_in(tmp_path, "--target", "nvidia-v100", ".").exit_code == 0


@pytest.mark.parametrize("kind, text, unsafe", [
    ("python", 'x = """\ntorch.bfloat16\n"""\ny = 1\n', {1, 2}),
    ("shell", "echo 'a\ntorchrun x.py'\nb=1\n", {1}),
    ("shell", 'echo "a # b \\"\ntorchrun\n', {1, 2}),  # an escaped quote does not close the string
    ("shell", "x=1  # it's\ncat <<EOF\ntorchrun\nEOF\n", {2, 3, 4}),
])
def test_add_noqa_never_writes_inside_a_string_or_heredoc(kind, text, unsafe):
    from whackachip_lint.noqa import _unsafe_lines

    assert _unsafe_lines(kind, text.splitlines(keepends=True)) == unsafe
