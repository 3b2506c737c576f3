"""JSON output: a stable, documented shape for scripts (`schema_version` says which; see docs/inference.md)."""

from __future__ import annotations

import json
from typing import Any

from .. import __version__
from ..scan import ScanResult
from .escape import json_text
from .verdict_json import EVIDENCE_CAP, verdict_data

# The shape of this report; see "JSON report versions" in docs/inference.md for what each version changed.
# 2: findings may have the state "dead" (code that cannot run); the inference writes each reason once
# (`inference.reasons`, referenced by id) with capped evidence references; `inference.declared_agreements` and
# `inference.conflicts` compare declared hardware with the code.
SCHEMA_VERSION = 2


def to_data(result: ScanResult, verdict=None, verbose: bool = False) -> dict[str, Any]:
    data = {
        "schema_version": SCHEMA_VERSION,
        "version": __version__,
        "files_scanned": result.files_scanned,
        "findings": [f.to_dict() for f in result.findings],
        "diagnostics": [d.to_dict() for d in result.diagnostics],
        "config_file": result.config_file,
        "skipped": {reason: {"files": files, "folders": folders} for reason, (files, folders) in
                    sorted(result.skipped.items())},
    }
    if verdict is not None:
        data["inference"] = verdict_data(verdict, None if verbose else EVIDENCE_CAP)
    return data


def render(result: ScanResult, verdict=None, *, verbose: bool = False, **_options: Any) -> str:
    return json_text(json.dumps(to_data(result, verdict, verbose), indent=2, ensure_ascii=False)) + "\n"
