"""Dead findings (code that cannot run) constrain nothing and are never a reason."""

from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import given, settings, strategies as st

from whackachip_lint.evidence import Finding, Span, State
from whackachip_lint.infer.constraints import combination_requirements, requirements_for
from whackachip_lint.infer.engine import infer, settle_master_switches
from whackachip_lint.infer.recipes import Recipe, find_recipes, resolve_in_recipe
from whackachip_lint.rules import ALL_RULES
from whackachip_lint.scan import scan

from ..conftest import REPOS
from ..infer_helpers import finding, hunyuan_like, result


def dead(f, shift: int = 100):
    """The same finding in code that cannot run, further down the same file."""
    return finding(f.rule, f.value, "dead", f.path, f.line + shift, **dict(f.properties or {}))


# Findings that each constrain something when in force (enabled or disabled as written here).
CONSTRAINING = [
    finding("WAC101", True, line=3, flag="--bf16"),
    finding("WAC104"),
    finding("WAC201", "nccl"),
    finding("WAC201", "hccl"),
    finding("WAC202", "torch_npu"),
    finding("WAC204", "cuda"),
    finding("WAC204", "mps"),
    finding("WAC207", "hip"),
    finding("WAC301", "NCCL_IB_HCA", path="run.sh", line=2),
    finding("WAC301", "NCCL_IB_DISABLE", state="disabled", path="run.sh", line=3),
    finding("WAC303", "NCCL_P2P_DISABLE", state="disabled", path="run.sh", line=4),
    finding("WAC302", "NCCL_NET_GDR_LEVEL", path="run.sh", line=5),
    finding("WAC401", 8, path="run.sh", line=9),
    finding("WAC404", "torchrun", path="run.sh", line=9, script="train.py"),
    finding("WAC406", "ds.json", path="run.sh", line=9),
    finding("WAC601", "fa3"),
    finding("WAC603", "9.0"),
    finding("WAC604", "gfx90a"),
]


def test_each_constraining_finding_constrains_when_in_force_and_not_when_dead():
    for f in CONSTRAINING:
        if f.rule not in ("WAC404", "WAC406"):  # launch and config links shape recipes, not requirements
            assert requirements_for(f), f  # otherwise the dead half below would prove nothing
        assert requirements_for(dead(f)) == [], f


def test_no_rule_constrains_when_dead():
    values = (True, False, "nccl", "hccl", "cuda", "hip", "NCCL_IB_DISABLE", "NCCL_P2P_DISABLE", 8, "9.0", "bf16")
    for code in ALL_RULES:
        for value in values:
            f = finding(code, value, "dead")
            assert requirements_for(f) == [], (code, value)
            refusal = f.with_changes(message=f.message + " Refuses to run on torch.version.hip.")
            assert requirements_for(refusal) == [], (code, value)


def test_dead_p2p_and_ib_switches_are_no_consumer_setting():
    both = [finding("WAC303", "NCCL_P2P_DISABLE", state="dead", path="run.sh", line=3),
            finding("WAC301", "NCCL_IB_DISABLE", state="dead", path="run.sh", line=4)]
    assert combination_requirements(both) == []
    half = [both[0].with_changes(state=State.DISABLED), both[1]]
    assert combination_requirements(half) == []
    assert len(combination_requirements([f.with_changes(state=State.DISABLED) for f in both])) == 1


def test_dead_master_switch_leaves_the_transport_settings_in_force():
    hca = finding("WAC301", "NCCL_IB_HCA", path="run.sh", line=2, variable="NCCL_IB_HCA")
    switch = finding("WAC301", "NCCL_IB_DISABLE", state="dead", path="run.sh", line=8, variable="NCCL_IB_DISABLE")
    assert settle_master_switches([hca, switch]) == [hca, switch]
    # The switch in force does make them moot (so the case above is not vacuous) ...
    live = switch.with_changes(state=State.DISABLED)
    settled = settle_master_switches([hca, live])
    assert settled[0].state is State.MENTIONED and settled[0].properties["overridden_by"] == "run.sh:8"
    # ... and a dead `=1` after a live `=0` does not become the file's last word.
    on = finding("WAC301", "NCCL_IB_DISABLE", path="run.sh", line=1, variable="NCCL_IB_DISABLE")
    assert settle_master_switches([on, hca, switch]) == [on, hca, switch]


