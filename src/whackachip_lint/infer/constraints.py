"""Findings in force -> requirements on catalog entries, each with a strength.

`hard` requirements exclude a candidate (the code cannot run there); `strong` and
`weak` ones only disfavour it. The mapping is the table `TABLE` (rule code ->
value pattern -> requirement specs); the checks are a handful of predicates over
catalog properties. A check answers True, False or None (the catalog does not
know), and None never excludes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from typing import Any, Iterable

from ..evidence import Finding, State
from .catalog import Entry, load_catalog
from ..rules.codes import Code

HARD, STRONG, WEAK = "hard", "strong", "weak"
STRENGTHS = (HARD, STRONG, WEAK)
RANK = {HARD: 3, STRONG: 2, WEAK: 1}

NVIDIA, AMD, HUAWEI, INTEL, GOOGLE, APPLE = "NVIDIA", "AMD", "Huawei", "Intel", "Google", "Apple"
# Vendors the evidence can name but the catalog has no entries for (the verdict says so rather than guess).
CAMBRICON, MOORE_THREADS, INTEL_XPU = "Cambricon", "Moore Threads", "Intel XPU"
AWS = "AWS"  # Trainium and Inferentia (the Neuron SDK)


@dataclass(frozen=True)
class Spec:
    """One requirement a matching finding imposes (a row of the table)."""

    kind: str  # a key of CHECKS
    strength: str
    text: str  # the constraint as a reader sees it
    arg: Any = None
    applies_to: tuple[str, ...] = ()  # vendors the check concerns; candidates of other vendors pass
    redirectable: bool = False  # CUDA-looking evidence that a migration shim redirects to its own vendor
    xla: bool = False  # XLA-looking evidence (torch_xla, `xla` devices): the XLA platform in force names the vendor


def _vendor(*vendors: str, strength: str, text: str, redirectable: bool = False, xla: bool = False) -> Spec:
    return Spec("vendor", strength, text, frozenset(vendors), redirectable=redirectable, xla=xla)


_CUDA_OR_ROCM = "NVIDIA (CUDA) or AMD (ROCm keeps the name)"

# rule code -> ((value pattern, specs), ...): the first pattern that matches the finding's value wins.
# Patterns: "*" anything; fnmatch on the lower-cased text value; ">=N" for integers.
TABLE: dict[str, tuple[tuple[str, tuple[Spec, ...]], ...]] = {
    Code.BF16_PRECISION: (("auto", ()), ("*", (Spec("feature", STRONG, "native bf16 tensor math", "supports_bf16"),))),
    Code.TF32_MATMUL: (("*", (Spec("feature", WEAK, "TF32 tensor cores (the switch is ignored without them)", "supports_tf32"),)),),
    Code.FP8_COMPUTE: (
        # Transformer Engine's MXFP8BlockScaling runs on compute capability 10.x only (TE support matrix).
        ("mxfp8", (
            Spec("feature", HARD, "MXFP8 matrix multiplies on the live path", "supports_fp8"),
            Spec("cc_at_least", HARD, "MXFP8 block scaling needs Blackwell (compute capability 10.0)", (10, 0),
                 (NVIDIA,)),
        )),
        # FP8 block scaling (TE Float8BlockScaling) needs compute capability 9.0 or newer (TE support matrix).
        ("fp8-block", (
            Spec("feature", HARD, "FP8 matrix multiplies on the live path", "supports_fp8"),
            Spec("cc_at_least", HARD, "FP8 block scaling needs Hopper or newer (compute capability 9.0)", (9, 0),
                 (NVIDIA,)),
        )),
        ("*", (Spec("feature", HARD, "FP8 matrix multiplies on the live path", "supports_fp8"),)),
    ),
    Code.FP8_DTYPE: (
        ("*fnuz", (_vendor(AMD, strength=STRONG, text="FNUZ FP8 formats are AMD MI300's"),)),
    ),
    Code.FP4_COMPUTE: (
        # A block-scaled FP4 recipe runs FP4 GEMMs: NVFP4 is NVIDIA Blackwell's format (TE: cc 10.x, partly 12.0).
        ("nvfp4", (
            Spec("feature", HARD, "NVFP4 matrix multiplies on the live path", "supports_fp4"),
            Spec("cc_at_least", HARD, "NVFP4 needs Blackwell (compute capability 10.0 or newer)", (10, 0), (NVIDIA,)),
            _vendor(NVIDIA, strength=STRONG, text="NVFP4 is NVIDIA's FP4 format"),
        )),
        ("mxfp4", (Spec("feature", HARD, "MXFP4 matrix multiplies on the live path", "supports_fp4"),)),
        ("*", (Spec("feature", STRONG, "FP4 tensor math", "supports_fp4"),)),
    ),
    Code.COLLECTIVE_BACKEND: (
        ("nccl", (_vendor(NVIDIA, AMD, strength=STRONG, text=f"nccl backend: {_CUDA_OR_ROCM} through RCCL",
                          redirectable=True),)),
        ("hccl", (_vendor(HUAWEI, INTEL, strength=STRONG, text="hccl backend: Huawei Ascend or Intel Gaudi"),)),
        ("xla", (_vendor(GOOGLE, strength=STRONG, text="xla backend: TPU", xla=True),)),
        ("cncl", (_vendor(CAMBRICON, strength=STRONG, text="cncl backend: Cambricon MLU"),)),
        ("mccl", (_vendor(MOORE_THREADS, strength=STRONG, text="mccl backend: Moore Threads GPU"),)),
        ("xccl", (_vendor(INTEL_XPU, strength=STRONG, text="xccl backend: Intel XPU (Data Center GPU)"),)),
    ),
    Code.VENDOR_RUNTIME_IMPORT: (
        ("torch_npu*", (_vendor(HUAWEI, strength=HARD, text="imports torch_npu (Huawei Ascend runtime)"),)),
        ("habana_frameworks*", (_vendor(INTEL, strength=HARD, text="imports habana_frameworks (Intel Gaudi runtime)"),)),
        ("torch_xla*", (_vendor(GOOGLE, strength=STRONG, text="imports torch_xla (XLA devices: TPU)", xla=True),)),
        ("mlx*", (_vendor(APPLE, strength=STRONG, text="imports mlx (made for Apple silicon)"),)),
        ("torch_neuronx*", (_vendor(AWS, strength=HARD, text="imports torch_neuronx (AWS Neuron runtime)"),)),
        ("torch_neuron*", (_vendor(AWS, strength=HARD, text="imports torch_neuron (AWS Neuron runtime)"),)),
        ("neuronx_distributed*", (_vendor(AWS, strength=HARD, text="imports neuronx_distributed (AWS Neuron)"),)),
        ("libneuronxla*", (_vendor(AWS, strength=HARD, text="imports libneuronxla (AWS Neuron)"),)),
    ),
    Code.CUDA_MIGRATION_SHIM: (
        ("*npu*", (_vendor(HUAWEI, strength=HARD, text="CUDA-to-Ascend migration shim"),)),
        ("mindspeed*", (_vendor(HUAWEI, strength=HARD, text="MindSpeed patches Megatron for Ascend"),)),
        ("*", (_vendor(INTEL, strength=HARD, text="Gaudi GPU migration layer"),)),
    ),
    Code.DEVICE_TYPE: (
        ("cuda", (_vendor(NVIDIA, AMD, strength=STRONG, text=f"cuda device: {_CUDA_OR_ROCM}", redirectable=True),)),
        ("npu", (_vendor(HUAWEI, strength=HARD, text="npu device (Huawei Ascend)"),)),
        ("hpu", (_vendor(INTEL, strength=HARD, text="hpu device (Intel Gaudi)"),)),
        ("xla", (_vendor(GOOGLE, strength=STRONG, text="xla device (TPU)", xla=True),)),
        ("mps", (_vendor(APPLE, strength=HARD, text="mps device (Apple silicon)"),)),
        ("mlu", (_vendor(CAMBRICON, strength=STRONG, text="mlu device (Cambricon)"),)),
        ("musa", (_vendor(MOORE_THREADS, strength=STRONG, text="musa device (Moore Threads)"),)),
        ("xpu", (_vendor(INTEL_XPU, strength=STRONG, text="xpu device (Intel XPU GPUs)"),)),
    ),
    Code.VENDOR_ENVIRONMENT: (
        ("rccl_*", (_vendor(AMD, strength=STRONG, text="RCCL variables (AMD ROCm)"),)),
        ("hsa_*", (_vendor(AMD, strength=STRONG, text="HSA runtime variables (AMD ROCm)"),)),
        ("hip_*", (_vendor(AMD, strength=STRONG, text="HIP variables (AMD ROCm)"),)),
        ("rocr_*", (_vendor(AMD, strength=STRONG, text="ROCr variables (AMD ROCm)"),)),
        ("rocm_*", (_vendor(AMD, strength=STRONG, text="ROCm variables (AMD)"),)),
        ("miopen_*", (_vendor(AMD, strength=STRONG, text="MIOpen variables (AMD ROCm)"),)),
        ("ascend_*", (_vendor(HUAWEI, strength=STRONG, text="Ascend variables (Huawei CANN)"),)),
        ("hccl_*", (_vendor(HUAWEI, INTEL, strength=WEAK, text="HCCL variables (Huawei or Intel Gaudi)"),)),
        ("pt_hpu_*", (_vendor(INTEL, strength=STRONG, text="PT_HPU variables (Intel Gaudi)"),)),
        ("habana_*", (_vendor(INTEL, strength=STRONG, text="Habana variables (Intel Gaudi)"),)),
        ("tpu_*", (_vendor(GOOGLE, strength=STRONG, text="TPU variables (Google)"),)),
        ("torch_blas_prefer_hipblaslt", (_vendor(AMD, strength=STRONG, text="hipBLASLt switch (PyTorch on ROCm)"),)),
        ("gpu_max_hw_queues", (_vendor(AMD, strength=STRONG, text="HIP hardware queue count (AMD ROCm)"),)),
        ("rank_table_file", (_vendor(HUAWEI, strength=STRONG, text="HCCL rank table (Huawei Ascend)"),)),
        ("mindspore_hccl_config_path", (_vendor(HUAWEI, strength=STRONG, text="HCCL rank table (Huawei Ascend)"),)),
        ("neuron_*", (_vendor(AWS, strength=STRONG, text="Neuron runtime variables (AWS Trainium/Inferentia)"),)),
        ("pjrt_*", (_vendor(GOOGLE, strength=WEAK, text="PJRT variables (XLA runtime, usually TPU)", xla=True),)),
        ("xla_*", ()),  # XLA_FLAGS etc. are read by JAX on GPUs too
    ),
    # The platform an XLA or JAX program is told to run on (PJRT_DEVICE, JAX_PLATFORMS, jax.devices("tpu")).
    Code.XLA_PLATFORM: (
        ("tpu*", (_vendor(GOOGLE, strength=STRONG, text="XLA platform TPU"),)),
        ("cuda*", (_vendor(NVIDIA, strength=STRONG, text="XLA platform CUDA (NVIDIA GPUs)"),)),
        ("rocm*", (_vendor(AMD, strength=STRONG, text="XLA platform ROCm (AMD GPUs)"),)),
        ("gpu*", (_vendor(NVIDIA, AMD, strength=STRONG, text="XLA platform GPU (CUDA or ROCm)"),)),
        ("neuron*", (_vendor(AWS, strength=STRONG, text="XLA platform Neuron (AWS Trainium/Inferentia)"),)),
    ),
    # Device tools only one vendor's driver answers (rocm-smi, npu-smi, hl-smi, neuron-ls...).
    Code.VENDOR_DEVICE_TOOL: (
        ("amd", (_vendor(AMD, strength=STRONG, text="runs AMD's ROCm device tools"),)),
        ("huawei", (_vendor(HUAWEI, strength=STRONG, text="runs Huawei's Ascend device tools"),)),
        ("intel", (_vendor(INTEL, strength=STRONG, text="runs Intel Gaudi's device tools"),)),
        ("aws", (_vendor(AWS, strength=STRONG, text="runs AWS Neuron tools"),)),
        ("google", (_vendor(GOOGLE, strength=STRONG, text="manages Cloud TPUs (gcloud compute tpus)"),)),
    ),
    Code.NCCL_ENVIRONMENT: (
        ("*", (_vendor(NVIDIA, AMD, strength=WEAK, text=f"NCCL variables: {_CUDA_OR_ROCM} (RCCL reads NCCL_*)",
                       redirectable=True),)),
    ),
    Code.RUNTIME_VERSION_CHECK: (
        ("hip", (_vendor(AMD, strength=HARD, text="refuses to run without ROCm (torch.version.hip)"),)),
        ("cuda", (_vendor(NVIDIA, strength=HARD, text="refuses to run without CUDA (torch.version.cuda)"),)),
    ),
    Code.INFINIBAND: (
        ("nccl_*", (
            Spec("class", STRONG, "InfiniBand/RoCE NICs in a cluster: datacenter parts", ("datacenter",)),
            _vendor(NVIDIA, AMD, strength=WEAK, text=f"NCCL InfiniBand variables: {_CUDA_OR_ROCM}", redirectable=True),
        )),
    ),
    Code.GPUDIRECT_RDMA: (
        ("*", (Spec("gdr", STRONG, "GPUDirect RDMA (datacenter/professional NVIDIA or AMD Instinct)"),)),
    ),
    Code.NVLINK_SHARP: (
        ("*", (
            _vendor(NVIDIA, strength=STRONG, text="NVLink SHARP needs NVSwitch systems (NVIDIA)"),
            Spec("class", STRONG, "NVLink SHARP: NVSwitch (HGX/DGX-class) servers", ("datacenter",)),
        )),
    ),
    Code.CLOUD_FABRIC: (
        ("*", (Spec("class", STRONG, "cloud GPU fabric: datacenter instances", ("datacenter",)),)),
    ),
    Code.LAUNCHER: (
        ("gaudi_spawn", (_vendor(INTEL, strength=STRONG, text="gaudi_spawn.py launcher (Intel Gaudi, optimum-habana)"),)),
        ("msrun", (_vendor(HUAWEI, strength=STRONG, text="msrun launcher (MindSpore, Huawei Ascend)"),)),
        ("rank-loop", (_vendor(HUAWEI, strength=WEAK, text="one process per DEVICE_ID in a shell loop (the Ascend idiom)"),)),
    ),
    Code.GPUS_PER_NODE: (
        (">=8", (Spec("class", WEAK, "8 or more devices per node: server-class nodes", ("datacenter",)),)),
    ),
    Code.FLASH_ATTENTION: (
        ("fa3", (Spec("arch", HARD, "FlashAttention-3 runs on Hopper only", ("Hopper",)),)),
        ("fa2", (
            _vendor(NVIDIA, AMD, strength=STRONG, text="FlashAttention-2 builds exist for NVIDIA and AMD ROCm",
                    redirectable=True),  # ports behind a migration shim serve the flag with vendor kernels
            Spec("cc_at_least", STRONG, "FlashAttention-2 needs Ampere or newer on NVIDIA", (8, 0), (NVIDIA,)),
            Spec("gfx_in", STRONG, "FlashAttention-2 ROCm builds target MI200/MI300",
                 ("gfx90a", "gfx942"), (AMD,)),
        )),
    ),
    Code.TRANSFORMER_ENGINE: (
        ("*", (_vendor(NVIDIA, strength=STRONG, text="Transformer Engine is NVIDIA's library"),)),
    ),
    # Architecture-specific instructions and types in CUDA sources (value: the feature; the floor is its own).
    Code.CUDA_SOURCE_FEATURE: (
        ("wgmma", (
            _vendor(NVIDIA, strength=STRONG, text="Hopper warpgroup MMA (wgmma) in CUDA source"),
            Spec("arch", STRONG, "wgmma exists on sm_90a (Hopper) only", ("Hopper",), (NVIDIA,)),
        )),
        ("tcgen05", (
            _vendor(NVIDIA, strength=STRONG, text="Blackwell tensor-core instructions (tcgen05) in CUDA source"),
            Spec("cc_at_least", STRONG, "tcgen05 needs Blackwell (sm_100a)", (10, 0), (NVIDIA,)),
        )),
        ("tma", (
            _vendor(NVIDIA, strength=STRONG, text="Tensor Memory Accelerator copies (cp.async.bulk) in CUDA source"),
            Spec("cc_at_least", STRONG, "TMA (cp.async.bulk) needs Hopper or newer (sm_90)", (9, 0), (NVIDIA,)),
        )),
        ("sm90", (
            _vendor(NVIDIA, strength=STRONG, text="Hopper-only PTX (setmaxnreg, clusters) in CUDA source"),
            Spec("cc_at_least", STRONG, "needs Hopper or newer (sm_90)", (9, 0), (NVIDIA,)),
        )),
        ("fp4-type", (
            _vendor(NVIDIA, strength=STRONG, text="CUDA FP4 types (cuda_fp4.h)"),
            Spec("feature", WEAK, "FP4 types in CUDA source", "supports_fp4"),
        )),
        ("fp8-type", (
            _vendor(NVIDIA, strength=STRONG, text="CUDA FP8 types (cuda_fp8.h)"),
            Spec("feature", WEAK, "FP8 types in CUDA source", "supports_fp8"),
        )),
        ("fp8-mma", (
            _vendor(NVIDIA, strength=STRONG, text="FP8 tensor-core MMA in CUDA source"),
            Spec("cc_at_least", STRONG, "FP8 MMA needs Ada or newer (sm_89)", (8, 9), (NVIDIA,)),
        )),
    ),
    Code.CUDA_ARCH_LIST: (
        ("*", (
            Spec("cuda_arch_list", HARD, "compiled for CUDA compute capabilities", None, (NVIDIA,)),
            _vendor(NVIDIA, strength=WEAK, text="CUDA compile targets (NVIDIA)", redirectable=True),
        )),
    ),
    Code.ROCM_ARCH_LIST: (
        ("*", (
            Spec("rocm_arch_list", HARD, "compiled for AMD GPU targets", None, (AMD,)),
            _vendor(AMD, strength=STRONG, text="ROCm compile targets (AMD)"),
        )),
    ),
}

# Findings whose *disabled* state is itself a fact: `if torch.version.hip: raise` refuses to run on ROCm (only
# an explicit refusal counts, see REFUSAL_RULES); an NCCL transport switched off still shows NCCL (or RCCL) in use.
# A vendor set written "!AMD" means every vendor but AMD.
_NCCL_SWITCHED_OFF = (
    ("nccl_*", (_vendor(NVIDIA, AMD, strength=WEAK, text=f"NCCL variables: {_CUDA_OR_ROCM} (RCCL reads NCCL_*)",
                        redirectable=True),)),
)
DISABLED_TABLE: dict[str, tuple[tuple[str, tuple[Spec, ...]], ...]] = {
    Code.RUNTIME_VERSION_CHECK: (
        ("hip", (_vendor("!" + AMD, strength=HARD, text="refuses to run on ROCm (torch.version.hip)"),)),
        ("cuda", (_vendor("!" + NVIDIA, strength=HARD, text="refuses to run on CUDA (torch.version.cuda)"),)),
    ),
    Code.INFINIBAND: _NCCL_SWITCHED_OFF,
    Code.GPUDIRECT_RDMA: _NCCL_SWITCHED_OFF,
    Code.GPU_PEER_TO_PEER: _NCCL_SWITCHED_OFF,
    Code.NVLINK_SHARP: _NCCL_SWITCHED_OFF,
}
REFUSAL_RULES = frozenset({Code.RUNTIME_VERSION_CHECK})

# Finding properties that place the evidence off the accelerator: property -> values. A bf16 autocast on the
# host CPU (`torch.autocast("cpu", dtype=torch.bfloat16)`, extractor sets `device="cpu"`) says nothing about
# the GPU, so such findings impose no requirement.
OFF_ACCELERATOR: dict[str, frozenset[str]] = {
    "device": frozenset({"cpu"}),
}

# Signals of rule families declared by other extractors (manifests, images, package pins), keyed by signal so
# the table does not depend on their codes. Same shape as TABLE. Images and pins are support files: their
# vendor tells are strong at most, never hard.
SIGNAL_TABLE: dict[str, tuple[tuple[str, tuple[Spec, ...]], ...]] = {
    "declared.k8s_resource": (  # device-plugin resource names: the scheduler places the job on that vendor
        ("nvidia.com/*", (_vendor(NVIDIA, strength=STRONG, text="requests nvidia.com devices"),)),
        ("amd.com/*", (_vendor(AMD, strength=STRONG, text="requests amd.com devices"),)),
        ("huawei.com/*", (_vendor(HUAWEI, strength=STRONG, text="requests huawei.com Ascend devices"),)),
        ("habana.ai/*", (_vendor(INTEL, strength=STRONG, text="requests habana.ai Gaudi devices"),)),
        ("google.com/tpu*", (_vendor(GOOGLE, strength=STRONG, text="requests google.com TPUs"),)),
    ),
    "declared.container_devices": (
        ("/dev/kfd", (_vendor(AMD, strength=STRONG, text="passes /dev/kfd (the ROCm kernel driver) to the container"),)),
        ("/dev/davinci*", (_vendor(HUAWEI, strength=STRONG, text="passes /dev/davinci (Ascend) to the container"),)),
        ("/dev/neuron*", (_vendor(AWS, strength=STRONG, text="passes /dev/neuron (AWS Neuron) to the container"),)),
    ),
    "image.base": (
        ("rocm/*", (_vendor(AMD, strength=STRONG, text="ROCm base image"),)),
        ("*ascend*", (_vendor(HUAWEI, strength=STRONG, text="Ascend base image"),)),
        ("*gaudi*", (_vendor(INTEL, strength=STRONG, text="Gaudi base image"),)),
        ("*habana*", (_vendor(INTEL, strength=STRONG, text="Habana base image"),)),
        ("nvcr.io/*", (_vendor(NVIDIA, AMD, strength=WEAK, text="NVIDIA NGC base image", redirectable=True),)),
        ("nvidia/cuda*", (_vendor(NVIDIA, AMD, strength=WEAK, text="CUDA base image", redirectable=True),)),
    ),
    "package.torch_variant": (
        ("rocm*", (_vendor(AMD, strength=STRONG, text="ROCm build of PyTorch pinned"),)),
        ("cu*", (_vendor(NVIDIA, strength=WEAK, text="CUDA build of PyTorch pinned"),)),
    ),
    "package.vendor": (
        ("torch?npu*", (_vendor(HUAWEI, strength=STRONG, text="torch-npu pinned (Ascend)"),)),
        ("habana*", (_vendor(INTEL, strength=STRONG, text="Habana packages pinned (Gaudi)"),)),
        ("optimum-habana*", (_vendor(INTEL, strength=STRONG, text="optimum-habana pinned (Gaudi)"),)),
        ("jax?tpu?*", (_vendor(GOOGLE, strength=STRONG, text="jax[tpu] pinned"),)),
        ("jax?cuda*", (_vendor(NVIDIA, strength=STRONG, text="jax[cuda] pinned"),)),
        ("jax-cuda*", (_vendor(NVIDIA, strength=STRONG, text="JAX CUDA plugin pinned"),)),
        ("jax?rocm*", (_vendor(AMD, strength=STRONG, text="jax[rocm] pinned"),)),
        ("jax-rocm*", (_vendor(AMD, strength=STRONG, text="JAX ROCm plugin pinned"),)),
        ("jaxlib+cuda*", (_vendor(NVIDIA, strength=STRONG, text="CUDA build of jaxlib pinned"),)),
        ("jaxlib+rocm*", (_vendor(AMD, strength=STRONG, text="ROCm build of jaxlib pinned"),)),
        ("libtpu*", (_vendor(GOOGLE, strength=STRONG, text="libtpu pinned (TPU runtime)"),)),
        ("torch?xla?tpu?*", (_vendor(GOOGLE, strength=STRONG, text="torch-xla[tpu] pinned"),)),
        ("torch?xla?cuda?*", (_vendor(NVIDIA, strength=STRONG, text="torch-xla[cuda] pinned (XLA on NVIDIA GPUs)"),)),
        ("torch?xla*", (_vendor(GOOGLE, strength=WEAK, text="torch-xla pinned"),)),
        ("torch-neuron*", (_vendor(AWS, strength=STRONG, text="torch-neuronx pinned (AWS Neuron)"),)),
        ("neuronx-*", (_vendor(AWS, strength=STRONG, text="Neuron compiler pinned (AWS Trainium/Inferentia)"),)),
    ),
}

# The signal of WAC714 (declared hardware the code contradicts): it names parts, but declares nothing new.
CONTRADICTION_SIGNAL = "declared.contradiction"

# Declared hardware names (job requests, manifests, logs, READMEs) by signal -> how strongly the name binds.
# A name constrains the job where a scheduler or a log ties it to the run (strong); stated elsewhere it is weak.
DECLARED_STRENGTH: dict[str, str] = {
    "declared.job.gpu": STRONG,
    "declared.job.partition": WEAK,
    "declared.k8s_gpu_product": STRONG,
    "declared.cloud_accelerator": STRONG,
    "declared.doc.smi": STRONG,
    "declared.doc.hardware": WEAK,
}

# Settings that mean something only together: (rule, state) pairs -> specs.
COMBINATIONS: tuple[tuple[tuple[tuple[str, State], ...], tuple[Spec, ...]], ...] = (
    (
        ((Code.GPU_PEER_TO_PEER, State.DISABLED), (Code.INFINIBAND, State.DISABLED)),
        (Spec("class", WEAK, "NCCL P2P and InfiniBand both off: the classic consumer-GPU setting",
              ("consumer", "workstation")),),
    ),
)

# TORCH_CUDA_ARCH_LIST accepts architecture names (torch.utils.cpp_extension's named arches).
NAMED_CUDA_ARCHES = {
    "kepler": ("3.5", "3.7"), "maxwell": ("5.0", "5.2"), "pascal": ("6.0", "6.1"), "volta": ("7.0",),
    "turing": ("7.5",), "ampere": ("8.0", "8.6"), "ada": ("8.9",), "hopper": ("9.0",),
}


@dataclass(frozen=True)
class ArchTarget:
    major: int
    minor: int
    ptx: bool
    specific: bool  # "9.0a": arch-specific features, runs on exactly that capability

    def runs_on(self, cc: tuple[int, int]) -> bool:
        """CUDA binary compatibility: a cubin for X.y runs on X.z with z >= y; PTX JIT-compiles for newer."""
        if self.ptx:
            return cc >= (self.major, self.minor)
        if self.specific:
            return cc == (self.major, self.minor)
        return cc[0] == self.major and cc[1] >= self.minor


def parse_cuda_arch_list(value: str) -> list[ArchTarget]:
    targets: list[ArchTarget] = []
    for item in re.split(r"[;\s,]+", str(value).strip().strip("'\"")):
        if not item:
            continue
        ptx = item.upper().endswith("+PTX")
        core = item[:-4] if ptx else item
        names = NAMED_CUDA_ARCHES.get(core.lower())
        for text in names or (core,):
            match = re.fullmatch(r"(?:sm_|compute_)?(\d+)\.?(\d)([af]?)", text.strip())
            if not match:
                continue
            major, minor = (int(match.group(1)), int(match.group(2)))
            if "." not in text and not names:  # "90" / "sm_90"
                major, minor = divmod(int(match.group(1) + match.group(2)), 10)
            targets.append(ArchTarget(major, minor, ptx, bool(match.group(3))))
    return targets


def _gfx_list(value: Any) -> set[str]:
    items = (item.split(":")[0].lower() for item in re.split(r"[;\s,]+", str(value)) if item)
    return {item for item in items if item.startswith("gfx")}


def _applies(spec: Spec, entry: Entry) -> bool:
    return not spec.applies_to or entry.vendor in spec.applies_to


def _check(spec: Spec, value: Any, entry: Entry, vendors: frozenset[str]) -> bool | None:
    if not _applies(spec, entry):
        return True
    kind = spec.kind
    if kind == "vendor":
        return entry.vendor in vendors
    if kind == "feature":
        flag = entry[spec.arg]
        return None if flag is None else bool(flag)
    if kind == "arch":
        return entry.microarchitecture in spec.arg
    if kind == "class":
        return None if entry.device_class == "unknown" else entry.device_class in spec.arg
    if kind == "gdr":
        return entry.gpudirect_rdma
    if kind == "cc_at_least":
        cc = entry.compute_capability
        return None if cc is None else cc >= tuple(spec.arg)
    if kind == "gfx_in":
        return None if entry.gfx_target is None else entry.gfx_target in spec.arg
    if kind == "declared":
        return entry.id in spec.arg
    if kind == "memory":
        from .memory import fits

        return fits(entry, spec.arg)
    if kind == "cuda_arch_list":
        targets = parse_cuda_arch_list(value)
        cc = entry.compute_capability
        if not targets or cc is None:
            return None
        return any(t.runs_on(cc) for t in targets)
    if kind == "rocm_arch_list":
        wanted = _gfx_list(value)
        if not wanted or entry.gfx_target is None:
            return None
        return entry.gfx_target in wanted
    raise ValueError(f"unknown requirement kind {kind!r}")


@dataclass(frozen=True, eq=False)
class Requirement:
    """A condition a candidate must meet, how strongly, and the lines that impose it."""

    constraint: str
    strength: str
    kind: str
    evidence: tuple[str, ...]
    rule: str
    spec: Spec = field(repr=False)
    value: Any = None
    vendors: frozenset[str] = frozenset()  # for vendor requirements: the vendors it allows
    vendored: bool = False  # from a vendored tree (someone else's code): weighed lower, sets no floor of its own
    against: bool = True  # False: counts for the vendors it allows, never against a candidate (support files)

    def check(self, entry: Entry) -> bool | None:
        return _check(self.spec, self.value, entry, self.vendors)

    @property
    def is_vendor(self) -> bool:
        return self.kind == "vendor"

    def to_dict(self) -> dict[str, Any]:
        return {"constraint": self.constraint, "strength": self.strength, "evidence": list(self.evidence),
                "rule": self.rule}


def evidence_of(finding: Finding) -> tuple[str, ...]:
    """`path:line` of a finding, plus the line that resolved it when it was resolved across files."""
    where = [f"{finding.path}:{finding.line}"]
    extra = finding.properties.get("resolved_by") if finding.properties else None
    if isinstance(extra, str) and extra:
        where.extend(part for part in extra.split(",") if part)
    return tuple(where)


def _matches(pattern: str, value: Any) -> bool:
    if pattern == "*":
        return True
    if pattern.startswith(">="):
        try:
            return int(value) >= int(pattern[2:])
        except (TypeError, ValueError):
            return False
    return isinstance(value, str) and fnmatchcase(value.lower(), pattern)


def _add_plugin_implications() -> None:
    """What plugins' rules imply for hardware: rows in TABLE's shape, keyed by the plugin's own codes."""
    from .. import plugins

    for _name, implies in plugins.each("implies"):
        for code, rows in implies.items():
            TABLE.setdefault(code, tuple((pattern, tuple(_spec(d) for d in specs)) for pattern, specs in rows))


