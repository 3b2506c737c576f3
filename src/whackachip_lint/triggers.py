"""Trigger words for the pre-filter (prefilter.py): data, not code.

A file of a filtered kind is parsed only if its bytes contain, case-insensitively,
at least one word listed here for a rule family it could report. The words are
substrings, deliberately broad: a word too many costs a parse; a word too few
loses a finding. `tests/test_prefilter.py` scans every fixture repo and every rule
example with and without the pre-filter and fails on any difference, so a rule
that learns a new spelling must add it here.

FAMILY_WORDS: rule family prefix ("WAC1" = WAC1xx) -> words any finding of that
family must contain somewhere in its file (those in BOUNDED only as a whole word) (aliases still name the thing they
alias: `import torch as t; t.bfloat16` still contains "bfloat16").
FILTERED_KINDS: file kind -> words added for that kind. Only kinds listed here
are filtered; every other kind (and any family missing from FAMILY_WORDS) is
always parsed, so a new extractor is never starved by a table it did not update.
"""

from __future__ import annotations

# Short words that match only where no letter touches them ("npu" in `torch_npu` or "npu:0", not in "input";
# "tpu" not in "output"). Longer spellings that need them (hipcc, amdgpu, mpirun) are listed as words of their own.
BOUNDED: frozenset[str] = frozenset(
    {"npu", "tpu", "hpu", "xpu", "mps", "mpi", "cann", "hip", "amd", "jax", "mlx", "mlu", "ucc", "rtx", "musa"}
)

# Always parse a file that holds a suppression directive, so unused ones are still reported.
ALWAYS: tuple[str, ...] = ("wac-lint",)

FAMILY_WORDS: dict[str, tuple[str, ...]] = {
    # wac-lint's own directives (WAC001 unused suppression).
    "WAC0": ("wac-lint",),
    # Precision: dtypes, autocast and trainer switches, TE/FP8, Lightning `precision=16`.
    "WAC1": (
        "bf16", "bfloat", "fp16", "float16", "half", "tf32", "float32_matmul", "matmul_precision", "precision",
        "fp8", "float8", "e4m3", "e5m2", "scaled_mm", "fp4", "float4", "fp6", "float6", "autocast", "gradscaler",
        "amp_", "_amp", ".amp", "amp.", "-amp", "apex", "opt_level", "mixed", "dtype", "transformer_engine",
        "transformer engine", "transformer-engine", "transformerengine",
    ),
    # Collective backends, vendor runtimes, device strings, vendor variables, version checks.
    "WAC2": (
        "ccl", "gloo", "mpi", "init_process_group", "init_distributed", "backend", "distributed", "torch_npu",
        "mindspeed", "npu", "habana", "hpu", "gaudi", "xla", "pjrt", "tpu", "jax", "mlx", "mps", "xpu", "ipex",
        "intel_extension", "cuda", "rocm", "hip", "hsa_", "rocr", "ascend", "cann", "device", "gpu",
        "accelerator", "neuron", "musa", "mlu", "metal", "torch.version", "miopen", "environ", "putenv", "ucc",
        "hipblaslt", "rank_table", "jax_platform", "xla_force_host", "rocm-smi", "amd-smi", "rocminfo", "npu-smi",
        "hl-smi", "hl-qual", "gcloud", "device_target", "mindspore",
    ),
    # Interconnect: NCCL_* (and RCCL's use of them), Gloo, libfabric/EFA, InfiniBand.
    "WAC3": (
        "nccl", "rccl", "gloo", "fi_", "efa_", "infiniband", "rdma", "gdr", "ucx", "ofi_", "ofi-", "tcpx",
        "fastrak", "sharp", "nvls", "socket_ifname",
    ),
    # Launchers and their sizes.
    "WAC4": (
        "torchrun", "torch.distributed", "launch", "deepspeed", "accelerate", "srun", "mpirun", "mpiexec",
        "sbatch", "slurm", "nproc", "nnodes", "nodes", "num_node", "num-node", "num_gpu", "num-gpu", "gpus",
        "per_node", "per-node", "num_processes", "num-processes", "hostfile", "machinefile", "visible_devices",
        "config_file", "config-file", "ntasks", "world_size", "pbs", "bsub", "ngpus", "msrun", "gaudi_spawn",
        "device_id",
    ),
    # Memory and sharding: DeepSpeed ZeRO, offload, accumulation, batch sizes, FSDP.
    "WAC5": (
        "zero", "offload", "stage", "accumulat", "micro_batch", "micro-batch", "batch_size", "batch-size",
        "fsdp", "fully_shard", "fullyshard", "shard",
    ),
    # Kernels and compile targets.
    "WAC6": (
        "flash", "transformer_engine", "apex", "triton", "xformers", "cutlass", "deep_gemm", "deepgemm",
        "cuda", "gencode", "sm_", "compute_", "arch_list", "archs", "rocm_arch", "offload-arch", "offload_arch",
        "amdgpu", "gfx", "nvcc", "hipcc", "gpu_targets", "attn_implementation", "transformer engine",
        "transformer-engine", "transformerengine", "wgmma", "tcgen05", "cp.async.bulk", "tensormap", "setmaxnreg",
        "cluster", "elect.sync", "griddepcontrol", "sm90", "sm100", "mma.sync", "_fp8", "_fp4", "warpgroup", "float4_",
    ),
    # Declared hardware: product and family names.
    "WAC7": (
        "nvidia", "amd", "gpu", "npu", "tpu", "a100", "a800", "h100", "h800", "h20", "v100", "p100", "l40",
        "a10", "a30", "a40", "b100", "b200", "b300", "rtx", "geforce", "tesla", "quadro", "3090", "4090", "5090",
        "mi100", "mi210", "mi250", "mi300", "mi325", "mi350", "mi355", "instinct", "radeon", "ascend", "910b",
        "gaudi", "trainium", "inferentia", "trillium", "ampere", "hopper", "volta", "blackwell", "turing", "lovelace",
        "sbatch", "pbs", "bsub",
    ),
}

