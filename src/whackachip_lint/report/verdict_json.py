"""The verdict as compact JSON (report schema version 2): each reason written once, referenced by id.

`Verdict.to_dict()` repeats every reason, with all its evidence, under every candidate and vendor it concerns:
findings x candidates. Here the reasons go into one table, `reasons` (`{"r1": {...}, ...}`, in order of first
use), and candidates, vendors, architecture floors and the device class list reason ids. Recipes carry their
statuses only (their reasons repeat the overall ones with the recipe's own evidence), except with `cap=None`
(`--verbose`), where they list reason ids too. Evidence is a list of
structured references `{"path", "line", "rule"}` capped at `EVIDENCE_CAP` per item, with the full count beside it
(`evidence_count`); the findings list keeps every location. Everything else `to_dict()` holds is passed through,
so fields the inference adds later appear unchanged.
"""

from __future__ import annotations

from typing import Any, Iterable

from .bottom_line import bottom_line

EVIDENCE_CAP = 10  # locations per reason (and per other evidence list); None keeps all
FILES_CAP = 50  # files listed per recipe
OPTIONAL_FILES_CAP = 5  # files listed per optional requirement (with its file_count)


def verdict_data(verdict, cap: int | None = EVIDENCE_CAP) -> dict[str, Any]:
    data = verdict.to_dict()
    table = _ReasonTable(cap)
    _assessment(data, table, cap)
    for key in ("gpus_per_node", "nodes"):
        data[key] = _counts(data.get(key), cap)
    for key in ("memory", "scale"):
        data[key] = _with_references(data.get(key), cap)
    if isinstance(data.get("memory"), dict) and data["memory"].get("activations"):
        data["memory"]["activations"] = _with_references(data["memory"]["activations"], cap)
    data["interconnect"] = _interconnect(data.get("interconnect") or {}, cap)
    for recipe in data.get("recipes", []):
        if cap is None:
            _assessment(recipe, table, cap)
        else:  # each recipe's reasons repeat the overall ones with its own evidence: statuses only, unless verbose
            for vendor in recipe.get("vendors", []):
                vendor.pop("reasons", None)
            recipe["architecture_floor"] = {vendor: {k: v for k, v in floor.items() if k != "set_by"}
                                            for vendor, floor in (recipe.get("architecture_floor") or {}).items()}
            recipe["device_class"] = {k: v for k, v in (recipe.get("device_class") or {}).items()
                                      if k in ("class", "strength")}
        files = recipe.get("files") or []
        recipe["files"], recipe["files_count"] = _capped(files, FILES_CAP if cap is not None else None), len(files)
    # New dicts: to_dict() shares these with the verdict, which must keep every file.
    data["optional_requirements"] = [
        {**item, "files": _capped(item.get("files") or [], OPTIONAL_FILES_CAP if cap is not None else None)}
        for item in data.get("optional_requirements") or []]
    for key in ("declared_agreements", "conflicts"):
        data[key] = [_inline(item, cap) for item in data.get(key, [])]
    for candidate in data.get("candidates", []):
        candidate["reasons"] = table.ids(candidate["reasons"])
    data["reasons"] = table.entries
    data["bottom_line"] = bottom_line(verdict)
    return data


def _assessment(data: dict[str, Any], table: "_ReasonTable", cap: int | None) -> None:
    """Vendors, floors and device class of the overall verdict or of one recipe: reasons by id."""
    for vendor in data.get("vendors", []):
        vendor["reasons"] = table.ids(vendor["reasons"])
    # new dicts: to_dict() shares these with the verdict (and the overall verdict with its recipes)
    data["architecture_floor"] = {vendor: {**floor, "set_by": table.ids(floor["set_by"])}
                                  for vendor, floor in (data.get("architecture_floor") or {}).items()}
    if data.get("device_class"):
        data["device_class"] = _device_class(data["device_class"], table, cap)