def _spec(data: dict[str, Any]) -> Spec:
    """A constraint a plugin declares as data: {"kind", "strength", "text", "vendors" or "arg"}."""
    arg = frozenset(data["vendors"]) if data["kind"] == "vendor" else data.get("arg")
    return Spec(data["kind"], data["strength"], data["text"], arg, tuple(data.get("applies_to", ())))


_add_plugin_implications()


def specs_for(rule: str, value: Any, signal: str = "") -> tuple[Spec, ...]:
    return _first_match(TABLE.get(rule) or SIGNAL_TABLE.get(signal, ()), value)


def _first_match(rows, value: Any) -> tuple[Spec, ...]:
    for pattern, specs in rows:
        if _matches(pattern, value):
            return specs
    return ()


# Findings that name the platform XLA runs on: (rule, value pattern). torch-neuronx runs torch_xla on AWS Neuron.
XLA_PLATFORM_TELLS = ((Code.XLA_PLATFORM, "*"), (Code.VENDOR_RUNTIME_IMPORT, "torch_neuron*"), (Code.VENDOR_RUNTIME_IMPORT, "neuronx_distributed*"))


def xla_platform_vendors(findings: Iterable[Finding]) -> frozenset[str]:
    """Vendors named by the XLA platforms in force (`PJRT_DEVICE=CUDA` -> NVIDIA); empty when none is named."""
    vendors: set[str] = set()
    for f in findings:
        tells = any(f.rule == rule and _matches(pattern, f.value) for rule, pattern in XLA_PLATFORM_TELLS)
        if tells and f.in_force and not off_accelerator(f):
            for spec in specs_for(f.rule, f.value, f.signal):
                vendors |= set(spec.arg) if spec.kind == "vendor" else set()
    return frozenset(vendors)


