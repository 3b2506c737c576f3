"""Data files more than one layer reads (the hardware catalog), parsed once per process.

The catalog lives here, not in infer/, because extractors also need its names
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
