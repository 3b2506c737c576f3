"""The one option table: every setting of a scan declared once, with its default, its configuration-file key, its
command-line flag, whether it is part of the result cache's key, and its documentation.

From the table come `Settings` (the dataclass every layer reads), the keys of `[tool.wac-lint]` / `wac-lint.toml`
(config.py), the flags of `wac-lint scan` (cli.py: `flag(name)`), the cache key (cache.py: `NOT_IN_KEY`) and the
settings part of docs/configuration.md. Regenerate that part after changing the table:

    python -m whackachip_lint.options            # rewrite the generated part of docs/configuration.md
    python -m whackachip_lint.options --check    # exit 1 when it is stale (a test does this too)

Adding a setting is one `Option` row. Flags that only choose how a report is shown (`--statistics`, `--quiet`...)
are not settings: they stay with the CLI.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from .evidence import Level

DEFAULT_MAX_FILE_BYTES = 10 * 1024 * 1024
# READMEs, text files and logs are read up to this many bytes each (the rest is left unread, with a diagnostic):
# a committed training log of gigabytes states its hardware near the top, and reading it whole costs seconds.
DEFAULT_DOC_READ_BYTES = 8 * 1024 * 1024
# A configuration file comes with the repository it configures, which wac-lint does not trust (issue 19): what it
# may set is bounded, and what only the user may choose (where the cache lives) it cannot set at all.
CONFIG_MAX_FILE_BYTES = 256 * 1024 * 1024
# --format values (report/render.py has the reporter of each).
OUTPUT_FORMATS = ("text", "grouped", "concise", "github", "markdown", "html", "json", "sarif")


class ConfigError(Exception):
    """A configuration file that cannot be used; the message names the file and the key."""


def default_jobs() -> int:
    """Worker processes by default: the cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):  # not on Linux
        return max(1, os.cpu_count() or 1)


# --- parsers of configuration-file values: (file, key, value) -> the setting's value, or ConfigError -------------

def _strings(path: Path, key: str, value: Any) -> list[str]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{path}: `{key}` must be a list of strings, not {value!r}")
    return [v.strip() for v in value if v.strip()]


def _patterns(path: Path, key: str, value: Any) -> list[str]:
    """Gitignore-style patterns; one pathspec could not match in bounded time is an error (discover.costly_pattern:
    a repository's `exclude = ["a*a*a*a*a*b"]` stalled discovery)."""
    from .discover import TOO_MANY_STARS, costly_pattern

    patterns = _strings(path, key, value)
    for pattern in patterns:
        if costly_pattern(pattern):
            raise ConfigError(f"{path}: `{key}`: pattern {pattern!r} has {TOO_MANY_STARS}")
    return patterns


def _codes(path: Path, key: str, value: Any) -> list[str]:
    from .rules import check_selectors

    codes = [c.upper() for c in _strings(path, key, value)]
    unknown = check_selectors(codes)
    if unknown:
        from .suggest import did_you_mean_code

        hints = "".join(did_you_mean_code(code) for code in unknown)
        raise ConfigError(f"{path}: `{key}`: unknown rule code or prefix {', '.join(unknown)}{hints}")
    return codes


def _choice(path: Path, key: str, value: Any, choices: tuple[str, ...]) -> str:
    if value not in choices:
        raise ConfigError(f"{path}: `{key}` must be one of {', '.join(choices)}, not {value!r}")
    return value


def _boolean(path: Path, key: str, value: Any) -> bool:
    if not isinstance(value, bool):
        raise ConfigError(f"{path}: `{key}` must be true or false, not {value!r}")
    return value