def requirements_for(finding: Finding, redirect_to: Iterable[str] = (),
                     xla_platforms: Iterable[str] = ()) -> list[Requirement]:
    """Requirements a finding imposes; none unless it is in force (enabled and not suppressed).

    `redirect_to` names vendors whose CUDA migration shim is in force: CUDA-looking evidence
    (the nccl backend, `cuda` devices, NCCL variables) then also allows those vendors.
    `xla_platforms` names the vendors of the XLA platforms in force (WAC208): XLA-looking evidence
    (torch_xla, `xla` devices) then points to them instead of TPU (XLA is not TPU).
    """
    if finding.state is State.DISABLED and not finding.suppressed:
        # Only an explicit refusal (the extractor says "refuses to run on ..."), not a check in a dead branch.
        if finding.rule in REFUSAL_RULES and "refuses to run on" not in finding.message.lower():
            return []
        return [_requirement(spec, finding) for spec in _first_match(DISABLED_TABLE.get(finding.rule, ()), finding.value)]
    if not finding.in_force or (finding.properties or {}).get("auto") is True:
        return []  # "auto" is filled in at run time: recipes.py settles it from the launch flags, or nothing does
    if off_accelerator(finding):
        return []
    specs = specs_for(finding.rule, finding.value, finding.signal)
    reqs = [_requirement(spec, finding, redirect_to, xla_platforms) for spec in specs]
    declared = declared_spec(finding)
    if declared is not None:
        reqs.append(_requirement(declared, finding))
    return reqs


