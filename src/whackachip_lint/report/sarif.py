"""SARIF 2.1.0 output, built from plain dicts, for GitHub code scanning and other SARIF viewers.

What GitHub needs and how we give it (see docs/github-actions.md):
- every rule, in registry order, with id, name, descriptions, help (text and Markdown, from the same text as
  `wac-lint rule CODE`), helpUri, default level, tags and precision; never `security-severity` (hardware facts are
  not vulnerabilities);
- findings at warning level and above (all evidence notes too with `--sarif-evidence`; `mentioned` never) as
  results, suppressed ones included and marked `inSource`; with `--sarif-evidence` a finding in code that cannot
  run (state `dead`) is kept as an `informational` result of level `none`, so a viewer shows no problem for it
  (never by default); each result has a URI relative to the repository root under `%SRCROOT%` (declared in
  `originalUriBaseIds`; a file outside it gets an absolute `file://` URI), a 1-based region in code points
  (`columnKind`), a line-hash fingerprint, and the finding's signal, value and state in its properties;
- files that could not be scanned as tool execution notifications, and the verdict's bottom line as a run-level
  note; the whole inference verdict in `run.properties`.
The output has no timestamps, so the same tree at the same place gives byte-identical SARIF.
"""

from __future__ import annotations

import hashlib
from typing import Any
from urllib.parse import quote

from .. import __version__
from ..docs import PROJECT_URL, help_uri, rule_markdown, rule_text
from ..evidence import Finding, Level, State
from ..rules import ALL_RULES
from ..results import ScanResult
from . import indented_json
from .escape import json_text, sarif_message
from .text import DIAGNOSTIC_LEVEL

SARIF_VERSION = "2.1.0"
SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
SRCROOT = "%SRCROOT%"
AUTOMATION_ID = "wac-lint/"
# GitHub code scanning rejects runs with more results than this.
MAX_RESULTS = 25_000
# GitHub keeps at most 20 tags per rule.
MAX_TAGS = 20
VERDICT_NOTE_ID = "wac-lint/verdict"


# Code that cannot run is evidence of nothing in force: a result for the record, not a problem (SARIF 3.27.9: a
# result whose kind is not "fail" has level "none").
_DEAD = {"kind": "informational", "level": "none"}


def artifact_uri(path: str) -> str:
    """A relative URI reference for a "/"-separated path (spaces, `#`, `%`... percent-encoded)."""
    return quote(path, safe="/")


def sarif_rule(rule) -> dict[str, Any]:
    tags = list(dict.fromkeys(["hardware-evidence", rule.family, *rule.tags]))[:MAX_TAGS]
    return {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": f"{rule.title}."},  # as written: "bf16", "TF32" keep their case
        "fullDescription": {"text": rule.summary},
        "help": {"text": rule_text(rule), "markdown": rule_markdown(rule)},
        "helpUri": help_uri(rule),
        "defaultConfiguration": {"level": rule.level.value},
        "properties": {"tags": tags, "precision": rule.precision},
    }


def line_hash(finding: Finding) -> str:
    """A hash of what the finding is about, stable when lines move (GitHub's `primaryLocationLineHash` role)."""
    normalised = " ".join(finding.snippet.split())
    return hashlib.sha256(f"{finding.rule}\0{normalised}".encode()).hexdigest()[:16]


def region(finding: Finding) -> dict[str, int]:
    span = finding.span
    start_column = max(1, span.column)
    end_line = max(span.line, span.end_line)
    end_column = max(1, span.end_column)
    if end_line == span.line and end_column <= start_column:
        end_column = start_column + 1  # an empty span still marks one character
    return {"startLine": max(1, span.line), "startColumn": start_column, "endLine": end_line, "endColumn": end_column}


def artifact_location(path: str, locator: Any = None) -> dict[str, str]:
    """A relative URI under %SRCROOT% (the repository root, with a locator), or an absolute `file://` URI for a
    file outside it."""
    relative = locator.relative(path) if locator is not None else path
    if relative is None:
        return {"uri": locator.absolute_uri(path)}
    return {"uri": artifact_uri(relative), "uriBaseId": SRCROOT}


def sarif_result(finding: Finding, rule_index: dict[str, int], occurrence: int, locator: Any = None
                 ) -> dict[str, Any]:
    properties: dict[str, Any] = {"signal": finding.signal, "value": finding.value, "state": finding.state.value}
    if finding.properties:
        properties["details"] = dict(sorted(finding.properties.items()))
    result: dict[str, Any] = {
        "ruleId": finding.rule,
        **(_DEAD if finding.state is State.DEAD else {"level": finding.level.value}),
        "message": {"text": sarif_message(finding.message)},
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": artifact_location(finding.path, locator),
                    "region": region(finding),
                }
            }
        ],
        "partialFingerprints": {"primaryLocationLineHash": f"{line_hash(finding)}:{occurrence}"},
        "properties": properties,
    }
    if finding.rule in rule_index:
        result["ruleIndex"] = rule_index[finding.rule]
    if finding.suppressed:
        result["suppressions"] = [{"kind": "inSource"}]
    return result