def test_dead_launch_flag_does_not_settle_a_python_option():
    option = finding("WAC101", True, path="train.py", line=3, flag="--bf16")
    off = finding("WAC101", False, state="dead", path="run.sh", line=5, flag="--bf16")
    recipe = Recipe("run.sh", {"run.sh", "train.py"}, {""})
    assert resolve_in_recipe([option, off], recipe) == [option, off]
    assert resolve_in_recipe([option, off.with_changes(state=State.DISABLED)], recipe)[0].state is State.DISABLED


def test_dead_python_option_stays_dead_when_the_launch_passes_it():
    option = finding("WAC101", True, state="dead", path="train.py", line=3, flag="--bf16")
    launch = finding("WAC404", "torchrun", path="run.sh", line=5, script="train.py", script_args="--bf16")
    recipe = Recipe("run.sh", {"run.sh", "train.py"}, {""})
    assert resolve_in_recipe([option, launch], recipe) == [option, launch]
    live = option.with_changes(state=State.MENTIONED)
    assert resolve_in_recipe([live, launch], recipe)[0].state is State.ENABLED


def test_dead_launch_and_config_reference_make_no_recipe():
    launch = finding("WAC404", "torchrun", state="dead", path="run.sh", line=5, script="train.py")
    assert find_recipes([launch], ["run.sh", "train.py"]) == []
    live = launch.with_changes(state=State.ENABLED)
    config = finding("WAC406", "ds.json", state="dead", path="run.sh", line=5)
    (recipe,) = find_recipes([live, config], ["run.sh", "train.py", "ds.json"])
    assert "ds.json" not in recipe.files
    (recipe,) = find_recipes([live, config.with_changes(state=State.ENABLED)], ["run.sh", "train.py", "ds.json"])
    assert "ds.json" in recipe.files


def test_dead_findings_leave_the_verdict_unchanged():
    base = list(hunyuan_like().findings)
    with_dead = base + [dead(f) for f in CONSTRAINING + base]
    assert infer(result(*with_dead)).to_dict() == infer(result(*base)).to_dict()
    for f in CONSTRAINING:  # one at a time: no dead finding is a reason anywhere
        verdict = infer(result(*base, dead(f)))
        assert verdict.to_dict() == infer(result(*base)).to_dict(), f


@settings(max_examples=100, deadline=None, derandomize=True)
@given(st.lists(st.sampled_from(CONSTRAINING), max_size=6), st.lists(st.sampled_from(CONSTRAINING), max_size=6))
def test_dead_findings_never_change_a_verdict(live, dead_ones):
    files = {f.path for f in live + dead_ones}  # the same tree: only what its code says differs
    base = result(*live, files=files)
    mixed = result(*live, *[dead(f) for f in dead_ones], files=files)
    assert infer(mixed).to_dict() == infer(base).to_dict()


@pytest.mark.parametrize("repo", ["mem_70b_zero3", "mem_qlora_7b", "hunyuan_large", "sh_net_type_dead_branch"])
def test_dead_copies_of_a_real_scan_change_nothing(repo):
    # Every finding of a fixture repo again in dead code (model sizes, ZeRO stages, launches included).
    scanned = scan([REPOS / repo])
    copies = [f.with_changes(state=State.DEAD, span=Span(f.line + 1000, 1, f.line + 1000, 2)) for f in scanned.findings]
    with_dead = replace(scanned, findings=sorted(scanned.findings + copies, key=Finding.sort_key))
    assert infer(with_dead).to_dict() == infer(scanned).to_dict()
