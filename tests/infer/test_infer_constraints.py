"""Findings -> requirements: strength, states that constrain nothing, and checks that know what they don't know."""

from __future__ import annotations

import pytest

from whackachip_lint.infer.catalog import load_catalog
from whackachip_lint.infer.constraints import (
    HARD, STRONG, WEAK, TABLE, combination_requirements, parse_cuda_arch_list, requirements_for,
)
from whackachip_lint.rules import ALL_RULES

from ..infer_helpers import finding

CATALOG = load_catalog()


def by_id(entry_id):
    return CATALOG.get(entry_id)


def test_table_names_only_declared_rules():
    assert set(TABLE) <= set(ALL_RULES)


@pytest.mark.parametrize("state", ["conditional", "mentioned", "disabled"])
def test_findings_not_in_force_constrain_nothing(state):
    assert requirements_for(finding("WAC101", state=state)) == []
    assert requirements_for(finding("WAC202", "torch_npu", state=state)) == []


def test_suppressed_findings_constrain_nothing():
    assert requirements_for(finding("WAC101").with_changes(suppressed=True)) == []


def test_bf16_is_strong_native_bf16_and_never_a_device_class():
    (req,) = requirements_for(finding("WAC101", path="a.py", line=7))
    assert req.strength == STRONG and req.evidence == ("a.py:7",)
    assert req.check(by_id("nvidia-v100")) is False
    assert req.check(by_id("nvidia-rtx-3090")) is True  # consumer Ampere has bf16
    assert req.check(by_id("apple-m-series")) is None  # unknown in the catalog
    assert req.kind != "class"


def test_fp16_lowers_nothing_and_tf32_is_weak():
    assert requirements_for(finding("WAC102")) == []
    (req,) = requirements_for(finding("WAC103"))
    assert req.strength == WEAK


def test_deepspeed_auto_is_undetermined_until_resolved():
    assert requirements_for(finding("WAC101", "auto")) == []


def test_fp8_compute_is_hard_but_fp8_storage_is_not():
    (req,) = requirements_for(finding("WAC104"))
    assert req.strength == HARD and req.check(by_id("nvidia-a100-sxm4-80gb")) is False
    assert req.check(by_id("nvidia-l40s")) is True and req.check(by_id("amd-mi300x")) is True
    assert requirements_for(finding("WAC105", "float8_e4m3fn")) == []
    (amd,) = requirements_for(finding("WAC105", "float8_e4m3fnuz"))
    assert amd.vendors == {"AMD"} and amd.strength == STRONG


def test_nccl_allows_amd_through_rccl():
    (req,) = requirements_for(finding("WAC201", "nccl"))
    assert req.strength == STRONG and req.vendors == {"NVIDIA", "AMD"}
    assert req.check(by_id("amd-mi300x")) is True and req.check(by_id("huawei-ascend-910b")) is False


def test_hccl_names_two_vendors():
    (req,) = requirements_for(finding("WAC201", "hccl"))
    assert req.vendors == {"Huawei", "Intel"}


def test_vendor_runtimes_are_hard():
    (npu,) = requirements_for(finding("WAC202", "torch_npu"))
    (hpu,) = requirements_for(finding("WAC202", "habana_frameworks.torch.core"))
    assert npu.strength == HARD and npu.vendors == {"Huawei"}
    assert hpu.strength == HARD and hpu.vendors == {"Intel"}


def test_a_shim_redirects_cuda_looking_evidence():
    (req,) = requirements_for(finding("WAC201", "nccl"), redirect_to={"Huawei"})
    assert req.vendors == {"NVIDIA", "AMD", "Huawei"} and "migration shim" in req.constraint
    (npu,) = requirements_for(finding("WAC202", "torch_npu"), redirect_to={"Intel"})
    assert npu.vendors == {"Huawei"}  # only CUDA-looking evidence is redirected


def test_rocm_refusal_is_hard():
    (req,) = requirements_for(finding("WAC207", "hip"))
    assert req.strength == HARD and req.vendors == {"AMD"}


def test_fa3_is_hopper_only_and_fa2_has_rocm_builds():
    (fa3,) = requirements_for(finding("WAC601", "fa3"))
    assert fa3.strength == HARD and fa3.check(by_id("nvidia-h800")) and fa3.check(by_id("nvidia-b200")) is False
    fa2 = requirements_for(finding("WAC601", "fa2"))
    assert all(r.strength == STRONG for r in fa2)
    assert all(r.check(by_id("amd-mi250x")) for r in fa2)
    assert not all(r.check(by_id("nvidia-t4")) for r in fa2)
    assert not all(r.check(by_id("amd-mi100")) for r in fa2)


