"""What one dependency pin says about hardware, shared by every file that lists dependencies.

requirements*.txt, pyproject.toml, setup.cfg, setup.py, environment.yml and `pip install` lines
in Dockerfiles all hand their requirement strings to `requirement_facts`, and index URLs to
`index_url_facts`, so a pin means the same wherever it is written. Requirement strings are
parsed with `packaging` (PEP 508), the parser pip itself vendors. The package tables are data.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Optional

from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name

from .. import plugins
from ..evidence import Value
from .images import cuda_from_cu
from ..rules.codes import Code

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

# canonical name -> properties (WAC804). "kernel" for FlashAttention is decided by version below.
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

# PyTorch builds: the packages built per variant, and how a variant is written.
TORCH_PACKAGES = frozenset({"torch", "torchvision", "torchaudio", "pytorch"})
_VARIANT = re.compile(r"^(cu\d{2,3}|rocm\d+(?:\.\d+)*|cpu|xpu)$")
_URL_VARIANT = re.compile(r"download\.pytorch\.org/whl/(?:nightly/|test/)?(cu\d{2,3}|rocm\d+(?:\.\d+)*|cpu|xpu)\b")
_WHEEL_VARIANT = re.compile(r"(?:%2B|\+)(cu\d{2,3}|rocm\d+(?:\.\d+)*|cpu|xpu)\b", re.IGNORECASE)
_NVIDIA_CUDA_RUNTIME = re.compile(r"^nvidia-cuda-runtime-cu(\d+)$")


@dataclass(frozen=True)
class PinFact:
    rule: str
    value: Value
    detail: str
    properties: dict[str, Value] = field(default_factory=dict)
    conditional: bool = False  # behind an environment marker


def variant_properties(variant: str) -> dict[str, Value]:
    """"cu121" -> {"vendor": "nvidia", "cuda": "12.1"}; "rocm6.1" -> {"vendor": "amd", "rocm": "6.1"}."""
    if variant.startswith("cu"):
        return {"vendor": "nvidia", "accelerator": "gpu", "cuda": cuda_from_cu(variant[2:])}
    if variant.startswith("rocm"):
        return {"vendor": "amd", "accelerator": "gpu", "rocm": variant[4:]}
    if variant == "xpu":
        return {"vendor": "intel", "accelerator": "xpu"}
    return {"accelerator": "cpu"}


def index_url_facts(url: str) -> list[PinFact]:
    """A PyTorch index URL (`--index-url https://download.pytorch.org/whl/cu121`) names the build variant."""
    match = _URL_VARIANT.search(url)
    if not match:
        return []
    variant = match.group(1)
    props = {"variant": variant, "source": "index-url", "url": url, **variant_properties(variant)}
    return [PinFact(Code.TORCH_WHEEL_VARIANT, variant, f"PyTorch {variant} index", props)]


def parse_requirement(text: str) -> Optional[Requirement]:
    try:
        return Requirement(text.strip())
    except InvalidRequirement:
        return None


def _version(req: Requirement) -> Optional[str]:
    for spec in req.specifier:
        if spec.operator in ("==", "===", "~=", ">="):
            return spec.version
    return None


def requirement_facts(text: str) -> Optional[list[PinFact]]:
    """Hardware facts of one PEP 508 requirement string; None when it is not a requirement at all."""
    req = parse_requirement(text)
    if req is None:
        return None
    name = canonicalize_name(req.name)
    version = _version(req)
    conditional = req.marker is not None
    base: dict[str, Value] = {"package": req.name}
    if version:
        base["version"] = version
    if req.marker is not None:
        base["marker"] = str(req.marker)
    facts: list[PinFact] = []
    local = version.split("+", 1)[1].lower() if version and "+" in version else ""
    if _VARIANT.match(local):
        base["variant"] = local

    if name in TORCH_PACKAGES:
        variant = local if _VARIANT.match(local) else ""
        source = "local-version"
        if not variant and req.url:
            found = _URL_VARIANT.search(req.url) or _WHEEL_VARIANT.search(req.url)
            variant, source = (found.group(1).lower(), "wheel-url") if found else ("", "")
        if variant:
            props = {**base, "variant": variant, "source": source, **variant_properties(variant)}
            facts.append(PinFact(Code.TORCH_WHEEL_VARIANT, variant, f"{req.name} {variant} build", props, conditional))

    vendor = VENDOR_PACKAGES.get(name)
    value: Value = name
    if vendor is None:
        for pattern, v, accelerator in VENDOR_PACKAGE_PATTERNS:
            if pattern.match(name):
                vendor = (v, accelerator)
                break
    if vendor is None and name in VENDOR_EXTRAS:
        for extra in sorted(req.extras):
            for prefix, candidate in VENDOR_EXTRAS[name].items():
                if extra.lower().startswith(prefix):
                    vendor, value = candidate, f"{name}[{extra.lower()}]"
                    break
            if vendor:
                break
    if vendor is None and name in VENDOR_LOCAL_VERSIONS and local:
        for prefix, candidate in VENDOR_LOCAL_VERSIONS[name].items():
            if local.startswith(prefix):
                vendor, value = candidate, f"{name}+{local}"
                break
    if vendor is None and req.url and name in VENDOR_URLS:
        for pattern, v, accelerator, named in VENDOR_URLS[name]:
            if pattern.search(req.url):
                vendor, value = (v, accelerator), named
                break
    if vendor is not None:
        props = {**base, "vendor": vendor[0], "accelerator": vendor[1]}
        detail = f"{req.name} is built for {vendor[1]} devices"
        facts.append(PinFact(Code.VENDOR_RUNTIME_PACKAGE, value, detail, props, conditional))

    kernel = KERNEL_PACKAGES.get(name)
    if kernel is not None:
        props = {**base, **kernel}
        if name == "flash-attn" and version and version.split(".")[0] == "1":
            props["kernel"] = "fa1"
        facts.append(PinFact(Code.ACCELERATOR_LIBRARY_PACKAGE, name, f"{req.name} dependency", props, conditional))

    cuda = _NVIDIA_CUDA_RUNTIME.match(name)
    if cuda:
        props = {**base, "vendor": "nvidia"}
        facts.append(PinFact(Code.CUDA_TOOLKIT_PIN, version or cuda.group(1), f"{req.name} pinned", props, conditional))
    return facts


# conda specs: "pytorch-cuda=12.1", "cudatoolkit=11.8", "pytorch=2.1.0=py3.10_cuda12.1_cudnn8_0",
# "nvidia::cuda-toolkit=12.1"
_CONDA_SPEC = re.compile(r"^(?:[\w.-]+::)?([A-Za-z0-9_.-]+)\s*(?:(==?|>=|<=|>|<|~=)\s*([^=\s]+))?(?:=(\S+))?\s*$")
CONDA_CUDA_TOOLKITS = frozenset({"cudatoolkit", "cuda-toolkit", "cuda-version", "cuda-nvcc", "cuda-runtime", "cuda"})
_CONDA_BUILD_CUDA = re.compile(r"cuda(\d+)\.?(\d+)")


def conda_facts(spec: str) -> Optional[list[PinFact]]:
    """Hardware facts of one conda dependency spec; None when it does not parse as one."""
    match = _CONDA_SPEC.match(spec.strip())
    if not match:
        return None
    name, version, build = match.group(1).lower(), match.group(3), match.group(4)
    props: dict[str, Value] = {"package": match.group(1)}
    if version:
        props["version"] = version
    if name == "pytorch-cuda" and version:
        variant = "cu" + version.replace(".", "")
        props = {**props, "variant": variant, "source": "conda", **variant_properties(variant)}
        return [PinFact(Code.TORCH_WHEEL_VARIANT, variant, f"conda pytorch-cuda={version}", props)]
    if name in CONDA_CUDA_TOOLKITS and version:
        return [PinFact(Code.CUDA_TOOLKIT_PIN, version, f"conda {name}={version}", {**props, "vendor": "nvidia"})]
    if name in ("pytorch", "torch") and build:
        found = _CONDA_BUILD_CUDA.search(build)
        if found:
            variant = f"cu{found.group(1)}{found.group(2)}"
            props = {**props, "variant": variant, "source": "conda", **variant_properties(variant)}
            return [PinFact(Code.TORCH_WHEEL_VARIANT, variant, f"conda build {build}", props)]
        if build.startswith("cpu") or "_cpu_" in build:
            props = {**props, "variant": "cpu", "source": "conda", **variant_properties("cpu")}
            return [PinFact(Code.TORCH_WHEEL_VARIANT, "cpu", f"conda build {build}", props)]
    # Fall back to the pip rules for packages with the same name on conda-forge (e.g. mlx, libtpu).
    return requirement_facts(match.group(1) + (f"=={version}" if version and version[0].isdigit() else ""))


# Packages plugins add (plugins.Vocabulary.packages): canonical name -> (plugin, what it implies, as constraint data).
# Each also joins VENDOR_PACKAGES, for the vendor its constraints name.
ADDED: dict[str, tuple[str, tuple]] = {}


def _add_plugin_packages(loaded: plugins.Loaded) -> None:
    for name, package, specs in plugins.new_words(loaded, "packages", "package", _reader, canonicalize_name):
        vendor = next((str(v).lower() for spec in specs for v in spec.get("vendors", ())), name)
        ADDED[package] = (name, tuple(specs))
        VENDOR_PACKAGES[package] = (vendor, vendor)


def _reader(package: str) -> str | None:
    """"wac-lint" when one of the tables above gives the package a meaning already."""
    tables = (VENDOR_PACKAGES, VENDOR_EXTRAS, VENDOR_LOCAL_VERSIONS, VENDOR_URLS, TORCH_PACKAGES, KERNEL_PACKAGES)
    known = any(package in table for table in tables) or any(p.match(package) for p, _, _ in VENDOR_PACKAGE_PATTERNS)
    return "wac-lint" if known else None


plugins.when_loaded(_add_plugin_packages)


__all__ = ["PinFact", "conda_facts", "index_url_facts", "parse_requirement", "requirement_facts", "variant_properties"]
