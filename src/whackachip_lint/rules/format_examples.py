"""Examples in the formats read by the formats-A extractors (YAML, Dockerfile, Makefile, CMake) for rules
declared in the core families, so each rule's docs and tests show every format it is found in.

Kept here, not in the family modules, so that those stay owned by their extractors; `rules/__init__.py`
appends these to the declared examples.
"""

from __future__ import annotations

from ..evidence import State
from .base import Example

POSITIVES: dict[str, tuple[Example, ...]] = {
    "WAC101": (
        Example("mixed_precision: bf16\nnum_processes: 8\n", kind="yaml", note="accelerate config"),
        Example("trainer:\n  precision: bf16-mixed\n", kind="yaml", note="Lightning trainer config"),
    ),
    "WAC102": (Example("trainer:\n  precision: 16-mixed\n", kind="yaml"),),
    "WAC103": (Example("tf32: true\nbf16: true\n", kind="yaml", note="Hugging Face TrainingArguments as YAML"),),
    "WAC104": (Example("model:\n  fp8: hybrid\n", kind="yaml", note="Megatron/NeMo model config"),),
    "WAC204": (Example("distributed_type: MULTI_NPU\n", kind="yaml", value="npu", note="accelerate config"),),
    "WAC205": (Example("FROM ubuntu:22.04\nENV HSA_FORCE_FINE_GRAIN_PCIE=1\n", kind="dockerfile", value="HSA_FORCE_FINE_GRAIN_PCIE"),),
    "WAC301": (
        Example("env:\n  - name: NCCL_IB_HCA\n    value: mlx5\n", kind="yaml", value="NCCL_IB_HCA", note="Kubernetes env"),
    ),
    "WAC401": (Example("num_machines: 2\nnum_processes: 16\n", kind="yaml", value=8, note="16 processes over 2 machines"),),
    "WAC703": (
        Example("gcloud compute tpus tpu-vm create my-tpu --zone=us-west4-a --accelerator-type=v5litepod-64\n",
                kind="shell", value="v5litepod-64", note="a Cloud TPU type: v5litepod is TPU v5e"),
    ),
    "WAC704": (
        Example("docker run -it --device=/dev/kfd --device=/dev/dri rocm/pytorch:latest python train.py\n",
                kind="shell", value="/dev/kfd"),
    ),
    "WAC801": (
        Example("docker run -it --device=/dev/kfd --device=/dev/dri --group-add video "
                "rocm/pytorch:rocm6.1_ubuntu22.04_py3.10_pytorch_2.4 python train.py\n",
                kind="shell", value="rocm/pytorch:rocm6.1_ubuntu22.04_py3.10_pytorch_2.4",
                note="a ROCm image run on /dev/kfd"),
    ),
    "WAC803": (
        Example("jax[cuda12]>=0.4.30\n", kind="requirements", value="jax[cuda12]", note="JAX on NVIDIA GPUs, not TPU"),
        Example("torch_xla[tpu]==2.4.0\n", kind="requirements", value="torch-xla[tpu]"),
        Example("torch-xla[cuda]==2.4.0\n", kind="requirements", value="torch-xla[cuda]", note="XLA on NVIDIA GPUs"),
        Example("torch_xla @ https://storage.googleapis.com/pytorch-xla-releases/wheels/cuda/12.1/"
                "torch_xla-2.4.0-cp310-cp310-manylinux_2_28_x86_64.whl\n", kind="requirements", value="torch-xla[cuda]",
                note="a CUDA wheel of torch_xla"),
        Example("torch-neuronx==2.1.2.2.3.0\nneuronx-cc==2.*\n", kind="requirements", value="torch-neuronx",
                note="AWS Neuron (Trainium/Inferentia)"),
    ),
    "WAC402": (Example("num_machines: 4\n", kind="yaml", value=4),),
    "WAC406": (Example("deepspeed_config:\n  deepspeed_config_file: ds.json\n", kind="yaml", value="ds.json"),),
    "WAC501": (Example("zero_optimization:\n  stage: 3\n", kind="yaml", value=3, note="DeepSpeed config written as YAML"),),
    "WAC502": (Example("zero_optimization:\n  offload_param:\n    device: nvme\n", kind="yaml", value="nvme"),),
    "WAC503": (Example("gradient_accumulation_steps: 8\n", kind="yaml", value=8),),
    "WAC504": (Example("train_micro_batch_size_per_gpu: 2\n", kind="yaml", value=2),),
    "WAC505": (Example("distributed_type: FSDP\n", kind="yaml", value="fsdp"),),
    "WAC601": (Example("attn_implementation: flash_attention_2\n", kind="yaml", value="fa2"),),
    "WAC602": (Example("model:\n  transformer_engine: true\n", kind="yaml", value="transformer_engine"),),
    "WAC603": (
        Example("TORCH_CUDA_ARCH_LIST ?= 8.0\n", kind="makefile", value="8.0"),
        Example("set(CMAKE_CUDA_ARCHITECTURES 90-real)\n", kind="cmake", value="9.0", note="CMake notation: SASS only"),
        Example('FROM ubuntu:22.04\nENV TORCH_CUDA_ARCH_LIST="8.0 9.0+PTX"\n', kind="dockerfile", value="8.0;9.0+PTX"),
    ),
    "WAC604": (
        Example('set(CMAKE_HIP_ARCHITECTURES "gfx90a;gfx942")\n', kind="cmake", value="gfx90a;gfx942"),
        Example("HIPFLAGS += --offload-arch=gfx942\n", kind="makefile", value="gfx942"),
    ),
}

