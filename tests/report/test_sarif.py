"""SARIF 2.1.0 output: valid against the official schema, and shaped as GitHub code scanning needs.

Every SARIF document the test suite builds is validated against the official schema with Draft4Validator
(an autouse fixture in conftest.py wraps the reporter), and the tests here check it explicitly too.
The Microsoft SARIF multitool's GitHub rules run too when the tool is installed (see scripts/check-sarif.sh).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from whackachip_lint.evidence import Diagnostic, Level, State
from whackachip_lint.report import sarif
from whackachip_lint.rules import ALL_RULES
from whackachip_lint.results import ScanResult

from ..conftest import REPOS, promised_exit_code, run_cli, scan_json
from ..fakes import fake_python, finding  # noqa: F401 (fake_python is a fixture)
from ..sarif_schema import VALIDATOR, check_sarif, validating


def multitool() -> str | None:
    return os.environ.get("WAC_SARIF_MULTITOOL") or shutil.which("sarif-multitool")


def all_evidence(result, *args, **kwargs) -> dict:
    """SARIF with the evidence notes uploaded (`--sarif-evidence`), as the shape tests below need notes."""
    return sarif.to_sarif(result, *args, evidence=True, **kwargs)


def result_of(*findings, diagnostics=(), files_scanned=1):
    return ScanResult(Path("."), files_scanned, sorted(findings, key=lambda f: f.sort_key()), list(diagnostics))


def test_the_schema_rejects_a_broken_document():
    # The validator is live: a result without a message is not SARIF.
    doc = all_evidence(result_of(finding()))
    del doc["runs"][0]["results"][0]["message"]
    assert list(VALIDATOR.iter_errors(doc))


def test_every_sarif_built_in_the_suite_is_validated():
    # The conftest fixture has wrapped the reporter, and the wrapper rejects a broken document.
    assert sarif.to_sarif.__qualname__.startswith("validating.")
    broken = validating(lambda result: {"version": "2.0", "runs": []})
    with pytest.raises(AssertionError, match="invalid SARIF"):
        broken(result_of())


def test_rules_carry_everything_github_shows():
    doc = check_sarif(all_evidence(result_of()))
    rules = doc["runs"][0]["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == list(ALL_RULES)
    for entry in rules:
        rule = ALL_RULES[entry["id"]]
        assert entry["name"] == rule.name
        assert entry["shortDescription"]["text"] and entry["fullDescription"]["text"] == rule.summary
        assert rule.why in entry["help"]["text"].replace("\n  ", " ") or rule.why[:40] in entry["help"]["text"]
        assert entry["help"]["markdown"].startswith(f"# {rule.code}: {rule.name}")
        assert entry["helpUri"].endswith(f"/docs/rules/{rule.code}.md")
        assert entry["defaultConfiguration"]["level"] == rule.level.value
        assert entry["properties"]["precision"] in {"very-high", "high", "medium", "low"}
        assert 1 <= len(entry["properties"]["tags"]) <= 20
        assert "security-severity" not in entry["properties"]


def test_a_result_has_location_fingerprint_and_evidence():
    f = finding(path="src/deep dir/train.py", line=7, column=12, end_column=26)
    doc = check_sarif(all_evidence(result_of(f)))
    run = doc["runs"][0]
    (res,) = run["results"]
    assert res["ruleId"] == "WAC101"
    assert run["tool"]["driver"]["rules"][res["ruleIndex"]]["id"] == "WAC101"
    assert res["level"] == "note"
    assert res["message"]["text"] == "bf16 precision (bfloat16) is in force here."
    location = res["locations"][0]["physicalLocation"]
    assert location["artifactLocation"] == {"uri": "src/deep%20dir/train.py", "uriBaseId": "%SRCROOT%"}
    assert location["region"] == {"startLine": 7, "startColumn": 12, "endLine": 7, "endColumn": 26}
    assert res["properties"]["signal"] == "precision.bf16"
    assert res["properties"]["value"] == "bfloat16"
    assert res["properties"]["state"] == "enabled"
    assert res["partialFingerprints"]["primaryLocationLineHash"].endswith(":0")
    assert "suppressions" not in res
    assert run["columnKind"] == "unicodeCodePoints"
    assert run["automationDetails"]["id"] == "wac-lint/"


def test_identical_lines_get_distinct_fingerprints_and_moved_lines_keep_theirs():
    a = finding(line=3)
    b = finding(line=9)
    moved = finding(line=40)
    prints = [r["partialFingerprints"]["primaryLocationLineHash"]
              for r in all_evidence(result_of(a, b))["runs"][0]["results"]]
    assert prints[0] != prints[1]
    (alone,) = all_evidence(result_of(moved))["runs"][0]["results"]
    assert alone["partialFingerprints"]["primaryLocationLineHash"] == prints[0]


def test_suppressed_findings_are_kept_and_marked_in_source():
    doc = check_sarif(all_evidence(result_of(finding(suppressed=True), finding(line=5))))
    kept = [r.get("suppressions") for r in doc["runs"][0]["results"]]
    assert kept == [[{"kind": "inSource"}], None]


def test_states_levels_and_details_survive():
    f = finding(state=State.CONDITIONAL, level=Level.ERROR, properties={"flag": "--bf16"})
    (res,) = check_sarif(all_evidence(result_of(f)))["runs"][0]["results"]
    assert res["level"] == "error"
    assert res["properties"]["state"] == "conditional"
    assert res["properties"]["details"] == {"flag": "--bf16"}


def test_an_empty_span_still_marks_a_character():
    f = finding(column=4, end_column=4)
    (res,) = check_sarif(all_evidence(result_of(f)))["runs"][0]["results"]
    region = res["locations"][0]["physicalLocation"]["region"]
    assert (region["startColumn"], region["endColumn"]) == (4, 5)


def test_diagnostics_become_tool_execution_notifications():
    diag = Diagnostic("bad/launch.sh", "not valid UTF-8 (byte 3: invalid start byte)")
    doc = check_sarif(all_evidence(result_of(finding(), diagnostics=[diag])))
    invocation = doc["runs"][0]["invocations"][0]
    assert invocation["executionSuccessful"] is True
    (note,) = invocation["toolExecutionNotifications"]
    assert "not valid UTF-8" in note["message"]["text"]
    assert note["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "bad/launch.sh"


def test_nothing_scanned_is_not_a_successful_execution():
    doc = check_sarif(all_evidence(result_of(diagnostics=[Diagnostic("x.py", "cannot read")], files_scanned=0)))
    assert doc["runs"][0]["invocations"][0]["executionSuccessful"] is False


def test_results_are_capped_at_githubs_limit(monkeypatch):
    monkeypatch.setattr(sarif, "MAX_RESULTS", 3)
    doc = check_sarif(all_evidence(result_of(*[finding(line=n) for n in range(1, 6)])))
    run = doc["runs"][0]
    assert len(run["results"]) == 3
    assert "first 3 of 5" in run["invocations"][0]["toolExecutionNotifications"][-1]["message"]["text"]


def test_the_verdict_goes_in_run_properties():
    class Verdict:
        def to_dict(self):
            return {"vendor": "nvidia", "candidates": []}

    doc = check_sarif(all_evidence(result_of(finding()), Verdict(), targets=["nvidia-v100"]))
    props = doc["runs"][0]["properties"]
    assert props["verdict"] == {"vendor": "nvidia", "candidates": []}
    assert props["targets"] == ["nvidia-v100"]


@pytest.mark.usefixtures("fake_python")
def test_cli_sarif_is_valid_and_deterministic(tmp_path):
    repo = tmp_path / "repo"
    (repo / "src").mkdir(parents=True)
    (repo / "src" / "train.py").write_text(
        "import torch\n# torch.bfloat16 in a comment\nx = torch.zeros(2, dtype=torch.bfloat16)\n"
        "y = torch.bfloat16  # wac-lint: disable=WAC101\n", encoding="utf-8")
    (repo / "broken.py").write_bytes(b"x = '\xff'\n")
    first = run_cli("--format", "sarif", "--sarif-evidence", str(repo))
    second = run_cli("--format", "sarif", "--sarif-evidence", str(repo))
    assert first.exit_code == 0, first.output
    assert first.output == second.output
    run = check_sarif(json.loads(first.output))["runs"][0]
    got = [(r["ruleId"], r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
            r["locations"][0]["physicalLocation"]["region"]["startLine"], "suppressions" in r) for r in run["results"]]
    assert got == [("WAC101", "src/train.py", 3, False), ("WAC101", "src/train.py", 4, True)]
    notes = run["invocations"][0]["toolExecutionNotifications"]
    assert [n["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for n in notes if "locations" in n] \
        == ["broken.py"]


FIXTURE_REPOS = sorted(p for p in REPOS.iterdir() if p.is_dir())


@pytest.mark.parametrize("repo", FIXTURE_REPOS, ids=[p.name for p in FIXTURE_REPOS])
def test_fixture_repo_sarif_is_valid(repo, tmp_path):
    out = tmp_path / "out.sarif"
    result = run_cli("--format", "sarif", "--sarif-evidence", "--no-cache", "-o", str(out), str(repo))
    assert result.exit_code == promised_exit_code(scan_json("--no-cache", str(repo))), result.output
    doc = check_sarif(json.loads(out.read_text(encoding="utf-8")))
    assert doc["runs"][0]["properties"]["filesScanned"] >= 1


def multitool_problems(tool: str, path: Path, kind: str, workdir: Path) -> list[dict]:
    """Warnings and errors the multitool reports for `path` under one rule kind (it exits 0 either way)."""
    log = workdir / f"validate-{kind}.sarif"
    proc = subprocess.run([tool, "validate", str(path), "--rule-kind", kind, "--output", str(log),
                           "--log", "ForceOverwrite"], capture_output=True, text=True, timeout=300, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    results = json.loads(log.read_text(encoding="utf-8-sig"))["runs"][0].get("results", [])
    return [r for r in results if r.get("level", "warning") in ("error", "warning")]


def run_multitool(tool: str, path: Path, kind: str, workdir: Path) -> None:
    problems = multitool_problems(tool, path, kind, workdir)
    assert not problems, json.dumps([(p["ruleId"], p["message"]) for p in problems], indent=1)[:4000]


def sample_document() -> dict:
    return all_evidence(result_of(finding(), finding(line=8, suppressed=True),
                                    diagnostics=[Diagnostic("bad.sh", "cannot parse")]))


needs_multitool = pytest.mark.skipif(multitool() is None,
                                     reason="sarif-multitool not installed (scripts/check-sarif.sh installs it)")


@needs_multitool
@pytest.mark.parametrize("repo", FIXTURE_REPOS, ids=[p.name for p in FIXTURE_REPOS])
def test_fixture_repo_sarif_passes_the_multitools_github_rules(repo, tmp_path):
    out = tmp_path / "out.sarif"
    run_cli("--format", "sarif", "--sarif-evidence", "--no-cache", "-o", str(out), str(repo))
    for kind in ("Gh", "Ghas"):
        run_multitool(multitool(), out, kind, tmp_path)


FAKE_MULTITOOL = """import json, sys
args = sys.argv[1:]
log = args[args.index("--output") + 1]
results = [{"ruleId": "GH1001", "level": "error", "message": {"text": "no help"}},
           {"ruleId": "GH1002", "message": {"text": "no level: a warning"}},
           {"ruleId": "GH1003", "level": "note", "message": {"text": "only a note"}}]
