"""Launch recipes: a file holding a launch in force (WAC404), the script it launches, the configs it passes.

Used by the path analysis (a launch is an entry point) and by the inference (a recipe's launch flags settle
what its files leave open, infer/recipes.py).
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from typing import Iterable

from ..evidence import Finding, State
from ..rules.codes import Code

LAUNCHER_RULE = Code.LAUNCHER
CONFIG_RULE = Code.LAUNCH_CONFIG


@dataclass
class Recipe:
    name: str  # the launch script's path; for a documented recipe, "README.md:12" (document and block)
    files: set[str] = field(default_factory=set)  # the launch script, launched scripts, configs passed
    dirs: set[str] = field(default_factory=set)  # directories whose other files belong to this recipe
    configs: set[str] = field(default_factory=set)
    # A documented recipe (a code block of a README, extract/doc_commands.py): the document. The document itself is
    # not one of its files: it stays documentation, and its other blocks and prose are not this recipe's.
    document: str = ""
    block_end: int = 0  # a documented recipe's last line of its code block (doc_block_lines); it opens at its name's

    def holds(self, where: str) -> bool:
        """Whether evidence at `where` ("path:line") is part of this recipe's launch: a line of the launch file, or
        for a documented recipe ("README.md:12") a line of its own code block, never another block of the
        document or the prose around it. The one answer to "does this evidence belong to this launch"."""
        path, _, line = where.rpartition(":")
        return self._holds_line(path, int(line) if line.isdigit() else None)

    def holds_launch(self, finding: Finding) -> bool:
        """Whether a finding is part of this recipe's launch commands (its flags settle what the files leave open):
        it stands in the launch file, or in a documented recipe's own code block (holds)."""
        return self._holds_line(finding.path, finding.line)  # asked of every finding per recipe: no text made

    def _holds_line(self, path: str, line: int | None) -> bool:
        if not self.document:
            return path == self.name
        opened = int(self.name.rpartition(":")[2])
        return path == self.document and line is not None and opened <= line <= self.block_end


def doc_block(finding: Finding) -> int:
    """The line of the code block a documented command stands in (extract/doc_commands.py); 0 for code."""
    block = (finding.properties or {}).get("doc_block")
    return block if isinstance(block, int) and not isinstance(block, bool) else 0


def doc_block_lines(finding: Finding) -> tuple[int, int]:
    """The first and last line of the code block a documented command stands in (the opening fence and the last
    line of the block's body, `properties.doc_block_end`; a finding without it reaches as far as its own end)."""
    end = (finding.properties or {}).get("doc_block_end")
    last = end if isinstance(end, int) and not isinstance(end, bool) else finding.span.end_line
    return doc_block(finding), max(last, finding.span.end_line)


def documented_recipe_name(finding: Finding) -> str:
    """The name of the documented recipe a finding of a README code block would belong to ("README.md:12")."""
    return f"{finding.path}:{doc_block(finding)}"


def recipe_home(finding: Finding) -> str:
    """What a finding belongs to as far as recipes go: its file, or for a command of a README code block the
    documented recipe of that block ("README.md:12"), never the whole README."""
    return documented_recipe_name(finding) if doc_block(finding) else finding.path


def documented_run(finding: Finding) -> str | None:
    """The script a documented command runs, when the finding is part of one (a launcher, or a flag passed to
    `python script.py`): a block that runs a script of the repository is a documented recipe of it."""
    props = finding.properties or {}
    if not doc_block(finding) or not finding.in_force or props.get("vendored") or props.get("other_project"):
        return None  # after a `git clone` in its block, a command runs the cloned project's scripts
    script = props.get("script_resolved") or props.get("script")
    return script if isinstance(script, str) else None


def documented_target(finding: Finding, known: KnownFiles) -> str | None:
    """The Python script of the repository (one of `known`) a README block's command runs, if it runs one: that
    makes the block a documented recipe of the script (documented_recipe_name)."""
    script = documented_run(finding)
    target = _resolve(script, finding.path, known) if script else None
    return target if target is not None and target.endswith(".py") else None


