"""The verdict stays readable and small on big trees: a terminal page of text, a JSON report that grows with
the findings (each reason written once), not with findings x candidates."""

from __future__ import annotations

import json

import pytest

from whackachip_lint.infer.engine import infer
from whackachip_lint.report import json as json_report
from whackachip_lint.report.verdict_text import render_verdict

from ..conftest import run_cli_in
from ..infer_helpers import finding, result

FILES = 1300
TEXT_LINES = 30  # a terminal page
JSON_BYTES = 5_000_000
PER_FINDING_INFERENCE_BYTES = 60  # the inference part, per finding: it must not scale with the catalog


def big_framework():
    """About 7,000 findings over 1,300 files: a Megatron-sized framework with many launch scripts."""
    found = []
    for i in range(FILES):
        py = f"megatron/core/module_{i:04d}.py"
        found += [
            finding("WAC101", True, path=py, line=10),
            finding("WAC201", "nccl", path=py, line=20),
            finding("WAC204", "cuda", path=py, line=30),
            finding("WAC103", True, path=py, line=40),
            finding("WAC102", True, state="conditional", path=py, line=50),
        ]
        if i % 10 == 0:
            sh = f"examples/run_{i:04d}.sh"
            if i % 100 == 0:  # 13 launch scripts: 13 recipes
                found.append(finding("WAC404", "torchrun", path=sh, line=5, script=py))
            found += [
                finding("WAC401", 8, path=sh, line=5),
                finding("WAC301", "NCCL_IB_HCA", path=sh, line=2),
                finding("WAC302", "NCCL_NET_GDR_LEVEL", path=sh, line=3),
            ]
        if i % 50 == 0:
            found.append(finding("WAC104", True, path=f"tests/test_fp8_{i}.py", line=7))
            found.append(finding("WAC712", "V100", path=f"docs/run_{i}.md", line=3, catalog_ids="nvidia-v100"))
    return result(*found)


@pytest.fixture(scope="module")
def big():
    scan = big_framework()
    return scan, infer(scan)


def test_big_framework_verdict_fits_a_terminal_page_and_json_stays_small(big):
    scan, verdict = big
    assert len(scan.findings) >= 6500
    text = render_verdict(verdict)
    lines = text.splitlines()
    assert len(lines) <= TEXT_LINES, text
    assert max(len(line) for line in lines) < 600, text
    assert "+1297 more]" in text  # a reason shows 3 of its 1,300 locations
    assert lines[-1] == "  (--verbose shows every reason, location and part)"

    report = json_report.render(scan, verdict)
    assert len(report.encode()) < JSON_BYTES
    data = json.loads(report)
    assert data["schema_version"] == 2
    inference = json.dumps(data["inference"])
    assert len(inference) < PER_FINDING_INFERENCE_BYTES * len(scan.findings)
    bf16 = max((r for r in data["inference"]["reasons"].values() if "bf16" in r["constraint"]),
               key=lambda r: r["evidence_count"])
    assert bf16["evidence_count"] > 1000 and len(bf16["evidence"]) == 10  # capped, with the full count
    assert bf16["evidence"][0] == {"path": "megatron/core/module_0000.py", "line": 10, "rule": "WAC101"}


def test_reasons_are_written_once_and_referenced_by_id(big):
    scan, verdict = big
    inference = json.loads(json_report.render(scan, verdict))["inference"]
    table = inference["reasons"]
    used = [i for c in inference["candidates"] for i in c["reasons"]]
    assert set(used) <= set(table) and len(used) > len(set(used))  # shared by many candidates, written once
    contents = [json.dumps(r, sort_keys=True) for r in table.values()]
    assert len(contents) == len(set(contents))
    assert len(table) < 60  # recipes list statuses, not their own copies of every reason
    for recipe in inference["recipes"]:  # per-recipe assessments list statuses only (the paths verdict has none here)
        assert recipe["files_count"] >= 1 and "reasons" not in recipe["vendors"][0]


def test_verbose_text_shows_every_location(big):
    _scan, verdict = big
    full = render_verdict(verdict, verbose=True)
    assert "more]" not in full and "--verbose" not in full
    assert "megatron/core/module_1299.py:10" in full
    assert len(full.splitlines()) > TEXT_LINES


def _many_files_repo(root, count: int = 12) -> None:
    for i in range(count):
        (root / f"train_{i}.py").write_text(
            "import torch\nimport torch.distributed as dist\n\n"
            "dist.init_process_group(backend='nccl')\nmodel = torch.nn.Linear(8, 8).to('cuda')\n"
        )
    # The launched script imports the others (at its end, so every file's evidence stays on line 4): one training
    # path through every file.
    with open(root / "train_0.py", "a") as entry:
        entry.write("".join(f"import train_{i}\n" for i in range(1, count)))
    (root / "run.sh").write_text("#!/bin/bash\ntorchrun --nproc_per_node 8 train_0.py\n")


def test_cli_caps_locations_by_default_and_verbose_lists_them(tmp_path):
    _many_files_repo(tmp_path)
    default = run_cli_in(tmp_path, ".")
    assert default.exit_code == 0, default.output
    verdict = default.output[default.output.index("Hardware verdict"):]
    assert "train_0.py:4, train_1.py:4, train_10.py:4 +9 more]" in verdict
    verbose = run_cli_in(tmp_path, "--verbose", ".")
    assert verbose.exit_code == 0
    assert "train_9.py:4" in verbose.output[verbose.output.index("Hardware verdict"):]
    assert "+9 more]" not in verbose.output


def test_cli_json_verbose_keeps_every_location(tmp_path):
    _many_files_repo(tmp_path, count=14)
    capped = json.loads(run_cli_in(tmp_path, "--format", "json", ".").output)["inference"]["reasons"]
    full = json.loads(run_cli_in(tmp_path, "--format", "json", "--verbose", ".").output)["inference"]["reasons"]
    nccl = [r for r in capped.values() if r["constraint"].startswith("nccl backend") and r.get("result") == "supports"]
    assert nccl and nccl[0]["evidence_count"] == 14 and len(nccl[0]["evidence"]) == 10
    nccl = [r for r in full.values() if r["constraint"].startswith("nccl backend") and r.get("result") == "supports"]
    assert len(nccl[0]["evidence"]) == 14
