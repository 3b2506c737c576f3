"""The package's data files (hardware catalog, export-control rules), parsed once per process.

They live here, not in infer/, because extractors also need the catalog's names
(nvidia-smi product names, GPU families) and extractors never import the inference.
"""

from __future__ import annotations

import hashlib
import json
from functools import lru_cache
from importlib import resources
from typing import Any


# Fields every catalog entry carries, the catalog's own and a plugin's (null values mean unknown).
CATALOG_REQUIRED_FIELDS = (
    "id", "name", "vendor", "microarchitecture", "compute_capability", "amd_gfx_target", "segment",
    "memory_options", "memory_type", "supports_bf16", "supports_tf32", "supports_fp8", "supports_fp4",
    "gpudirect_rdma", "interconnect", "tpp", "performance_density", "eccn_3a090_oct2023",
    "china_compliant_variant", "datacenter_designed", "sources",
)


@lru_cache(maxsize=None)
def load(name: str) -> Any:
    return json.loads(resources.files(__package__).joinpath(name).read_text(encoding="utf-8"))


@lru_cache(maxsize=None)
def catalog_revision() -> str:
    """The catalog's date and content hash: a verdict depends on the catalog as much as on the code.

    The hash is of the file's bytes, so any edit to an entry (a corrected TPP, a new part) shows as a new revision
    without anyone having to remember to bump a field.
    """
    raw = resources.files(__package__).joinpath("catalog.json").read_bytes()
    copied = json.loads(raw).get("copied", "undated")
    return f"{copied}, sha256:{hashlib.sha256(raw).hexdigest()[:12]}"
