"""Settings for one scan: defaults, then a configuration file, then the command line (which wins)."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .evidence import Level

DEFAULT_MAX_FILE_BYTES = 10 * 1024 * 1024
# A configuration file comes with the repository it configures, which wac-lint does not trust (issue 19): what it
# may set is bounded, and what only the user may choose (where the cache lives) it cannot set at all.
CONFIG_MAX_FILE_BYTES = 256 * 1024 * 1024
UNTRUSTED_KEYS = {"cache-dir": "the cache location comes only from --cache-dir or $WAC_LINT_CACHE_DIR"}


@dataclass
class Settings:
    select: list[str] = field(default_factory=lambda: ["ALL"])
    ignore: list[str] = field(default_factory=list)
    extend_select: list[str] = field(default_factory=list)
    per_file_ignores: dict[str, list[str]] = field(default_factory=dict)
    exclude: list[str] = field(default_factory=list)
    # Apply `exclude` to paths named on the command line too (as pre-commit names them), like Ruff's --force-exclude.
    force_exclude: bool = False
    fail_level: Level = Level.WARNING
    output_format: str = "text"
    max_file_bytes: int = DEFAULT_MAX_FILE_BYTES
    # Performance (scan.py): worker processes (None = number of cores), result cache.
    jobs: int | None = None
    use_cache: bool = True
    # The budget of one file (runner.py, workers.py): seconds, and address space in MiB (0 = no limit).
    file_timeout: float = 20.0
    file_memory_mb: int = 2048
    cache_dir: str | None = None
    # Skip parsing files without any trigger word of the selected rules (prefilter.py).
    prefilter: bool = True
    # Declared hardware from READMEs, docs and logs (WAC7xx); --no-docs turns it off.
    include_docs: bool = True
    # Fleet policy: catalog ids of the hardware the team runs on (findings it cannot run become errors).
    targets: list[str] = field(default_factory=list)
    # SARIF: upload the evidence notes as well as findings at warning and above.
    sarif_evidence: bool = False
    # Read files .gitignore ignores too (--no-respect-gitignore).
    respect_gitignore: bool = True
    # Keys of the configuration file that were not applied, with why (reported as warnings).
    config_ignored: list[str] = field(default_factory=list)

    def named_codes(self) -> list[str]:
        """Every rule code or prefix the settings name (for warnings about removed codes)."""
        per_file = [code for codes in self.per_file_ignores.values() for code in codes]
        return [*self.select, *self.ignore, *self.extend_select, *per_file]


# ---------------------------------------------------------------------------------------------------------------
# Configuration files: `[tool.wac-lint]` in pyproject.toml, or the top level of wac-lint.toml / .wac-lint.toml.
# The first directory, walking up from the scanned path, that holds one of them wins (in this order of names);
# a pyproject.toml without a [tool.wac-lint] table does not count. Command-line flags override file values.

CONFIG_NAMES = ("wac-lint.toml", ".wac-lint.toml", "pyproject.toml")
# --format values (report/render.py has the reporter of each).
OUTPUT_FORMATS = ("text", "grouped", "concise", "github", "markdown", "html", "json", "sarif")


class ConfigError(Exception):
    """A configuration file that cannot be used; the message names the file and the key."""


def _toml_loads(text: str) -> dict:
    import tomllib

    return tomllib.loads(text)


def _read_table(path: Path) -> dict | None:
    """The wac-lint table of one file (None for a pyproject.toml without one)."""
    try:
        data = _toml_loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: not valid UTF-8") from None
    except ValueError as exc:  # tomllib.TOMLDecodeError
        raise ConfigError(f"{path}: invalid TOML: {exc}") from None
    if path.name == "pyproject.toml":
        table = data.get("tool", {}).get("wac-lint")
        if table is not None and not isinstance(table, dict):
            raise ConfigError(f"{path}: [tool.wac-lint] must be a table")
        return table
    return data


def find_config(start: Path) -> Path | None:
    """The configuration file that governs `start` (a file or directory), walking up to the filesystem root."""
    start = start.resolve()
    directory = start if start.is_dir() else start.parent
    for folder in (directory, *directory.parents):
        for name in CONFIG_NAMES:
            candidate = folder / name
            if candidate.is_file() and (name != "pyproject.toml" or _read_table(candidate) is not None):
                return candidate
    return None


def _strings(path: Path, key: str, value: Any) -> list[str]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{path}: `{key}` must be a list of strings, not {value!r}")
    return [v.strip() for v in value if v.strip()]


def _codes(path: Path, key: str, value: Any) -> list[str]:
    from .rules import check_selectors

    codes = [c.upper() for c in _strings(path, key, value)]
    unknown = check_selectors(codes)
    if unknown:
        from .suggest import did_you_mean, rule_choices

        hints = "".join(did_you_mean(code, rule_choices()) for code in unknown)
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


def default_jobs() -> int:
    """Worker processes by default: the cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):  # not on Linux
        return max(1, os.cpu_count() or 1)


