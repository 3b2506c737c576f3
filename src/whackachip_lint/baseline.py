"""Baselines: adopt wac-lint on an existing repository, then hold the line.

`--write-baseline FILE` records every current finding (not suppressed); `--baseline FILE` then leaves out the
findings it records, so only new ones are reported and counted for the exit code. A finding is recorded by rule,
file (relative to the baseline file's directory, so the run's current directory does not matter) and a hash of
its line's text (the SARIF fingerprint), with a count: moving lines keeps a finding matched, a second copy of the
same line is new.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from pathlib import Path

from .evidence import Finding
from .report.sarif import line_hash

BASELINE_VERSION = 1


class BaselineError(Exception):
    """A baseline file that cannot be read; the message names it."""


def _key(finding: Finding, base: Path, cwd: str) -> tuple[str, str, str]:
    absolute = os.path.normpath(os.path.join(cwd, finding.path))
    return finding.rule, Path(os.path.relpath(absolute, base)).as_posix(), line_hash(finding)


def _base(path: Path) -> Path:
    return Path(os.path.abspath(path)).parent


def baseline_text(findings: list[Finding], path: Path, cwd: str | None = None) -> str:
    cwd = cwd or os.getcwd()
    counts = Counter(_key(f, _base(path), cwd) for f in findings if not f.suppressed)
    entries = [{"rule": rule, "path": file, "fingerprint": fingerprint, "count": n}
               for (rule, file, fingerprint), n in sorted(counts.items())]
    return json.dumps({"wac_lint_baseline": BASELINE_VERSION, "findings": entries}, indent=2) + "\n"


def load_baseline(path: Path) -> Counter:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise BaselineError(f"cannot read baseline {path}: {exc.strerror or exc}") from None
    except ValueError as exc:
        raise BaselineError(f"baseline {path} is not JSON: {exc}") from None
    if not isinstance(data, dict) or data.get("wac_lint_baseline") != BASELINE_VERSION \
            or not isinstance(data.get("findings"), list):
        raise BaselineError(f"{path} is not a wac-lint baseline (write one with --write-baseline)")
    counts: Counter = Counter()
    for entry in data["findings"]:
        try:
            counts[(entry["rule"], entry["path"], entry["fingerprint"])] += int(entry.get("count", 1))
        except (KeyError, TypeError, ValueError):
            raise BaselineError(f"{path}: malformed entry {entry!r}") from None
    return counts


def apply_baseline(findings: list[Finding], path: Path, cwd: str | None = None) -> tuple[list[Finding], int]:
    """The findings the baseline does not record, and how many it matched."""
    cwd = cwd or os.getcwd()
    remaining = load_baseline(path)
    kept, matched = [], 0
    for finding in findings:
        key = _key(finding, _base(path), cwd)
        if not finding.suppressed and remaining[key] > 0:
            remaining[key] -= 1
            matched += 1
        else:
            kept.append(finding)
    return kept, matched
