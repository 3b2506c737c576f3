"""The inference verdict as text a policy analyst can read and quote: every reason with its file:line.

The bottom line comes first (`bottom_line.py`), then the reasons. By default the verdict fits a terminal page on
any repository: each reason shows at most `LOCATIONS` locations and "+N more", parts that fell for the same
reasons share a line, and long lists are cut with a count (`Limits`); a line still longer than `Limits.line`
characters is rebuilt with the tighter limits of `TIGHTER`. `verbose=True` prints everything.
"""

from __future__ import annotations

import re
import textwrap
from dataclasses import dataclass, replace
from typing import Any, Callable, Iterable, Sequence

from ..infer.engine import CONSISTENT, DISFAVOURED, EXCLUDED, LIKELY, POSSIBLE, CandidateVerdict, Reason, Verdict
from ..infer.declared import distinct_names
from ..infer.export_control import export_control_for
from .bottom_line import (CONTROL_ORDER, bottom_line, conflict_paths, describe, floor_level, floors_shown,
                          path_conflicts, weak_hints_set_aside)

Style = Callable[..., str]
WIDTH = 110  # the bottom line is wrapped to this width; other lines are kept short by the limits (`_fitted`)
STRENGTH_ORDER = {"hard": 0, "strong": 1, "weak": 2}


@dataclass(frozen=True)
class Limits:
    """How much the default verdict shows; None shows everything."""

    locations: int | None = 3  # evidence locations per reason
    reasons: int | None = 2  # reasons per line
    names: int | None = 4  # parts or vendors per line
    groups: int | None = 2  # lines per candidate status (parts grouped by their reasons)
    items: int | None = 2  # conflicts, recipes, optional requirements, floors, vendor lines beyond the likely
    line: int | None = 300  # characters: a longer line is rebuilt with `TIGHTER` limits, then wrapped


DEFAULT, EVERYTHING = Limits(), Limits(None, None, None, None, None, None)
# Long paths make long lines: first one location per reason, then one reason per line, then fewer names and items.
TIGHTER = ({"locations": 1}, {"locations": 1, "reasons": 1}, {"locations": 1, "reasons": 1, "names": 2, "items": 1})


_COUNT, _KEPT = re.compile(r"(\+\d+) more"), re.compile("(\\+\\d+)\u00a0more")


def _tighter(lim: Limits, step: dict[str, int]) -> Limits:
    return replace(lim, **{k: n if getattr(lim, k) is None else min(n, getattr(lim, k)) for k, n in step.items()})


def _fitted(build: Callable[[Limits], str], lim: Limits) -> str:
    """`build(lim)`, or when that line is longer than `lim.line`, built again with the first step of `TIGHTER` that
    makes it fit; still too long with the last, it is wrapped like the bottom line. Every cut still says "+N more";
    `--verbose` (no `line`) is never tightened nor wrapped. `build` is called before `_fitted` returns, so a lambda
    may use a loop's variables without binding them."""
    text = build(lim)
    if lim.line is None:
        return text
    for step in TIGHTER:
        if len(text) <= lim.line:
            return text
        text = build(_tighter(lim, step))
    if len(text) <= lim.line:
        return text
    body = text.lstrip(" ")
    indent = " " * (len(text) - len(body))
    # continuations deeper than any item below the line; "+N more" stays on one line (textwrap keeps a no-break space)
    body = _COUNT.sub("\\1\u00a0more", body)
    lines = _wrap(body, indent + "    ", initial_indent=indent, width=min(WIDTH, lim.line))
    return _KEPT.sub("\\1 more", "\n".join(lines))


def _wrap(text: str, subsequent_indent: str, initial_indent: str = "", width: int = WIDTH) -> list[str]:
    # A path is never cut (at a hyphen of "maxtext-slurm/_train.sh", or when longer than a line): it must copy whole.
    return textwrap.wrap(text, width, initial_indent=initial_indent, subsequent_indent=subsequent_indent,
                         break_on_hyphens=False, break_long_words=False)


def _plain(text: str, **_kw) -> str:
    return text


