"""The report's JSON Schema as `wac-lint schema` prints it, and a validator every JSON report in the tests goes through."""

from __future__ import annotations

import json

import jsonschema
from click.testing import CliRunner

from whackachip_lint.cli import main


def printed_schema() -> dict:
    result = CliRunner().invoke(main, ["schema"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


SCHEMA = printed_schema()
VALIDATOR = jsonschema.Draft202012Validator(SCHEMA)


def check_report(data: dict) -> dict:
    errors = sorted(VALIDATOR.iter_errors(data), key=lambda e: list(e.absolute_path))
    assert not errors, "report does not follow `wac-lint schema`:\n" + "\n".join(
        f"{list(e.absolute_path)}: {e.message}" for e in errors[:10])
    return data


def validating(to_data):
    def checked(*args, **kwargs):
        return check_report(to_data(*args, **kwargs))
    return checked