with open(log, "w", encoding="utf-8-sig") as out:
    json.dump({"runs": [{"results": results if args[args.index("--rule-kind") + 1] == "Gh" else []}]}, out)
"""


def test_multitool_problems_are_its_warnings_and_errors(tmp_path):
    """The multitool's own log is read as the tests above need, whether or not the real tool is installed here."""
    fake = tmp_path / "fake-multitool"
    fake.write_text(f"#!{sys.executable}\n{FAKE_MULTITOOL}", encoding="utf-8")
    fake.chmod(0o755)
    sarif_file = tmp_path / "out.sarif"
    sarif_file.write_text("{}", encoding="utf-8")
    assert [p["ruleId"] for p in multitool_problems(str(fake), sarif_file, "Gh", tmp_path)] == ["GH1001", "GH1002"]
    assert multitool_problems(str(fake), sarif_file, "Ghas", tmp_path) == []
    with pytest.raises(AssertionError, match="GH1001"):
        run_multitool(str(fake), sarif_file, "Gh", tmp_path)


@needs_multitool
@pytest.mark.parametrize("kind", ["Gh", "Ghas"])
def test_multitool_github_rules_pass(kind, tmp_path):
    path = tmp_path / "out.sarif"
    path.write_text(json.dumps(check_sarif(sample_document())), encoding="utf-8")
    run_multitool(multitool(), path, kind, tmp_path)