def _cut(items: Sequence[Any], limit: int | None) -> tuple[Sequence[Any], int]:
    """The first `limit` items and how many were left out."""
    if limit is None or len(items) <= limit:
        return items, 0
    return items[:limit], len(items) - limit


def fitting(items: Sequence[str], most: int | None = None, width: int | None = DEFAULT.line,
            sep: str = ", ") -> tuple[list[str], int]:
    """The first of `items` (at most `most`) that fit in `width` characters joined by `sep`, at least one, and how
    many were left out: the line cap of this verdict for reports that cannot wrap a line (a Markdown table cell,
    an HTML list of paths)."""
    shown: list[str] = []
    length = 0
    for item in list(items)[:most]:
        length += len(item) + (len(sep) if shown else 0)
        if shown and width is not None and length > width:
            break
        shown.append(item)
    return shown, len(items) - len(shown)


def clipped(text: str, width: int | None = DEFAULT.line) -> str:
    """`text`, cut after a word when it is longer than `width` characters ("..." marks the cut)."""
    if width is None or len(text) <= width:
        return text
    return text[:width - 4].rsplit(" ", 1)[0] + " ..."


def _more(left: int, what: str = "more") -> str:
    if left == 1 and what.endswith("s"):
        what = what[:-1] if what.endswith("reasons") else what.replace("parts", "part").replace("vendors", "vendor")
    return f" +{left} {what}" if left else ""


def _where(evidence: Sequence[str], lim: Limits) -> str:
    """` [a.py:3,9, b.sh:2 +N more]`: locations in one file share its path."""
    shown, left = _cut(list(evidence), lim.locations)
    if not shown:
        return ""
    lines: dict[str, list[str]] = {}
    for where in shown:
        path, _, line = where.rpartition(":")
        if line.isdigit() and path:
            lines.setdefault(path, []).append(line)
        else:
            lines.setdefault(where, [])
    text = ", ".join(f"{path}:{','.join(nums)}" if nums else path for path, nums in lines.items())
    return f" [{text}{_more(left)}]"


def _reason(r: Reason | dict, lim: Limits) -> str:
    if isinstance(r, dict):
        return f"{r['constraint']} ({r['strength']}){_where(r.get('evidence', ()), lim)}"
    return f"{r.constraint} ({r.strength}){_where(r.evidence, lim)}"


def _reasons(reasons: Sequence[Reason], lim: Limits, shared: frozenset[str] = frozenset()) -> str:
    """The strongest reasons first; among equals, those that tell one vendor from others before the `shared` ones
    (a `cuda` device supports AMD and NVIDIA alike), then those with the most evidence."""
    ranked = sorted(reasons, key=lambda r: (STRENGTH_ORDER.get(r.strength, 3), r.constraint in shared,
                                            -len(r.evidence)))
    return _listed_reasons(ranked, lim)


def _names(names: Sequence[str], lim: Limits, sep: str = ", ") -> str:
    return _listed(names, lim.names, sep)


def _listed(items: Sequence[str], limit: int | None, sep: str = ", ") -> str:
    shown, left = _cut(list(items), limit)
    return sep.join(shown) + _more(left)


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


def _memory_and_scale(verdict: Verdict, lim: Limits) -> list[str]:
    """One line each: the model-state floor per device, and the run's devices with their aggregate TPP."""
    lines = []
    memory = verdict.overall.memory
    if memory is not None:
        notes = f" ({'; '.join(memory.notes)})" if memory.notes else ""
        evidence = memory.to_dict()["evidence"]
        lines.append(_fitted(lambda l: f"  Memory: {memory.summary()}{notes}{_where(evidence, l)}.", lim))
        act = memory.activations
        if act is not None:
            lines.append(_fitted(lambda l: f"  Activations (an estimate, never used to exclude): about "
                                           f"{act['gb_per_device']:g} GB per device ({act['formula']})"
                                           f"{_where(act['evidence'], l)}.", lim))
    scale = verdict.scale_dict()
    if scale is not None:
        tpp = sorted(scale["aggregate_tpp"].values())
        spread = f"; aggregate TPP {tpp[0]:g} to {tpp[-1]:g} over the consistent parts" if tpp else ""
        lines.append(_fitted(lambda l: f"  Scale: {scale['devices']} device{'s' if scale['devices'] != 1 else ''} "
                                       f"({scale['devices_per_node']} per node x "
                                       f"{scale['nodes']} node{'s' if scale['nodes'] != 1 else ''}){spread}"
                                       f"{_where(scale['evidence'], l)}.", lim))
    return lines


