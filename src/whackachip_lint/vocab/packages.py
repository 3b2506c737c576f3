"""Python packages that say which accelerator they are for, by canonical name (PEP 503: `Torch_NPU` -> `torch-npu`).

Read by extract/pins.py wherever requirements are written (requirements files, pyproject, setup.py and setup.cfg,
conda environments, `pip install` in Dockerfiles and scripts). The tables are data: add a package by adding a row;
plugins add theirs (plugins.Vocabulary.packages), merged here once plugins are loaded.
"""

from __future__ import annotations

import re

from .. import plugins
from ..evidence import Value


def canonical(name: str) -> str:
    """A package name as PEP 503 compares it (what `packaging.utils.canonicalize_name` gives)."""
    return re.sub(r"[-_.]+", "-", name).lower()


# canonical name -> (vendor, accelerator): packages that exist for one accelerator only (WAC803).
VENDOR_PACKAGES: dict[str, tuple[str, str]] = {
    "torch-npu": ("huawei", "npu"),
    "optimum-habana": ("intel", "hpu"),
    "habana-torch-plugin": ("intel", "hpu"),
    "habana-torch-dataloader": ("intel", "hpu"),
    "habana-media-loader": ("intel", "hpu"),
    "habana-pyhlml": ("intel", "hpu"),
    "libtpu": ("google", "tpu"),
    "libtpu-nightly": ("google", "tpu"),
    "mlx": ("apple", "mps"),
    "tensorflow-metal": ("apple", "mps"),
    "pytorch-triton-rocm": ("amd", "gpu"),
    "tensorflow-rocm": ("amd", "gpu"),
    "onnxruntime-rocm": ("amd", "gpu"),
    "amdsmi": ("amd", "gpu"),
    "paddlepaddle-gpu": ("nvidia", "gpu"),
    "onnxruntime-gpu": ("nvidia", "gpu"),
    "tensorrt": ("nvidia", "gpu"),
    "tensorrt-llm": ("nvidia", "gpu"),
    "nvidia-modelopt": ("nvidia", "gpu"),
    "torch-neuronx": ("aws", "neuron"),
    "neuronx-cc": ("aws", "neuron"),
    "torch-neuron": ("aws", "neuron"),
}
# Name patterns for families with the toolkit in the name (cupy-cuda12x, nvidia-dali-cuda120, cupy-rocm-5-0).
VENDOR_PACKAGE_PATTERNS: tuple[tuple[re.Pattern[str], str, str], ...] = (
    (re.compile(r"^cupy-cuda\d+x?$|^nvidia-dali-cuda\d+$|^mxnet-cu\d+"), "nvidia", "gpu"),
    (re.compile(r"^cupy-rocm-"), "amd", "gpu"),
    (re.compile(r"^habana-"), "intel", "hpu"),
    # RAPIDS and JAX plugins name the CUDA major or ROCm version they are built for.
    (re.compile(r"^(?:cudf|cuml|cugraph|cuvs|rmm|cupy|dask-cudf)-cu\d+$|^jax-cuda\d+-(?:plugin|pjrt)$"),
     "nvidia", "gpu"),
    (re.compile(r"^jax-rocm\d+-(?:plugin|pjrt)$"), "amd", "gpu"),
)
# Packages whose extra decides the accelerator: name -> {extra prefix: (vendor, accelerator)}.
VENDOR_EXTRAS: dict[str, dict[str, tuple[str, str]]] = {
    "jax": {"tpu": ("google", "tpu"), "cuda": ("nvidia", "gpu"), "rocm": ("amd", "gpu")},
    "torch-xla": {"tpu": ("google", "tpu"), "cuda": ("nvidia", "gpu")},
}
# Packages whose local version (+xpu, +cuda12) decides the accelerator.
VENDOR_LOCAL_VERSIONS: dict[str, dict[str, tuple[str, str]]] = {
    "intel-extension-for-pytorch": {"xpu": ("intel", "xpu")},
    "jaxlib": {"cuda": ("nvidia", "gpu"), "rocm": ("amd", "gpu")},
    "torch-xla": {"cuda": ("nvidia", "gpu")},
}
# Packages whose wheel URL decides the accelerator: name -> ((URL pattern, vendor, accelerator, value), ...).
# torch_xla's CUDA wheels are published under .../pytorch-xla-releases/wheels/cuda/<version>/.
VENDOR_URLS: dict[str, tuple[tuple[re.Pattern[str], str, str, str], ...]] = {
    "torch-xla": ((re.compile(r"/wheels/cuda/|torch_xla-[^/]*\+cuda", re.I), "nvidia", "gpu", "torch-xla[cuda]"),),
}

# canonical name -> properties (WAC804). "kernel" for FlashAttention is decided by version (extract/pins.py).
KERNEL_PACKAGES: dict[str, dict[str, Value]] = {
    "flash-attn": {"kernel": "fa2", "vendors": "nvidia,amd"},
    "flash-attn-3": {"kernel": "fa3", "vendors": "nvidia"},
    "transformer-engine": {"vendors": "nvidia"},
    "transformer-engine-torch": {"vendors": "nvidia"},
    "transformer-engine-cu12": {"vendors": "nvidia"},
    "apex": {"vendors": "nvidia,amd"},
    "bitsandbytes": {},
    "xformers": {"vendors": "nvidia,amd"},
    "triton": {"vendors": "nvidia,amd"},
    "deepspeed": {},
}

# PyTorch builds: the packages built per variant.
TORCH_PACKAGES = frozenset({"torch", "torchvision", "torchaudio", "pytorch"})

# Packages plugins add (plugins.Vocabulary.packages): canonical name -> (plugin, what it implies, as constraint data).
# Each also joins VENDOR_PACKAGES, for the vendor its constraints name.
ADDED: dict[str, tuple[str, tuple]] = {}


def _add_plugin_packages(loaded: plugins.Loaded) -> None:
    for name, package, specs in plugins.new_words(loaded, "packages", "package", _reader, canonical):
        vendor = next((str(v).lower() for spec in specs for v in spec.get("vendors", ())), name)
        ADDED[package] = (name, tuple(specs))
        VENDOR_PACKAGES[package] = (vendor, vendor)


def _reader(package: str) -> str | None:
    """"wac-lint" when one of the tables above gives the package a meaning already (extract/pins.py reads them)."""
    tables = (VENDOR_PACKAGES, VENDOR_EXTRAS, VENDOR_LOCAL_VERSIONS, VENDOR_URLS, TORCH_PACKAGES, KERNEL_PACKAGES)
    known = any(package in table for table in tables) or any(p.match(package) for p, _, _ in VENDOR_PACKAGE_PATTERNS)
    return "wac-lint" if known else None


plugins.when_loaded(_add_plugin_packages)
