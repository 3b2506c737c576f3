"""CLI wiring: exit codes, usage errors, selection, output file."""

from __future__ import annotations

import json
from pathlib import Path

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
def _level_finding(level: str, suppressed: bool = False, path: str = "a.py"):
    from whackachip_lint.evidence import Level

    from ..fakes import finding

    return finding(path=path).with_changes(level=Level(level), suppressed=suppressed)


@pytest.mark.parametrize(("levels", "fail_level", "exit_zero", "code"), [
    ([], "note", False, 0),
    ([("note", False)], "note", False, 1),
    ([("note", False)], "warning", False, 0),
    ([("warning", False)], "warning", False, 1),  # at the fail level exactly
    ([("warning", False)], "error", False, 0),
    ([("error", False)], "error", False, 1),
    ([("error", False)], "note", False, 1),  # above it
    ([("error", True)], "note", False, 0),  # suppressed: never counts
    ([("error", True), ("note", False)], "warning", False, 0),
    ([("error", True), ("warning", False)], "warning", False, 1),
    ([("error", False)], "note", True, 0),  # --exit-zero
    ([], "note", True, 0),
])
def test_exit_code_table(levels, fail_level, exit_zero, code):
    from whackachip_lint.cli import exit_code
    from whackachip_lint.evidence import Level
    from whackachip_lint.scan import ScanResult

    findings = [_level_finding(level, suppressed) for level, suppressed in levels]
    result = ScanResult(Path("."), 1, findings, [], files=["a.py"])
    assert exit_code(result, Level(fail_level), exit_zero) == code


@pytest.mark.parametrize(("files", "diagnosed", "found", "exit_zero", "code"), [
    (["a.py"], ["a.py"], False, False, 2),  # the only file could not be scanned
    (["a.py"], ["a.py"], False, True, 2),  # --exit-zero does not hide that nothing was scanned
    (["a.py"], ["a.py"], True, False, 1),  # read in part (a log up to the read cap) and it gave findings
    (["a.py", "b.py"], ["a.py"], True, False, 1),  # one bad file among good ones: the findings decide
    (["a.py", "b.py"], ["a.py"], False, False, 0),
    (["a.py", "b.py"], ["a.py", "b.py"], False, False, 2),
    ([], [], True, False, 1),
    (["a.py"], [], True, True, 0),
])
def test_nothing_scanned_exits_2_and_one_bad_file_does_not(files, diagnosed, found, exit_zero, code):
    from whackachip_lint.cli import exit_code
    from whackachip_lint.evidence import Diagnostic, Level
    from whackachip_lint.scan import ScanResult

    findings = [_level_finding("warning")] if found else []
    result = ScanResult(Path("."), len(files), findings, [Diagnostic(p, "cannot parse") for p in diagnosed],
                        files=files)
    assert exit_code(result, Level("warning"), exit_zero) == code


# --- issue 14: usage that CI and terminals rely on -----------------------------------------------------------------

BF16 = "import torch\nx = torch.bfloat16\n"


def test_one_missing_path_among_good_ones_is_a_usage_error(cli, tmp_path):
    (tmp_path / "a.py").write_text(BF16)
    result = cli(str(tmp_path), str(tmp_path / "nonexistent"))
    assert result.exit_code == 2
    assert "nonexistent" in result.output


def test_output_dash_is_standard_output(cli, tmp_path, monkeypatch):
    (tmp_path / "a.py").write_text("x = 1\n")
    monkeypatch.chdir(tmp_path)
    result = cli("--format", "json", "-o", "-", ".")
    assert result.exit_code == 0
    assert json.loads(result.output)["findings"] == []
    assert not (tmp_path / "-").exists()


def test_quiet_prints_the_findings_and_nothing_else(cli, tmp_path, monkeypatch):
    (tmp_path / "a.py").write_text(BF16)
    (tmp_path / "bad.py").write_bytes(b"\xff\xfe not utf-8\n")
    monkeypatch.chdir(tmp_path)
    result = cli("-q", "--no-cache", ".")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines and all(line.startswith("a.py:2:") for line in lines), result.stdout
    assert "WAC101" in result.stdout and "scanned" not in result.stdout and "verdict" not in result.stdout
    assert "bad.py: warning:" in result.stderr


def _has_ansi(text: str) -> bool:
    return "\x1b[" in text


@pytest.mark.parametrize(
    "flags, env, coloured",
    [
        (["--color"], {}, True),  # a pipe: the flag still wins
        ([], {}, False),
        ([], {"NO_COLOR": "1"}, False),
        ([], {"FORCE_COLOR": "1"}, True),
        (["--no-color"], {"FORCE_COLOR": "1"}, False),
        (["--color"], {"NO_COLOR": "1"}, True),
        ([], {"NO_COLOR": "1", "FORCE_COLOR": "1"}, False),
    ],
)
def test_colour_flags_and_environment(cli, tmp_path, monkeypatch, flags, env, coloured):
    (tmp_path / "a.py").write_text(BF16)
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    result = cli(*flags, str(tmp_path))
    assert result.exit_code == 0
    assert _has_ansi(result.output) is coloured


def test_top_level_help_lists_commands_whole_and_points_to_scan_help(cli):
    result = cli("--help")
    assert result.exit_code == 0
    flat = " ".join(result.output.split())
    assert "Explain rule CODE (e.g. WAC101), or list every rule with --all." in flat
    assert "show one entry (e.g. nvidia-h20) with its sources." in flat
    assert "wac-lint scan --help" in flat
    from whackachip_lint.cli import main

    for name, command in main.commands.items():
        first = " ".join(command.get_short_help_str(limit=10_000).split())
        assert f"{name} {first}" in flat and not first.endswith("..."), name