def render_verdict(verdict: Verdict, style: Style = _plain, verbose: bool = False) -> str:
    lim = EVERYTHING if verbose else DEFAULT
    a = verdict.overall
    out = [style("Hardware verdict", bold=True)]
    out += bottom_line_lines(verdict, style, indent="  ")
    if a.conflicting_hard_evidence:
        out.append("  Conflicting hard evidence: no catalog entry meets every hard requirement together; they were "
                   "weighed as strong.")
    out += _vendor_lines(verdict, lim)
    out += _floor_lines(verdict, lim)
    out += _class_and_topology(verdict, lim)
    out += _memory_and_scale(verdict, lim)
    out += _path_lines(verdict, lim)
    out += _declared_lines(verdict, lim)
    out += _candidate_lines(verdict, style, lim)
    out += _recipe_lines(verdict, lim)
    if not verbose:
        out.append("  (--verbose shows every reason, location and part)")
    return "\n".join(out) + "\n"


def bottom_line_lines(verdict: Verdict, style: Style = _plain, indent: str = "") -> list[str]:
    """"Bottom line: ..." wrapped to `WIDTH`, as the verdict opens with it (`indent`: the verdict's) and as the text
    report opens with it before the findings (no indent)."""
    label = "Bottom line:"
    lines = _wrap(f"{label} {bottom_line(verdict)}", indent + "  ", initial_indent=indent)
    return [lines[0].replace(label, style(label, bold=True), 1)] + lines[1:]


def _vendor_lines(verdict: Verdict, lim: Limits) -> list[str]:
    vendors = verdict.overall.vendors
    likely = [v for v in vendors if v.status == LIKELY]
    out = ["  Vendor: " + (", ".join(v.name + ("" if v.in_catalog else " (not in the catalog: no part can be named)")
                                      for v in likely) + " likely." if likely else "undecided.")]
    # Reasons that support more than one vendor tell none of them from the others: listed after those that do.
    supporting: dict[str, int] = {}
    for v in vendors:
        for constraint in {r.constraint for r in v.reasons if r.result == "supports"}:
            supporting[constraint] = supporting.get(constraint, 0) + 1
    shared = frozenset(c for c, n in supporting.items() if n > 1)
    for v in likely:
        support = [r for r in v.reasons if r.result == "supports"]
        against = [r for r in v.reasons if r.result == "contradicts"]
        if support:
            out.append(_fitted(lambda l: f"    supports {v.name}: {_reasons(support, l, shared)}", lim))
        if against:
            out.append(_fitted(lambda l: f"    counts against {v.name}: {_reasons(against, l)}", lim))
    lines: dict[str, list] = {}  # reason text -> vendors, so vendors with the same reasons share a line
    # The other vendors' reasons mostly repeat the likely vendor's: one location each (all with --verbose).
    brief = lim if lim is EVERYTHING else replace(lim, locations=1)
    # best supported first: possible vendors by score, excluded ones last
    for v in sorted(vendors, key=lambda v: (v.status == EXCLUDED, -v.score)):
        if v.status in (POSSIBLE, EXCLUDED):
            lines.setdefault(_not_likely(v, brief), []).append(v)
    shown, left = _cut(list(lines.items()), lim.items)
    for _text, group in shown:
        # the vendors of a group have the same reasons: the first one's, tightened, stand for all
        names = ", ".join(v.name for v in group)
        out.append(_fitted(lambda l: f"    {names} {_not_likely(group[0], l)}", brief))
    if left:
        rest = [v for _, group in list(lines.items())[len(shown):] for v in group]
        by_status: dict[str, list[str]] = {}
        for v in rest:
            by_status.setdefault(v.status, []).append(v.name)
        out.append("    also " + "; ".join(f"{s}: {', '.join(n)}" for s, n in by_status.items()))
    return out


