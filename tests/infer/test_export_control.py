"""ECCN 3A090 (Oct 2023 rule) at every threshold, on both sides, for each design intent.

The thresholds are data (data/export_rules.json, with sources); test_catalog.py checks a few real parts. This table
puts a value exactly on each threshold and just under it (0.01 below, the catalog's precision), so moving a `>=` to
`>`, a `<` to `<=`, or dropping a clause fails here.
"""

from __future__ import annotations

import pytest

from whackachip_lint.infer.catalog import Entry
from whackachip_lint.infer.export_control import (
    A, B, NOT_CONTROLLED, classify_3a090, export_control_for, export_rules, stated_class,
)

JUST_UNDER = 0.01

BOUNDARIES = [
    # a.1: TPP >= 4800, whatever the density or design intent
    ("a.1 at", 4800, 0.0, True, A),
    ("a.1 under, no density", 4800 - JUST_UNDER, 0.0, True, NOT_CONTROLLED),
    ("a.1 at, density unknown", 4800, None, True, A),
    ("a.1 under, density unknown", 4800 - JUST_UNDER, None, True, None),
    # Note 2: a part not designed for datacenters is exempt only under TPP 4800
    ("note 2 at", 4800, 1.0, False, A),
    ("note 2 under", 4800 - JUST_UNDER, 9.0, False, NOT_CONTROLLED),
    ("note 2 at, design unknown", 4800, None, None, A),
    ("note 2 under, design unknown", 4800 - JUST_UNDER, 9.0, None, None),
    # a.2: TPP >= 1600 and PD >= 5.92
    ("a.2 at both", 1600, 5.92, True, A),
    ("a.2 TPP under", 1600 - JUST_UNDER, 5.92, True, NOT_CONTROLLED),
    ("a.2 PD under (b.2 then)", 2000, 5.92 - JUST_UNDER, True, B),
    # b.1: 2400 <= TPP < 4800 and 1.6 <= PD < 5.92
    ("b.1 at both minima", 2400, 1.6, True, B),
    ("b.1 TPP under", 2400 - JUST_UNDER, 1.6, True, NOT_CONTROLLED),
    ("b.1 PD under", 3000, 1.6 - JUST_UNDER, True, NOT_CONTROLLED),
    ("b.1 TPP just under its maximum", 4800 - JUST_UNDER, 1.6, True, B),
    ("b.1 PD just under its maximum", 3000, 5.92 - JUST_UNDER, True, B),
    ("b.1 PD at its maximum (a.2 then)", 3000, 5.92, True, A),
    # b.2: TPP >= 1600 and 3.2 <= PD < 5.92
    ("b.2 at both minima", 1600, 3.2, True, B),
    ("b.2 PD under", 1600, 3.2 - JUST_UNDER, True, NOT_CONTROLLED),
    ("b.2 TPP under", 1600 - JUST_UNDER, 3.2, True, NOT_CONTROLLED),
    # under every TPP threshold the density is not needed; at the lowest one it is
    ("under every TPP threshold", 1600 - JUST_UNDER, None, True, NOT_CONTROLLED),
    ("at the lowest TPP threshold, density unknown", 1600, None, True, None),
    ("TPP unknown", None, 9.0, True, None),
]


@pytest.mark.parametrize(("tpp", "pd", "datacenter", "expected"), [row[1:] for row in BOUNDARIES],
                         ids=[row[0] for row in BOUNDARIES])
def test_3a090_boundaries(tpp, pd, datacenter, expected):
    assert classify_3a090(tpp, pd, datacenter) == expected


def test_the_table_uses_the_thresholds_of_the_data_file():
    r = export_rules()["oct2023"]
    assert (r["a1_tpp"], r["note2_tpp"], r["a2_tpp"], r["a2_pd"]) == (4800, 4800, 1600, 5.92)
    assert (r["b1_tpp_min"], r["b1_tpp_max"], r["b1_pd_min"], r["b1_pd_max"]) == (2400, 4800, 1.6, 5.92)
    assert (r["b2_tpp"], r["b2_pd_min"], r["b2_pd_max"]) == (1600, 3.2, 5.92)


STATED = [
    ("3A090.a", A),
    ("3A090.b (per BIS)", B),
    ("Not 3A090 (under every threshold)", NOT_CONTROLLED),
    ("Outside 3A090", NOT_CONTROLLED),
    ("3A090.a if designed for datacenters", None),   # conditional: not definite
    ("3A090.a IF designed for datacenters", None),
    ("N/A (not an IC)", None),
    ("Foreign-made; 3A090.a by FDPR", None),
    ("", None),
    (None, None),
    ("something else", None),
]


@pytest.mark.parametrize(("text", "expected"), STATED, ids=[str(t) for t, _ in STATED])
def test_the_catalogs_stated_class(text, expected):
    assert stated_class(Entry({"id": "x", "eccn_3a090_oct2023": text})) == expected


def entry(**fields) -> Entry:
    base = {"id": "x", "tpp": None, "performance_density": None, "die_area_mm2": None, "datacenter_designed": True,
            "eccn_3a090_oct2023": None, "china_variant_of": None, "china_compliant_variant": None,
            "export_control_history": None}
    return Entry({**base, **fields})


def test_the_view_computes_density_from_die_area_when_the_catalog_has_none():
    view = export_control_for(entry(tpp=3000, die_area_mm2=900))  # 3.333... -> 3.33: b.2
    assert (view["performance_density"], view["eccn_3a090"]) == (3.33, B)
    assert view["eccn_basis"].startswith("computed from TPP, performance density")
    assert view["sources"] == export_rules()["oct2023"]["sources"]


def test_the_catalogs_density_wins_over_die_area():
    view = export_control_for(entry(tpp=3000, performance_density=6.5, die_area_mm2=900))
    assert (view["performance_density"], view["eccn_3a090"]) == (6.5, A)


def test_the_view_says_when_it_cannot_compute():
    view = export_control_for(entry(tpp=3000))  # no density, no die area
    assert view["performance_density"] is None and view["eccn_3a090"] is None
    assert view["eccn_basis"] == "not computable from the catalog's numbers"


def test_only_an_indefinite_catalog_class_becomes_a_note():
    assert export_control_for(entry(tpp=6000, eccn_3a090_oct2023="3A090.a if sold to X"))["notes"] == [
        "catalog: 3A090.a if sold to X"]
    assert export_control_for(entry(tpp=6000, eccn_3a090_oct2023="3A090.a"))["notes"] == []
    assert export_control_for(entry(tpp=6000))["notes"] == []
