"""The verdict on synthetic evidence: vendor sets, floors, device class, candidates, recipes, honesty."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from hypothesis import given, settings, strategies as st

from whackachip_lint.infer.catalog import load_catalog
from whackachip_lint.infer.engine import CONSISTENT, DISFAVOURED, EXCLUDED, infer

from ..infer_helpers import finding, hunyuan_like, result

CATALOG = load_catalog()
HOPPER = {e.id for e in CATALOG if e.microarchitecture == "Hopper"}


def reasons_of(verdict, entry_id):
    return next(c for c in verdict.candidates if c.entry.id == entry_id).reasons


def statuses(verdict, status):
    return {c.entry.id for c in verdict.candidates if c.status == status}


# --- the paper's Hunyuan-Large set-up ------------------------------------------------------------------------


def test_hunyuan_vendor_set():
    v = infer(hunyuan_like())
    assert v.vendor_status("NVIDIA") == "likely"
    assert v.vendor_status("AMD") == "possible"
    amd = next(x for x in v.vendors if x.name == "AMD")
    assert any("RCCL" in r.constraint for r in amd.reasons)
    assert not v.insufficient_evidence


def test_hunyuan_floor_class_and_candidates():
    v = infer(hunyuan_like())
    data = v.to_dict()
    assert data["architecture_floor"]["NVIDIA"]["microarchitecture"] == "Ampere"
    assert data["architecture_floor"]["NVIDIA"]["compute_capability"] == "8.0"
    assert data["device_class"]["class"] == "datacenter"
    consistent = statuses(v, CONSISTENT)
    for part in ("nvidia-h20", "nvidia-a100-sxm4-80gb", "nvidia-a100-sxm4-40gb", "nvidia-a800",
                 "nvidia-h100-sxm", "nvidia-h800"):
        assert part in consistent
    for part in ("nvidia-v100", "nvidia-t4", "nvidia-rtx-3090", "nvidia-rtx-4090"):
        assert v.status_of(part) == DISFAVOURED
    assert not statuses(v, EXCLUDED)  # nothing hard in this set-up


def test_hunyuan_reasons_carry_their_lines():
    v = infer(hunyuan_like())
    (bf16,) = [r for r in reasons_of(v, "nvidia-v100") if "bf16" in r.constraint]
    assert bf16.strength == "strong"
    # the DeepSpeed "auto" switch, resolved by the launch script's --bf16
    assert set(bf16.evidence) == {"scripts/ds_zero3.json:4", "scripts/train.sh:21"}
    gdr = [r for r in reasons_of(v, "nvidia-rtx-4090") if "GPUDirect" in r.constraint]
    assert gdr and set(gdr[0].evidence) == {"scripts/train.sh:6", "scripts/train.sh:7"}


def test_hunyuan_facts():
    data = infer(hunyuan_like()).to_dict()
    assert data["gpus_per_node"]["values"] == [8]
    assert "MI250X" in data["gpus_per_node"]["notes"][0]
    assert data["nodes"]["values"] == [2]
    assert data["interconnect"]["gpudirect_rdma"]["enabled"]
    assert data["recipes"][0]["name"] == "scripts/train.sh"
    h20 = next(c for c in data["candidates"] if c["id"] == "nvidia-h20")
    assert h20["export_control"]["eccn_3a090"] == "not controlled" and h20["export_control"]["china_variant"]
    assert len(data["candidates"]) == len(CATALOG)


def test_without_the_launch_flag_auto_sets_no_floor():
    findings = [f for f in hunyuan_like().findings if not (f.rule == "WAC101" and f.path.endswith(".sh"))]
    v = infer(result(*findings))
    assert v.status_of("nvidia-v100") == CONSISTENT  # "auto" without a launch flag is undetermined
    assert not reasons_of(v, "nvidia-v100")
    assert "NVIDIA" not in v.to_dict()["architecture_floor"]


def test_fp16_flag_resolves_bf16_auto_to_off():
    findings = [f for f in hunyuan_like().findings if not (f.rule == "WAC101" and f.path.endswith(".sh"))]
    findings.append(finding("WAC102", True, path="scripts/train.sh", line=21, flag="--fp16"))
    v = infer(result(*findings))
    assert not any("bf16" in r.constraint for r in reasons_of(v, "nvidia-t4"))


# --- AMD, Ascend, Gaudi ----------------------------------------------------------------------------------------


def rocm_repo():
    return result(
        finding("WAC404", "torchrun", path="run.sh", line=9, script="train.py"),
        finding("WAC401", 8, path="run.sh", line=9),
        finding("WAC205", "HSA_FORCE_FINE_GRAIN_PCIE", path="run.sh", line=3),
        finding("WAC301", "NCCL_IB_HCA", path="run.sh", line=4),
        finding("WAC206", "NCCL_DEBUG", path="run.sh", line=5),
        finding("WAC604", "gfx942", path="run.sh", line=6),
        finding("WAC201", "nccl", path="train.py", line=12),
        finding("WAC204", "cuda", path="train.py", line=13),
        finding("WAC101", path="train.py", line=14),
    )


def test_rocm_repo_lands_on_amd_instinct():
    v = infer(rocm_repo())
    assert v.vendor_status("AMD") == "likely"
    assert v.vendor_status("NVIDIA") == "possible"
    assert statuses(v, CONSISTENT) == {"amd-mi300x", "amd-mi325x"}
    assert v.status_of("amd-mi250x") == EXCLUDED  # compiled for gfx942 only
    assert v.status_of("nvidia-h100-sxm") == DISFAVOURED  # never excluded on soft evidence


def test_transformer_engine_in_a_rocm_repo_counts_for_amd_too():
    # ROCm forks of NVIDIA frameworks import Transformer Engine's ROCm port under the same module name.
    v = infer(result(*rocm_repo().findings, finding("WAC602", "transformer_engine", path="train.py", line=2)))
    assert v.vendor_status("AMD") == "likely"
    amd = next(x for x in v.vendors if x.name == "AMD")
    (te,) = [r for r in amd.reasons if "Transformer Engine" in r.constraint]
    assert te.result == "supports" and te.evidence == ("train.py:2",)


def test_transformer_engine_with_nothing_amd_specific_stays_nvidia():
    v = infer(result(finding("WAC404", "torchrun", path="run.sh", line=9, script="train.py"),
                     finding("WAC602", "transformer_engine", path="train.py", line=2),
                     finding("WAC204", "cuda", path="train.py", line=13)))
    assert v.vendor_status("NVIDIA") == "likely"
    assert v.vendor_status("AMD") == "possible"
    amd = next(x for x in v.vendors if x.name == "AMD")
    assert [r.result for r in amd.reasons if r.result != "supports"] == ["tie-break"]


def test_jax_code_importing_pallas_tpu_kernels_is_read_as_tpu_code():
    tpu = {e.id for e in CATALOG if e.vendor == "Google"}
    v = infer(result(finding("WAC404", "python", path="run.sh", line=2, script="train.py"),
                     finding("WAC202", "jax", path="train.py", line=1),
                     finding("WAC202", "pallas.tpu", path="train.py", line=2)))
    assert v.vendor_status("Google") == "likely"
    assert statuses(v, CONSISTENT) == tpu
    assert infer(result(finding("WAC202", "jax", path="train.py", line=1))).vendor_status("Google") != "likely"


def test_rocm_refusal_excludes_nvidia():
    v = infer(result(finding("WAC207", "hip", line=3), finding("WAC201", "nccl", line=5)))
    assert v.vendor_status("NVIDIA") == "excluded"
    assert v.status_of("nvidia-h100-sxm") == EXCLUDED


def ascend_repo():
    return result(
        finding("WAC202", "torch_npu", path="train.py", line=2),
        finding("WAC201", "hccl", path="train.py", line=20),
        finding("WAC204", "npu", path="train.py", line=21),
        finding("WAC401", 8, path="run.sh", line=4),
        finding("WAC101", path="train.py", line=30),
    )


def gaudi_repo():
    return result(
        finding("WAC202", "habana_frameworks.torch.core", path="train.py", line=2),
        finding("WAC201", "hccl", path="train.py", line=20),
        finding("WAC204", "hpu", path="train.py", line=21),
        finding("WAC401", 8, path="run.sh", line=4),
    )


def test_hccl_with_torch_npu_is_ascend():
    v = infer(ascend_repo())
    assert v.vendor_status("Huawei") == "likely"
    assert v.vendor_status("Intel") == "excluded"
    assert v.vendor_status("NVIDIA") == "excluded"
    assert v.status_of("huawei-ascend-910b") == CONSISTENT


def test_hccl_with_habana_is_gaudi():
    v = infer(gaudi_repo())
    assert v.vendor_status("Intel") == "likely"
    assert v.vendor_status("Huawei") == "excluded"
    assert statuses(v, CONSISTENT) == {"intel-gaudi2", "intel-gaudi3", "intel-gaudi3-pcie"}


def test_hccl_alone_decides_nothing():
    v = infer(result(finding("WAC201", "hccl", line=2), finding("WAC401", 8, path="run.sh")))
    assert v.vendor_status("Huawei") == v.vendor_status("Intel") == "possible"
    assert not any(x.status == "likely" for x in v.vendors)


def test_transfer_to_npu_makes_cuda_code_ascend():
    v = infer(result(
        finding("WAC203", "transfer_to_npu", line=3),
        finding("WAC201", "nccl", line=10),
        finding("WAC204", "cuda", line=11),
    ))
    assert v.vendor_status("Huawei") == "likely"
    assert v.status_of("huawei-ascend-910b") == CONSISTENT
    assert not any(r.result == "fails" and "nccl" in r.constraint for r in reasons_of(v, "huawei-ascend-910b"))


# --- architecture ---------------------------------------------------------------------------------------------


def hopper_repo():
    return result(
        finding("WAC404", "torchrun", path="run.sh", line=9, script="train.py"),
        finding("WAC603", "9.0", path="run.sh", line=2),
        finding("WAC602", "transformer_engine", path="train.py", line=1),
        finding("WAC104", path="train.py", line=40),
        finding("WAC201", "nccl", path="train.py", line=12),
        finding("WAC101", path="train.py", line=13),
    )


def test_hopper_repo_keeps_only_hopper():
    v = infer(hopper_repo())
    assert statuses(v, CONSISTENT) == HOPPER
    for blackwell in ("nvidia-b200", "nvidia-gb200", "nvidia-rtx-5090"):
        assert v.status_of(blackwell) == EXCLUDED
        assert any("9.0" in r.constraint and r.evidence == ("run.sh:2",) for r in reasons_of(v, blackwell))
    assert v.status_of("nvidia-b100") == DISFAVOURED  # its compute capability is unknown: never excluded
    assert any(r.result == "unknown" for r in reasons_of(v, "nvidia-b100"))
    for ada in ("nvidia-l40s", "nvidia-rtx-4090", "nvidia-l4"):
        assert v.status_of(ada) == EXCLUDED
        assert any(r.constraint.startswith("compiled for CUDA") for r in reasons_of(v, ada))
    assert v.status_of("nvidia-a100-sxm4-80gb") == EXCLUDED  # FP8 compute and the 9.0 target
    assert v.to_dict()["architecture_floor"]["NVIDIA"]["microarchitecture"] == "Hopper"


def test_guarded_bf16_keeps_v100_consistent():
    v = infer(result(
        finding("WAC101", state="conditional", line=5),
        finding("WAC201", "nccl", line=9),
        finding("WAC401", 8, path="run.sh"),
    ))
    assert v.status_of("nvidia-v100") == CONSISTENT


def test_cpu_only_bf16_keeps_v100_consistent():
    """bf16 autocast on the host CPU says nothing about the GPU; the same bf16 on the device does."""
    base = (finding("WAC201", "nccl", line=9), finding("WAC401", 8, path="run.sh"))
    cpu = infer(result(finding("WAC101", "bfloat16", line=5, device="cpu"), *base))
    assert cpu.status_of("nvidia-v100") == CONSISTENT
    assert not [r for r in reasons_of(cpu, "nvidia-v100") if "bf16" in r.constraint]
    gpu = infer(result(finding("WAC101", "bfloat16", line=5), *base))
    assert gpu.status_of("nvidia-v100") == DISFAVOURED


def test_fp16_does_not_lower_anything():
    v = infer(result(finding("WAC102", line=5), finding("WAC201", "nccl", line=9)))
    assert v.status_of("nvidia-v100") == CONSISTENT


# --- honesty ----------------------------------------------------------------------------------------------------


def test_no_training_code_is_insufficient_evidence():
    v = infer(result(finding("WAC204", "cuda", path="infer.py"), finding("WAC101", path="infer.py", line=3)))
    assert v.insufficient_evidence
    assert not any(x.status == "likely" for x in v.vendors)


@pytest.mark.parametrize("condition", ["ddp", "args.distributed", "c.num_gpus > 1", "world_size > 1",
                                       "args.local_rank != -1", "not dist.is_initialized()"])
def test_a_backend_set_up_when_the_run_is_distributed_is_a_training_set_up(condition):
    # `if ddp: init_process_group(backend="nccl")`: a run across devices is what the condition asks for.
    v = infer(result(finding("WAC204", "cuda", path="train.py", line=2),
                     finding("WAC201", "nccl", state="conditional", path="train.py", line=9, condition=condition)))
    assert not v.insufficient_evidence
    assert v.vendor_status("NVIDIA") == "likely"


@pytest.mark.parametrize("condition", ["torch.cuda.is_available()", "os.name == 'nt'", "args.backend == 'nccl'", None])
def test_a_backend_under_another_condition_sets_up_no_run(condition):
    extra = {"condition": condition} if condition else {}
    v = infer(result(finding("WAC204", "cuda", path="train.py", line=2),
                     finding("WAC201", "nccl", state="conditional", path="train.py", line=9, **extra)))
    assert v.insufficient_evidence
    assert v.vendor_status("NVIDIA") == "possible"


def test_empty_repo_is_insufficient_and_everything_consistent():
    v = infer(result())
    assert v.insufficient_evidence
    assert statuses(v, CONSISTENT) == {e.id for e in CATALOG}


def test_contradictory_hard_facts_never_exclude_everything():
    v = infer(result(
        finding("WAC202", "torch_npu", line=1),
        finding("WAC202", "habana_frameworks", line=2),
        finding("WAC207", "hip", line=3),
    ))
    assert v.overall.conflicting_hard_evidence
    assert statuses(v, EXCLUDED) != {e.id for e in CATALOG}


def test_consumer_hint():
    v = infer(result(
        finding("WAC303", "NCCL_P2P_DISABLE", state="disabled", path="run.sh", line=3),
        finding("WAC301", "NCCL_IB_DISABLE", state="disabled", path="run.sh", line=4),
        finding("WAC201", "nccl", line=9),
    ))
    assert v.to_dict()["device_class"]["class"] == "consumer"
    assert v.status_of("nvidia-rtx-4090") == CONSISTENT
    assert v.status_of("nvidia-h100-sxm") == DISFAVOURED


# --- several recipes ---------------------------------------------------------------------------------------------


def two_tree_repo():
    return result(
        finding("WAC404", "torchrun", path="gpu/train.sh", line=5, script="pretrain.py"),
        finding("WAC401", 8, path="gpu/train.sh", line=5),
        finding("WAC603", "8.0;9.0", path="gpu/train.sh", line=2),
        finding("WAC201", "nccl", path="gpu/pretrain.py", line=10),
        finding("WAC404", "torchrun", path="npu/train.sh", line=5, script="pretrain.py"),
        finding("WAC401", 8, path="npu/train.sh", line=5),
        finding("WAC202", "torch_npu", path="npu/pretrain.py", line=1),
        finding("WAC201", "hccl", path="npu/pretrain.py", line=10),
        finding("WAC202", "torch_npu", path="npu/utils/device.py", line=1),
        finding("WAC101", path="model.py", line=3),  # shared by both recipes
    )


def test_each_recipe_gets_its_own_verdict():
    v = infer(two_tree_repo())
    recipes = {r["name"]: r for r in v.to_dict()["recipes"]}
    assert set(recipes) == {"gpu/train.sh", "npu/train.sh"}
    gpu, npu = recipes["gpu/train.sh"], recipes["npu/train.sh"]
    assert "npu/utils/device.py" not in gpu["files"]
    assert {x["name"]: x["status"] for x in gpu["vendors"]}["NVIDIA"] == "likely"
    assert {x["name"]: x["status"] for x in npu["vendors"]}["Huawei"] == "likely"
    assert "huawei-ascend-910b" in npu["consistent"] and "huawei-ascend-910b" not in gpu["consistent"]
    assert "nvidia-a100-sxm4-80gb" in gpu["consistent"]


def test_overall_verdict_keeps_every_recipes_hardware():
    v = infer(two_tree_repo())
    assert v.status_of("huawei-ascend-910b") == CONSISTENT
    assert v.status_of("nvidia-h100-sxm") == CONSISTENT
    assert v.vendor_status("NVIDIA") == "likely" and v.vendor_status("Huawei") == "likely"
    assert not v.overall.conflicting_hard_evidence


def test_argparse_default_overridden_by_launch_flag():
    base = [
        finding("WAC404", "torchrun", path="run.sh", line=5, script="train.py"),
        finding("WAC201", "nccl", path="train.py", line=10),
        finding("WAC101", True, path="train.py", line=3, flag="--bf16"),  # default=True
    ]
    assert infer(result(*base)).status_of("nvidia-v100") == DISFAVOURED
    off = finding("WAC101", False, state="disabled", path="run.sh", line=5, flag="--bf16")  # --bf16 False
    v = infer(result(*base, off))
    assert not any("bf16" in r.constraint for r in reasons_of(v, "nvidia-v100"))


# --- property: weak and strong evidence never exclude; nothing excludes the whole catalog ---------------------

SOFT = [
    finding("WAC101"), finding("WAC103"), finding("WAC201", "nccl"), finding("WAC201", "hccl"),
    finding("WAC204", "cuda"), finding("WAC206", "NCCL_DEBUG"), finding("WAC301", "NCCL_IB_HCA"),
    finding("WAC302", "NCCL_NET_GDR_LEVEL"), finding("WAC305", "NCCL_NVLS_ENABLE"), finding("WAC401", 8),
    finding("WAC601", "fa2"), finding("WAC602", "transformer_engine"), finding("WAC205", "HSA_X"),
    finding("WAC105", "float8_e4m3fnuz"),
]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(SOFT), max_size=8))
def test_soft_evidence_never_excludes(findings):
    v = infer(result(*findings))
    assert not statuses(v, EXCLUDED)


HARDISH = SOFT + [finding("WAC202", "torch_npu"), finding("WAC207", "hip"), finding("WAC104"),
                  finding("WAC603", "9.0"), finding("WAC604", "gfx90a"), finding("WAC601", "fa3"),
                  finding("WAC106"), finding("WAC204", "mps")]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(HARDISH), max_size=8))
def test_never_everything_excluded(findings):
    v = infer(result(*findings))
    assert statuses(v, EXCLUDED) != {e.id for e in CATALOG}


# --- outside the catalog, declared hardware, support files, config chains ---------------------------------------


def test_hardware_outside_the_catalog_is_named_not_guessed():
    v = infer(result(finding("WAC201", "cncl", line=4), finding("WAC204", "mlu", line=5),
                     finding("WAC401", 8, path="run.sh")))
    data = v.to_dict()
    cambricon = next(x for x in data["vendors"] if x["name"] == "Cambricon")
    assert cambricon["status"] == "likely" and cambricon["in_catalog"] is False
    assert not statuses(v, EXCLUDED)  # strong evidence only: nothing in the catalog is excluded
    assert not statuses(v, CONSISTENT)


def test_declared_hardware_from_catalog_ids():
    declared = finding("WAC201", "nccl", path="job.slurm", line=3,
                       catalog_ids="nvidia-a100-sxm4-40gb,nvidia-a100-sxm4-80gb", strength="strong")
    v = infer(result(declared, finding("WAC401", 8, path="job.slurm", line=4)))
    assert statuses(v, CONSISTENT) == {"nvidia-a100-sxm4-40gb", "nvidia-a100-sxm4-80gb"}
    assert v.status_of("nvidia-h100-sxm") == DISFAVOURED
    (reason,) = [r for r in reasons_of(v, "nvidia-h100-sxm") if r.constraint.startswith("declared")]
    assert reason.strength == "strong" and reason.evidence == ("job.slurm:3",)


def test_hard_facts_in_support_files_weigh_as_strong():
    v = infer(result(finding("WAC601", "fa3", path="docker/Dockerfile", line=7), finding("WAC201", "nccl")))
    assert v.status_of("nvidia-a100-sxm4-80gb") == DISFAVOURED
    assert any("support file" in r.constraint for r in reasons_of(v, "nvidia-a100-sxm4-80gb"))
    v = infer(result(finding("WAC601", "fa3", path="build.sh", line=7), finding("WAC201", "nccl")))
    assert v.status_of("nvidia-a100-sxm4-80gb") == EXCLUDED


def test_compile_targets_of_a_support_file_count_against_no_part():
    # A container built for Blackwell says what that image targets, not what the training code needs.
    v = infer(result(finding("WAC603", "10.0", path="docker/Dockerfile", line=7), finding("WAC201", "nccl")))
    assert v.status_of("nvidia-a100-sxm4-80gb") == CONSISTENT
    v = infer(result(finding("WAC603", "10.0", path="build.sh", line=7), finding("WAC201", "nccl")))
    assert v.status_of("nvidia-a100-sxm4-80gb") == EXCLUDED


def test_fp4_alone_does_not_exclude():
    v = infer(result(finding("WAC106", line=3)))
    assert v.status_of("nvidia-h100-sxm") == DISFAVOURED


def test_auto_resolved_through_a_config_chain():
    findings = [
        finding("WAC404", "accelerate", path="launch.sh", line=3, script="train.py"),
        finding("WAC406", "configs/accelerate.yaml", path="launch.sh", line=3),
        finding("WAC101", True, path="launch.sh", line=4, flag="--bf16"),
        finding("WAC406", "ds.json", path="configs/accelerate.yaml", line=6),
        finding("WAC101", "bf16", state="conditional", path="configs/ds.json", line=2, auto=True),
        finding("WAC201", "nccl", path="train.py", line=9),
    ]
    v = infer(result(*findings))
    (bf16,) = [r for r in reasons_of(v, "nvidia-v100") if "bf16" in r.constraint]
    assert "configs/ds.json:2" in bf16.evidence


def _foreign(rule, signal, value, path, line=1, **properties):
    """A finding of a rule family declared on another branch (codes may change; signals are the contract)."""
    from whackachip_lint.evidence import Finding, Level, Span, State

    return Finding(rule=rule, name="x", signal=signal, value=value, state=State.ENABLED, level=Level.NOTE, path=path,
                   span=Span(line, 1, line, 2), snippet="", message="", properties=properties)


def test_slurm_gpu_request_names_the_parts_strongly():
    gres = _foreign("WAC710", "declared.job.gpu", "a100", "train.slurm", 4, catalog_ids="nvidia-a100-sxm4-40gb "
                    "nvidia-a100-sxm4-80gb nvidia-a100-pcie-40gb nvidia-a100-pcie-80gb")
    v = infer(result(gres, finding("WAC201", "nccl", line=3), finding("WAC401", 8, path="train.slurm", line=5)))
    assert statuses(v, CONSISTENT) == {e.id for e in CATALOG if e.id.startswith("nvidia-a100")}
    (r,) = [r for r in reasons_of(v, "nvidia-h20") if r.constraint.startswith("declared")]
    assert r.strength == "strong"


def test_readme_claims_are_weak_and_names_resolve_without_ids():
    claim = _foreign("WAC712", "declared.doc.hardware", "H800", "README.md", 9)
    v = infer(result(claim, finding("WAC201", "nccl", line=3), finding("WAC401", 8, path="run.sh")))
    (r,) = [r for r in reasons_of(v, "nvidia-h20") if r.constraint.startswith("declared")]
    assert r.strength == "weak" and r.evidence == ("README.md:9",)
    assert v.status_of("nvidia-h800") == CONSISTENT


def test_rocm_image_and_device_plugin_are_amd_tells():
    v = infer(result(
        _foreign("WAC801", "image.base", "rocm/pytorch:rocm6.1_ubuntu22.04", "docker/Dockerfile", 1),
        _foreign("WAC701", "declared.k8s_resource", "amd.com/gpu", "k8s/job.yaml", 20),
        finding("WAC201", "nccl", line=3), finding("WAC401", 8, path="run.sh"),
    ))
    assert v.vendor_status("AMD") == "likely"
    assert v.status_of("nvidia-h100-sxm") == DISFAVOURED


def test_gencode_lines_in_one_file_are_one_target_list():
    v = infer(result(
        finding("WAC603", "8.0", path="setup.py", line=11),
        finding("WAC603", "9.0a", path="setup.py", line=12),
        finding("WAC201", "nccl", path="train.py", line=3),
    ))
    assert v.status_of("nvidia-a100-sxm4-80gb") == CONSISTENT  # sm_80 cubin
    assert v.status_of("nvidia-rtx-4090") == CONSISTENT  # sm_80 cubin runs on 8.9
    assert v.status_of("nvidia-h100-sxm") == CONSISTENT  # sm_90a
    assert v.status_of("nvidia-b200") == EXCLUDED
    assert v.to_dict()["architecture_floor"]["NVIDIA"]["microarchitecture"] == "Ampere"
    (reason,) = [r for r in reasons_of(v, "nvidia-b200") if r.strength == "hard"]
    assert reason.evidence == ("setup.py:11", "setup.py:12") and "8.0;9.0a" in reason.constraint


def test_target_lists_in_different_files_must_all_hold():
    v = infer(result(
        finding("WAC603", "8.0", path="ext_a/setup.py", line=5),
        finding("WAC603", "9.0", path="ext_b/setup.py", line=5),
    ))
    assert v.status_of("nvidia-a100-sxm4-80gb") == EXCLUDED
    assert v.status_of("nvidia-h100-sxm") == EXCLUDED


def test_contradicting_vendor_files_become_separate_scopes():
    v = infer(result(
        finding("WAC202", "torch_npu", path="run_npu.py", line=4),
        finding("WAC204", "npu", path="run_npu.py", line=14),
        finding("WAC201", "hccl", path="run_npu.py", line=13),
        finding("WAC204", "hpu", path="gaudi_variant.py", line=9),
        finding("WAC101", path="model.py", line=2),
    ))
    scopes = {r["name"]: r for r in v.to_dict()["recipes"]}
    assert set(scopes) == {"files requiring Huawei", "files requiring Intel"}
    assert scopes["files requiring Intel"]["files"] == ["gaudi_variant.py"]
    assert v.status_of("huawei-ascend-910b") == CONSISTENT
    assert v.status_of("intel-gaudi2") == CONSISTENT
    assert not v.overall.conflicting_hard_evidence


def test_vendored_code_counts_one_strength_lower_and_forms_no_recipe():
    vendored = {"vendored": True, "vendored_root": "third_party/megatron"}
    v = infer(result(
        finding("WAC104", path="third_party/megatron/fp8.py", line=3, **vendored),  # hard -> strong
        finding("WAC103", path="third_party/megatron/fp8.py", line=4, **vendored),  # weak -> context only
        finding("WAC404", "torchrun", path="third_party/megatron/run.sh", line=2, script="pretrain.py", **vendored),
        finding("WAC201", "nccl", path="train.py", line=5),
        finding("WAC101", path="train.py", line=6),
    ))
    assert v.status_of("nvidia-a100-sxm4-80gb") == DISFAVOURED  # not excluded by someone else's FP8 path
    fp8 = [r for r in reasons_of(v, "nvidia-a100-sxm4-80gb") if "FP8" in r.constraint]
    assert fp8 and fp8[0].strength == "strong" and "vendored" in fp8[0].constraint
    assert not any("TF32" in r.constraint for r in reasons_of(v, "nvidia-v100"))
    assert v.to_dict()["recipes"] == []
    floor = v.to_dict()["architecture_floor"]["NVIDIA"]
    assert floor["microarchitecture"] == "Ampere"  # the repo's own bf16, not the vendored FP8


# --- robustness: any findings the extractors may produce give a verdict, never a crash ---------------------------

from whackachip_lint.rules import ALL_RULES  # noqa: E402

_VALUES = st.one_of(st.none(), st.booleans(), st.integers(-3, 20), st.sampled_from(
    ["nccl", "hccl", "cuda", "npu", "auto", "", "9.0", "8.0+PTX", "gfx942", "sm_90", "fa3", "torch_npu", "HSA_X",
     "NCCL_IB_HCA", "float8_e4m3fnuz", "Hopper", ";;", "rocm/pytorch:latest", "transfer_to_npu"]),
    st.text(max_size=12))
_FINDINGS = st.builds(
    lambda rule, value, state, path, line, flag: finding(rule, value, state=state, path=path, line=line,
                                                          **({"flag": flag} if flag else {})),
    st.sampled_from(sorted(ALL_RULES)), _VALUES, st.sampled_from(["enabled", "conditional", "disabled", "mentioned"]),
    st.sampled_from(["train.py", "run.sh", "a/run.sh", "b/x.py", "docker/Dockerfile", "cfg.json"]),
    st.integers(1, 50), st.sampled_from([None, "--bf16", "--fp16"]),
)


@settings(max_examples=80, deadline=None)
@given(st.lists(_FINDINGS, max_size=12))
def test_any_findings_give_a_serialisable_verdict(findings):
    import json

    v = infer(result(*findings))
    json.dumps(v.to_dict())
    assert statuses(v, EXCLUDED) != {e.id for e in CATALOG}


def test_launcher_script_resolved_by_the_extractor_is_used():
    v = infer(result(
        finding("WAC404", "deepspeed", path="scripts/go.sh", line=3, script="train.py", script_resolved="src/train.py"),
        finding("WAC201", "nccl", path="src/train.py", line=4),
        finding("WAC101", path="other/eval.py", line=2),
    ))
    (recipe,) = v.to_dict()["recipes"]
    assert "src/train.py" in recipe["files"]


# --- paths and roles (issue 10) ---------------------------------------------------------------------------------


def test_tests_examples_and_optional_code_neither_exclude_nor_disfavour():
    from whackachip_lint.infer.engine import infer as infer_paths

    v = infer_paths(result(
        finding("WAC201", "nccl", path="train.py", line=3),
        finding("WAC404", "torchrun", path="run.sh", line=2, script="train.py"),
        finding("WAC104", "_scaled_mm", path="tests/test_fp8.py", line=5),
        finding("WAC101", path="examples/bf16.py", line=5),
        finding("WAC202", "mlx", path="worker.py", line=1, role="optional"),
    ))
    assert v.status_of("nvidia-v100") == CONSISTENT  # no bf16, no FP8 on the training path
    assert v.vendor_status("Apple") != "likely"
    needs = {r["requirement"]: r for r in v.optional_requirements}
    assert needs["FP8 matrix multiplies on the live path"]["roles"] == ["test"]
    assert needs["native bf16 tensor math"]["roles"] == ["example"]
    assert needs["imports mlx (made for Apple silicon)"]["met_by"] == ["Apple"]


def test_without_training_evidence_the_examples_are_the_code():
    v = infer(result(finding("WAC202", "torch_npu", path="examples/run.py", line=1)))
    assert v.vendor_status("Huawei") == "likely"
    assert v.optional_requirements == []


def test_support_file_vendor_tell_counts_against_no_one():
    v = infer(result(
        finding("WAC201", "nccl", path="train.py", line=3),
        finding("WAC404", "torchrun", path="run.sh", line=2, script="train.py"),
        finding("WAC205", "ROCM_VERSION", path=".github/workflows/ci.yaml", line=51),
    ))
    assert v.vendor_status("NVIDIA") == "likely" and v.vendor_status("AMD") == "possible"
    assert v.status_of("nvidia-h100-sxm") == CONSISTENT
    # The code names its vendors (nccl): the CI matrix ranks none of them, and disfavours no NVIDIA part.
    assert not any("ROCm variables" in r.constraint for x in v.vendors for r in x.reasons)
    assert not any("ROCm variables" in r.constraint for r in next(c for c in v.candidates
                                                                   if c.entry.id == "nvidia-h100-sxm").reasons)


def test_vendors_are_ranked_by_the_files_carrying_their_evidence():
    many = [finding("WAC201", "nccl", path=f"pkg/m{i}.py", line=1) for i in range(3)]
    v = infer(result(*many, finding("WAC201", "hccl", path="pkg/other.py", line=1),
                     finding("WAC404", "torchrun", path="run.sh", line=2, script="pkg/m0.py")))
    assert v.vendor_status("NVIDIA") == "likely"  # 3 files against 1 (before: a tie, nothing likely)
    assert v.vendor_status("Huawei") == "possible"


def test_a_shim_in_an_optional_module_relabels_nothing_on_the_training_path():
    v = infer(result(
        finding("WAC201", "nccl", path="train.py", line=3),
        finding("WAC404", "torchrun", path="run.sh", line=2, script="train.py"),
        finding("WAC203", "transfer_to_npu", path="npu_backend.py", line=2, role="optional"),
    ))
    nccl = [r for r in next(x for x in v.vendors if x.name == "NVIDIA").reasons if "nccl" in r.constraint]
    assert nccl and all("migration shim" not in r.constraint for r in nccl)
    assert v.vendor_status("Huawei") == "possible"


def test_a_vendor_port_keeps_its_hard_facts_over_upstream_cuda_residue():
    v = infer(result(
        finding("WAC202", "habana_frameworks", path="fairseq/trainer.py", line=23),
        finding("WAC204", "hpu", path="fairseq/tasks/task.py", line=518),
        finding("WAC201", "nccl", path="fairseq/configs.py", line=282),
        finding("WAC204", "cuda", path="fairseq/trainer.py", line=1052),
        finding("WAC204", "xla", path="fairseq/utils.py", line=134),
    ))
    assert v.vendor_status("Intel") == "likely"
    assert v.status_of("intel-gaudi2") == CONSISTENT
    assert v.status_of("nvidia-a100-sxm4-80gb") == EXCLUDED
    assert not v.overall.conflicting_hard_evidence
    residue = [r for r in reasons_of(v, "intel-gaudi2") if "branch for other hardware" in r.constraint]
    assert residue == []  # kept as requirements, never against a part
    assert sum("branch for other hardware" in r.constraint for r in v.overall.requirements) == 3


def test_hard_facts_of_two_vendors_in_one_scope_still_weigh_as_strong():
    v = infer(result(
        finding("WAC202", "torch_npu", path="pkg/a.py", line=1),
        finding("WAC202", "habana_frameworks", path="pkg/a.py", line=2),
    ))
    assert v.overall.conflicting_hard_evidence or v.status_of("intel-gaudi2") != EXCLUDED
    assert v.status_of("huawei-ascend-910b") != EXCLUDED and v.status_of("intel-gaudi2") != EXCLUDED


def test_soft_evidence_no_part_meets_together_is_set_aside_and_said():
    v = infer(result(
        finding("WAC201", "nccl", path="train.py", line=3),
        finding("WAC404", "torchrun", path="run.sh", line=2, script="train.py"),
        finding("WAC205", "HCCL_CONNECT_TIMEOUT", path="train.py", line=9),  # weak: Huawei or Gaudi
    ))
    assert v.status_of("nvidia-h100-sxm") == CONSISTENT
    assert v.overall.relaxed == "weak"
    assert {"paths": ["run.sh"], "why": "no part meets every weak requirement together: those were set aside",
            "set_aside": "weak"} in v.conflicts
    # Weak hints set aside are said once, not counted as a conflict in the bottom line.
    from whackachip_lint.report.bottom_line import bottom_line
    from whackachip_lint.report.verdict_text import render_verdict

    assert "conflict" not in bottom_line(v)
    lines = render_verdict(v).splitlines()
    assert "  Weak hints no part meets together, set aside on 1 path: run.sh." in lines
    assert not any(line.startswith("  Training paths in conflict") for line in lines)


def test_weak_hints_set_aside_come_after_real_conflicts_in_the_capped_list():
    from whackachip_lint.infer.engine import _conflicts

    weak = [(f"w{i}.sh", [], SimpleNamespace(conflicting_hard_evidence=False, relaxed="weak", ids=lambda s: [],
                                             vendors=[]))
            for i in range(25)]
    strong = [("s.sh", [], SimpleNamespace(conflicting_hard_evidence=False, relaxed="strong", ids=lambda s: [],
                                           vendors=[]))]
    listed = _conflicts(weak + strong)
    assert len(listed) == 20 and listed[0]["paths"] == ["s.sh"] and listed[0]["set_aside"] == "strong"
    # Alternatives come before evidence set aside.
    gpu = ("gpu.sh", [], SimpleNamespace(conflicting_hard_evidence=False, relaxed=None, ids=lambda s: ["nvidia-a100"]))
    npu = ("npu.sh", [], SimpleNamespace(conflicting_hard_evidence=False, relaxed=None, ids=lambda s: ["huawei-910b"]))
    assert [c["paths"] for c in _conflicts(strong + [gpu, npu])] == [["gpu.sh", "npu.sh"], ["s.sh"]]


# traps.md: compile target lists are often built conditionally (`compute_80` added when CUDA >= 11).
_SETUP = """from setuptools import setup
from torch.utils.cpp_extension import CUDAExtension
import torch

cc_flag = ["-gencode", "arch=compute_70,code=sm_70"]
{extra}
setup(name="k", ext_modules=[CUDAExtension("k", ["k.cu"], extra_compile_args={{"nvcc": cc_flag}})])
"""


@pytest.mark.parametrize(("extra", "a100"), [
    ('if int(torch.version.cuda.split(".")[0]) >= 11:\n    cc_flag += ["-gencode", "arch=compute_80,code=sm_80"]',
     "consistent"),  # the list is open: what its unconditional part leaves out may still be built
    ("", "excluded"),  # a closed list without PTX runs only on its targets
], ids=["conditional-addition", "closed-list"])
def test_a_target_list_with_conditional_additions_excludes_nothing(tmp_path, extra, a100):
    from ..conftest import scan_json

    (tmp_path / "setup.py").write_text(_SETUP.format(extra=extra))
    statuses = {c["id"]: c["status"] for c in scan_json("--no-cache", ".", cwd=tmp_path)["inference"]["candidates"]}
    assert statuses["nvidia-a100-sxm4-80gb"] == a100
    assert statuses["nvidia-v100"] == "consistent"
