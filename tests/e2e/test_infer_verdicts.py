"""End to end: the CLI's verdict on fixture repos under fixtures/verdicts/ (written by us for these tests).
"""

from __future__ import annotations


import pytest

from whackachip_lint.infer.catalog import load_catalog

from ..conftest import FIXTURES, inference_of, run_cli, run_cli_in, scan_json
from ..infer_helpers import resolved

VERDICTS = FIXTURES / "verdicts"
CATALOG = load_catalog()


def inference(name: str) -> dict:
    return scan_json(".", cwd=VERDICTS / name)["inference"]


def status(data: dict, entry_id: str) -> str:
    return next(c["status"] for c in data["candidates"] if c["id"] == entry_id)


def vendor(data: dict, name: str) -> str:
    return next(v["status"] for v in data["vendors"] if v["name"] == name)


def ids(data: dict, wanted: str) -> set[str]:
    return {c["id"] for c in data["candidates"] if c["status"] == wanted}


def reasons(data: dict, entry_id: str) -> list[dict]:
    return resolved(data, next(c["reasons"] for c in data["candidates"] if c["id"] == entry_id))


def test_rocm_repo_with_nccl_lands_on_amd_instinct():
    data = inference("rocm_nccl")
    assert vendor(data, "AMD") == "likely"
    assert vendor(data, "NVIDIA") == "excluded"  # the script refuses to run without torch.version.hip
    nvidia = reasons(data, "nvidia-h100-sxm")
    assert any(r["strength"] == "hard" and "train.py:11" in r["evidence"] for r in nvidia)
    assert ids(data, "consistent") == {"amd-mi300x", "amd-mi325x"}  # built for gfx942 only
    assert any("setup.py:6" in r["evidence"] for r in reasons(data, "amd-mi250x"))
    assert data["architecture_floor"]["AMD"]["gfx_target"] == "gfx942"
    assert data["device_class"]["class"] == "datacenter"


def test_ascend_repo_with_hccl():
    data = inference("ascend_hccl")
    assert vendor(data, "Huawei") == "likely"
    assert vendor(data, "Intel") == "excluded"
    assert ids(data, "consistent") == {"huawei-ascend-910b", "huawei-ascend-910b4", "huawei-ascend-910c"}


def test_gaudi_repo_with_hccl():
    data = inference("gaudi_hccl")
    assert vendor(data, "Intel") == "likely"
    assert vendor(data, "Huawei") == "excluded"
    assert ids(data, "consistent") == {"intel-gaudi2", "intel-gaudi3", "intel-gaudi3-pcie"}


def test_hopper_repo_keeps_only_hopper_parts():
    data = inference("hopper_fp8")
    hopper = {e.id for e in CATALOG if e.microarchitecture == "Hopper"}
    assert ids(data, "consistent") == hopper
    assert data["architecture_floor"]["NVIDIA"]["microarchitecture"] == "Hopper"
    for blackwell in ("nvidia-b200", "nvidia-gb200", "nvidia-rtx-5090"):
        assert status(data, blackwell) == "excluded"
        assert any(r["evidence"] == ["setup.py:6"] and r["strength"] == "hard" for r in reasons(data, blackwell))
    for ada in ("nvidia-l40s", "nvidia-rtx-4090"):
        assert status(data, ada) == "excluded"
        assert any("setup.py:6" in r["evidence"] for r in reasons(data, ada))
    # FP8 compute under te.fp8_autocast: Ampere falls for two hard reasons
    a100 = [r for r in reasons(data, "nvidia-a100-sxm4-80gb") if r["strength"] == "hard"]
    assert {tuple(r["evidence"]) for r in a100} >= {("train.py:12",), ("setup.py:6",)}
    assert status(data, "nvidia-b100") == "disfavoured"  # compute capability unknown: not excluded


def test_guarded_bf16_keeps_v100_consistent():
    data = inference("guarded_bf16")
    assert status(data, "nvidia-v100") == "consistent"
    assert status(data, "nvidia-t4") == "consistent"
    assert "NVIDIA" not in data["architecture_floor"]


def test_inference_only_repo_is_insufficient_evidence():
    data = inference("inference_only")
    assert data["insufficient_evidence"] is True
    assert all(v["status"] != "likely" for v in data["vendors"])
    text = run_cli_in(VERDICTS / "inference_only", ".").output
    assert "Insufficient evidence" in text


def test_two_trees_without_recipes_never_excludes_either_tree():
    data = inference("two_trees")
    # Whatever the launch scripts add, neither tree's hardware may be excluded.
    assert status(data, "huawei-ascend-910b") != "excluded"
    assert status(data, "nvidia-a100-sxm4-80gb") != "excluded"