def _positive_int(path: Path, key: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ConfigError(f"{path}: `{key}` must be a positive integer, not {value!r}")
    return value


def _bounded_int(upper: Callable[[], int]) -> Callable[[Path, str, Any], int]:
    """A positive integer, lowered to `upper()` (a repository must not start 400 processes or preallocate 100 GB)."""
    def parse(path: Path, key: str, value: Any) -> int:
        return min(_positive_int(path, key, value), upper())

    return parse


def _per_file_ignores(path: Path, key: str, value: Any) -> dict[str, list[str]]:
    if not isinstance(value, dict):
        raise ConfigError(f"{path}: `{key}` must be a table of pattern = [codes], not {value!r}")
    _patterns(path, key, list(value))
    return {pattern: _codes(path, f"{key}.{pattern}", codes) for pattern, codes in value.items()}


# --- command-line values -> the setting's value ------------------------------------------------------------------

def split_commas(values: tuple[str, ...]) -> list[str]:
    """Repeated, comma-separated flag values as one list (`--select WAC1,WAC2 --select WAC3`)."""
    return [part.strip() for value in values for part in value.split(",") if part.strip()]


def _negated(value: bool) -> bool:
    return not value


@dataclasses.dataclass(frozen=True)
class Option:
    name: str  # the Settings field
    type: str  # its type, as written in Settings
    default: Any  # the default value (a list or dict is copied for every Settings)
    doc: str  # what it does: the docs and, unless `help` says otherwise, the flag's help
    # The configuration-file key and its parser; None: a file cannot set it.
    key: str | None = None
    parse: Callable[[Path, str, Any], Any] | None = None
    # Why a configuration file may not set it although it has a key (the key is then ignored with a warning).
    untrusted: str = ""
    # The flag(s) of `wac-lint scan`, click's parameter name and keyword arguments, and how its value becomes the
    # setting's. No flags: the command line cannot set it.
    flags: tuple[str, ...] = ()
    param: str = ""
    click: dict[str, Any] = dataclasses.field(default_factory=dict)
    from_flag: Callable[[Any], Any] = lambda value: value
    help: str = ""  # the flag's help when it differs from `doc`
    # False: it changes how a scan runs or is shown, never a file's results (left out of the cache key).
    in_cache_key: bool = True
    # Not a setting of its own: its values are added to this setting's (`extend-exclude` to `exclude`).
    extends: str = ""
    example: str = ""  # the value shown for its key in docs/configuration.md ("" = not shown)

    @property
    def param_name(self) -> str:
        return self.param or self.name


def _list(doc: str, default: list[str] | None = None, **rest: Any) -> Option:
    return Option(type="list[str]", default=default or [], doc=doc, **rest)


OPTIONS: tuple[Option, ...] = (
    _list(name="select", default=["ALL"], doc="Rule codes or prefixes to report (comma-separated; default ALL).",
          key="select", parse=_codes, flags=("--select",), click={"multiple": True}, from_flag=split_commas,
          example='["ALL"]                 # rule codes or prefixes (Ruff-style: "WAC1" is every WAC1xx rule)'),
    _list(name="ignore", doc="Rule codes or prefixes to leave out (comma-separated).", key="ignore", parse=_codes,
          flags=("--ignore",), click={"multiple": True}, from_flag=split_commas,
          example='["WAC102"]              # left out'),
    _list(name="extend_select", doc="Rule codes or prefixes to report on top of --select.", key="extend-select",
          parse=_codes, flags=("--extend-select",), click={"multiple": True}, from_flag=split_commas,
          example='["WAC001"]       # added to select'),
    Option("per_file_ignores", "dict[str, list[str]]", {}, "Rule codes left out per gitignore-style file pattern.",
           key="per-file-ignores", parse=_per_file_ignores),
    _list(name="exclude", doc="Gitignore-style patterns of paths to leave out (comma-separated), replacing `exclude`.",
          key="exclude", parse=_patterns, flags=("--exclude",), click={"multiple": True}, from_flag=split_commas,
          example='["third_party/"]       # gitignore-style patterns, matched against paths relative to the scanned '
                  'root\n                                 # (.gitignore files and .git/info/exclude apply too)'),
    _list(name="extend_exclude", doc="Patterns to leave out on top of `exclude` (comma-separated).",
          key="extend-exclude", parse=_patterns, flags=("--extend-exclude",), click={"multiple": True},
          from_flag=split_commas, extends="exclude", example='["*.ipynb"]     # added to exclude'),
    # Apply `exclude` to paths named on the command line too (as pre-commit names them), like Ruff's --force-exclude.
    Option("force_exclude", "bool", False, "Apply `exclude` to paths named on the command line too.",
           key="force-exclude", parse=_boolean, flags=("--force-exclude",), click={"is_flag": True},
           example="true             # exclude files named on the command line too (the pre-commit hook passes "
                   "the flag)"),
    Option("fail_level", "Level", Level.WARNING, "Exit 1 when a finding at or above this level is reported.",
           key="fail-level", parse=lambda p, k, v: Level(_choice(p, k, v, tuple(lvl.value for lvl in Level))),
           flags=("--fail-level",), from_flag=Level, in_cache_key=False,
           click={"type": click.Choice([lvl.value for lvl in Level]), "default": "warning", "show_default": True},
           example='"warning"           # exit 1 when a finding reaches it: note, warning or error'),
    Option("output_format", "str", "text", "The report's format.", key="format",
           parse=lambda p, k, v: _choice(p, k, v, OUTPUT_FORMATS), flags=("--format", "--output-format"),
           click={"type": click.Choice(list(OUTPUT_FORMATS)), "default": "text", "show_default": True},
           help="text (grouped by file, with the verdict; `grouped` is the same), concise (one line per finding), "
                "github (workflow annotations), markdown (verdict summary), html, json, sarif.",
           in_cache_key=False, example='"text"                  # text (= grouped), concise, github, markdown, html, '
                                       'json or sarif'),
    Option("max_file_bytes", "int", DEFAULT_MAX_FILE_BYTES, "Skip files larger than BYTES.", key="max-file-size",
           parse=_bounded_int(lambda: CONFIG_MAX_FILE_BYTES), flags=("--max-file-size",), param="max_file_size",
           click={"type": click.IntRange(min=1), "default": None},
           example="10485760         # bytes; larger files are reported and skipped (at most 256 MiB here)"),
    # Docs and logs (extract.DOC_KINDS): bytes read per file; a longer one is read up to here, never skipped.
    Option("doc_read_bytes", "int", DEFAULT_DOC_READ_BYTES, "Read READMEs, text files and logs up to BYTES each "
           "(default: 8 MiB, never more than --max-file-size); the rest is left unread, with a diagnostic.",
           key="doc-read-cap", parse=_bounded_int(lambda: CONFIG_MAX_FILE_BYTES), flags=("--doc-read-cap",),
           param="doc_read_cap", click={"type": click.IntRange(min=1), "default": None},
           example="8388608           # bytes read of each README, text file and log; the rest is left unread, "
                   "with a\n                                 # diagnostic naming the file (at most 256 MiB here)"),
    # Performance (runner.py): worker processes (None = number of cores), result cache.
    Option("jobs", "int | None", None, "Worker processes (default: cores).", key="jobs",
           parse=_bounded_int(default_jobs), flags=("--jobs", "-j"),
           click={"type": click.IntRange(min=1), "default": None}, in_cache_key=False,
           example="2                         # worker processes (at most the usable cores here)"),
    Option("use_cache", "bool", True, "Neither read nor write the result cache.", flags=("--no-cache",),
           param="no_cache", click={"is_flag": True}, from_flag=_negated, in_cache_key=False),
    # The budget of one file (runner.py, workers.py): seconds, and address space in MiB (0 = no limit).
    Option("file_timeout", "float", 20.0, "Seconds one file may take before it is skipped with a diagnostic "
           "(default: 20).", flags=("--file-timeout",),
           click={"type": click.FloatRange(min=0, min_open=True), "default": None}, in_cache_key=False),
    Option("file_memory_mb", "int", 2048, "Address space one file's worker may use, in MiB (0: no limit).",
           in_cache_key=False),
    Option("cache_dir", "str | None", None, "Where the result cache lives.", key="cache-dir",
           untrusted="the cache location comes only from --cache-dir or $WAC_LINT_CACHE_DIR",
           flags=("--cache-dir",), click={"type": click.Path(file_okay=False, path_type=Path)},
           from_flag=lambda value: str(value) if value else None, in_cache_key=False),
    # Skip parsing files without any trigger word of the selected rules (prefilter.py).
    Option("prefilter", "bool", True, "Parse every file, even without trigger words.", flags=("--no-prefilter",),
           param="no_prefilter", click={"is_flag": True, "hidden": True}, from_flag=_negated),
    # READMEs, docs and logs: declared hardware (WAC7xx) and the commands of their code blocks; --no-docs turns it off.
    Option("include_docs", "bool", True, "Leave out READMEs, docs and logs: the hardware they declare (WAC7xx) and "
           "the commands of their code blocks.",
           flags=("--no-docs",), param="no_docs", click={"is_flag": True}, from_flag=_negated),
    # Fleet policy: catalog ids of the hardware the team runs on (findings it cannot run become errors).
    _list(name="targets", doc="Catalog ids of the fleet the code must run on.", key="target", parse=_strings,
          flags=("--target",), click={"multiple": True}, from_flag=split_commas,
          example='["nvidia-v100"]         # fleet policy: catalog ids (`wac-lint hardware` lists them)'),
    # SARIF: upload the evidence notes as well as findings at warning and above.
    Option("sarif_evidence", "bool", False, "SARIF: upload the evidence notes too, not only warnings and errors "
           "(`mentioned` never).", key="sarif-evidence", parse=_boolean, flags=("--sarif-evidence",),
           click={"is_flag": True},
           example="false           # SARIF: upload the evidence notes too (default: warnings and errors only)"),
    # Read files .gitignore ignores too (--no-respect-gitignore).
    Option("respect_gitignore", "bool", True, "Also scan files that .gitignore files ignore.",
           flags=("--no-respect-gitignore",), param="no_respect_gitignore", click={"is_flag": True},
           from_flag=_negated, in_cache_key=False),
)
BY_NAME: dict[str, Option] = {option.name: option for option in OPTIONS}
# Config key -> option (keys a file may set, and keys it may name but not set).
BY_KEY: dict[str, Option] = {option.key: option for option in OPTIONS if option.key}
UNTRUSTED_KEYS: dict[str, str] = {o.key: o.untrusted for o in OPTIONS if o.key and o.untrusted}
CONFIG_KEYS: dict[str, tuple[str, Callable[[Path, str, Any], Any]]] = {
    o.key: (o.name, o.parse) for o in OPTIONS if o.key and o.parse and not o.untrusted}
# Settings that change how a scan runs or is shown, never a file's results.
NOT_IN_KEY: frozenset[str] = frozenset({o.name for o in OPTIONS if not o.in_cache_key and not o.extends}
                                       | {"config_ignored"})


def _named_codes(self) -> list[str]:
    """Every rule code or prefix the settings name (for warnings about removed codes)."""
    per_file = [code for codes in self.per_file_ignores.values() for code in codes]
    return [*self.select, *self.ignore, *self.extend_select, *per_file]


def _default(value: Any) -> dataclasses.Field:
    if isinstance(value, (list, dict)):
        return dataclasses.field(default_factory=lambda: type(value)(value))
    return dataclasses.field(default=value)


def _settings_class() -> type:
    fields: list[tuple[str, Any, dataclasses.Field]] = [
        (option.name, option.type, _default(option.default))
        for option in OPTIONS if not option.extends]
    # Keys of the configuration file that were not applied, with why (reported as warnings).
    fields.append(("config_ignored", "list[str]", dataclasses.field(default_factory=list)))
    cls = dataclasses.make_dataclass("Settings", fields, namespace={"named_codes": _named_codes})
    cls.__module__ = __name__  # where pickle finds it (process pools without fork)
    cls.__doc__ = "The settings of one scan (options.OPTIONS): defaults, then a configuration file, then flags."
    return cls


Settings = _settings_class()


# --- the command line ------------------------------------------------------------------------------------------

def flag(name: str) -> Callable:
    """The click option of setting `name` (a decorator for `wac-lint scan`)."""
    option = BY_NAME[name]
    return click.option(*option.flags, option.param_name, help=option.help or option.doc, **option.click)


def flag_values(params: dict[str, Any]) -> dict[str, Any]:
    """Setting name -> value, from click's parameters of `wac-lint scan`, for every option that has a flag."""
    return {o.name: o.from_flag(params[o.param_name]) for o in OPTIONS if o.flags}


# --- the generated part of docs/configuration.md ---------------------------------------------------------------

DOC = Path(__file__).resolve().parents[2] / "docs" / "configuration.md"
BEGIN = "<!-- generated by `python -m whackachip_lint.options`: edit options.py, not this part -->"
END = "<!-- end of the generated part -->"


def _code(text: str) -> str:
    return f"`{text}`"


def _shown(value: Any) -> str:
    """A default as it would be written in TOML."""
    if value is None:
        return "(none)"
    if isinstance(value, Level):
        value = value.value
    if isinstance(value, bool):
        return _code("true" if value else "false")
    return _code(json.dumps(value))


def configuration_markdown() -> str:
    """The settings part of docs/configuration.md: the override rule, an example file, and every setting."""
    documented = [o for o in OPTIONS if (o.key or o.flags) and not o.click.get("hidden")]
    replacing = ", ".join(_code(o.flags[0]) for o in documented
                          if o.key and o.flags and not o.extends and not o.untrusted)
    extending = ", ".join(f"{_code(o.flags[0])} adds to {_code(BY_NAME[o.extends].key)}"
                          for o in documented if o.key and o.flags and o.extends)
    rule = (f"Flags given on the command line override the file: {replacing} each replace the file's value for their "
            f"key; {extending}. An option left at its default does not. Every flag is described in [cli.md](cli.md).")
    lines = [BEGIN, "", textwrap.fill(rule, width=115, break_on_hyphens=False, break_long_words=False), "",
             "```toml", "[tool.wac-lint]"]
    lines += [f"{o.key} = {o.example}" for o in documented if o.key and o.example]
    lines += ["", "[tool.wac-lint.per-file-ignores]", '"tests/*" = ["WAC1"]', "```", "",
              "Every setting (`Settings` field), its key, its flag and its default:", "",
              "| Setting | Key | Flag | Default | What it does |", "|---|---|---|---|---|"]
    for option in documented:
        key = _code(option.key) if option.key and not option.untrusted else "(none)"
        if option.untrusted:
            key += f" ({_code(option.key)} in a file is ignored: {option.untrusted})"
        flags = " / ".join(_code(f) for f in option.flags) if option.flags else "(none)"
        default = f"added to {_code(BY_NAME[option.extends].name)}" if option.extends else _shown(option.default)
        name = "(none)" if option.extends else _code(option.name)
        lines.append(f"| {name} | {key} | {flags} | {default} | {option.doc} |")
    lines += ["", END]
    return "\n".join(lines) + "\n"


def document(text: str) -> str:
    """docs/configuration.md `text` with its generated part replaced by the current one."""
    start, end = text.index(BEGIN), text.index(END) + len(END) + 1
    return text[:start] + configuration_markdown() + text[end:]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="exit 1 when docs/configuration.md is stale")
    args = parser.parse_args(argv)
    text = DOC.read_text(encoding="utf-8")
    new = document(text)
    if args.check:
        if new != text:
            print(f"{DOC} is stale: run python -m whackachip_lint.options", file=sys.stderr)
            return 1
        return 0
    from .safe_write import write_text

    write_text(DOC, new)
    return 0


if __name__ == "__main__":
    sys.exit(main())


__all__ = ["BY_KEY", "BY_NAME", "CONFIG_KEYS", "ConfigError", "NOT_IN_KEY", "OPTIONS", "Option", "Settings",
           "UNTRUSTED_KEYS", "flag", "flag_values"]
