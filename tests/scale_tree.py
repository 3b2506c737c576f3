"""A synthetic tree for the verdict stage's scaling: many Python files and many launch scripts.

The hostile-input sweep found the inference growing as launch recipes x findings: 1,000 Python files beside 100
`torchrun` launch scripts took 4 s, 4,000 beside 400 took 53 s and 1.7 GB. `write_launch_tree` rebuilds that
shape: packages of modules with CUDA and bf16 code that every launch reaches (each training script imports them
all), one training script per launch (its own argparse switches: bf16, a model name) and one shell script per
training script launching it with `torchrun`.
"""

from __future__ import annotations

from pathlib import Path

_MODULE = """import torch


def step_{i}(x):
    if torch.cuda.is_available():
        x = x.to("cuda")
    with torch.autocast("cuda", dtype=torch.bfloat16):
        return x * {i}
"""

_TRAIN = """import argparse

import torch
import pkg0, pkg1, pkg2, pkg3, pkg4, pkg5, pkg6, pkg7, pkg8, pkg9


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--bf16", action="store_true")
    parser.add_argument("--model_name_or_path", default="meta-llama/Llama-2-7b-hf")
    args = parser.parse_args()
    torch.distributed.init_process_group(backend="nccl")
    dtype = torch.bfloat16 if args.bf16 else torch.float32
    return pkg{p}.mod_{i:05d}.step_{i}(torch.zeros(2, dtype=dtype))


if __name__ == "__main__":
    main()
"""

_LAUNCH = """#!/bin/bash
export NCCL_DEBUG=INFO
torchrun --nnodes=1 --nproc_per_node=8 train_{j:05d}.py --bf16 --model_name_or_path meta-llama/Llama-2-13b-hf
"""


def write_launch_tree(root: Path, files: int, launches: int | None = None) -> Path:
    """`files` Python modules under `root/pkg*/` and `launches` (default files/10) launch scripts under
    `root/scripts/`, each running its own training script at the root."""
    launches = files // 10 if launches is None else launches
    for i in range(files):
        path = root / f"pkg{i % 10}" / f"mod_{i:05d}.py"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(_MODULE.format(i=i), encoding="utf-8")
    for p in range(10):
        # Every training script imports every module (through its package): each launch reaches the whole tree.
        imports = "".join(f"from . import mod_{i:05d}\n" for i in range(p, files, 10))
        (root / f"pkg{p}" / "__init__.py").write_text(imports, encoding="utf-8")
    (root / "scripts").mkdir(parents=True, exist_ok=True)
    for j in range(launches):
        i = j % max(files, 1)
        (root / f"train_{j:05d}.py").write_text(_TRAIN.format(p=i % 10, i=i), encoding="utf-8")
        (root / "scripts" / f"run_{j:05d}.sh").write_text(_LAUNCH.format(j=j), encoding="utf-8")
    return root
