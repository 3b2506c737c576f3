"""The verdict in the JSON and text reports, and the `hardware` command."""

from __future__ import annotations

import json
import re

import pytest

from whackachip_lint.infer.catalog import load_catalog
from whackachip_lint.infer.engine import infer
from whackachip_lint.report import json as json_report
from whackachip_lint.report import text as text_report
from whackachip_lint.report.verdict_text import render_verdict

from ..conftest import run_cli
from ..infer_helpers import hunyuan_like, resolved

CATALOG = load_catalog()
INFERENCE_KEYS = {"vendors", "architecture_floor", "device_class", "interconnect", "gpus_per_node", "nodes",
                  "insufficient_evidence", "recipes", "candidates"}


def test_json_report_carries_the_inference():
    scan = hunyuan_like()
    data = json.loads(json_report.render(scan, infer(scan)))
    inference = data["inference"]
    assert INFERENCE_KEYS <= set(inference)
    assert {c["id"] for c in inference["candidates"]} == {e.id for e in CATALOG}
    for c in inference["candidates"]:
        assert c["status"] in ("consistent", "disfavoured", "excluded")
        assert set(c["export_control"]) >= {"tpp", "performance_density", "eccn_3a090", "china_variant", "notes"}
        for r in resolved(inference, c["reasons"]):
            assert r["strength"] in ("hard", "strong", "weak") and all(":" in e for e in r["evidence"])
    assert {v["status"] for v in inference["vendors"]} <= {"likely", "possible", "excluded"}


def test_json_report_without_verdict_is_unchanged():
    assert "inference" not in json_report.to_data(hunyuan_like())


def test_text_verdict_is_quotable():
    scan = hunyuan_like()
    text = text_report.render(scan, infer(scan), verbose=True)
    verdict = text[text.index("Hardware verdict"):]
    assert "Vendor: NVIDIA likely." in verdict
    assert "AMD possible" in verdict and "RCCL" in verdict
    assert "Architecture floor, NVIDIA: Ampere (compute capability 8.0)" in verdict
    assert "Device class: datacenter (strong)" in verdict
    assert "NVIDIA H20 (HGX H20): TPP 2368, PD 2.91, 3A090: not controlled, China-market variant" in verdict
    v100_line = next(line for line in verdict.splitlines() if "V100" in line)
    assert "native bf16 tensor math (strong) [scripts/ds_zero3.json:4, scripts/train.sh:21]" in v100_line


def test_text_verdict_starts_with_the_bottom_line():
    scan = hunyuan_like()
    lines = render_verdict(infer(scan)).splitlines()
    joined = " ".join(line.strip() for line in lines[1:4])  # the bottom line wraps at the terminal's width
    assert lines[1].startswith("  Bottom line: NVIDIA likely (AMD possible), Ampere or newer (compute capability ")
    assert joined.startswith("Bottom line: NVIDIA likely (AMD possible), Ampere or newer (compute capability 8.0), "
                             "datacenter class, primary target: ")
    assert "least export-controlled (not controlled under ECCN 3A090): NVIDIA A10, NVIDIA L20, NVIDIA H20" \
        in " ".join(line.strip() for line in lines[1:4])
    assert "    not 3A090-controlled: NVIDIA A10, NVIDIA L20, NVIDIA H20 (HGX H20)" in lines


def test_insufficient_evidence_is_said_first():
    from ..infer_helpers import result

    text = render_verdict(infer(result()))
    assert text.splitlines()[1].startswith("  Bottom line: Insufficient evidence")


def test_scan_json_has_inference(tmp_path):
    (tmp_path / "README.md").write_text("# nothing to see\n")
    result = run_cli("--format", "json", str(tmp_path))
    assert result.exit_code == 0, result.output
    inference = json.loads(result.output)["inference"]
    assert inference["insufficient_evidence"] is True
    assert len(inference["candidates"]) == len(CATALOG)


def test_scan_text_ends_with_the_verdict(tmp_path):
    (tmp_path / "train.py").write_text("print('hello')\n")
    result = run_cli(str(tmp_path))
    assert "Hardware verdict" in result.output
    assert "Insufficient evidence" in result.output


def test_hardware_lists_the_catalog():
    result = run_cli("hardware")
    assert result.exit_code == 0
    ids = [line.split()[0] for line in result.output.splitlines()[1:] if line.strip() and not line.startswith(("4", " "))]
    assert set(ids) >= {e.id for e in CATALOG}


