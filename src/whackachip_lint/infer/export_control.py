"""ECCN 3A090 classification under the October 2023 rule, from TPP, performance density and design intent.

Thresholds come from data/export_rules.json (with their sources); the numbers per part
come from the catalog. One function classifies; `export_control_for` assembles
what a verdict shows for a candidate.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from ..data import load as load_data
from .catalog import Entry

A = "3A090.a"
B = "3A090.b"
NOT_CONTROLLED = "not controlled"


@lru_cache(maxsize=1)
def export_rules() -> dict[str, Any]:
    return load_data("export_rules.json")


def performance_density(tpp: float | None, die_area_mm2: float | None) -> float | None:
    """PD = TPP / applicable die area (mm^2); None when either is unknown."""
    if tpp is None or not die_area_mm2:
        return None
    return tpp / die_area_mm2


def classify_3a090(tpp: float | None, pd: float | None, datacenter: bool | None) -> str | None:
    """3A090.a, 3A090.b or not controlled under the Oct 2023 rule; None when the inputs cannot decide.

    `datacenter` is whether the part is designed or marketed for datacenters (Note 2 exempts other
    parts under the TPP threshold). Unknown inputs stay unknown: the result is None unless the known
    numbers decide on their own.
    """
    r = export_rules()["oct2023"]
    if tpp is None:
        return None
    if datacenter is False and tpp < r["note2_tpp"]:
        return NOT_CONTROLLED
    if tpp >= r["a1_tpp"]:
        if datacenter is None:
            return A  # a.1 holds either way: Note 2 only exempts parts under the TPP threshold
        return A
    if datacenter is None:
        return None
    if tpp < min(r["a2_tpp"], r["b1_tpp_min"], r["b2_tpp"]):
        return NOT_CONTROLLED
    if pd is None:
        return None
    if tpp >= r["a2_tpp"] and pd >= r["a2_pd"]:
        return A
    if r["b1_tpp_min"] <= tpp < r["b1_tpp_max"] and r["b1_pd_min"] <= pd < r["b1_pd_max"]:
        return B
    if tpp >= r["b2_tpp"] and r["b2_pd_min"] <= pd < r["b2_pd_max"]:
        return B
    return NOT_CONTROLLED


def stated_class(entry: Entry) -> str | None:
    """The catalog's own, definite 3A090 class for an entry (None when it is conditional or not stated)."""
    text = (entry["eccn_3a090_oct2023"] or "").strip()
    low = text.lower()
    if " if " in low or low.startswith("n/a") or low.startswith("foreign"):
        return None
    if low.startswith("3a090.a"):
        return A
    if low.startswith("3a090.b"):
        return B
    if low.startswith("not 3a090") or low.startswith("outside 3a090"):
        return NOT_CONTROLLED
    return None


def export_control_for(entry: Entry) -> dict[str, Any]:
    """What the verdict shows for one candidate: TPP, PD, class (computed where possible), China variant, notes."""
    tpp = entry["tpp"]
    pd = entry["performance_density"]
    if pd is None:
        pd = performance_density(tpp, entry["die_area_mm2"])
        pd = round(pd, 2) if pd is not None else None
    computed = classify_3a090(tpp, pd, entry["datacenter_designed"])
    notes: list[str] = []
    if computed is not None:
        eccn, basis = computed, "computed from TPP, performance density and datacenter design (Oct 2023 rule)"
    else:
        eccn, basis = None, "not computable from the catalog's numbers"
    if stated_class(entry) is None and entry["eccn_3a090_oct2023"]:
        notes.append(f"catalog: {entry['eccn_3a090_oct2023']}")
    if entry["china_variant_of"]:
        notes.append(f"China-market variant of {entry['china_variant_of']}")
    notes.extend(entry["export_control_history"] or [])
    return {
        "tpp": tpp,
        "performance_density": pd,
        "eccn_3a090": eccn,
        "eccn_basis": basis,
        "china_variant": bool(entry["china_compliant_variant"]),
        "notes": notes,
        "sources": list(export_rules()["oct2023"]["sources"]),
    }
