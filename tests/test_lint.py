"""`lint()`: the one pipeline (discover -> extract -> infer -> policy) that the CLI and the fleet commands run."""

from __future__ import annotations

import json

from whackachip_lint.config import Settings
from whackachip_lint.evidence import Level
from whackachip_lint.infer.engine import infer
from whackachip_lint.lint import conclude, lint
from whackachip_lint.scan import scan

from .conftest import REPOS, run_cli

FLEET_REPO = REPOS / "fleet_v100"


def _settings(**values) -> Settings:
    return Settings(use_cache=False, **values)


def test_lint_applies_the_policy_without_changing_the_scan_it_inferred_from():
    report = lint([FLEET_REPO], _settings(targets=["nvidia-v100"]))
    bf16 = [f for f in report.result.findings if f.path == "train.py" and f.span.line == 5]
    assert [(f.rule, f.level) for f in bf16] == [("WAC101", Level.ERROR)]
    assert "your target nvidia-v100 does not meet" in bf16[0].message
    # The verdict reads the evidence as scanned; the scan itself was not changed in place.
    assert [(f.rule, f.level) for f in report.scanned.findings if f.span.line == 5] == [("WAC101", Level.NOTE)]
    assert report.result is not report.scanned
    assert report.verdict.to_dict() == infer(report.scanned).to_dict()


def test_lint_without_targets_reports_the_scan_as_it_is():
    report = lint([FLEET_REPO], _settings())
    assert report.result is report.scanned
    assert report.result.findings == scan([FLEET_REPO], _settings()).findings


def test_lint_of_standard_input_reads_the_bytes_as_the_named_file(tmp_path):
    report = lint([], _settings(), stdin=b"torch.set_default_dtype(torch.bfloat16)\n", stdin_filename="x.py",
                  config_file=tmp_path / "wac-lint.toml")
    assert report.result.files == ["x.py"]
    assert [f.rule for f in report.result.findings] == ["WAC101"]
    assert report.result.config_file == str(tmp_path / "wac-lint.toml")


def test_conclude_of_an_assembled_scan_is_what_lint_gives():
    settings = _settings(targets=["nvidia-v100"])
    scanned = scan([FLEET_REPO], settings)
    assert conclude(scanned, settings).result.findings == lint([FLEET_REPO], settings).result.findings


def test_the_cli_reports_what_lint_gives():
    report = lint([FLEET_REPO], _settings(targets=["nvidia-v100"]))
    result = run_cli("--format", "json", "--no-cache", str(FLEET_REPO))
    assert result.exit_code == 1, result.output
    data = json.loads(result.output)
    assert [(f["rule"], f["line"], f["level"]) for f in data["findings"]] == [
        (f.rule, f.span.line, f.level.value) for f in report.result.findings]
