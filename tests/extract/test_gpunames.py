"""The accelerator-name table: what names match, which catalog parts they denote, and the fast search."""

from __future__ import annotations

import random

import pytest

from whackachip_lint.extract import gpunames


@pytest.mark.parametrize(
    ("text", "written", "family", "ids"),
    [
        ("trained on 64 H800 GPUs", "H800", "nvidia-h800", "nvidia-h800 nvidia-h800-pcie"),
        ("H800 PCIe", "H800 PCIe", "nvidia-h800", "nvidia-h800-pcie"),
        ("8x A100 80GB", "A100 80GB", "nvidia-a100", "nvidia-a100-sxm4-80gb nvidia-a100-pcie-80gb"),
        ("NVIDIA A100-SXM4-40GB", "NVIDIA A100-SXM4-40GB", "nvidia-a100", "nvidia-a100-sxm4-40gb"),
        ("on A100s", "A100", "nvidia-a100", None),
        ("A100 (40GB) nodes", "A100 (40GB)", "nvidia-a100", "nvidia-a100-sxm4-40gb nvidia-a100-pcie-40gb"),
        ("H100 SXM", "H100 SXM", "nvidia-h100", "nvidia-h100-sxm"),
        ("the H20", "H20", "nvidia-h20", "nvidia-h20"),
        ("an H200", "H200", "nvidia-h200", "nvidia-h200-sxm nvidia-h200-nvl"),
        ("RTX 4090 D", "RTX 4090 D", "nvidia-rtx-4090d", "nvidia-rtx-4090d"),
        ("Ascend 910B cluster", "Ascend 910B", "huawei-ascend-910b", "huawei-ascend-910b huawei-ascend-910b4"),
        ("Ascend 910B2 cluster", "Ascend 910B2", "huawei-ascend-910b", "huawei-ascend-910b"),
        ("Ascend 910B4", "Ascend 910B4", "huawei-ascend-910b4", "huawei-ascend-910b4"),
        ("npu-smi: Ascend910_9392", "Ascend910_9392", "huawei-ascend-910c", "huawei-ascend-910c"),
        ("TPU v6e", "TPU v6e", "google-tpu-v6e", "google-tpu-v6e"),
        ("MI355X", "MI355X", "amd-mi355x", "amd-mi355x"),
        ("RTX PRO 6000", "RTX PRO 6000", "nvidia-rtx-pro-6000", "nvidia-rtx-pro-6000"),
        ("Trainium2 chips", "Trainium2", "aws-trn2", "aws-trn2"),
        ("Trainium1", "Trainium1", "aws-trn1", "aws-trn1"),
        ("training on Trainium instances", "Trainium", "aws-trn", "aws-trn1 aws-trn2"),  # the family, as "Gaudi"
        ("8x B300", "B300", "nvidia-b300", "nvidia-b300"),
        ("MI250X", "MI250X", "amd-mi250x", "amd-mi250x"),
        ("MI250", "MI250", "amd-mi250", ""),  # not in the catalog: no ids, never guessed
        ("Gaudi2", "Gaudi2", "intel-gaudi2", "intel-gaudi2"),
        ("TPU v5e", "TPU v5e", "google-tpu-v5e", "google-tpu-v5e"),
        ("P100", "P100", "nvidia-p100", ""),
        # a device count glued to the name by an "x"
        ("on a single 8XA100 40GB node", "A100 40GB", "nvidia-a100", "nvidia-a100-sxm4-40gb nvidia-a100-pcie-40gb"),
        ("an 8xH100 node", "H100", "nvidia-h100", "nvidia-h100-sxm nvidia-h100-pcie nvidia-h100-nvl"),
        ("16×H800s", "H800", "nvidia-h800", None),
    ],
)
def test_names(text, written, family, ids):
    (m,) = list(gpunames.find(text))
    assert (m.text, m.family) == (written, family)
    if ids is not None:
        assert " ".join(m.ids) == ids
    assert text[m.start : m.end] == written


@pytest.mark.parametrize("text", ["port 3090", "RTX 3090 Ti", "https is not a GPU", "A1000", "x86", "t5-base",
                                  "mask 0xA100", "ab8xA100", "12345xH100"])
def test_non_names(text):
    assert list(gpunames.find(text)) == []


def test_short_names_are_case_sensitive_in_prose_only():
    assert [m.text for m in gpunames.find("t4 l4 h20")] == []
    assert [m.text for m in gpunames.find("t4 l4 h20", loose=True)] == ["t4", "l4", "h20"]


def test_every_catalog_id_in_the_table_exists_in_the_catalog():
    from whackachip_lint.infer.catalog import load_catalog

    catalog = load_catalog()
    ids = {entry.id for entry in catalog.entries}
    for family in gpunames.table()["families"]:
        assert set(family["ids"]) <= ids, family["name"]
        assert all(catalog.get(i).vendor.lower() == family["vendor"].lower() for i in family["ids"]), family["name"]


def test_nvidia_smi_names_come_from_the_catalog():
    assert gpunames.smi_name_ids("NVIDIA A100-SXM4-80GB") == ("nvidia-a100-sxm4-80gb",)
    assert gpunames.smi_name_ids("Tesla V100-SXM2-32GB") == ("nvidia-v100",)
    assert gpunames.smi_name_ids("NVIDIA H20") == ("nvidia-h20",)


def test_windowed_search_finds_exactly_what_a_full_scan_finds():
    words = ["NVIDIA", "Tesla", "A100", "H100s", "80GB", "-SXM4", "(40GB)", "t5", "x", "Gaudi", "2", "TPU", "v4",
             "Ascend", "910B", "RTX", "4090", "D", "_", "-", "a100", "gpu:", "h20", "L4", "M2", "Max", "Apple",
             "MI300", "GB200", "and", " ", "é", "8xA100", "0xH100", "a2xT4"]
    rng = random.Random(3)
    for _ in range(2000):
        text = " ".join(rng.choice(words) for _ in range(rng.randint(1, 9))).replace(" _ ", "_").replace(" - ", "-")
        for loose in (False, True):
            full = [(m.start(), m.end()) for m in gpunames._pattern(loose).finditer(text)]
            fast = [(m.start(), m.end()) for m in gpunames._matches(text, loose)]
            assert fast == full, text