def notification(path: str | None, message: str, level: str = "warning", locator: Any = None) -> dict[str, Any]:
    note: dict[str, Any] = {"level": level, "message": {"text": sarif_message(message)}}
    if path and not path.startswith("<"):  # `<plugins>` names no file
        note["locations"] = [{"physicalLocation": {"artifactLocation": artifact_location(path, locator)}}]
    return note


def uploaded(finding: Finding, evidence: bool) -> bool:
    """What code scanning gets: findings at warning and above (fleet-policy errors, declared-vs-code
    contradictions); with `evidence`, the evidence notes and the `dead` findings (as informational results) too.
    A `mentioned` finding constrains nothing: never."""
    if finding.state is State.MENTIONED:
        return False
    if finding.state is State.DEAD:
        return evidence
    return evidence or finding.level.rank >= Level.WARNING.rank


def verdict_notification(verdict: Any) -> dict[str, Any] | None:
    """The verdict's bottom line as a run-level note (the whole verdict is in `run.properties`)."""
    if verdict is None or not hasattr(verdict, "overall"):
        return None
    from .bottom_line import bottom_line

    text = f"Hardware verdict: {bottom_line(verdict)}"
    return {"level": "note", "message": {"text": text}, "descriptor": {"id": VERDICT_NOTE_ID}}


def _verdict_data(verdict: Any) -> Any:
    if verdict is None:
        return None
    if hasattr(verdict, "to_dict"):
        return verdict.to_dict()
    return verdict


def to_sarif(result: ScanResult, verdict: Any = None, *, targets: list[str] | None = None, locator: Any = None,
             evidence: bool = False) -> dict[str, Any]:
    """The SARIF log; `locator` (report.locations.SarifLocator) places files under the repository root,
    `evidence` uploads the evidence notes too."""
    rules = list(ALL_RULES.values())
    rule_index = {rule.code: index for index, rule in enumerate(rules)}
    findings = [f for f in result.findings if uploaded(f, evidence)]
    notifications = []
    if len(findings) > MAX_RESULTS:
        notifications.append(notification(
            None,
            f"Only the first {MAX_RESULTS:,} of {len(findings):,} results are included (GitHub's limit per run); "
            "narrow the scan with --select or exclude.",
        ))
        findings = findings[:MAX_RESULTS]

    seen: dict[tuple[str, str], int] = {}
    results = []
    for finding in findings:
        key = (finding.path, line_hash(finding))
        occurrence = seen.get(key, 0)
        seen[key] = occurrence + 1
        results.append(sarif_result(finding, rule_index, occurrence, locator))

    notifications = [notification(d.path, f"{d.path}: {d.message}", DIAGNOSTIC_LEVEL, locator)
                     for d in result.diagnostics] + notifications
    verdict_note = verdict_notification(verdict)
    if verdict_note is not None:
        notifications.append(verdict_note)
    invocation: dict[str, Any] = {"executionSuccessful": result.files_scanned > 0 or not result.diagnostics}
    if notifications:
        invocation["toolExecutionNotifications"] = notifications

    run_properties: dict[str, Any] = {"filesScanned": result.files_scanned, "configFile": result.config_file}
    if result.skipped:
        run_properties["skipped"] = {reason: {"files": files, "folders": folders}
                                     for reason, (files, folders) in sorted(result.skipped.items())}
    if targets:
        run_properties["targets"] = list(targets)
    data = _verdict_data(verdict)
    if data is not None:
        run_properties["verdict"] = data

    run = {
        "tool": {
            "driver": {
                "name": "wac-lint",
                "version": __version__,
                "semanticVersion": __version__,
                "informationUri": PROJECT_URL,
                "rules": [sarif_rule(rule) for rule in rules],
            }
        },
        "automationDetails": {"id": AUTOMATION_ID},
        "originalUriBaseIds": {SRCROOT: _base_location(locator)},
        "columnKind": "unicodeCodePoints",
        "invocations": [invocation],
        "results": results,
        "properties": run_properties,
    }
    return {"$schema": SARIF_SCHEMA, "version": SARIF_VERSION, "runs": [run]}


def _base_location(locator: Any) -> dict[str, Any]:
    if locator is None:  # results built without knowing where the files are: say what the base means
        return {"description": {"text": "The directory the scan reported paths relative to."}}
    return {"uri": locator.base_uri(),
            "description": {"text": "The repository root (git top level), or the scanned directory outside git."}}


def render(result: ScanResult, verdict: Any = None, *, targets: list[str] | None = None, locator: Any = None,
           sarif_evidence: bool = False, **_options: Any) -> str:
    doc = to_sarif(result, verdict, targets=targets, locator=locator, evidence=sarif_evidence)
    return json_text(indented_json.dumps(doc)) + "\n"
