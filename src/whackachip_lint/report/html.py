"""A self-contained HTML report: bottom line, the elimination funnel as inline SVG, every catalog part in a sortable,
filterable table, paths, and an evidence browser with the source lines around each finding.

One file: inline CSS and script, no network request, no external font, works from file:// and as a CI artifact.
Every string that comes from the scanned repository (paths, snippets, source lines, messages) is HTML-escaped
where it is written; the script reads only the page's own DOM, never repository text as code.
"""

from __future__ import annotations

import html
from collections import defaultdict
from pathlib import Path
from typing import Any

from ..infer.engine import CONSISTENT, DISFAVOURED, EXCLUDED, Verdict
from ..infer.export_control import export_control_for
from .funnel import FINAL_STEP, Step, funnel
from .verdict_text import DEFAULT, clipped, fitting

# Bounds that keep the page small on a large repository (issue: a large framework's report under 5 MB).
MAX_FINDINGS_WITH_SOURCE = 1500  # findings shown with the lines around them; the rest show their own line only
MAX_FINDINGS_PER_FILE = 200
MAX_EVIDENCE_PER_STEP = 8
CONTEXT_LINES = 2
MAX_SOURCE_BYTES = 2 * 1024 * 1024  # a file larger than this is not re-read for context

STATUS_LABEL = {CONSISTENT: "consistent", DISFAVOURED: "disfavoured", EXCLUDED: "excluded"}


def e(value: Any) -> str:
    """Escape for HTML text and attribute values (quotes included)."""
    return html.escape(str(value), quote=True)


def render(result, verdict: Verdict, **_options: Any) -> str:
    steps = funnel(verdict)
    parts = [
        "<!doctype html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        # No request may leave the page: the policy forbids everything but the inline style and script.
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; "
        "script-src 'unsafe-inline'; img-src data:\">",
        f"<title>wac-lint report: {e(result.root)}</title>",
        f"<style>{CSS}</style></head><body>",
        _bottom(result, verdict),
        _nav(),
        _funnel(steps, verdict),
        _table(verdict),
        _paths(result, verdict),
        _evidence(result),
        f"<script>{SCRIPT}</script>",
        "</body></html>",
    ]
    return "\n".join(parts) + "\n"


# --- sections -------------------------------------------------------------------------------------------------


def _bottom(result, verdict: Verdict) -> str:
    from .bottom_line import bottom_line, conflict_texts, floor_level, floors_shown

    data = verdict.to_dict()
    likely = [v["name"] for v in data["vendors"] if v["status"] == "likely"]
    floors = "; ".join(f"{vendor}: {floor_level(verdict.overall.architecture_floor[vendor])}"
                       for vendor in floors_shown(verdict)) or "none set"
    rows = [
        ("Vendor", ", ".join(likely) + " likely" if likely else "undecided"),
        ("Architecture floor", floors),
        ("Device class", (data.get("device_class") or {}).get("class", "unknown")),
    ]
    primary = data.get("primary")
    if primary:
        rows.append(("Primary target", primary if isinstance(primary, str) else
                     f"{primary.get('name')} ({primary.get('file_count', '?')} files, "
                     f"{len(primary.get('consistent') or [])} parts consistent)"))
    conflicts = conflict_texts(verdict)  # as the Markdown report names them
    shown, left = fitting(conflicts, most=DEFAULT.items, width=None)  # each is cut: `clipped`
    rows.append(("Conflicts", f"{len(conflicts)}: " + "; ".join(clipped(c) for c in shown) + _more(left)
                 if conflicts else "none"))
    memory = data.get("memory")
    if memory:
        rows.append(("Memory per device", f"at least {memory['gb_per_device']} GB ({memory['formula']})"))
    rows.append(("Files scanned", f"{result.files_scanned:,}; {len(result.findings):,} findings"))
    cells = "".join(f"<dt>{e(k)}</dt><dd>{e(v)}</dd>" for k, v in rows)
    return (f'<header><h1>Hardware report: <span class="mono">{e(result.root)}</span></h1>'
            f'<p class="bottom-line" id="bottom-line">{e(bottom_line(verdict))}</p><dl class="facts">{cells}</dl>'
            "</header>")


def _more(left: int) -> str:
    return f" (+{left} more)" if left else ""


