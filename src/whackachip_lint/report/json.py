"""JSON output: a stable, documented shape for scripts (data/report.schema.json, printed by `wac-lint schema`;
`schema_version` says which; see docs/inference.md)."""

from __future__ import annotations

from typing import Any

from .. import __version__
from ..evidence import Finding
from ..results import ScanResult
from . import indented_json
from .escape import json_text
from .text import notebook_cell
from .verdict_json import EVIDENCE_CAP, verdict_data

# The shape of this report; see "JSON report versions" in docs/inference.md for what each version changed.
# 2: findings may have the state "dead" (code that cannot run); the inference writes each reason once
# (`inference.reasons`, referenced by id) with capped evidence references; `inference.declared_agreements` and
# `inference.conflicts` compare declared hardware with the code.
SCHEMA_VERSION = 2


def to_data(result: ScanResult, verdict=None, verbose: bool = False, *, root: str | None = None,
            paths: list[str] | None = None) -> dict[str, Any]:
    """The report; finding and diagnostic paths are relative to the current directory (as printed), `root` is the
    directory the verdict's file:line references are relative to, `paths` the scanned paths as given."""
    data = {
        "schema_version": SCHEMA_VERSION,
        "version": __version__,
        "root": root if root is not None else result.root.as_posix(),
        "paths": list(paths) if paths is not None else [],
        "files_scanned": result.files_scanned,
        "findings": [finding_data(f) for f in result.findings],
        "diagnostics": [d.to_dict() for d in result.diagnostics],
        "config_file": result.config_file,
        "skipped": {reason: {"files": files, "folders": folders} for reason, (files, folders) in
                    sorted(result.skipped.items())},
    }
    if result.baseline is not None:
        data["baseline"] = {"file": result.baseline[0], "matched": result.baseline[1]}
    if verdict is not None:
        data["inference"] = verdict_data(verdict, None if verbose else EVIDENCE_CAP)
    return data


def finding_data(finding: Finding) -> dict[str, Any]:
    """A finding; `line`/`column` are in the file, and a notebook finding adds `cell` (number, line, column)."""
    data = finding.to_dict()
    cell = notebook_cell(finding)
    if cell is not None:
        data["cell"] = cell
    return data


def render(result: ScanResult, verdict=None, *, verbose: bool = False, root: str | None = None,
           paths: list[str] | None = None, **_options: Any) -> str:
    data = to_data(result, verdict, verbose, root=root, paths=paths)
    return json_text(indented_json.dumps(data)) + "\n"


def schema_text() -> str:
    """The JSON Schema of the report, as shipped in the package."""
    from importlib import resources

    return resources.files("whackachip_lint.data").joinpath("report.schema.json").read_text(encoding="utf-8")
