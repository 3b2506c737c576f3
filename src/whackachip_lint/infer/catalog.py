"""The hardware catalog: one entry per accelerator, loaded from data/catalog.json (data, with sources)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Iterator, Mapping
from ..data import CATALOG_REQUIRED_FIELDS
from ..data import load as load_data

# Catalog `segment` text -> the device class the inference reasons about. Matched by prefix, longest first.
DEVICE_CLASS_BY_SEGMENT = {
    "datacenter": "datacenter",
    "cloud-only": "datacenter",
    "workstation": "workstation",
    "consumer/workstation": "consumer",
    "consumer": "consumer",
}

# Catalog vendor text -> the short vendor name used in verdicts.
VENDOR_NAMES = {"Intel (Habana Labs)": "Intel"}

# Fields every entry must carry (a test checks completeness; null values are allowed and mean unknown).
REQUIRED_FIELDS = CATALOG_REQUIRED_FIELDS


@dataclass(frozen=True)
class Entry:
    """One catalog entry; `data` is the raw JSON object, properties give normalised views."""

    data: Mapping[str, Any]

    def __getitem__(self, key: str) -> Any:
        return self.data.get(key)

    @property
    def id(self) -> str:
        return self.data["id"]

    @property
    def name(self) -> str:
        return self.data["name"]

    @property
    def vendor(self) -> str:
        raw = self.data["vendor"]
        return VENDOR_NAMES.get(raw, raw)

    @property
    def microarchitecture(self) -> str | None:
        return self.data.get("microarchitecture")

    @property
    def compute_capability(self) -> tuple[int, int] | None:
        text = self.data.get("compute_capability")
        if not text:
            return None
        major, _, minor = str(text).partition(".")
        return int(major), int(minor or 0)

    @property
    def gfx_target(self) -> str | None:
        return self.data.get("amd_gfx_target")

    @property
    def device_class(self) -> str:
        segment = (self.data.get("segment") or "").lower()
        for prefix in sorted(DEVICE_CLASS_BY_SEGMENT, key=len, reverse=True):
            if segment.startswith(prefix):
                return DEVICE_CLASS_BY_SEGMENT[prefix]
        return "unknown"

    @property
    def gpudirect_rdma(self) -> bool | None:
        """Whether GPUDirect RDMA (or AMD's peer-direct equivalent) is available; None when unknown."""
        info = self.data.get("gpudirect_rdma")
        status = (info or {}).get("status") if isinstance(info, dict) else None
        if not status:
            return None
        status = status.lower()
        if status.startswith("not supported") or status.startswith("n/a"):
            return False
        if status.startswith("supported") or "equivalent" in status:
            return True
        return None

    @property
    def generation_key(self) -> tuple:
        """Order within a vendor: compute capability or gfx target, then release year (unknown last)."""
        cc = self.compute_capability
        if cc is None and self.gfx_target:
            cc = (0, int(self.gfx_target[3:], 16))  # gfx908 < gfx90a < gfx942 (hex digits)
        return (cc or (99, 99), self.data.get("release_year") or 9999, self.id)

    def to_dict(self) -> dict[str, Any]:
        return dict(self.data)


class Catalog:
    def __init__(self, entries: list[Entry], source: str = ""):
        self.entries = entries
        self.source = source
        self._by_id = {e.id: e for e in entries}

    def get(self, entry_id: str) -> Entry:
        try:
            return self._by_id[entry_id.lower()]
        except KeyError:
            raise KeyError(f"unknown hardware id {entry_id!r} (see `wac-lint hardware`)") from None

    def __contains__(self, entry_id: str) -> bool:
        return entry_id.lower() in self._by_id

    def __iter__(self) -> Iterator[Entry]:
        return iter(self.entries)

    def __len__(self) -> int:
        return len(self.entries)

    def vendors(self) -> list[str]:
        seen: dict[str, None] = {}
        for entry in self.entries:
            seen.setdefault(entry.vendor, None)
        return list(seen)

    def by_vendor(self, vendor: str) -> list[Entry]:
        return [e for e in self.entries if e.vendor == vendor]

    def ids_for_name(self, name: str) -> list[str]:
        """Catalog ids a hardware name can mean: an nvidia-smi name, a SLURM gres type, "A100", "H20", "mi300x".

        Exact matches only (a name's leading tokens joined must equal a model key), so "h20" never
        matches the H200. Several ids come back when the name does not say the form factor.
        """
        low = name.strip().lower()
        exact = [e.id for e in self.entries if any(n.lower() == low for n in e["nvidia_smi_names"] or [])]
        if exact:
            return exact
        tokens = _name_tokens(name)
        for size in range(len(tokens), 0, -1):
            key = "".join(tokens[:size])
            found = [e.id for e in self.entries if key in model_keys(e.id)]
            if found:
                return found
        return []


# Words in product names that say nothing about the model ("NVIDIA GeForce RTX 4090" -> rtx 4090).
_NAME_NOISE = {"nvidia", "geforce", "tesla", "amd", "instinct", "huawei", "intel", "habana", "google", "cloud", "apple"}
# Id tokens after the model: form factor and memory size ("a100-sxm4-80gb" -> model "a100").
_FORM_TOKEN = re.compile(r"^(?:sxm\d*|pcie|nvl|\d+gb)$")


def model_keys(entry_id: str) -> set[str]:
    """The model names an id answers to: "nvidia-rtx-4090d" -> {"rtx4090d", "4090d"}."""
    tokens = entry_id.split("-")[1:]
    model: list[str] = []
    for token in tokens:
        if _FORM_TOKEN.match(token):
            break
        model.append(token)
    keys = {"".join(model)}
    if model and model[0] in ("rtx", "ascend", "tpu") and len(model) > 1:
        keys.add("".join(model[1:]))
    return keys


def _name_tokens(name: str) -> list[str]:
    return [t for t in re.split(r"[^a-z0-9]+", name.lower()) if t and t not in _NAME_NOISE]


@lru_cache(maxsize=1)
def load_catalog() -> Catalog:
    from .. import plugins

    doc = load_data("catalog.json")
    entries = [Entry(e) for e in doc["entries"]]
    known = {e.id for e in entries}
    for name, extra in plugins.each("catalog"):  # entries of installed plugins, marked with the plugin's name
        entries += [Entry({**e, "plugin": name}) for e in extra if e["id"] not in known]
    return Catalog(entries, doc.get("source", ""))