def _mono_list(items: list[str], most: int | None = None) -> str:
    """Paths or locations in monospace, as many as fit the text verdict's line length (`Limits.line`), then how many
    more there are (the JSON report and the evidence browser below have them all)."""
    shown, left = fitting(items, most=most)
    return ", ".join(f'<span class="mono">{e(item)}</span>' for item in shown) + e(_more(left))


def _nav() -> str:
    links = [("funnel", "Funnel"), ("parts", "Catalog parts"), ("paths", "Paths"), ("evidence", "Evidence")]
    return "<nav><ul>" + "".join(f'<li><a href="#{k}">{e(v)}</a></li>' for k, v in links) + "</ul></nav>"


def _funnel(steps: list[Step], verdict: Verdict) -> str:
    candidates = verdict.candidates
    order = sorted(candidates, key=lambda c: (c.entry.vendor, c.entry.generation_key, c.entry.id))
    names = {c.entry.id: c.entry.name for c in candidates}
    out = ['<section id="funnel"><h2>How the evidence narrows the catalog</h2>',
           f'<p>{len(candidates)} catalog parts at the start, drawn by vendor and generation. Each step is one '
           "constraint the inference applies, strongest first; red parts are excluded at that step, amber ones "
           "disfavoured, grey ones were ruled out earlier.</p>",
           _svg_row(order, {c.entry.id: CONSISTENT for c in candidates}, [], {}, "all catalog parts", "step-0")]
    if not steps:
        out.append("<p>No constraint applies: every part stays consistent.</p>")
    previous = {c.entry.id: CONSISTENT for c in candidates}
    for number, step in enumerate(steps, 1):
        label = step.constraint if step.constraint != FINAL_STEP else "Then " + FINAL_STEP
        counts = []
        if step.removed:
            counts.append(f"{len(step.removed)} excluded")
        if step.disfavoured:
            counts.append(f"{len(step.disfavoured)} disfavoured")
        if step.restored:
            counts.append(f"{len(step.restored)} allowed again by another path")
        remaining = len(step.remaining)
        shown = _mono_list(list(step.evidence), MAX_EVIDENCE_PER_STEP)
        strength = f' <span class="strength {e(step.strength)}">{e(step.strength)}</span>' if step.strength else ""
        changed, hidden = fitting([names[i] for i in step.removed + step.disfavoured], most=6)
        out.append(
            f'<figure class="step" data-step="{number}" data-kind="{e(step.kind)}">'
            f"<figcaption><b>Step {number}.</b> {e(label)}{strength}: {e('; '.join(counts))}; "
            f"{remaining} consistent after it."
            + (f"<br>Evidence: {shown}" if step.evidence else "")
            + (f'<br><span class="muted">{e(", ".join(changed))}{" ..." if hidden else ""}</span>' if changed else "")
            + "</figcaption>"
            + _svg_row(order, step.statuses, step.removed + step.disfavoured, previous, label, f"step-{number}")
            + "</figure>")
        previous = step.statuses
    out.append("</section>")
    return "\n".join(out)


def _svg_row(order, statuses: dict[str, str], changed: list[str], previous: dict[str, str], label: str,
             ident: str) -> str:
    """One row of squares, one per part, grouped by vendor; colour is the status after the step."""
    size, gap, group_gap = 16, 3, 14
    x, squares, labels, current = 0, [], [], None
    changed_set = set(changed)
    for c in order:
        vendor = c.entry.vendor
        if vendor != current:
            if current is not None:
                x += group_gap
            labels.append(f'<text x="{x}" y="11" class="vendor">{e(vendor)}</text>')
            current = vendor
        status = statuses.get(c.entry.id, CONSISTENT)
        before = previous.get(c.entry.id, CONSISTENT)
        css = "earlier" if status != CONSISTENT and before == status and c.entry.id not in changed_set else status
        squares.append(f'<rect x="{x}" y="16" width="{size}" height="{size}" rx="3" class="{css}" '
                       f'data-id="{e(c.entry.id)}"><title>{e(c.entry.name)}: {e(STATUS_LABEL[status])}'
                       f"</title></rect>")
        x += size + gap
    consistent = sum(1 for s in statuses.values() if s == CONSISTENT)
    summary = f"{label}: {consistent} of {len(order)} parts consistent"
    return (f'<svg role="img" aria-labelledby="{ident}-t" viewBox="0 0 {x} 36" width="{x}" height="36">'
            f'<title id="{ident}-t">{e(summary)}</title>{"".join(labels)}{"".join(squares)}</svg>')


