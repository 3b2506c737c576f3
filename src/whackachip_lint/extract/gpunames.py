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
from ..data import load as load_data

_DATA = Path(__file__).with_name("gpu_names.json")

# An optional vendor word before a name, and variant words after it ("-SXM4-80GB", " 80GB", " (80 GB)", " PCIe").
_PREFIX = r"(?:(?:NVIDIA|Nvidia|nvidia|Tesla|GeForce|AMD|Instinct|Huawei|Intel|Habana|Google|Cloud)[\s-]+)*"
# Look-behinds are of fixed width: one per count length.
_GLUED_COUNT = "|".join(rf"(?<=(?<![A-Za-z0-9])[1-9]\d{{{n}}}[xX×])" for n in range(4))
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
    # Word edges by hand: "_" and "-" count as separators (gres types like a100_80gb), digits and letters do not,
    # but for a device count glued to the name by an "x" ("8XA100 40GB node", "8xH100"): 1 to 4 digits, the first
    # 1-9 (a hexadecimal "0xA100" is no count), after a word edge.
    body = "|".join(parts)
    return re.compile(
        rf"(?:(?<![A-Za-z0-9])|{_GLUED_COUNT})(?P<name>{_PREFIX}(?:{body}))(?P<plural>s(?![A-Za-z0-9]))?"
        rf"(?P<suffix>{_SUFFIX})(?![A-Za-z0-9])",
        re.I,
    )


# Every name the table matches holds one of these (a letter next to a digit, or a family word); the full
# pattern, costly per position, is run only in a short window around each of them.
CHEAP = re.compile(r"[A-Za-z]\d|\d[A-Za-z]|gaudi|rtx|tpu|ascend|HL-|trainium|inferentia|trillium", re.I)
_BEFORE = 40  # how far before a hit a name may start ("NVIDIA Tesla " prefixes)
_RUN_START = re.compile(r"(?<![A-Za-z0-9])[A-Za-z0-9]")


def _matches(text: str, loose: bool) -> Iterator[re.Match[str]]:
    """The matches finditer would give, found by anchored attempts only where a name can start near a cheap hit."""
    pattern = _pattern(loose)
    done = 0  # matches never overlap, as with finditer
    for hit in CHEAP.finditer(text):
        if hit.start() < done:
            continue
        lo = max(done, hit.start() - _BEFORE)
        # A name starts where a run of letters and digits starts (the pattern's own left edge), at or before the hit.
        starts = [m.start() for m in _RUN_START.finditer(text, lo, hit.start() + 1)]
        if not starts or starts[-1] < hit.start():
            run = hit.start()
            while run > lo and text[run - 1].isascii() and text[run - 1].isalnum():
                run -= 1
            if run not in starts:
                starts.append(run)
            if hit.start() >= 2 and text[hit.start() - 1] in "xX×" and text[hit.start() - 2].isdigit():
                starts.append(hit.start())  # after a glued count: the pattern's left edge decides
        for start in starts[-4:]:  # at most three vendor words ("NVIDIA GeForce RTX") before the name itself
            m = pattern.match(text, start)
            if m is not None and m.end() > hit.start():
                done = m.end()
                yield m
                break


def find(text: str, loose: bool = False) -> Iterator[GpuMention]:
    """Every accelerator name in `text`, left to right. `loose`: match short names in any case (job requests)."""
    families = _families()
    for m in _matches(text, loose):
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
    # A log or a notebook's output repeats the same device report on line after line: a short text is looked up
    # once (the answer is immutable); a long one is not kept (a megabyte line must not stay in memory).
    if len(text) <= FIRST_MEMO_MAX:
        return _first_memo(text, loose)
    return next(find(text, loose), None)


FIRST_MEMO_MAX = 256  # characters of a text whose first name is remembered


@lru_cache(maxsize=4096)
def _first_memo(text: str, loose: bool) -> GpuMention | None:
    return next(find(text, loose), None)


@lru_cache(maxsize=1)
def _catalog_entries() -> dict[str, dict[str, Any]]:
    return {entry["id"]: entry for entry in load_data("catalog.json")["entries"]}


@lru_cache(maxsize=1)
def _smi_names() -> dict[str, tuple[str, ...]]:
    names: dict[str, tuple[str, ...]] = {}
    for entry_id, entry in _catalog_entries().items():
        for name in entry.get("nvidia_smi_names") or ():
            names[name] = names.get(name, ()) + (entry_id,)
    return names


def smi_name_ids(name: str) -> tuple[str, ...]:
    """Catalog ids for an exact nvidia-smi product name ("NVIDIA A100-SXM4-80GB"), else by pattern."""
    exact = _smi_names().get(name.strip())
    if exact:
        return exact
    mention = first(name)
    return mention.ids if mention else ()


__all__ = ["GpuMention", "find", "first", "smi_name_ids", "table"]
