"""Paths as printed (relative to the current directory) and SARIF locations (issue 14)."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from whackachip_lint.report.locations import SarifLocator, sarif_base, shown_path, shown_root

from ..conftest import FIXTURES, REPOS, promised_exit_code, run_cli, scan_json

VERDICTS = FIXTURES / "verdicts"


@pytest.mark.parametrize("root, cwd, expected", [
    ("repo/sub", "/work", "repo/sub"),
    ("/work/repo/sub", "/work", "repo/sub"),
    ("/elsewhere/repo", "/work", "/elsewhere/repo"),
    (".", "/work", "."),
    ("/work", "/work", "."),
    ("../sibling", "/work/here", "/work/sibling"),
])
def test_shown_root(root, cwd, expected):
    assert shown_root(Path(root), cwd) == expected


@pytest.mark.parametrize("relpath, root, expected", [
    ("train/train.py", "repo/sub", "repo/sub/train/train.py"),
    ("train.py", ".", "train.py"),
    ("/work/repo/a.py", ".", "repo/a.py"),
    ("/other/a.py", ".", "/other/a.py"),
    ("<plugins>", "repo", "<plugins>"),  # names no file
])
def test_shown_path(relpath, root, expected):
    assert shown_path(relpath, root, "/work") == expected


def test_sarif_base_is_the_git_top_level_else_the_common_directory(tmp_path):
    (tmp_path / "repo" / ".git").mkdir(parents=True)
    (tmp_path / "repo" / "a" / "b").mkdir(parents=True)
    (tmp_path / "plain" / "x").mkdir(parents=True)
    assert sarif_base([Path("repo/a/b")], str(tmp_path)) == tmp_path / "repo"
    assert sarif_base([Path("plain/x"), Path("plain")], str(tmp_path)) == tmp_path / "plain"
    locator = SarifLocator(tmp_path / "repo", str(tmp_path))
    assert locator.relative("repo/a/b/c.py") == "a/b/c.py" and locator.relative("plain/x/y.py") is None
    assert locator.base_uri() == (tmp_path / "repo").as_uri() + "/"


# --- the verdict's references, as printed (issue 14, broken item 2) ----------------------------------------------

# Fixtures whose verdicts name files in every place a verdict can: reasons, a declaration conflict (README.md), a
# primary target, training paths and recipes, an optional requirement, conflicts between paths, a memory requirement.
VERDICT_FIXTURES = [VERDICTS / "declared_v100_fa2", REPOS / "path_mlx_worker", VERDICTS / "two_trees",
                    REPOS / "mem_70b_zero0"]  # a memory requirement, whose text once named root-relative paths
# A file:line reference, or a file the fixtures hold, in running text.
_REFERENCE = re.compile(r"[\w./-]+\.(?:py|sh|md|json|yaml|yml)(?::\d+(?:,\d+)*)?")


@pytest.fixture(params=VERDICT_FIXTURES, ids=lambda p: p.name)
def subdirectory_scan(request, tmp_path, monkeypatch):
    """A fixture repository copied to repo/sub, scanned from the directory above `repo`: the verdict's references
    must name files from there, as the findings' paths do."""
    shutil.copytree(request.param, tmp_path / "repo" / "sub")
    monkeypatch.chdir(tmp_path)
    return promised_exit_code(scan_json("repo/sub"))  # the exit code of every report of this scan


def _opens(reference: str) -> bool:
    path, _, lines = reference.partition(":")
    return Path(path).is_file() and all(n.isdigit() for n in lines.split(",") if lines)


def _references_in(text: str) -> list[str]:
    return _REFERENCE.findall(text)


def test_text_verdict_references_open_from_the_current_directory(subdirectory_scan):
    result = run_cli("--verdict-only", "repo/sub")
    assert result.exit_code == subdirectory_scan, result.output
    found = _references_in(result.output)
    assert found and all(_opens(r) for r in found), [r for r in found if not _opens(r)]
    assert all(r.startswith("repo/sub/") for r in found)


def _json_references(value, key: str = "") -> list[str]:
    """Every file a JSON verdict names: structured references, and the paths recipes and training paths list."""
    if isinstance(value, dict):
        if {"path", "line"} <= value.keys():
            return [value["path"]]
        return [r for k, v in value.items() for r in _json_references(v, k)]
    if isinstance(value, list):
        return [r for v in value for r in _json_references(v, key)]
    if isinstance(value, str) and key in ("name", "files", "paths", "recipe", "evidence"):
        return [value] if _REFERENCE.fullmatch(value) else []
    return []


def test_json_verdict_references_open_from_the_current_directory(subdirectory_scan):
    report = scan_json("--verbose", "repo/sub")
    assert report["root"] == "repo/sub"
    found = _json_references(report["inference"]) + _references_in(report["inference"]["bottom_line"])
    assert found and all(_opens(r) for r in found), [r for r in found if not _opens(r)]
    for finding in report["findings"]:  # a contradicted declaration names the code's location too
        where = finding.get("properties", {}).get("conflicts_with")
        assert where is None or (_opens(where) and f" at {where};" in finding["message"])


def test_sarif_verdict_references_open_from_the_current_directory(subdirectory_scan):
    result = run_cli("--format", "sarif", "repo/sub")
    assert result.exit_code == subdirectory_scan
    run = json.loads(result.output)["runs"][0]
    verdict = run["properties"]["verdict"]
    found = [r for v in _flat_strings(verdict) for r in _references_in(v)]
    found += _references_in(run["invocations"][0]["toolExecutionNotifications"][-1]["message"]["text"])
    assert found and all(_opens(r) for r in found), [r for r in found if not _opens(r)]


def _flat_strings(value) -> list[str]:
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in _flat_strings(k) + _flat_strings(v)]
    if isinstance(value, (list, tuple)):
        return [s for v in value for s in _flat_strings(v)]
    return [value] if isinstance(value, str) else []


