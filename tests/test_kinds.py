"""The one table of file kinds (kinds.py): every other place reads it, and it is consistent with itself."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest
import yaml
from identify import identify

from whackachip_lint import discover, docs, kinds, plugins, triggers
from whackachip_lint.extract import EXTRACTORS, ExtractionError, Source, extractors_for
from whackachip_lint.kinds import BUILTIN_KINDS, KINDS, FileKind, KindTable
from whackachip_lint.rules import ALL_RULES
from whackachip_lint.rules.base import Example

HOOKS = Path(__file__).resolve().parents[1] / ".pre-commit-hooks.yaml"


def _names_of(kind: FileKind) -> list[str]:
    """File names the table says are of `kind` (pattern rows through the sample name)."""
    return [*kind.names, *(f"x{suffix}" for suffix in kind.suffixes), kind.sample]


@pytest.mark.parametrize("kind", BUILTIN_KINDS, ids=lambda k: k.name)
def test_each_kind_is_recognised_by_its_names_suffixes_and_sample(kind):
    for name in _names_of(kind):
        assert discover.classify(Path("repo") / name, b"") == kind.name, name


@pytest.mark.parametrize("name, head, kind", [
    ("train", b"#!/usr/bin/env python3\n", "python"),
    ("job.slurm", b"#!/bin/bash\n#SBATCH -N 2\n", "shell"),
    ("run", b"#!/usr/bin/env -S bash -e\n", "shell"),
    ("tool", b"#!/usr/bin/perl\n", None),
    ("notes.cfg", b"#!/bin/bash\n", None),  # a suffix that is not a script's: its first line is not read
])
def test_a_file_without_a_known_suffix_is_told_by_its_kinds_shebang(name, head, kind):
    assert discover.classify(Path(name), head) == kind


@pytest.mark.parametrize("kind", BUILTIN_KINDS, ids=lambda k: k.name)
def test_each_kinds_extractors_are_modules_with_extract(kind):
    assert kind.extractors
    for module in kind.extractors:
        assert callable(importlib.import_module(module).extract), module
    assert len(extractors_for(kind.name)) == len(kind.extractors)


def test_every_reader_of_kinds_reads_the_table():
    assert EXTRACTORS == {kind.name: kind.extractors for kind in KINDS.values()}
    assert triggers.FILTERED_KINDS == {"python": (), "shell": (), "json": ('"amp"', "auto")}
    assert kinds.parser_modules() == ("tree_sitter", "tree_sitter_bash", "tree_sitter_json", "yaml")
    assert docs._fence(Example("x", kind="shell")).startswith("```bash\n")
    assert docs._fence(Example("x", kind="makefile")).startswith("```text\n")
    assert kinds.sample_name("requirements") == "requirements.txt" and kinds.sample_name("nope") == "snippet.nope"


@pytest.mark.parametrize("kind, text, lines", [
    ("python", "a\rb\r\nc\x0cd\n", ["a", "b", "c\x0cd"]),  # CPython breaks at a lone CR, never at a form feed
    ("yaml", "a\x85b\u2028c\r\nd", ["a", "b", "c", "d"]),
    ("shell", "a\rb\u2028c\r\nd\n", ["a\rb\u2028c", "d"]),  # tree-sitter: LF only
    ("justfile", "a\rb\nc", ["a\rb", "c"]),  # a kind the table does not know (yet): LF
])
def test_lines_break_as_the_kinds_parser_counts_them(kind, text, lines):
    assert Source(Path("x"), "x", kind, text.encode("utf-8")).lines == lines


def test_characters_the_shell_parser_cannot_survive_are_refused_before_parsing():
    with pytest.raises(ExtractionError, match="U\\+E0001"):
        Source(Path("x.sh"), "x.sh", "shell", "echo {\U000e0001}\n".encode("utf-8")).text
    assert Source(Path("x.py"), "x.py", "python", "x = '\U000e0001'\n".encode("utf-8")).text


def test_every_rule_example_is_of_a_kind_the_table_knows():
    unknown = {(rule.code, ex.kind) for rule in ALL_RULES.values() for ex in (*rule.positives, *rule.negatives)
               if ex.kind not in KINDS}
    assert unknown == set()


def test_the_pre_commit_hook_passes_every_kind_pre_commit_can_tell():
    (hook,) = [h for h in yaml.safe_load(HOOKS.read_text(encoding="utf-8")) if h["id"] == "wac-lint"]
    assert hook["types_or"] == kinds.pre_commit_types()
    for kind in BUILTIN_KINDS:
        for name in _names_of(kind):
            tags = identify.tags_from_filename(name)
            # A name pre-commit gives no type (`x.pbs`, `x.log`) cannot be selected by type: the repository hook
            # covers those. Every other name must be passed to the hook.
            assert not tags or tags & set(hook["types_or"]), (kind.name, name, sorted(tags))


def _merged(**added) -> tuple[KindTable, plugins.Loaded]:
    loaded = plugins.Loaded([plugins.Plugin("demo", **added)], [])
    table = KindTable(BUILTIN_KINDS)
    table.add_plugins(loaded)
    return table, loaded


def test_a_plugin_adds_a_kind_as_one_row_and_readers_to_an_existing_kind():
    just = FileKind("justfile", ("demo.extract",), names=("justfile",), suffixes=(".just",), sample="justfile",
                    prefilter_words=("tt_",))
    table, loaded = _merged(file_kinds=(just,), extractors={"shell": ("demo.extract",)})
    assert table.kinds["justfile"] is just
    assert (table.by_name["justfile"], table.by_suffix[".just"], table.prefilter_words["justfile"]) == (
        "justfile", "justfile", ("tt_",))
    assert table.extractors["shell"] == KINDS["shell"].extractors + ("demo.extract",)
    assert table.kinds["shell"].extractors == table.extractors["shell"]
    assert loaded.problems == []


def test_a_plugin_cannot_redefine_a_built_in_kind():
    table, loaded = _merged(file_kinds=(FileKind("python", ("demo.extract",), suffixes=(".pyx",)),))
    assert table.kinds["python"] == KINDS["python"] and ".pyx" not in table.by_suffix
    assert loaded.problems == ["plugin 'demo': file kind 'python' exists already; not added"]


def test_a_table_waiting_for_plugins_gets_them_when_they_load(monkeypatch):
    seen = []
    monkeypatch.setattr(plugins, "_WAITING", [])
    monkeypatch.setattr(plugins, "_entry_points", lambda: [])
    plugins._load.cache_clear()
    try:
        plugins.when_loaded(seen.append)
        assert seen == []  # waiting for whichever registry loads plugins first
        loaded = plugins.loaded()
        assert seen == [loaded] and plugins._WAITING == []
        plugins.when_loaded(seen.append)  # already loaded: at once
        assert seen == [loaded, loaded]
    finally:
        plugins._load.cache_clear()