def off_accelerator(finding: Finding) -> bool:
    """True when the finding's properties place it on the host, not the accelerator (see OFF_ACCELERATOR)."""
    props = finding.properties or {}
    return any(str(props.get(key, "")).lower() in values for key, values in OFF_ACCELERATOR.items())


def declared_spec(finding: Finding) -> Spec | None:
    """Hardware a finding names outright, as catalog ids; None when it names none the catalog has.

    The ids come from `properties["catalog_ids"]` (separated by spaces or commas) or, for a declared-hardware
    signal without them, from the name itself (`Catalog.ids_for_name`). The strength is DECLARED_STRENGTH's
    for the signal, else `properties["strength"]`, else weak. Never hard: a name is not a requirement of the code.
    """
    if finding.signal == CONTRADICTION_SIGNAL:
        return None  # a contradiction repeats a declaration's names: the declaration itself counts, once
    props = finding.properties or {}
    ids = props.get("catalog_ids")
    if isinstance(ids, str) and ids.strip():
        wanted = tuple(sorted({part.lower() for part in re.split(r"[\s,]+", ids) if part}))
    elif finding.signal in DECLARED_STRENGTH and isinstance(finding.value, str):
        wanted = tuple(sorted(load_catalog().ids_for_name(finding.value)))
    else:
        return None
    if not wanted:
        return None
    strength = DECLARED_STRENGTH.get(finding.signal) or (props.get("strength") if props.get("strength") in (STRONG, WEAK)
                                                         else WEAK)
    return Spec("declared", strength, f"declared hardware: {finding.value}", wanted)