@pytest.mark.parametrize("output_format", ["markdown", "html"])
def test_markdown_and_html_verdict_references_open_from_the_current_directory(subdirectory_scan, output_format):
    result = run_cli("--format", output_format, "repo/sub")
    assert result.exit_code == subdirectory_scan
    verdict_part = result.output.split("Top evidence")[0] if output_format == "markdown" else result.output
    if output_format == "html":  # the evidence browser quotes source lines, which may name files of their own
        verdict_part = verdict_part.split('<section id="evidence"')[0]
    found = [r for r in _references_in(verdict_part.replace("\\", "")) if "/" in r or ":" in r]
    assert found and all(_opens(r) for r in found), [r for r in found if not _opens(r)]


def test_the_stored_verdict_of_a_scan_keeps_root_relative_paths(tmp_path):
    """Only what is shown moves: the verdict the inference returns (which the fleet store summarises, keyed by
    repository) names files relative to the scan root, whatever the current directory."""
    from whackachip_lint.config import Settings
    from whackachip_lint.infer.engine import infer
    from whackachip_lint.report.locations import relocate_verdict
    from whackachip_lint.scan import scan

    shutil.copytree(VERDICTS / "declared_v100_fa2", tmp_path / "repo")
    result = scan([tmp_path / "repo"], Settings())
    verdict = infer(result)
    before = json.dumps(verdict.to_dict(), sort_keys=True, default=str)
    shown = relocate_verdict(verdict, result, str(tmp_path))
    assert json.dumps(verdict.to_dict(), sort_keys=True, default=str) == before  # the original is not changed
    assert "README.md:3" in before and "repo/README.md:3" not in before
    assert shown.declared_conflicts[0].summary().startswith("V100 declared at repo/README.md:3")
    assert shown.primary["name"] == "repo/run.sh" and verdict.primary["name"] == "run.sh"



def test_a_verdict_whose_paths_do_not_move_is_not_copied(tmp_path):
    """Scanned from its own root (the usual case) no path of the verdict moves: it is shown as it is, not copied;
    scanned from the folder above, it is copied with its paths moved."""
    from whackachip_lint.config import Settings
    from whackachip_lint.infer.engine import infer
    from whackachip_lint.report.locations import relocate_verdict
    from whackachip_lint.scan import scan

    shutil.copytree(VERDICTS / "declared_v100_fa2", tmp_path / "repo")
    result = scan([tmp_path / "repo"], Settings())
    verdict = infer(result)
    assert relocate_verdict(verdict, result, str(tmp_path / "repo")) is verdict
    moved = relocate_verdict(verdict, result, str(tmp_path))
    assert moved is not verdict and moved.primary["name"] == "repo/run.sh"


def test_a_result_whose_paths_do_not_move_is_not_rebuilt(tmp_path):
    from whackachip_lint.config import Settings
    from whackachip_lint.report.locations import relocate
    from whackachip_lint.scan import scan

    shutil.copytree(VERDICTS / "declared_v100_fa2", tmp_path / "repo")
    result = scan([tmp_path / "repo"], Settings())
    assert relocate(result, str(tmp_path / "repo")) is result
    moved = relocate(result, str(tmp_path))
    assert moved is not result and moved.files == [f"repo/{path}" for path in result.files]

@pytest.mark.parametrize("text, expected", [
    ("run.sh:3", "repo/run.sh:3"),
    ("run.sh:3 mlx5_0:1", "repo/run.sh:3 mlx5_0:1"),  # an interconnect entry: the value after the reference stays
    ("run.sh", "repo/run.sh"),
    ("dir with space/a.py:7", "repo/dir with space/a.py:7"),
    ("NVIDIA", "NVIDIA"),  # not a file of the scan
    ("other.sh:3", "other.sh:3"),
    ("run.sh:x", "run.sh:x"),
    ("see run.sh:3", "see run.sh:3"),  # prose is left alone: summaries are rebuilt from moved evidence
])
def test_relocated_strings(text, expected):
    from whackachip_lint.report.locations import _Relocator

    mover = _Relocator({"run.sh", "dir with space/a.py"}, lambda p: f"repo/{p}")
    assert mover.copy(text) == expected
    assert mover.copy({text: [text, (text,)]}) == {expected: [expected, (expected,)]}


def test_lists_of_strings_move_as_their_items_do_seen_or_new_and_mixed_lists_item_by_item():
    """Each launch's evidence names the tree's lines again: a list or tuple of strings is moved by looking up the
    strings moved before, the new ones moved then; a list holding anything else is copied item by item."""
    from whackachip_lint.report.locations import _Relocator

    mover = _Relocator({"a.py", "b.py"}, lambda path: f"repo/{path}")
    cases = [  # kept alive: the relocator knows a copied object by its id, as a verdict's parts stay alive
        (("a.py:1", "x"), ("repo/a.py:1", "x")),
        (["a.py:1", "b.py:2 mlx5_0", "b.py"], ["repo/a.py:1", "repo/b.py:2 mlx5_0", "repo/b.py"]),
        (("b.py:2 mlx5_0", "a.py:1"), ("repo/b.py:2 mlx5_0", "repo/a.py:1")),
        (["a.py:1", None, 3, ("b.py:4",), {"a.py": "b.py:5"}],
         ["repo/a.py:1", None, 3, ("repo/b.py:4",), {"repo/a.py": "repo/b.py:5"}]),
        (["a.py:1", ["b.py:6"]], ["repo/a.py:1", ["repo/b.py:6"]]),
        ((), ()),
        ([], []),
    ]
    for value, moved in cases:
        assert mover.copy(value) == moved and type(mover.copy(value)) is type(value)
