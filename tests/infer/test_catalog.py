"""The hardware catalog: complete, sourced, and the export-control numbers agree with the catalog's own classes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from whackachip_lint.infer.catalog import REQUIRED_FIELDS, load_catalog
from whackachip_lint.infer.export_control import (
    A, B, NOT_CONTROLLED, classify_3a090, export_control_for, export_rules, performance_density, stated_class,
)

CATALOG = load_catalog()
REFERENCE_IDS = {  # every accelerator of the reference hardware-facts.json, by its id
    "nvidia-v100", "nvidia-t4", "nvidia-a10", "nvidia-a30", "nvidia-a40", "nvidia-a100-sxm4-40gb",
    "nvidia-a100-sxm4-80gb", "nvidia-a100-pcie-40gb", "nvidia-a100-pcie-80gb", "nvidia-a800", "nvidia-rtx-a6000",
    "nvidia-rtx-3090", "nvidia-rtx-4090", "nvidia-rtx-4090d", "nvidia-l4", "nvidia-l20", "nvidia-l40",
    "nvidia-l40s", "nvidia-h100-sxm", "nvidia-h100-pcie", "nvidia-h100-nvl", "nvidia-h800", "nvidia-h20",
    "nvidia-h200-sxm", "nvidia-h200-nvl", "nvidia-b100", "nvidia-b200", "nvidia-gb200", "nvidia-rtx-5090",
    "nvidia-rtx-5090d", "amd-mi100", "amd-mi210", "amd-mi250x", "amd-mi300x", "amd-mi325x", "huawei-ascend-910b",
    "huawei-ascend-910c", "intel-gaudi2", "intel-gaudi3", "google-tpu-v4", "google-tpu-v5e", "google-tpu-v5p",
    "apple-m-series",
}
# Added or split for issue 11, each with its own sources in the entry.
ADDED_IDS = {
    "nvidia-h800-pcie", "huawei-ascend-910b4", "intel-gaudi3-pcie", "nvidia-b300", "nvidia-gb300", "nvidia-rtx-pro-6000",
    "amd-mi355x", "google-tpu-v6e", "aws-trn1", "aws-trn2", "aws-inf2",
}

# NVIDIA parts whose compute capability the catalog leaves unverified (null).
UNKNOWN_COMPUTE_CAPABILITY = {"nvidia-b100"}


def test_catalog_covers_every_reference_accelerator():
    assert {e.id for e in CATALOG} == REFERENCE_IDS | ADDED_IDS


def test_catalog_records_its_origin():
    doc = json.loads((Path(__file__).parents[2] / "src/whackachip_lint/data/catalog.json").read_text())
    assert "hardware-facts.json" in doc["source"]


@pytest.mark.parametrize("entry", CATALOG.entries, ids=lambda e: e.id)
def test_every_entry_is_complete_and_sourced(entry):
    missing = [name for name in REQUIRED_FIELDS if name not in entry.data]
    assert not missing, f"{entry.id} lacks {missing}"
    assert entry["sources"] and all(isinstance(s, str) and s.strip() for s in entry["sources"])
    if entry.vendor == "NVIDIA" and entry.id not in UNKNOWN_COMPUTE_CAPABILITY:
        assert entry.compute_capability is not None
    if entry.vendor == "AMD":
        assert entry.gfx_target is not None
    assert entry.device_class in ("datacenter", "workstation", "consumer")


def test_unknown_stays_unknown():
    # null in the catalog is not false: B100's compute capability and Ascend's GDR status are unknown.
    assert CATALOG.get("nvidia-b100").compute_capability is None
    assert CATALOG.get("huawei-ascend-910b").gpudirect_rdma is None
    assert CATALOG.get("nvidia-rtx-4090").gpudirect_rdma is False
    assert CATALOG.get("nvidia-h20").gpudirect_rdma is True
    assert CATALOG.get("amd-mi300x").gpudirect_rdma is True


def test_get_is_case_insensitive_and_unknown_ids_raise():
    assert CATALOG.get("NVIDIA-H20").name.startswith("NVIDIA H20")
    with pytest.raises(KeyError):
        CATALOG.get("nvidia-h999")


@pytest.mark.parametrize("entry", [e for e in CATALOG.entries if stated_class(e)], ids=lambda e: e.id)
def test_classification_matches_the_catalogs_definite_class(entry):
    computed = export_control_for(entry)["eccn_3a090"]
    if entry["tpp"] is None:
        assert computed is None
    else:
        assert computed == stated_class(entry)


def test_performance_density_matches_the_catalog_where_die_area_is_known():
    for e in CATALOG:
        if e["tpp"] and e["die_area_mm2"] and e["performance_density"]:
            assert performance_density(e["tpp"], e["die_area_mm2"]) == pytest.approx(e["performance_density"], abs=0.01)


@pytest.mark.parametrize(
    "tpp, pd, datacenter, expected",
    [
        (4992, 6.04, True, A),  # A100: a.1
        (1936, 6.57, True, A),  # L4: a.2 through density
        (2640, 3.196, True, B),  # A30: b.1
        (2395, 3.81, True, B),  # A40: b.2 (TPP just under b.1)
        (2368, 2.91, True, NOT_CONTROLLED),  # H20
        (2000, 3.18, True, NOT_CONTROLLED),  # A10: density just under 3.2
        (4707, 7.74, False, NOT_CONTROLLED),  # RTX 4090 D: Note 2
        (5284.8, 8.68, False, A),  # RTX 4090: over 4800 whatever its segment
        (2477, 3.94, None, None),  # design intent unknown and it decides
        (2000, None, True, None),  # density unknown and it decides
        (6128, None, True, A),  # MI250X: TPP alone decides
        (None, None, True, None),
        (1040, None, True, NOT_CONTROLLED),  # under every TPP threshold
        (4800, 1.0, True, A),  # boundaries are inclusive
        (1600, 5.92, True, A),
        (2400, 1.6, True, B),
    ],
)
def test_classify_3a090(tpp, pd, datacenter, expected):
    assert classify_3a090(tpp, pd, datacenter) == expected


def test_export_control_view_of_the_h20():
    view = export_control_for(CATALOG.get("nvidia-h20"))
    assert view["tpp"] == 2368 and view["performance_density"] == 2.91
    assert view["eccn_3a090"] == NOT_CONTROLLED and view["china_variant"] is True
    assert any("9 Apr 2025" in note for note in view["notes"])
    assert any("H100" in note for note in view["notes"])


def test_thresholds_are_data_with_sources():
    rules = export_rules()
    assert rules["oct2023"]["a1_tpp"] == 4800 and rules["oct2023"]["sources"]
    assert any(event["date"] == "2025-04-09" for event in rules["events"])


def test_ids_for_name():
    assert CATALOG.ids_for_name("NVIDIA A100-SXM4-80GB") == ["nvidia-a100-sxm4-80gb"]  # nvidia-smi name
    assert set(CATALOG.ids_for_name("a100")) == {e.id for e in CATALOG if e.id.startswith("nvidia-a100")}
    assert CATALOG.ids_for_name("H20") == ["nvidia-h20"]  # never the H200
    assert CATALOG.ids_for_name("NVIDIA GeForce RTX 4090 D") == ["nvidia-rtx-4090d"]
    assert CATALOG.ids_for_name("MI300X") == ["amd-mi300x"]
    assert CATALOG.ids_for_name("Ascend 910B") == ["huawei-ascend-910b"]
    assert CATALOG.ids_for_name("910B4") == ["huawei-ascend-910b4"]
    assert CATALOG.ids_for_name("trn1.32xlarge") == ["aws-trn1"]
    assert CATALOG.ids_for_name("NVIDIA H800 PCIe") == ["nvidia-h800-pcie"]  # nvidia-smi name
    assert CATALOG.ids_for_name("NVIDIA L2") == []  # a different product from the L20
    assert CATALOG.ids_for_name("quantum annealer") == []


def test_the_ascend_910c_is_seen_as_two_devices_of_64_gb_and_its_soc_variants_resolve_to_it():
    from whackachip_lint.infer.memory import largest_memory_gb

    entry = CATALOG.get("huawei-ascend-910c")
    # Atlas A3: one die is one NPU device, so a model-state bound per device compares with 64 GB, not 128 GB.
    assert largest_memory_gb(entry) == 64
    assert any("hiascend.com" in s and "mindcluster" in s for s in entry["sources"])
    for soc in ("Ascend910_9362", "Ascend910_9372", "Ascend910_9381", "Ascend910_9382", "Ascend910_9391",
                "Ascend910_9392"):
        assert CATALOG.ids_for_name(soc) == ["huawei-ascend-910c"]
    # Per-variant figures are not published: they stay unknown and are said to be.
    assert entry["dense_bf16_tflops"] is None and entry["tdp_w"] is None
    assert any("per-variant figures" in u for u in entry["unverified"])


def test_the_hardware_command_shows_the_910c_variants(cli):
    result = cli("hardware", "huawei-ascend-910c")
    assert result.exit_code == 0
    assert "Memory:                    64 GB HBM" in result.output and "Ascend910_9392" in result.output