def _requirement(spec: Spec, finding: Finding, redirect_to: Iterable[str] = (),
                 xla_platforms: Iterable[str] = ()) -> Requirement:
    vendors = frozenset(spec.arg) if spec.kind == "vendor" else frozenset()
    platforms = frozenset(xla_platforms)
    if spec.xla and platforms and platforms != vendors:
        text = f"{spec.text.split(' (')[0]} (XLA on the platform in force: {', '.join(sorted(platforms))})"
        return Requirement(text, spec.strength, spec.kind, evidence_of(finding), finding.rule, spec, finding.value,
                           platforms)
    if any(v.startswith("!") for v in vendors):  # "!AMD": every vendor but AMD
        vendors = frozenset(load_catalog().vendors()) - {v[1:] for v in vendors}
    text = spec.text
    if spec.redirectable and spec.kind == "vendor":
        extra = frozenset(redirect_to) - vendors
        if extra:
            vendors |= extra
            text += f" (or {', '.join(sorted(extra))} through a CUDA migration shim)"
    if spec.kind in ("cuda_arch_list", "rocm_arch_list"):
        text = f"{text} {finding.value}"
    return Requirement(text, spec.strength, spec.kind, evidence_of(finding), finding.rule, spec, finding.value, vendors)


def combination_requirements(findings: Iterable[Finding]) -> list[Requirement]:
    """Requirements from settings that only mean something together (e.g. P2P and IB both off)."""
    live = [f for f in findings if not f.suppressed]
    out: list[Requirement] = []
    for parts, specs in COMBINATIONS:
        matched = []
        for rule, state in parts:
            hit = [f for f in live if f.rule == rule and f.state is state]
            if not hit:
                break
            matched.append(hit[0])
        else:
            evidence = tuple(e for f in matched for e in evidence_of(f))
            for spec in specs:
                out.append(Requirement(spec.text, spec.strength, spec.kind, evidence, "+".join(p[0] for p in parts),
                                       spec, None, frozenset()))
    return out
