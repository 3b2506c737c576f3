"""The JSON report's schema: shipped, printed by `wac-lint schema`, followed by every fixture repo's report."""

from __future__ import annotations

import json

import jsonschema
import pytest

from whackachip_lint.report.json import SCHEMA_VERSION

from ..conftest import REPOS, scan_repo_json
from ..report_schema import SCHEMA, VALIDATOR, check_report

FIXTURE_REPOS = sorted(p.name for p in REPOS.iterdir() if p.is_dir())


def test_the_schema_is_valid_and_versioned():
    jsonschema.Draft202012Validator.check_schema(SCHEMA)
    assert SCHEMA["properties"]["schema_version"] == {"const": SCHEMA_VERSION,
                                                      "description": SCHEMA["properties"]["schema_version"]["description"]}


@pytest.mark.parametrize("name", FIXTURE_REPOS)
def test_every_fixture_repo_report_follows_the_schema(name):
    report = check_report(scan_repo_json(REPOS / name))
    assert report["schema_version"] == SCHEMA_VERSION


def test_the_schema_rejects_a_report_with_a_renamed_key():
    report = scan_repo_json(REPOS / FIXTURE_REPOS[0])
    assert not list(VALIDATOR.iter_errors(report))
    broken = json.loads(json.dumps(report))
    broken["findings"][0]["file"] = broken["findings"][0].pop("path")
    assert list(VALIDATOR.iter_errors(broken))
    del broken["schema_version"]
    assert any("schema_version" in e.message for e in VALIDATOR.iter_errors(broken))
