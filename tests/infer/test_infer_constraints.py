"""Findings -> requirements: strength, states that constrain nothing, and checks that know what they don't know."""

from __future__ import annotations

import pytest

from whackachip_lint.infer.catalog import Entry, load_catalog
from whackachip_lint.infer.constraints import (
    HARD, STRONG, WEAK, TABLE, ArchTarget, Requirement, Spec, _gfx_list, _matches, combination_requirements, evidence_of,
    parse_cuda_arch_list, requirements_for,
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


# --- compute capabilities, target lists and value patterns as tables (mutation testing: docs/testing.md) ----------

@pytest.mark.parametrize(("target", "cc", "runs"), [
    (ArchTarget(8, 0, False, False), (8, 0), True),
    (ArchTarget(8, 0, False, False), (8, 6), True),  # a cubin runs on a higher minor of its major
    (ArchTarget(8, 6, False, False), (8, 0), False),
    (ArchTarget(8, 0, False, False), (9, 0), False),  # never on another major
    (ArchTarget(8, 0, False, False), (7, 5), False),
    (ArchTarget(8, 0, True, False), (9, 0), True),  # PTX is compiled for anything newer
    (ArchTarget(8, 0, True, False), (8, 0), True),
    (ArchTarget(8, 6, True, False), (8, 0), False),
    (ArchTarget(9, 0, False, True), (9, 0), True),  # 9.0a: that capability only
    (ArchTarget(9, 0, False, True), (9, 1), False),
    (ArchTarget(9, 0, False, True), (10, 0), False),
])
def test_arch_target_runs_on(target, cc, runs):
    assert target.runs_on(cc) is runs


@pytest.mark.parametrize(("text", "targets"), [
    ("sm_90", [(9, 0, False, False)]),
    ("compute_86", [(8, 6, False, False)]),
    ("100", [(10, 0, False, False)]),
    ("120a", [(12, 0, False, True)]),
    ("9.0a", [(9, 0, False, True)]),
    ("10.0f", [(10, 0, False, True)]),
    ("8.6+PTX", [(8, 6, True, False)]),
    ("8.6+ptx", [(8, 6, True, False)]),
    ("'7.0;7.5'", [(7, 0, False, False), (7, 5, False, False)]),
    ('"8.0 , 9.0"', [(8, 0, False, False), (9, 0, False, False)]),
    ("Ampere", [(8, 0, False, False), (8, 6, False, False)]),
    ("hopper+PTX", [(9, 0, True, False)]),
    ("sm_xx;8.9", [(8, 9, False, False)]),  # what is not a target is left out
    ("", []),
])
def test_parse_cuda_arch_list(text, targets):
    assert [(t.major, t.minor, t.ptx, t.specific) for t in parse_cuda_arch_list(text)] == targets


@pytest.mark.parametrize(("text", "gfx"), [
    ("gfx90a;gfx942", {"gfx90a", "gfx942"}),
    ("GFX942:xnack+ gfx1100", {"gfx942", "gfx1100"}),  # target features after ":" are not part of the target
    ("gfx90a,,sm_80", {"gfx90a"}),
    ("", set()),
])
def test_gfx_list(text, gfx):
    assert _gfx_list(text) == gfx


@pytest.mark.parametrize(("pattern", "value", "matched"), [
    ("*", None, True), ("*", "x", True),
    (">=8", 8, True), (">=8", "9", True), (">=8", 7, False), (">=8", "eight", False), (">=8", None, False),
    ("bf16", "BF16", True), ("bf1?", "bf16", True), ("fp8*", "fp8-block", True), ("fp8", "fp8-block", False),
    ("bf16", 16, False),
])
def test_value_patterns(pattern, value, matched):
    assert _matches(pattern, value) is matched


def test_evidence_names_the_line_and_the_lines_that_resolved_it():
    assert evidence_of(finding("WAC101", "bfloat16", path="a.json", line=4)) == ("a.json:4",)
    resolved = finding("WAC101", "bfloat16", path="a.json", line=4, resolved_by="run.sh:21,run.sh:30")
    assert evidence_of(resolved) == ("a.json:4", "run.sh:21", "run.sh:30")
    assert evidence_of(finding("WAC101", "bfloat16", path="a.json", line=4, resolved_by="")) == ("a.json:4",)


def _whole(req) -> tuple:
    return req.to_dict(), req.kind, req.value, sorted(req.vendors)


@pytest.mark.parametrize(("made", "expected"), [
    # a vendor requirement a CUDA migration shim widens, named in its text
    (lambda: requirements_for(finding("WAC204", "cuda", path="t.py", line=2), redirect_to=["Huawei", "NVIDIA"]),
     [({"constraint": "cuda device: NVIDIA (CUDA) or AMD (ROCm keeps the name) (or Huawei through a CUDA migration "
                      "shim)", "strength": "strong", "evidence": ["t.py:2"], "rule": "WAC204"},
       "vendor", "cuda", ["AMD", "Huawei", "NVIDIA"])]),
    # XLA evidence follows the platform in force
    (lambda: requirements_for(finding("WAC202", "torch_xla", path="t.py", line=2), xla_platforms=["NVIDIA"]),
     [({"constraint": "imports torch_xla (XLA on the platform in force: NVIDIA)", "strength": "strong",
        "evidence": ["t.py:2"], "rule": "WAC202"}, "vendor", "torch_xla", ["NVIDIA"])]),
    (lambda: requirements_for(finding("WAC202", "torch_xla", path="t.py", line=2), xla_platforms=["Google"]),
     [({"constraint": "imports torch_xla (XLA devices: TPU)", "strength": "strong", "evidence": ["t.py:2"],
        "rule": "WAC202"}, "vendor", "torch_xla", ["Google"])]),
    # a target list names its targets in the text
    (lambda: requirements_for(finding("WAC603", "sm_90", path="t.py", line=2)),
     [({"constraint": "compiled for CUDA compute capabilities sm_90", "strength": "hard", "evidence": ["t.py:2"],
        "rule": "WAC603"}, "cuda_arch_list", "sm_90", []),
      ({"constraint": "CUDA compile targets (NVIDIA)", "strength": "weak", "evidence": ["t.py:2"], "rule": "WAC603"},
       "vendor", "sm_90", ["NVIDIA"])]),
    # settings that only mean something together
    (lambda: combination_requirements([finding("WAC303", "NCCL_P2P_DISABLE", state="disabled", path="r.sh", line=3),
                                       finding("WAC301", "NCCL_IB_DISABLE", state="disabled", path="r.sh", line=4)]),
     [({"constraint": "NCCL P2P and InfiniBand both off: the classic consumer-GPU setting", "strength": "weak",
        "evidence": ["r.sh:3", "r.sh:4"], "rule": "WAC303+WAC301"}, "class", None, [])]),
])
def test_requirements_whole(made, expected):
    assert [_whole(req) for req in made()] == expected


def test_xla_platforms_are_named_by_the_platform_findings_in_force():
    from whackachip_lint.infer.constraints import xla_platform_vendors

    assert xla_platform_vendors([finding("WAC208", "cuda"), finding("WAC202", "torch_neuronx"),
                                 finding("WAC204", "cuda")]) == {"NVIDIA", "AWS"}
    assert xla_platform_vendors([finding("WAC208", "cuda", state="disabled")]) == frozenset()
    assert xla_platform_vendors([finding("WAC202", "torch_xla")]) == frozenset()  # XLA itself names no platform


@pytest.mark.parametrize(("text", "targets"), [
    ("sm_90", [(9, 0)]), ("90", [(9, 0)]), ("9.0", [(9, 0)]), ("86", [(8, 6)]), ("8.6", [(8, 6)]),
    ("ampere", [(8, 0), (8, 6)]),  # named arches are written with a dot
    ("sm_80;;volta", [(8, 0), (7, 0)]),  # an empty item is skipped, not the end of the list
    ("turing sm_xx hopper", [(7, 5), (9, 0)]),
])
def test_cuda_target_spellings(text, targets):
    assert [(t.major, t.minor) for t in parse_cuda_arch_list(text)] == targets


def _declared(signal: str, value, **properties):
    return finding("WAC101", value, **properties).with_changes(signal=signal)


@pytest.mark.parametrize(("made", "expected"), [
    # catalog ids a finding carries: lower-cased, sorted, once each; a strength of its own (never hard)
    (_declared("x.other", "two GPUs", catalog_ids="NVIDIA-H100-SXM, nvidia-a100-sxm4-80gb nvidia-h100-sxm"),
     ("weak", "declared hardware: two GPUs", ("nvidia-a100-sxm4-80gb", "nvidia-h100-sxm"))),
    (_declared("x.other", "H100", catalog_ids="nvidia-h100-sxm", strength="strong"),
     ("strong", "declared hardware: H100", ("nvidia-h100-sxm",))),
    (_declared("x.other", "H100", catalog_ids="nvidia-h100-sxm", strength="hard"),
     ("weak", "declared hardware: H100", ("nvidia-h100-sxm",))),
    # a declared-hardware signal names its parts by the name itself, as strongly as the signal binds
    (_declared("declared.job.gpu", "a100"), ("strong", "declared hardware: a100", None)),
    (_declared("declared.doc.hardware", "V100", strength="strong"), ("weak", "declared hardware: V100", None)),
    (_declared("declared.job.gpu", "no such gpu"), None),  # a name the catalog does not know
    (_declared("declared.job.gpu", 8), None),  # not a name
    (_declared("x.other", "H100"), None),  # neither ids nor a declared-hardware signal
    (_declared("x.other", "H100", catalog_ids=" "), None),
    (finding("WAC714", "V100", catalog_ids="nvidia-v100"), None),  # a contradiction: counted at the declaration
])
def test_declared_spec(made, expected):
    from whackachip_lint.infer.constraints import declared_spec

    spec = declared_spec(made)
    if expected is None:
        assert spec is None
        return
    strength, text, ids = expected
    assert (spec.kind, spec.strength, spec.text) == ("declared", strength, text)
    if ids is not None:
        assert spec.arg == ids
    else:  # the catalog's parts for the name: several, sorted
        assert len(spec.arg) >= 1 and list(spec.arg) == sorted(spec.arg)
        assert all(by_id(i).vendor == "NVIDIA" for i in spec.arg)


def test_a_declaration_adds_a_declared_requirement_to_the_rules_own():
    made = _declared("x.other", "H100", catalog_ids="nvidia-h100-sxm")
    declared = [r for r in requirements_for(made) if r.kind == "declared"]
    assert [(r.constraint, r.evidence, r.rule) for r in declared] == [("declared hardware: H100", ("train.py:1",),
                                                                       "WAC101")]
    assert declared[0].check(by_id("nvidia-h100-sxm")) is True and declared[0].check(by_id("nvidia-a100-sxm4-80gb")) \
        is False


@pytest.mark.parametrize(("properties", "counted"), [
    ({}, True), ({"auto": False}, True), ({"auto": True}, False),  # "auto" is settled later, or never
    ({"device": "cpu"}, False), ({"device": "CPU"}, False), ({"device": "cuda"}, True),  # on the host: nothing
])
def test_findings_that_impose_nothing_yet(properties, counted):
    from whackachip_lint.infer.constraints import off_accelerator

    made = finding("WAC101", "bfloat16", **properties)
    assert bool(requirements_for(made)) is counted
    assert off_accelerator(made) is (properties.get("device", "").lower() == "cpu")


def test_several_platforms_or_shim_vendors_are_listed_in_the_text():
    (xla,) = requirements_for(finding("WAC202", "torch_xla", path="t.py", line=2), xla_platforms=["NVIDIA", "AWS"])
    assert xla.constraint == "imports torch_xla (XLA on the platform in force: AWS, NVIDIA)"
    assert xla.check(by_id("nvidia-h100-sxm")) is True and xla.check(by_id("amd-mi300x")) is False
    (cuda,) = requirements_for(finding("WAC204", "cuda"), redirect_to=["Intel", "Huawei"])
    assert cuda.constraint.endswith(" (or Huawei, Intel through a CUDA migration shim)")


def test_a_rocm_target_list_names_its_targets_and_decides_nothing_without_one():
    lists = [r for r in requirements_for(finding("WAC604", "gfx942")) if r.kind == "rocm_arch_list"]
    assert [r.constraint for r in lists] == ["compiled for AMD GPU targets gfx942"]
    (empty,) = [r for r in requirements_for(finding("WAC604", "none")) if r.kind == "rocm_arch_list"]
    assert empty.check(by_id("amd-mi300x")) is None


def test_a_leading_separator_does_not_end_a_target_list():
    assert [(t.major, t.minor) for t in parse_cuda_arch_list(";8.0 9.0")] == [(8, 0), (9, 0)]


@pytest.mark.parametrize(("entry_id", "bytes_needed", "fits"), [
    ("nvidia-h100-sxm", 80e9, True),  # exactly its 80 GB
    ("nvidia-h100-sxm", 80e9 + 1, False),
    ("amd-mi300x", 100e9, True),
    ("apple-m-series", 1e9, None),  # the catalog does not say
])
def test_a_memory_requirement_checks_the_parts_largest_memory(entry_id, bytes_needed, fits):
    spec = Spec("memory", HARD, "memory: at least some GB per device", bytes_needed)
    requirement = Requirement(spec.text, HARD, "memory", ("t.py:1",), "WAC506", spec, bytes_needed)
    assert requirement.check(by_id(entry_id)) is fits


UNKNOWN_SEGMENT = Entry({"id": "acme-x1", "name": "Acme X1", "vendor": "Acme", "segment": None})  # a plugin's part


@pytest.mark.parametrize(("spec", "expected"), [
    # gfx targets, checked on every vendor's parts when the spec names no vendor: a part without one is unknown.
    (Spec("gfx_in", HARD, "gfx942 only", ("gfx942",)),
     {"amd-mi300x": True, "amd-mi250x": False, "nvidia-h100-sxm": None}),
    (Spec("gfx_at_least", HARD, "gfx90a or newer", "gfx90a"),
     {"amd-mi300x": True, "amd-mi250x": True, "amd-mi100": False, "nvidia-h100-sxm": None}),
    # A device class the catalog does not know (no segment) is unknown, never a guess.
    (Spec("class", WEAK, "consumer", ("consumer", "workstation")),
     {"nvidia-rtx-4090": True, "nvidia-h100-sxm": False, "acme-x1": None}),
])
def test_checks_answer_true_false_or_unknown(spec, expected):
    entries = {**{i: by_id(i) for i in expected if i != "acme-x1"}, "acme-x1": UNKNOWN_SEGMENT}
    requirement = Requirement(spec.text, spec.strength, spec.kind, ("t.py:1",), "WAC999", spec)
    assert {i: requirement.check(entries[i]) for i in expected} == expected


def test_an_unknown_requirement_kind_is_an_error_naming_it():
    spec = Spec("bogus", HARD, "x")
    with pytest.raises(ValueError, match="^unknown requirement kind 'bogus'$"):
        Requirement("x", HARD, "bogus", ("t.py:1",), "WAC999", spec).check(by_id("nvidia-h100-sxm"))


def test_a_resolved_by_property_that_is_not_text_adds_no_evidence():
    assert evidence_of(finding("WAC101", path="t.py", line=3, resolved_by=["run.sh:2"])) == ("t.py:3",)
