"""End to end: verdicts built from paths on fixture repos that reproduce real failure modes (issue 10).

Each fixture (tests/fixtures/repos/path_*, written for these tests) holds one training path and code off it
(an example, a self-skipping pytest file, a module imported only under a condition, a serving worker, a config
no launch names). Evidence off the training path must neither exclude nor disfavour the hardware the training
path runs on; its needs are listed under `optional_requirements`.
"""

from __future__ import annotations

import json

from ..conftest import REPOS, run_cli_in

# NVIDIA datacenter parts with native bf16 (the launch sets InfiniBand/GPUDirect and --bf16).
NVIDIA_DATACENTER_BF16 = {
    "nvidia-a10", "nvidia-a30", "nvidia-a40", "nvidia-a100-sxm4-40gb", "nvidia-a100-sxm4-80gb",
    "nvidia-a100-pcie-40gb", "nvidia-a100-pcie-80gb", "nvidia-a800", "nvidia-l4", "nvidia-l20", "nvidia-l40",
    "nvidia-l40s", "nvidia-h100-sxm", "nvidia-h100-pcie", "nvidia-h100-nvl", "nvidia-h800", "nvidia-h20",
    "nvidia-h200-sxm", "nvidia-h200-nvl", "nvidia-b100", "nvidia-b200", "nvidia-gb200",
    # added to the catalog with issue 11
    "nvidia-h800-pcie", "nvidia-b300", "nvidia-gb300",
}


def report(name: str) -> dict:
    result = run_cli_in(REPOS / name, "--format", "json", ".")
    assert result.exit_code == 0, result.output  # every finding is a note: nothing fails the default level
    return json.loads(result.output)


def consistent(data: dict) -> set[str]:
    return {c["id"] for c in data["candidates"] if c["status"] == "consistent"}


def vendors(data: dict) -> dict[str, str]:
    return {v["name"]: v["status"] for v in data["vendors"] if v["status"] != "possible"}


def roles(data: dict) -> dict[str, str]:
    return {f["path"]: f["properties"]["role"] for f in data["findings"]}


def test_fp8_only_off_the_training_path_keeps_a100_and_is_listed_as_optional():
    data = report("path_fp8_library")
    assert roles(data) == {
        "examples/fp8_gemm.py": "example", "mylib/fp8.py": "optional", "mylib/model.py": "training",
        "scripts/pretrain.sh": "training", "tests/test_fp8.py": "test", "train.py": "training",
    }
    verdict = data["inference"]
    assert consistent(verdict) == NVIDIA_DATACENTER_BF16
    assert verdict["supported"] == sorted(NVIDIA_DATACENTER_BF16, key=verdict["supported"].index)
    assert vendors(verdict) == {"NVIDIA": "likely"}
    assert verdict["architecture_floor"]["NVIDIA"]["microarchitecture"] == "Ampere"
    (fp8, te) = verdict["optional_requirements"]
    assert fp8["requirement"] == "FP8 matrix multiplies on the live path" and fp8["strength"] == "hard"
    assert fp8["roles"] == ["example", "optional", "test"]
    assert fp8["files"] == ["examples/fp8_gemm.py", "mylib/fp8.py", "tests/test_fp8.py"] and fp8["file_count"] == 3
    assert "NVIDIA Hopper" in fp8["met_by"] and "NVIDIA Ada Lovelace" in fp8["met_by"]
    assert "NVIDIA Ampere" not in fp8["met_by"]
    assert te["met_by"] == ["AMD", "NVIDIA"] and te["files"] == ["mylib/fp8.py"]  # ROCm has a TE port
    assert verdict["primary"]["name"] == "scripts/pretrain.sh"
    assert "nvidia-a100-sxm4-80gb" in verdict["primary"]["consistent"]
    assert verdict["conflicts"] == []
    paths = verdict["paths"]
    assert paths["files_by_role"] == {"example": 1, "optional": 1, "test": 1, "training": 4}
    assert paths["training_paths"][0]["files"] == ["mylib/__init__.py", "mylib/model.py", "scripts/pretrain.sh",
                                                   "train.py"]


def test_optional_mlx_worker_does_not_disfavour_nvidia():
    data = report("path_mlx_worker")
    assert roles(data)["chat/serve/mlx_worker.py"] == "optional"
    assert roles(data)["chat/serve/model_worker.py"] == "optional"
    assert roles(data)["chat/train/train.py"] == "training"
    verdict = data["inference"]
    assert vendors(verdict) == {"NVIDIA": "likely"}
    assert consistent(verdict) == NVIDIA_DATACENTER_BF16
    assert [(r["requirement"], r["met_by"], r["files"]) for r in verdict["optional_requirements"]] == [
        ("imports mlx (made for Apple silicon)", ["Apple"], ["chat/serve/mlx_worker.py"]),
    ]


