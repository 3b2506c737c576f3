"""The one option table (options.py): Settings, config keys, flags, the cache key and the docs come from it."""

from __future__ import annotations

import dataclasses

import pytest

from whackachip_lint import cache, options
from whackachip_lint.cli import scan as scan_command
from whackachip_lint.config import CONFIG_KEYS, Settings, apply_config, load_config
from whackachip_lint.options import OPTIONS, Option

from .conftest import run_cli_in


def test_configuration_docs_are_current():
    assert options.main(["--check"]) == 0, "run: python -m whackachip_lint.options"


def test_stale_configuration_docs_are_found(monkeypatch, tmp_path, capsys):
    doc = tmp_path / "configuration.md"
    doc.write_text(f"# Configuration\n\n{options.BEGIN}\nold text\n{options.END}\n\nKept.\n", encoding="utf-8")
    monkeypatch.setattr(options, "DOC", doc)
    assert options.main(["--check"]) == 1
    assert options.main([]) == 0
    text = doc.read_text(encoding="utf-8")
    assert "old text" not in text and "| `max_file_bytes` | `max-file-size` |" in text and text.endswith("\n\nKept.\n")
    assert options.main(["--check"]) == 0


def test_settings_fields_are_the_options():
    fields = [f.name for f in dataclasses.fields(Settings)]
    assert fields == [o.name for o in OPTIONS if not o.extends] + ["config_ignored"]
    assert Settings().select == ["ALL"] and Settings().select is not Settings().select  # a fresh list each time


def test_every_option_with_a_flag_is_a_scan_flag_and_every_key_a_config_key():
    params = {p.name: p for p in scan_command.params}
    for option in OPTIONS:
        if option.flags:
            assert params[option.param_name].opts + params[option.param_name].secondary_opts == list(option.flags)
        if option.key and not option.untrusted:
            assert CONFIG_KEYS[option.key] == (option.name, option.parse)
    assert set(CONFIG_KEYS) == {o.key for o in OPTIONS if o.key and not o.untrusted}


def test_the_cache_key_leaves_out_exactly_the_options_that_never_change_results():
    key = cache.settings_key(Settings())
    assert set(key) == {o.name for o in OPTIONS if o.in_cache_key and not o.extends}


def test_a_flag_overrides_the_file_and_a_flag_left_at_its_default_does_not(tmp_path):
    (tmp_path / "wac-lint.toml").write_text('exclude = ["*.py"]\nfail-level = "note"\n', encoding="utf-8")
    (tmp_path / "train.py").write_text("import torch\ntorch.set_default_dtype(torch.bfloat16)\n", encoding="utf-8")
    (tmp_path / "run.sh").write_text("export NCCL_DEBUG=INFO\n", encoding="utf-8")
    from_file = run_cli_in(tmp_path, "--no-cache", "--format", "concise", ".")
    assert from_file.exit_code == 1  # the file's fail-level: a note fails
    assert "train.py" not in from_file.output and "run.sh:1:" in from_file.output
    replaced = run_cli_in(tmp_path, "--no-cache", "--format", "concise", "--exclude", "nothing",
                          "--extend-exclude", "*.sh", ".")
    assert replaced.exit_code == 1
    assert "train.py:2:" in replaced.output and "run.sh" not in replaced.output
    assert run_cli_in(tmp_path, "--no-cache", "--fail-level", "warning", ".").exit_code == 0


def test_config_values_extend_the_setting_an_option_extends(tmp_path):
    path = tmp_path / "wac-lint.toml"
    path.write_text('exclude = ["a/"]\nextend-exclude = ["b/"]\n', encoding="utf-8")
    assert apply_config(Settings(), load_config(path)).exclude == ["a/", "b/"]


def test_a_new_option_row_is_a_setting_a_key_a_flag_and_documented(monkeypatch):
    row = Option("colour_scheme", "str", "plain", "The colours of the text report.", key="colour-scheme",
                 parse=lambda path, key, value: value, flags=("--colour-scheme",), example='"plain"')
    monkeypatch.setattr(options, "OPTIONS", (*OPTIONS, row))
    settings = options._settings_class()()
    assert settings.colour_scheme == "plain"
    doc = options.configuration_markdown()
    assert 'colour-scheme = "plain"' in doc
    assert "| `colour_scheme` | `colour-scheme` | `--colour-scheme` | `\"plain\"` | The colours" in doc


@pytest.mark.parametrize("given, expected", [((), []), (("WAC1,WAC2", " WAC3 "), ["WAC1", "WAC2", "WAC3"])])
def test_repeated_comma_separated_flags_are_one_list(given, expected):
    assert options.split_commas(given) == expected
