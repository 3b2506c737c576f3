""""Did you mean" for rule codes, rule names, targets and hardware ids (issue 14)."""

from __future__ import annotations

import pytest

from whackachip_lint.suggest import close_matches, did_you_mean, did_you_mean_code

from .conftest import run_cli


@pytest.mark.parametrize("word, choices, expected", [
    ("WAC1O1", ["WAC101", "WAC711", "WAC801"], ["WAC101"]),
    ("wacl01", ["WAC101", "WAC102"], ["WAC101"]),
    ("h100", ["nvidia-a100", "nvidia-h100-sxm", "nvidia-h100-pcie"], ["nvidia-h100-sxm", "nvidia-h100-pcie"]),
    ("bf16-precisoin", ["bf16-precision", "fp16-precision", "infiniband"], ["bf16-precision", "fp16-precision"]),
    ("zzzz", ["WAC101"], []),
    ("", ["WAC101"], []),
])
def test_close_matches(word, choices, expected):
    assert close_matches(word, choices) == expected


def test_did_you_mean_lists_with_or():
    assert did_you_mean("x", ["a"]) == ""
    assert did_you_mean("h1", ["h10", "h11", "h12"]) == " (did you mean h10, h11 or h12?)"


@pytest.mark.parametrize("args, hint", [
    (["--select", "WAC1O1", "."], "(did you mean WAC101?)"),
    # a selector takes codes only: a rule name typed there is answered with its code, never with the name itself
    (["--select", "bf16-precison", "."], "(did you mean WAC101 (bf16-precision) or WAC102 (fp16-precision)?)"),
    (["--ignore", "bf16-precision", "."], "(did you mean WAC101 (bf16-precision)?)"),
    (["--target", "v100", "."], "(did you mean nvidia-v100?)"),
    (["--target", "h100", "."], "(did you mean nvidia-h100-sxm"),
    (["hardware", "v100"], "(did you mean nvidia-v100?)"),
    (["rule", "WAC1O1"], "(did you mean WAC101?)"),
])
def test_the_cli_suggests(args, hint):
    result = run_cli(*args)
    assert result.exit_code == 2 and hint in result.output


def test_rule_accepts_a_rule_name():
    result = run_cli("rule", "bf16-precision")
    assert result.exit_code == 0 and result.output.startswith("WAC101 bf16-precision")


def test_a_selector_hint_names_codes_and_is_accepted_by_the_selector():
    assert did_you_mean_code("WAC1O1") == " (did you mean WAC101?)"
    assert did_you_mean_code("infiniband") == " (did you mean WAC301 (infiniband)?)"
    assert did_you_mean_code("zzzz") == ""
    hinted = did_you_mean_code("bf16-precision").split("did you mean ")[1].split(" ")[0]
    result = run_cli("--select", hinted, "--verdict-only", "tests/fixtures/repos/hunyuan_large")
    assert result.exit_code == 0, result.output


def test_a_config_selector_hints_with_codes(tmp_path):
    (tmp_path / "wac-lint.toml").write_text('select = ["bf16-precision"]\n')
    (tmp_path / "train.py").write_text("x = 1\n")
    result = run_cli("--config", str(tmp_path / "wac-lint.toml"), str(tmp_path))
    assert result.exit_code == 2 and "(did you mean WAC101 (bf16-precision)?)" in result.output
