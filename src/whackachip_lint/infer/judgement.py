"""How one catalog entry fares against the requirements: its status and the reasons (shared by engine.py and
declared.py, so that neither imports the other's types)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .catalog import Entry
from .export_control import export_control_for

CONSISTENT, DISFAVOURED, EXCLUDED = "consistent", "disfavoured", "excluded"
CANDIDATE_ORDER = {CONSISTENT: 0, DISFAVOURED: 1, EXCLUDED: 2}


@dataclass
class Reason:
    constraint: str
    strength: str
    evidence: tuple[str, ...]
    result: str = "fails"  # fails | unknown | supports | contradicts | tie-break
    rule: str = ""  # the rule whose findings impose it ("" when several or none)

    def to_dict(self) -> dict[str, Any]:
        return {"constraint": self.constraint, "strength": self.strength, "evidence": list(self.evidence),
                "result": self.result, "rule": self.rule}


@dataclass
class CandidateVerdict:
    entry: Entry
    status: str
    reasons: list[Reason] = field(default_factory=list)
    recipe: str | None = None

    def to_dict(self) -> dict[str, Any]:
        data = {
            "id": self.entry.id,
            "name": self.entry.name,
            "vendor": self.entry.vendor,
            "status": self.status,
            "reasons": [r.to_dict() for r in self.reasons],
            "export_control": export_control_for(self.entry),
        }
        if self.recipe:
            data["recipe"] = self.recipe
        return data


def worse(a: str, b: str) -> str:
    """The worse of two candidate statuses."""
    return a if CANDIDATE_ORDER[a] >= CANDIDATE_ORDER[b] else b


__all__ = ["CANDIDATE_ORDER", "CONSISTENT", "DISFAVOURED", "EXCLUDED", "CandidateVerdict", "Reason", "worse"]