def _table(verdict: Verdict) -> str:
    memory = verdict.overall.memory
    rows = []
    for c in verdict.candidates:
        view = export_control_for(c.entry)
        if memory is None or memory.bytes_per_device <= 0:
            fit = "not estimated"
        else:
            from ..infer.memory import fits

            ok = fits(c.entry, memory.bytes_per_device)
            fit = "unknown" if ok is None else ("fits" if ok else f"below {memory.gb_per_device:.0f} GB")
        reasons, left = fitting([f"{r.constraint} ({r.strength})" for r in c.reasons
                                 if r.result in ("fails", "unknown")], sep="; ")
        eccn = view["eccn_3a090"] or "unknown"
        rows.append(
            f'<tr data-status="{e(c.status)}"><td>{e(c.entry.name)}<br><span class="mono muted">{e(c.entry.id)}'
            f"</span></td><td>{e(c.entry.vendor)}</td><td>{e(c.entry.microarchitecture or '')}</td>"
            f'<td><span class="badge {e(c.status)}">{e(STATUS_LABEL[c.status])}</span></td><td>{e(fit)}</td>'
            f"<td>{e(eccn)}</td><td data-sort=\"{e(view['tpp'] if view['tpp'] is not None else -1)}\">"
            f"{e(view['tpp'] if view['tpp'] is not None else 'unknown')}</td><td>{e('; '.join(reasons) + _more(left))}"
            "</td></tr>")
    headers = ["Part", "Vendor", "Architecture", "Status", "Memory fit", "ECCN 3A090", "TPP", "Reasons"]
    head = "".join(f'<th scope="col"><button type="button" data-col="{i}">{e(h)}</button></th>'
                   for i, h in enumerate(headers))
    return ('<section id="parts"><h2>Every catalog part</h2>'
            '<div class="controls"><label>Filter <input id="filter" type="search" placeholder="name, vendor, '
            'reason"></label> <label>Status <select id="status"><option value="">all</option>'
            '<option value="consistent">consistent</option><option value="disfavoured">disfavoured</option>'
            '<option value="excluded">excluded</option></select></label> <span id="count" aria-live="polite">'
            "</span></div>"
            f'<table id="parts-table"><caption>Status of each part, with the reasons against it</caption>'
            f"<thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table></section>")


def _paths(result, verdict: Verdict) -> str:
    data = verdict.to_dict()
    out = ['<section id="paths"><h2>Paths</h2>']
    roles: dict[str, list[str]] = defaultdict(list)
    for f in result.findings:
        role = (f.properties or {}).get("role")
        if isinstance(role, str) and f.path not in roles[role]:
            roles[role].append(f.path)
    if roles:
        out.append("<table><caption>Files with evidence, by role</caption><thead><tr><th scope=\"col\">Role</th>"
                   '<th scope="col">Files</th></tr></thead><tbody>')
        for role in sorted(roles):
            out.append(f"<tr><td>{e(role)}</td><td>{_mono_list(roles[role])}</td></tr>")
        out.append("</tbody></table>")
    summary = data.get("paths") or {}
    training = summary.get("training_paths") or []
    if training:
        out.append(f"<h3>Training paths ({summary.get('training_path_count', len(training))} of "
                   f"{summary.get('entry_points', '?')} entry points)</h3><ul>")
        for path in training[:50]:
            files = path.get("files") or []
            shown, _ = fitting(files, most=10)
            listed = ", ".join(f'<span class="mono">{e(f)}</span>' for f in shown)
            more = _more(max(path.get("file_count", len(files)), len(files)) - len(shown))
            out.append(f'<li><span class="mono">{e(path.get("name"))}</span> ({e(path.get("kind", ""))}): '
                       f"{listed}{e(more)}</li>")
        out.append("</ul>")
    optional = data.get("optional_requirements") or []
    if optional:
        out.append("<h3>Optional requirements</h3><p>What tests, examples and optional modules need; they never "
                   "exclude a part on their own.</p><ul>")
        for item in optional[:50]:
            files = _mono_list(item.get("files") or [], 5)
            out.append(f"<li>{e(item.get('requirement'))} ({e(item.get('strength'))}; "
                       f"{e(', '.join(item.get('roles') or []))}; {e(item.get('file_count'))} files: {files})</li>")
        out.append("</ul>")
    recipes = data.get("recipes") or []
    if recipes:
        out.append("<h3>Launch recipes</h3><table><thead><tr><th scope=\"col\">Recipe</th><th scope=\"col\">Files"
                   '</th><th scope="col">Consistent</th></tr></thead><tbody>')
        agnostic = set((data.get("paths") or {}).get("agnostic_paths") or ())
        for recipe in recipes:
            files, left = fitting(recipe.get("files", []), most=10)
            note = " (names no vendor: not counted)" if recipe.get("name") in agnostic else ""
            out.append(f"<tr><td class=\"mono\">{e(recipe.get('name'))}</td><td class=\"mono\">"
                       f"{e(', '.join(files) + _more(left))}</td>"
                       f"<td>{len(recipe.get('consistent', []))}{e(note)}</td></tr>")
        out.append("</tbody></table>")
    if len(out) == 1:
        out.append("<p>No launch recipe or path information: the repository is read as one set of findings.</p>")
    out.append("</section>")
    return "\n".join(out)