def _not_likely(v, lim: Limits) -> str:
    if v.status == POSSIBLE:
        return _possible(v, lim)
    hard = [r for r in v.reasons if r.result == "contradicts" and r.strength == "hard"]
    return "excluded, against it: " + (_reasons(hard, lim) or "every part fails a hard requirement")


def _possible(v, lim: Limits) -> str:
    tie = [r for r in v.reasons if r.result == "tie-break"]
    against = [r for r in v.reasons if r.result == "contradicts"]
    support = [r for r in v.reasons if r.result == "supports"]
    if tie:
        return f"possible: {_reasons(tie, lim)}"
    if support and v.score > 0:
        text = f"possible; for it: {_reasons(support, lim)}"
        return text + (f"; against it: {_reasons(against, lim)}" if against else "")
    if against:
        return f"possible, with nothing in favour; against: {_reasons(against, lim)}"
    return "possible: no evidence either way."


def _floor_lines(verdict: Verdict, lim: Limits) -> list[str]:
    """Floors of the vendors the evidence points to (bottom_line.floors_shown; all of them with --verbose)."""
    floors = verdict.overall.architecture_floor
    shown = list(floors) if lim is EVERYTHING else floors_shown(verdict)[:lim.items]
    if not shown:
        return ["  Architecture floor: none set by the evidence."]
    out = []
    for vendor in shown:
        out.append(_fitted(lambda l: f"  Architecture floor, {vendor}: {floor_level(floors[vendor])}, set by "
                                     f"{_listed_reasons(floors[vendor]['set_by'], l)}.", lim))
    return out


def _listed_reasons(reasons: Sequence[Reason | dict], lim: Limits) -> str:
    """Reasons in the order given, at most `lim.reasons` of them."""
    shown, left = _cut(reasons, lim.reasons)
    return "; ".join(_reason(r, lim) for r in shown) + _more(left, "more reasons")


def _class_and_topology(verdict: Verdict, lim: Limits) -> list[str]:
    dc = verdict.overall.device_class
    if dc["class"] == "unknown":
        out = ["  Device class: unknown."]
    elif dc["class"] == "mixed":
        out = ["  Device class: differs by recipe."]
    else:
        out = [_fitted(lambda l: f"  Device class: {dc['class']} ({dc['strength']}): "
                                 f"{_listed_reasons(dc['reasons'], l)}.", lim)]
    topology = [(count, noun.format("" if str(count) == "1" else "s"), where)
                for key, noun in (("gpus_per_node", "device{} per node"), ("nodes", "node{}"))
                for count, where in (getattr(verdict, key) or {}).get("evidence", {}).items()]
    if topology:
        out.append(_fitted(lambda l: "  Topology: " + _topology(topology, l) + ".", lim))
    return out


def _topology(counts: Sequence[tuple[Any, str, Sequence[str]]], lim: Limits) -> str:
    shown, left = _cut(counts, lim.names)
    return "; ".join(f"{count} {noun}{_where(where, lim)}" for count, noun, where in shown) + _more(left)


def _path_lines(verdict: Verdict, lim: Limits) -> list[str]:
    """Primary target and optional requirements, when the inference provides them (paths and roles)."""
    out = []
    primary = getattr(verdict, "primary", None)
    if primary:
        out.append(_fitted(lambda l: f"  Primary target: {_describe(primary, l)}.", lim))
    optional = list(getattr(verdict, "optional_requirements", None) or [])
    if optional:
        shown, left = _cut(optional, lim.items)
        out.append("  Optional requirements (never exclude on their own):")
        out += [_fitted(lambda l: f"    {_describe(item, l)}", lim) for item in shown]
        if left:
            out.append(f"    +{left} more")
    return out