def test_flash_attention_in_an_ascend_port_does_not_disfavour_ascend():
    data = report("path_ascend_fa_yaml")
    assert roles(data)["configs/model.yaml"] == "support"
    verdict = data["inference"]
    assert vendors(verdict)["Huawei"] == "likely"
    assert consistent(verdict) == {"huawei-ascend-910b", "huawei-ascend-910b4", "huawei-ascend-910c"}
    from ..infer_helpers import resolved

    huawei = next(v for v in verdict["vendors"] if v["name"] == "Huawei")
    fa2 = [r for r in resolved(verdict, huawei["reasons"]) if "FlashAttention-2" in r["constraint"]]
    assert [r["result"] for r in fa2] == ["supports"]  # the shim on the training path re-labels the flag
    assert "through a CUDA migration shim" in fa2[0]["constraint"]
    assert verdict["optional_requirements"] == []


def test_mindspeed_adaptor_is_an_ascend_shim():
    from whackachip_lint.infer.constraints import requirements_for

    from ..conftest import scan_snippet

    (shim,) = [f for f in scan_snippet("import mindspeed.megatron_adaptor\nimport torch\n").findings
               if f.rule == "WAC203"]
    assert shim.value == "mindspeed" and shim.in_force
    (req,) = requirements_for(shim)
    assert req.vendors == frozenset({"Huawei"}) and req.strength == "hard"


def _two_launches(tmp_path):
    (tmp_path / "run_fp8.sh").write_text("#!/bin/bash\ntorchrun --nproc_per_node 8 train_fp8.py\n")
    (tmp_path / "run_plain.sh").write_text("#!/bin/bash\ntorchrun --nproc_per_node 8 train.py\n")
    (tmp_path / "train_fp8.py").write_text(
        "import torch\nimport torch.distributed as dist\nimport transformer_engine.pytorch as te\n\n"
        "dist.init_process_group(backend=\"nccl\")\nmodel = te.Linear(16, 16).cuda()\n"
        "with te.fp8_autocast(enabled=True):\n    model(torch.zeros(16, 16, device=\"cuda\"))\n")
    (tmp_path / "train.py").write_text(
        "import torch\nimport torch.distributed as dist\n\n"
        "dist.init_process_group(backend=\"nccl\")\nmodel = torch.nn.Linear(16, 16).cuda()\n")
    return tmp_path


def test_a_floor_one_recipe_sets_is_no_floor_of_the_repo_when_another_recipe_sets_none(tmp_path):
    """nanochat's shape: FP8 on one launch, plain CUDA on others. The union keeps pre-Ada parts consistent, so a
    repository floor of Ada would contradict its own list."""
    from ..conftest import inference_of

    repo = _two_launches(tmp_path)
    data = inference_of(repo)
    assert "NVIDIA" not in data["architecture_floor"]
    assert {c["id"]: c["status"] for c in data["candidates"]}["nvidia-a100-sxm4-80gb"] == "consistent"
    (repo / "run_plain.sh").unlink()
    (repo / "train.py").unlink()
    floor = inference_of(repo)["architecture_floor"]["NVIDIA"]
    assert floor["microarchitecture"] == "Ada Lovelace"


def _cuda_launch_beside_a_vendored_ascend_tree(tmp_path, own_vendor: bool = True):
    """TeleChat2's shape: the repository's own DeepSpeed launch beside a copied upstream tree (its own licence and
    packaging) written for Ascend NPUs, whose tests pin devices of their own."""
    (tmp_path / "scripts").mkdir()
    (tmp_path / "scripts" / "train.sh").write_text(
        "#!/bin/bash\nexport CUDA_VISIBLE_DEVICES=0,1,2,3,4,5,6,7\n"
        "deepspeed --include localhost:$CUDA_VISIBLE_DEVICES ../train.py\n")
    backend = "dist.init_process_group(backend=\"nccl\")\nmodel = torch.nn.Linear(16, 16).cuda()\n"
    (tmp_path / "train.py").write_text("import torch\nimport torch.distributed as dist\n\n"
                                       + (backend if own_vendor else "model = torch.nn.Linear(16, 16)\n"))
    lib = tmp_path / "mindlib"
    (lib / "tests").mkdir(parents=True)
    (lib / "LICENSE").write_text("Apache License 2.0\n")
    (lib / "setup.py").write_text("from setuptools import setup\nsetup(name='mindlib')\n")
    (lib / "model.py").write_text("import torch\nimport torch_npu\nx = torch.zeros(2, device='npu')\n")
    (lib / "tests" / "test_norm.py").write_text("import os\nos.environ['ASCEND_RT_VISIBLE_DEVICES'] = '4,5'\n")
    return tmp_path


def test_a_vendored_tree_for_other_hardware_does_not_outvote_the_repositorys_own_code(tmp_path):
    from ..conftest import inference_of

    data = inference_of(_cuda_launch_beside_a_vendored_ascend_tree(tmp_path))
    assert vendors(data) == {"NVIDIA": "likely"}
    assert {c["id"]: c["status"] for c in data["candidates"]}["nvidia-a100-sxm4-80gb"] == "consistent"