def _evidence(result) -> str:
    by_file: dict[str, list] = defaultdict(list)
    for f in result.findings:
        by_file[f.path].append(f)
    out = ['<section id="evidence"><h2>Evidence</h2>',
           f"<p>{len(result.findings):,} findings in {len(by_file):,} files. Open a file to see each finding with "
           "the lines around it.</p>"]
    budget = MAX_FINDINGS_WITH_SOURCE
    root = Path(result.root)
    for path in sorted(by_file):
        findings = by_file[path]
        lines = _source_lines(root, path) if budget > 0 else None
        rows = []
        for f in findings[:MAX_FINDINGS_PER_FILE]:
            context = ""
            if lines is not None and budget > 0:
                budget -= 1
                start = max(1, f.line - CONTEXT_LINES)
                end = min(len(lines), f.span.end_line + CONTEXT_LINES)
                context = "".join(
                    f'<span class="{"hit" if f.line <= n <= f.span.end_line else "ctx"}">'
                    f'<span class="ln">{n}</span>{e(_context_line(lines[n - 1]))}</span>\n'
                    for n in range(start, end + 1))
            shown = context or f'<span class="hit"><span class="ln">{f.line}</span>{e(f.snippet)}</span>'
            rows.append(f'<li class="finding {e(f.state.value)}"><span class="mono">{e(f.path)}:{f.line}:'
                        f"{f.column}</span> <b>{e(f.rule)}</b> {e(f.name)} <span class=\"badge state\">"
                        f"{e(f.state.value)}</span> {e(f.message)}<pre>{shown}</pre></li>")
        more = (f"<p>+{len(findings) - MAX_FINDINGS_PER_FILE} more findings in this file (see the JSON report)</p>"
                if len(findings) > MAX_FINDINGS_PER_FILE else "")
        out.append(f'<details><summary><span class="mono">{e(path)}</span> ({len(findings)})</summary>'
                   f"<ul>{''.join(rows)}</ul>{more}</details>")
    out.append("</section>")
    return "\n".join(out)


def _context_line(text: str) -> str:
    """A source line around a finding, cut as the finding's own snippet is: a minified file's megabyte line, shown
    around each of its findings, would otherwise make the page hundreds of megabytes."""
    from ..one_file import SNIPPET_MAX

    return text if len(text) <= SNIPPET_MAX else text[: SNIPPET_MAX - 1] + "\u2026"


def _source_lines(root: Path, relpath: str) -> list[str] | None:
    """The file's lines for context, read as the scan read it (no link followed, a regular file, size-capped: a file
    swapped for a named pipe since the scan must not hang the report). A printed path with a backslash is an escaped
    name (discover.printable_path), not the file's own: read as a name, it could open a decoy planted under it."""
    from ..safe_read import NotRead, read_bytes

    if "\\" in relpath:
        return None
    try:
        return read_bytes(root / relpath, MAX_SOURCE_BYTES, follow_symlinks=False).decode("utf-8", "replace").splitlines()
    except NotRead:
        return None


