"""Release engineering: the wheel holds what the package needs, versions are pinned consistently, the Action is valid."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from whackachip_lint import __version__

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "src" / "whackachip_lint"
# The package-data patterns of pyproject.toml: every such file in the source tree must ship in the wheel.
DATA_SUFFIXES = (".json", ".toml", ".md")


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """The wheel built from this checkout, without an isolated build environment (no network needed)."""
    out = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(out), str(ROOT)],
        check=True, capture_output=True, text=True,
    )
    (built,) = out.glob("whackachip_lint-*.whl")
    return built


def test_wheel_holds_every_module_and_data_file(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    expected = {
        "whackachip_lint/" + path.relative_to(PACKAGE).as_posix()
        for path in PACKAGE.rglob("*")
        if path.is_file() and (path.suffix == ".py" or path.suffix in DATA_SUFFIXES) and "__pycache__" not in path.parts
    }
    assert expected, "the source tree lists no package files"
    missing = sorted(expected - names)
    assert not missing, f"files missing from the wheel: {missing}"
    # The files the scan cannot run without, named so that a change of the patterns above cannot hide them.
    for needed in ("whackachip_lint/data/catalog.json", "whackachip_lint/data/export_rules.json",
                   "whackachip_lint/data/removed_rules.json"):
        assert needed in names


def test_wheel_metadata_names_the_version_and_tested_pythons(wheel):
    with zipfile.ZipFile(wheel) as zf:
        (meta_name,) = [n for n in zf.namelist() if n.endswith(".dist-info/METADATA")]
        meta = zf.read(meta_name).decode()
    assert f"Version: {__version__}\n" in meta
    assert "Requires-Python: >=3.11" in meta
    assert "Classifier: Programming Language :: Python :: 3.11" in meta
    # The classifiers promise what the suite runs on: this interpreter must be one of them.
    assert f"Classifier: Programming Language :: Python :: {sys.version_info[0]}.{sys.version_info[1]}" in meta


def test_version_shows_the_catalog_revision(cli):
    result = cli("--version")
    assert result.exit_code == 0
    raw = (PACKAGE / "data" / "catalog.json").read_bytes()
    copied = json.loads(raw)["copied"]
    digest = hashlib.sha256(raw).hexdigest()[:12]
    assert result.output.strip() == f"wac-lint {__version__} (hardware catalog {copied}, sha256:{digest})"


@pytest.mark.parametrize("doc", ["docs/pre-commit.md", "docs/github-actions.md"])
def test_docs_pin_the_current_version(doc):
    text = (ROOT / doc).read_text(encoding="utf-8")
    pins = re.findall(r"(?:rev: |wac-lint@)v(\d+\.\d+\.\d+)", text)
    assert pins, f"{doc} pins no version"
    assert set(pins) == {__version__}, f"{doc} pins {sorted(set(pins))}, the package is {__version__}"


def test_changelog_has_a_section_for_the_current_version():
    text = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    assert re.search(rf"^## \[{re.escape(__version__)}\] - \d{{4}}-\d{{2}}-\d{{2}}$", text, re.M)


def test_action_yml_is_valid_against_the_actions_schema():
    checker = shutil.which("check-jsonschema", path=str(Path(sys.executable).parent))
    assert checker, "check-jsonschema is a test dependency ('.[test]')"
    result = subprocess.run([checker, "--builtin-schema", "vendor.github-actions", str(ROOT / "action.yml")],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_action_passes_inputs_through_the_environment_only():
    """`${{ inputs.x }}` inside a `run:` script would let a path inject shell code."""
    import yaml

    action = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))
    steps = action["runs"]["steps"]
    scripts = [step["run"] for step in steps if "run" in step]
    assert scripts and not any("${{" in script for script in scripts)
    uses = [step["uses"] for step in steps if "uses" in step]
    assert any(u.startswith("github/codeql-action/upload-sarif@") for u in uses)
    assert any("GITHUB_STEP_SUMMARY" in script for script in scripts)


def _with_removed(monkeypatch, codes: dict) -> None:
    import whackachip_lint.rules as rules

    monkeypatch.setattr(rules, "removed_rules", lambda: codes)


REMOVED = {"WAC199": {"removed_in": "0.1.5", "replaced_by": "WAC101", "why": "merged into bf16-precision"}}


def test_a_removed_code_in_select_warns_and_names_its_replacement(cli, monkeypatch, tmp_path):
    _with_removed(monkeypatch, REMOVED)
    (tmp_path / "a.py").write_text("x = 1\n")
    result = cli("--ignore", "WAC199", str(tmp_path))
    assert result.exit_code == 0
    assert "warning: WAC199 was removed in wac-lint 0.1.5 (merged into bf16-precision); use WAC101 instead" in result.stderr


def test_an_unknown_code_is_still_a_usage_error(cli, monkeypatch, tmp_path):
    _with_removed(monkeypatch, REMOVED)
    result = cli("--ignore", "WAC198", str(tmp_path))
    assert result.exit_code == 2


def test_a_removed_code_in_a_suppression_is_named_in_wac001(cli, monkeypatch, tmp_path):
    _with_removed(monkeypatch, REMOVED)
    (tmp_path / "a.py").write_text("x = 1  # wac-lint: disable=WAC199\n")
    result = cli("--format", "json", str(tmp_path))
    findings = json.loads(result.stdout)["findings"]
    (unused,) = [f for f in findings if f["rule"] == "WAC001"]
    assert "WAC199 was removed in wac-lint 0.1.5" in unused["message"] and "use WAC101 instead" in unused["message"]
