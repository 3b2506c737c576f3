"""WAC6xx: kernels and build targets (FlashAttention, Transformer Engine, compile target lists)."""

from ..evidence import State
from .base import Example, Rule
from .implies import AMD, HARD, NVIDIA, STRONG, Spec, WEAK, vendor

# Trigger words (the pre-filter's, prefilter.py): a file of a filtered kind is parsed for these rules only
# if it holds one of them (case-insensitive; triggers.BOUNDED words only as whole words).
# Kernels and compile targets.
TRIGGERS = (
    "flash", "transformer_engine", "apex", "triton", "xformers", "cutlass", "deep_gemm", "deepgemm",
    "cuda", "gencode", "sm_", "compute_", "arch_list", "archs", "rocm_arch", "offload-arch", "offload_arch",
    "amdgpu", "gfx", "nvcc", "hipcc", "gpu_targets", "attn_implementation", "transformer engine",
    "transformer-engine", "transformerengine", "wgmma", "tcgen05", "cp.async.bulk", "tensormap", "setmaxnreg",
    "cluster", "elect.sync", "griddepcontrol", "sm90", "sm100", "mma.sync", "_fp8", "_fp4", "warpgroup", "float4_",
    "hip_runtime", "hiplaunchkernelggl", "__hip_platform",
)

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
            Example("attn_implementation: flash_attention_2\n", kind="yaml", value="fa2"),
        ),
        negatives=(
            Example("try:\n    import flash_attn_interface\nexcept ImportError:\n    flash_attn_interface = None\n"),
            Example('from transformers import AutoModelForCausalLM\nm = AutoModelForCausalLM.from_pretrained("x", attn_implementation="sdpa")\n'),
        ),
        tags=("kernels",),
        implies=(
            ("fa3", (Spec("arch", HARD, "FlashAttention-3 runs on Hopper only", ("Hopper",)),)),
            ("fa2", (
                vendor(NVIDIA, AMD, strength=STRONG, text="FlashAttention-2 builds exist for NVIDIA and AMD ROCm",
                        redirectable=True),  # ports behind a migration shim serve the flag with vendor kernels
                Spec("cc_at_least", STRONG, "FlashAttention-2 needs Ampere or newer on NVIDIA", (8, 0), (NVIDIA,)),
                # FlashAttention's ROCm README names MI200, MI300 and MI355X (gfx90a, gfx942, gfx950): a list that
                # grows with each CDNA generation, so it is a floor, not a closed list.
                Spec("gfx_at_least", STRONG, "FlashAttention-2 on ROCm needs CDNA 2 (MI200, gfx90a) or newer",
                     "gfx90a", (AMD,)),
            )),
        ),
        triggers=TRIGGERS,
    ),
    Rule(
        code="WAC602",
        name="transformer-engine",
        signal="kernel.transformer_engine",
        title="Transformer Engine",
        summary="Finds NVIDIA Transformer Engine imported.",
        why=(
            "Transformer Engine is NVIDIA's library for FP8 training on Ada, Hopper and Blackwell; AMD's ROCm port "
            "(ROCm/TransformerEngine) keeps the `transformer_engine` module for Instinct GPUs, so, like "
            "FlashAttention-2, it narrows the vendor to NVIDIA or AMD."
        ),
        positives=(
            Example("import transformer_engine.pytorch as te\n", value="transformer_engine"),
            Example("from transformer_engine.common.recipe import DelayedScaling\n", value="transformer_engine"),
            Example(
                'import argparse\np = argparse.ArgumentParser()\np.add_argument("--transformer-impl", default="transformer_engine")\n',
                value="transformer_engine",
                note="Megatron's transformer implementation option",
            ),
            Example("model:\n  transformer_engine: true\n", kind="yaml", value="transformer_engine"),
        ),
        negatives=(
            Example("try:\n    import transformer_engine\nexcept ImportError:\n    pass\n"),
            Example("# TODO: try Transformer Engine\nimport torch\n"),
        ),
        tags=("kernels",),
        implies=(
            # ROCm/TransformerEngine's README: "enables Transformer Engine (TE) on ROCm as a library to accelerate
            # Transformer models on AMD GPUs, including using 8-bit floating point (FP8) precision on MI300 GPUs".
            ("*", (vendor(NVIDIA, AMD, strength=STRONG,
                          text="Transformer Engine: NVIDIA's library, also ported to AMD ROCm"),)),
        ),
        triggers=TRIGGERS,
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
            Example("TORCH_CUDA_ARCH_LIST ?= 8.0\n", kind="makefile", value="8.0"),
            Example("set(CMAKE_CUDA_ARCHITECTURES 90-real)\n", kind="cmake", value="9.0", note="CMake notation: SASS only"),
            Example('FROM ubuntu:22.04\nENV TORCH_CUDA_ARCH_LIST="8.0 9.0+PTX"\n', kind="dockerfile", value="8.0;9.0+PTX"),
        ),
        negatives=(
            Example('# export TORCH_CUDA_ARCH_LIST="9.0"\n', kind="shell"),
            Example('def build():\n    """Pass -gencode arch=compute_80,code=sm_80 for A100."""\n'),
            Example("# set(CMAKE_CUDA_ARCHITECTURES 80)\nproject(x)\n", kind="cmake"),
            Example("set(CMAKE_CUDA_ARCHITECTURES native)\n", kind="cmake", note="whatever GPU builds it: conditional"),
            Example("ifeq ($(SM90),1)\nNVFLAGS += -gencode arch=compute_90a,code=sm_90a\nendif\n", kind="makefile"),
        ),
        tags=("build",),
        implies=(
            ("*", (
                Spec("cuda_arch_list", HARD, "compiled for CUDA compute capabilities", None, (NVIDIA,)),
                vendor(NVIDIA, strength=WEAK, text="CUDA compile targets (NVIDIA)", redirectable=True),
            )),
        ),
        triggers=TRIGGERS,
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
            Example('set(CMAKE_HIP_ARCHITECTURES "gfx90a;gfx942")\n', kind="cmake", value="gfx90a;gfx942"),
            Example("HIPFLAGS += --offload-arch=gfx942\n", kind="makefile", value="gfx942"),
            Example("FROM rocm/dev-ubuntu-22.04\nENV PYTORCH_ROCM_ARCH=gfx942\n", kind="dockerfile", value="gfx942"),
        ),
        negatives=(
            Example("# export PYTORCH_ROCM_ARCH=gfx942\n", kind="shell"),
            Example('import os\n# os.environ["PYTORCH_ROCM_ARCH"] = "gfx942"\n'),
            Example("if(USE_ROCM)\n  set(GPU_TARGETS gfx942)\nendif()\n", kind="cmake"),
        ),
        tags=("build", "vendor"),
        implies=(
            ("*", (
                Spec("rocm_arch_list", HARD, "compiled for AMD GPU targets", None, (AMD,)),
                vendor(AMD, strength=STRONG, text="ROCm compile targets (AMD)"),
            )),
        ),
        triggers=TRIGGERS,
    ),
    Rule(
        code="WAC605",
        name="cuda-source-feature",
        signal="kernel.cuda_feature",
        title="architecture-specific CUDA source feature",
        summary=(
            "Finds instructions and types in CUDA sources (`.cu`, `.cuh`) that need a given NVIDIA architecture: "
            "`wgmma` (Hopper only), TMA `cp.async.bulk.tensor`, `setmaxnreg` and thread-block clusters (Hopper+), "
            "`tcgen05` (Blackwell), FP8 MMA, `__nv_fp8_e4m3` and `__nv_fp4_e2m1` types."
        ),
        why=(
            "Hand-written kernels that use `wgmma` or TMA only compile for (and run on) Hopper or newer: vendor "
            "NVIDIA and an architecture floor. FP8/FP4 types alone may only be storage. Code inside "
            "`#if __CUDA_ARCH__ >= ...` is one branch among others: conditional. Read line by line, without a "
            "preprocessor."
        ),
        positives=(
            Example('asm volatile("wgmma.mma_async.sync.aligned.m64n128k16.f32.bf16.bf16 ...");\n', kind="cuda",
                    value="wgmma"),
            Example('asm volatile("cp.async.bulk.tensor.2d.shared::cluster.global [%0], [%1];" :: "r"(a), "l"(b));\n',
                    kind="cuda", value="tma"),
            Example('asm volatile("tcgen05.mma.cta_group::1.kind::f16 [%0], %1, %2;");\n', kind="cuda",
                    value="tcgen05"),
            Example("#include <cuda_fp8.h>\n__global__ void k(__nv_fp8_e4m3* x) {}\n", kind="cuda", value="fp8-type"),
            Example('asm volatile("setmaxnreg.inc.sync.aligned.u32 240;");\n', kind="cuda", value="sm90",
                    note="an sm_90a register-reallocation intrinsic"),
            Example('asm volatile("mma.sync.aligned.m16n8k32.row.col.f32.e4m3.e4m3.f32 {%0,%1,%2,%3}, ...;");\n',
                    kind="cuda", value="fp8-mma", note="FP8 tensor-core MMA: Ada (sm_89) or newer"),
            Example("void cast(const at::Float4_e2m1fn_x2* x);\n", kind="cuda", value="fp4-type"),
            Example(
                "#if defined(__CUDA_ARCH__) && __CUDA_ARCH__ >= 900\n"
                'asm volatile("wgmma.fence.sync.aligned;");\n#endif\n',
                kind="cuda",
                value="wgmma",
                state=State.CONDITIONAL,
                note="one branch of an architecture guard",
            ),
        ),
        negatives=(
            Example("// TODO: port to wgmma on Hopper\n__global__ void k(float* x) {}\n", kind="cuda"),
            Example("__global__ void add(float* a, const float* b) { a[threadIdx.x] += b[threadIdx.x]; }\n",
                    kind="cuda"),
            Example("#if 0\nasm volatile(\"wgmma.fence.sync.aligned;\");\n#endif\n", kind="cuda",
                    note="`#if 0` is dead code"),
            Example("#include <cuda_fp8.h>\n#include <cuda_fp4.h>\n__global__ void k(half* x) {}\n", kind="cuda",
                    note="the FP8/FP4 headers included, none of their types used"),
        ),
        notes=("value: wgmma, tma, sm90, tcgen05, fp8-mma, fp8-type, fp4-type; properties: token",),
        tags=("kernels", "vendor", "build"),
        # Architecture-specific instructions and types in CUDA sources (value: the feature; the floor is its own).
        implies=(
            ("wgmma", (
                vendor(NVIDIA, strength=STRONG, text="Hopper warpgroup MMA (wgmma) in CUDA source"),
                Spec("arch", STRONG, "wgmma exists on sm_90a (Hopper) only", ("Hopper",), (NVIDIA,)),
            )),
            ("tcgen05", (
                vendor(NVIDIA, strength=STRONG, text="Blackwell tensor-core instructions (tcgen05) in CUDA source"),
                Spec("cc_at_least", STRONG, "tcgen05 needs Blackwell (sm_100a)", (10, 0), (NVIDIA,)),
            )),
            ("tma", (
                vendor(NVIDIA, strength=STRONG, text="Tensor Memory Accelerator copies (cp.async.bulk) in CUDA source"),
                Spec("cc_at_least", STRONG, "TMA (cp.async.bulk) needs Hopper or newer (sm_90)", (9, 0), (NVIDIA,)),
            )),
            ("sm90", (
                vendor(NVIDIA, strength=STRONG, text="Hopper-only PTX (setmaxnreg, clusters) in CUDA source"),
                Spec("cc_at_least", STRONG, "needs Hopper or newer (sm_90)", (9, 0), (NVIDIA,)),
            )),
            ("fp4-type", (
                vendor(NVIDIA, strength=STRONG, text="CUDA FP4 types (cuda_fp4.h)"),
                Spec("feature", WEAK, "FP4 types in CUDA source", "supports_fp4"),
            )),
            ("fp8-type", (
                vendor(NVIDIA, strength=STRONG, text="CUDA FP8 types (cuda_fp8.h)"),
                Spec("feature", WEAK, "FP8 types in CUDA source", "supports_fp8"),
            )),
            ("fp8-mma", (
                vendor(NVIDIA, strength=STRONG, text="FP8 tensor-core MMA in CUDA source"),
                Spec("cc_at_least", STRONG, "FP8 MMA needs Ada or newer (sm_89)", (8, 9), (NVIDIA,)),
            )),
        ),
        triggers=TRIGGERS,
    ),
    Rule(
        code="WAC606",
        name="hip-code",
        signal="kernel.hip",
        title="HIP kernels and HIP builds",
        summary=(
            "Finds HIP, AMD's kernel language: `.hip` sources, CUDA-style sources that include `hip/hip_runtime.h`, "
            "launch with `hipLaunchKernelGGL` or define `__HIP_PLATFORM_AMD__` (value `kernel`), and CMake builds "
            "of HIP code: `enable_language(HIP)`, `project(... LANGUAGES HIP)`, `find_package(hip)`, "
            "`hip_add_library`, hipcc as the compiler (value `build`)."
        ),
        why=(
            "Kernels written in HIP and compiled by a HIP build run on AMD GPUs through ROCm: the repository's own "
            "native code targets AMD. HIP code under `#if __HIP_PLATFORM_AMD__` / `USE_ROCM` in a CUDA source is "
            "one platform branch beside the CUDA one (conditional), and a HIP build under a CMake `if()` is an "
            "option. As for CUDA kernels, a vendored tree's kernels do not speak for the repository and a "
            "plug-in's are optional (paths/roles.py). Read line by line, without a preprocessor."
        ),
        positives=(
            Example("__global__ void add(float* a, const float* b) { a[threadIdx.x] += b[threadIdx.x]; }\n",
                    kind="cuda", filename="ops/add.hip", value="kernel", note="a `.hip` source is HIP by its name"),
            Example("#include <hip/hip_runtime.h>\n__global__ void k(float* x) {}\n", kind="cuda", value="kernel"),
            Example("void run(float* x) { hipLaunchKernelGGL(k, dim3(1), dim3(64), 0, 0, x); }\n", kind="cuda",
                    value="kernel"),
            Example("#ifdef USE_ROCM\n#include <hip/hip_runtime.h>\n#else\n#include <cuda_runtime.h>\n#endif\n",
                    kind="cuda", value="kernel", state=State.CONDITIONAL, note="one platform branch of a CUDA source"),
            Example("cmake_minimum_required(VERSION 3.21)\nproject(kern LANGUAGES CXX HIP)\n", kind="cmake",
                    value="build"),
            Example("enable_language(HIP)\nfind_package(hip REQUIRED)\n", kind="cmake", value="build"),
            Example("if(WITH_ROCM)\n  enable_language(HIP)\nendif()\n", kind="cmake", value="build",
                    state=State.CONDITIONAL, note="a build option"),
        ),
        negatives=(
            Example("// a HIP port would use hipLaunchKernelGGL here\n__global__ void k(float* x) {}\n", kind="cuda",
                    note="a comment names HIP; the kernel is CUDA"),
            Example("#if 0\n#include <hip/hip_runtime.h>\n#endif\n", kind="cuda", note="`#if 0` is dead code"),
            Example("project(kern LANGUAGES CXX CUDA)\n# enable_language(HIP)\n", kind="cmake",
                    note="commented out: mentioned"),
            Example('set(HIP_NOTE "HIP")\nproject(kern LANGUAGES CXX)\n', kind="cmake"),
        ),
        notes=("value: kernel (HIP source), build (CMake builds HIP); properties: token (sources)",),
        tags=("kernels", "vendor", "build"),
        implies=(
            ("*", (vendor(AMD, strength=STRONG, text="HIP kernels or a HIP build (AMD ROCm)"),)),
        ),
        triggers=TRIGGERS,
    ),
)

__all__ = ["RULES", "State"]
