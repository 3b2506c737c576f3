"""Declared hardware compared with what the code needs (fixture repos under fixtures/verdicts/declared_*).

A declaration that agrees with the code narrows the verdict and says so; one the code contradicts is a
conflict with both locations (and a WAC714 warning for capability requirements), never an empty consistent list.
"""

from __future__ import annotations

import shutil

from whackachip_lint.infer.engine import infer
from whackachip_lint.report.bottom_line import bottom_line

from ..conftest import FIXTURES, run_cli, run_cli_in, scan_json
from ..infer_helpers import finding, resolved, result, where

VERDICTS = FIXTURES / "verdicts"
A100 = {"nvidia-a100-sxm4-40gb", "nvidia-a100-sxm4-80gb", "nvidia-a100-pcie-40gb", "nvidia-a100-pcie-80gb"}
H100 = {"nvidia-h100-sxm", "nvidia-h100-pcie", "nvidia-h100-nvl"}


def report(name: str) -> dict:
    return scan_json(".", cwd=VERDICTS / name)


def consistent(inference: dict) -> set[str]:
    return {c["id"] for c in inference["candidates"] if c["status"] == "consistent"}


def test_readme_naming_a_gpu_the_code_cannot_use_is_a_conflict_not_an_empty_list():
    data = report("declared_v100_fa2")
    inference = data["inference"]
    assert A100 | H100 <= consistent(inference)  # the code's own verdict stands (FlashAttention-2: Ampere or newer)
    (conflict,) = inference["conflicts"]
    assert conflict["kind"] == "declared_vs_code" and conflict["outcome"] == "disfavoured"
    assert conflict["ids"] == ["nvidia-v100"]
    assert conflict["summary"] == ("V100 declared at README.md:3, but the code is unlikely to run there: "
                                   "FlashAttention-2 needs Ampere or newer on NVIDIA (strong) at train.py:3")
    assert "1 conflict between declared hardware and the code" in inference["bottom_line"]
    assert conflict["declared"]["evidence"] == [{"path": "README.md", "line": 3, "rule": "WAC712"}]
    assert [r["evidence"] for r in conflict["code"]] == [[{"path": "train.py", "line": 3, "rule": "WAC601"}]]
    v100 = next(c for c in inference["candidates"] if c["id"] == "nvidia-v100")
    assert v100["status"] == "disfavoured"


def test_the_contradiction_is_a_warning_with_both_locations():
    out = run_cli_in(VERDICTS / "declared_v100_fa2", ".")
    assert out.exit_code == 1  # WAC714 is a warning, the default fail level
    line = next(x for x in out.output.splitlines() if "WAC714" in x)
    assert line.lstrip().startswith("README.md:3:")
    assert "train.py:3" in line and "FlashAttention-2" in line


def test_agreeing_declarations_narrow_the_verdict_together_and_say_so():
    inference = report("declared_agrees")["inference"]
    assert inference["conflicts"] == []
    assert [d["outcome"] for d in inference["declared_agreements"]] == ["agrees", "agrees"]
    # README (A100) and the SLURM request (H100) are one declared set: neither disfavours the other's parts
    assert consistent(inference) == A100 | H100
    a100 = next(c for c in inference["candidates"] if c["id"] == "nvidia-a100-sxm4-80gb")
    support = [r for r in resolved(inference, a100["reasons"]) if r["result"] == "supports"]
    assert support and "agrees with the code" in support[0]["constraint"]
    assert set(support[0]["evidence"]) == {"README.md:3", "job.slurm:3"}
    l40s = next(c for c in inference["candidates"] if c["id"] == "nvidia-l40s")
    assert l40s["status"] == "disfavoured"


def test_names_of_parts_already_declared_are_said_once(tmp_path):
    """A framework's blogs name one GPU a dozen ways (A100, NVIDIA A100-80GB, A100-40G): the reasons name the parts."""
    repo = tmp_path / "repo"
    shutil.copytree(VERDICTS / "declared_agrees", repo)
    (repo / "README.md").write_text("# Small LM\n\nThe model was trained on 8 A100 GPUs for 3 days.\n\n"
                                    "We also trained it on NVIDIA A100-80GB GPUs.\n\n"
                                    "A second run was trained on 8 A100-40G GPUs.\n")
    inference = scan_json(".", cwd=repo)["inference"]
    assert len(inference["declared_agreements"]) == 4  # each declaration is still judged and listed
    assert consistent(inference) == A100 | H100
    l40s = next(c for c in inference["candidates"] if c["id"] == "nvidia-l40s")
    (fails,) = [r for r in resolved(inference, l40s["reasons"]) if r["constraint"].startswith("declared hardware")]
    assert fails["constraint"] == "declared hardware: h100, A100"
    assert set(fails["evidence"]) == {"job.slurm:3", "README.md:3", "README.md:5", "README.md:7"}
    (nvidia,) = [v for v in inference["vendors"] if v["name"] == "NVIDIA"]
    declared = [(r["constraint"], r["strength"], sorted(r["evidence"])) for r in resolved(inference, nvidia["reasons"])
                if r["constraint"].startswith("declared hardware")]
    # One vendor reason per strength: the SLURM request (strong) and the README's three names of the A100 (weak).
    assert sorted(declared) == [
        ("declared hardware: A100 (agrees with the code)", "weak", ["README.md:3", "README.md:5", "README.md:7"]),
        ("declared hardware: h100 (agrees with the code)", "strong", ["job.slurm:3"])]
    text = run_cli_in(repo, ".", "--verdict-only").output
    assert ("  Declared hardware agreeing with the code (supports those parts): h100 [job.slurm:3], A100 "
            "[README.md:3]; 2 other names of the same parts.") in text.splitlines()


