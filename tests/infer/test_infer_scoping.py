"""Inference rules whose reach matters: a master switch governs only its own file; a tie-break says why."""

from __future__ import annotations

import pytest

from whackachip_lint.config import Settings
from whackachip_lint.evidence import State
from whackachip_lint.infer.engine import TIE_BREAKS, infer, settle_master_switches
from whackachip_lint.scan import scan

from ..infer_helpers import hunyuan_like

OFF = "export NCCL_IB_DISABLE=1\nexport NCCL_IB_HCA=mlx5_0\n"
ON = "export NCCL_IB_HCA=mlx5_1\nexport NCCL_IB_GID_INDEX=3\n"


@pytest.mark.parametrize(("files", "expected"), [
    # The switch off in one script leaves the InfiniBand settings of another script live.
    ({"a_off.sh": OFF, "b_on.sh": ON}, {("a_off.sh", "NCCL_IB_HCA"): "mentioned", ("b_on.sh", "NCCL_IB_HCA"): "enabled",
                                        ("b_on.sh", "NCCL_IB_GID_INDEX"): "enabled"}),
    # In its own file it makes them moot, whichever file comes first.
    ({"a_on.sh": ON, "b_off.sh": OFF}, {("b_off.sh", "NCCL_IB_HCA"): "mentioned", ("a_on.sh", "NCCL_IB_HCA"): "enabled",
                                        ("a_on.sh", "NCCL_IB_GID_INDEX"): "enabled"}),
    # Turned back on later in the same file: the last word counts.
    ({"run.sh": OFF + "export NCCL_IB_DISABLE=0\n"}, {("run.sh", "NCCL_IB_HCA"): "enabled"}),
], ids=["off-then-on", "on-then-off", "switched-back-on"])
def test_a_master_switch_governs_only_its_own_file(tmp_path, files, expected):
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    findings = scan([tmp_path], Settings(use_cache=False, jobs=1)).findings
    settled = settle_master_switches(findings)
    got = {(f.path, f.value): f.state.value for f in settled if f.value in ("NCCL_IB_HCA", "NCCL_IB_GID_INDEX")}
    assert got == expected
    for f in settled:
        if f.state is State.MENTIONED and f.value == "NCCL_IB_HCA":
            assert f.properties["overridden_by"].endswith(":1") and f.properties["overridden_by"].startswith(f.path)


def test_a_tie_the_evidence_cannot_break_says_how_it_was_broken():
    verdict = infer(hunyuan_like())
    (preferred, why), = [rule for tied, rule in TIE_BREAKS.items() if tied == frozenset({"NVIDIA", "AMD"})]
    assert (verdict.vendor_status("NVIDIA"), verdict.vendor_status("AMD")) == ("likely", "possible")
    for vendor in verdict.vendors:
        tie_breaks = [r for r in vendor.reasons if r.result == "tie-break"]
        if vendor.name in ("NVIDIA", "AMD"):
            assert [r.constraint for r in tie_breaks] == [why], vendor.name
            assert tie_breaks[0].evidence and "scripts/train.sh:8" in tie_breaks[0].evidence
        else:
            assert tie_breaks == [], vendor.name