@needs_multitool
def test_multitool_check_is_live(tmp_path):
    doc = sample_document()
    del doc["runs"][0]["tool"]["driver"]["rules"][0]["help"]
    path = tmp_path / "bad.sarif"
    path.write_text(json.dumps(doc), encoding="utf-8")
    assert multitool_problems(multitool(), path, "Gh", tmp_path)


def test_columns_are_code_points_end_to_end(tmp_path):
    # "é" and "数" are 2 and 3 bytes in UTF-8: a byte column would land after the real one.
    line = 'name = "é数"; x = torch.zeros(2, dtype=torch.bfloat16)'
    (tmp_path / "train.py").write_text(f"import torch\n{line}\n", encoding="utf-8")
    run = json.loads(run_cli("--format", "sarif", "--sarif-evidence", "--select", "WAC101", str(tmp_path)).output
                     )["runs"][0]
    regions = [r["locations"][0]["physicalLocation"]["region"] for r in run["results"]]
    assert regions, "the Python extractor reported no WAC101"
    (region,) = regions
    assert line[region["startColumn"] - 1:region["endColumn"] - 1] == "torch.bfloat16"


# --- where SARIF points and what it uploads (issue 14) -------------------------------------------------------------

from ..conftest import run_cli_in  # noqa: E402

