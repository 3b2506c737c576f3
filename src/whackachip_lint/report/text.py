"""Terminal output: `path:line:col: CODE message`, grouped by file, then a summary."""

from __future__ import annotations

from collections import Counter
from itertools import groupby

import click

from ..evidence import Level, State
from ..discover import printable_path
from .escape import terminal_text
from ..scan import ScanResult

_LEVEL_COLOUR = {Level.NOTE: "cyan", Level.WARNING: "yellow", Level.ERROR: "red"}
_STATE_COLOUR = {
    State.ENABLED: "green",
    State.CONDITIONAL: "yellow",
    State.DISABLED: "magenta",
    State.MENTIONED: "white",
    State.DEAD: "bright_black",
}


def render(result: ScanResult, verdict=None, *, colour: bool = False, show_suppressed: bool = False,
           verbose: bool = False) -> str:
    def style(text: str, **kw) -> str:
        return click.style(text, **kw) if colour else text

    out: list[str] = []
    if result.config_file:
        out.append(f"Configuration: {printable_path(result.config_file)}")
    shown = [f for f in result.findings if show_suppressed or not f.suppressed]
    for path, group in groupby(shown, key=lambda f: f.path):
        out.append(style(path, bold=True))
        for f in group:
            where = f"{f.path}:{f.line}:{f.column}:"
            code = style(f.rule, fg=_LEVEL_COLOUR[f.level], bold=True)
            state = style(f"[{f.state.value}]", fg=_STATE_COLOUR[f.state])
            extra = " (suppressed)" if f.suppressed else ""
            out.append(f"  {where} {code} {state} {f.message}{extra}")
        out.append("")
    for d in result.diagnostics:
        out.append(f"{style(d.path, bold=True)}: {style('error:', fg='red')} {d.message}")
    if result.diagnostics:
        out.append("")
    out.append(summary(result))
    if result.skipped:
        out.append(skipped_line(result.skipped))
    if verdict is not None:
        from .verdict_text import render_verdict

        out.append("")
        out.append(render_verdict(verdict, style, verbose=verbose).rstrip("\n"))
    return terminal_text("\n".join(out) + "\n", colour)


def skipped_line(skipped: dict[str, list[int]]) -> str:
    """What discovery left out and why: "Left out: 1 file and 1 folder matched by .gitignore; ..."."""
    def count(n: int, noun: str) -> str:
        return f"{n} {noun}{'s' if n != 1 else ''}"

    parts = []
    for reason, (files, folders) in sorted(skipped.items()):
        counted = [count(files, "file")] * bool(files) + [count(folders, "folder")] * bool(folders)
        parts.append(f"{' and '.join(counted)} {reason}")
    hint = " (--no-respect-gitignore scans ignored files)" if any("gitignore" in r for r in skipped) else ""
    return "Left out: " + "; ".join(parts) + "." + hint


def summary(result: ScanResult) -> str:
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
    if result.diagnostics:
        parts.append(f"{len(result.diagnostics)} file{'s' if len(result.diagnostics) != 1 else ''} not scanned")
    return "; ".join(parts) + "."
