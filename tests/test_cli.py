"""CLI wiring: exit codes, usage errors, selection, output file."""

from __future__ import annotations

import json

import pytest

from whackachip_lint import __version__


def test_version(cli):
    result = cli("--version")
    assert result.exit_code == 0 and __version__ in result.output


def test_unknown_rule_selector_is_a_usage_error(cli, tmp_path):
    result = cli("--select", "WAC9Z", str(tmp_path))
    assert result.exit_code == 2
    assert "WAC9Z" in result.output


def test_missing_path_is_a_usage_error(cli, tmp_path):
    result = cli(str(tmp_path / "nowhere"))
    assert result.exit_code == 2


def test_empty_directory_exits_zero_with_summary(cli, tmp_path):
    result = cli(str(tmp_path))
    assert result.exit_code == 0
    assert "0 files scanned" in result.output


def test_json_to_output_file(cli, tmp_path):
    (tmp_path / "a.py").write_text("x = 1\n")
    out = tmp_path / "report.json"
    result = cli("--format", "json", "-o", str(out), str(tmp_path))
    assert result.exit_code == 0
    data = json.loads(out.read_text())
    assert data["files_scanned"] == 1 and data["findings"] == [] and data["version"] == __version__


def test_unwritable_output_is_a_clear_error(cli, tmp_path):
    (tmp_path / "a.py").write_text("x = 1\n")
    out = tmp_path / "missing-dir" / "report.json"
    result = cli("-o", str(out), str(tmp_path))
    assert result.exit_code == 2
    assert "cannot write --output" in result.output and "report.json" in result.output


def test_rule_command(cli):
    result = cli("rule", "WAC101")
    assert result.exit_code == 0 and "bf16" in result.output
    assert cli("rule", "WAC999").exit_code == 2
    listing = cli("rule", "--all")
    assert "WAC101" in listing.output and "WAC301" in listing.output


BF16_LINE = "import torch\nx = torch.zeros(2, dtype=torch.bfloat16){comment}\n"


@pytest.mark.parametrize(("comment", "options", "code"), [
    ("", ("--fail-level", "note"), 1),                                  # a note reaches fail level note
    ("", (), 0),                                                        # but not the default, warning
    ("  # wac-lint: disable=WAC101", ("--fail-level", "note"), 0),      # a suppressed finding never fails a run
    ("", ("--fail-level", "note", "--exit-zero"), 0),                   # --exit-zero: 0 whatever was found
    ("  # wac-lint: disable=WAC101", ("--fail-level", "note", "--show-suppressed"), 0),  # shown, still not counted
], ids=["note-fails-at-note", "note-passes-at-warning", "suppressed-not-counted", "exit-zero", "shown-suppressed"])
def test_exit_code_counts_only_unsuppressed_findings_at_the_fail_level(cli, tmp_path, comment, options, code):
    (tmp_path / "train.py").write_text(BF16_LINE.format(comment=comment))
    result = cli("--no-cache", *options, str(tmp_path))
    assert result.exit_code == code, result.output
    assert "WAC101" in result.output or "1 suppressed" in result.output  # the finding was there to count
