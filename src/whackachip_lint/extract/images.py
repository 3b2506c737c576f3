"""What a container image reference says about the accelerator stack inside it.

`describe_image("rocm/pytorch:rocm6.1_ubuntu22.04_py3.10_pytorch_2.4")` ->
{"vendor": "amd", "accelerator": "gpu", "rocm": "6.1"}. Only what the reference itself states is
reported: an NGC release (`24.01`) is kept as `ngc_release`, not turned into a CUDA version we
would have to guess. Images with no accelerator stack (ubuntu, python) give None.
The tables are data: add an image family by adding a row.
"""

from __future__ import annotations

import re
from typing import Optional

from ..evidence import Value

# (pattern on the lower-cased reference, vendor, accelerator). First match decides the vendor.
VENDOR_PATTERNS: tuple[tuple[re.Pattern[str], str, str], ...] = (
    (re.compile(r"(?:^|/)rocm/|rocm[-_]?\d|(?:^|[/_-])rocm(?:[/_:-]|$)"), "amd", "gpu"),
    (re.compile(r"ascend|(?:^|/)cann[:/_-]|mindspore-ascend"), "huawei", "npu"),
    (re.compile(r"habana|gaudi"), "intel", "hpu"),
    (re.compile(r"tpu-pytorch|tpuvm|cloud-tpu|(?:^|/)libtpu"), "google", "tpu"),
    (re.compile(r"intel-extension-for-pytorch:.*xpu|(?:^|/)intel/.*xpu"), "intel", "xpu"),
    (re.compile(r"^(?:nvcr\.io/)?nvidia/|cuda[-_]?\d|(?:^|[^a-z])cu\d{2,3}(?:[^0-9]|$)|(?:^|/)pytorch/pytorch:.*cuda"),
     "nvidia", "gpu"),
)

_UNRESOLVED = re.compile(r"\$\{[^}]*\}|\$[A-Za-z_][A-Za-z0-9_]*")
_NGC = re.compile(r"^nvcr\.io/nvidia/[^:@]+:(\d\d\.\d\d)\b")
_CUDA_IMAGE_TAG = re.compile(r"^(?:nvcr\.io/)?nvidia/cuda:(\d+\.\d+(?:\.\d+)?)")
_CUDA_IN_TAG = re.compile(r"cuda[-_]?(\d+\.\d+(?:\.\d+)?)")
_CU_IN_TAG = re.compile(r"(?:^|[^a-z])cu(\d{2,3})(?:[^0-9]|$)")
_ROCM_IN_REF = re.compile(r"rocm[-_]?(\d+\.\d+(?:\.\d+)?)")
_ROCM_DEV_TAG = re.compile(r"^rocm/(?:dev-[^:]+|rocm-terminal|rocm-build-ubuntu[^:]*):(\d+\.\d+(?:\.\d+)?)")
_CANN = re.compile(r"cann[-_:]?v?(\d+\.\d+\.[0-9a-z.]+?)(?=[-_]|$)")
_ASCEND_CHIP = re.compile(r"(910b|910c|910a|910|310p|310b)")
_GAUDI_VERSION = re.compile(r"gaudi-docker/(\d+\.\d+\.\d+)/")


def split_reference(ref: str) -> tuple[str, str]:
    """"rocm/pytorch:tag@sha256:..." -> ("rocm/pytorch", "tag")."""
    ref = ref.split("@", 1)[0]
    slash = ref.rfind("/")
    colon = ref.rfind(":")
    if colon > slash:
        return ref[:colon], ref[colon + 1 :]
    return ref, ""


def cuda_from_cu(digits: str) -> str:
    """"121" -> "12.1", "118" -> "11.8", "92" -> "9.2"."""
    return f"{digits[:-1]}.{digits[-1]}"


def describe_image(ref: str) -> Optional[dict[str, Value]]:
    """Vendor, accelerator and stated toolkit versions of an image, or None when it names no accelerator stack."""
    low = _UNRESOLVED.sub("", ref.strip().lower())  # `nvcr.io/nvidia/pytorch:${TAG}` still names its vendor
    if not low or "$" in low:
        return None
    props: dict[str, Value] = {}
    for pattern, vendor, accelerator in VENDOR_PATTERNS:
        if pattern.search(low):
            props["vendor"] = vendor
            props["accelerator"] = accelerator
            break
    else:
        return None
    name, tag = split_reference(low)
    vendor = props["vendor"]
    if vendor == "nvidia":
        match = _CUDA_IMAGE_TAG.match(low) or _CUDA_IN_TAG.search(tag)
        if match:
            props["cuda"] = match.group(1)
        else:
            cu = _CU_IN_TAG.search(tag)
            if cu:
                props["cuda"] = cuda_from_cu(cu.group(1))
        ngc = _NGC.match(low)
        if ngc:
            props["ngc_release"] = ngc.group(1)
    elif vendor == "amd":
        match = _ROCM_IN_REF.search(tag) or _ROCM_DEV_TAG.match(low)
        if match:
            props["rocm"] = match.group(1)
    elif vendor == "huawei":
        match = _CANN.search(low)
        if match is None and name.endswith("/cann"):
            match = re.match(r"v?(\d+\.\d+\.[0-9a-z]+)", tag)
        if match:
            props["cann"] = match.group(1)
        chip = _ASCEND_CHIP.search(tag)
        if chip:
            props["chip"] = chip.group(1)
    elif vendor == "intel" and props["accelerator"] == "hpu":
        match = _GAUDI_VERSION.search(low)
        if match:
            props["gaudi"] = match.group(1)
    return props


__all__ = ["describe_image", "split_reference", "cuda_from_cu"]