def test_hardware_shows_one_entry_with_sources():
    result = run_cli("hardware", "nvidia-h20")
    assert result.exit_code == 0
    assert "Sources:" in result.output and "sec.gov" in result.output
    assert "not controlled" in result.output and "TPP:" in result.output


def test_hardware_json():
    result = run_cli("hardware", "amd-mi300x", "--format", "json")
    data = json.loads(result.output)
    assert data["id"] == "amd-mi300x" and data["sources"] and data["export_control"]["eccn_3a090"] == "3A090.a"


def test_hardware_unknown_id_is_a_usage_error():
    result = run_cli("hardware", "nvidia-h999")
    assert result.exit_code == 2
    assert "unknown hardware id" in result.output


def test_primary_target_optional_requirements_and_path_conflicts_are_rendered_when_the_verdict_has_them():
    """Shapes of the path-based inference (infer/engine.py: primary, optional_requirements, conflicts)."""
    from whackachip_lint.report.bottom_line import bottom_line

    verdict = infer(hunyuan_like())
    verdict.primary = None  # the shapes below are set by hand, one at a time
    assert "primary target" not in bottom_line(verdict)
    verdict.primary = {"name": "scripts/train.sh", "file_count": 4, "vendors": ["NVIDIA"],
                       "consistent": ["nvidia-a100-sxm4-80gb", "nvidia-h100-sxm"]}
    verdict.optional_requirements = [
        {"requirement": "FP8 matrix multiplies on the live path", "strength": "hard", "roles": ["test"],
         "file_count": 12, "files": ["t/a.py", "t/b.py", "t/c.py", "t/d.py", "t/e.py"],
         "met_by": ["NVIDIA Ada Lovelace", "NVIDIA Hopper", "NVIDIA Blackwell", "AMD CDNA 3", "Intel Gaudi"]},
        {"requirement": "imports mlx (made for Apple silicon)", "strength": "strong", "roles": ["optional"],
         "file_count": 1, "files": ["worker/mlx.py"], "met_by": ["Apple"]},
        {"requirement": "third", "strength": "strong", "roles": ["example"], "file_count": 1, "files": ["x.py"]},
    ]
    verdict.conflicts = [{"paths": ["gpu/run.sh", "npu/run.sh"], "why": "the paths run on disjoint hardware"}]
    line = bottom_line(verdict)
    assert "datacenter class, primary target: scripts/train.sh (2 catalog parts consistent there); " \
           "1 conflict between training paths." in line
    lines = render_verdict(verdict).splitlines()
    assert "  Primary target: scripts/train.sh (2 catalog parts consistent there)." in lines
    assert ("    FP8 matrix multiplies on the live path (hard) in 12 test files [t/a.py, t/b.py, t/c.py +9 more]: "
            "NVIDIA Ada Lovelace, NVIDIA Hopper, NVIDIA Blackwell, AMD CDNA 3 +1 more") in lines
    assert "    imports mlx (made for Apple silicon) (strong) in 1 optional file [worker/mlx.py]: Apple" in lines
    assert "    +1 more" in lines
    assert "    gpu/run.sh vs npu/run.sh: the paths run on disjoint hardware" in lines


def test_locations_in_one_file_share_its_path_and_the_rest_is_counted():
    from whackachip_lint.report.verdict_text import DEFAULT, EVERYTHING, _where

    evidence = ["a/mlu.py:42", "a/mlu.py:45", "b.sh:2", "c.py:1", "d.py:9"]
    assert _where(evidence, DEFAULT) == " [a/mlu.py:42,45, b.sh:2 +2 more]"
    assert _where(evidence, EVERYTHING) == " [a/mlu.py:42,45, b.sh:2, c.py:1, d.py:9]"


def test_bottom_line_without_consistent_parts_names_the_least_controlled_disfavoured_ones():
    from whackachip_lint.report.bottom_line import bottom_line

    verdict = infer(hunyuan_like())
    for c in verdict.candidates:  # as if every part failed something
        if c.status == "consistent":
            c.status = "disfavoured"
    total = len(verdict.candidates)
    disfavoured = sum(c.status == "disfavoured" for c in verdict.candidates)
    line = bottom_line(verdict)
    assert f"No catalog part is consistent with every requirement (0 of {total}); {disfavoured} disfavoured; " \
           "least export-controlled (not controlled under ECCN 3A090): " in line
    assert "NVIDIA Tesla V100" in line and re.search(r" \+\d+ more\.$", line)


