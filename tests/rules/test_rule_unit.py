"""A rule is one declaration: what it implies for hardware, its trigger words and its docs all come from it."""

from __future__ import annotations

import dataclasses

from whackachip_lint import docs, prefilter
from whackachip_lint.infer import constraints, engine
from whackachip_lint.paths import roles
from whackachip_lint.rules import ALL_RULES, memory, precision, tagged
from whackachip_lint.rules.codes import Code
from whackachip_lint.triggers import ALWAYS, FILTERED_KINDS


def test_the_constraint_table_is_read_from_the_declarations():
    declared = {code: rule.implies for code, rule in ALL_RULES.items() if rule.implies}
    assert {code: constraints.TABLE[code] for code in declared} == declared
    assert constraints.TABLE[Code.BF16_PRECISION] is ALL_RULES[Code.BF16_PRECISION].implies
    disabled = {code: rule.implies_when_disabled for code, rule in ALL_RULES.items() if rule.implies_when_disabled}
    assert constraints.DISABLED_TABLE == disabled
    # Rows keyed by signal in the past (images, pins, manifests) are their rules' own rows now.
    assert constraints.specs_for(Code.CONTAINER_IMAGE, "rocm/pytorch:latest")[0].arg == frozenset({"AMD"})


def test_the_prefilter_words_are_the_selected_rules_trigger_words():
    assert prefilter.words_for("python", {Code.BF16_PRECISION}) == set(ALWAYS) | set(precision.TRIGGERS)
    # A rule's words for one kind replace its words there: launch options wake launch scripts, not Python files.
    shell = prefilter.words_for("shell", {Code.MODEL_DIMENSION})
    python = prefilter.words_for("python", {Code.MODEL_DIMENSION})
    assert set(memory.MODEL_SIZE_WORDS) <= shell and "num-layers" not in python
    assert set(memory.PYTHON_MODEL_WORDS) <= python and "from_pretrained" not in shell
    assert prefilter.words_for("json", {Code.CONTAINER_IMAGE}) == set(ALWAYS) | set(FILTERED_KINDS["json"])


def test_a_word_added_to_a_declaration_widens_the_prefilter(monkeypatch):
    rule = ALL_RULES[Code.BF16_PRECISION]
    monkeypatch.setitem(ALL_RULES, rule.code, dataclasses.replace(rule, triggers=rule.triggers + ("brainfloat",)))
    assert "brainfloat" in prefilter.words_for("python", {rule.code})
    assert "brainfloat" not in prefilter.words_for("python", {Code.FP16_PRECISION})


def test_a_rule_without_trigger_words_is_never_skipped(monkeypatch):
    rule = ALL_RULES[Code.BF16_PRECISION]
    monkeypatch.setitem(ALL_RULES, rule.code, dataclasses.replace(rule, triggers=()))
    assert prefilter.words_for("python", {rule.code, Code.FP16_PRECISION}) is None


def test_set_up_rules_are_selected_by_their_tag():
    assert engine.TRAINING_SETUP_RULES == roles.SETUP_RULES == tagged("training-setup")
    assert all("training-setup" in ALL_RULES[code].tags for code in roles.SETUP_RULES)


def test_rule_docs_show_where_a_rule_is_found_and_what_it_implies():
    page = docs.rule_markdown(ALL_RULES[Code.BF16_PRECISION])
    found = page.split("## Found in\n\n", 1)[1].split("\n", 1)[0]
    assert found == "`python`, `shell`, `json`, `yaml`, `notebook`"
    assert "- value `auto`: no requirement\n- any value: native bf16 tensor math (strong)\n" in page
    off = docs.rule_markdown(ALL_RULES[Code.GPU_PEER_TO_PEER])
    assert "- switched off, value `nccl_*`: NCCL variables:" in off
    assert "No constraint rows of its own" in docs.rule_markdown(ALL_RULES[Code.MICRO_BATCH])
    text = docs.rule_text(ALL_RULES[Code.BF16_PRECISION])
    assert "Found in\n  python, shell, json, yaml, notebook\n" in text and "  - any value: native bf16 tensor math (strong)" in text


def test_the_registry_holds_the_declarations_themselves():
    """Nothing is patched onto a rule after its declaration (examples in other formats included)."""
    from whackachip_lint.rules import FAMILIES

    declared = [rule for family in FAMILIES for rule in family.RULES]
    assert all(ALL_RULES[rule.code] is rule for rule in declared)
    yaml_example = [e for e in ALL_RULES[Code.ZERO_STAGE].positives if e.kind == "yaml"]
    assert yaml_example and yaml_example[0].code.startswith("zero_optimization:")


def test_how_strongly_a_declared_name_binds_is_declared_with_its_rule():
    assert constraints.DECLARED_STRENGTH == {
        "declared.job.gpu": "strong", "declared.job.partition": "weak", "declared.k8s_gpu_product": "strong",
        "declared.cloud_accelerator": "strong", "declared.doc.smi": "strong", "declared.doc.hardware": "weak",
    }
    assert ALL_RULES[Code.JOB_GPU_REQUEST].names_hardware == "strong"
    assert "- the catalog parts its value names: declared hardware (weak)" in docs.rule_markdown(
        ALL_RULES[Code.DECLARED_HARDWARE])


# Whole-repository rules: found where a declaration stands, from code in other files (one example is one file).
_FOUND_ACROSS_FILES = frozenset({Code.DECLARED_HARDWARE_CONTRADICTION})


def test_every_format_a_rule_is_found_in_has_an_example():
    """A rule's examples cover each format it is found in (in force) across the fixture repos, so its docs' "Found
    in" is true and each format's reading is tested by the declaration itself."""
    from whackachip_lint.config import Settings
    from whackachip_lint.discover import classify
    from whackachip_lint.scan import scan

    from ..conftest import REPOS

    missing = set()
    for repo in sorted(path for path in REPOS.iterdir() if path.is_dir()):
        for finding in scan([repo], Settings(use_cache=False)).findings:
            kind = classify(repo / finding.path)
            if finding.in_force and finding.rule not in _FOUND_ACROSS_FILES:
                if kind not in docs.found_in(ALL_RULES[finding.rule]):
                    missing.add((finding.rule, kind, f"{repo.name}/{finding.path}:{finding.line}"))
    assert sorted(missing) == []


def test_a_long_detail_is_cut_with_a_count_of_what_is_left_out():
    from whackachip_lint.evidence import State
    from whackachip_lint.rules.base import DETAIL_SHOWN

    rule = ALL_RULES[Code.VENDOR_ENVIRONMENT]
    flags = " ".join(f"--xla_tpu_option_{n}=true" for n in range(60))  # an XLA_FLAGS value of 60 options
    message = rule.message("XLA_FLAGS", State.ENABLED, f"XLA_FLAGS={flags}")
    head, _, tail = message.rpartition(" ... (")
    assert message.startswith("Vendor runtime variable (XLA_FLAGS) is in force here. XLA_FLAGS=--xla_tpu_option_0=true")
    assert head.endswith("=true") and len(head) < 100 + DETAIL_SHOWN  # ends at a whole option
    shown = head.split(" is in force here. ", 1)[1]
    assert tail == f"{len('XLA_FLAGS=' + flags) - len(shown):,} more characters)."
    # A detail of the length shown is whole.
    short = "x" * DETAIL_SHOWN
    assert rule.message("XLA_FLAGS", State.ENABLED, short).endswith(f"{short.capitalize()}.")
