"""Terminal output: `path:line:col: CODE message`, grouped by file, then a summary."""

from __future__ import annotations

from collections import Counter
from itertools import groupby
from typing import Callable, Sequence

import click

from ..discover import printable_path
from ..evidence import Diagnostic, Finding, Level, State
from ..results import ScanResult
from .escape import terminal_text

Style = Callable[..., str]

_LEVEL_COLOUR = {Level.NOTE: "cyan", Level.WARNING: "yellow", Level.ERROR: "red"}
_STATE_COLOUR = {
    State.ENABLED: "green",
    State.CONDITIONAL: "yellow",
    State.DISABLED: "magenta",
    State.MENTIONED: "white",
    State.DEAD: "bright_black",
}


# In a file, findings of one rule, value and state beyond the first REPEATS_SHOWN share one line (when that saves
# lines): nine `WAC204 cuda` lines in one test file say no more than three. LINES_NAMED of their lines are named.
REPEATS_SHOWN = 3
LINES_NAMED = 10
# A listing longer than this many lines pushes the verdict off a terminal's first screen: the report then opens with
# the verdict's bottom line. A shorter one (a pre-commit run on the changed files) is followed by the verdict at once.
PAGE = 24


def render(result: ScanResult, verdict=None, *, colour: bool = False, show_suppressed: bool = False,
           show_source: bool = False, verbose: bool = False, show_mentions: bool = False, **_options) -> str:
    """The grouped report (the default): the verdict's bottom line (when the listing is longer than `PAGE`), findings
    under their file, unscanned files, the summary, the full verdict. Findings only mentioned (an accelerator named
    in docs) are counted, not listed, and repeats in a file are collapsed, unless `show_mentions` / `verbose`
    (which lists everything)."""
    style = _styler(colour)
    out: list[str] = []
    if result.config_file:
        out.append(f"Configuration: {printable_path(result.config_file)}")
    reported = [f for f in result.findings if show_suppressed or not f.suppressed]
    list_mentions = show_mentions or verbose
    shown = [f for f in reported if list_mentions or f.state is not State.MENTIONED]
    mentions_left_out = Counter(f.path for f in reported if not list_mentions and f.state is State.MENTIONED)
    listing: list[str] = []
    collapsed = 0
    for path, group in groupby(shown, key=lambda f: f.path):
        mentions = mentions_left_out[path]
        listing.append(style(path, bold=True) + (f" ({_count(mentions, 'mention')} not listed)" if mentions else ""))
        lines, left_out = file_lines(list(group), style, show_source, None if verbose else REPEATS_SHOWN)
        listing += lines + [""]
        collapsed += left_out
    listing += [diagnostic_text(d, style) for d in result.diagnostics] + [""] * bool(result.diagnostics)
    if verdict is not None and len(listing) > PAGE:
        from .verdict_text import bottom_line_lines

        out += bottom_line_lines(verdict, style)
        out.append("  (The full hardware verdict, each reason with its file:line, is at the end, after the findings.)")
        out.append("")
    out += listing
    out.append(summary(result, _not_listed_parts(mentions_left_out, collapsed)))
    if result.skipped:
        out.append(skipped_line(result.skipped))
    if verdict is not None:
        from .verdict_text import render_verdict

        out.append("")
        out.append(render_verdict(verdict, style, verbose=verbose).rstrip("\n"))
    return terminal_text("\n".join(out) + "\n", colour)


def file_lines(findings: list[Finding], style: Style, show_source: bool,
               repeats: int | None = REPEATS_SHOWN) -> tuple[list[str], int]:
    """One file's finding lines, and how many findings they collapsed: of each rule, value and state, the first
    `repeats` findings, then one line "+K more ... at lines ..." in place of the rest (None: every finding)."""
    # Grouped in one pass: a file may hold thousands of findings of as many values (MAX_FINDINGS_PER_FILE).
    keys = [_repeat_key(f) for f in findings]
    groups: dict[tuple, list[Finding]] = {}
    for f, k in zip(findings, keys):
        groups.setdefault(k, []).append(f)
    # A "+K more" line only pays when it stands for two findings or more.
    capped = {k for k, group in groups.items() if repeats is not None and len(group) >= repeats + 2}
    seen: Counter = Counter()
    out: list[str] = []
    for f, k in zip(findings, keys):
        seen[k] += 1
        if k in capped and seen[k] > repeats:
            continue
        out.append("  " + finding_line(f, style))
        if show_source:
            out.append(source_line(f, style, "  "))
        if k in capped and seen[k] == repeats:
            out.append(_repeats_line(groups[k][repeats:], style))
    return out, sum(len(groups[k]) - repeats for k in capped)