TRAIN = "import torch\n# torch.bfloat16 in a comment\nx = torch.zeros(2, dtype=torch.bfloat16)\n"


def _uris(run: dict) -> list[str]:
    return [r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in run["results"]]


def test_a_subdirectory_scan_names_files_from_the_repository_root(tmp_path):
    (tmp_path / ".git").mkdir()
    sub = tmp_path / "proj" / "sub"
    sub.mkdir(parents=True)
    (sub / "train.py").write_text(TRAIN, encoding="utf-8")
    result = run_cli_in(tmp_path / "proj", "--format", "sarif", "--target", "nvidia-v100", "sub")
    assert result.exit_code == 1, result.output
    run = check_sarif(json.loads(result.output))["runs"][0]
    assert _uris(run) == ["proj/sub/train.py"]
    assert {r["locations"][0]["physicalLocation"]["artifactLocation"]["uriBaseId"] for r in run["results"]} \
        == {"%SRCROOT%"}
    assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"] == tmp_path.as_uri() + "/"
    # The same from elsewhere, with an absolute argument: the same URIs.
    again = run_cli_in(tmp_path, "--format", "sarif", "--target", "nvidia-v100", str(sub))
    assert _uris(json.loads(again.output)["runs"][0]) == ["proj/sub/train.py"]


@needs_multitool
def test_a_subdirectory_scan_passes_the_multitools_github_rules(tmp_path):
    (tmp_path / ".git").mkdir()
    (tmp_path / "proj" / "sub").mkdir(parents=True)
    (tmp_path / "proj" / "sub" / "train.py").write_text(TRAIN, encoding="utf-8")
    out = tmp_path / "sub.sarif"
    run_cli_in(tmp_path / "proj", "--format", "sarif", "--target", "nvidia-v100", "-o", str(out), "sub")
    for kind in ("Gh", "Ghas"):
        run_multitool(multitool(), out, kind, tmp_path)


def test_without_git_files_are_named_from_the_scanned_directory(tmp_path):
    (tmp_path / "train.py").write_text(TRAIN, encoding="utf-8")
    run = json.loads(run_cli("--format", "sarif", "--target", "nvidia-v100", str(tmp_path)).output)["runs"][0]
    assert _uris(run) == ["train.py"] and run["originalUriBaseIds"]["%SRCROOT%"]["uri"] == tmp_path.as_uri() + "/"


