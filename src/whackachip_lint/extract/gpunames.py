"""Accelerator names in free text: "8x A100 80GB", "H800", "Ascend 910B", `gpu:a100_80gb:8`.

One table (gpu_names.json, next to this module) lists each product family with
its name pattern and the catalog ids the name could denote. Short names that
are also ordinary tokens (T4, L4, H20, A10) only match in upper case in prose;
in scheduler requests (`--gres=gpu:h20:8`) every name matches in any case.
The catalog ids use the ids of the package's hardware catalog; the table notes
where its copy of those facts came from.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterator

_DATA = Path(__file__).with_name("gpu_names.json")

# An optional vendor word before a name, and variant words after it ("-SXM4-80GB", " 80GB", " (80 GB)", " PCIe").
_PREFIX = r"(?:(?:NVIDIA|Nvidia|nvidia|Tesla|GeForce|AMD|Instinct|Huawei|Intel|Habana|Google|Cloud)[\s-]+)*"
_SUFFIX = r"(?:[\s_-]*\(?(?:SXM\d?|PCIe|PCIE|pcie|sxm\d?|NVL|nvl|HBM3e?|\d{2,3}\s?(?:GB|G|gb|g)\b)\)?)*"


@dataclass(frozen=True)
class Family:
    name: str  # catalog-style family name, e.g. "nvidia-a100" (a prefix of its catalog ids)
    vendor: str
    ids: tuple[str, ...]
    variants: tuple[tuple[re.Pattern[str], tuple[str, ...]], ...]


@dataclass(frozen=True)
class GpuMention:
    """One accelerator name found in a text."""

    text: str  # as written, e.g. "NVIDIA A100-SXM4-80GB"
    start: int  # offsets into the searched text
    end: int
    family: str  # "nvidia-a100"
    vendor: str  # "NVIDIA"
    ids: tuple[str, ...]  # catalog ids the name could denote (empty: not in the catalog)

    def properties(self) -> dict[str, str]:
        """The properties every declared-hardware finding carries."""
        return {"gpu": self.family, "vendor": self.vendor, "catalog_ids": " ".join(self.ids)}


@lru_cache(maxsize=1)
def table() -> dict[str, Any]:
    return json.loads(_DATA.read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def _families() -> tuple[Family, ...]:
    return tuple(
        Family(
            name=f["name"],
            vendor=f["vendor"],
            ids=tuple(f["ids"]),
            variants=tuple((re.compile(v["match"], re.I), tuple(v["ids"])) for v in f.get("variants", ())),
        )
        for f in table()["families"]
    )


@lru_cache(maxsize=2)
def _pattern(loose: bool) -> re.Pattern[str]:
    parts = []
    for i, f in enumerate(table()["families"]):
        core = f["pattern"]
        if f.get("case_sensitive") and not loose:
            core = f"(?-i:{core})"
        parts.append(f"(?P<f{i}>{core})")
    # Word edges by hand: "_" and "-" count as separators (gres types like a100_80gb), digits and letters do not.
    body = "|".join(parts)
    return re.compile(rf"(?<![A-Za-z0-9])(?P<name>{_PREFIX}(?:{body}))(?P<plural>s(?![A-Za-z0-9]))?(?P<suffix>{_SUFFIX})(?![A-Za-z0-9])", re.I)


def find(text: str, loose: bool = False) -> Iterator[GpuMention]:
    """Every accelerator name in `text`, left to right. `loose`: match short names in any case (job requests)."""
    families = _families()
    for m in _pattern(loose).finditer(text):
        index = next(int(k[1:]) for k, v in m.groupdict().items() if v is not None and k.startswith("f"))
        family = families[index]
        suffix = m.group("suffix")
        ids = family.ids
        for regex, narrowed in family.variants:
            if regex.search(suffix):
                ids = tuple(i for i in ids if i in narrowed) or ids
        end = m.end("suffix") if suffix.strip(" -_") else m.end("name")  # "A100s" is written "A100"
        written = text[m.start("name") : end].rstrip(" (-_")
        if written.endswith(")") and written.count(")") > written.count("("):
            written = written[:-1].rstrip(" -_")
        yield GpuMention(written, m.start("name"), m.start("name") + len(written), family.name, family.vendor, ids)


def first(text: str, loose: bool = True) -> GpuMention | None:
    return next(find(text, loose), None)


def smi_name_ids(name: str) -> tuple[str, ...]:
    """Catalog ids for an exact nvidia-smi product name ("NVIDIA A100-SXM4-80GB"), else by pattern."""
    exact = table()["nvidia_smi_names"].get(name.strip())
    if exact:
        return (exact,)
    mention = first(name)
    return mention.ids if mention else ()


def facts(catalog_id: str) -> dict[str, Any]:
    """The few catalog facts the declared-hardware cross-check needs (vendor, bf16/fp8/fp4 support)."""
    return table()["facts"].get(catalog_id, {})


__all__ = ["GpuMention", "facts", "find", "first", "smi_name_ids", "table"]
