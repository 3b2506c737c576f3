"""The verdict's parts, one at a time, on findings built directly: exact vendor sets, statuses, floors and reasons.

Each test pins a behaviour of infer/engine.py that the whole-verdict tests (test_infer_engine.py) reach without
checking every field of it (these were found by mutation testing, docs/testing.md).
"""

from __future__ import annotations

from whackachip_lint.infer.catalog import load_catalog
from whackachip_lint.infer.engine import DISFAVOURED, EXCLUDED, CONSISTENT, _merge, assess

from ..infer_helpers import finding

CATALOG = load_catalog()
NCCL = "nccl backend: NVIDIA (CUDA) or AMD (ROCm keeps the name) through RCCL"
NCCL_VARIABLES = "NCCL variables: NVIDIA (CUDA) or AMD (ROCm keeps the name) (RCCL reads NCCL_*)"
TORCH_NPU = "imports torch_npu (Huawei Ascend runtime)"
TIE_BREAK = ("CUDA-looking code with nothing AMD-specific in force is usually NVIDIA; AMD stays possible because ROCm "
             "builds of PyTorch keep the cuda device and the nccl backend (served by RCCL, which reads NCCL_* "
             "variables)")


def launch(folder: str):
    return finding("WAC404", "torchrun", path=f"{folder}/run.sh", line=1, script="x.py")


def vendor_rows(assessment):
    return [(v.name, v.status, v.score, v.in_catalog, [(r.constraint, r.result, r.evidence) for r in v.reasons])
            for v in assessment.vendors]


# --- several paths merged -------------------------------------------------------------------------------------

# Path a: bf16 on nccl, 8 devices a node (datacenter), NVIDIA floor Ampere.
PATH_A = [launch("a"), finding("WAC201", "nccl", path="a/x.py", line=2), finding("WAC101", path="a/x.py", line=3),
          finding("WAC401", 8, path="a/run.sh", line=1)]
# Path b: fp8 on nccl with P2P and InfiniBand off (consumer): floors for NVIDIA (Ada), AMD and Huawei.
PATH_B = [launch("b"), finding("WAC201", "nccl", path="b/x.py", line=2), finding("WAC104", path="b/x.py", line=3),
          finding("WAC303", "NCCL_P2P_DISABLE", state="disabled", path="b/run.sh", line=4),
          finding("WAC301", "NCCL_IB_DISABLE", state="disabled", path="b/run.sh", line=5)]
# Path c: torch_npu (every other vendor excluded), no device class.
PATH_C = [launch("c"), finding("WAC202", "torch_npu", path="c/x.py", line=2)]


def test_merged_paths_keep_each_vendors_best_status_with_its_reasons():
    a, b, c = (assess(p, CATALOG) for p in (PATH_A, PATH_B, PATH_C))
    assert [(v.name, v.status) for v in b.vendors if v.status == EXCLUDED] == [("Apple", EXCLUDED)]  # no fp8
    merged = _merge([a, b, c], ["a", "b", "c"], CATALOG)
    both = ("a/x.py:2", "b/x.py:2")
    variables = ("b/run.sh:4", "b/run.sh:5")
    against = [(NCCL, "contradicts", both), (NCCL_VARIABLES, "contradicts", variables)]
    assert vendor_rows(merged) == [
        # Likely in a and b: the reasons of both, each once with the evidence of both; the score of the first.
        ("NVIDIA", "likely", 10, True, [(NCCL, "supports", both),
                                        (TIE_BREAK, "tie-break", ("a/x.py:2", "b/run.sh:4", "b/run.sh:5", "b/x.py:2")),
                                        (NCCL_VARIABLES, "supports", variables)]),
        ("AMD", "possible", 10, True, [(NCCL, "supports", both),
                                       (TIE_BREAK, "tie-break", ("a/x.py:2", "b/run.sh:4", "b/run.sh:5", "b/x.py:2")),
                                       (NCCL_VARIABLES, "supports", variables)]),
        # Likely in c only: c's reasons alone, not those of the paths where it is merely possible.
        ("Huawei", "likely", 100, True, [(TORCH_NPU, "supports", ("c/x.py:2",))]),
        ("Intel", "possible", -10, True, against),
        ("Google", "possible", -10, True, against),
        # Excluded in b (no fp8) and c, possible in a: a's reasons only.
        ("Apple", "possible", -10, True, [(NCCL, "contradicts", ("a/x.py:2",))]),
        ("AWS", "possible", -10, True, against),
    ]
    statuses = {c.entry.id: (c.status, c.recipe) for c in merged.candidates}
    assert [statuses[i] for i in ("nvidia-v100", "nvidia-a100-sxm4-80gb", "nvidia-rtx-4090", "huawei-ascend-910b",
                                  "amd-mi300x")] == [
        (DISFAVOURED, "a"), (CONSISTENT, "a"), (CONSISTENT, "b"), (CONSISTENT, "c"), (DISFAVOURED, "a")]
    # Per vendor the lowest floor of the paths that can run on it; a path running there without a floor (a for
    # AMD and Huawei) leaves none.
    assert {v: f["first_candidate"] for v, f in b.architecture_floor.items()} == {
        "NVIDIA": "nvidia-l40", "AMD": "amd-mi300x", "Huawei": "huawei-ascend-910c"}
    assert merged.architecture_floor == {"NVIDIA": a.architecture_floor["NVIDIA"]}
    assert merged.device_class == {"class": "mixed", "strength": None, "evidence": [], "reasons": [],
                                   "per_recipe": {"a": "datacenter", "b": "consumer", "c": "unknown"}}
    assert merged.insufficient_evidence is False and merged.conflicting_hard_evidence is False
    assert merged.requirements == a.requirements + b.requirements + c.requirements


def test_merged_paths_keep_the_lowest_floor_and_one_device_class():
    a, b = assess(PATH_A, CATALOG), assess([*PATH_B[:3], finding("WAC401", 8, path="b/run.sh", line=1)], CATALOG)
    for order in ([a, b], [b, a]):
        merged = _merge(order, ["one", "two"], CATALOG)
        assert {v: f["first_candidate"] for v, f in merged.architecture_floor.items()} == {
            "NVIDIA": "nvidia-a100-pcie-40gb"}
        assert merged.device_class is order[0].device_class  # one class: the first path's, with its evidence
        assert merged.device_class["class"] == b.device_class["class"] == "datacenter"


def test_merged_evidence_is_insufficient_only_when_every_path_is_and_conflicting_when_any_is():
    # Hard facts of two vendors in one path: a conflict; without a launch: insufficient evidence.
    clash = assess([finding("WAC202", "torch_npu", path="d/x.py", line=1),
                    finding("WAC202", "habana_frameworks", path="d/x.py", line=2)], CATALOG)
    bare = assess([finding("WAC204", "cuda", path="e/x.py", line=1)], CATALOG)  # a device, no training set-up
    a = assess(PATH_A, CATALOG)
    assert (clash.conflicting_hard_evidence, clash.insufficient_evidence) == (True, True)
    assert (bare.conflicting_hard_evidence, bare.insufficient_evidence, a.insufficient_evidence) == (False, True, False)
    merged = _merge([a, clash], ["a", "d"], CATALOG)
    assert (merged.insufficient_evidence, merged.conflicting_hard_evidence) == (False, True)
    merged = _merge([bare, clash], ["e", "d"], CATALOG)
    assert (merged.insufficient_evidence, merged.conflicting_hard_evidence) == (True, True)
    merged = _merge([bare, a], ["e", "a"], CATALOG)
    assert (merged.insufficient_evidence, merged.conflicting_hard_evidence) == (False, False)