def test_a_file_outside_the_base_gets_an_absolute_file_uri(tmp_path):
    from whackachip_lint.report.locations import SarifLocator

    locator = SarifLocator(tmp_path / "base", cwd=str(tmp_path))
    doc = check_sarif(sarif.to_sarif(result_of(finding(path="elsewhere/train.py"), finding(path="base/in.py")),
                                     locator=locator, evidence=True))
    assert _uris(doc["runs"][0]) == ["in.py", (tmp_path / "elsewhere" / "train.py").as_uri()]
    assert "uriBaseId" not in doc["runs"][0]["results"][1]["locations"][0]["physicalLocation"]["artifactLocation"]


def test_by_default_only_warnings_and_up_are_uploaded_with_the_verdict_as_a_run_note(tmp_path):
    (tmp_path / "train.py").write_text(TRAIN, encoding="utf-8")
    plain = json.loads(run_cli("--format", "sarif", str(tmp_path)).output)["runs"][0]
    assert plain["results"] == []
    notes = plain["invocations"][0]["toolExecutionNotifications"]
    (verdict,) = [n for n in notes if n.get("descriptor", {}).get("id") == "wac-lint/verdict"]
    assert verdict["level"] == "note" and verdict["message"]["text"].startswith("Hardware verdict: ")
    fleet = json.loads(run_cli("--format", "sarif", "--target", "nvidia-v100", str(tmp_path)).output)["runs"][0]
    assert [(r["ruleId"], r["level"]) for r in fleet["results"]] == [("WAC101", "error")]


def test_sarif_evidence_uploads_notes_but_never_mentioned(tmp_path):
    (tmp_path / "train.py").write_text(TRAIN, encoding="utf-8")
    states = json.loads(run_cli("--format", "json", str(tmp_path)).output)["findings"]
    assert "mentioned" in {f["state"] for f in states}  # the comment on line 2
    run = json.loads(run_cli("--format", "sarif", "--sarif-evidence", str(tmp_path)).output)["runs"][0]
    assert [(r["ruleId"], r["properties"]["state"]) for r in run["results"]] == [("WAC101", "enabled")]
    (tmp_path / "wac-lint.toml").write_text("sarif-evidence = true\n")
    from_config = json.loads(run_cli("--format", "sarif", str(tmp_path)).output)["runs"][0]
    assert from_config["results"] == run["results"]


# --- the rendered document and what it uploads, by level and state (mutation survivors: docs/testing.md) ---------

def _levelled(level: str, state: State = State.ENABLED, line: int = 3):
    return finding(line=line).with_changes(level=Level(level), state=state)


@pytest.mark.parametrize(("level", "state", "default", "with_evidence"), [
    ("note", State.ENABLED, False, True),  # evidence notes: only with --sarif-evidence
    ("warning", State.ENABLED, True, True),  # warning and above: always
    ("error", State.ENABLED, True, True),
    ("note", State.CONDITIONAL, False, True),
    ("warning", State.DEAD, False, True),  # code that cannot run: only with --sarif-evidence, as informational
    ("warning", State.MENTIONED, False, False),  # a mention: never
    ("error", State.MENTIONED, False, False),
])
def test_which_findings_are_uploaded(level, state, default, with_evidence):
    item = _levelled(level, state)
    assert sarif.uploaded(item, False) is default and sarif.uploaded(item, True) is with_evidence


def test_render_writes_indented_utf8_json_without_the_evidence_notes_by_default():
    result = result_of(_levelled("note"), _levelled("warning", line=5).with_changes(message="Präzision é."))
    text = sarif.render(result, targets=["nvidia-h100-sxm"])
    assert text.startswith('{\n  "$schema"') and text.endswith("}\n")
    assert "Präzision é." in text  # not \u-escaped
    run = json.loads(text)["runs"][0]
    assert [r["locations"][0]["physicalLocation"]["region"]["startLine"] for r in run["results"]] == [5]
    assert run["properties"]["targets"] == ["nvidia-h100-sxm"]
    assert len(json.loads(sarif.render(result, sarif_evidence=True))["runs"][0]["results"]) == 2


