"""Configuration: `[tool.wac-lint]` / wac-lint.toml found by walking up, validated, and overridden by flags."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from whackachip_lint.report.render import REPORTERS
from whackachip_lint.config import (
    CONFIG_KEYS,
    OUTPUT_FORMATS,
    ConfigError,
    Settings,
    apply_config,
    find_config,
    load_config,
)
from whackachip_lint.evidence import Level

from .conftest import run_cli, run_cli_in
from .fakes import fake_python  # noqa: F401 (fixture)

BF16_LINE = "x = torch.zeros(2, dtype=torch.bfloat16)\n"


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def repo_with(tmp_path: Path, config: str, name: str = "pyproject.toml") -> Path:
    repo = tmp_path / "repo"
    write(repo / name, config)
    write(repo / "src" / "train.py", "import torch\n" + BF16_LINE)
    write(repo / "scripts" / "old.py", BF16_LINE)
    return repo


def rules_and_paths(output: str) -> list[tuple[str, str]]:
    return sorted((f["rule"], f["path"]) for f in json.loads(output)["findings"])


# --- finding and reading files -------------------------------------------------------------------------------

def test_config_is_found_by_walking_up_from_the_scanned_path(tmp_path):
    repo = repo_with(tmp_path, '[tool.wac-lint]\nselect = ["WAC1"]\n')
    assert find_config(repo / "src" / "train.py") == repo / "pyproject.toml"
    assert find_config(repo / "src") == repo / "pyproject.toml"


def test_pyproject_without_our_table_does_not_count(tmp_path):
    write(tmp_path / "pyproject.toml", '[tool.wac-lint]\nignore = ["WAC2"]\n')
    inner = write(tmp_path / "pkg" / "pyproject.toml", '[project]\nname = "x"\n')
    assert find_config(inner.parent) == tmp_path / "pyproject.toml"


def test_wac_lint_toml_beats_pyproject_in_the_same_folder(tmp_path):
    write(tmp_path / "pyproject.toml", '[tool.wac-lint]\nignore = ["WAC2"]\n')
    write(tmp_path / "wac-lint.toml", 'ignore = ["WAC3"]\n')
    path = find_config(tmp_path)
    assert path == tmp_path / "wac-lint.toml"
    assert load_config(path) == {"ignore": ["WAC3"]}


def test_every_key_is_read(tmp_path):
    path = write(tmp_path / "wac-lint.toml", """
select = ["WAC1", "WAC3"]
extend-select = ["WAC001"]
ignore = ["WAC102"]
exclude = ["third_party/"]
extend-exclude = ["*.ipynb"]
fail-level = "error"
format = "sarif"
target = ["nvidia-v100", "nvidia-t4"]
max-file-size = 2048
jobs = 2
cache-dir = ".cache/wac"

