"""The path analysis (entry points, import graph, roles) is kept with the result cache and reused while its inputs
(files, path facts, findings) are the same (paths/stored.py): a rescan must report what a scan without the cache
reports, whatever changed in between."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from whackachip_lint import scan as scan_module
from whackachip_lint.cache import ResultCache
from whackachip_lint.config import Settings
from whackachip_lint.paths import stored
from whackachip_lint.scan import scan

TRAIN = "import torch\nfrom model import build\nif __name__ == '__main__':\n    build().to('cuda')\n"
MODEL = "import torch\ndef build():\n    return torch.nn.Linear(2, 2).to(dtype=torch.bfloat16)\n"
HELPER = "import torch\nx = torch.zeros(1, dtype=torch.float16)\n"


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    root.mkdir()
    (root / "train.py").write_text(TRAIN, encoding="utf-8")
    (root / "model.py").write_text(MODEL, encoding="utf-8")
    (root / "helper.py").write_text(HELPER, encoding="utf-8")
    return root


@pytest.fixture
def analyses(monkeypatch) -> list[int]:
    """How many times the path analysis was worked out (not taken from the store)."""
    calls: list[int] = []
    real = scan_module.analyse

    def counting(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(scan_module, "analyse", counting)
    return calls


def _settings(tmp_path: Path, **changes) -> Settings:
    return Settings(cache_dir=str(tmp_path / "cache"), jobs=1, **changes)


def _view(result) -> tuple:
    roles = result.paths.roles if result.paths else {}
    return ([(f.path, f.rule, str(f.value), f.span.line, dict(f.properties)) for f in result.findings],
            sorted(roles.items()), result.paths.summary() if result.paths else None)


def _uncached(repo: Path) -> tuple:
    return _view(scan([repo], Settings(use_cache=False, jobs=1)))


def test_an_unchanged_tree_reuses_the_analysis(repo, tmp_path, analyses):
    first = _view(scan([repo], _settings(tmp_path)))
    assert len(analyses) == 1
    second = _view(scan([repo], _settings(tmp_path)))
    assert len(analyses) == 1  # taken from the store
    assert first == second == _uncached(repo)
    assert dict(second[1])["model.py"] == "training"


@pytest.mark.parametrize("change", ["add", "remove", "edit", "edit_facts_only"])
def test_a_changed_tree_is_analysed_again(repo, tmp_path, analyses, change):
    scan([repo], _settings(tmp_path))
    if change == "add":  # a second entry point that imports the helper makes it part of a training path
        (repo / "pretrain.py").write_text("import helper\nif __name__ == '__main__':\n    pass\n", encoding="utf-8")
    elif change == "remove":
        (repo / "train.py").unlink()
    elif change == "edit":
        (repo / "train.py").write_text(TRAIN.replace("from model import build", "from helper import x"),
                                       encoding="utf-8")
    else:  # a new import changes the facts and no finding
        (repo / "model.py").write_text("import helper\n" + MODEL, encoding="utf-8")
    os.utime(repo, None)
    rescanned = _view(scan([repo], _settings(tmp_path)))
    assert len(analyses) == 2
    assert rescanned == _uncached(repo)


def test_the_inputs_digest_follows_files_facts_and_findings(repo):
    result = scan([repo], Settings(use_cache=False, jobs=1))
    facts = dict(result.facts)
    base = stored.inputs_digest(result.files, facts, result.findings)
    assert stored.inputs_digest(list(result.files), dict(facts), list(result.findings)) == base
    assert stored.inputs_digest(result.files + ["new.py"], facts, result.findings) != base
    changed = {**facts, "model.py": {"imports": []}}
    assert stored.inputs_digest(result.files, changed, result.findings) != base
    moved = [f.with_changes(span=f.span.__class__(f.span.line + 1, f.span.column, f.span.end_line + 1,
                                                  f.span.end_column)) for f in result.findings]
    assert stored.inputs_digest(result.files, facts, moved) != base
    assert stored.inputs_digest(result.files, facts, result.findings[1:]) != base


def test_other_settings_keep_their_own_analysis(repo, tmp_path, analyses):
    scan([repo], _settings(tmp_path))
    scan([repo], _settings(tmp_path, select=["WAC2"]))  # another key: another store
    assert len(analyses) == 2
    again = _view(scan([repo], _settings(tmp_path, select=["WAC2"])))
    assert len(analyses) == 2
    assert again == _view(scan([repo], Settings(use_cache=False, jobs=1, select=["WAC2"])))


def _store_file(repo: Path, tmp_path: Path) -> Path:
    path, key, _secret = ResultCache.locate(repo, _settings(tmp_path))
    return path.with_name(f"{key}.paths")


@pytest.mark.parametrize("damage", ["garbage", "foreign", "malformed"])
def test_a_damaged_or_foreign_store_is_a_miss(repo, tmp_path, analyses, damage):
    scan([repo], _settings(tmp_path))
    store = _store_file(repo, tmp_path)
    assert store.is_file()
    if damage == "garbage":
        store.write_bytes(b"\x00not json")
    elif damage == "foreign":  # a store written under another user's key: its MAC fails
        head, _, body = store.read_bytes().partition(b"\n")
        entries = json.loads(body)
        entries["paths"]["paths"]["roles"] = {"model.py": "vendored"}
        store.write_bytes(head + b"\n" + json.dumps(entries).encode())
    else:  # signed, but not an analysis
        path, key, secret = ResultCache.locate(repo, _settings(tmp_path))
        planted = ResultCache(store, key, secret)
        planted.new[stored.ENTRY] = {"inputs": planted.entries[stored.ENTRY]["inputs"], "paths": {"roles": 3}}
        planted.save()
    again = _view(scan([repo], _settings(tmp_path)))
    assert len(analyses) == 2
    assert again == _uncached(repo)


def test_no_cache_no_store(repo, tmp_path, analyses):
    scan([repo], Settings(use_cache=False, cache_dir=str(tmp_path / "cache"), jobs=1))
    scan([repo], Settings(use_cache=False, cache_dir=str(tmp_path / "cache"), jobs=1))
    assert len(analyses) == 2
    assert not (tmp_path / "cache").exists()


def test_an_analysis_survives_a_round_trip():
    result = scan([Path(__file__).parent / "fixtures" / "repos" / "path_fp8_library"], Settings(use_cache=False))
    repo = result.paths
    assert repo is not None and repo.entries
    assert stored.decode(json.loads(json.dumps(stored.encode(repo)))) == repo


def test_each_files_content_digest_stands_for_its_facts(repo, tmp_path):
    cold = scan([repo], _settings(tmp_path))
    warm = scan([repo], _settings(tmp_path))
    assert set(cold.stats.contents) == set(cold.files) and cold.stats.contents == warm.stats.contents
    assert scan([repo], Settings(use_cache=False, jobs=1)).stats.contents is None
    contents = dict(warm.stats.contents)
    base = stored.inputs_digest(warm.files, warm.facts, warm.findings, contents)
    assert base != stored.inputs_digest(warm.files, warm.facts, warm.findings)  # the facts themselves: another key
    assert stored.inputs_digest(warm.files, {}, warm.findings, contents) == base  # the contents stand for them
    assert stored.inputs_digest(warm.files, warm.facts, warm.findings, {**contents, "model.py": "0" * 32}) != base
    # Digests that do not cover every file with facts are not used: the facts are hashed instead.
    partial = {k: v for k, v in contents.items() if k != "model.py"}
    assert stored.inputs_digest(warm.files, warm.facts, warm.findings, partial) == stored.inputs_digest(
        warm.files, warm.facts, warm.findings)


def test_the_store_knows_every_field_of_the_analysis():
    assert stored.storable()  # a new field of RepoPaths, EntryPoint or TrainingPath: store it in paths/stored.py


def test_a_documented_entry_point_survives_a_round_trip():
    from whackachip_lint.paths.roles import EntryPoint, RepoPaths, TrainingPath

    repo = RepoPaths({"a.py": "training"}, {"a.py": "why"},
                     [EntryPoint("README.md:12", "launch", ["a.py"], "training", document="README.md")],
                     [TrainingPath("README.md:12", "launch", {"a.py", "b.py"}, 2, True)], False)
    assert stored.decode(json.loads(json.dumps(stored.encode(repo)))) == repo


def test_an_analysis_with_a_field_the_store_does_not_know_is_worked_out(repo, tmp_path, analyses, monkeypatch):
    monkeypatch.setitem(stored.KNOWN_FIELDS, stored.EntryPoint, ("path", "kind"))
    scan([repo], _settings(tmp_path))
    scan([repo], _settings(tmp_path))
    assert len(analyses) == 2
    assert not _store_file(repo, tmp_path).exists()