NEGATIVES: dict[str, tuple[Example, ...]] = {
    "WAC101": (
        Example("# mixed_precision: bf16\nmixed_precision: fp16\n", kind="yaml", note="commented out: mentioned"),
        Example("mixed_precision: 'no'\n", kind="yaml"),
    ),
    "WAC103": (Example("tf32: false\n", kind="yaml", note="switched off: disabled"),),
    "WAC104": (Example("model:\n  fp8: false\n", kind="yaml"),),
    "WAC301": (Example("env:\n  - name: NCCL_IB_DISABLE\n    value: '1'\n", kind="yaml", note="InfiniBand switched off"),),
    "WAC501": (
        Example("stages:\n  - stage: 3\n", kind="yaml", note="a `stage` outside zero_optimization"),
        Example("zero_optimization:\n  stage: auto\n", kind="yaml", state=State.CONDITIONAL),
    ),
    "WAC502": (Example("zero_optimization:\n  offload_optimizer:\n    device: none\n", kind="yaml"),),
    "WAC703": (Example("gcloud compute instances create vm1 --machine-type=n2-standard-8\n", kind="shell"),),
    "WAC704": (Example("docker run --device=/dev/fuse ubuntu:22.04 bash\n", kind="shell"),),
    "WAC801": (
        Example("docker run --rm ubuntu:22.04 bash\n", kind="shell", note="no accelerator stack in the image"),
        Example('echo "docker run rocm/pytorch:latest"\n', kind="shell", note="a command quoted in a message"),
    ),
    "WAC603": (
        Example("# set(CMAKE_CUDA_ARCHITECTURES 80)\nproject(x)\n", kind="cmake"),
        Example("set(CMAKE_CUDA_ARCHITECTURES native)\n", kind="cmake", note="whatever GPU builds it: conditional"),
        Example("ifeq ($(SM90),1)\nNVFLAGS += -gencode arch=compute_90a,code=sm_90a\nendif\n", kind="makefile"),
    ),
    "WAC604": (Example("if(USE_ROCM)\n  set(GPU_TARGETS gfx942)\nendif()\n", kind="cmake"),),
}


def add_format_examples(rules: dict) -> dict:
    """`rules` (code -> Rule) with these examples appended to the declared ones."""
    from dataclasses import replace

    for code in set(POSITIVES) | set(NEGATIVES):
        rule = rules.get(code)
        if rule is None:
            continue
        rules[code] = replace(
            rule,
            positives=rule.positives + POSITIVES.get(code, ()),
            negatives=rule.negatives + NEGATIVES.get(code, ()),
        )
    return rules


__all__ = ["NEGATIVES", "POSITIVES", "add_format_examples"]
