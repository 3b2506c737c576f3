"""WAC6xx: kernels and build targets (FlashAttention, Transformer Engine, compile target lists)."""

from ..evidence import State
from .base import Example, Rule

RULES = (
    Rule(
        code="WAC601",
        name="flash-attention",
        signal="kernel.flash_attn",
        title="FlashAttention",
        summary="Finds FlashAttention imports and switches, telling FA2 (`flash_attn`) from FA3 (`flash_attn_interface`).",
        why=(
            "FlashAttention-3 runs on Hopper only; FlashAttention-2 needs Ampere or newer on NVIDIA and also has ROCm "
            "builds, so FA2 is no vendor proof. Imports inside try/except ImportError are optional."
        ),
        positives=(
            Example("import flash_attn_interface\n", value="fa3"),
            Example("from flash_attn.flash_attn_interface import flash_attn_func\n", value="fa2",
                    note="flash_attn.flash_attn_interface is FlashAttention-2's own module"),
            Example("from flash_attn import flash_attn_varlen_func\n", value="fa2"),
            Example(
                'from transformers import AutoModelForCausalLM\n'
                'm = AutoModelForCausalLM.from_pretrained("x", attn_implementation="flash_attention_2")\n',
                value="fa2",
            ),
        ),
        negatives=(
            Example("try:\n    import flash_attn_interface\nexcept ImportError:\n    flash_attn_interface = None\n"),
            Example('from transformers import AutoModelForCausalLM\nm = AutoModelForCausalLM.from_pretrained("x", attn_implementation="sdpa")\n'),
        ),
        tags=("kernels",),
    ),
    Rule(
        code="WAC602",
        name="transformer-engine",
        signal="kernel.transformer_engine",
        title="Transformer Engine",
        summary="Finds NVIDIA Transformer Engine imported.",
        why="Transformer Engine is NVIDIA's library for FP8 training on Ada, Hopper and Blackwell.",
        positives=(
            Example("import transformer_engine.pytorch as te\n", value="transformer_engine"),
            Example("from transformer_engine.common.recipe import DelayedScaling\n", value="transformer_engine"),
            Example(
                'import argparse\np = argparse.ArgumentParser()\np.add_argument("--transformer-impl", default="transformer_engine")\n',
                value="transformer_engine",
                note="Megatron's transformer implementation option",
            ),
        ),
        negatives=(
            Example("try:\n    import transformer_engine\nexcept ImportError:\n    pass\n"),
            Example("# TODO: try Transformer Engine\nimport torch\n"),
        ),
        tags=("kernels",),
    ),
    Rule(
        code="WAC603",
        name="cuda-arch-list",
        signal="build.cuda_arch",
        title="CUDA compile target list",
        summary="Finds CUDA compile targets: TORCH_CUDA_ARCH_LIST, -gencode, sm_XX, CUDA_ARCHITECTURES.",
        why=(
            "A compile target list without PTX runs only on the listed compute capabilities: the strongest "
            "architecture evidence a repo can hold. With +PTX it also runs (JIT-compiled) on newer parts."
        ),
        positives=(
            Example('export TORCH_CUDA_ARCH_LIST="9.0"\n', kind="shell", value="9.0"),
            Example(
                'from setuptools import setup\nnvcc_flags = ["-O3", "-gencode", "arch=compute_90a,code=sm_90a"]\n',
                value="9.0a",
                note="setup.py flags split over list elements",
            ),
            Example('import os\nos.environ["TORCH_CUDA_ARCH_LIST"] = "8.0;9.0"\n', value="8.0;9.0"),
        ),
        negatives=(
            Example('# export TORCH_CUDA_ARCH_LIST="9.0"\n', kind="shell"),
            Example('def build():\n    """Pass -gencode arch=compute_80,code=sm_80 for A100."""\n'),
        ),
        tags=("build",),
    ),
    Rule(
        code="WAC604",
        name="rocm-arch-list",
        signal="build.rocm_arch",
        title="ROCm compile target list",
        summary="Finds AMD GPU targets: PYTORCH_ROCM_ARCH, --offload-arch=gfxNNN, AMDGPU_TARGETS.",
        why="gfx908 is MI100, gfx90a MI200, gfx942 MI300: an AMD vendor and architecture fact.",
        positives=(
            Example("export PYTORCH_ROCM_ARCH=gfx942\n", kind="shell", value="gfx942"),
            Example('extra_compile_args = {"cxx": ["-O3"], "hipcc": ["--offload-arch=gfx90a"]}\n', value="gfx90a"),
        ),
        negatives=(
            Example("# export PYTORCH_ROCM_ARCH=gfx942\n", kind="shell"),
            Example('import os\n# os.environ["PYTORCH_ROCM_ARCH"] = "gfx942"\n'),
        ),
        tags=("build", "vendor"),
    ),
)

__all__ = ["RULES", "State"]
