"""Settings for one scan: defaults, merged with the command line.

(Loading `[tool.wac-lint]` from pyproject.toml / wac-lint.toml is added here too.)
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .evidence import Level

DEFAULT_MAX_FILE_BYTES = 10 * 1024 * 1024


@dataclass
class Settings:
    select: list[str] = field(default_factory=lambda: ["ALL"])
    ignore: list[str] = field(default_factory=list)
    extend_select: list[str] = field(default_factory=list)
    per_file_ignores: dict[str, list[str]] = field(default_factory=dict)
    exclude: list[str] = field(default_factory=list)
    fail_level: Level = Level.WARNING
    output_format: str = "text"
    max_file_bytes: int = DEFAULT_MAX_FILE_BYTES
    # Performance (scan.py): worker processes (None = number of cores), result cache.
    jobs: int | None = None
    use_cache: bool = True
    cache_dir: str | None = None
    # Skip parsing files without any trigger word of the selected rules (prefilter.py).
    prefilter: bool = True
    # Declared hardware from READMEs, docs and logs (WAC7xx); --no-docs turns it off.
    include_docs: bool = True
    # Fleet policy: catalog ids of the hardware the team runs on (findings it cannot run become errors).
    targets: list[str] = field(default_factory=list)
