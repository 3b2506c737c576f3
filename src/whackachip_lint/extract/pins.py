"""What one dependency pin says about hardware, shared by every file that lists dependencies.

requirements*.txt, pyproject.toml, setup.cfg, setup.py, environment.yml and `pip install` lines
(read by pip_install.py in Dockerfiles, scripts, README blocks and notebooks) all hand their requirement strings
to `requirement_facts`, and index URLs to `index_url_facts`, so a pin means the same wherever it is written. Requirement strings are
parsed with `packaging` (PEP 508), the parser pip itself vendors. The package tables are data.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Optional

from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name

from ..evidence import Value
from ..vocab.packages import (
    KERNEL_PACKAGES, TORCH_PACKAGES, VENDOR_EXTRAS, VENDOR_LOCAL_VERSIONS, VENDOR_PACKAGE_PATTERNS, VENDOR_PACKAGES,
    VENDOR_URLS,
)
from .images import cuda_from_cu
from ..rules.codes import Code

# pip's options that name an index (`pip install` lines: pip_install.py; requirements files, environment.yml's pip
# entries), and the same as a regular expression's alternatives.
PIP_INDEX_OPTIONS = frozenset({"-i", "--index-url", "--extra-index-url", "-f", "--find-links"})
PIP_INDEX_OPTION = "|".join(re.escape(option) for option in sorted(PIP_INDEX_OPTIONS, key=lambda o: (-len(o), o)))

# How a PyTorch build's variant is written (TORCH_PACKAGES: the packages built per variant).
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


# NVIDIA's conda channel labels name the CUDA release whose packages they hold (`-c nvidia/label/cuda-12.1.0`, or
# the channel's URL): the toolkit `conda install cuda-toolkit` takes from them.
_NVIDIA_CUDA_LABEL = re.compile(r"(?:^|/)nvidia/label/cuda-(\d+\.\d+(?:\.\d+)?)/?$")


def channel_facts(channel: str) -> list[PinFact]:
    """Hardware facts of a conda channel (`-c CHANNEL`). A plain channel name (`nvidia`, `intel`, `pytorch`) says
    where packages come from, not what they are built for: the packages installed from it say that."""
    label = _NVIDIA_CUDA_LABEL.search(channel)
    if label is None:
        return []
    props: dict[str, Value] = {"package": "cuda", "version": label.group(1), "channel": channel, "vendor": "nvidia"}
    return [PinFact(Code.CUDA_TOOLKIT_PIN, label.group(1), f"conda channel {channel}", props)]


# `#egg=NAME` of a VCS or archive URL (`git+https://...#egg=flash_attn&subdirectory=csrc`): the package pip installs.
_EGG = re.compile(r"^(?:[A-Za-z][\w+.-]*://|git\+|hg\+|svn\+|bzr\+)\S*#(?:\S*&)?egg=([A-Za-z0-9_.-]+)")


def egg_name(url: str) -> Optional[str]:
    """The package a `#egg=` URL names (`-e git+https://...#egg=apex` installs apex); None for anything else."""
    match = _EGG.match(url.strip())
    return match.group(1) if match else None


__all__ = ["PinFact", "channel_facts", "conda_facts", "egg_name", "index_url_facts", "parse_requirement",
           "requirement_facts", "variant_properties"]
