"""benchmarks/accuracy.py: documented names -> catalog ids, scoring of a report, totals, and one real scan.

Synthetic labels and a fixture checkout only (tests/fixtures/accuracy/corpus): nothing here reads the dev corpus.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CORPUS = Path(__file__).resolve().parents[1] / "fixtures" / "accuracy" / "corpus"


def _load_benchmark():
    spec = importlib.util.spec_from_file_location("accuracy_benchmark", ROOT / "benchmarks" / "accuracy.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


acc = _load_benchmark()

# A catalog of a few parts, so the mapping is checked against ids that exist and ids that do not.
CATALOG = acc.Catalog({
    "nvidia-v100": "NVIDIA",
    "nvidia-a100-sxm4-40gb": "NVIDIA",
    "nvidia-a100-sxm4-80gb": "NVIDIA",
    "nvidia-a100-pcie-40gb": "NVIDIA",
    "nvidia-a100-pcie-80gb": "NVIDIA",
    "nvidia-h100-sxm": "NVIDIA",
    "nvidia-h100-pcie": "NVIDIA",
    "nvidia-h100-nvl": "NVIDIA",
    "nvidia-rtx-4090": "NVIDIA",
    "nvidia-rtx-4090d": "NVIDIA",
    "nvidia-b200": "NVIDIA",
    "nvidia-gb200": "NVIDIA",
    "amd-mi300x": "AMD",
    "amd-mi325x": "AMD",
    "huawei-ascend-910b": "Huawei",
    "huawei-ascend-910c": "Huawei",
    "intel-gaudi2": "Intel",
    "google-tpu-v4": "Google",
    "google-tpu-v5p": "Google",
})


@pytest.mark.parametrize(("name", "level", "ids", "missing"), [
    ("A100-80GB", "parts", ["nvidia-a100-sxm4-80gb", "nvidia-a100-pcie-80gb"], []),
    ("A100-SXM4-40G", "parts", ["nvidia-a100-sxm4-40gb"], []),
    ("1024 80GB A100s", "parts", ["nvidia-a100-sxm4-80gb", "nvidia-a100-pcie-80gb"], []),
    ("8XH100", "parts", ["nvidia-h100-sxm", "nvidia-h100-pcie", "nvidia-h100-nvl"], []),
    ("H100-80GB", "parts", ["nvidia-h100-sxm", "nvidia-h100-pcie", "nvidia-h100-nvl"], []),  # no 80gb id: kept
    ("H100 (96GB HBM2e SXM)", "parts", ["nvidia-h100-sxm"], []),
    ("NVIDIA RTX 4090", "parts", ["nvidia-rtx-4090"], []),
    ("B200", "parts", ["nvidia-b200"], []),
    ("GB200", "parts", ["nvidia-gb200"], []),
    ("Instinct MI300 series", "parts", ["amd-mi300x", "amd-mi325x"], []),
    ("Atlas 800T A2", "parts", ["huawei-ascend-910b"], []),
    ("Atlas 900 A3 SuperPoD", "parts", ["huawei-ascend-910c"], []),
    ("Gaudi2", "parts", ["intel-gaudi2"], []),
    ("Gaudi (AWS DL1)", "missing", [], ["intel-gaudi1"]),
    ("MI355X", "missing", [], ["amd-mi355x"]),
    ("TPU v3-8", "missing", [], ["google-tpu-v3"]),
    ("Google Cloud TPUs (v4, v5p, Ironwood)", "parts", ["google-tpu-v4", "google-tpu-v5p"], ["google-tpu-v7"]),
    ("Intel Xeon", "none", [], []),
    ("NVIDIA (H800, H20 in docs)", "missing", [], ["nvidia-h800", "nvidia-h800-pcie", "nvidia-h20"]),
    ("AWS Trainium2", "missing", [], ["aws-trn2"]),
])
def test_names_map_to_catalog_ids(name, level, ids, missing):
    documented = acc.resolve_name(name, CATALOG)
    assert (documented.level, documented.ids, documented.missing_ids) == (level, ids, missing)


def test_a_name_that_says_only_the_vendor_means_every_part_of_that_vendor():
    documented = acc.resolve_name("AMD GPU clusters", CATALOG)
    assert (documented.level, documented.vendor, documented.ids) == ("vendor", "AMD", ["amd-mi300x", "amd-mi325x"])


def test_names_missing_from_the_catalog_are_not_scored_while_others_are():
    label = {"repo": "o/r", "vendor": "intel", "kind": "target platform", "accelerators": ["first-gen Gaudi", "Gaudi 2"]}
    assert [d.name for d in acc.label_targets(label, CATALOG)] == ["Gaudi 2"]


def test_a_label_with_only_missing_parts_is_judged_at_vendor_level():
    label = {"repo": "o/r", "vendor": "google", "kind": "trained on", "accelerators": ["TPUv3", "TPU v3-8"]}
    targets = acc.label_targets(label, CATALOG)
    assert [(d.name, d.level, d.ids) for d in targets] == [("TPUv3", "vendor", ["google-tpu-v4", "google-tpu-v5p"])]


def _report(statuses: dict[str, str], vendors: dict[str, str], reasons: dict[str, list] | None = None) -> dict:
    reasons = reasons or {}
    return {
        "findings": [{"rule": "WAC301", "path": "tests/test_fp8.py", "line": 7},
                     {"rule": "WAC302", "path": "tests/test_fp8.py", "line": 7}],
        "inference": {
            "vendors": [{"name": name, "status": status} for name, status in vendors.items()],
            "candidates": [{"id": i, "status": s, "reasons": reasons.get(i, [])} for i, s in statuses.items()],
            "insufficient_evidence": False,
            "conflicting_hard_evidence": False,
        },
    }


FP8_REASON = [{"constraint": "FP8 tensor math", "strength": "hard", "result": "fails",
               "evidence": ["tests/test_fp8.py:7"]},
              {"constraint": "bf16", "strength": "strong", "result": "passes", "evidence": ["train.py:3"]}]


def test_documented_parts_all_excluded_is_reported_with_the_reasons_and_rules():
    label = {"repo": "o/r", "vendor": "nvidia", "kind": "trained on", "accelerators": ["A100-80GB", "8xH100"]}
    statuses = {i: "consistent" for i in CATALOG.vendor_of}
    statuses.update({"nvidia-a100-sxm4-80gb": "excluded", "nvidia-a100-pcie-80gb": "excluded"})
    reasons = {"nvidia-a100-sxm4-80gb": FP8_REASON, "nvidia-a100-pcie-80gb": FP8_REASON}
    scored = acc.score(label, _report(statuses, {"NVIDIA": "likely", "AMD": "possible"}, reasons), CATALOG)

    assert scored["documented_excluded"] == ["A100-80GB"]
    assert scored["documented_consistent"] is False  # "trained on": every documented part must be consistent
    assert (scored["consistent_names"], scored["scored_names"]) == (1, 2)
    assert scored["documented"][0]["reasons"]["nvidia-a100-sxm4-80gb"] == [{
        "constraint": "FP8 tensor math", "strength": "hard", "evidence_count": 1,
        "evidence": [{"where": "tests/test_fp8.py:7", "rules": ["WAC301", "WAC302"]}],
    }]
    assert scored["vendor_ok"] is True
    assert scored["consistent_size"] == len(CATALOG.vendor_of) - 2


def test_one_consistent_part_of_a_documented_name_is_enough_for_that_name():
    label = {"repo": "o/r", "vendor": "nvidia", "kind": "target platform", "accelerators": ["A100"]}
    statuses = {"nvidia-a100-sxm4-40gb": "excluded", "nvidia-a100-pcie-40gb": "disfavoured",
                "nvidia-a100-sxm4-80gb": "consistent", "nvidia-a100-pcie-80gb": "excluded"}
    scored = acc.score(label, _report(statuses, {"NVIDIA": "likely"}), CATALOG)
    assert (scored["documented_excluded"], scored["documented_consistent"]) == ([], True)


def test_multi_backend_needs_any_documented_vendor_and_part():
    label = {"repo": "o/r", "vendor": "multi", "kind": "multi-backend", "accelerators": ["Atlas 800T A2", "A100"]}
    statuses = {i: "excluded" for i in CATALOG.vendor_of}
    statuses["huawei-ascend-910b"] = "consistent"
    scored = acc.score(label, _report(statuses, {"Huawei": "likely", "NVIDIA": "excluded"}), CATALOG)
    assert scored["documented_consistent"] is True
    assert scored["consistent_rule"] == "any"
    assert scored["documented_excluded"] == ["A100"]  # still a failure: documented hardware excluded
    assert scored["vendor_status"] == {"Huawei": "likely", "NVIDIA": "excluded"}
    assert scored["vendor_ok"] is True


def test_wrong_likely_vendor_and_empty_set_are_reported():
    label = {"repo": "o/r", "vendor": "apple", "kind": "target platform", "accelerators": ["Mac"]}
    scored = acc.score(label, _report({"nvidia-v100": "disfavoured"}, {"NVIDIA": "likely", "Apple": "possible"}),
                       CATALOG)
    assert scored["vendor_ok"] is False
    assert scored["vendor_status"] == {"Apple": "possible"}
    assert scored["consistent_size"] == 0
    # Apple is not in this test's catalog: nothing documented can be scored, which never counts as consistent.
    assert (scored["documented"], scored["documented_consistent"]) == ([], False)


def _row(excluded: list[str], consistent: bool, size: int) -> dict:
    return {"documented_excluded": excluded, "documented_consistent": consistent, "consistent_size": size,
            "catalog_size": 30, "vendor_ok": True, "seconds": 1.0}


def test_totals_check_the_done_when_criteria():
    rows = [_row([], True, 5), _row([], True, 10), _row(["A100"], False, 0), {"repo": "x", "error": "no checkout"}]
    total = acc.totals(rows)
    assert (total["repos"], total["errors"], total["documented_excluded"], total["empty_consistent_set"]) == (3, 1, 1, 1)
    assert total["median_consistent_size"] == 5
    assert total["median_consistent_size_nonempty"] == 7.5
    assert total["done_when"] == {
        "documented hardware never excluded": False,
        "no empty consistent set": False,
        "documented hardware consistent for >= 90% of repos": False,
        "median consistent set <= a third of the catalog": True,
    }
    assert all(acc.totals([_row([], True, 10)] * 9 + [_row([], False, 3)])["done_when"].values())
    assert not acc.totals([_row([], True, 11)])["done_when"]["median consistent set <= a third of the catalog"]


NPU_LABELS = [
    {"repo": "example/npu-trainer", "eval_commit": "0" * 40, "vendor": "huawei", "kind": "target platform",
     "accelerators": ["Atlas 800T A2"]},
    {"repo": "example/absent", "eval_commit": "0" * 40, "vendor": "nvidia", "kind": "trained on",
     "accelerators": ["A100"]},
]


def test_the_script_scans_a_checkout_and_writes_json_and_markdown(tmp_path, capsys):
    labels = tmp_path / "labels.json"
    labels.write_text(json.dumps(NPU_LABELS))
    out_json, out_md = tmp_path / "out.json", tmp_path / "out.md"

    code = acc.main(["--labels", str(labels), "--corpus", str(CORPUS), "--modes", "code", "--no-text",
                     "--json", str(out_json), "--markdown", str(out_md), "--reports", str(tmp_path / "reports")])

    assert code == 0
    written = json.loads(out_json.read_text())
    npu, absent = written["results"]["code"]
    assert absent == {"repo": "example/absent", "vendor": "nvidia", "kind": "trained on",
                      "error": f"no checkout at {CORPUS / 'example+absent'}"}
    assert (npu["documented_excluded"], npu["documented_consistent"]) == ([], True)
    assert npu["vendor_status"] == {"Huawei": "likely"}
    assert npu["consistent_set"] == sorted(acc.Catalog.installed().ids_of_vendor("Huawei"))  # torch_npu: Ascend only
    assert npu["files_scanned"] == 2
    assert written["totals"]["code"]["repos"] == 1 and written["totals"]["code"]["errors"] == 1
    table = out_md.read_text()
    assert "| example/npu-trainer | huawei | none | yes (1/1) | Huawei likely | " in table
    assert "| example/absent | nvidia | error: no checkout at" in table
    assert table in capsys.readouterr().out
    assert sorted(p.name for p in (tmp_path / "reports").iterdir()) == ["example+npu-trainer.code.json"]


def test_the_same_scan_scored_against_a_wrong_label_shows_the_documented_part_excluded():
    scanned = acc.run_scan(CORPUS / "example+npu-trainer", "code", text=True)
    label = {"repo": "example/npu-trainer", "vendor": "nvidia", "kind": "trained on", "accelerators": ["A100-80GB"]}
    scored = acc.score(label, scanned["report"], acc.Catalog.installed())
    assert scored["documented_excluded"] == ["A100-80GB"]
    assert scored["vendor_status"] == {"NVIDIA": "excluded"} and scored["vendor_ok"] is False
    reasons = scored["documented"][0]["reasons"]["nvidia-a100-sxm4-80gb"]
    assert {"where": "train.py:3", "rules": ["WAC202"]} in [e for r in reasons for e in r["evidence"]]
    assert 0 < scanned["verdict_lines"] < scanned["text_lines"] and scanned["text_longest_line"] > 0


def test_text_measures_count_the_verdict_section_apart():
    text = "a.py\n  a.py:1:1: WAC101 long finding line\n\nHardware verdict\n  Vendor: NVIDIA likely.\n"
    assert acc.text_measures(text) == {"text_bytes": len(text), "text_lines": 5, "text_longest_line": 36,
                                       "verdict_lines": 2, "verdict_bytes": 17 + 25}
    assert acc.text_measures("no verdict here\n")["verdict_lines"] == 0


def test_tables_render_again_from_the_json_output_without_scanning(tmp_path, capsys):
    row = {"repo": "o/r", "vendor": "amd", "kind": "trained on", "seconds": 2.0, "catalog_size": 30,
           "documented_excluded": [], "documented_consistent": True, "consistent_rule": "all", "consistent_names": 1,
           "scored_names": 1, "vendor_level_only": False, "vendor_status": {"AMD": "likely"},
           "likely_vendors": ["NVIDIA", "AMD"], "vendor_ok": True, "consistent_size": 6}
    saved = tmp_path / "results.json"
    saved.write_text(json.dumps({"results": {"code": [row]}}))
    assert acc.main(["--from-json", str(saved)]) == 0
    out = capsys.readouterr().out
    assert "| o/r | amd | none | yes (1/1) | AMD likely (also likely: NVIDIA) | 6 (20%) | 2.0 |  |" in out


def test_unknown_mode_is_a_usage_error(tmp_path):
    with pytest.raises(SystemExit) as exc:
        acc.main(["--corpus", str(tmp_path), "--modes", "fast"])
    assert exc.value.code == 2
