"""Settings for one scan: defaults, then a configuration file, then the command line (which wins).

The settings themselves, their keys and parsers are declared once in options.py; this module finds and reads the
configuration file."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from .options import (  # noqa: F401 (re-exported: where every layer has always imported Settings from)
    CONFIG_KEYS, CONFIG_MAX_FILE_BYTES, DEFAULT_MAX_FILE_BYTES, OPTIONS, OUTPUT_FORMATS, UNTRUSTED_KEYS, ConfigError,
    Settings, default_jobs,
)
from .safe_read import CONTROL_FILE_MAX, NotRead, lies_within, read_bytes

# ---------------------------------------------------------------------------------------------------------------
# Configuration files: `[tool.wac-lint]` in pyproject.toml, or the top level of wac-lint.toml / .wac-lint.toml.
# The first directory, walking up from the scanned path, that holds one of them wins (in this order of names);
# a pyproject.toml without a [tool.wac-lint] table does not count. Command-line flags override file values.

CONFIG_NAMES = ("wac-lint.toml", ".wac-lint.toml", "pyproject.toml")


def _toml_loads(text: str) -> dict:
    import tomllib

    return tomllib.loads(text)


def _read_table(path: Path, within: str | None) -> dict | None:
    """The wac-lint table of one file (None for a pyproject.toml without one).

    The file may be the scanned repository's: read with safe_read's guards (a regular file, at most
    CONTROL_FILE_MAX bytes: a 10 GB sparse pyproject.toml was read whole), and a nesting too deep for tomllib's
    recursive parser is a ConfigError like any invalid TOML, not a traceback. `within` (the real path of the
    repository a found file lies in, None for the file --config names): a link out of it is not followed (a
    repository's pyproject.toml linked to a file of the user's); a link inside it is (a package's pyproject.toml
    linked to the repository's)."""
    if within is not None and not lies_within(os.path.realpath(path), within):
        raise ConfigError(f"{path}: a symbolic link to a file outside its repository ({within}); not read "
                          "(--config names a configuration to read wherever it is, --isolated reads none)")
    try:
        data = _toml_loads(read_bytes(path, CONTROL_FILE_MAX, within=within).decode("utf-8"))
    except NotRead as exc:
        raise ConfigError(f"{path}: {exc}") from None
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: not valid UTF-8") from None
    except ValueError as exc:  # tomllib.TOMLDecodeError
        raise ConfigError(f"{path}: invalid TOML: {exc}") from None
    except RecursionError:
        raise ConfigError(f"{path}: invalid TOML: nested too deeply to read") from None
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
            if candidate.is_file() and (name != "pyproject.toml" or _read_table(candidate, _repository(folder))
                                        is not None):
                return candidate
    return None


def _repository(folder: Path) -> str:
    """The real path of the tree a found configuration file belongs to: its git repository, else its folder."""
    from .discover import find_repository_root

    return os.path.realpath(find_repository_root(folder) or folder)


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


def load_config(path: Path, found: bool = True) -> dict[str, Any]:
    """The values of the configuration file `path`: `found` by `find_config`, or named by the user (--config)."""
    table = _read_table(path, _repository(path.parent) if found else None)
    return parse_config(path, table or {})


def apply_config(settings: Settings, values: dict[str, Any]) -> Settings:
    """Settings with file values applied (`extend-exclude` adds to `exclude`)."""
    values = dict(values)
    extending = {option.name: option.extends for option in OPTIONS if option.extends}
    added = {name: values.pop(name, []) for name in extending}
    for name, value in values.items():
        setattr(settings, name, value)
    for name, target in extending.items():
        setattr(settings, target, [*getattr(settings, target), *added[name]])
    return settings
