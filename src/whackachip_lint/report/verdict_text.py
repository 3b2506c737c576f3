"""The inference verdict as text a policy analyst can read and quote: every reason with its file:line."""

from __future__ import annotations

from typing import Callable

from ..infer.engine import CONSISTENT, DISFAVOURED, EXCLUDED, CandidateVerdict, Reason, Verdict
from ..infer.export_control import export_control_for

Style = Callable[..., str]


def _plain(text: str, **_kw) -> str:
    return text


def _where(evidence) -> str:
    return f" [{', '.join(evidence)}]" if evidence else ""


def _reason(r: Reason) -> str:
    return f"{r.constraint} ({r.strength}){_where(r.evidence)}"


def _export(c: CandidateVerdict) -> str:
    view = export_control_for(c.entry)
    parts = []
    if view["tpp"] is not None:
        parts.append(f"TPP {view['tpp']:g}")
    if view["performance_density"] is not None:
        parts.append(f"PD {view['performance_density']:g}")
    parts.append(f"ECCN {view['eccn_3a090']}" if view["eccn_3a090"] and view["eccn_3a090"].startswith("3A090")
                 else f"3A090: {view['eccn_3a090'] or 'unknown'}")
    if view["china_variant"]:
        parts.append("China-market variant")
    return ", ".join(parts)


def _memory_and_scale(verdict: Verdict) -> list[str]:
    """One line each: the model-state floor per device, and the run's devices with their aggregate TPP."""
    lines = []
    memory = verdict.overall.memory
    if memory is not None:
        notes = f" ({'; '.join(memory.notes)})" if memory.notes else ""
        lines.append(f"  Memory: {memory.summary()}{notes}{_where(memory.to_dict()['evidence'][:3])}.")
    scale = verdict.scale_dict()
    if scale is not None:
        tpp = sorted(scale["aggregate_tpp"].values())
        spread = f"; aggregate TPP {tpp[0]:g} to {tpp[-1]:g} over the consistent parts" if tpp else ""
        lines.append(f"  Scale: {scale['devices']} device{'s' if scale['devices'] != 1 else ''} "
                     f"({scale['devices_per_node']} per node x "
                     f"{scale['nodes']} node{'s' if scale['nodes'] != 1 else ''}){spread}{_where(scale['evidence'])}.")
    return lines


def render_verdict(verdict: Verdict, style: Style = _plain) -> str:
    data = verdict.to_dict()
    a = verdict.overall
    out = [style("Hardware verdict", bold=True)]
    if a.insufficient_evidence:
        out.append("  Insufficient evidence: no training set-up (launcher, collective backend, network or sharding "
                   "settings) with vendor evidence in force. The statuses below are what the evidence allows, "
                   "not a conclusion.")
    if a.conflicting_hard_evidence:
        out.append("  Conflicting hard evidence: no catalog entry meets every hard requirement together; they were "
                   "weighed as strong.")

    likely = [v for v in a.vendors if v.status == "likely"]
    possible = [v for v in a.vendors if v.status == "possible"]
    excluded = [v for v in a.vendors if v.status == "excluded"]
    vendor_line = "  Vendor: "
    vendor_line += (", ".join(v.name + ("" if v.in_catalog else " (not in the catalog: no part can be named)")
                              for v in likely) + " likely") if likely else "undecided"
    out.append(vendor_line + ".")
    lines: dict[str, list[str]] = {}  # reason text -> vendors, so vendors with the same reasons share a line
    for v in possible:
        why = [r for r in v.reasons if r.result in ("tie-break", "contradicts")]
        support = [r for r in v.reasons if r.result == "supports"]
        if why and v.score < 0:
            text = "possible only against the evidence: " + "; ".join(_reason(r) for r in why)
        elif why:
            text = "possible: " + "; ".join(_reason(r) for r in why)
        elif support:
            text = "possible: " + "; ".join(_reason(r) for r in support)
        else:
            text = "possible: no evidence either way."
        lines.setdefault(text, []).append(v.name)
    for v in excluded:
        hard = [r for r in v.reasons if r.result == "contradicts" and r.strength == "hard"]
        text = "excluded: " + ("; ".join(_reason(r) for r in hard) or "every part fails a hard requirement")
        lines.setdefault(text, []).append(v.name)
    for text, names in lines.items():
        out.append(f"    {', '.join(names)} {text}")

    floors = data["architecture_floor"]
    if floors:
        for vendor, floor in floors.items():
            level = floor["microarchitecture"] or "none in the catalog"
            if floor["compute_capability"]:
                level += f" (compute capability {floor['compute_capability']})"
            elif floor["gfx_target"]:
                level += f" ({floor['gfx_target']})"
            set_by = "; ".join(f"{r['constraint']} ({r['strength']}){_where(r['evidence'])}" for r in floor["set_by"])
            out.append(f"  Architecture floor, {vendor}: {level}, set by {set_by}.")
    else:
        out.append("  Architecture floor: none set by the evidence.")

    dc = data["device_class"]
    if dc["class"] == "unknown":
        out.append("  Device class: unknown.")
    elif dc["class"] == "mixed":
        out.append("  Device class: differs by recipe.")
    else:
        reasons = "; ".join(f"{r['constraint']} ({r['strength']}){_where(r['evidence'])}" for r in dc["reasons"])
        out.append(f"  Device class: {dc['class']} ({dc['strength']}): {reasons}.")

    topology = []
    if data["gpus_per_node"]:
        for count, where in data["gpus_per_node"]["evidence"].items():
            topology.append(f"{count} devices per node{_where(where)}")
    if data["nodes"]:
        for count, where in data["nodes"]["evidence"].items():
            topology.append(f"{count} node{'s' if count != '1' else ''}{_where(where)}")
    if topology:
        out.append("  Topology: " + "; ".join(topology) + ".")
    out.extend(_memory_and_scale(verdict))

    groups = {s: [c for c in a.candidates if c.status == s] for s in (CONSISTENT, DISFAVOURED, EXCLUDED)}
    out.append(style(f"  Consistent ({len(groups[CONSISTENT])}):", fg="green"))
    for c in groups[CONSISTENT]:
        out.append(f"    {c.entry.name}: {_export(c)}")
    for status, colour in ((DISFAVOURED, "yellow"), (EXCLUDED, "red")):
        out.append(style(f"  {status.capitalize()} ({len(groups[status])}):", fg=colour))
        shared: dict[str, list[str]] = {}  # reasons -> parts, so parts that fell for the same reasons share a line
        for c in groups[status]:
            shown = [r for r in c.reasons if r.result == "fails" or (r.result == "unknown" and r.strength == "hard")]
            shared.setdefault("; ".join(_reason(r) for r in shown), []).append(c.entry.name)
        for text, names in shared.items():
            out.append(f"    {' | '.join(names)}: {text}")

    if len(verdict.recipes) > 1:
        out.append("  Recipes:")
        for recipe in data["recipes"]:
            vendors = ", ".join(v["name"] for v in recipe["vendors"] if v["status"] == "likely") or "undecided"
            out.append(f"    {recipe['name']}: vendor {vendors}; {len(recipe['consistent'])} consistent "
                       f"({', '.join(recipe['consistent'][:6])}{', ...' if len(recipe['consistent']) > 6 else ''})")
    return "\n".join(out) + "\n"