def test_declaration_of_another_vendor_is_a_conflict_without_wac714():
    data = report("declared_other_vendor")
    inference = data["inference"]
    assert consistent(inference) and all(i.startswith("huawei-ascend-") for i in consistent(inference))
    (conflict,) = inference["conflicts"]
    assert conflict["outcome"] == "excluded" and set(conflict["ids"]) == A100
    assert any("torch_npu" in r["constraint"] and [where(e) for e in r["evidence"]] == ["pretrain.py:2"]
               for r in conflict["code"])
    # vendor requirements never make WAC714 (parallel GPU and NPU recipes would contradict themselves)
    assert not [f for f in data["findings"] if f["rule"] == "WAC714"]


def test_hard_contradiction_excludes_the_declared_part_only():
    scan = result(
        finding("WAC712", "V100", path="README.md", line=3, catalog_ids="nvidia-v100"),
        finding("WAC104", True, path="train.py", line=5),
        finding("WAC201", "nccl", path="train.py", line=6),
    )
    verdict = infer(scan)
    (conflict,) = verdict.declared_conflicts
    assert conflict.outcome == "excluded"
    assert [r.evidence for r in conflict.code] == [("train.py:5",)]
    assert verdict.status_of("nvidia-v100") == "excluded"
    assert verdict.status_of("nvidia-h100-sxm") == "consistent"
    assert "V100 declared at README.md:3, but the code cannot run there" in conflict.summary()
    assert "1 conflict between declared hardware and the code" in bottom_line(verdict)


def test_a_contradiction_finding_is_no_second_declaration():
    """WAC714 repeats the declaration's catalog ids: it must not constrain the verdict a second time."""
    declared = finding("WAC712", "H100", path="README.md", line=3, catalog_ids="nvidia-h100-sxm")
    repeat = finding("WAC714", "H100", path="README.md", line=3, catalog_ids="nvidia-h100-sxm")
    verdict = infer(result(declared, repeat, finding("WAC201", "nccl")))
    assert len(verdict.overall.declared) == 1


def test_an_agreeing_declaration_is_vendor_evidence():
    """ROCm runs CUDA-looking code unchanged (cuda device, nccl backend): a README naming MI300X tips it to AMD."""
    scan = result(
        finding("WAC712", "MI300X", path="README.md", line=3, catalog_ids="amd-mi300x"),
        finding("WAC201", "nccl", path="train.py", line=5),
        finding("WAC204", "cuda", path="train.py", line=6),
        finding("WAC404", "torchrun", path="run.sh", line=2, script="train.py"),
    )
    verdict = infer(scan)
    assert verdict.vendor_status("AMD") == "likely"
    assert verdict.vendor_status("NVIDIA") == "possible"
    assert verdict.status_of("amd-mi300x") == "consistent"
    assert verdict.status_of("nvidia-h100-sxm") == "disfavoured"
    assert verdict.declared_conflicts == []
    amd = next(v for v in verdict.vendors if v.name == "AMD")
    assert any(r.result == "supports" and r.evidence == ("README.md:3",) for r in amd.reasons)


def test_a_declaration_one_recipe_can_run_is_no_conflict():
    """Two launch recipes, FP8 in one only: a README naming V100 agrees with the other, so no conflict overall."""
    scan = result(
        finding("WAC712", "V100", path="README.md", line=3, catalog_ids="nvidia-v100"),
        finding("WAC404", "torchrun", path="fp8/run.sh", line=2, script="train.py"),
        finding("WAC104", True, path="fp8/train.py", line=5),
        finding("WAC201", "nccl", path="fp8/train.py", line=6),
        finding("WAC404", "torchrun", path="plain/run.sh", line=2, script="train.py"),
        finding("WAC201", "nccl", path="plain/train.py", line=6),
        files=["fp8/run.sh", "fp8/train.py", "plain/run.sh", "plain/train.py", "README.md"],
    )
    verdict = infer(scan)
    assert len(verdict.recipes) == 2
    assert verdict.status_of("nvidia-v100") == "consistent"
    assert verdict.declared_conflicts == []
    assert [d.outcome for d in verdict.overall.declared] == ["agrees"]


def _declared_reason_of_t4(names: list[str]):
    decls = [finding("WAC712", name, path="blogs/post.md", line=n + 1) for n, name in enumerate(names)]
    verdict = infer(result(finding("WAC201", "nccl", path="train.py", line=2), *decls))
    t4 = next(c for c in verdict.candidates if c.entry.id == "nvidia-t4")
    (reason,) = [r for r in t4.reasons if r.constraint.startswith("declared hardware: ")]
    return reason


def test_a_reason_names_at_most_four_declared_names():
    # DeepSpeed's blogs spell five GPUs fourteen ways; the reason names each set of parts once, at most four, and
    # its evidence keeps every location. Names of parts already named add nothing (A100-40GB, NVIDIA A100-80G
    # beside A100; NVIDIA V100 (32GB) beside V100).
    reason = _declared_reason_of_t4(["A100", "A100-40GB", "NVIDIA A100-80G", "A6000", "V100", "NVIDIA V100 (32GB)"])
    assert reason.constraint == "declared hardware: A100, A6000, V100"
    assert len(reason.evidence) == 6
    reason = _declared_reason_of_t4(["A100", "A6000", "V100", "H100", "L40S", "A10"])
    assert reason.constraint == "declared hardware: A10, A100, A6000, H100 +2 more"
