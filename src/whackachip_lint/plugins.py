"""Third-party plugins, as flake8 loads them: packages that register an entry point in `whackachip_lint.plugins`.

An entry point names a `Plugin` object (or a function returning one). A plugin can add:
- `rules`: rule declarations with their own code prefix (`TTS001`: never `WAC`, never another plugin's prefix),
  each with positive and negative examples, trigger words and (optionally) `implies` rows like the built-in rules;
- `file_kinds`: new rows of the file-kind table (`kinds.FileKind`: names, suffixes, patterns, extractor modules,
  sample name...), exactly as the built-in kinds are declared;
- `extractors`: existing kind -> module paths of more `extract(source) -> list[RawFinding]` readers for it;
- `implies`: rule code -> constraint rows as plain data (what a finding means for hardware; the same as a rule's
  `implies`, for plugins that would rather not build `rules.implies.Spec`s);
- `catalog`: hardware entries, each with the catalog's required fields and `sources` (unknown facts are null);
- `vocabulary`: words the core extractors then read in every format (`Vocabulary`): device types, collective
  backends, environment variables and packages of a new vendor. A word wac-lint or an earlier plugin already reads
  is one problem naming both; the plugin's other words still load.

Everything a plugin adds is marked with its name (`wac-lint rule --all`, `wac-lint hardware`). A plugin that fails
to load or declares something invalid is skipped with one diagnostic naming it; it never stops a scan.
Loading happens once per process, the first time a registry asks (the scan path of a process with no plugin
installed pays one entry-point lookup).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import metadata
from typing import Any, Callable

ENTRY_POINT_GROUP = "whackachip_lint.plugins"
_PREFIX = re.compile(r"^([A-Z]{2,5})\d{3}$")


# Constraint specs as plain data, as in `Plugin.implies`: {"kind", "strength", "text", "vendors" or "arg"}.
Specs = tuple[dict[str, Any], ...]


@dataclass(frozen=True)
class Vocabulary:
    """Words a plugin adds to wac-lint's vocabulary (vocab/, extract/environment.py), read by the core extractors.

    - `devices`: device type (`torch.device("tt")`, `device: tt`, `--device tt`) -> what it implies; found as
      wac-lint's device-type rule with the word as its value;
    - `backends`: collective backend (`init_process_group(backend=...)`, `--ddp_backend`) -> what it implies;
      found as wac-lint's collective-backend rule;
    - `environment`: variable name, or a prefix ending in "*" (`TT_METAL_*`) -> (rule code, switch kind), as
      extract/environment.py's table: the rule (the plugin's own, or wac-lint's) and its implies say what the
      variable means; the switch kind ("set", "list", "on_if_true", "off_if_true", "level") how its value reads;
    - `packages`: a Python package built for the vendor's devices only (requirements, pyproject, setup.py, conda,
      `pip install` in Dockerfiles and scripts) -> what it implies; found as wac-lint's vendor-runtime-package rule.
    """

    devices: dict[str, Specs] = field(default_factory=dict)
    backends: dict[str, Specs] = field(default_factory=dict)
    environment: dict[str, tuple[str, str]] = field(default_factory=dict)
    packages: dict[str, Specs] = field(default_factory=dict)


@dataclass(frozen=True)
class Plugin:
    name: str
    rules: tuple = ()  # rules.base.Rule declarations
    file_kinds: tuple = ()  # kinds.FileKind rows (new kinds)
    extractors: dict[str, tuple[str, ...]] = field(default_factory=dict)  # existing kind -> extractor module paths
    implies: dict[str, tuple] = field(default_factory=dict)  # rule code -> constraint rows
    catalog: tuple[dict[str, Any], ...] = ()  # hardware entries
    vocabulary: Vocabulary = field(default_factory=Vocabulary)


@dataclass
class Loaded:
    plugins: list[Plugin]
    problems: list[str]  # one message per plugin (or declaration) that was skipped


@lru_cache(maxsize=1)  # read once per process: loading plugins and the cache's fingerprint both need them
def _entry_points() -> list[metadata.EntryPoint]:
    return list(metadata.entry_points(group=ENTRY_POINT_GROUP))


def installed() -> bool:
    """Whether any plug-in is installed (none is imported to tell)."""
    return bool(_entry_points())


def fingerprint() -> str:
    """What identifies the installed plugins without importing them: each entry point, its distribution's version
    and the size and mtime of the module it names. The result cache keys on it, so installing, removing, upgrading
    or editing a plugin invalidates results that plugin's rules and extractors may change."""
    parts = []
    for point in sorted(_entry_points(), key=lambda p: (p.name, p.value)):
        dist = getattr(point, "dist", None)
        version = f"{dist.name}=={dist.version}" if dist is not None else "-"
        origin = _module_file(point.value.partition(":")[0].strip())
        try:
            st = os.stat(origin) if origin else None
        except OSError:  # a broken plugin is reported when plugins load, not here
            st = None
        parts.append(f"{point.name}\0{point.value}\0{version}\0{f'{st.st_size}:{st.st_mtime_ns}' if st else '-'}")
    return "\1".join(parts)