def _repeat_key(f: Finding) -> tuple:
    """What findings of a file must share to be repeats of one another (suppressed ones are collapsed apart)."""
    return f.rule, str(f.value), f.state, f.suppressed


def _repeats_line(rest: list[Finding], style: Style) -> str:
    """`    +6 more WAC204 [conditional] (cuda) at lines 40, 52, ...`: the collapsed findings, and where they are."""
    first = rest[0]
    # the line (a notebook's "cell N:line"), each once: two findings on one line differ only in their column
    places = list(dict.fromkeys(location(f).removeprefix(f"{f.path}:").rpartition(":")[0] for f in rest))
    others = len(places) - LINES_NAMED
    named = ", ".join(places[:LINES_NAMED]) + (f" and {_count(others, 'other')}" if others > 0 else "")
    extra = " (suppressed)" if first.suppressed else ""
    return (f"    +{len(rest)} more {_code_and_state(first, style)} ({first.value}){extra} at "
            f"{'line' if len(places) == 1 else 'lines'} {named}")


def _not_listed_parts(mentions: Counter, collapsed: int) -> list[str]:
    """What the text listing counted but did not list, and the flag that lists it."""
    parts = []
    total = sum(mentions.values())
    if total:
        parts.append(f"{_count(total, 'mention')} not listed (--show-mentions lists them)")
    if collapsed:
        parts.append(f"{_count(collapsed, 'repeat')} collapsed (--verbose lists them)")
    return parts


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'s' if n != 1 else ''}"


def skipped_line(skipped: dict[str, list[int]]) -> str:
    """What discovery left out and why: "Left out: 1 file and 1 folder matched by .gitignore; ..."."""
    parts = []
    for reason, (files, folders) in sorted(skipped.items()):
        counted = [_count(files, "file")] * bool(files) + [_count(folders, "folder")] * bool(folders)
        parts.append(f"{' and '.join(counted)} {reason}")
    hint = " (--no-respect-gitignore scans ignored files)" if any("gitignore" in r for r in skipped) else ""
    return "Left out: " + "; ".join(parts) + "." + hint


def _styler(colour: bool) -> Style:
    def style(text: str, **kw) -> str:
        return click.style(text, **kw) if colour else text
    return style


def finding_line(f: Finding, style: Style) -> str:
    """`path:line:col: CODE [state] message`, the one line every text format shares."""
    extra = " (suppressed)" if f.suppressed else ""
    return f"{location(f)}: {_code_and_state(f, style)} {f.message}{extra}"


def _code_and_state(f: Finding, style: Style) -> str:
    """`CODE [state]`, coloured by level and state."""
    code = style(f.rule, fg=_LEVEL_COLOUR[f.level], bold=True)
    return f"{code} {style(f'[{f.state.value}]', fg=_STATE_COLOUR.get(f.state, 'white'))}"


def location(f: Finding) -> str:
    """`path:line:col`; in a notebook `path:cell N:line:col`, the line and column within the cell (as Ruff)."""
    cell = notebook_cell(f)
    if cell is None:
        return f"{f.path}:{f.line}:{f.column}"
    if "output_line" in cell:
        return f"{f.path}:cell {cell['number']}:output:{cell['output_line']}:{cell['column']}"
    return f"{f.path}:cell {cell['number']}:{cell['line']}:{cell['column']}"


def notebook_cell(f: Finding) -> dict[str, int] | None:
    """Where a notebook finding is in notebook terms: cell number, line (or output line) and column in it."""
    props = f.properties
    if "cell" not in props:
        return None
    key = "line" if "cell_line" in props else "output_line" if "output_line" in props else None
    if key is None:
        return None
    line = props["cell_line"] if key == "line" else props["output_line"]
    return {"number": props["cell"], key: line, "column": props.get("cell_column", f.column)}


# A file that could not be scanned is a warning everywhere (text, JSON, SARIF): the scan goes on without it.
DIAGNOSTIC_LEVEL = "warning"


def diagnostic_text(d: Diagnostic, style: Style) -> str:
    return f"{style(d.path, bold=True)}: {style(DIAGNOSTIC_LEVEL + ':', fg='yellow')} {d.message}"


