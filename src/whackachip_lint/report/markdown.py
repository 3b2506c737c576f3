"""A Markdown report for `$GITHUB_STEP_SUMMARY` and pull-request comments: the verdict first, then the evidence
that carries it, each piece linked to its line.

Links point at the file on GitHub when the run is a GitHub Actions job (GITHUB_SERVER_URL, GITHUB_REPOSITORY and
GITHUB_SHA are set), with the path relative to the repository root; otherwise they are relative paths.
"""

from __future__ import annotations

import os
import re
from typing import Any
from urllib.parse import quote

from ..evidence import Finding, Level, State
from ..results import ScanResult
from .bottom_line import bottom_line, conflict_texts, floor_level, floors_shown, vendors_named
from .text import location, summary
from .verdict_text import DEFAULT, by_export_class, clipped, fitting

# How many findings in force the report lists as top evidence, and how many contradictions and unscanned files (the
# JSON and SARIF reports have them all); each message is cut at the text verdict's line length.
TOP_EVIDENCE = 15
_SPECIAL = str.maketrans({c: f"\\{c}" for c in "\\`*_[]<>|#"})
# GitHub turns `@name` into a mention (a notification to that person) and `#12` or `owner/repo#12` into a reference
# (an event on that issue) after Markdown is rendered, so a backslash does not stop them: a word joiner (U+2060,
# invisible) after the sign does, in pull-request comments and step summaries alike.
_MENTION_OR_REFERENCE = re.compile(r"([@#])(?=[A-Za-z0-9])")
_WORD_JOINER = "\u2060"


def escape(text: str) -> str:
    """Text from the scanned repository, made inert in Markdown (no links, tags, tables or code it did not mean; no
    mentions or issue references on GitHub)."""
    inert = " ".join(str(text).split()).translate(_SPECIAL)
    return _MENTION_OR_REFERENCE.sub(lambda m: m.group(1) + _WORD_JOINER, inert)


def link(finding: Finding, locator: Any = None, env: dict[str, str] | None = None) -> str:
    env = os.environ if env is None else env
    label = escape(location(finding))
    path = locator.relative(finding.path) if locator is not None else None
    server, repo, sha = env.get("GITHUB_SERVER_URL"), env.get("GITHUB_REPOSITORY"), env.get("GITHUB_SHA")
    if path is not None and server and repo and sha:
        target = f"{server}/{repo}/blob/{sha}/{quote(path)}#L{finding.line}"
    else:
        target = f"{quote(finding.path)}#L{finding.line}"
    return f"[{label}]({target})"


def _ranked(findings: list[Finding]) -> list[Finding]:
    in_force = [f for f in findings if f.state is State.ENABLED and not f.suppressed]
    return sorted(in_force, key=lambda f: (-f.level.rank, f.rule, f.path, f.line))


def render_verdict(verdict) -> list[str]:
    a = verdict.overall
    out = [f"**Bottom line:** {escape(bottom_line(verdict))}", ""]
    likely, possible = vendors_named(a)
    excluded = [v.name for v in a.vendors if v.status == "excluded"]
    # The possible vendors with something in their favour are named beside a likely one, as the bottom line does.
    rows = [("Vendor", (f"{', '.join(likely)} (likely)" if likely else "undecided")
             + (f"; possible: {', '.join(possible)}" if possible else ""))]
    if excluded:
        rows.append(("Excluded vendors", ", ".join(excluded)))
    rows.append(("Architecture floor", "; ".join(
        f"{vendor}: {floor_level(a.architecture_floor[vendor])}" for vendor in floors_shown(verdict))
        or "none set by the evidence"))
    device_class = a.device_class or {}
    rows.append(("Device class", f"{device_class.get('class', 'unknown')}"
                 + (f" ({device_class['strength']})" if device_class.get("strength") else "")))
    consistent = [c for c in a.candidates if c.status == "consistent"]
    # One line per ECCN 3A090 class, least controlled first, names capped as in the text verdict.
    rows.append((f"Consistent parts ({len(consistent)})", [line.strip() for line in by_export_class(consistent)]
                 or "none"))
    conflicts = conflict_texts(verdict)
    shown, left = fitting(conflicts, most=DEFAULT.items, width=None)  # one a line: each line is cut (`_cell`)
    rows.append((f"Conflicts ({len(conflicts)})", shown
                 + ([f"+{left} more (the JSON report lists them all)"] if left else []) or "none"))
    if a.insufficient_evidence:
        rows.append(("Caveat", "insufficient evidence: the statuses are what the evidence allows, not a conclusion"))
    out += ["| | |", "|---|---|"] + [f"| {escape(k)} | {_cell(v)} |" for k, v in rows]
    return out


def _cell(value: str | list[str]) -> str:
    """A table cell: one line, or several lines apart (`<br>`, which GitHub renders in a cell), each escaped and
    cut at the text verdict's line length (`Limits.line`)."""
    lines = [value] if isinstance(value, str) else value
    return "<br>".join(escape(clipped(" ".join(line.split()))) for line in lines)


def render(result: ScanResult, verdict=None, *, locator: Any = None, verdict_only: bool = False,
           **_options: Any) -> str:
    out = ["## wac-lint: hardware verdict", ""]
    if verdict is not None:
        out += render_verdict(verdict)
    else:
        out.append("No verdict.")
    if not verdict_only:
        from ..crosscheck import CONTRADICTION

        contradictions = [f for f in result.findings if f.rule == CONTRADICTION and not f.suppressed]
        if contradictions:
            out += ["", "### Declared hardware the code contradicts", ""]
            out += [f"- {link(f, locator)} {escape(clipped(f.message))}" for f in contradictions[:TOP_EVIDENCE]]
            out += _rest(len(contradictions) - TOP_EVIDENCE)
        ranked = _ranked(result.findings)
        out += ["", f"### Top evidence ({min(len(ranked), TOP_EVIDENCE)} of {len(ranked)} findings in force)", ""]
        out += [f"- {link(f, locator)} `{f.rule}` {escape(clipped(f.message))}" for f in ranked[:TOP_EVIDENCE]]
        errors = [f for f in ranked if f.level is Level.ERROR]
        if errors and not any(f in ranked[:TOP_EVIDENCE] for f in errors):
            out.append(f"- and {len(errors)} errors further down: see the full report")
        if result.diagnostics:
            out += ["", f"### Files not fully scanned ({len({d.path for d in result.diagnostics})})", ""]
            out += [f"- `{escape(d.path)}`: {escape(clipped(d.message))}" for d in result.diagnostics[:TOP_EVIDENCE]]
            out += _rest(len(result.diagnostics) - TOP_EVIDENCE)
    out += ["", f"_{escape(summary(result))}_"]
    return "\n".join(out) + "\n"


def _rest(left: int) -> list[str]:
    """The line that says how many items a capped list left out (none when it left out none)."""
    return [f"- and {left} more (the JSON report lists them all)"] if left > 0 else []