class _ReasonTable:
    """Reasons by content: the same reason met twice gets the same id."""

    def __init__(self, cap: int | None):
        self.cap = cap
        self.entries: dict[str, dict[str, Any]] = {}
        self._by_key: dict[tuple, str] = {}

    def ids(self, reasons: Iterable[dict[str, Any]]) -> list[str]:
        return [self.id(r) for r in reasons]

    def id(self, reason: dict[str, Any]) -> str:
        key = (reason.get("constraint"), reason.get("strength"), reason.get("result"), reason.get("rule"),
               tuple(reason.get("evidence", ())))
        found = self._by_key.get(key)
        if found is None:
            found = self._by_key[key] = f"r{len(self._by_key) + 1}"
            self.entries[found] = _reason(reason, self.cap)
        return found


def _reason(reason: dict[str, Any], cap: int | None) -> dict[str, Any]:
    out = {k: v for k, v in reason.items() if k != "evidence" and v not in (None, "")}
    evidence = list(reason.get("evidence", ()))
    out["evidence"] = [reference(e, reason.get("rule")) for e in _capped(evidence, cap)]
    out["evidence_count"] = len(evidence)
    return out


def reference(where: str, rule: str | None = None, value: str | None = None) -> dict[str, Any]:
    """`path:line` -> {"path", "line", "rule"} (line None when the text names no line)."""
    path, _, line = where.rpartition(":")
    if line.isdigit() and path:
        ref: dict[str, Any] = {"path": path, "line": int(line)}
    else:
        ref = {"path": where, "line": None}
    if rule:
        ref["rule"] = rule
    if value is not None:
        ref["value"] = value
    return ref


def _capped(items: list, cap: int | None) -> list:
    return items if cap is None else items[:cap]


def _inline(item: dict[str, Any], cap: int | None) -> dict[str, Any]:
    """A declaration check, kept whole (both locations at hand), with structured capped evidence."""
    out = dict(item)
    for key, value in item.items():
        if isinstance(value, dict) and "evidence" in value:
            out[key] = _reason(value, cap)
        elif isinstance(value, list) and value and all(isinstance(v, dict) and "evidence" in v for v in value):
            out[key] = [_reason(v, cap) for v in value]
    return out


def _device_class(dc: dict[str, Any], table: _ReasonTable, cap: int | None) -> dict[str, Any]:
    evidence = dc.get("evidence") or []
    return {**dc, "evidence": [reference(e) for e in _capped(evidence, cap)], "evidence_count": len(evidence),
            "reasons": table.ids(dc.get("reasons") or [])}


def _counts(counts: dict[str, Any] | None, cap: int | None) -> dict[str, Any] | None:
    if not counts:
        return counts
    evidence = counts.get("evidence") or {}
    return {**counts, "evidence": {k: [reference(e) for e in _capped(v, cap)] for k, v in evidence.items()},
            "evidence_count": {k: len(v) for k, v in evidence.items()}}


def _interconnect(interconnect: dict[str, Any], cap: int | None) -> dict[str, Any]:
    """{"infiniband": {"enabled": ["path:line VALUE", ...]}} -> structured references with counts."""
    out: dict[str, Any] = {}
    for key, states in interconnect.items():
        item: dict[str, Any] = {}
        for state, entries in states.items():
            refs = []
            for entry in _capped(entries, cap):
                where, _, value = entry.partition(" ")
                refs.append(reference(where, value=value))
            item[state], item[f"{state}_count"] = refs, len(entries)
        out[key] = item
    return out


def _with_references(part, cap: int | None):
    """A block whose `evidence` holds "path:line" strings, with references (capped) and their full count."""
    if not isinstance(part, dict) or not isinstance(part.get("evidence"), list):
        return part
    evidence = part["evidence"]
    return {**part, "evidence": [reference(e) for e in _capped(evidence, cap)], "evidence_count": len(evidence)}