class KnownFiles:
    """The scanned files, resolved against by the paths launches write: each (reference, file) once, and a path
    given by its trailing components looked up by its file name, not matched against every file."""

    def __init__(self, files: Iterable[str]) -> None:
        self.files = frozenset(files)
        self._resolved: dict[tuple[str, str], str | None] = {}

    def __contains__(self, path: object) -> bool:
        return path in self.files

    @cached_property
    def _by_name(self) -> dict[str, list[str]]:
        by_name: dict[str, list[str]] = {}
        for path in self.files:
            by_name.setdefault(posixpath.basename(path), []).append(path)
        return by_name

    def resolve(self, reference: str, base: str) -> str | None:
        key = (reference, base)
        if key not in self._resolved:
            self._resolved[key] = self._find(reference, base)
        return self._resolved[key]

    def _find(self, reference: str, base: str) -> str | None:
        text = reference.strip().strip("'\"")
        if "$" in text:
            return self._find_under_variable(text, base)
        if not text:
            return None
        options = [posixpath.normpath(posixpath.join(posixpath.dirname(base), text)), posixpath.normpath(text)]
        for option in options:
            if option in self.files:
                return option
        # A path relative to wherever the job was started: match on the trailing components.
        tail = posixpath.normpath(text)
        while tail.startswith("../"):
            tail = tail[3:]
        matches = [k for k in self._by_name.get(posixpath.basename(tail), ()) if k == tail or k.endswith("/" + tail)]
        return matches[0] if len(matches) == 1 else None

    def _find_under_variable(self, text: str, base: str) -> str | None:
        """`$SCRIPT_DIR/utils/train.py`: a path under one leading variable, most often the launch file's own folder
        (`SCRIPT_DIR=$(dirname "$0")`) or the repository's root, is looked for there only: a variable may name
        anything, so its trailing components are never matched across the tree."""
        head, slash, rest = text.partition("/")
        if not slash or not rest or "$" in rest or not _VARIABLE.fullmatch(head):
            return None  # `$DIR/` names a folder, never the launch's own folder taken for a file
        for option in (posixpath.normpath(posixpath.join(posixpath.dirname(base), rest)), posixpath.normpath(rest)):
            if option in self.files:
                return option
        return None


# A leading `$NAME` or `${NAME}` of a launched path.
_VARIABLE = re.compile(r"\$(?:\w+|\{\w+\})")


@lru_cache(maxsize=4)
def known_files(files: frozenset[str]) -> KnownFiles:
    """The index of a run's files, shared by the path analysis and the inference (both resolve the same launches)."""
    return KnownFiles(files)


def _resolve(reference: str, base: str, known: KnownFiles) -> str | None:
    """A path written in `base` (a file) as the scanned file it names, if any."""
    return known.resolve(reference, base)


# Findings that stand for nothing run: a comment's mention, code that cannot run.
_NOT_RUN = (State.MENTIONED, State.DEAD)


def find_recipes(findings: Iterable[Finding], files: Iterable[str]) -> list[Recipe]:
    findings = list(findings)
    known = known_files(frozenset(files) | {f.path for f in findings})
    recipes: dict[str, Recipe] = {}
    block_ends: dict[str, int] = {}
    for f in findings:
        if doc_block(f):
            name = documented_recipe_name(f)
            block_ends[name] = max(block_ends.get(name, 0), doc_block_lines(f)[1])
            _add_documented(recipes, f, known)
            continue
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
    for name, end in block_ends.items():
        if name in recipes:
            recipes[name].block_end = end
    configs = [f for f in findings if f.rule == CONFIG_RULE and f.state not in _NOT_RUN]
    for recipe in recipes.values():
        # Follow config chains (accelerate YAML -> deepspeed_config_file -> JSON) until nothing new is reached.
        changed = True
        while changed:
            changed = False
            for f in configs:
                if recipe_home(f) not in recipe.files and not recipe.holds_launch(f):
                    continue
                reference = (f.properties or {}).get("resolved") or f.value
                target = _resolve(reference, f.path, known) if isinstance(reference, str) else None
                if target and target not in recipe.configs:
                    recipe.files.add(target)
                    recipe.configs.add(target)
                    changed = True
    return [recipes[name] for name in sorted(recipes)]


def _add_documented(recipes: dict[str, Recipe], finding: Finding, known: KnownFiles) -> None:
    """A command of a README code block that runs a script of the repository makes the block a documented recipe
    of that script; a command running anything else (another project's example, an installer) makes none."""
    target = documented_target(finding, known)
    if target is None:
        return
    name = documented_recipe_name(finding)
    recipe = recipes.setdefault(name, Recipe(name, document=finding.path))
    recipe.files.add(target)
    recipe.dirs.add(posixpath.dirname(target))