def source_line(f: Finding, style: Style, indent: str = "") -> str:
    """`--show-source`: the finding's line of source (as read, stripped) under it."""
    return f"{indent}    {style('|', fg='blue')} {f.snippet}"


def quiet_lines(result: ScanResult, *, show_suppressed: bool = False, colour: bool = False,
                show_source: bool = False) -> str:
    """`-q`: the findings, one line each, and nothing else (as Ruff's `-q`)."""
    style = _styler(colour)
    out = []
    for f in result.findings:
        if show_suppressed or not f.suppressed:
            out.append(finding_line(f, style))
            if show_source:
                out.append(source_line(f, style))
    return terminal_text("".join(line + "\n" for line in out), colour)


def render_concise(result: ScanResult, verdict=None, *, colour: bool = False, show_suppressed: bool = False,
                   show_source: bool = False, **_options) -> str:
    """`--format concise`: one line per finding, the unscanned files and the summary; no verdict."""
    style = _styler(colour)
    out = [quiet_lines(result, show_suppressed=show_suppressed, colour=colour, show_source=show_source).rstrip("\n")]
    out += [diagnostic_text(d, style) for d in result.diagnostics]
    out.append(summary(result))
    return terminal_text("\n".join(line for line in out if line) + "\n", colour)


def render_statistics(result: ScanResult, *, colour: bool = False, **_options) -> str:
    """`--statistics`: how many findings each rule has, by state (suppressed ones left out), then the summary."""
    style = _styler(colour)
    active = [f for f in result.findings if not f.suppressed]
    by_rule: dict[str, list[Finding]] = {}
    for f in sorted(active, key=lambda f: f.rule):
        by_rule.setdefault(f.rule, []).append(f)
    rows = sorted(by_rule.items(), key=lambda item: (-len(item[1]), item[0]))
    width = max((len(str(len(fs))) for _, fs in rows), default=1)
    name_width = max((len(fs[0].name) for _, fs in rows), default=0)
    out = []
    for code, fs in rows:
        states = Counter(f.state.value for f in fs)
        shown_states = ", ".join(f"{n} {state}" for state, n in sorted(states.items()))
        out.append(f"{len(fs):>{width}}  {style(code, fg=_LEVEL_COLOUR[fs[0].level], bold=True)}  "
                   f"{fs[0].name:<{name_width}}  [{shown_states}]")
    out.append(summary(result))
    return terminal_text("\n".join(out) + "\n", colour)


def render_verdict_only(result: ScanResult, verdict=None, *, colour: bool = False, verbose: bool = False,
                        **_options) -> str:
    """`--verdict-only`: the hardware verdict and nothing else."""
    from .verdict_text import render_verdict

    if verdict is None:
        return ""
    return terminal_text(render_verdict(verdict, _styler(colour), verbose=verbose), colour)


def summary(result: ScanResult, not_listed: Sequence[str] = ()) -> str:
    """The one-line count of a scan; `not_listed`: what a report counted but did not list (its parts, with flags)."""
    active = [f for f in result.findings if not f.suppressed]
    states = Counter(f.state.value for f in active)
    levels = Counter(f.level.value for f in active)
    parts = [f"{result.files_scanned} file{'s' if result.files_scanned != 1 else ''} scanned",
             f"{len(active)} finding{'s' if len(active) != 1 else ''}"]
    if active:
        parts.append(", ".join(f"{n} {s}" for s, n in sorted(states.items())))
        parts.append(", ".join(f"{n} {lvl}" for lvl, n in sorted(levels.items())))
    suppressed = len(result.findings) - len(active)
    if suppressed:
        parts.append(f"{suppressed} suppressed")
    if result.baseline is not None:
        parts.append(f"{result.baseline[1]} in the baseline left out")
    # A file with a diagnostic is never counted as scanned; one that still gave findings (a log read up to the
    # cap, a script with a parse error) was read in part, and saying "not scanned" beside its findings contradicts.
    troubled = {d.path for d in result.diagnostics}
    in_part = len(troubled & {f.path for f in result.findings})
    not_scanned = len(troubled) - in_part
    if in_part:
        parts.append(f"{in_part} file{'s' if in_part != 1 else ''} scanned in part")
    if not_scanned:
        parts.append(f"{not_scanned} file{'s' if not_scanned != 1 else ''} not scanned")
    parts += not_listed
    return "; ".join(parts) + "."