def test_topology_counts_read_as_english():
    from ..infer_helpers import finding, result

    verdict = infer(result(finding("WAC401", 1, path="a.sh"), finding("WAC401", 8, path="b.sh"),
                           finding("WAC402", 1, path="a.sh"), finding("WAC201", "nccl")))
    topology = next(line for line in render_verdict(verdict).splitlines() if line.startswith("  Topology:"))
    assert topology == "  Topology: 1 device per node [a.sh:1]; 8 devices per node [b.sh:1]; 1 node [a.sh:1]."


@pytest.mark.parametrize(
    ("entry_id", "fields"),
    [
        ("nvidia-h200-nvl", {"tpp": 13364, "eccn_3a090": "3A090.a"}),
        ("nvidia-h800-pcie", {"tpp": 12104, "eccn_3a090": "3A090.a"}),
        ("huawei-ascend-910b4", {"tpp": 4480, "eccn_3a090": None}),  # under 4800; its density is unknown
        ("huawei-ascend-910b", {"tpp": 5008, "eccn_3a090": "3A090.a"}),
        ("google-tpu-v6e", {"tpp": 14688}),
        ("aws-trn2", {"tpp": None}),
        ("amd-mi355x", {"tpp": None}),
    ],
)
def test_hardware_shows_corrected_and_added_entries(entry_id, fields):
    result = run_cli("hardware", entry_id, "--format", "json")
    assert result.exit_code == 0
    data = json.loads(result.output)
    assert data["id"] == entry_id and data["sources"]
    for key, value in fields.items():
        assert data["export_control"][key] == value


def test_b200_memory_is_180_gb_and_l2_is_not_the_l20():
    b200 = json.loads(run_cli("hardware", "nvidia-b200", "--format", "json").output)
    assert [m["size_gb"] for m in b200["memory_options"]] == [180] and b200["memory_bandwidth_gbs"] == 7700
    l20 = json.loads(run_cli("hardware", "nvidia-l20", "--format", "json").output)
    assert l20["nvidia_smi_names"] == ["NVIDIA L20"]


def _cuda_configs_beside_an_amd_launch():
    """Primus's shape: `cuda` devices in many configs (NVIDIA or AMD) and HSA variables in one launch (AMD alone)."""
    from ..infer_helpers import finding, result

    return infer(result(
        *(finding("WAC204", "cuda", path=f"configs/c{i}.py", line=1) for i in range(6)),
        finding("WAC201", "nccl", path="train.py", line=2),
        finding("WAC404", "torchrun", path="run.sh", line=3, script="train.py"),
        finding("WAC205", "HSA_FORCE_FINE_GRAIN_PCIE", path="run.sh", line=2),
    ))


def test_a_likely_vendor_is_supported_first_by_the_evidence_that_names_it_alone():
    verdict = _cuda_configs_beside_an_amd_launch()
    (line,) = [x for x in render_verdict(verdict).splitlines() if x.startswith("    supports AMD: ")]
    assert line.startswith("    supports AMD: HSA runtime variables (AMD ROCm) (strong) [run.sh:2]; cuda device: ")


def test_the_other_vendors_lines_show_one_location_per_reason_and_every_one_with_verbose():
    verdict = _cuda_configs_beside_an_amd_launch()
    (nvidia,) = [x for x in render_verdict(verdict).splitlines() if x.startswith("    NVIDIA possible")]
    assert nvidia == ("    NVIDIA possible; for it: cuda device: NVIDIA (CUDA) or AMD (ROCm keeps the name) (strong) "
                      "[configs/c0.py:1 +5 more]; nccl backend: NVIDIA (CUDA) or AMD (ROCm keeps the name) through "
                      "RCCL (strong) [train.py:2]; against it: HSA runtime variables (AMD ROCm) (strong) [run.sh:2]")
    (verbose,) = [x for x in render_verdict(verdict, verbose=True).splitlines() if x.startswith("    NVIDIA possible")]
    assert "configs/c5.py:1" in verbose
    # The vendors nothing speaks for share a line that says so plainly.
    (others,) = [x for x in render_verdict(verdict).splitlines() if x.startswith("    Huawei, ")]
    assert others.startswith("    Huawei, Intel, Google, Apple, AWS possible, with nothing in favour; against: ")