def _describe(item: Any, lim: Limits) -> str:
    """`bottom_line.describe`, with an optional requirement's strength, roles, files and the hardware meeting it
    when the item gives them."""
    data = item.to_dict() if hasattr(item, "to_dict") else item
    if not isinstance(data, dict):
        return describe(item)
    text = describe(item)
    if data.get("strength"):
        text += f" ({data['strength']})"
    files = data.get("files") or data.get("evidence") or []
    if isinstance(files, list) and files and all(isinstance(f, str) for f in files):
        count = data.get("file_count") or len(files)
        roles = "/".join(data.get("roles") or []) or "other"
        shown, _ = _cut(files, lim.locations)
        text += f" in {count} {roles} file{'s' if count != 1 else ''}{_where(shown, EVERYTHING)}"
        if count > len(shown):
            text = text[:-1] + f" +{count - len(shown)} more]"
    met_by = data.get("met_by")
    if isinstance(met_by, list) and met_by:
        text += f": {_names(met_by, lim)}"
    return text


def _declared_lines(verdict: Verdict, lim: Limits) -> list[str]:
    checks = list(getattr(verdict.overall, "declared", []) or [])
    agree = [d for d in checks if not d.is_conflict]
    conflicts = [d for d in checks if d.is_conflict]
    out = _path_conflict_lines(verdict, lim)
    if agree:
        # One name for each set of parts: "A100-40G" beside "A100" names nothing new (declared.distinct_names).
        first: dict[str, Any] = {}  # each name's first declaration, for its location
        for d in agree:
            first.setdefault(_declared_name(d), d)
        kept = distinct_names([d.requirement for d in agree if d.requirement is not None])
        distinct = [first[name] for name in kept if name in first]
        same = len(agree) - len(distinct) if distinct else 0
        other = f"; {same} other name{'s' if same != 1 else ''} of the same parts" if same else ""
        out.append(_fitted(lambda l: "  Declared hardware agreeing with the code (supports those parts): "
                                     f"{_declared_names(distinct or agree, l)}{other}.", lim))
    if conflicts:
        shown, left = _cut(conflicts, lim.items)
        out.append(f"  Declared hardware conflicting with the code ({len(conflicts)}):")
        out += [f"    {d.summary()}" for d in shown]
        if left:
            out.append(f"    +{left} more")
    return out


def _path_conflict_lines(verdict: Verdict, lim: Limits) -> list[str]:
    conflicts = path_conflicts(verdict)
    weak = _weak_hint_lines(verdict, lim)
    if not conflicts:
        return weak
    shown, left = _cut(conflicts, lim.items)
    between = sum(1 for c in conflicts if len(c["paths"]) > 1)
    heading = ("Training paths in conflict" if between == len(conflicts) else
               "Training paths whose evidence no part meets together" if not between else
               "Training paths in conflict, or whose evidence no part meets together")
    out = [f"  {heading} ({len(conflicts)}):"]
    for c in shown:
        why = c.get("why") or "conflicting hard facts"
        reqs = [r for r in c.get("requirements") or [] if isinstance(r, dict) and "constraint" in r]
        text = f"    {conflict_paths(c)}: {why}"
        out.append(_fitted(lambda l: text + (f": {_listed_reasons(reqs, l)}" if reqs else ""), lim))
    if left:
        out.append(f"    +{left} more")
    return out + weak


def _weak_hint_lines(verdict: Verdict, lim: Limits) -> list[str]:
    """One line for the paths whose weak hints were set aside: worth knowing, no conflict to weigh."""
    paths = [str(p) for c in weak_hints_set_aside(verdict) for p in c["paths"]]
    if not paths:
        return []
    return [_fitted(lambda l: f"  Weak hints no part meets together, set aside on {len(paths)} "
                              f"path{'s' if len(paths) != 1 else ''}: {_listed(paths, l.items)}.", lim)]


def _declared_names(declared: Sequence[Any], lim: Limits) -> str:
    shown, left = _cut(declared, lim.items)
    one = Limits(locations=1)
    return ", ".join(f"{_declared_name(d)}{_where(d.declaration.evidence, one)}" for d in shown) + _more(left)


def _declared_name(d) -> str:
    return d.declaration.constraint.removeprefix("declared hardware: ")


