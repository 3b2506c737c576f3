"""Launch recipes: a file holding a launch in force (WAC404), the script it launches, the configs it passes.

Used by the path analysis (a launch is an entry point) and by the inference (a recipe's launch flags settle
what its files leave open, infer/recipes.py).
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, field
from typing import Iterable

from ..evidence import Finding, State
from ..rules.codes import Code

LAUNCHER_RULE = Code.LAUNCHER
CONFIG_RULE = Code.LAUNCH_CONFIG


@dataclass
class Recipe:
    name: str  # the launch script's path
    files: set[str] = field(default_factory=set)  # the launch script, launched scripts, configs passed
    dirs: set[str] = field(default_factory=set)  # directories whose other files belong to this recipe
    configs: set[str] = field(default_factory=set)


def _resolve(reference: str, base: str, known: set[str]) -> str | None:
    """A path written in `base` (a file) as the scanned file it names, if any."""
    text = reference.strip().strip("'\"")
    if not text or "$" in text:
        return None
    options = [posixpath.normpath(posixpath.join(posixpath.dirname(base), text)), posixpath.normpath(text)]
    for option in options:
        if option in known:
            return option
    # A path relative to wherever the job was started: match on the trailing components.
    tail = posixpath.normpath(text)
    while tail.startswith("../"):
        tail = tail[3:]
    matches = [k for k in known if k == tail or k.endswith("/" + tail)]
    return matches[0] if len(matches) == 1 else None


# Findings that stand for nothing run: a comment's mention, code that cannot run.
_NOT_RUN = (State.MENTIONED, State.DEAD)


def find_recipes(findings: Iterable[Finding], files: Iterable[str]) -> list[Recipe]:
    findings = list(findings)
    known = set(files) | {f.path for f in findings}
    recipes: dict[str, Recipe] = {}
    for f in findings:
        if f.rule != LAUNCHER_RULE or not f.in_force or (f.properties or {}).get("vendored"):
            continue  # a launch script in a vendored tree is someone else's recipe
        recipe = recipes.setdefault(f.path, Recipe(f.path, {f.path}, {posixpath.dirname(f.path)}))
        props = f.properties or {}
        script = props.get("script_resolved") if props.get("script_resolved") in known else props.get("script")
        if isinstance(script, str):
            target = _resolve(script, f.path, known)
            if target:
                recipe.files.add(target)
                recipe.dirs.add(posixpath.dirname(target))
    configs = [f for f in findings if f.rule == CONFIG_RULE and f.state not in _NOT_RUN]
    for recipe in recipes.values():
        # Follow config chains (accelerate YAML -> deepspeed_config_file -> JSON) until nothing new is reached.
        changed = True
        while changed:
            changed = False
            for f in configs:
                if f.path not in recipe.files:
                    continue
                reference = (f.properties or {}).get("resolved") or f.value
                target = _resolve(reference, f.path, known) if isinstance(reference, str) else None
                if target and target not in recipe.configs:
                    recipe.files.add(target)
                    recipe.configs.add(target)
                    changed = True
    return [recipes[name] for name in sorted(recipes)]