# Packages and containers (WAC8xx): dependency pins, images, wheel variants.
FAMILY_WORDS["WAC8"] = (
    "torch", "cu1", "rocm", "cuda", "nvidia", "npu", "habana", "tpu", "xla", "jax", "mlx", "metal", "neuron",
    "flash", "transformer", "apex", "bitsandbytes", "xformers", "triton", "deepspeed", "intel", "cupy", "dali",
    "tensorrt", "onnxruntime", "paddle", "amdsmi", "cudf", "cuml", "image", "from",
)

# (kind, family) -> words, where a kind's extractors read a family more narrowly than FAMILY_WORDS says.
# An empty tuple: no extractor of that kind reports the family (the rule examples test keeps this honest).
KIND_FAMILY_WORDS: dict[tuple[str, str], tuple[str, ...]] = {
    # Dependency pins in Python come only from setup.py, which is never filtered (ALWAYS_PARSE_NAMES).
    # Declared hardware in code files comes only from scheduler directives (extract/jobscript.py): `#SBATCH`,
    # `#PBS`, `#BSUB`. Not every "nvidia" in a licence header is worth a parse.
    ("python", "WAC7"): ("sbatch", "pbs", "bsub"),
    ("shell", "WAC7"): ("sbatch", "pbs", "bsub", "accelerator-type", "--type", "/dev/"),
    ("json", "WAC7"): (),
    ("python", "WAC8"): (),
    ("shell", "WAC8"): ("docker", "podman", "nerdctl"),
    ("json", "WAC8"): (),
}

# Model size, parallel sizes, optimiser and fine-tuning mode (WAC506-WAC510) come from launch arguments (shell)
# and model configs (JSON): those kinds also wake on these words.
MODEL_SIZE_WORDS: tuple[str, ...] = (
    "num_layers", "num-layers", "hidden_size", "hidden-size", "n_embd", "d_model", "n_layer", "parallel_size",
    "parallel-size", "distributed_optimizer", "distributed-optimizer", "optim", "model_name", "model_path",
    "model_id", "base_model", "peft", "lora", "load_in_", "quantization_bit", "swiglu", "recompute",
    "checkpointing", "seq_length", "seq-length", "model_max_length", "cutoff_len",
)
KIND_FAMILY_WORDS[("shell", "WAC5")] = FAMILY_WORDS["WAC5"] + MODEL_SIZE_WORDS
KIND_FAMILY_WORDS[("json", "WAC5")] = FAMILY_WORDS["WAC5"] + MODEL_SIZE_WORDS
# Python code names the model it loads, its adapters, quantised or frozen base and how its layers are placed
# (extract/python/tables.py: MODEL_LOADERS, PEFT_CALLS, FREEZE_METHODS and the model keywords).
PYTHON_MODEL_WORDS: tuple[str, ...] = (
    "from_pretrained", "model_name", "model_path", "model_id", "base_model", "peft", "lora", "load_in_",
    "requires_grad_", "device_map", "optim", "checkpointing", "seq_length", "model_max_length",
)
KIND_FAMILY_WORDS[("python", "WAC5")] = FAMILY_WORDS["WAC5"] + PYTHON_MODEL_WORDS

# File names always parsed, whatever their words (setup.py: any requirement string may be a pin finding).
ALWAYS_PARSE_NAMES: frozenset[str] = frozenset({"setup.py"})

FILTERED_KINDS: dict[str, tuple[str, ...]] = {
    "python": (),
    "shell": (),
    # DeepSpeed-style configs: `"amp": {...}` and `"enabled": "auto"` switches.
    "json": ('"amp"', "auto"),
}


def _add_plugin_triggers() -> None:
    """A plugin rule's own trigger words join its family's (a family without words would disable the pre-filter)."""
    from . import plugins

    for _name, rules in plugins.each("rules"):
        for rule in rules:
            family = rule.code[:4]  # as prefilter.families() groups codes
            FAMILY_WORDS[family] = tuple(dict.fromkeys(FAMILY_WORDS.get(family, ()) + tuple(rule.triggers)))


_add_plugin_triggers()