def _candidate_lines(verdict: Verdict, style: Style, lim: Limits) -> list[str]:
    groups = {s: [c for c in verdict.overall.candidates if c.status == s] for s in (CONSISTENT, DISFAVOURED, EXCLUDED)}
    out = [style(f"  Consistent ({len(groups[CONSISTENT])}):", fg="green")]
    if lim is EVERYTHING:
        out += [f"    {c.entry.name}: {_export(c)}" for c in groups[CONSISTENT]]
    else:
        out += by_export_class(groups[CONSISTENT], lim)
    for status, colour in ((DISFAVOURED, "yellow"), (EXCLUDED, "red")):
        out.append(style(f"  {status.capitalize()} ({len(groups[status])}):", fg=colour))
        shared: dict[str, list[str]] = {}  # reasons -> parts, so parts that fell for the same reasons share a line
        failed: dict[str, list[Reason]] = {}
        for c in groups[status]:
            shown = [r for r in c.reasons if r.result == "fails" or (r.result == "unknown" and r.strength == "hard")]
            text = _reasons(shown, lim)
            shared.setdefault(text, []).append(c.entry.name)
            failed[text] = shown
        # the likely vendor's parts first (the ones an analyst asks about), then the biggest groups
        likely = {v.name for v in verdict.overall.vendors if v.status == LIKELY}
        vendor_of = {c.entry.name: c.entry.vendor for c in groups[status]}
        lines = sorted(shared.items(), key=lambda kv: (not any(vendor_of[n] in likely for n in kv[1]), -len(kv[1])))
        shown_lines, left = _cut(lines, lim.groups)
        out += [_fitted(lambda l: f"    {_names(names, l, ' | ')}: {_reasons(failed[text], l)}", lim)
                for text, names in shown_lines]
        if left:
            out.append(f"    +{sum(len(n) for _, n in lines[len(shown_lines):])} more parts for other reasons")
    return out


def by_export_class(candidates: Iterable[CandidateVerdict], lim: Limits = DEFAULT) -> list[str]:
    """Consistent parts by ECCN 3A090 class, least controlled first: one line per class (shared with Markdown)."""
    by_class: dict[Any, list[str]] = {}
    for c in candidates:
        by_class.setdefault(export_control_for(c.entry)["eccn_3a090"], []).append(c.entry.name)
    out = []
    for eccn in sorted(by_class, key=lambda k: CONTROL_ORDER.get(k, 3)):
        label = {None: "3A090 unknown", "not controlled": "not 3A090-controlled"}.get(eccn, eccn)
        out.append(_fitted(lambda l: f"    {label}: {_names(by_class[eccn], l)}", lim))
    return out


def _recipe_lines(verdict: Verdict, lim: Limits) -> list[str]:
    """Recipes with the same outcome (likely vendors, consistent parts) share a line."""
    if len(verdict.recipes) <= 1:
        return []
    outcomes: dict[tuple, list[str]] = {}
    agnostic = set((verdict.paths or {}).get("agnostic_paths") or ())
    for name, _files, r in verdict.recipes:
        vendors = ", ".join(v.name for v in r.vendors if v.status == LIKELY) or "undecided"
        outcomes.setdefault((vendors, tuple(r.ids(CONSISTENT)), name in agnostic), []).append(name)
    ordered = sorted(outcomes.items(), key=lambda item: item[0][2])  # the paths that count first
    shown, left = _cut(ordered, lim.items)
    out = [f"  Recipes ({len(verdict.recipes)}):"]
    for (vendors, consistent, unnamed), names in shown:
        # A path naming no vendor is shown but not counted in the verdict (docs/inference.md).
        note = "; names no vendor: not counted" if unnamed else ""
        out.append(_fitted(lambda l: f"    {_names(names, l)}: vendor {vendors}; {len(consistent)} consistent"
                                     f"{f' ({_names(consistent, l)})' if consistent else ''}{note}", lim))
    if left:
        out.append(f"    +{sum(len(n) for _, n in ordered[len(shown):])} more recipes with other "
                   "outcomes")
    return out