def _module_file(dotted: str) -> str | None:
    """The file of module `dotted`, found on sys.path part by part: unlike importlib.util.find_spec, which imports
    the parent packages of a dotted name, this runs none of the plugin's code."""
    from importlib.machinery import PathFinder

    spec, path = None, None
    for part in dotted.split("."):
        name = part if spec is None else f"{spec.name}.{part}"
        try:
            spec = PathFinder.find_spec(name, path)
        except (ImportError, ValueError):
            return None
        if spec is None:
            return None
        path = spec.submodule_search_locations
    return spec.origin if spec is not None and spec.has_location else None


_loading = False


def loaded() -> Loaded:
    """Every installed plugin that loads and validates; problems with the others, named.

    A registry that a plugin's own import reaches while plugins load sees none yet (no import cycle)."""
    global _loading
    if _loading:
        return Loaded([], [])
    _loading = True
    try:
        result = _load()
    finally:
        _loading = False
    while _WAITING:
        _merge(_WAITING.pop(0), result)
    return result


def _merge(hook: Callable[[Loaded], None], result: Loaded) -> None:
    """Run a table's merge of plugin rows; what a plugin declared that still breaks it is one problem, not a crash
    (the table keeps the rows merged before the failure)."""
    try:
        hook(result)
    except Exception as exc:  # validation should have caught it: say so rather than stop every scan
        result.problems.append(f"plugins: merging into {hook.__module__} failed: {type(exc).__name__}: {exc}")


@lru_cache(maxsize=1)
def _load() -> Loaded:
    plugins: list[Plugin] = []
    problems: list[str] = []
    for point in _entry_points():
        try:
            obj: Any = point.load()
            plugin = obj() if callable(obj) and not isinstance(obj, Plugin) else obj
            if not isinstance(plugin, Plugin):
                raise TypeError(f"entry point {point.value!r} gives {type(plugin).__name__}, not a Plugin")
            problem = _validate(plugin, plugins)
        except Exception as exc:  # a broken plugin is one diagnostic, never a crash
            problems.append(f"plugin {point.name!r} not loaded: {type(exc).__name__}: {exc}")
            continue
        if problem:
            problems.append(f"plugin {point.name!r} ({plugin.name}) not loaded: {problem}")
            continue
        plugins.append(plugin)
    return Loaded(plugins, problems)


def _validate(plugin: Plugin, earlier: list[Plugin]) -> str | None:
    from .data import CATALOG_REQUIRED_FIELDS as REQUIRED_FIELDS

    taken = {_PREFIX.match(r.code).group(1) for p in earlier for r in p.rules if _PREFIX.match(r.code)}
    for rule in plugin.rules:
        match = _PREFIX.match(rule.code)
        if not match:
            return f"rule code {rule.code!r} is not a prefix of 2-5 capitals and 3 digits"
        if match.group(1) == "WAC":
            return f"rule code {rule.code!r} uses wac-lint's own prefix WAC"
        if match.group(1) in taken:
            return f"rule code prefix {match.group(1)} is already used by another plugin"
        if not rule.positives or not rule.negatives:
            return f"rule {rule.code} needs positive and negative examples"
    for kind in plugin.file_kinds:
        if not getattr(kind, "name", "") or not getattr(kind, "extractors", ()):
            return f"file kind {kind!r} needs a name and extractor modules (a kinds.FileKind)"
    own = {r.code for r in plugin.rules}
    for code, rows in plugin.implies.items():
        if code not in own:
            return f"implies names {code!r}, which is not one of the plugin's rules"
        for _pattern, specs in rows:
            if problem := _specs_problem(specs):
                return f"implies of {code}: {problem}"
    vocabulary = plugin.vocabulary
    if not isinstance(vocabulary, Vocabulary):
        return f"vocabulary is a {type(vocabulary).__name__}, not a plugins.Vocabulary"
    for attribute in ("devices", "backends", "environment", "packages"):
        table = getattr(vocabulary, attribute)
        if not isinstance(table, dict) or not all(isinstance(word, str) and word.strip("*") for word in table):
            return f"vocabulary.{attribute} must be a dict keyed by non-empty words"
    for concept, table in (("device type", vocabulary.devices), ("collective backend", vocabulary.backends),
                           ("package", vocabulary.packages)):
        for word, specs in table.items():
            if problem := _specs_problem(specs):
                return f"{concept} {word!r}: {problem}"
    for name, row in vocabulary.environment.items():
        if not (isinstance(row, tuple) and len(row) == 2 and all(isinstance(part, str) for part in row)):
            return f"environment variable {name!r} needs (rule code, switch kind), not {row!r}"
    for entry in plugin.catalog:
        missing = [f for f in REQUIRED_FIELDS if f not in entry]
        if missing:
            return f"catalog entry {entry.get('id')!r} lacks {', '.join(missing)}"
        if not entry.get("sources"):
            return f"catalog entry {entry['id']!r} has no sources"
    return None


