"""The verdict's bottom line: one or two sentences an analyst can quote before reading any reason.

First sentence: vendor, architecture floor, device class, and the primary target when the verdict names one.
Second sentence: the least export-controlled parts that stay consistent (the question export-control analysts
ask: could this code have run on uncontrolled hardware?). Shared by every human-readable report (text,
Markdown, HTML): `bottom_line(verdict) -> str`.

Fields the path-based inference provides (`primary`, `conflicts` between paths) are read defensively, so the
sentence degrades to what the verdict holds.
"""

from __future__ import annotations

from typing import Any

from ..infer.engine import CONSISTENT, DISFAVOURED, LIKELY, POSSIBLE, Verdict
from ..infer.export_control import A, B, NOT_CONTROLLED, export_control_for

# Least controlled first; an unknown class sorts last (it might be anything).
CONTROL_ORDER = {NOT_CONTROLLED: 0, B: 1, A: 2, None: 3}
# How many parts the sentence names before "+N more".
NAMED_PARTS = 3


def bottom_line(verdict: Verdict) -> str:
    """One or two sentences summing up the verdict (no trailing newline)."""
    a = verdict.overall
    first = _hardware_sentence(verdict)
    if a.insufficient_evidence:
        first = "Insufficient evidence for a conclusion (no training set-up with vendor evidence in force): " + first
    else:
        first = first[0].upper() + first[1:]
    return f"{first} {_export_sentence(verdict)}"


def _hardware_sentence(verdict: Verdict) -> str:
    a = verdict.overall
    likely, possible = vendors_named(a)
    if likely:
        vendor = f"{_join(likely)} likely"
        if possible:
            vendor += f" ({_join(possible)} possible)"
    elif len(possible) > 1:
        vendor = f"vendor undecided between {_join(possible)}"
    elif possible:
        vendor = f"vendor undecided ({possible[0]} possible)"
    else:
        vendor = "vendor undecided"
    parts = [vendor]
    floors = [_floor_text(name, a.architecture_floor[name]) for name in likely if name in a.architecture_floor]
    if floors:
        parts.append("; ".join(floors))
    device_class = a.device_class.get("class", "unknown")
    if device_class not in ("unknown", "conflicting", "mixed"):
        parts.append(f"{device_class} class")
    elif device_class in ("conflicting", "mixed"):
        parts.append(f"device class {device_class}")
    primary = describe(getattr(verdict, "primary", None))
    if primary:
        parts.append(f"primary target: {primary}")
    sentence = ", ".join(parts)
    declared = getattr(verdict, "declared_conflicts", None) or []
    if declared:
        sentence += f"; {len(declared)} conflict{'s' if len(declared) != 1 else ''} between declared hardware " \
                    "and the code"
    conflicts = path_conflicts(verdict)
    between = sum(1 for c in conflicts if len(c["paths"]) > 1)
    inside = len(conflicts) - between
    if between:
        sentence += f"; {between} conflict{'s' if between != 1 else ''} between training paths"
    if inside:
        # One path's own evidence no part meets together is no conflict *between* paths.
        sentence += f"; {_paths(inside)} whose own evidence no catalog part meets together"
    return sentence + "."


def _paths(count: int) -> str:
    return f"{count} training path{'s' if count != 1 else ''}"


def _export_sentence(verdict: Verdict) -> str:
    candidates = verdict.overall.candidates
    total = len(candidates)
    consistent = [c for c in candidates if c.status == CONSISTENT]
    if consistent:
        return _least_controlled(consistent, f"{len(consistent)} of {total} catalog parts consistent")
    disfavoured = [c for c in candidates if c.status == DISFAVOURED]
    if disfavoured:
        return _least_controlled(disfavoured, f"No catalog part is consistent with every requirement (0 of {total}); "
                                              f"{len(disfavoured)} disfavoured")
    return f"No catalog part is consistent with every requirement (0 of {total})."


def _least_controlled(candidates, count: str) -> str:
    """`count`, then the least export-controlled of `candidates` (not controlled, 3A090.b, 3A090.a, unknown)."""
    by_class: dict[Any, list[str]] = {}
    for c in candidates:
        by_class.setdefault(export_control_for(c.entry)["eccn_3a090"], []).append(c.entry.name)
    least = min(by_class, key=lambda k: CONTROL_ORDER.get(k, 3))
    names = by_class[least]
    shown = ", ".join(names[:NAMED_PARTS]) + (f" +{len(names) - NAMED_PARTS} more" if len(names) > NAMED_PARTS else "")
    if least == NOT_CONTROLLED:
        return f"{count}; least export-controlled (not controlled under ECCN 3A090): {shown}."
    if least is None:
        return f"{count}, none of a known ECCN 3A090 class: {shown}."
    return f"{count}, none less controlled than {least}: {shown}."


def vendors_named(assessment) -> tuple[list[str], list[str]]:
    """The likely vendors, and the possible ones with something in their favour: a vendor possible only because
    nothing rules it out is not worth naming in a summary (the full verdict lists it)."""
    likely = [v.name for v in assessment.vendors if v.status == LIKELY]
    possible = [v.name for v in assessment.vendors if v.status == POSSIBLE and _has_evidence(v)]
    return likely, possible


