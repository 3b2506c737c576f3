"""Evidence outside Python and shell moves the verdict: each fixture holds only one kind of file.

- a Dockerfile on a ROCm image -> AMD likely, only AMD Instinct parts consistent;
- a `torch_npu` requirements pin -> Huawei likely, only Ascend parts consistent;
- `TORCH_CUDA_ARCH_LIST="8.0"` / `-gencode ... sm_80` in a Makefile -> an Ampere (8.0) floor for NVIDIA;
- a SLURM `--gres=gpu:h100:8` line -> only H100 parts consistent.
None of them holds a training set-up, so each stays "insufficient evidence" for the run itself.
"""

from __future__ import annotations


import pytest

from ..conftest import REPOS, inference_of
from ..infer_helpers import resolved


def inference(name: str) -> dict:
    return inference_of(REPOS / name)


def consistent(data: dict) -> set[str]:
    return {c["id"] for c in data["candidates"] if c["status"] == "consistent"}


def vendor_status(data: dict) -> dict[str, str]:
    return {v["name"]: v["status"] for v in data["vendors"]}


@pytest.mark.parametrize(
    ("repo", "vendor", "prefix"),
    [("fmt_rocm_docker", "AMD", "amd-"), ("fmt_npu_requirements", "Huawei", "huawei-ascend-")],
)
def test_a_single_support_file_singles_out_its_vendor(repo, vendor, prefix):
    data = inference(repo)
    statuses = vendor_status(data)
    assert statuses[vendor] == "likely"
    assert [name for name, status in statuses.items() if status == "likely"] == [vendor]
    assert consistent(data) and all(entry.startswith(prefix) for entry in consistent(data))
    # Weighed as strong (a support file): other vendors are disfavoured, never excluded.
    assert not any(c["status"] == "excluded" for c in data["candidates"] if not c["id"].startswith(prefix))


def test_compile_target_list_sets_the_ampere_floor():
    data = inference("fmt_arch_build")
    floor = data["architecture_floor"]["NVIDIA"]
    assert floor["compute_capability"] == "8.0" and floor["microarchitecture"] == "Ampere"
    assert any(r["strength"] == "hard" for r in resolved(data, floor["set_by"]))
    statuses = {c["id"]: c["status"] for c in data["candidates"]}
    assert statuses["nvidia-a100-sxm4-80gb"] == "consistent"
    assert statuses["nvidia-v100"] == "excluded"  # sm_80 code without PTX cannot run on 7.0
    assert statuses["nvidia-h100-sxm"] == "excluded"  # nor on 9.0
    assert "amd-mi300x" not in consistent(data)
    assert all(v["status"] != "likely" for v in data["vendors"])  # ROCm builds ignore the CUDA list: undecided


def test_slurm_gpu_request_keeps_only_h100_parts():
    data = inference("job_h100_only")
    assert consistent(data) == {"nvidia-h100-sxm", "nvidia-h100-pcie", "nvidia-h100-nvl"}
    assert not any(c["status"] == "excluded" for c in data["candidates"])


def test_a_support_files_build_targets_set_no_floor_the_verdict_then_contradicts(tmp_path):
    """A CI build for 9.0 counts against no part, so it must not raise the floor to Hopper while the A100 the
    code's bf16 allows stays consistent (seen on a real tree: "Hopper or newer" above a consistent A100 list)."""
    (tmp_path / "train.py").write_text(
        "import torch\nimport torch.distributed as dist\n\n"
        "dist.init_process_group(backend=\"nccl\")\nmodel = torch.nn.Linear(4, 4).to(torch.bfloat16).cuda()\n")
    (tmp_path / ".ci").mkdir()
    (tmp_path / ".ci" / "build.sh").write_text("export TORCH_CUDA_ARCH_LIST=\"9.0\"\npip install -e .\n")
    data = inference_of(tmp_path)
    floor = data["architecture_floor"]["NVIDIA"]
    assert (floor["microarchitecture"], floor["compute_capability"]) == ("Ampere", "8.0")
    assert not any("support file" in r["constraint"] for r in resolved(data, floor["set_by"]))
    statuses = {c["id"]: c["status"] for c in data["candidates"]}
    assert statuses["nvidia-a100-sxm4-80gb"] == "consistent"
    # Without the code's bf16 the CI build alone sets no floor at all.
    (tmp_path / "train.py").write_text("import torch.distributed as dist\ndist.init_process_group(backend=\"nccl\")\n")
    assert "NVIDIA" not in inference_of(tmp_path)["architecture_floor"]