def new_words(loaded: Loaded, attribute: str, concept: str, known: Callable[[str], str | None],
              normal: Callable[[str], str] = str) -> list[tuple[str, str, Any]]:
    """(plugin name, word, meaning) of every word plugins add to one vocabulary table, each word once.

    Words are compared as `normal(word)` gives them (and returned so). `known(word)` names who reads the word
    already ("wac-lint" or a plugin), None if nobody; a word that
    collides is left out with one problem naming both sides (vocab/devices.py, vocab/backends.py and
    extract/environment.py merge what is returned into their tables)."""
    added: list[tuple[str, str, Any]] = []
    owners: dict[str, str] = {}
    for plugin in loaded.plugins:
        for written, meaning in getattr(plugin.vocabulary, attribute).items():
            word = normal(written)
            owner = known(word) or next((o for w, o in owners.items() if _overlap(w, word)), None)
            if owner is not None:
                loaded.problems.append(
                    f"plugin {plugin.name!r}: {concept} {word!r} is already read by "
                    f"{owner if owner == 'wac-lint' else f'plugin {owner!r}'}; not added")
                continue
            owners[word] = plugin.name
            added.append((plugin.name, word, meaning))
    return added


def _overlap(one: str, other: str) -> bool:
    """Whether two words (a trailing "*" makes a prefix) can name the same thing."""
    if one.endswith("*") or other.endswith("*"):
        a, b = one.rstrip("*"), other.rstrip("*")
        return (one.endswith("*") and b.startswith(a)) or (other.endswith("*") and a.startswith(b))
    return one == other


def _specs_problem(specs: Any) -> str | None:
    """What is wrong with constraint specs given as data (`Specs`), None if nothing."""
    if not isinstance(specs, tuple):
        return f"constraint specs must be a tuple of dicts, not {type(specs).__name__}"
    for spec in specs:
        if not isinstance(spec, dict) or not {"kind", "strength", "text"} <= spec.keys():
            return f"constraint spec {spec!r} needs kind, strength and text"
        if spec["kind"] == "vendor" and not spec.get("vendors"):
            return f"vendor constraint {spec['text']!r} names no vendors"
    return None


def problems() -> list[str]:
    return loaded().problems


_WAITING: list[Callable[[Loaded], None]] = []


def when_loaded(hook: Callable[[Loaded], None]) -> None:
    """Call `hook(loaded)` once plugins are loaded: now if they are, else right after whichever registry loads them
    first. A table that merges plugin rows this way never loads plugins itself, so importing it while a plugin
    loads (the plugin imports wac-lint's declaration types) cannot leave another registry built without plugins."""
    if _load.cache_info().currsize and not _loading:
        _merge(hook, _load())
    else:
        _WAITING.append(hook)


def each(attribute: str) -> list[tuple[str, Any]]:
    """(plugin name, value of `attribute`) for every loaded plugin."""
    return [(p.name, getattr(p, attribute)) for p in loaded().plugins]


def reset() -> None:
    """Forget what was loaded (tests install and remove plugins)."""
    _load.cache_clear()
    _entry_points.cache_clear()
    for hook in _RESET_HOOKS:
        hook()


_RESET_HOOKS: list[Callable[[], None]] = []


def on_reset(hook: Callable[[], None]) -> None:
    _RESET_HOOKS.append(hook)