def test_two_trees_get_a_verdict_per_recipe():
    data = inference("two_trees")
    recipes = {r["name"]: r for r in data["recipes"]}
    assert set(recipes) == {"gpu/run.sh", "npu/run.sh"}
    assert "huawei-ascend-910b" in recipes["npu/run.sh"]["consistent"]
    assert "nvidia-a100-sxm4-80gb" in recipes["gpu/run.sh"]["consistent"]
    assert "nvidia-a100-sxm4-80gb" in recipes["npu/run.sh"]["excluded"]
    assert status(data, "huawei-ascend-910b") == "consistent"
    assert status(data, "nvidia-h100-sxm") == "consistent"


def test_hunyuan_like_setup():
    data = inference("hunyuan_like")
    assert vendor(data, "NVIDIA") == "likely"
    assert vendor(data, "AMD") == "possible"
    assert data["architecture_floor"]["NVIDIA"]["microarchitecture"] == "Ampere"
    assert data["device_class"]["class"] == "datacenter"
    for part in ("nvidia-h20", "nvidia-a100-sxm4-80gb", "nvidia-a800", "nvidia-h100-sxm", "nvidia-h800"):
        assert status(data, part) == "consistent", part
    for part in ("nvidia-v100", "nvidia-t4", "nvidia-rtx-3090", "nvidia-rtx-4090"):
        assert status(data, part) == "disfavoured", part
    bf16 = [r for r in reasons(data, "nvidia-v100") if "bf16" in r["constraint"]]
    # the argparse default and the DeepSpeed "auto", both settled by the launch script's --bf16
    assert bf16 and {"train/train.sh:18", "train/train.py:24", "train/ds_zero3_no_offload.json:3"} <= set(
        bf16[0]["evidence"])
    gdr = [r for r in reasons(data, "nvidia-rtx-4090") if "GPUDirect" in r["constraint"]]
    assert gdr and all(e.startswith("train/train.sh:") for e in gdr[0]["evidence"])
    assert data["gpus_per_node"]["values"] == [8]


@pytest.mark.parametrize(
    "name, truth",
    [
        ("rocm_nccl", "amd-mi300x"),
        ("ascend_hccl", "huawei-ascend-910b"),
        ("gaudi_hccl", "intel-gaudi2"),
        ("hopper_fp8", "nvidia-h100-sxm"),
        ("guarded_bf16", "nvidia-v100"),
        ("hunyuan_like", "nvidia-h20"),
        ("two_trees", "nvidia-a100-sxm4-80gb"),
        ("two_trees", "huawei-ascend-910b"),
        ("ascend_megatron", "huawei-ascend-910b"),
    ],
)
def test_the_true_hardware_is_never_excluded(name, truth):
    assert status(inference(name), truth) != "excluded"


def test_megatron_idioms_in_an_ascend_script_are_no_nvidia_evidence():
    # traps.md: Megatron's CUDA_DEVICE_MAX_CONNECTIONS=1 and --use-flash-attn appear in Ascend launch scripts, and
    # NPUS_PER_NODE=8 means eight NPUs; with torch_npu and its CUDA shim the run is Ascend's.
    data = inference("ascend_megatron")
    vendors = {v["name"]: v["status"] for v in data["vendors"]}
    assert vendors["Huawei"] == "likely"
    assert vendors["NVIDIA"] != "likely"
    assert data["gpus_per_node"]["values"] == [8]
    assert status(data, "huawei-ascend-910b") == "consistent"


# --- vendor and number-format tells (issue 11): one small repo per vendor group ------------------------------


def likely(data: dict) -> list[str]:
    return [v["name"] for v in data["vendors"] if v["status"] == "likely"]


def test_jax_tpu_repo_names_google_and_the_tpu_generation_of_its_accelerator_type():
    data = inference("tpu_jax")
    assert likely(data) == ["Google"]
    assert ids(data, "consistent") == {"google-tpu-v5e"}  # --accelerator-type=v5litepod-64
    assert status(data, "google-tpu-v4") == "disfavoured"


def test_torch_xla_with_pjrt_device_cuda_is_nvidia_not_tpu():
    data = inference("xla_cuda")
    assert likely(data) == ["NVIDIA"]
    assert vendor(data, "Google") == "possible"
    assert not ids(data, "consistent") & {e.id for e in CATALOG if e.vendor == "Google"}
    google = reasons(data, "google-tpu-v5p")
    assert any("XLA platform CUDA" in r["constraint"] and r["evidence"] == ["run.sh:3"] for r in google)


def test_neuron_repo_names_aws():
    data = inference("neuron_trn")
    assert likely(data) == ["AWS"]
    assert ids(data, "consistent") == {"aws-trn1", "aws-trn2", "aws-inf2"}
    assert vendor(data, "Google") == "excluded"  # torch_neuronx is a hard vendor fact; its torch_xla is Neuron's


