"""Which reporter writes the report: `--format` (alias `--output-format`) and the modes `-q`, `--statistics`,
`--verdict-only` that change what a text report holds."""

from __future__ import annotations

import importlib
from typing import Any

# --format value -> (module under report/, function); modules are imported only when used.
REPORTERS: dict[str, tuple[str, str]] = {
    "text": ("text", "render"),
    "grouped": ("text", "render"),  # Ruff's name for the default text layout
    "concise": ("text", "render_concise"),
    "github": ("github", "render"),
    "markdown": ("markdown", "render"),
    "html": ("html", "render"),
    "json": ("json", "render"),
    "sarif": ("sarif", "render"),
}
TEXT_FORMATS = frozenset({"text", "grouped", "concise"})
# The formats each mode can shape. `--show-mentions` lists what the text report leaves out: the other formats list
# every finding (concise, JSON, HTML's evidence browser) or a selection of their own that is never the mentions
# (SARIF: no mention; GitHub: what reaches the fail level; Markdown: the top evidence in force).
MODE_FORMATS = {
    "--statistics": TEXT_FORMATS,
    "--verdict-only": TEXT_FORMATS | {"markdown"},
    "--quiet": TEXT_FORMATS,
    "--show-mentions": frozenset({"text", "grouped"}),
    # The other formats keep every finding's source line and suppression in their own fields (JSON, SARIF), or
    # list what they list without them (github, markdown, html): the flag would change nothing there.
    "--show-source": TEXT_FORMATS,
    "--show-suppressed": TEXT_FORMATS,
}
# Modes that each make the whole report: one at a time.
EXCLUSIVE_MODES = ("--statistics", "--verdict-only", "--quiet")


def mode_problem(output_format: str, modes: dict[str, bool]) -> str | None:
    """Why a mode cannot shape this format (a usage error), or None."""
    chosen = [name for name, on in modes.items() if on]
    for name in chosen:
        if output_format not in MODE_FORMATS[name]:
            allowed = ", ".join(sorted(MODE_FORMATS[name]))
            return f"{name} applies to --format {allowed}, not {output_format}"
    exclusive = [name for name in chosen if name in EXCLUSIVE_MODES]
    if len(exclusive) > 1:
        return f"{' and '.join(exclusive)} cannot be combined"
    return None


def _function(module: str, name: str):
    return getattr(importlib.import_module(f"{__package__}.{module}"), name)


def render(output_format: str, result, verdict, *, quiet: bool = False, statistics: bool = False,
           verdict_only: bool = False, **options: Any) -> str:
    if statistics:
        return _function("text", "render_statistics")(result, **options)
    if verdict_only and output_format in TEXT_FORMATS:
        return _function("text", "render_verdict_only")(result, verdict, **options)
    if quiet:
        return _function("text", "quiet_lines")(result, **{k: options[k] for k in
                                                           ("show_suppressed", "colour", "show_source") if k in options})
    module, name = REPORTERS[output_format]
    return _function(module, name)(result, verdict, verdict_only=verdict_only, **options)