def _per_file_ignores(path: Path, key: str, value: Any) -> dict[str, list[str]]:
    if not isinstance(value, dict):
        raise ConfigError(f"{path}: `{key}` must be a table of pattern = [codes], not {value!r}")
    return {pattern: _codes(path, f"{key}.{pattern}", codes) for pattern, codes in value.items()}


# Config key -> (Settings field, parser). Data, not branches: a new key is a new row.
CONFIG_KEYS: dict[str, tuple[str, Callable[[Path, str, Any], Any]]] = {
    "select": ("select", _codes),
    "extend-select": ("extend_select", _codes),
    "ignore": ("ignore", _codes),
    "per-file-ignores": ("per_file_ignores", _per_file_ignores),
    "exclude": ("exclude", _strings),
    "extend-exclude": ("extend_exclude", _strings),
    "force-exclude": ("force_exclude", _boolean),
    "fail-level": ("fail_level", lambda p, k, v: Level(_choice(p, k, v, tuple(lvl.value for lvl in Level)))),
    "format": ("output_format", lambda p, k, v: _choice(p, k, v, OUTPUT_FORMATS)),
    "target": ("targets", _strings),
    "max-file-size": ("max_file_bytes", _bounded_int(lambda: CONFIG_MAX_FILE_BYTES)),
    "jobs": ("jobs", _bounded_int(default_jobs)),
    "sarif-evidence": ("sarif_evidence", _boolean),
}


def parse_config(path: Path, table: dict) -> dict[str, Any]:
    """Validated Settings values (by field name) from one wac-lint table; unknown keys are errors."""
    values: dict[str, Any] = {}
    for key, raw in table.items():
        if key in UNTRUSTED_KEYS:
            values.setdefault("config_ignored", []).append(f"{path}: `{key}` ignored: {UNTRUSTED_KEYS[key]}")
            continue
        if key not in CONFIG_KEYS:
            hint = f" (did you mean `{key.replace('_', '-')}`?)" if key.replace("_", "-") in CONFIG_KEYS else ""
            raise ConfigError(f"{path}: unknown key `{key}`{hint}; known keys: {', '.join(sorted(CONFIG_KEYS))}")
        name, parse = CONFIG_KEYS[key]
        values[name] = parse(path, key, raw)
    return values


def load_config(path: Path) -> dict[str, Any]:
    table = _read_table(path)
    return parse_config(path, table or {})


def apply_config(settings: Settings, values: dict[str, Any]) -> Settings:
    """Settings with file values applied (`extend-exclude` adds to `exclude`)."""
    values = dict(values)
    extend_exclude = values.pop("extend_exclude", [])
    for name, value in values.items():
        setattr(settings, name, value)
    settings.exclude = [*settings.exclude, *extend_exclude]
    return settings
