"""The package's data files (hardware catalog, export-control rules), parsed once per process.

They live here, not in infer/, because extractors also need the catalog's names
(nvidia-smi product names, GPU families) and extractors never import the inference.
"""

from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources
from typing import Any


@lru_cache(maxsize=None)
def load(name: str) -> Any:
    return json.loads(resources.files(__package__).joinpath(name).read_text(encoding="utf-8"))