def test_a_diagnostic_about_no_file_has_no_location():
    doc = sarif.to_sarif(result_of(diagnostics=[Diagnostic("<plugins>", "a plugin failed"),
                                                Diagnostic("bad.sh", "cannot parse")]))
    notes = doc["runs"][0]["invocations"][0]["toolExecutionNotifications"]
    assert ["locations" in n for n in notes] == [False, True]


def test_occurrences_count_identical_lines_per_file():
    same = [finding(path=path, line=line) for path, line in (("a.py", 3), ("a.py", 9), ("a.py", 12), ("b.py", 3))]
    results = all_evidence(result_of(*same))["runs"][0]["results"]
    occurrences = [(r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
                    r["partialFingerprints"]["primaryLocationLineHash"].rpartition(":")[2]) for r in results]
    assert occurrences == [("a.py", "0"), ("a.py", "1"), ("a.py", "2"), ("b.py", "0")]
    hashes = {r["partialFingerprints"]["primaryLocationLineHash"].partition(":")[0] for r in results}
    assert len(hashes) == 1 and len(hashes.pop()) == 16


def test_line_hashes_follow_the_rule_and_the_words_of_the_line():
    base = finding(line=3)
    assert sarif.line_hash(base) == sarif.line_hash(base.with_changes(snippet="  " + base.snippet.replace(" ", "  ")))
    assert sarif.line_hash(base) != sarif.line_hash(base.with_changes(snippet=base.snippet + " x"))
    assert sarif.line_hash(base) != sarif.line_hash(base.with_changes(rule="WAC102"))


def test_regions_are_one_based_and_never_below_one():
    first = finding(line=1, column=1, end_column=3)
    assert sarif.region(first) == {"startLine": 1, "startColumn": 1, "endLine": 1, "endColumn": 3}
    from whackachip_lint.evidence import Span

    odd = sarif.region(first.with_changes(span=Span(0, 0, 0, 0)))  # a position a plugin got wrong
    assert (odd["startLine"], odd["startColumn"], odd["endColumn"]) == (1, 1, 2)


def test_dead_code_is_an_informational_result_without_a_level_of_its_own():
    (dead,) = all_evidence(result_of(finding(state=State.DEAD)))["runs"][0]["results"]
    assert (dead["kind"], dead["level"]) == ("informational", "none")


def test_to_sarif_leaves_the_evidence_notes_out_unless_asked():
    result = result_of(finding().with_changes(level=Level.NOTE), finding(line=5).with_changes(level=Level.WARNING))
    assert [r["level"] for r in sarif.to_sarif(result)["runs"][0]["results"]] == ["warning"]


def test_exactly_githubs_limit_is_not_capped(monkeypatch):
    monkeypatch.setattr(sarif, "MAX_RESULTS", 3)
    run = all_evidence(result_of(*[finding(line=n) for n in range(1, 4)]))["runs"][0]
    assert len(run["results"]) == 3 and "toolExecutionNotifications" not in run["invocations"][0]


def test_run_properties_and_driver():
    result = result_of(finding())
    result.config_file = "pyproject.toml"
    result.skipped = {"vendored": [3, 1], "binary": [2, 0]}
    run = all_evidence(result)["runs"][0]
    assert run["properties"] == {"filesScanned": 1, "configFile": "pyproject.toml",
                                 "skipped": {"binary": {"files": 2, "folders": 0},
                                             "vendored": {"files": 3, "folders": 1}}}
    assert run["tool"]["driver"]["name"] == "wac-lint"
    assert all(rule["properties"]["tags"][0] == "hardware-evidence" for rule in run["tool"]["driver"]["rules"])


def test_a_span_ending_at_the_start_of_a_later_line_keeps_its_end():
    from whackachip_lint.evidence import Span

    spanning = finding().with_changes(span=Span(3, 5, 4, 1))
    assert sarif.region(spanning) == {"startLine": 3, "startColumn": 5, "endLine": 4, "endColumn": 1}