def test_a_vendored_tree_still_speaks_where_the_repositorys_own_code_names_no_vendor(tmp_path):
    from ..conftest import inference_of

    data = inference_of(_cuda_launch_beside_a_vendored_ascend_tree(tmp_path, own_vendor=False))
    assert vendors(data) == {"Huawei": "likely"}


def test_topology_comes_from_the_repositorys_own_files_before_a_vendored_trees_tests(tmp_path):
    from ..conftest import inference_of

    repo = _cuda_launch_beside_a_vendored_ascend_tree(tmp_path)
    assert inference_of(repo)["gpus_per_node"]["values"] == [8]
    (repo / "scripts" / "train.sh").write_text("#!/bin/bash\ndeepspeed ../train.py\n")
    assert inference_of(repo)["gpus_per_node"]["values"] == [2]  # the only count there is


def _framework_with_gpu_and_npu_launches(tmp_path, npu_env: str):
    """verl's shape: one framework whose shared config defaults to `device: cuda`, run by a GPU launch and by an
    NPU launch that sets up Ascend devices in its own environment."""
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "__init__.py").write_text("")
    (tmp_path / "pkg" / "main.py").write_text(
        "import torch\nimport torch.distributed as dist\n\n\ndef main():\n    dist.init_process_group()\n\n\n"
        "if __name__ == \"__main__\":\n    main()\n")
    (tmp_path / "pkg" / "config.yaml").write_text("trainer:\n  device: cuda\n")
    (tmp_path / "run_gpu.sh").write_text("#!/bin/bash\npython3 -m pkg.main trainer.n_gpus_per_node=8\n")
    (tmp_path / "run_npu.sh").write_text(f"#!/bin/bash\n{npu_env}python3 -m pkg.main trainer.n_gpus_per_node=8\n")
    return tmp_path


def test_a_launch_setting_up_npus_outranks_a_shared_cuda_default(tmp_path):
    from ..conftest import inference_of

    repo = _framework_with_gpu_and_npu_launches(tmp_path, "export ASCEND_RT_VISIBLE_DEVICES=0,1,2,3,4,5,6,7\n")
    data = inference_of(repo)
    (npu,) = [r for r in data["recipes"] if r["name"] == "run_npu.sh"]
    assert [v["name"] for v in npu["vendors"] if v["status"] == "likely"] == ["Huawei"]
    assert "run_npu.sh" not in data["paths"].get("agnostic_paths", [])  # it names a vendor: it counts
    assert {c["id"]: c["status"] for c in data["candidates"]}["huawei-ascend-910b"] == "consistent"


def test_a_launch_without_a_set_up_of_its_own_keeps_the_shared_default(tmp_path):
    from ..conftest import inference_of

    data = inference_of(_framework_with_gpu_and_npu_launches(tmp_path, "export OMP_NUM_THREADS=8\n"))
    assert {c["id"]: c["status"] for c in data["candidates"]}["huawei-ascend-910b"] == "disfavoured"


def test_tests_stay_optional_when_no_training_path_names_a_vendor(tmp_path):
    """A CPU extension library: its training example names no vendor, its examples use `.cuda()`, its tests run
    FP8 GEMMs (on the CPU). The examples count as its code; the tests' FP8 excludes nothing."""
    (tmp_path / "train.py").write_text(
        "import torch\n\n\ndef main():\n    model = torch.nn.Linear(16, 16)\n    model(torch.zeros(16))\n\n\n"
        "if __name__ == \"__main__\":\n    main()\n")
    (tmp_path / "examples").mkdir()
    (tmp_path / "examples" / "demo.py").write_text("import torch\nmodel = torch.nn.Linear(16, 16).cuda()\n")
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "test_fp8.py").write_text(
        "import torch\n\n\ndef test_fp8_gemm():\n    a = torch.zeros(16, 16).to(torch.float8_e4m3fn)\n"
        "    scale = torch.ones(())\n    torch._scaled_mm(a, a.t(), scale_a=scale, scale_b=scale)\n")
    data = json.loads(run_cli_in(tmp_path, "--format", "json", ".").output)
    assert roles(data)["tests/test_fp8.py"] == "test" and roles(data)["examples/demo.py"] == "example"
    verdict = data["inference"]
    assert not [c["id"] for c in verdict["candidates"] if c["status"] == "excluded"]
    assert verdict["architecture_floor"] == {}
    fp8 = [r for r in verdict["optional_requirements"] if r["requirement"] == "FP8 matrix multiplies on the live path"]
    assert [(r["roles"], r["files"]) for r in fp8] == [(["test"], ["tests/test_fp8.py"])]
    # The example's CUDA device still counts: examples are the code of a repository whose paths name no vendor.
    assert "nvidia-a100-sxm4-80gb" in consistent(verdict) and "amd-mi300x" in consistent(verdict)
    assert vendors(verdict) == {}