def test_fa2_on_rocm_is_a_floor_that_newer_instinct_parts_meet():
    # The build list names MI200/MI300; MI355X (gfx950) came later and runs it: a floor, not a closed list.
    (floor,) = [r for r in requirements_for(finding("WAC601", "fa2")) if r.spec.applies_to == ("AMD",)]
    assert [floor.check(by_id(i)) for i in ("amd-mi100", "amd-mi210", "amd-mi300x", "amd-mi355x")] == [
        False, True, True, True]


@pytest.mark.parametrize(
    "arch_list, entry_id, expected",
    [
        ("9.0", "nvidia-h20", True),
        ("9.0", "nvidia-b200", False),  # no PTX: a cubin for 9.0 does not run on 10.0
        ("9.0", "nvidia-l40s", False),  # 8.9
        ("9.0+PTX", "nvidia-b200", True),  # PTX is JIT-compiled for newer parts
        ("9.0+PTX", "nvidia-a100-sxm4-80gb", False),
        ("8.0", "nvidia-rtx-4090", True),  # same major, higher minor
        ("8.0", "nvidia-v100", False),
        ("9.0a", "nvidia-h100-sxm", True),
        ("Ampere", "nvidia-a10", True),
        ("7.0;7.5;8.0;8.6;9.0", "nvidia-t4", True),
        ("9.0", "nvidia-b100", None),  # compute capability unknown in the catalog
        ("9.0", "amd-mi300x", True),  # a CUDA target list says nothing about AMD parts
    ],
)
def test_cuda_arch_lists(arch_list, entry_id, expected):
    reqs = requirements_for(finding("WAC603", arch_list))
    (arch,) = [r for r in reqs if r.kind == "cuda_arch_list"]
    assert arch.strength == HARD
    assert arch.check(by_id(entry_id)) is expected


def test_parse_cuda_arch_list_forms():
    targets = parse_cuda_arch_list("sm_90 100 8.6+PTX")
    assert [(t.major, t.minor, t.ptx) for t in targets] == [(9, 0, False), (10, 0, False), (8, 6, True)]


def test_rocm_arch_list():
    reqs = requirements_for(finding("WAC604", "gfx90a;gfx942"))
    (arch,) = [r for r in reqs if r.kind == "rocm_arch_list"]
    assert arch.check(by_id("amd-mi300x")) and arch.check(by_id("amd-mi250x"))
    assert arch.check(by_id("amd-mi100")) is False
    assert arch.check(by_id("nvidia-h100-sxm")) is True  # not its concern


def test_gdr_and_infiniband_point_to_datacenter_parts():
    gdr = requirements_for(finding("WAC302", "NCCL_NET_GDR_LEVEL"))
    assert all(r.strength == STRONG for r in gdr)
    assert not all(r.check(by_id("nvidia-rtx-4090")) for r in gdr)
    assert all(r.check(by_id("nvidia-h20")) for r in gdr)
    assert all(r.check(by_id("nvidia-rtx-a6000")) for r in gdr)  # professional parts have GDR


def test_eight_devices_per_node_is_a_weak_hint_only():
    (req,) = requirements_for(finding("WAC401", 8))
    assert req.strength == WEAK
    assert requirements_for(finding("WAC401", 2)) == []


def test_p2p_and_ib_off_together_hint_consumer():
    both = [finding("WAC303", "NCCL_P2P_DISABLE", state="disabled", path="run.sh", line=3),
            finding("WAC301", "NCCL_IB_DISABLE", state="disabled", path="run.sh", line=4)]
    (req,) = combination_requirements(both)
    assert req.strength == WEAK and req.evidence == ("run.sh:3", "run.sh:4")
    assert req.check(by_id("nvidia-rtx-4090")) and not req.check(by_id("nvidia-h100-sxm"))
    assert combination_requirements(both[:1]) == []


def test_refusing_rocm_excludes_amd():
    refusal = finding("WAC207", "hip", state="disabled")
    refusal = refusal.with_changes(message=refusal.message + " Refuses to run on torch.version.hip.")
    (req,) = requirements_for(refusal)
    assert req.strength == HARD and "AMD" not in req.vendors and "NVIDIA" in req.vendors
    assert req.check(by_id("amd-mi300x")) is False


def test_other_disabled_findings_constrain_nothing():
    assert requirements_for(finding("WAC201", "nccl", state="disabled")) == []
    assert requirements_for(finding("WAC207", "hip", state="disabled")) == []  # a check in a dead branch


def test_an_nccl_transport_switched_off_still_shows_nccl():
    (req,) = requirements_for(finding("WAC303", "NCCL_P2P_DISABLE", state="disabled"))
    assert req.strength == WEAK and req.vendors == {"NVIDIA", "AMD"}
