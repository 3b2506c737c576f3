"""The rule table built again in-process: what plugins imply joins TABLE exactly as they declare it.

`constraints._add_plugin_implications` runs once at import to build TABLE; these tests call it again on a copy of
the table built from the declarations, with a fake plugin (no pip install; tests/e2e/test_plugins.py installs the
example plugin and checks the scan end to end).
"""

from __future__ import annotations

import pytest

from whackachip_lint import plugin_words, plugins
from whackachip_lint.infer import constraints
from whackachip_lint.infer.constraints import HARD, STRONG, WEAK, Spec, _spec, requirements_for
from whackachip_lint.plugin_words import AddedWord
from whackachip_lint.rules import ALL_RULES
from whackachip_lint.rules.codes import Code

from ..infer_helpers import finding

ACME = {"kind": "vendor", "strength": HARD, "vendors": ["Acme"], "text": "Acme runtime"}
ACME_SPEC = Spec("vendor", HARD, "Acme runtime", frozenset({"Acme"}))
FLOOR = {"kind": "cc_at_least", "strength": STRONG, "text": "sm_90", "arg": [9, 0], "applies_to": ["NVIDIA"]}
FLOOR_SPEC = Spec("cc_at_least", STRONG, "sm_90", [9, 0], ("NVIDIA",))


def declared_table() -> dict:
    """TABLE as the declarations alone give it (what the module builds before plugins add their rows)."""
    return {code: rule.implies for code, rule in ALL_RULES.items() if rule.implies}


@pytest.fixture
def rebuild(monkeypatch):
    """Build the table again from the declarations plus `plugin` (its `implies`) and `words` (vocabulary)."""

    def build(plugin: plugins.Plugin | None = None, words: list[AddedWord] = ()) -> dict:
        table = declared_table()
        monkeypatch.setattr(constraints, "TABLE", table)
        monkeypatch.setattr(plugins, "loaded", lambda: plugins.Loaded([plugin] if plugin else [], []))
        monkeypatch.setattr(plugin_words, "added_words", lambda: list(words))
        constraints._add_plugin_implications()
        return table

    return build


@pytest.mark.parametrize(("data", "spec"), [
    (ACME, ACME_SPEC),
    ({**ACME, "vendors": ["Acme", "Acme2"], "applies_to": ["Acme"]},
     Spec("vendor", HARD, "Acme runtime", frozenset({"Acme", "Acme2"}), ("Acme",))),
    (FLOOR, FLOOR_SPEC),  # not a vendor: `arg` as given, `vendors` not read
    ({"kind": "feature", "strength": WEAK, "text": "tf32", "arg": "supports_tf32", "vendors": ["Acme"]},
     Spec("feature", WEAK, "tf32", "supports_tf32")),
    ({"kind": "gdr", "strength": WEAK, "text": "GPUDirect RDMA"}, Spec("gdr", WEAK, "GPUDirect RDMA")),  # no arg
], ids=["vendor", "vendor-applies-to", "arg-applies-to", "arg-not-vendors", "no-arg"])
def test_a_plugins_constraint_data_becomes_the_spec_it_declares(data, spec):
    assert _spec(data) == spec


def test_without_plugins_the_table_is_what_the_declarations_say(rebuild):
    assert rebuild() == declared_table() == constraints.TABLE


def test_a_plugins_implies_rows_are_added_under_its_own_code(rebuild):
    table = rebuild(plugins.Plugin("acme", implies={"ACM001": (("acme*", (ACME, FLOOR)), ("*", (ACME,)))}))
    assert table == {**declared_table(), "ACM001": (("acme*", (ACME_SPEC, FLOOR_SPEC)), ("*", (ACME_SPEC,)))}


def test_a_plugins_implies_never_replaces_rows_the_table_has(rebuild):
    table = rebuild(plugins.Plugin("acme", implies={Code.DEVICE_TYPE: (("*", (ACME,)),)}))
    assert table == declared_table()


def test_a_plugins_words_add_rows_in_front_of_the_rules_own(rebuild):
    words = [AddedWord(Code.DEVICE_TYPE, "acme", "acme", (ACME,)),
             AddedWord(Code.COLLECTIVE_BACKEND, "acmeccl", "acme", (ACME, FLOOR)),
             # A rule without rows of its own gets the word's row alone.
             AddedWord(Code.GPU_PEER_TO_PEER, "ACME_P2P", "acme", (FLOOR,)),
             # A variable whose meaning the rule's own rows give (no specs) adds no row.
             AddedWord(Code.INFINIBAND, "ACME_IB*", "acme", switch="set")]
    assert Code.GPU_PEER_TO_PEER not in declared_table()
    table = rebuild(words=words)
    declared = declared_table()
    assert table == {
        **declared,
        Code.DEVICE_TYPE: (("acme", (ACME_SPEC,)),) + declared[Code.DEVICE_TYPE],
        Code.COLLECTIVE_BACKEND: (("acmeccl", (ACME_SPEC, FLOOR_SPEC)),) + declared[Code.COLLECTIVE_BACKEND],
        Code.GPU_PEER_TO_PEER: (("ACME_P2P", (FLOOR_SPEC,)),),
    }


def test_a_plugins_device_word_implies_its_vendor(rebuild):
    rebuild(words=[AddedWord(Code.DEVICE_TYPE, "acme", "acme", (ACME,))])
    (req,) = requirements_for(finding(Code.DEVICE_TYPE, "acme", path="train.py", line=3))
    assert (req.constraint, req.strength, req.kind, req.vendors, req.evidence) == (
        "Acme runtime", HARD, "vendor", frozenset({"Acme"}), ("train.py:3",))
    (cuda,) = requirements_for(finding(Code.DEVICE_TYPE, "cuda"))  # the rule's own rows still answer the rest
    assert cuda.vendors == frozenset({"NVIDIA", "AMD"})