def test_rocm_from_the_shell_names_amd_with_its_gfx_floor():
    data = inference("rocm_shell")
    assert likely(data) == ["AMD"]
    assert ids(data, "consistent") == {"amd-mi300x", "amd-mi325x"}
    assert data["architecture_floor"]["AMD"]["gfx_target"] == "gfx942"
    amd = next(v for v in data["vendors"] if v["name"] == "AMD")
    supports = {r["constraint"] for r in resolved(data, amd["reasons"]) if r["result"] == "supports"}
    assert {"runs AMD's ROCm device tools", "passes /dev/kfd (the ROCm kernel driver) to the container",
            "ROCm base image", "hipBLASLt switch (PyTorch on ROCm)"} <= supports


def test_mindspore_rank_loop_names_huawei_with_eight_devices():
    data = inference("ascend_mindspore")
    assert likely(data) == ["Huawei"]
    assert vendor(data, "NVIDIA") == "excluded"  # device_target="Ascend" is an npu device
    assert ids(data, "consistent") == {"huawei-ascend-910b", "huawei-ascend-910b4", "huawei-ascend-910c"}
    assert data["gpus_per_node"]["values"] == [8]


def test_gaudi_spawn_names_intel_and_all_visible_devices_count_no_single_device():
    data = inference("gaudi_spawn")
    assert likely(data) == ["Intel"]
    assert ids(data, "consistent") == {"intel-gaudi2", "intel-gaudi3", "intel-gaudi3-pcie"}
    assert data["gpus_per_node"]["values"] == [8]  # HABANA_VISIBLE_DEVICES=all is not "1 device"


def test_hopper_cuda_sources_name_nvidia_with_a_hopper_floor():
    data = inference("hopper_kernels")
    assert likely(data) == ["NVIDIA"]
    assert data["architecture_floor"]["NVIDIA"]["microarchitecture"] == "Hopper"
    assert ids(data, "consistent") == {e.id for e in CATALOG if e.microarchitecture == "Hopper"}
    assert status(data, "nvidia-a100-sxm4-80gb") == "disfavoured"
    assert any("csrc/gemm.cuh:5" in r["evidence"] for r in reasons(data, "nvidia-b200"))  # wgmma: sm_90a only


def test_nvfp4_recipe_sets_a_blackwell_floor():
    data = inference("blackwell_nvfp4")
    assert likely(data) == ["NVIDIA"]
    assert data["architecture_floor"]["NVIDIA"]["microarchitecture"] == "Blackwell"
    assert {"nvidia-b200", "nvidia-b300"} <= ids(data, "consistent")
    for hopper in ("nvidia-h100-sxm", "nvidia-h200-sxm"):
        assert status(data, hopper) == "excluded"
        assert any(r["evidence"] == ["train.py:5"] and r["strength"] == "hard" for r in reasons(data, hopper))


def test_an_xmanager_tpu_request_outweighs_a_gpu_ports_dockerfile(tmp_path):
    """The launch script asks XManager for TPU v3 (a job requirement, not a name in prose); the NVIDIA Dockerfile
    of a GPU port under contrib/ is a support file."""
    (tmp_path / "train.py").write_text(
        "import jax\n\n\ndef main():\n    print(jax.device_count())\n\n\nif __name__ == \"__main__\":\n    main()\n")
    (tmp_path / "xm_launch.py").write_text(
        "from absl import app\nfrom xmanager import xm\nfrom xmanager import xm_local\n\n\ndef main(_):\n"
        "    with xm_local.create_experiment(experiment_title=\"t5\") as experiment:\n"
        "        executor = xm_local.Vertex(requirements=xm.JobRequirements(tpu_v3=8))\n"
        "        experiment.add(xm.Job(executable=None, executor=executor, args={\"module\": \"train\"}))\n\n\n"
        "if __name__ == \"__main__\":\n    app.run(main)\n")
    (tmp_path / "contrib" / "gpu").mkdir(parents=True)
    (tmp_path / "contrib" / "gpu" / "Dockerfile").write_text(
        "FROM nvcr.io/nvidia/cuda:12.2.0-devel-ubuntu22.04\nRUN pip install \"jax[cuda12_pip]==0.4.20\"\n")
    data = scan_json(".", cwd=tmp_path)["inference"]
    assert likely(data) == ["Google"]
    google = next(v for v in data["vendors"] if v["name"] == "Google")
    assert [(r["constraint"], r["evidence"]) for r in resolved(data, google["reasons"]) if r["result"] == "supports"] \
        == [("the job requests Cloud TPUs", ["xm_launch.py:8"])]
    assert ids(data, "consistent") == {e.id for e in CATALOG if e.vendor == "Google"}


def test_optional_mps_helper_behind_a_guard_excludes_no_vendor():
    # `if not torch.backends.mps.is_available(): return False` guards the helper's MPS use: a possibility, not a
    # fact, so the NVIDIA code beside it is not ruled out.
    data = inference("mps_guard_helper")
    assert vendor(data, "NVIDIA") == "possible"
    assert vendor(data, "Apple") == "possible"
    assert not ids(data, "excluded")
