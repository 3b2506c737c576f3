"""End to end: the CLI on each fixture repo gives exactly the expected (rule, path, line, state) set.

Each `fixtures/expected/NAME.json` holds {"findings": [[rule, path, line, state], ...]} for
`fixtures/repos/NAME/`, written by hand from reading the fixture (never regenerated blindly).
"""

from __future__ import annotations

import json

import pytest

from ..conftest import EXPECTED, REPOS, scan_repo_json

CASES = sorted(p.stem for p in EXPECTED.glob("*.json"))


@pytest.mark.parametrize("name", CASES)
def test_fixture_repo_findings_are_exact(name):
    expected = json.loads((EXPECTED / f"{name}.json").read_text())
    report = scan_repo_json(REPOS / name)
    got = sorted([f["rule"], f["path"], f["line"], f["state"]] for f in report["findings"])
    want = sorted(list(row) for row in expected["findings"])
    missing = [row for row in want if row not in got]
    extra = [row for row in got if row not in want]
    assert not missing and not extra, f"missing: {missing}\nunexpected: {extra}"
    assert report["diagnostics"] == expected.get("diagnostics", [])


def test_every_fixture_repo_has_expectations():
    repos = sorted(p.name for p in REPOS.iterdir() if p.is_dir())
    assert repos, "no fixture repos: the parametrised tests that read them would pass vacuously"
    assert repos == CASES