CSS = """
:root{color-scheme:light dark;--bg:#fff;--fg:#1b1f24;--muted:#59636e;--line:#d0d7de;--ok:#1a7f37;--warn:#bf8700;
--bad:#cf222e;--gone:#afb8c1;--panel:#f6f8fa}
@media (prefers-color-scheme:dark){:root{--bg:#0d1117;--fg:#e6edf3;--muted:#9198a1;--line:#30363d;--ok:#3fb950;
--warn:#d29922;--bad:#f85149;--gone:#484f58;--panel:#161b22}}
body{font:15px/1.5 system-ui,-apple-system,"Segoe UI",sans-serif;background:var(--bg);color:var(--fg);margin:0 auto;
max-width:1200px;padding:1rem 1.5rem}
h1{font-size:1.5rem}h2{border-bottom:1px solid var(--line);padding-bottom:.25rem;margin-top:2rem}
.mono,pre{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.85rem}
.muted{color:var(--muted)}.bottom-line{font-size:1.15rem;background:var(--panel);border-left:4px solid var(--ok);
padding:.75rem 1rem}
dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:.25rem 1rem}dl.facts dt{font-weight:600}
dl.facts dd{margin:0}
nav ul{display:flex;gap:1rem;list-style:none;padding:0}
figure.step{margin:1rem 0;padding:.5rem;border:1px solid var(--line);border-radius:6px;overflow-x:auto}
svg text.vendor{font-size:10px;fill:var(--muted)}svg rect.consistent{fill:var(--ok)}
svg rect.disfavoured{fill:var(--warn)}svg rect.excluded{fill:var(--bad)}svg rect.earlier{fill:var(--gone)}
.strength{font-size:.75rem;padding:0 .4rem;border-radius:8px;border:1px solid var(--line)}
.badge{font-size:.8rem;padding:0 .4rem;border-radius:8px;border:1px solid var(--line)}
.badge.consistent{color:var(--ok)}.badge.disfavoured{color:var(--warn)}.badge.excluded{color:var(--bad)}
table{border-collapse:collapse;width:100%;margin:.5rem 0}th,td{border-bottom:1px solid var(--line);padding:.3rem;
text-align:left;vertical-align:top}th button{font:inherit;font-weight:600;background:none;border:0;color:inherit;
cursor:pointer;padding:0}
tr.hidden{display:none}.controls{display:flex;gap:1rem;align-items:center;flex-wrap:wrap}
pre{background:var(--panel);padding:.4rem;overflow-x:auto;margin:.25rem 0}.ln{display:inline-block;width:3.5em;
color:var(--muted);user-select:none}.hit{font-weight:700}li.finding{margin:.5rem 0}
@media print{nav,.controls{display:none}details{display:block}details>*{display:block}
figure.step{break-inside:avoid}body{max-width:none}}
"""

SCRIPT = """
(function(){
  var table=document.getElementById('parts-table');if(!table)return;
  var body=table.tBodies[0],filter=document.getElementById('filter'),status=document.getElementById('status'),
      count=document.getElementById('count');
  function apply(){
    var q=(filter.value||'').toLowerCase(),s=status.value,shown=0;
    Array.prototype.forEach.call(body.rows,function(row){
      var ok=(!s||row.getAttribute('data-status')===s)&&(!q||row.textContent.toLowerCase().indexOf(q)>=0);
      row.classList.toggle('hidden',!ok);if(ok)shown++;});
    count.textContent=shown+' of '+body.rows.length+' parts shown';
  }
  filter.addEventListener('input',apply);status.addEventListener('change',apply);
  Array.prototype.forEach.call(table.tHead.querySelectorAll('button'),function(button){
    button.addEventListener('click',function(){
      var col=+button.getAttribute('data-col'),asc=button.getAttribute('data-asc')!=='1';
      button.setAttribute('data-asc',asc?'1':'0');
      var rows=Array.prototype.slice.call(body.rows);
      rows.sort(function(a,b){
        var x=a.cells[col],y=b.cells[col],xs=x.getAttribute('data-sort'),ys=y.getAttribute('data-sort');
        var r=(xs!==null&&ys!==null)?(parseFloat(xs)-parseFloat(ys)):x.textContent.localeCompare(y.textContent);
        return asc?r:-r;});
      rows.forEach(function(row){body.appendChild(row);});
    });
  });
  apply();
})();
"""