@pytest.mark.parametrize("name", [
    "corpus/org+long-named-repo/" + "d" * 70 + "/train.sh",  # longer than the rest of its line, with a hyphen
    "a" * 150 + "/train.sh",  # longer than a line
])
def test_the_bottom_line_never_cuts_a_path(name):
    verdict = infer(hunyuan_like())
    verdict.primary = {"name": name, "file_count": 4, "vendors": ["NVIDIA"], "consistent": ["nvidia-h100-sxm"]}
    lines = render_verdict(verdict).splitlines()
    bottom = lines[1:lines.index(next(x for x in lines if x.startswith("  Vendor:")))]
    assert any(name in line for line in bottom)


def _amd_run_with_bf16():
    from ..infer_helpers import finding, result

    return result(
        finding("WAC404", "torchrun", path="train.sh", line=3, script="train.py"),
        finding("WAC205", "HIP_VISIBLE_DEVICES", path="train.sh", line=1),
        finding("WAC204", "cuda", path="train.py", line=5),
        finding("WAC101", "bfloat16", path="train.py", line=6),
    )


def test_floor_lines_follow_the_likely_vendor_only():
    # bf16 sets an NVIDIA floor (Ampere) but none for AMD (every Instinct part has it): with AMD likely, an NVIDIA
    # floor would read as if the run needed an Ampere GPU.
    verdict = infer(_amd_run_with_bf16())
    assert verdict.vendor_status("AMD") == "likely" and "NVIDIA" in verdict.overall.architecture_floor
    lines = render_verdict(verdict).splitlines()
    assert [line for line in lines if "Architecture floor" in line] == \
        ["  Architecture floor: none set by the evidence."]
    assert any(line.startswith("  Architecture floor, NVIDIA: Ampere") for line in
               render_verdict(verdict, verbose=True).splitlines())  # --verbose still shows every floor


def test_markdown_and_html_show_the_same_floors_as_the_text():
    # The three human-readable reports share bottom_line.floors_shown: a Markdown or HTML summary listing NVIDIA's
    # Ampere floor for an AMD run would say what the text report rightly leaves out.
    from whackachip_lint.report import html as html_report
    from whackachip_lint.report import markdown as markdown_report

    amd = _amd_run_with_bf16()
    verdict = infer(amd)
    markdown = "\n".join(markdown_report.render_verdict(verdict))
    assert "| Architecture floor | none set by the evidence |" in markdown and "Ampere" not in markdown
    page = html_report.render(amd, verdict)
    assert "<dt>Architecture floor</dt><dd>none set</dd>" in page


def test_markdown_floor_names_the_likely_vendor_with_its_compute_capability():
    from whackachip_lint.report import markdown as markdown_report

    from ..infer_helpers import finding, result

    verdict = infer(result(
        finding("WAC404", "torchrun", path="train.sh", line=3, script="train.py"),
        finding("WAC201", "nccl", path="train.py", line=4),
        finding("WAC101", "bfloat16", path="train.py", line=6),
    ))
    assert verdict.vendor_status("NVIDIA") == "likely"
    markdown = "\n".join(markdown_report.render_verdict(verdict))
    assert "| Architecture floor | NVIDIA: Ampere (compute capability 8.0) |" in markdown


@pytest.mark.parametrize(
    ("conflicts", "said", "heading"),
    [
        ([{"paths": ["gpu/run.sh", "npu/run.sh"], "why": "the paths run on disjoint hardware"}],
         "; 1 conflict between training paths.", "Training paths in conflict (1):"),
        ([{"paths": ["xpu/run.sh"], "why": "no part meets every strong requirement together", "set_aside": "strong"}],
         "; 1 training path whose own evidence no catalog part meets together.",
         "Training paths whose evidence no part meets together (1):"),
        ([{"paths": ["a.sh", "b.sh"], "why": "the paths run on disjoint hardware"},
          {"paths": ["c.sh"], "why": "hard facts no catalog entry meets together"},
          {"paths": ["d.sh"], "why": "hard facts no catalog entry meets together"}],
         "; 1 conflict between training paths; 2 training paths whose own evidence no catalog part meets together.",
         "Training paths in conflict, or whose evidence no part meets together (3):"),
    ],
)
def test_a_paths_own_conflict_is_not_called_a_conflict_between_paths(conflicts, said, heading):
    # One path whose vendor has no part in the catalog (Intel XPU) was "1 conflict between training paths".
    from whackachip_lint.report.bottom_line import bottom_line

    verdict = infer(hunyuan_like())
    verdict.conflicts = conflicts
    assert said in bottom_line(verdict)
    assert f"  {heading}" in render_verdict(verdict).splitlines()
