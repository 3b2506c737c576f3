"""The official SARIF 2.1.0 schema (tests/data/, see its README) and a validator every SARIF test output goes through."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema

SCHEMA = json.loads((Path(__file__).parent / "data" / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
VALIDATOR = jsonschema.Draft4Validator(SCHEMA, format_checker=jsonschema.Draft4Validator.FORMAT_CHECKER)


def check_sarif(doc: dict) -> dict:
    """`doc`, after asserting it is valid SARIF 2.1.0."""
    errors = sorted(VALIDATOR.iter_errors(doc), key=lambda e: list(e.absolute_path))
    assert not errors, "invalid SARIF:\n" + "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors[:10])
    return doc


def validating(to_sarif):
    """Wrap the reporter's `to_sarif` so that every document it builds during the tests is validated."""
    def checked(*args, **kwargs):
        return check_sarif(to_sarif(*args, **kwargs))
    return checked