def test_counts_agree_and_a_bad_file_is_a_warning_everywhere(cli, tmp_path, monkeypatch):
    (tmp_path / "a.py").write_text(BF16)
    (tmp_path / "bad.py").write_bytes(b"\xff\xfe not utf-8\n")
    monkeypatch.chdir(tmp_path)
    text = cli("--no-cache", "--no-color", ".").output
    assert "1 file scanned; 1 finding;" in text and text.count("1 file not scanned") == 1
    assert "bad.py: warning: " in text and "error:" not in text
    data = json.loads(cli("--no-cache", "--format", "json", ".").output)
    assert data["files_scanned"] == 1 and [d["path"] for d in data["diagnostics"]] == ["bad.py"]
    sarif = json.loads(cli("--no-cache", "--format", "sarif", ".").output)
    notes = sarif["runs"][0]["invocations"][0]["toolExecutionNotifications"]
    assert [n["level"] for n in notes if "bad.py" in n["message"]["text"]] == ["warning"]


def test_paths_are_printed_relative_to_the_current_directory(tmp_path):
    from ..conftest import run_cli_in

    sub = tmp_path / "repo" / "sub"
    (sub / "train").mkdir(parents=True)
    (sub / "train" / "train.py").write_text(BF16)
    (sub / "bad.py").write_bytes(b"\xff\xfe\n")
    text = run_cli_in(tmp_path, "--no-color", "--no-cache", "repo/sub").output
    assert "  repo/sub/train/train.py:2:5: WAC101" in text
    assert "repo/sub/bad.py: warning:" in text
    data = json.loads(run_cli_in(tmp_path, "--format", "json", "repo/sub").output)
    assert [f["path"] for f in data["findings"]] == ["repo/sub/train/train.py"]
    assert [d["path"] for d in data["diagnostics"]] == ["repo/sub/bad.py"]
    assert data["root"] == "repo/sub" and data["paths"] == ["repo/sub"]
    # An absolute argument under the current directory prints the same; one outside it prints absolute paths.
    assert json.loads(run_cli_in(tmp_path, "--format", "json", str(sub)).output)["findings"][0]["path"] \
        == "repo/sub/train/train.py"
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    outside = json.loads(run_cli_in(elsewhere, "--format", "json", str(sub)).output)
    assert outside["findings"][0]["path"] == f"{sub.as_posix()}/train/train.py" and outside["root"] == sub.as_posix()
    # Files named one by one, from above them.
    named = json.loads(run_cli_in(tmp_path, "--format", "json", "repo/sub/train/train.py").output)
    assert named["findings"][0]["path"] == "repo/sub/train/train.py" and named["root"] == "."


def test_hardware_json_uses_the_same_keys_for_the_list_and_one_entry(cli):
    rows = json.loads(cli("hardware", "--format", "json").output)
    entry = json.loads(cli("hardware", rows[0]["id"], "--format", "json").output)
    assert "target" not in rows[0]
    for key, value in rows[0].items():
        assert key in entry and entry[key] == value, key


def test_exclude_flags_replace_and_extend_the_configured_patterns(cli, tmp_path):
    from ..conftest import run_cli_in

    for name in ("third_party/a.py", "gen/b.py", "train.py"):
        (tmp_path / name).parent.mkdir(exist_ok=True)
        (tmp_path / name).write_text(BF16)
    (tmp_path / "wac-lint.toml").write_text('exclude = ["third_party/"]\n')

    def paths(*args):
        return sorted(f["path"] for f in json.loads(run_cli_in(tmp_path, "--format", "json", *args, ".").output)
                      ["findings"])

    assert paths() == ["gen/b.py", "train.py"]
    assert paths("--exclude", "gen/") == ["third_party/a.py", "train.py"]
    assert paths("--extend-exclude", "gen/") == ["train.py"]
    assert paths("--exclude", "gen/,train.py") == ["third_party/a.py"]


def _stdin(args, data, directory):
    from click.testing import CliRunner

    from whackachip_lint.cli import main

    from ..conftest import inside

    with inside(directory):
        return CliRunner().invoke(main, args, input=data, catch_exceptions=False)


def test_standard_input_with_a_file_name(tmp_path):
    result = _stdin(["-q", "-", "--stdin-filename", "scripts/run.sh"], "export NCCL_IB_HCA=mlx5\n", tmp_path)
    assert result.exit_code == 0
    assert result.stdout.startswith("scripts/run.sh:1:8: WAC301 [enabled]")


def test_standard_input_is_python_by_default_and_follows_the_config(tmp_path):
    assert _stdin(["-q", "-"], BF16, tmp_path).stdout.startswith("-:2:5: WAC101 [enabled]")
    (tmp_path / "wac-lint.toml").write_text('ignore = ["WAC101"]\n')
    assert _stdin(["-q", "-"], BF16, tmp_path).stdout == ""
    data = json.loads(_stdin(["--format", "json", "-", "--stdin-filename", "t.py"], BF16, tmp_path).output)
    assert data["findings"] == [] and data["files_scanned"] == 1


@pytest.mark.parametrize("args, message", [
    (["-", "."], "cannot be combined"),
    (["--stdin-filename", "a.py", "."], "give `-` as the path"),
])
def test_standard_input_usage_errors(tmp_path, args, message):
    result = _stdin(args, BF16, tmp_path)
    assert result.exit_code == 2 and message in result.output


def test_standard_input_of_an_unknown_kind_is_not_scanned(tmp_path):
    result = _stdin(["-", "--stdin-filename", "notes.xyz"], "x\n", tmp_path)
    assert result.exit_code == 2 and "notes.xyz: warning: not a kind of file wac-lint reads" in result.output
