"""Cross-file: argparse defaults are overridden by the options a launch script passes the script it runs."""

from __future__ import annotations

from ..conftest import inference_of
from ..infer_helpers import resolved

TRAIN = """import argparse
import torch.distributed as dist
p = argparse.ArgumentParser()
p.add_argument("--dtype", default="bf16")
p.add_argument("--backend", default="nccl")
p.add_argument("--fp8", action="store_true")
args = p.parse_args()
dist.init_process_group(backend=args.backend)
"""


def verdict(tmp_path, launch: str) -> dict:
    (tmp_path / "train.py").write_text(TRAIN)
    (tmp_path / "run.sh").write_text(launch)
    return inference_of(tmp_path)


def test_defaults_hold_when_the_launch_passes_nothing(tmp_path):
    data = verdict(tmp_path, "torchrun --nproc_per_node 8 train.py\n")
    assert data["architecture_floor"]["NVIDIA"]["compute_capability"] == "8.0"  # bf16 default
    assert {v["name"]: v["status"] for v in data["vendors"]}["NVIDIA"] == "likely"  # nccl default


def test_valued_options_passed_by_the_launch_replace_the_defaults(tmp_path):
    data = verdict(tmp_path, "torchrun --nproc_per_node 8 train.py --dtype fp16 --backend gloo\n")
    assert "NVIDIA" not in data["architecture_floor"]  # bf16 no longer in force: no Ampere floor
    assert all(v["status"] != "likely" for v in data["vendors"])  # gloo names no vendor
    statuses = {c["id"]: c["status"] for c in data["candidates"]}
    assert statuses["nvidia-v100"] == "consistent"


def test_a_switch_passed_by_the_launch_turns_on(tmp_path):
    data = verdict(tmp_path, "torchrun --nproc_per_node 8 train.py --fp8\n")
    statuses = {c["id"]: c["status"] for c in data["candidates"]}
    assert statuses["nvidia-a100-sxm4-80gb"] != "consistent"  # FP8 compute needs Ada/Hopper or newer
    assert statuses["nvidia-h100-sxm"] == "consistent"


def _device_class(tmp_path, script: str) -> dict:
    (tmp_path / "run.sh").write_text(script)
    inference = inference_of(tmp_path)
    return {**inference["device_class"], "reasons": resolved(inference, inference["device_class"]["reasons"])}


def test_infiniband_settings_are_moot_when_the_script_switches_infiniband_off(tmp_path):
    off = _device_class(
        tmp_path,
        "export NCCL_IB_HCA=mlx5_0\nexport NCCL_IB_GID_INDEX=3\nexport NCCL_IB_DISABLE=1\n"
        "torchrun --nproc_per_node 8 train.py\n",
    )
    assert off["strength"] == "weak"  # only the 8-devices hint is left
    assert not any("InfiniBand" in r["constraint"] for r in off["reasons"])


def test_the_last_word_on_the_switch_decides(tmp_path):
    on = _device_class(
        tmp_path,
        "export NCCL_IB_DISABLE=1\nexport NCCL_IB_HCA=mlx5_0\nexport NCCL_IB_DISABLE=0\n"
        "torchrun --nproc_per_node 8 train.py\n",
    )
    assert on["strength"] == "strong"
    assert any("InfiniBand" in r["constraint"] for r in on["reasons"])