[per-file-ignores]
"tests/*" = ["WAC1"]
""")
    settings = apply_config(Settings(), load_config(path))
    assert settings.select == ["WAC1", "WAC3"]
    assert settings.extend_select == ["WAC001"]
    assert settings.ignore == ["WAC102"]
    assert settings.exclude == ["third_party/", "*.ipynb"]
    assert settings.fail_level is Level.ERROR
    assert settings.output_format == "sarif"
    assert settings.targets == ["nvidia-v100", "nvidia-t4"]
    assert settings.max_file_bytes == 2048
    from whackachip_lint.config import default_jobs

    assert settings.jobs == min(2, default_jobs())
    # A repository's configuration never chooses where the cache lives (issue 19): read, not applied, reported.
    assert settings.cache_dir is None
    assert settings.config_ignored == [
        f"{path}: `cache-dir` ignored: the cache location comes only from --cache-dir or $WAC_LINT_CACHE_DIR"]
    assert settings.per_file_ignores == {"tests/*": ["WAC1"]}


def test_config_formats_are_the_cli_formats():
    assert sorted(OUTPUT_FORMATS) == sorted(REPORTERS)


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ('selct = ["WAC1"]\n', "unknown key `selct`"),
        ('fail_level = "error"\n', "did you mean `fail-level`"),
        ('select = ["WAC9999"]\n', "`select`: unknown rule code or prefix WAC9999"),
        ('ignore = "WAC1"\nselect = [1]\n', "`select` must be a list of strings"),
        ('fail-level = "fatal"\n', "`fail-level` must be one of note, warning, error"),
        ('format = "xml"\n', "`format` must be one of text, grouped, concise, github, markdown, html, json, sarif"),
        ("jobs = 0\n", "`jobs` must be a positive integer"),
        ("max-file-size = true\n", "`max-file-size` must be a positive integer"),
        ('[per-file-ignores]\n"tests/*" = ["NOPE"]\n', "`per-file-ignores.tests/*`: unknown rule code"),
        ("select = [\n", "invalid TOML"),
    ],
)
def test_bad_config_names_the_file_and_key(tmp_path, text, needle):
    path = write(tmp_path / "wac-lint.toml", text)
    with pytest.raises(ConfigError) as info:
        load_config(path)
    assert needle in str(info.value)
    assert str(path) in str(info.value)


def test_every_documented_key_has_a_settings_field():
    fields = set(Settings.__dataclass_fields__) | {"extend_exclude"}
    assert {name for name, _ in CONFIG_KEYS.values()} <= fields


# --- through the CLI ------------------------------------------------------------------------------------------

def test_cli_bad_config_exits_2_naming_the_key(tmp_path):
    repo = repo_with(tmp_path, '[tool.wac-lint]\nfail-levle = "note"\n')
    result = run_cli_in(repo, ".")
    assert result.exit_code == 2
    assert "unknown key `fail-levle`" in result.output
    assert "pyproject.toml" in result.output


@pytest.mark.usefixtures("fake_python")
def test_cli_uses_config_values_when_flags_are_not_given(tmp_path):
    repo = repo_with(tmp_path, '[tool.wac-lint]\nformat = "json"\nextend-exclude = ["scripts/"]\n'
                               'fail-level = "note"\n')
    result = run_cli_in(repo, ".")
    assert result.exit_code == 1  # a note reaches fail-level "note"
    assert rules_and_paths(result.output) == [("WAC101", "src/train.py")]


@pytest.mark.usefixtures("fake_python")
def test_flags_given_on_the_command_line_win(tmp_path):
    repo = repo_with(tmp_path, '[tool.wac-lint]\nformat = "json"\nfail-level = "note"\nignore = ["WAC101"]\n')
    quiet = run_cli_in(repo, ".")
    assert quiet.exit_code == 0 and rules_and_paths(quiet.output) == []
    loud = run_cli_in(repo, "--ignore", "WAC2", "--fail-level", "warning", ".")
    assert loud.exit_code == 0  # notes stay under fail-level warning
    assert rules_and_paths(loud.output) == [("WAC101", "scripts/old.py"), ("WAC101", "src/train.py")]
    text = run_cli_in(repo, "--format", "text", ".")
    # The report names the configuration file it used (a repository's settings are never applied silently).
    assert text.output.startswith(f"Configuration: {repo / 'pyproject.toml'}\n3 files scanned; 0 findings.\n")


@pytest.mark.usefixtures("fake_python")
def test_isolated_and_explicit_config(tmp_path):
    repo = repo_with(tmp_path, '[tool.wac-lint]\nformat = "json"\nignore = ["WAC101"]\n')
    other = write(tmp_path / "elsewhere.toml", 'format = "json"\nexclude = ["src/"]\n')
    assert "\n3 files scanned; 2 findings; 2 enabled; 2 note.\n" in run_cli_in(repo, "--isolated", ".").output
    explicit = run_cli_in(repo, "--config", str(other), ".")
    assert rules_and_paths(explicit.output) == [("WAC101", "scripts/old.py")]


@pytest.mark.usefixtures("fake_python")
def test_per_file_ignores_from_config(tmp_path):
    repo = repo_with(tmp_path, '[tool.wac-lint]\nformat = "json"\n[tool.wac-lint.per-file-ignores]\n'
                               '"scripts/*" = ["WAC1"]\n')
    assert rules_and_paths(run_cli_in(repo, ".").output) == [("WAC101", "src/train.py")]


@pytest.mark.usefixtures("fake_python")
def test_wac_lint_toml_via_cli(tmp_path):
    repo = repo_with(tmp_path, 'format = "json"\nselect = ["WAC2"]\n', name="wac-lint.toml")
    assert rules_and_paths(run_cli_in(repo, ".").output) == []


def test_force_exclude_applies_exclude_to_files_named_on_the_command_line(tmp_path, monkeypatch):
    (tmp_path / "pyproject.toml").write_text('[tool.wac-lint]\nexclude = ["third_party/"]\n')
    (tmp_path / "third_party").mkdir()
    (tmp_path / "third_party" / "vendored.py").write_text("import torch\nx = torch.bfloat16\n")
    (tmp_path / "train.py").write_text("import torch\nx = torch.bfloat16\n")
    monkeypatch.chdir(tmp_path)
    named = ["--format", "json", "third_party/vendored.py", "train.py"]
    paths = {f["path"] for f in json.loads(run_cli(*named).output)["findings"]}
    assert paths == {"third_party/vendored.py", "train.py"}  # named files are scanned, as in Ruff
    forced = {f["path"] for f in json.loads(run_cli("--force-exclude", *named).output)["findings"]}
    assert forced == {"train.py"}
    (tmp_path / "pyproject.toml").write_text('[tool.wac-lint]\nexclude = ["third_party/"]\nforce-exclude = true\n')
    from_config = {f["path"] for f in json.loads(run_cli(*named).output)["findings"]}
    assert from_config == {"train.py"}


def test_force_exclude_must_be_a_boolean(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[tool.wac-lint]\nforce-exclude = "yes"\n')
    result = run_cli_in(tmp_path, ".")
    assert result.exit_code == 2 and "force-exclude" in result.output