def _has_evidence(vendor) -> bool:
    return any(r.result == "supports" for r in vendor.reasons)


def _floor_text(vendor: str, floor: dict[str, Any]) -> str:
    level = floor.get("microarchitecture")
    if not level:
        return f"no {vendor} part in the catalog meets the architecture floor"
    detail = floor.get("compute_capability") or floor.get("gfx_target")
    return f"{level} or newer" + (f" ({_cc_label(floor)} {detail})" if detail else "")


def _cc_label(floor: dict[str, Any]) -> str:
    return "compute capability" if floor.get("compute_capability") else "gfx"


def floors_shown(verdict: Verdict) -> list[str]:
    """The vendors whose architecture floor a report shows (all of them only on request, e.g. text --verbose).

    With a vendor likely, its floors only: another vendor's floor would read as the run's (a likely vendor without
    a floor, bf16 on AMD where every Instinct part has it, still decides). Without one, the floors of the vendors the
    evidence supports: a floor for a vendor nothing supports only repeats another vendor's requirement. Shared by
    the text, Markdown and HTML reports so they agree (docs/inference.md, "Architecture floor")."""
    floors = verdict.overall.architecture_floor or {}
    status = {v.name: v for v in verdict.overall.vendors}
    if any(v.status == LIKELY for v in verdict.overall.vendors):
        return [n for n in floors if n in status and status[n].status == LIKELY]
    return [n for n in floors if n in status and _has_evidence(status[n])]


def floor_level(floor: dict[str, Any]) -> str:
    """A floor as a report's table cell: the microarchitecture and its compute capability or gfx target."""
    level = floor.get("microarchitecture") or "none in the catalog"
    detail = floor.get("compute_capability") or floor.get("gfx_target")
    if not detail:
        return level
    # A gfx target names itself (gfx942); a compute capability needs its label.
    return f"{level} ({_cc_label(floor)} {detail})" if floor.get("compute_capability") else f"{level} ({detail})"


def path_conflicts(verdict: Verdict) -> list[dict[str, Any]]:
    """Conflicts between or inside training paths, when the path-based inference lists them (`verdict.conflicts`,
    dicts naming their `paths`): hard facts no part meets together, strong evidence set aside, paths on disjoint
    hardware. Weak hints set aside are no conflict an analyst must weigh (weak_hints_set_aside)."""
    return [c for c in _listed_conflicts(verdict) if c.get("set_aside") != "weak"]


def conflict_paths(conflict: dict[str, Any]) -> str:
    """The paths of a conflict: "a.sh vs b.sh", with how many paths are alike on each side ("a.sh (+156 alike)")."""
    alike = conflict.get("alike") or [0] * len(conflict["paths"])
    return " vs ".join(f"{p} (+{n} alike)" if n else str(p) for p, n in zip(conflict["paths"], alike))


def conflict_texts(verdict: Verdict) -> list[str]:
    """The verdict's conflicts (`inference.conflicts` in JSON) as reports name them: between training paths, then
    declared hardware the code contradicts, each with its locations, then hard evidence no part meets together."""
    between_paths = [f"{conflict_paths(c)}: {c.get('why') or 'conflicting hard facts'}"
                     for c in path_conflicts(verdict)]
    texts = between_paths + [d.summary() for d in getattr(verdict, "declared_conflicts", None) or []]
    if verdict.overall.conflicting_hard_evidence:
        texts.append("conflicting hard evidence: no part meets every hard requirement together")
    return texts


def weak_hints_set_aside(verdict: Verdict) -> list[dict[str, Any]]:
    """The paths whose weak hints no part meets together (an HCCL timeout beside NCCL settings): set aside."""
    return [c for c in _listed_conflicts(verdict) if c.get("set_aside") == "weak"]


def _listed_conflicts(verdict: Verdict) -> list[dict[str, Any]]:
    found = getattr(verdict, "conflicts", None)
    if not isinstance(found, list):
        return []
    return [c for c in found if isinstance(c, dict) and c.get("paths")]


def describe(item: Any) -> str:
    """A short text for an item whose shape the path-based inference defines (primary target, optional requirement):
    its `summary()`, a dict's `summary`/`requirement`/`constraint`/`name`/`label`, a list of ids, or the text itself."""
    if not item:
        return ""
    if callable(getattr(item, "summary", None)):
        return item.summary()
    if hasattr(item, "to_dict"):
        item = item.to_dict()
    if isinstance(item, str):
        return item
    if isinstance(item, dict) and isinstance(item.get("name"), str) and isinstance(item.get("consistent"), list):
        # a path: its name and what runs it
        count = len(item["consistent"])
        return f"{item['name']} ({count} catalog part{'s' if count != 1 else ''} consistent there)"
    if isinstance(item, dict):
        for key in ("summary", "requirement", "constraint", "name", "label"):
            if isinstance(item.get(key), str) and item[key]:
                return item[key]
        for key in ("consistent", "candidates", "ids"):
            ids = item.get(key)
            if isinstance(ids, list) and ids:
                return ", ".join(str(i) for i in ids[:NAMED_PARTS]) + (
                    f" +{len(ids) - NAMED_PARTS} more" if len(ids) > NAMED_PARTS else "")
    return str(item)


def _join(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]
