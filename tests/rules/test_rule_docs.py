"""Rule docs: `wac-lint rule`, docs/rules/*.md and SARIF help all come from the rule declarations."""

from __future__ import annotations

from pathlib import Path

import pytest

from whackachip_lint import docs
from whackachip_lint.rules import ALL_RULES
from whackachip_lint.rules.base import Example, Rule

from ..conftest import run_cli

DOCS_DIR = Path(__file__).resolve().parents[2] / "docs" / "rules"


def test_docs_rules_are_up_to_date():
    stale = docs.stale_files(DOCS_DIR)
    assert not stale, f"docs/rules/ is stale ({', '.join(stale)}): run `python -m whackachip_lint.docs`"


def test_staleness_is_detected(tmp_path):
    docs.write_docs(tmp_path)
    assert docs.stale_files(tmp_path) == []
    page = tmp_path / "WAC101.md"
    page.write_text(page.read_text(encoding="utf-8") + "hand edit\n", encoding="utf-8")
    (tmp_path / "WAC999.md").write_text("a rule that no longer exists\n", encoding="utf-8")
    (tmp_path / "WAC102.md").unlink()
    assert docs.stale_files(tmp_path) == ["WAC101.md", "WAC102.md", "WAC999.md"]
    assert docs.main(["--check", str(tmp_path)]) == 1
    assert docs.main([str(tmp_path)]) == 0
    assert docs.stale_files(tmp_path) == [] and not (tmp_path / "WAC999.md").exists()


@pytest.mark.parametrize("code", sorted(ALL_RULES))
def test_every_rule_page_has_the_sections_and_examples(code):
    rule = ALL_RULES[code]
    page = docs.rule_markdown(rule)
    positions = [page.index(f"## {section}") for section in docs.SECTIONS]
    assert positions == sorted(positions)
    assert rule.summary in page and rule.why in page
    for example in rule.positives + rule.negatives:
        assert example.code.rstrip("\n") in page
    assert f"disable={code}" in page


@pytest.mark.parametrize("code", sorted(ALL_RULES))
def test_rule_command_prints_the_same_doc(code):
    result = run_cli("rule", code.lower())
    assert result.exit_code == 0
    assert result.output == docs.rule_text(ALL_RULES[code])
    for heading in ("What it finds", "Why it matters for hardware", "Example", "How to suppress", "References"):
        assert f"\n{heading}\n" in result.output


def test_rule_all_lists_every_rule():
    result = run_cli("rule", "--all")
    assert result.exit_code == 0
    assert [line.split()[0] for line in result.output.splitlines()] == list(ALL_RULES)


def test_unknown_rule_is_a_usage_error():
    result = run_cli("rule", "WAC998")
    assert result.exit_code == 2 and "unknown rule code" in result.output


def test_generator_is_generic():
    # A rule from another family, with a shell example, a file name, a value, a note and backticks in its code.
    rule = Rule(code="WAC399", name="made-up", signal="network.made_up", title="made-up thing", summary="Finds it.",
                why="Because.", positives=(Example("echo ```\n", kind="shell", value="x", note="fenced"),),
                negatives=(Example("a: 1\n", kind="yaml", filename="conf.yaml"),))
    page = docs.rule_markdown(rule)
    assert "````bash\necho ```\n````" in page
    assert "Reported (shell), state `enabled`, value `x`: fenced." in page
    assert "Not reported as in force as `conf.yaml`:" in page
    assert "None yet." in page
    files = docs.expected_files([rule])
    assert sorted(files) == ["README.md", "WAC399.md"] and "[WAC399](WAC399.md)" in files["README.md"]
