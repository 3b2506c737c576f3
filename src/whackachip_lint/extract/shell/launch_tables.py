"""Launch command lines as data: each launcher's options, and the flags a training script takes.

A launcher is a row: the options that carry a fact (spelling -> meaning), the
options known to take no value, and what follows its options (a Python
program, or another command line for srun/mpirun). Learning a new spelling
means adding a row or a word here, not a branch in launchers.py.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Mapping
from ...rules.codes import Code
from ..pip_install import PYTHON, PYTHON_OPTIONS_WITH_VALUES  # noqa: F401 (the shell's names for them)
from ...vocab.commands import ENV, TIMEOUT, WRAPPER_OPTIONS_WITH_VALUES, WRAPPERS  # noqa: F401 (re-exported)


@dataclass(frozen=True)
class Launcher:
    value: str | None  # the WAC404 value; None for commands that run a job but are no distributed launcher
    options: Mapping[str, str] = field(default_factory=dict)  # spelling -> meaning
    flags: frozenset[str] = frozenset()  # options that take no value
    then: str = "script"  # "script" (a Python program and its args) or "command" (another command line)
    short_values: frozenset[str] = frozenset()  # short options that take a value (may be glued: -N4)
    # A command name other tools share (PHP's `composer install`): a launch only when a Python script follows.
    needs_script: bool = False


_TORCHRUN_OPTIONS = {
    "--nproc_per_node": "gpus",
    "--nproc-per-node": "gpus",
    "--nnodes": "nodes",
    "-m": "module",
    "--module": "module",
}
_TORCHRUN_FLAGS = frozenset(
    {
        "--standalone",
        "--use_env",
        "--use-env",
        "--no_python",
        "--no-python",
        "--run_path",
        "--run-path",
        "-m",
        "--module",
    }
)

# Options srun and sbatch share: the resource options we read, and the short options that take a value.
SLURM_RESOURCE_OPTIONS = {"-N": "nodes", "--nodes": "nodes", "--gpus-per-node": "gpus", "--gres": "gres"}
SLURM_SHORT_VALUES = frozenset(
    {"-N", "-n", "-c", "-p", "-t", "-J", "-o", "-e", "-w", "-x", "-A", "-q", "-C", "-G", "-D", "-d", "-i"}
)


LAUNCHERS: dict[str, Launcher] = {
    "torchrun": Launcher("torchrun", _TORCHRUN_OPTIONS, _TORCHRUN_FLAGS),
    "torch.distributed.run": Launcher("torchrun", _TORCHRUN_OPTIONS, _TORCHRUN_FLAGS),
    "torch.distributed.launch": Launcher("torch.distributed.launch", _TORCHRUN_OPTIONS, _TORCHRUN_FLAGS),
    "deepspeed": Launcher(
        "deepspeed",
        {
            "--num_gpus": "gpus",
            "--num-gpus": "gpus",
            "--num_nodes": "nodes",
            "--num-nodes": "nodes",
            "--hostfile": "hostfile",
            "-H": "hostfile",
            "--module": "module",
        },
        frozenset(
            {
                "--no_python",
                "--no_local_rank",
                "--no_ssh_check",
                "--force_multi",
                "--module",
                "--bind_cores_to_rank",
                "--no_ssh",
                "--elastic_training",
            }
        ),
    ),
    "accelerate": Launcher(
        "accelerate",
        {
            "--config_file": "config",
            "--config-file": "config",
            "--deepspeed_config_file": "config",
            "--num_processes": "processes",
            "--num_machines": "nodes",
            "--mixed_precision": "precision",
            "--deepspeed_hostfile": "hostfile",
            "--zero_stage": "zero_stage",
            "--offload_optimizer_device": "offload",
            "--offload_param_device": "offload",
            "--gradient_accumulation_steps": "grad_accum",
            "--use_fsdp": "fsdp",
            "-m": "module",
            "--module": "module",
        },
        frozenset(
            {
                "--multi_gpu",
                "--use_deepspeed",
                "--use_fsdp",
                "--use_megatron_lm",
                "--cpu",
                "--tpu",
                "--same_network",
                "--no_python",
                "--module",
                "-m",
                "--debug",
                "-q",
                "--quiet",
                "--enable_cpu_affinity",
            }
        ),
    ),
    "srun": Launcher(
        "srun",
        SLURM_RESOURCE_OPTIONS,
        frozenset(
            {
                "--exclusive",
                "--pty",
                "-l",
                "--label",
                "-u",
                "--unbuffered",
                "-K",
                "--kill-on-bad-exit",
                "-v",
                "--overlap",
                "-Q",
                "--quiet",
            }
        ),
        then="command",
        short_values=SLURM_SHORT_VALUES | {"-m", "-W", "-r", "-s"},
    ),
    "sbatch": Launcher(
        None,
        SLURM_RESOURCE_OPTIONS,
        frozenset({"--exclusive", "--wait", "-W", "--parsable", "-Q", "--quiet", "-H", "--hold", "--requeue"}),
        then="none",
        short_values=SLURM_SHORT_VALUES | {"-a", "-M", "-L"},
    ),
    "mpirun": Launcher(
        "mpirun",
        {
            "-npernode": "gpus",
            "--npernode": "gpus",
            "-N": "gpus",
            "--map-by": "map_by",
            "-map-by": "map_by",
            "-hostfile": "hostfile",
            "--hostfile": "hostfile",
            "-machinefile": "hostfile",
            "--machinefile": "hostfile",
            "-f": "hostfile",
            "-x": "env",
            "-genv": "env2",
            "-mca": "pair",
            "--mca": "pair",
        },
        frozenset(
            {
                "--allow-run-as-root",
                "-allow-run-as-root",
                "--oversubscribe",
                "-oversubscribe",
                "--tag-output",
                "-tag-output",
                "--display-map",
                "-display-map",
                "--report-bindings",
                "-report-bindings",
                "-v",
                "--verbose",
                "-q",
                "--quiet",
                "-l",
                "-prepend-rank",
                "--prepend-rank",
            }
        ),
        then="command",
        short_values=frozenset({"-n", "-np", "-c", "-H", "-N", "-x", "-f", "-ppn"}),
    ),
}
LAUNCHERS["mpiexec"] = LAUNCHERS["orterun"] = LAUNCHERS["mpirun"]
# MindSpore's launcher (Ascend): `msrun --worker_num=8 --local_worker_num=8 train.py`.
LAUNCHERS["msrun"] = Launcher(
    "msrun",
    {"--local_worker_num": "gpus", "--log_dir": "log_dir", "--worker_num": "workers", "--master_addr": "master",
     "--master_port": "port", "--node_rank": "rank", "--join": "join", "--cluster_time_out": "timeout"},
)
# MosaicML Composer's launcher: `composer -n 8 train.py cfg.yaml`, `composer --world_size 16 --node_rank 0 ...`
# (-n/--nproc: processes on this node; --world_size: processes over all nodes).
LAUNCHERS["composer"] = Launcher(
    "composer",
    {"-n": "gpus", "--nproc": "gpus", "--world_size": "world_size", "--base_rank": "rank", "--node_rank": "rank",
     "--master_addr": "master", "--master_port": "port", "--stdout": "log", "--stderr": "log"},
    frozenset({"-v", "--verbose", "-m", "--module_mode", "-c", "--command_mode"}),
    needs_script=True,
)
# Lightning's launcher (Fabric): `lightning run model --accelerator=cuda --devices=8 --num-nodes=2 train.py`, `fabric
# run ...` (--devices may also be "auto" or a list of ids: then not a count).
LAUNCHERS["lightning"] = LAUNCHERS["fabric"] = Launcher(
    "lightning",
    {"--devices": "gpus", "--num-nodes": "nodes", "--num_nodes": "nodes", "--accelerator": "device",
     "--precision": "precision", "--strategy": "strategy", "--node-rank": "rank", "--node_rank": "rank",
     "--main-address": "master", "--main_address": "master", "--main-port": "port", "--main_port": "port"},
)
# Launchers that are a subcommand of their command: command -> the subcommand words, longest first.
SUBCOMMAND_LAUNCHERS: dict[str, tuple[tuple[str, ...], ...]] = {
    "accelerate": (("launch",),),
    "lightning": (("run", "model"),),
    "fabric": (("run", "model"), ("run",)),
}
# Python programs that are launchers themselves: script name -> LAUNCHERS key.
# optimum-habana's gaudi_spawn.py starts one process per Gaudi: `python gaudi_spawn.py --world_size 8 --use_deepspeed`.
SCRIPT_LAUNCHERS = {"gaudi_spawn.py": "gaudi_spawn"}
LAUNCHERS["gaudi_spawn"] = Launcher(
    "gaudi_spawn",
    {"--world_size": "gpus", "--world-size": "gpus", "--hostfile": "hostfile", "--main_process_port": "port"},
    frozenset({"--use_deepspeed", "--use_mpi"}),
)

# Commands only one vendor's driver stack provides (WAC209): command -> vendor.
VENDOR_TOOLS: dict[str, str] = {
    "rocm-smi": "amd",
    "amd-smi": "amd",
    "rocminfo": "amd",
    "hipcc": "amd",  # ROCm's HIP compiler driver: a build script that runs it compiles for AMD GPUs
    "npu-smi": "huawei",
    "hl-smi": "intel",
    "hl-qual": "intel",
    "neuron-ls": "aws",
    "neuron-top": "aws",
    "neuron-monitor": "aws",
    "neuronx-cc": "aws",
    "neuron_parallel_compile": "aws",
}
# Vendor tools that run the command line after them (`neuron_parallel_compile torchrun ... train.py`).
TOOL_WRAPPERS = frozenset({"neuron_parallel_compile"})
# `gcloud [alpha|beta] compute tpus ...` manages Cloud TPUs; its --accelerator-type names the TPU generation.
GCLOUD_TPU = ("compute", "tpus")
ACCELERATOR_TYPE_OPTIONS = frozenset({"--accelerator-type", "--type"})
# Cloud TPU type prefixes -> catalog ids ("v5litepod-64" is v5e, "v4-64" is v4). Source: Cloud TPU docs
# (system architecture and per-version pages: v4-*, v5litepod-*, v5p-*, v6e-* accelerator types).
TPU_TYPES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"^v5litepod(?:-|$)|^v5e(?:-|$)", re.I), "google-tpu-v5e"),
    (re.compile(r"^v5p(?:-|$)", re.I), "google-tpu-v5p"),
    (re.compile(r"^v6e(?:-|$)", re.I), "google-tpu-v6e"),
    (re.compile(r"^v4(?:-|$)", re.I), "google-tpu-v4"),
    (re.compile(r"^v[23](?:-|$)", re.I), ""),  # older generations: not in the catalog
)
# `docker run` / `podman run`: options that take no value (others take the next word unless written --opt=value).
CONTAINER_RUNNERS = frozenset({"docker", "podman", "nerdctl"})
# Subcommands whose first operand is the image: a set-up script pulls or creates the container it trains in.
CONTAINER_IMAGE_COMMANDS = frozenset({"run", "create", "pull"})
CONTAINER_FLAGS = frozenset(
    {"--rm", "-i", "-t", "-it", "-ti", "-d", "-itd", "--detach", "--interactive", "--tty", "--privileged", "--init",
     "-P", "--publish-all", "--read-only", "--no-healthcheck", "-q", "--quiet", "--sig-proxy", "-a", "--all-tags",
     "--disable-content-trust"}
)

# Modules that `python -m` turns into a launcher.
MODULE_LAUNCHERS = {
    "torch.distributed.run": "torch.distributed.run",
    "torch.distributed.launch": "torch.distributed.launch",
    "deepspeed.launcher.runner": "deepspeed",
    "accelerate.commands.launch": "accelerate",
}

VARIABLE_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")

# Flags a training script takes whose values are hardware facts (keys: spelling without dashes, "_" for "-").
SCRIPT_FLAGS: dict[str, tuple[str, str]] = {
    "bf16": ("bool", Code.BF16_PRECISION),
    "fp16": ("bool", Code.FP16_PRECISION),
    "tf32": ("bool", Code.TF32_MATMUL),
    "fp8_hybrid": ("bool", Code.FP8_COMPUTE),  # Megatron's older FP8 switches
    "fp8_e4m3": ("bool", Code.FP8_COMPUTE),
    "fp8_format": ("fp8", Code.FP8_COMPUTE),  # Megatron: --fp8-format e4m3|hybrid
    "fp8_recipe": ("fp8", Code.FP8_COMPUTE),  # Megatron: --fp8-recipe delayed|tensorwise|blockwise|mxfp8
    "fp4_format": ("fp4", Code.FP4_COMPUTE),  # Megatron: --fp4-format e2m1
    "fp4_recipe": ("fp4", Code.FP4_COMPUTE),  # Megatron: --fp4-recipe nvfp4
    "mixed_precision": ("precision", ""),
    "precision": ("precision", ""),
    "trainer.precision": ("precision", ""),
    "torch_dtype": ("precision", ""),
    "ddp_backend": ("backend", Code.COLLECTIVE_BACKEND),
    "dist_backend": ("backend", Code.COLLECTIVE_BACKEND),
    "distributed_backend": ("backend", Code.COLLECTIVE_BACKEND),
    "deepspeed": ("config", Code.LAUNCH_CONFIG),
    "deepspeed_config": ("config", Code.LAUNCH_CONFIG),
    "ds_config": ("config", Code.LAUNCH_CONFIG),
    "gradient_accumulation_steps": ("count", Code.GRADIENT_ACCUMULATION),  # Hugging Face TrainingArguments
    "per_device_train_batch_size": ("count", Code.MICRO_BATCH),
    "micro_batch_size": ("count", Code.MICRO_BATCH),  # Megatron
    "zero_stage": ("count", Code.ZERO_STAGE),  # Megatron-DeepSpeed
    # A script that starts its own processes, one per local GPU (`python train.py --gpus=8`, detectron2's
    # `--num-gpus 8` beside `--num-machines`): a number of devices on this node. Read only when it is a number
    # (`--gpus 0,1` lists device ids).
    "gpus": ("devices", Code.GPUS_PER_NODE),
    "num_gpus": ("devices", Code.GPUS_PER_NODE),
    "ngpus": ("devices", Code.GPUS_PER_NODE),
    "n_gpus": ("devices", Code.GPUS_PER_NODE),
    "gpus_per_node": ("devices", Code.GPUS_PER_NODE),
    "num_gpus_per_node": ("devices", Code.GPUS_PER_NODE),
    "fsdp": ("fsdp", Code.FSDP),  # Hugging Face TrainingArguments: --fsdp "full_shard auto_wrap"
    "device_target": ("device", Code.DEVICE_TYPE),  # MindSpore scripts: --device_target Ascend
    "use_tpu": ("bool", Code.XLA_PLATFORM),  # TensorFlow Estimator scripts: --use_tpu=True --tpu_name=...
    # The Cloud TPU to connect to (mesh-tensorflow scripts: `--tpu my-tpu`, `--tpu=$TPU_NAME`): any name but an off
    # word means one. (`--tpu_name` alone does not: Estimator scripts pass it beside a `--use_tpu` that decides.)
    "tpu": ("name", Code.XLA_PLATFORM),
}
# `--fsdp` options (Hugging Face FSDPOption) that shard model state over the ranks; "no_shard" keeps a full copy.
FSDP_SHARDING = frozenset({"full_shard", "shard_grad_op", "hybrid_shard", "hybrid_shard_zero2"})
# Low-precision recipe values that name their own format (the WAC104/WAC106 value); others keep "fp8"/"fp4".
FORMAT_VALUES = {"mxfp8": "mxfp8", "blockwise": "fp8-block", "nvfp4": "nvfp4", "mxfp4": "mxfp4"}
