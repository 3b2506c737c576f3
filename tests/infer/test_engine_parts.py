"""The verdict's parts, one at a time, on findings built directly: exact vendor sets, statuses, floors and reasons.

Each test pins a behaviour of infer/engine.py that the whole-verdict tests (test_infer_engine.py) reach without
checking every field of it (these were found by mutation testing, docs/testing.md).
"""

from __future__ import annotations

import pytest

from whackachip_lint.config import Settings
from whackachip_lint.evidence import State
from whackachip_lint.infer.catalog import Catalog, load_catalog
from whackachip_lint.infer.constraints import Requirement, Spec
from whackachip_lint.infer.engine import (
    CONSISTENT, COUNT_NOTES, DISFAVOURED, EXCLUDED, RepoContext, _conflicts, _counts, _device_class, _interconnect,
    LAUNCH_OVERRIDES, _merge, _outweighing, _primary, _settle_vendor_conflicts, _vendors, assess, collect_requirements,
    documented_parts, has_hardware_evidence, infer, optional_requirements, settle_master_switches, shim_vendors,
    singled_out_vendors, vendor_scopes, _with,
)
from whackachip_lint.infer.judgement import CandidateVerdict, Reason
from whackachip_lint.infer.recipes import Recipe, find_recipes
from whackachip_lint.rules.codes import Code
from whackachip_lint.scan import scan

from ..conftest import FIXTURES, REPOS
from ..infer_helpers import finding, readme_under_examples, result

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
    """(name, status, score, in catalog, reasons) per vendor, a reason as (constraint, result, evidence)."""
    return [(v.name, v.status, v.score, v.in_catalog, [(r.constraint, r.result, r.evidence) for r in v.reasons])
            for v in assessment.vendors]


def reason_strengths(assessment) -> dict[str, tuple[str, str]]:
    """constraint -> (strength, rule) over every vendor's reasons."""
    return {r.constraint: (r.strength, r.rule) for v in assessment.vendors for r in v.reasons}


# --- where a finding stands: support files and vendored trees ---------------------------------------------------------

SUPPORT = "in a support file: for its vendor, against none"
BUILD = "in a support file: what one build targets, against none"
VENDORED = "in vendored code, weighed lower"


@pytest.mark.parametrize(("made", "expected"), [
    # A hard vendor tell in a support file: weak, for its vendor and against none.
    (finding("WAC202", "torch_npu", path="Dockerfile", line=3),
     [(f"{TORCH_NPU} ({SUPPORT})", "weak", "vendor", False, False, "torch_npu")]),
    # A strong one keeps its strength.
    (finding("WAC201", "nccl", path="docs/setup.md", line=3), [(f"{NCCL} ({SUPPORT})", "strong", "vendor", False, False,
                                                               "nccl")]),
    # A compile target list there: what one build targets (strong, against none), and its vendor tell.
    (finding("WAC603", "8.0", path="Dockerfile", line=5),
     [(f"compiled for CUDA compute capabilities 8.0 ({BUILD})", "strong", "cuda_arch_list", False, False, "8.0"),
      (f"CUDA compile targets (NVIDIA) ({SUPPORT})", "weak", "vendor", False, False, "8.0")]),
    # Any other hard fact there: strong, still against the parts that fail it.
    (finding("WAC104", path="README.md", line=2),
     [("FP8 matrix multiplies on the live path (in a support file, weighed lower)", "strong", "feature", True, False,
       True)]),
    # A softer fact in a support file (ci/ holds CI set-up) stays as it is.
    (finding("WAC101", path="ci/x.sh", line=2), [("native bf16 tensor math", "strong", "feature", True, False, True)]),
    # Vendored code: one strength lower, marked vendored; weak evidence there is context only.
    (finding("WAC202", "torch_npu", path="v/x.py", line=3, vendored=True),
     [(f"{TORCH_NPU} ({VENDORED})", "strong", "vendor", True, True, "torch_npu")]),
    (finding("WAC201", "nccl", path="v/x.py", line=4, vendored=True),
     [(f"{NCCL} ({VENDORED})", "weak", "vendor", True, True, "nccl")]),
    (finding("WAC103", path="v/x.py", line=5, vendored=True), []),
    # Own code, not a support file: as the rule implies.
    (finding("WAC202", "torch_npu", path="train.py", line=3),
     [(TORCH_NPU, "hard", "vendor", True, False, "torch_npu")]),
], ids=["support-hard-vendor", "support-strong-vendor", "support-target-list", "support-hard-fact",
        "support-soft-fact", "vendored-hard", "vendored-strong", "vendored-weak", "own-code"])
def test_support_files_and_vendored_code_weigh_lower(made, expected):
    assert [(r.constraint, r.strength, r.kind, r.against, r.vendored, r.value)
            for r in collect_requirements([made])] == expected


@pytest.mark.parametrize(("path", "weighed_lower"), [
    # Containers, CI, docs and pins wherever their folder sits, by the one definition the file roles use.
    ("tools/ci/run.sh", True), ("doc/setup.sh", True), (".circleci/build.sh", True), ("requirements.in", True),
    ("gpu.Dockerfile", True), (".github/workflows/x.yml", True), ("Docker/setup.sh", True),
    # Build files, logs and the code itself bind the run.
    ("setup.py", False), ("logs/train.log", False), ("Makefile", False), ("ci_utils/train.py", False),
])
def test_support_files_are_the_container_ci_doc_and_pin_files_of_the_roles(path, weighed_lower):
    (req,) = collect_requirements([finding("WAC202", "torch_npu", path=path, line=3)])
    assert (req.strength, req.against) == (("weak", False) if weighed_lower else ("hard", True))


# --- several paths merged ---------------------------------------------------------------------------------------------

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
    assert reason_strengths(merged) == {NCCL: ("strong", "WAC201"), NCCL_VARIABLES: ("weak", "WAC303"),
                                        TIE_BREAK: ("weak", ""), TORCH_NPU: ("hard", "WAC202")}
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


def test_merged_paths_take_a_floor_some_part_meets_over_one_no_part_meets():
    # Two vendored ROCm target lists no single part meets (strong: AMD stays open) give AMD a floor without a part.
    no_part = assess([finding("WAC604", "gfx90a", path="third_party/a/setup.py", line=4, vendored=True),
                      finding("WAC604", "gfx942", path="third_party/b/setup.py", line=4, vendored=True),
                      launch("x")], CATALOG)
    assert no_part.architecture_floor == {"AMD": {
        "microarchitecture": None, "compute_capability": None, "gfx_target": None, "first_candidate": None,
        "set_by": [{"constraint": f"compiled for AMD GPU targets {gfx} (in vendored code, weighed lower)",
                    "strength": "strong", "evidence": [f"third_party/{d}/setup.py:4"], "rule": "WAC604"}
                   for gfx, d in (("gfx90a", "a"), ("gfx942", "b"))]}}
    mi300 = assess([finding("WAC604", "gfx942", path="y/setup.py", line=4), launch("y")], CATALOG)
    for order in ([no_part, mi300], [mi300, no_part]):
        merged = _merge(order, ["x", "y"], CATALOG)
        assert merged.architecture_floor == {"AMD": mi300.architecture_floor["AMD"]}
        assert merged.architecture_floor["AMD"]["first_candidate"] == "amd-mi300x"


# --- the memory requirement -------------------------------------------------------------------------------------------

# Its locations are the requirement's evidence, not words of its text (a report run from another folder moves them).
MEMORY_TEXT = ("memory: 70.6B parameters (launch arguments); "
               "16 bytes per parameter (adam K=12), {zero}")


@pytest.mark.parametrize(("repo", "strength", "zero", "bytes_"), [
    # Every input from one launch: a part that cannot hold the state is excluded (hard).
    ("mem_70b_zero3", "hard", "ZeRO-3, over 8 data-parallel ranks: at least 141 GB of model state per device",
     141104775168.0),
    # A set-up no part holds is no reason to exclude every part: strong.
    ("mem_70b_zero0", "strong", "ZeRO-0: at least 1129 GB of model state per device; this set-up fits no catalog part",
     1128838201344.0),
])
def test_the_memory_estimate_is_one_requirement_with_its_evidence_once(repo, strength, zero, bytes_):
    scanned = scan([REPOS / repo], Settings(use_cache=False, jobs=1))
    verdict = infer(scanned)
    (req,) = [r for r in verdict.overall.requirements if r.rule == Code.MODEL_DIMENSION]
    config = "ds_zero3.json" if repo.endswith("zero3") else "ds_zero0.json"
    text = MEMORY_TEXT.format(zero=zero)
    assert (req.constraint, req.strength, req.kind, req.evidence, req.value) == (
        text, strength, "memory", (f"{config}:3", f"{config}:5", "train.sh:4", "train.sh:5", "train.sh:6"), bytes_)
    assert req.spec == Spec("memory", strength, text, bytes_)
    assert verdict.overall.memory.bytes_per_device == bytes_
    assert verdict.to_dict()["memory"] == verdict.overall.memory.to_dict()


def test_a_set_up_that_fits_no_part_sets_nothing_aside():
    verdict = infer(scan([REPOS / "mem_70b_zero0"], Settings(use_cache=False, jobs=1)))
    # It runs nowhere: no part is made consistent by setting evidence aside (the Apple part, whose memory the catalog
    # does not give, fails only the weak eight-devices hint).
    (apple,) = [c for c in verdict.candidates if c.entry.id == "apple-m-series"]
    assert [(r.result, r.strength) for r in apple.reasons] == [("unknown", "strong"), ("fails", "weak"),
                                                                ("unknown", "strong")]
    assert verdict.overall.relaxed is None
    assert [c.entry.id for c in verdict.candidates if c.status == CONSISTENT] == []


def test_a_memory_estimate_of_nothing_is_no_requirement():
    # ZeRO-3 over an unknown number of ranks with a frozen (LoRA) base: nothing is counted per device.
    assessment = assess([finding("WAC509", "meta-llama/Llama-2-7b-hf", path="t.py", line=1),
                         finding("WAC501", 3, path="ds.json", line=2), finding("WAC510", "lora", path="t.py", line=3)],
                        CATALOG)
    assert assessment.memory.bytes_per_device == 0.0
    assert [r.kind for r in assessment.requirements] == []


# --- a tie broken by the rest of the repository -----------------------------------------------------------------------

TIED = [launch("x"), finding("WAC201", "nccl", path="x/train.py", line=4)]  # NVIDIA and AMD alike


def files(vendor_files: dict[str, int]) -> dict[str, tuple[str, ...]]:
    """vendor -> evidence in that many files (two lines in the first file)."""
    return {v: tuple(f"{v.lower()}{i}.sh:{line}" for i in range(n) for line in ((1, 2) if i == 0 else (1,)))
            for v, n in vendor_files.items()}


@pytest.mark.parametrize(("tied", "context", "expected"), [
    ({"AMD", "NVIDIA"}, {"AMD": 3, "NVIDIA": 1}, "AMD"),  # three times the files: exactly enough
    ({"AMD", "NVIDIA"}, {"AMD": 2, "NVIDIA": 1}, None),
    ({"AMD", "NVIDIA"}, {"NVIDIA": 1}, "NVIDIA"),  # any number of files against none
    ({"AMD", "NVIDIA"}, {"AMD": 1, "NVIDIA": 1}, None),
    ({"AMD", "NVIDIA"}, {}, None),
    ({"AMD", "NVIDIA"}, {"Huawei": 5}, None),  # a vendor outside the tie counts for nothing
    ({"AMD", "NVIDIA", "Huawei"}, {"AMD": 3, "Huawei": 2, "NVIDIA": 1}, None),  # every other tied vendor counts
    ({"AMD", "NVIDIA", "Huawei"}, {"AMD": 6, "Huawei": 2, "NVIDIA": 1}, "AMD"),
    ({"AMD", "NVIDIA", "Huawei"}, {"Huawei": 3, "NVIDIA": 1}, "Huawei"),
])
def test_a_tied_vendor_outweighs_the_others_with_three_times_their_files(tied, context, expected):
    assert _outweighing(frozenset(tied), files(context)) == expected


@pytest.mark.parametrize(("context", "likely", "why", "evidence"), [
    ({"AMD": 3, "NVIDIA": 1}, "AMD",
     "this code fits AMD and NVIDIA alike; the repository's other code names AMD alone in 3 files, NVIDIA in 1 file",
     files({"AMD": 3})["AMD"]),
    ({"AMD": 1}, "AMD", "this code fits AMD and NVIDIA alike; the repository's other code names AMD alone in 1 file",
     files({"AMD": 1})["AMD"]),
    ({"NVIDIA": 2, "Huawei": 1}, "NVIDIA",
     "this code fits AMD and NVIDIA alike; the repository's other code names NVIDIA alone in 2 files",
     files({"NVIDIA": 2})["NVIDIA"]),
    # Not outweighed: the data's tie-break, with the evidence of the tied requirements.
    ({"AMD": 2, "NVIDIA": 1}, "NVIDIA", TIE_BREAK, ("x/train.py:4",)),
])
def test_a_tie_is_broken_by_the_vendor_the_rest_of_the_repository_names(context, likely, why, evidence):
    assessment = assess(TIED, CATALOG, context=RepoContext(vendors=files(context)))
    for vendor in assessment.vendors:
        tie_breaks = [(r.constraint, r.strength, r.evidence, r.result) for r in vendor.reasons
                      if r.result == "tie-break"]
        if vendor.name in ("AMD", "NVIDIA"):
            assert vendor.status == ("likely" if vendor.name == likely else "possible")
            assert tie_breaks == [(why, "weak", evidence, "tie-break")]
        else:
            assert (vendor.status, tie_breaks) == ("possible", [])


SUPPORT_NAMES = "this code fits AMD and NVIDIA alike; the repository's containers, pins and documented commands name "


MI300X_README = {"amd-mi300x": ("README.md:3",)}
DOCUMENTS_NAME = "this code fits AMD and NVIDIA alike; the repository's documents name "


@pytest.mark.parametrize(("own", "support", "documented", "likely", "why"), [
    ({}, {"AMD": 1}, {}, "AMD", SUPPORT_NAMES + "AMD alone in 1 file"),  # a ROCm fork whose only image is ROCm's
    ({}, {"AMD": 1, "NVIDIA": 1}, {}, "NVIDIA", TIE_BREAK),  # images of both: the data's tie-break
    ({"NVIDIA": 1}, {"AMD": 3}, {}, "NVIDIA",  # the repository's own code first
     "this code fits AMD and NVIDIA alike; the repository's other code names NVIDIA alone in 1 file"),
    # Then the parts its documents name: a README rewritten for Instinct GPUs...
    ({}, {}, MI300X_README, "AMD", DOCUMENTS_NAME + "AMD parts alone in 1 file"),
    # ... but not beside NVIDIA parts (an upstream README that also names ROCm support), nor before the images.
    ({}, {}, {**MI300X_README, "nvidia-h100-sxm": ("docs/perf.md:9",)}, "NVIDIA", TIE_BREAK),
    ({}, {"NVIDIA": 1}, MI300X_README, "NVIDIA", SUPPORT_NAMES + "NVIDIA alone in 1 file"),
])
def test_a_tie_the_code_leaves_is_broken_by_the_vendor_the_containers_name(own, support, documented, likely, why):
    context = RepoContext(vendors=files(own), support=files(support), documented=documented)
    assessment = assess(TIED, CATALOG, context=context)
    statuses = {v.name: v.status for v in assessment.vendors if v.name in ("AMD", "NVIDIA")}
    assert statuses == {"AMD": "likely" if likely == "AMD" else "possible",
                        "NVIDIA": "likely" if likely == "NVIDIA" else "possible"}
    (amd,) = [v for v in assessment.vendors if v.name == "AMD"]
    assert [r.constraint for r in amd.reasons if r.result == "tie-break"] == [why]


# --- scopes without launch scripts, shims, XLA platforms --------------------------------------------------------------


def refusal(value: str, path: str, line: int):
    """`if torch.version.<value>: raise`: the code refuses to run on that platform (a hard fact, every vendor but)."""
    made = finding("WAC207", value, state="disabled", path=path, line=line)
    return made.with_changes(message=made.message + " Refuses to run on torch.version.x.")


@pytest.mark.parametrize(("findings", "expected"), [
    ([finding("WAC202", "torch_npu", path="Dockerfile", line=1),  # a support file: no scope of its own
      finding("WAC202", "torch_npu", path="third_party/x.py", line=1, vendored=True),  # nor vendored code
      finding("WAC204", "hpu", path="a_gaudi.py", line=2),
      finding("WAC202", "torch_npu", path="b_npu.py", line=3),
      # Two hard facts in one file: what both allow (Huawei), so it joins b_npu.py's scope.
      finding("WAC204", "npu", path="c_both.py", line=4), refusal("hip", "c_both.py", 5),
      finding("WAC101", path="model.py", line=7)],
     [("files requiring Huawei", ["b_npu.py", "c_both.py"],
       ["b_npu.py:3", "c_both.py:4", "c_both.py:5", "Dockerfile:1", "third_party/x.py:1", "model.py:7"]),
      ("files requiring Intel", ["a_gaudi.py"], ["a_gaudi.py:2", "Dockerfile:1", "third_party/x.py:1", "model.py:7"])]),
    ([refusal("cuda", "x.py", 1), finding("WAC207", "cuda", path="y.py", line=2),
      finding("WAC101", path="m.py", line=3)],
     [("files requiring AMD or AWS or Apple or Google or Huawei or Intel", ["x.py"], ["x.py:1", "m.py:3"]),
      ("files requiring NVIDIA", ["y.py"], ["y.py:2", "m.py:3"])]),
    # A file allowing every vendor but AMD shares a vendor with each of the others: one scope, returned as none.
    ([finding("WAC204", "hpu", path="a.py", line=1), finding("WAC202", "torch_npu", path="b.py", line=1),
      refusal("hip", "c.py", 1)], []),
], ids=["support-vendored-and-shared-files", "every-vendor-but-one", "one-scope"])
def test_files_whose_hard_vendor_facts_contradict_are_separate_scopes(findings, expected):
    assert [(name, files, [f"{f.path}:{f.line}" for f in own]) for name, files, own in vendor_scopes(findings)] \
        == expected


@pytest.mark.parametrize(("findings", "vendors"), [
    ([finding("WAC203", "transfer_to_npu")], {"Huawei"}),
    ([finding("WAC203", "habana_frameworks.torch.gpu_migration")], {"Intel"}),
    ([finding("WAC203", "transfer_to_npu"), finding("WAC203", "habana_frameworks.torch.gpu_migration")],
     {"Huawei", "Intel"}),
    ([finding("WAC203", "transfer_to_npu", state="conditional")], set()),
    ([finding("WAC202", "torch_npu"), finding("WAC204", "npu")], set()),  # a runtime is no shim
])
def test_shims_in_force_name_the_vendors_cuda_looking_code_also_points_to(findings, vendors):
    assert shim_vendors(findings) == vendors


@pytest.mark.parametrize(("findings", "constraints"), [
    # An XLA platform names XLA's vendor, not a shim: the nccl backend is not redirected to it.
    ([finding("WAC208", "tpu", path="e.sh", line=1), finding("WAC201", "nccl", path="t.py", line=2)],
     [NCCL, "XLA platform TPU"]),
    ([finding("WAC208", "cuda", path="e.sh", line=1), finding("WAC204", "xla", path="t.py", line=2)],
     ["xla device (XLA on the platform in force: NVIDIA)", "XLA platform CUDA (NVIDIA GPUs)"]),
    ([finding("WAC203", "transfer_to_npu", path="t.py", line=1), finding("WAC201", "nccl", path="t.py", line=2)],
     ["CUDA-to-Ascend migration shim", f"{NCCL} (or Huawei through a CUDA migration shim)"]),
])
def test_shims_and_xla_platforms_reach_every_finding(findings, constraints):
    assert [r.constraint for r in collect_requirements(findings)] == constraints


# --- the verdict as data ----------------------------------------------------------------------------------------------

CONSUMER_RUN = result(launch("x"), finding("WAC401", 3, path="x/run.sh", line=1),
                      finding("WAC201", "nccl", path="x/t.py", line=2), finding("WAC104", path="x/t.py", line=3),
                      finding("WAC303", "NCCL_P2P_DISABLE", state="disabled", path="x/run.sh", line=4),
                      finding("WAC301", "NCCL_IB_DISABLE", state="disabled", path="x/run.sh", line=5))


def test_the_run_scale_gives_each_consistent_part_its_aggregate_tpp():
    verdict = infer(CONSUMER_RUN)
    assert [c.entry.id for c in verdict.candidates if c.status == CONSISTENT] == [
        "nvidia-rtx-4090", "nvidia-rtx-4090d", "nvidia-rtx-5090", "nvidia-rtx-5090d", "nvidia-rtx-pro-6000"]
    # 3 devices; the RTX PRO 6000's TPP is unknown (null): no aggregate rather than a guess.
    assert verdict.scale_dict() == {"devices": 3, "devices_per_node": 3, "nodes": 1, "evidence": ["x/run.sh:1"],
                                    "aggregate_tpp": {"nvidia-rtx-4090": 15854.4, "nvidia-rtx-4090d": 14121,
                                                      "nvidia-rtx-5090": 20112, "nvidia-rtx-5090d": 14250}}
    assert verdict.to_dict()["scale"] == verdict.scale_dict()
    assert infer(result(finding("WAC201", "nccl"))).scale_dict() is None


VERDICT_KEYS = ["vendors", "architecture_floor", "device_class", "interconnect", "gpus_per_node", "nodes",
                "insufficient_evidence", "conflicting_hard_evidence", "declared_agreements", "memory", "scale",
                "recipes", "primary", "supported", "optional_requirements", "conflicts", "paths", "candidates"]


def test_the_verdict_as_data_names_every_field_of_the_overall_and_each_path():
    two_paths = result(
        launch("gpu"), finding("WAC603", "8.0;9.0", path="gpu/run.sh", line=2),
        finding("WAC201", "nccl", path="gpu/x.py", line=10),
        launch("npu"), finding("WAC202", "torch_npu", path="npu/x.py", line=1),
        finding("WAC201", "hccl", path="npu/x.py", line=10), finding("WAC101", path="model.py", line=3))
    verdict = infer(two_paths)
    data = verdict.to_dict()
    overall = verdict.overall
    assert list(data) == VERDICT_KEYS
    assert (data["insufficient_evidence"], data["conflicting_hard_evidence"]) == (False, False)
    assert data["architecture_floor"] == overall.architecture_floor and data["device_class"] == overall.device_class
    assert data["primary"] == verdict.primary and data["primary"]["name"] == "gpu/run.sh"
    assert data["supported"] == overall.ids(CONSISTENT) and "huawei-ascend-910b" in data["supported"]
    assert data["optional_requirements"] == verdict.optional_requirements == []
    assert data["paths"] is verdict.paths is None  # no path analysis in a synthetic result
    assert data["conflicts"] == [{"kind": "paths", "paths": ["gpu/run.sh", "npu/run.sh"],
                                  "why": "the paths run on disjoint hardware (alternatives)"}]
    assert [list(r) for r in data["recipes"]] == [[
        "name", "files", "vendors", "architecture_floor", "device_class", "insufficient_evidence", "consistent",
        "disfavoured", "excluded"]] * 2
    for row, (name, files, assessment) in zip(data["recipes"], verdict.recipes):
        assert (row["name"], row["files"]) == (name, files)
        assert row["architecture_floor"] == assessment.architecture_floor
        assert row["device_class"] == assessment.device_class and row["insufficient_evidence"] is False
        assert [row[status] for status in (CONSISTENT, DISFAVOURED, EXCLUDED)] == [
            assessment.ids(status) for status in (CONSISTENT, DISFAVOURED, EXCLUDED)]
    gpu = data["recipes"][0]
    assert "amd-mi300x" in gpu["disfavoured"] and "nvidia-v100" in gpu["excluded"]
    assert data["recipes"][0]["architecture_floor"]["NVIDIA"]["first_candidate"] == "nvidia-a100-pcie-40gb"


# --- hard vendor facts against each other -----------------------------------------------------------------------------

CONTRADICTED = "contradicted by other vendor evidence in scope"
RESIDUE = "against the hard vendor facts of this path: a branch for other hardware"
HPU = "hpu device (Intel Gaudi)"
NOT_CUDA = "refuses to run on CUDA (torch.version.cuda)"
HCCL = "hccl backend: Huawei Ascend or Intel Gaudi"


@pytest.mark.parametrize(("findings", "conflict", "expected"), [
    # Hard facts for Huawei and for Intel: each weighed as strong; the refusal of CUDA, which allows both, stays hard;
    # the softer nccl evidence stays as it is (no vendor is settled).
    ([finding("WAC202", "torch_npu", line=1), finding("WAC204", "hpu", line=2), refusal("cuda", "train.py", 3),
      finding("WAC201", "nccl", line=4)], True,
     [(f"{TORCH_NPU} ({CONTRADICTED})", "strong", True), (f"{HPU} ({CONTRADICTED})", "strong", True),
      (NOT_CUDA, "hard", True), (NCCL, "strong", True)]),
    # Hard facts that agree: softer evidence for other vendors is a branch for other hardware, against no part;
    # softer evidence that shares a vendor with them stays.
    ([finding("WAC202", "torch_npu", line=1), finding("WAC204", "npu", line=2), finding("WAC201", "nccl", line=3),
      finding("WAC201", "hccl", line=4)], False,
     [(TORCH_NPU, "hard", True), ("npu device (Huawei Ascend)", "hard", True), (HCCL, "strong", True),
      (f"{NCCL} ({RESIDUE})", "strong", False)]),
    # No hard vendor fact: nothing changes.
    ([finding("WAC201", "nccl", line=3), finding("WAC201", "hccl", line=4)], False,
     [(HCCL, "strong", True), (NCCL, "strong", True)]),
], ids=["two-vendors", "one-vendor", "no-hard-fact"])
def test_hard_vendor_facts_settle_the_rest_of_a_paths_vendor_evidence(findings, conflict, expected):
    settled, found = _settle_vendor_conflicts(collect_requirements(findings))
    assert found is conflict
    assert [(r.constraint, r.strength, r.against) for r in settled] == expected


CUDA_DEVICE = "cuda device: NVIDIA (CUDA) or AMD (ROCm keeps the name)"


def two_documented_blocks() -> tuple[list, dict]:
    """A README with a GPU block (lines 5-7) and an NPU block (12-15) running one script whose device is `cuda`."""
    def doc(rule, value, line, block, end, **props):
        return finding(rule, value, path="README.md", line=line, documented=True, doc_block=block,
                       doc_block_end=end, **props)
    findings = [doc("WAC404", "torchrun", 7, 5, 7, script="train.py"),
                doc("WAC205", "ASCEND_TOOLKIT_HOME", 13, 12, 15), doc("WAC205", "HCCL_CONNECT_TIMEOUT", 14, 12, 15),
                doc("WAC404", "torchrun", 15, 12, 15, script="train.py"),
                finding("WAC204", "cuda", path="train.py", line=6)]
    return findings, {r.name: r for r in find_recipes(findings, ["README.md", "train.py"])}


def test_a_documented_launch_sets_up_only_the_devices_of_its_own_block():
    findings, recipes = two_documented_blocks()
    requirements = collect_requirements(findings)  # both blocks' findings in one scope: the launch must tell them apart
    cuda = {launch: next(r for r in _settle_vendor_conflicts(requirements, recipes.get(launch))[0]
                         if r.constraint.startswith(CUDA_DEVICE)) for launch in ("README.md:12", "README.md:5", None)}
    # The NPU block sources CANN's set_env.sh and sets HCCL variables: the script's cuda default is overridden.
    assert (cuda["README.md:12"].constraint, cuda["README.md:12"].against) == (f"{CUDA_DEVICE} ({LAUNCH_OVERRIDES})",
                                                                             False)
    # The GPU block sets up nothing; the NPU block after it (later lines of the same README) is not its set-up.
    assert (cuda["README.md:5"].constraint, cuda["README.md:5"].against) == (CUDA_DEVICE, True)
    assert (cuda[None].constraint, cuda[None].against) == (CUDA_DEVICE, True)


@pytest.mark.parametrize(("launch", "files", "overridden"), [
    # The launch's own tell sets up its devices, even when another file says the same (one merged requirement).
    ("scripts/run_npu.sh", ("scripts/run_npu.sh", "scripts/env_npu.sh"), True),
    ("scripts/run_npu.sh", ("scripts/run_npu.sh",), True),
    # A launch in a support folder (its tell counts against no part) sets up its run all the same.
    ("docker/run_npu.sh", ("docker/run_npu.sh",), True),
    # Another file's tell is not the launch's set-up.
    ("scripts/run_npu.sh", ("scripts/env_npu.sh",), False),
], ids=["merged", "alone", "support-folder", "elsewhere"])
def test_a_launch_file_sets_up_the_devices_its_own_lines_name(launch, files, overridden):
    found = [finding("WAC204", "cuda", path="train.py", line=6)] + [
        finding("WAC205", "ASCEND_RT_VISIBLE_DEVICES", path=path, line=4) for path in files]
    recipe = Recipe(launch, {launch, "train.py"}, {launch.rpartition("/")[0]})
    settled, _ = _settle_vendor_conflicts(collect_requirements(found), recipe)
    cuda = next(r for r in settled if r.constraint.startswith(CUDA_DEVICE))
    assert (cuda.constraint, cuda.against) == ((f"{CUDA_DEVICE} ({LAUNCH_OVERRIDES})", False) if overridden
                                               else (CUDA_DEVICE, True))


def test_an_overridden_default_stays_marked_through_rebuilds_and_is_told_by_its_mark_not_its_text():
    found = [finding("WAC204", "cuda", path="train.py", line=6), finding("WAC205", "ASCEND_RT_VISIBLE_DEVICES",
                                                                       path="scripts/run_npu.sh", line=4)]
    recipe = Recipe("scripts/run_npu.sh", {"scripts/run_npu.sh", "train.py"}, {"scripts"})
    settled, _ = _settle_vendor_conflicts(collect_requirements(found), recipe)
    cuda = next(r for r in settled if r.constraint.startswith(CUDA_DEVICE))
    assert (cuda.overridden, cuda.against) == (True, False)
    # A later rebuild (a requirement set aside) keeps the mark; the plain launch tell never had it.
    assert _with(cuda, cuda.strength, "set aside", against=False).overridden is True
    assert [r.overridden for r in settled if not r.constraint.startswith(CUDA_DEVICE)] == [False]


def test_a_path_whose_launch_overrides_its_codes_vendor_default_names_hardware():
    findings, recipes = two_documented_blocks()
    npu = [f for f in findings if f.properties.get("doc_block") != 5]
    # The block's own tells are documentation (against no part) and the cuda default is overridden: the code still
    # named hardware, so the path counts in the union.
    assert has_hardware_evidence(assess(npu, launch=recipes["README.md:12"]))
    # Without a launch that overrides it, the README's tells alone name no vendor for the path.
    assert not has_hardware_evidence(assess([f for f in npu if f.path == "README.md"], launch=recipes["README.md:12"]))


def test_an_assessment_uses_the_catalog_it_is_given():
    two_parts = Catalog([CATALOG.get("nvidia-v100"), CATALOG.get("nvidia-h100-sxm")])
    assessment = assess([finding("WAC101", path="t.py", line=1)], two_parts)
    assert [(c.entry.id, c.status) for c in assessment.candidates] == [
        ("nvidia-v100", DISFAVOURED), ("nvidia-h100-sxm", CONSISTENT)]


# --- compile target lists ---------------------------------------------------------------------------------------------

CUDA_LIST = "compiled for CUDA compute capabilities"


def test_target_lists_are_joined_per_file_and_an_open_list_is_dropped():
    requirements = collect_requirements([
        # One file (a colon in its folder name is still part of its path): one list, its evidence in line order.
        finding("WAC603", "8.0", path="a:b/setup.py", line=10), finding("WAC603", "9.0", path="a:b/setup.py", line=9),
        finding("WAC603", "7.0", path="a:c/setup.py", line=3),
        finding("WAC603", "7.0", path="a-b/setup.py", line=1),  # the same list in another file: one requirement
        # Targets added under a condition: the file's list is open and excludes nothing.
        finding("WAC603", "6.0", state="conditional", path="open/setup.py", line=1),
        finding("WAC603", "7.5", path="open/setup.py", line=2),
        finding("WAC603", "8.6", path="z/setup.py", line=2),
    ])
    assert [(r.constraint, r.strength, r.evidence, r.value) for r in requirements] == [
        (f"{CUDA_LIST} 7.0", "hard", ("a-b/setup.py:1", "a:c/setup.py:3"), "7.0"),
        (f"{CUDA_LIST} 8.0;9.0", "hard", ("a:b/setup.py:9", "a:b/setup.py:10"), "8.0;9.0"),
        (f"{CUDA_LIST} 8.6", "hard", ("z/setup.py:2",), "8.6"),
        ("CUDA compile targets (NVIDIA)", "weak",
         ("a-b/setup.py:1", "a:b/setup.py:9", "a:b/setup.py:10", "a:c/setup.py:3", "open/setup.py:2",
          "z/setup.py:2"), "8.0"),
    ]


def test_a_vendored_target_list_sets_no_floor_beside_the_repositorys_own():
    assessment = assess([finding("WAC603", "9.0", path="third_party/k/setup.py", line=3, vendored=True),
                         finding("WAC101", path="t.py", line=1), launch("x")], CATALOG)
    (vendored,) = [r for r in assessment.requirements if r.kind == "cuda_arch_list"]
    assert (vendored.constraint, vendored.strength, vendored.vendored) == (
        f"{CUDA_LIST} 9.0 ({VENDORED})", "strong", True)
    assert assessment.architecture_floor == {"NVIDIA": {
        "microarchitecture": "Ampere", "compute_capability": "8.0", "gfx_target": None,
        "first_candidate": "nvidia-a100-pcie-40gb",
        "set_by": [{"constraint": "native bf16 tensor math", "strength": "strong", "evidence": ["t.py:1"],
                    "rule": "WAC101"}]}}


def test_requirements_worked_out_for_one_shim_context_are_not_reused_in_another():
    nccl = finding("WAC201", "nccl", path="t.py", line=2)
    shim = finding("WAC203", "transfer_to_npu", path="t.py", line=1)
    memo: dict = {}
    assert [r.constraint for r in collect_requirements([nccl], memo)] == [NCCL]
    assert [r.constraint for r in collect_requirements([shim, nccl], memo)] == [
        "CUDA-to-Ascend migration shim", f"{NCCL} (or Huawei through a CUDA migration shim)"]
    assert [r.constraint for r in collect_requirements([nccl], memo)] == [NCCL]


# --- without a training set-up; paths without vendor evidence; declarations of several paths --------------------------


@pytest.mark.parametrize(("findings", "likely"), [
    ([finding("WAC603", "8.0", path="s.py", line=1)], []),  # a weak tell for one vendor decides nothing
    ([finding("WAC204", "cuda", path="s.py", line=1)], []),  # a strong one for two vendors neither
    ([finding("WAC202", "torch_xla", path="s.py", line=1)], ["Google"]),  # a strong one for one vendor does
    ([finding("WAC202", "torch_xla", path="s.py", line=1), finding("WAC204", "hpu", path="s.py", line=2)], ["Intel"]),
    # The repository's own code outranks a vendored tree's (someone else's hardware), which then decides nothing.
    ([finding("WAC202", "torch_xla", path="s.py", line=1),
      finding("WAC202", "torch_npu", path="third_party/t.py", line=1, vendored=True)], ["Google"]),
])
def test_without_a_training_set_up_only_a_vendor_named_alone_is_likely(findings, likely):
    assessment = assess(findings, CATALOG)
    assert assessment.insufficient_evidence is True
    assert [v.name for v in assessment.vendors if v.status == "likely"] == likely


def test_a_path_whose_code_names_no_vendor_does_not_widen_the_verdict():
    verdict = infer(result(launch("a"), finding("WAC101", path="a/x.py", line=2),
                           launch("b"), finding("WAC202", "torch_npu", path="b/x.py", line=3)))
    assert [name for name, _, _ in verdict.recipes] == ["a/run.sh", "b/run.sh"]
    assert verdict.overall is verdict.recipes[1][2]  # the path with vendor evidence alone
    assert (verdict.status_of("nvidia-h100-sxm"), verdict.status_of("huawei-ascend-910b")) == (EXCLUDED, CONSISTENT)


def test_a_declaration_judged_in_several_paths_keeps_its_best_outcome_once():
    readme = [finding("WAC712", "V100", path="README.md", line=3, catalog_ids="nvidia-v100"),
              finding("WAC712", "H100", path="README.md", line=4, catalog_ids="nvidia-h100-sxm")]
    bf16 = assess([launch("a"), finding("WAC101", path="a/x.py", line=2), finding("WAC201", "nccl", path="a/x.py",
                                                                                  line=3)] + readme, CATALOG)
    plain = assess([launch("b"), finding("WAC201", "nccl", path="b/x.py", line=3)] + readme, CATALOG)
    outcomes = lambda a: [(d.declaration.constraint, d.outcome) for d in a.declared]  # noqa: E731
    assert outcomes(bf16) == [("declared hardware: H100", "agrees"), ("declared hardware: V100", DISFAVOURED)]
    assert outcomes(plain) == [("declared hardware: H100", "agrees"), ("declared hardware: V100", "agrees")]
    for order in ([bf16, plain], [plain, bf16]):
        assert outcomes(_merge(order, ["a", "b"], CATALOG)) == outcomes(plain)


CUDA_DEVICE = "cuda device: NVIDIA (CUDA) or AMD (ROCm keeps the name)"
FP8_PARTS = ["AMD CDNA 3", "AMD CDNA 4", "AWS Trainium", "AWS Inferentia2", "AWS Trainium2",
             "Google TPU v5p", "Intel Gaudi 2", "Intel Gaudi 3", "NVIDIA Ada Lovelace", "NVIDIA Hopper",
             "NVIDIA Blackwell", "NVIDIA Blackwell (consumer)"]
BF16_PARTS = ["AMD CDNA (1)", "AMD CDNA 2", "AMD CDNA 3", "AMD CDNA 4", "AWS Trainium", "AWS Inferentia2",
              "AWS Trainium2", "Google TPU v4", "Google TPU v5e", "Google TPU v5p", "Google TPU v6e",
              "Huawei Da Vinci", "Intel Gaudi 2", "Intel Gaudi 3", "NVIDIA Ampere", "NVIDIA Ada Lovelace",
              "NVIDIA Hopper", "NVIDIA Blackwell", "NVIDIA Blackwell (consumer)"]


def test_tests_and_examples_give_optional_requirements_with_the_hardware_that_meets_them():
    verdict = infer(result(
        launch("x"), finding("WAC201", "nccl", path="x/x.py", line=2), finding("WAC101", path="x/x.py", line=3),
        finding("WAC104", path="tests/test_fp8.py", line=3), finding("WAC104", path="examples/fp8.py", line=4),
        finding("WAC202", "torch_npu", path="tests/test_npu.py", line=5),
        finding("WAC101", path="tests/test_bf16.py", line=6),  # the training path imposes it already
        finding("WAC103", path="tests/test_tf32.py", line=7),  # weak: not listed
        finding("WAC601", "fa3", path="examples/fa3.py", line=8),
        finding("WAC601", "fa3", path="examples/more/fa3.py", line=8),
        finding("WAC204", "cuda", path="tests/test_cuda.py", line=9),  # strong: after the hard ones
        finding("WAC401", 8, path="tests/run.sh", line=1)))  # a device count is no hardware requirement
    assert verdict.optional_requirements == [
        {"requirement": "FP8 matrix multiplies on the live path", "strength": "hard", "roles": ["example", "test"],
         "files": ["examples/fp8.py", "tests/test_fp8.py"], "file_count": 2, "met_by": FP8_PARTS},
        {"requirement": "FlashAttention-3 runs on Hopper only", "strength": "hard", "roles": ["example"],
         "files": ["examples/fa3.py", "examples/more/fa3.py"], "file_count": 2, "met_by": ["NVIDIA Hopper"]},
        {"requirement": TORCH_NPU, "strength": "hard", "roles": ["test"], "files": ["tests/test_npu.py"],
         "file_count": 1, "met_by": ["Huawei"]},
        {"requirement": CUDA_DEVICE, "strength": "strong", "roles": ["test"], "files": ["tests/test_cuda.py"],
         "file_count": 1, "met_by": ["AMD", "NVIDIA"]},
    ]
    assert verdict.to_dict()["optional_requirements"] == verdict.optional_requirements


def test_an_optional_file_for_npus_needs_no_gpu_for_its_flash_attention_switch():
    # A MindSpore test config: `use_flash_attention: True` beside `device_target: Ascend` is the NPU's fused
    # attention, not a FlashAttention-2 build for NVIDIA or AMD; the same switch in a GPU example still is.
    verdict = infer(result(launch("x"), finding("WAC201", "nccl", path="x/x.py", line=2),
                           finding("WAC601", "fa2", path="tests/st/cfg.yaml", line=3),
                           finding("WAC204", "npu", path="tests/st/cfg.yaml", line=9),
                           finding("WAC601", "fa2", path="examples/gpu.py", line=4)))
    (needs,) = [g for g in verdict.optional_requirements if g["requirement"].startswith("FlashAttention-2 builds")]
    assert needs["files"] == ["examples/gpu.py"]


def test_an_optional_requirement_of_one_vendor_is_met_only_by_that_vendors_parts():
    # An example compiling for gfx942 beside a CUDA training path: a TPU or Trainium does not "meet" an AMD
    # compile-target list, it is only outside its scope.
    verdict = infer(result(launch("x"), finding("WAC201", "nccl", path="x/x.py", line=2),
                           finding("WAC604", "gfx90a;gfx942", path="examples/rocm/build.sh", line=3)))
    (needs,) = [g for g in verdict.optional_requirements if g["requirement"] == "compiled for AMD GPU targets gfx90a;gfx942"]
    assert needs["met_by"] == ["AMD CDNA 2", "AMD CDNA 3"]


# --- evidence no part meets together ----------------------------------------------------------------------------------

SET_ASIDE = "set aside: no part meets every {} requirement"
RUN = finding("WAC404", "torchrun", path="run.sh", line=1, script="t.py")


def test_hard_facts_no_part_meets_together_are_a_conflict_weighed_as_strong():
    assessment = assess([RUN, finding("WAC601", "fa3", path="t.py", line=2),
                         finding("WAC603", "8.0", path="t.py", line=3)], CATALOG)
    assert assessment.conflicting_hard_evidence is True and assessment.relaxed == "strong"
    conflicting = "conflicts with other hard evidence"
    assert [(r.constraint, r.strength, r.against) for r in assessment.requirements] == [
        (f"FlashAttention-3 runs on Hopper only ({conflicting}) ({SET_ASIDE.format('strong')})", "strong", False),
        (f"{CUDA_LIST} 8.0 ({conflicting}) ({SET_ASIDE.format('strong')})", "strong", False),
        (f"CUDA compile targets (NVIDIA) ({SET_ASIDE.format('weak')})", "weak", False),
    ]
    assert not any(c.status == EXCLUDED for c in assessment.candidates)
    assert _conflicts([("p", [], assessment)]) == [
        {"paths": ["p"], "why": "hard facts no catalog entry meets together",
         "requirements": [r.to_dict() for r in assessment.requirements[:2]]},
        {"paths": ["p"], "why": "no part meets every strong requirement together: those were set aside",
         "set_aside": "strong"}]


def test_strong_evidence_no_part_meets_together_is_set_aside_but_never_the_memory_bound():
    assessment = assess([
        finding("WAC509", "meta-llama/Llama-2-70b-hf", path="run.sh", line=2, launcher="torchrun"),
        finding("WAC501", 3, path="ds.json", line=3), RUN, finding("WAC401", 8, path="run.sh", line=1),
        finding("WAC201", "nccl", path="t.py", line=4), finding("WAC201", "hccl", path="u.py", line=5)], CATALOG)
    assert assessment.relaxed == "strong" and assessment.conflicting_hard_evidence is False
    assert [(r.constraint, r.strength, r.against, r.kind) for r in assessment.requirements] == [
        (f"{HCCL} ({SET_ASIDE.format('strong')})", "strong", False, "vendor"),
        (f"{NCCL} ({SET_ASIDE.format('strong')})", "strong", False, "vendor"),
        (f"8 or more devices per node: server-class nodes ({SET_ASIDE.format('weak')})", "weak", False, "class"),
        ("memory: 63.0B parameters (model name); 16 bytes per parameter (adam K=12), ZeRO-3, over 8 "
         "data-parallel ranks: at least 126 GB of model state per device", "strong", True, "memory"),
    ]
    # Only the parts that hold 126 GB of model state per device stay consistent.
    assert sorted(c.entry.id for c in assessment.candidates if c.status == CONSISTENT) == [
        "amd-mi250x", "amd-mi300x", "amd-mi325x", "amd-mi355x", "apple-m-series", "intel-gaudi3", "intel-gaudi3-pcie",
        "nvidia-b100", "nvidia-b200", "nvidia-b300", "nvidia-gb200", "nvidia-gb300", "nvidia-h200-nvl",
        "nvidia-h200-sxm"]


def test_parts_the_documents_name_are_not_dropped_by_a_declaration_naming_others():
    findings = [RUN, finding("WAC201", "nccl", path="t.py", line=4),
                finding("WAC712", "H100", path="README.md", line=3, catalog_ids="nvidia-h100-sxm")]
    alone = assess(findings, CATALOG)
    documented = assess(findings, CATALOG, context=RepoContext(documented={"nvidia-a100-sxm4-80gb": ("logs/x.log:9",)}))
    a100 = lambda a: next(c for c in a.candidates if c.entry.id == "nvidia-a100-sxm4-80gb")  # noqa: E731
    assert (a100(alone).status, a100(alone).reasons[-1]) == (
        DISFAVOURED, Reason("declared hardware: H100", "weak", ("README.md:3",), "fails", "WAC712"))
    assert (a100(documented).status, a100(documented).reasons[-1]) == (
        CONSISTENT, Reason("named in the repository's documents (beside the declared H100)", "weak", ("logs/x.log:9",),
                           "supports", "WAC712"))


# --- one part against the requirements --------------------------------------------------------------------------------

UNKNOWN = "(catalog value unknown)"


@pytest.mark.parametrize(("fact", "entry_id", "status", "first_reason"), [
    # Strong and unknown: said, and no worse than the rest makes it.
    (finding("WAC101", path="t.py", line=3), "apple-m-series", DISFAVOURED,
     Reason(f"native bf16 tensor math {UNKNOWN}", "strong", ("t.py:3",), "unknown", "WAC101")),
    # Hard and unknown: never excluded, but disfavoured.
    (finding("WAC104", path="t.py", line=3), "huawei-ascend-910c", DISFAVOURED,
     Reason(f"FP8 matrix multiplies on the live path {UNKNOWN}", "hard", ("t.py:3",), "unknown", "WAC104")),
    (finding("WAC104", path="t.py", line=3), "huawei-ascend-910b", EXCLUDED,
     Reason("FP8 matrix multiplies on the live path", "hard", ("t.py:3",), "fails", "WAC104")),
])
def test_each_part_is_judged_against_every_requirement_that_counts_against_parts(fact, entry_id, status, first_reason):
    # The support file's vendor tell counts against no part, and the requirements after it are still checked.
    assessment = assess([finding("WAC202", "torch_npu", path="Dockerfile", line=1),
                         finding("WAC206", "NCCL_DEBUG", path="run.sh", line=2), fact], CATALOG)
    (candidate,) = [c for c in assessment.candidates if c.entry.id == entry_id]
    assert candidate.status == status
    assert candidate.reasons == [first_reason, Reason(NCCL_VARIABLES, "weak", ("run.sh:2",), "fails", "WAC206")]


# --- vendors ranked ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("findings", "rows"), [
    # One weak tell for one vendor is enough to rank it first (score 1).
    ([RUN, finding("WAC603", "8.0", path="t.py", line=2)],
     [("NVIDIA", "likely", 1), ("AMD", "possible", -1), ("Huawei", "possible", -1), ("Intel", "possible", -1),
      ("Google", "possible", -1), ("Apple", "possible", -1), ("AWS", "possible", -1)]),
    # AMD scores as NVIDIA does but every AMD part is excluded (FlashAttention-3): no tie, NVIDIA alone is likely.
    ([RUN, finding("WAC201", "nccl", path="t.py", line=2), finding("WAC601", "fa3", path="t.py", line=3)],
     [("NVIDIA", "likely", 10), ("AMD", EXCLUDED, 10), ("Huawei", EXCLUDED, -10), ("Intel", EXCLUDED, -10),
      ("Google", EXCLUDED, -10), ("Apple", EXCLUDED, -10), ("AWS", EXCLUDED, -10)]),
])
def test_the_open_vendor_with_the_best_positive_score_is_likely(findings, rows):
    assessment = assess(findings, CATALOG)
    assert [(v.name, v.status, v.score) for v in assessment.vendors] == rows
    assert not any(r.result == "tie-break" for v in assessment.vendors for r in v.reasons)


def test_a_tie_broken_by_the_data_names_the_tied_evidence_in_line_order():
    assessment = assess([RUN, finding("WAC201", "nccl", path="t.py", line=10),
                         finding("WAC204", "cuda", path="t.py", line=9)], CATALOG)
    for name in ("NVIDIA", "AMD"):
        (vendor,) = [v for v in assessment.vendors if v.name == name]
        assert vendor.reasons[-1] == Reason(TIE_BREAK, "weak", ("t.py:9", "t.py:10"), "tie-break")


def test_the_vendors_the_repositorys_code_names_alone():
    assert singled_out_vendors([
        finding("WAC202", "torch_npu", path="Dockerfile", line=1),  # a support file: what else is built for
        finding("WAC204", "hpu", path="a.py", line=1),
        finding("WAC201", "hccl", path="b.py", line=1),  # strong, but two vendors
        finding("WAC603", "8.0", path="c.py", line=1),  # one vendor, but weak
        finding("WAC202", "torch_npu", path="d.py", line=10), finding("WAC204", "npu", path="d.py", line=9),
        finding("WAC202", "torch_xla", path="e.py", line=1),  # strong and one vendor
    ]) == {"Intel": ("a.py:1",), "Huawei": ("d.py:9", "d.py:10"), "Google": ("e.py:1",)}


def test_the_parts_the_documents_name_with_their_first_three_places():
    def declared(part: str, line: int, state: str = "enabled", path: str = "README.md", **properties):
        return finding("WAC712", part.upper(), state=state, path=path, line=line, catalog_ids=f"nvidia-{part}",
                       **properties)

    assert documented_parts([
        declared("v100", 1, vendored=True),  # someone else's documents
        declared("v100", 2, state="dead"),
        declared("v100", 3, state="disabled"),
        declared("v100", 4).with_changes(suppressed=True),
        declared("a100-sxm4-80gb", 5), declared("a100-sxm4-80gb", 6, state="conditional"),
        declared("a100-sxm4-80gb", 7, state="mentioned"), declared("a100-sxm4-80gb", 8),
        declared("h100-sxm", 9, path="logs/run.log"),
        finding("WAC101", path="README.md", line=10),  # names no part
    ]) == {"nvidia-a100-sxm4-80gb": ("README.md:5", "README.md:6", "README.md:7"),
           "nvidia-h100-sxm": ("logs/run.log:9",)}


TF32 = "TF32 tensor cores (the switch is ignored without them)"


def test_with_one_vendor_likely_the_parts_of_merely_possible_vendors_are_disfavoured_once():
    # Catalog order matters: a part already disfavoured by a vendor requirement (the Ascend) comes first here.
    parts = Catalog([CATALOG.get(i) for i in ("huawei-ascend-910b", "amd-mi250x", "amd-mi300x", "nvidia-h100-sxm")])
    findings = [RUN, finding("WAC201", "nccl", path="t.py", line=2), finding("WAC103", path="t.py", line=3)]
    only_possible = Reason("vendor: NVIDIA likely, AMD only possible", "weak", ("t.py:2",))
    tf32 = Reason(TF32, "weak", ("t.py:3",), "fails", "WAC103")
    tf32_unknown = Reason(f"{TF32} {UNKNOWN}", "weak", ("t.py:3",), "unknown", "WAC103")
    assessment = assess(findings, parts)
    assert [(v.name, v.status) for v in assessment.vendors] == [
        ("Huawei", "possible"), ("AMD", "possible"), ("NVIDIA", "likely")]
    assert [(c.entry.id, c.status, c.reasons) for c in assessment.candidates] == [
        ("huawei-ascend-910b", DISFAVOURED, [Reason(NCCL, "strong", ("t.py:2",), "fails", "WAC201"), tf32_unknown]),
        ("amd-mi250x", DISFAVOURED, [tf32, only_possible]),  # failing another requirement is no vendor reason
        ("amd-mi300x", DISFAVOURED, [tf32_unknown, only_possible]),
        ("nvidia-h100-sxm", CONSISTENT, []),
    ]
    # In the catalog's own order (NVIDIA's parts first) the same.
    (mi300x,) = [c for c in assess(findings, CATALOG).candidates if c.entry.id == "amd-mi300x"]
    assert mi300x.reasons == [tf32_unknown, only_possible]


@pytest.mark.parametrize(("findings", "context", "entry_id", "reason"), [
    # Declarations that agree rank NVIDIA first without failing any AMD part: their lines are the evidence.
    ([RUN, finding("WAC201", "nccl", path="t.py", line=2),
      finding("WAC712", "H100", path="README.md", line=10, catalog_ids="nvidia-h100-sxm"),
      finding("WAC712", "H200", path="README.md", line=9, catalog_ids="nvidia-h200-sxm")], None, "amd-mi300x",
     Reason("vendor: NVIDIA likely, AMD only possible", "weak", ("README.md:9", "README.md:10"))),
    # A tie broken by the rest of the repository: the files that broke it.
    ([RUN, finding("WAC201", "nccl", path="t.py", line=2)],
     RepoContext(vendors={"AMD": ("a.sh:1", "b.sh:10", "b.sh:9")}), "nvidia-h100-sxm",
     Reason("vendor: AMD likely, NVIDIA only possible", "weak", ("a.sh:1", "b.sh:9", "b.sh:10"))),
])
def test_a_merely_possible_vendors_part_names_what_ranked_the_likely_vendor_first(findings, context, entry_id, reason):
    (candidate,) = [c for c in assess(findings, CATALOG, context=context).candidates if c.entry.id == entry_id]
    assert (candidate.status, candidate.reasons[0]) == (DISFAVOURED, reason)


def test_an_excluded_vendor_sets_no_floor_and_stops_no_other():
    assessment = assess([RUN, refusal("cuda", "t.py", 1), finding("WAC604", "gfx942", path="t.py", line=2)], CATALOG)
    assert [(v.name, v.status) for v in assessment.vendors][:2] == [("NVIDIA", EXCLUDED), ("AMD", "likely")]
    assert {v: (f["first_candidate"], f["gfx_target"], f["microarchitecture"])
            for v, f in assessment.architecture_floor.items()} == {"AMD": ("amd-mi300x", "gfx942", "CDNA 3")}


# --- the device class -------------------------------------------------------------------------------------------------

P2P_OFF = finding("WAC303", "NCCL_P2P_DISABLE", state="disabled", path="run.sh", line=4)
IB_OFF = finding("WAC301", "NCCL_IB_DISABLE", state="disabled", path="run.sh", line=5)
GDR = finding("WAC302", "NCCL_NET_GDR_LEVEL", path="run.sh", line=10)
EIGHT = finding("WAC401", 8, path="run.sh", line=9)
GDR_REASON = {"constraint": "GPUDirect RDMA (datacenter/professional NVIDIA or AMD Instinct)", "strength": "strong",
              "evidence": ["run.sh:10"], "rule": "WAC302"}
EIGHT_REASON = {"constraint": "8 or more devices per node: server-class nodes", "strength": "weak",
                "evidence": ["run.sh:9"], "rule": "WAC401"}
CONSUMER_REASON = {"constraint": "NCCL P2P and InfiniBand both off: the classic consumer-GPU setting",
                   "strength": "weak", "evidence": ["run.sh:4", "run.sh:5"], "rule": "WAC303+WAC301"}


@pytest.mark.parametrize(("findings", "expected"), [
    ([], {"class": "unknown", "strength": None, "evidence": [], "reasons": []}),
    ([EIGHT], {"class": "datacenter", "strength": "weak", "evidence": ["run.sh:9"], "reasons": [EIGHT_REASON]}),
    ([P2P_OFF, IB_OFF], {"class": "consumer", "strength": "weak", "evidence": ["run.sh:4", "run.sh:5"],
                         "reasons": [CONSUMER_REASON]}),
    # Two classes at the same top strength: conflicting, with the evidence of both.
    ([EIGHT, P2P_OFF, IB_OFF], {"class": "conflicting", "strength": "weak",
                                "evidence": ["run.sh:4", "run.sh:5", "run.sh:9"],
                                "reasons": [CONSUMER_REASON, EIGHT_REASON]}),
    # GPUDirect RDMA is datacenter evidence, stronger than the consumer hint.
    ([GDR, P2P_OFF, IB_OFF], {"class": "datacenter", "strength": "strong", "evidence": ["run.sh:10"],
                              "reasons": [GDR_REASON]}),
    ([GDR, EIGHT], {"class": "datacenter", "strength": "strong", "evidence": ["run.sh:9", "run.sh:10"],
                    "reasons": [GDR_REASON, EIGHT_REASON]}),
], ids=["none", "eight-devices", "p2p-and-ib-off", "conflicting", "gdr-over-consumer", "gdr-and-eight"])
def test_the_device_class_is_the_strongest_vote(findings, expected):
    assert _device_class(collect_requirements(findings)) == expected


# --- facts reported as they are ---------------------------------------------------------------------------------------


def test_device_and_node_counts_with_their_evidence_and_notes():
    findings = [
        finding(Code.GPUS_PER_NODE, 8, path="run.sh", line=1), finding(Code.GPUS_PER_NODE, 4, path="b.sh", line=2),
        finding(Code.VISIBLE_DEVICES, "0,1,2,3", path="c.sh", line=3),  # four visible devices per node
        finding(Code.VISIBLE_DEVICES, "all", path="d.sh", line=4),  # names no number
        finding(Code.GPUS_PER_NODE, True, path="e.sh", line=5),  # a switch, not a count
        finding(Code.GPUS_PER_NODE, 16, state="conditional", path="f.sh", line=6),  # not in force
        finding(Code.NODE_COUNT, 2, path="run.sh", line=1)]
    assert _counts(findings, Code.GPUS_PER_NODE) == {
        "values": [4, 8], "evidence": {"4": ["b.sh:2", "c.sh:3"], "8": ["run.sh:1"]},
        "notes": [COUNT_NOTES[(Code.GPUS_PER_NODE, 8)]]}
    assert _counts(findings, Code.NODE_COUNT) == {"values": [2], "evidence": {"2": ["run.sh:1"]}}
    assert _counts(findings[2:4], Code.NODE_COUNT) is None


def test_counts_come_from_own_files_then_vendored_trees_then_tools_and_tests():
    own = finding(Code.GPUS_PER_NODE, 8, path="scripts/train.sh", line=1)
    vendored = finding(Code.GPUS_PER_NODE, 4, path="third_party/mega/run.sh", line=2, vendored=True,
                       vendored_root="third_party/mega", role="vendored")
    # A vendored tree's tool is the tree's (before the repository's own tools and tests), as its tests are.
    vendored_tool = finding(Code.GPUS_PER_NODE, 2, path="third_party/mega/tools/convert.sh", line=3, vendored=True,
                            vendored_root="third_party/mega", role="vendored")
    tool = finding(Code.GPUS_PER_NODE, 1, path="tools/convert_ckpt.sh", line=4, role="example")
    test = finding(Code.GPUS_PER_NODE, 16, path="tests/run_test.sh", line=5, role="test")
    found = [test, tool, vendored_tool, vendored, own]
    assert _counts(found, Code.GPUS_PER_NODE)["values"] == [8]
    assert _counts(found[:4], Code.GPUS_PER_NODE)["values"] == [2, 4]
    assert _counts(found[:2], Code.GPUS_PER_NODE)["values"] == [1, 16]


def test_network_settings_are_reported_enabled_or_disabled_per_transport():
    assert _interconnect([
        finding("WAC301", "NCCL_IB_HCA", path="a.sh", line=1),
        finding("WAC303", "NCCL_P2P_DISABLE", state="disabled", path="a.sh", line=2),
        finding("WAC101", path="a.sh", line=3),  # no network setting
        finding("WAC301", "NCCL_IB_GID_INDEX", path="a.sh", line=4).with_changes(suppressed=True),
        finding("WAC301", "NCCL_IB_TC", state="conditional", path="a.sh", line=5),
        finding("WAC302", "NCCL_NET_GDR_LEVEL", path="b.sh", line=6),
    ]) == {"infiniband": {"enabled": ["a.sh:1 NCCL_IB_HCA"], "disabled": []},
           "p2p": {"enabled": [], "disabled": ["a.sh:2 NCCL_P2P_DISABLE"]},
           "gpudirect_rdma": {"enabled": ["b.sh:6 NCCL_NET_GDR_LEVEL"], "disabled": []}}


# --- a scanned repository: path analysis, training paths, agnostic paths ----------------------------------------------

SCANNED = {
    "train.py": 'import torch\nimport torch.distributed as dist\nfrom model import Net\n\nif __name__ == "__main__":\n'
                '    dist.init_process_group(backend="nccl")\n    model = Net().to(torch.bfloat16)\n',
    "model.py": "import torch\n\nclass Net(torch.nn.Module):\n    pass\n",  # imported for certain: on the path
    "run.sh": "#!/bin/bash\ntorchrun --nproc_per_node 8 train.py\n",
    # A second training path whose code names no hardware.
    "finetune.py": 'import torch\n\nif __name__ == "__main__":\n'
                   "    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-4)\n"
                   "    model = model.to(torch.float16)\n",
    "run_ft.sh": "#!/bin/bash\ntorchrun --nproc_per_node 2 finetune.py\n",
    "tools/prepare.py": 'import torch\n\nif __name__ == "__main__":\n    torch.save(torch.zeros(2), "x.pt")\n',
    "tests/test_fp8.py": "import transformer_engine.pytorch as te\n\ndef test_fp8():\n"
                         "    with te.fp8_autocast(enabled=True):\n        pass\n",
}


def test_a_scanned_repository_is_judged_on_its_training_paths(tmp_path):
    for name, text in SCANNED.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    verdict = infer(scan([tmp_path], Settings(use_cache=False, jobs=1)))
    assert [(name, files) for name, files, _ in verdict.recipes] == [
        ("run.sh", ["model.py", "run.sh", "train.py"]), ("run_ft.sh", ["finetune.py", "run_ft.sh"])]
    # The path that names no vendor does not widen the verdict: the overall verdict is run.sh's own.
    assert verdict.overall is verdict.recipes[0][2] and verdict.conflicts == []
    assert verdict.primary["name"] == "run.sh" and verdict.primary["vendors"] == ["NVIDIA"]
    assert verdict.paths == {
        "library": False, "entry_points": 3,
        "training_paths": [{"name": "run.sh", "kind": "launch", "file_count": 3,
                            "files": ["model.py", "run.sh", "train.py"], "setup": 2},
                           {"name": "run_ft.sh", "kind": "launch", "file_count": 2,
                            "files": ["finetune.py", "run_ft.sh"], "setup": 1}],
        "training_path_count": 2, "files_by_role": {"example": 1, "test": 1, "training": 5},
        "agnostic_paths": ["run_ft.sh"], "agnostic_path_count": 1}
    # The test's FP8 is an optional requirement, never a constraint on the run.
    assert [(o["requirement"], o["roles"], o["files"]) for o in verdict.optional_requirements] == [
        ("FP8 matrix multiplies on the live path", ["test"], ["tests/test_fp8.py"]),
        ("Transformer Engine: NVIDIA's library, also ported to AMD ROCm", ["test"], ["tests/test_fp8.py"])]
    assert verdict.status_of("nvidia-a100-sxm4-80gb") == CONSISTENT


def test_a_launched_script_without_findings_still_belongs_to_its_path():
    made = result(finding("WAC404", "torchrun", path="run.sh", line=1, script="train.py"),
                  finding("WAC201", "nccl", path="lib/dist.py", line=2), files=["run.sh", "train.py", "lib/dist.py"])
    assert [(name, files) for name, files, _ in infer(made).recipes] == [("run.sh", ["run.sh", "train.py"])]


TRAIN_RUN = finding("WAC404", "torchrun", path="run.sh", line=1, script="train.py")
AMD_ALONE = "this code fits AMD and NVIDIA alike; the repository's other code names AMD alone in 1 file"


@pytest.mark.parametrize("launch_line", [[], [TRAIN_RUN]], ids=["one-scope", "launch"])
def test_the_rest_of_the_repositorys_code_but_not_its_tests_breaks_a_tie(launch_line):
    verdict = infer(result(*launch_line, finding("WAC201", "nccl", path="train.py", line=2),
                           finding("WAC205", "HIP_VISIBLE_DEVICES", path="tools/prep.py", line=3, role="example"),
                           finding("WAC202", "torch_npu", path="tests/test_npu.py", line=4, role="test")))
    assert [(v.name, v.status, [r.constraint for r in v.reasons if r.result == "tie-break"])
            for v in verdict.vendors[:2]] == [("NVIDIA", "possible", [AMD_ALONE]), ("AMD", "likely", [AMD_ALONE])]


@pytest.mark.parametrize("launch_line", [[], [TRAIN_RUN]], ids=["one-scope", "launch"])
def test_the_verdict_uses_the_catalog_it_is_given(launch_line):
    two_parts = Catalog([CATALOG.get("nvidia-h100-sxm"), CATALOG.get("amd-mi300x")])
    verdict = infer(result(*launch_line, finding("WAC201", "nccl", path="train.py", line=2)), catalog=two_parts)
    assert [(c.entry.id, c.status) for c in verdict.candidates] == [
        ("nvidia-h100-sxm", CONSISTENT), ("amd-mi300x", DISFAVOURED)]


def test_hard_facts_of_the_whole_repository_that_cannot_hold_together_are_its_conflict():
    verdict = infer(result(finding("WAC202", "torch_npu", path="a.py", line=1),
                           finding("WAC204", "hpu", path="a.py", line=2)))
    demoted = f"({CONTRADICTED}) ({SET_ASIDE.format('strong')})"
    assert verdict.conflicts == [
        {"paths": ["repository"], "why": "hard facts no catalog entry meets together", "requirements": [
            {"constraint": f"{TORCH_NPU} {demoted}", "strength": "strong", "evidence": ["a.py:1"], "rule": "WAC202"},
            {"constraint": f"{HPU} {demoted}", "strength": "strong", "evidence": ["a.py:2"], "rule": "WAC204"}]},
        {"paths": ["repository"], "why": "no part meets every strong requirement together: those were set aside",
         "set_aside": "strong"}]


def test_a_part_the_documents_only_mention_stays_beside_a_declared_one():
    verdict = infer(result(TRAIN_RUN, finding("WAC201", "nccl", path="train.py", line=2),
                           finding("WAC712", "H100", path="README.md", line=3, catalog_ids="nvidia-h100-sxm"),
                           finding("WAC712", "A100", state="mentioned", path="docs/hw.md", line=5,
                                   catalog_ids="nvidia-a100-sxm4-80gb")))
    (a100,) = [c for c in verdict.candidates if c.entry.id == "nvidia-a100-sxm4-80gb"]
    assert (a100.status, a100.reasons[-1]) == (CONSISTENT, Reason(
        "named in the repository's documents (beside the declared H100)", "weak", ("docs/hw.md:5",), "supports",
        "WAC712"))


# --- master switches --------------------------------------------------------------------------------------------------


def ib(value: str, state: str = "enabled", path: str = "a.sh", line: int = 1, **properties):
    return finding(Code.INFINIBAND, value, state=state, path=path, line=line, **properties)


@pytest.mark.parametrize(("findings", "moot"), [
    # Switched off: the file's other InfiniBand settings are moot, wherever they stand in the file.
    ([ib("NCCL_IB_HCA", line=1), ib("NCCL_IB_DISABLE", "disabled", line=2), ib("NCCL_IB_TC", line=3)],
     {("a.sh", 1): "a.sh:2", ("a.sh", 3): "a.sh:2"}),
    # The variable named in the properties (a value that is not the name) counts as the switch too.
    # (The moot setting keeps its own properties.)
    ([ib("1", "disabled", line=2, variable="NCCL_IB_DISABLE"), ib("mlx5_0", line=3, variable="NCCL_IB_HCA")],
     {("a.sh", 3): "a.sh:2"}),
    # Two words on one line: the later one counts.
    ([ib("NCCL_IB_DISABLE", line=2), ib("NCCL_IB_DISABLE", "disabled", line=2), ib("NCCL_IB_HCA", line=3)],
     {("a.sh", 2): "a.sh:2", ("a.sh", 3): "a.sh:2"}),  # (the earlier word on line 2 is moot)
    # The last word counts: switched off, then on again.
    ([ib("NCCL_IB_DISABLE", "disabled", line=2), ib("NCCL_IB_HCA", line=3), ib("NCCL_IB_DISABLE", line=5)], {}),
    # ...and on, then off (the earlier word is moot too).
    ([ib("NCCL_IB_DISABLE", line=2), ib("NCCL_IB_HCA", line=3), ib("NCCL_IB_DISABLE", "disabled", line=5)],
     {("a.sh", 2): "a.sh:5", ("a.sh", 3): "a.sh:5"}),
    # Only in its own file, only its own transport, and never a setting already off or not in force.
    ([ib("NCCL_IB_DISABLE", "disabled", line=2), ib("NCCL_IB_HCA", path="b.sh", line=3),
      finding(Code.GPU_PEER_TO_PEER, "NCCL_P2P_LEVEL", path="a.sh", line=4), ib("NCCL_IB_TC", "disabled", line=6),
      ib("NCCL_IB_SL", "conditional", line=7)], {}),
    # A switch not in force turns nothing off.
    ([ib("NCCL_IB_DISABLE", "conditional", line=2), ib("NCCL_IB_HCA", line=3)], {}),
    # The P2P switch governs the P2P settings.
    ([finding(Code.GPU_PEER_TO_PEER, "NCCL_P2P_DISABLE", state="disabled", path="a.sh", line=1),
      finding(Code.GPU_PEER_TO_PEER, "NCCL_P2P_LEVEL", path="a.sh", line=2), ib("NCCL_IB_HCA", line=3)],
     {("a.sh", 2): "a.sh:1"}),
], ids=["off", "variable-property", "same-line", "off-then-on", "on-then-off", "own-file-and-transport",
        "switch-not-in-force", "p2p"])
def test_a_transport_switched_off_makes_its_other_settings_in_the_file_moot(findings, moot):
    settled = settle_master_switches(findings)
    assert [(f.rule, f.value, f.path, f.line) for f in settled] == [(f.rule, f.value, f.path, f.line) for f in findings]
    for before, after in zip(findings, settled):
        where = moot.get((after.path, after.line)) if before.state is State.ENABLED else None
        if where:
            assert (after.state, after.properties) == (State.MENTIONED, {**before.properties, "overridden_by": where})
        else:
            assert after is before


# --- paths: the primary one, and conflicts between them ---------------------------------------------------------------

ONE_VENDOR_TELLS = [("WAC207", "cuda"), ("WAC207", "hip"), ("WAC202", "torch_npu"), ("WAC204", "hpu"),
                    ("WAC202", "torch_xla"), ("WAC204", "mps"), ("WAC202", "torch_neuronx")]


def one_vendor_path(i: int, rule: str, value: str) -> tuple[str, list[str], object]:
    return (f"p{i}", [f"p{i}/run.sh", f"p{i}/x.py"],
            assess([launch(f"p{i}"), finding(rule, value, path=f"p{i}/x.py", line=2)], CATALOG))


def test_paths_on_disjoint_hardware_are_alternatives_at_most_twenty():
    paths = [one_vendor_path(i, rule, value) for i, (rule, value) in enumerate(ONE_VENDOR_TELLS)]
    alternatives = "the paths run on disjoint hardware (alternatives)"
    pairs = [[f"p{i}", f"p{j}"] for i in range(7) for j in range(i + 1, 7)]
    assert _conflicts(paths) == [{"paths": pair, "why": alternatives} for pair in pairs[:20]]
    # Paths sharing a part are no alternatives; nor is a path with one on its own.
    nvidia = one_vendor_path(0, "WAC207", "cuda")
    # Paths with the same consistent parts are one side of the pair (the first named, the others counted alike).
    assert _conflicts([nvidia, ("q", [], nvidia[2]), paths[2]]) == [
        {"paths": ["p0", "p2"], "why": alternatives, "alike": [1, 0]}]
    assert _conflicts([nvidia]) == []


def test_the_primary_path_has_the_most_set_up_then_the_most_files():
    a = assess([launch("a"), finding("WAC201", "nccl", path="a/x.py", line=2),
                finding("WAC101", path="a/x.py", line=3)], CATALOG)
    b = assess([launch("b"), finding("WAC202", "torch_npu", path="b/x.py", line=2)], CATALOG)
    findings = [launch("a"), finding("WAC201", "nccl", path="a/x.py", line=2),  # two set-up rules
                launch("b"), finding("WAC404", "torchrun", path="b/other.sh", line=1),  # one, twice
                finding("WAC401", 8, state="conditional", path="b/other.sh", line=2)]  # not in force
    paths = [("a", ["a/run.sh", "a/x.py"], a), ("b", ["b/run.sh", "b/other.sh", "b/x.py"], b)]
    assert _primary(paths, a, findings) == {
        "name": "a", "file_count": 2, "vendors": ["NVIDIA"], "architecture_floor": {"NVIDIA": "Ampere"},
        "device_class": "unknown", "consistent": a.ids(CONSISTENT), "conflicting_hard_evidence": False}
    # The same set-up: the path with more files.
    assert _primary(paths, a, findings[:1] + findings[2:])["name"] == "b"
    assert _primary(paths[::-1], a, findings[:1] + findings[2:])["name"] == "b"
    assert _primary([], b, findings) == {
        "name": "repository", "file_count": 0, "vendors": ["Huawei"], "architecture_floor": {},
        "device_class": "unknown", "consistent": ["huawei-ascend-910b", "huawei-ascend-910b4", "huawei-ascend-910c"],
        "conflicting_hard_evidence": False}


SCRIPTS = {
    "lib.py": "import torch\nimport torch.distributed as dist\n\n\ndef setup():\n"
              '    dist.init_process_group(backend="nccl")\n    return torch.bfloat16\n',
    "train_a.py": 'import lib\n\nif __name__ == "__main__":\n    lib.setup()\n',
    "train_b.py": 'import lib\n\nif __name__ == "__main__":\n    lib.setup()\n',
    "Dockerfile": "FROM ubuntu:22.04\nENV NCCL_DEBUG=INFO\n",  # a support file no path holds: shared by all
}
NPU_SCRIPT = {"train_npu.py": 'import lib\nimport torch_npu\n\nif __name__ == "__main__":\n    lib.setup()\n'}


@pytest.mark.parametrize(("files", "paths"), [
    # Scripts run on their own with the same findings share one assessment; one with its own findings has its own.
    ({**SCRIPTS, **NPU_SCRIPT}, [("train_a.py", ["lib.py", "train_a.py"], 0),
                                 ("train_b.py", ["lib.py", "train_b.py"], 0),
                                 ("train_npu.py", ["lib.py", "train_npu.py"], 2)]),
    # Every path with the same findings: one assessment, listed once.
    (SCRIPTS, [("train_a.py", ["lib.py", "train_a.py"], 0)]),
], ids=["own-findings", "all-alike"])
def test_scripts_run_on_their_own_are_paths_assessed_once_per_set_of_findings(tmp_path, files, paths):
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    verdict = infer(scan([tmp_path], Settings(use_cache=False, jobs=1)))
    assert [(name, path_files) for name, path_files, _ in verdict.recipes] == [(n, f) for n, f, _ in paths]
    # For each path, the first path holding the same assessment (object).
    first_alike = [next(j for j, (_, _, other) in enumerate(verdict.recipes) if other is assessment)
                   for _, _, assessment in verdict.recipes]
    assert first_alike == [shared for _, _, shared in paths]


def test_scopes_of_contradicting_files_use_the_catalog_and_the_documents_given():
    scoped = [finding("WAC204", "hpu", path="a.py", line=1), finding("WAC202", "torch_npu", path="b.py", line=1),
              finding("WAC201", "hccl", path="c.py", line=1)]
    two_parts = Catalog([CATALOG.get("intel-gaudi3"), CATALOG.get("huawei-ascend-910b")])
    verdict = infer(result(*scoped), catalog=two_parts)
    assert [(name, files, [(c.entry.id, c.status) for c in a.candidates]) for name, files, a in verdict.recipes] == [
        ("files requiring Huawei", ["b.py"], [("intel-gaudi3", EXCLUDED), ("huawei-ascend-910b", CONSISTENT)]),
        ("files requiring Intel", ["a.py"], [("intel-gaudi3", CONSISTENT), ("huawei-ascend-910b", EXCLUDED)])]
    # A README declaring Gaudi 2 does not drop the Gaudi 3 other documents name, in the Intel scope either.
    verdict = infer(result(*scoped, finding("WAC712", "Gaudi2", path="README.md", line=3, catalog_ids="intel-gaudi2"),
                           finding("WAC712", "Gaudi3", state="mentioned", path="docs/hw.md", line=4,
                                   catalog_ids="intel-gaudi3")))
    intel = verdict.recipes[1][2]
    assert [(c.entry.id, c.status) for c in intel.candidates if c.entry.vendor == "Intel"] == [
        ("intel-gaudi2", CONSISTENT), ("intel-gaudi3", CONSISTENT), ("intel-gaudi3-pcie", DISFAVOURED)]


# --- vendor scores, built from vendor requirements directly ----------------------------------------------------------


def vendor_requirement(vendors: set[str], line: int) -> Requirement:
    allowed = frozenset(vendors)
    text = " or ".join(sorted(allowed))
    return Requirement(text, "weak", "vendor", (f"t.py:{line}",), "WAC999", Spec("vendor", "weak", text, allowed), None,
                       allowed)


ALL_CONSISTENT = [CandidateVerdict(entry, CONSISTENT) for entry in CATALOG]


def test_a_vendor_whose_evidence_weighs_nothing_on_balance_is_not_likely():
    vendors = _vendors(CATALOG, ALL_CONSISTENT, [
        vendor_requirement({"NVIDIA", "AMD"}, 1), vendor_requirement({"NVIDIA", "Huawei"}, 2),
        vendor_requirement({"Intel"}, 3), vendor_requirement({"Google"}, 4)], False, RepoContext())
    assert [(v.name, v.status, v.score) for v in vendors] == [
        ("NVIDIA", "possible", 0), ("AMD", "possible", -2), ("Huawei", "possible", -2), ("Intel", "possible", -2),
        ("Google", "possible", -2), ("Apple", "possible", -4), ("AWS", "possible", -4)]


def test_a_three_way_tie_names_every_tied_vendor_the_repository_names():
    context = {"NVIDIA": tuple(f"n{i}.py:1" for i in range(6)), "AMD": ("a0.py:1", "a1.py:1"), "Huawei": ("h.py:1",)}
    vendors = _vendors(CATALOG, ALL_CONSISTENT, [
        vendor_requirement({"NVIDIA", "AMD"}, 1), vendor_requirement({"AMD", "Huawei"}, 2),
        vendor_requirement({"NVIDIA", "Huawei"}, 3)], False, RepoContext(vendors=context))
    why = ("this code fits AMD and Huawei and NVIDIA alike; the repository's other code names NVIDIA alone in 6 files, "
           "AMD in 2 files, Huawei in 1 file")
    assert [(v.name, v.status, v.score, [r.constraint for r in v.reasons if r.result == "tie-break"])
            for v in vendors[:3]] == [("NVIDIA", "likely", 1, [why]), ("AMD", "possible", 1, [why]),
                                      ("Huawei", "possible", 1, [why])]


def test_merged_paths_keep_a_vendor_outside_the_catalog_as_such_and_evidence_in_line_order():
    cambricon = assess([launch("a"), finding("WAC201", "cncl", path="a/x.py", line=2)], CATALOG)
    nine, ten = (assess([launch(p), finding("WAC201", "nccl", path="shared.py", line=n)], CATALOG)
                 for p, n in (("b", 9), ("c", 10)))
    merged = _merge([cambricon, nine, ten], ["a", "b", "c"], CATALOG)
    assert [(v.name, v.in_catalog, v.status) for v in merged.vendors][-1] == ("Cambricon", False, "likely")
    (nvidia,) = [v for v in merged.vendors if v.name == "NVIDIA"]
    assert nvidia.reasons[0] == Reason(NCCL, "strong", ("shared.py:9", "shared.py:10"), "supports", "WAC201")


def test_at_most_ten_agnostic_paths_are_named_and_all_are_counted(tmp_path):
    (tmp_path / "train.py").write_text('import torch.distributed as dist\ndist.init_process_group(backend="nccl")\n')
    (tmp_path / "run.sh").write_text("torchrun --nproc_per_node 8 train.py\n")
    for i in range(11):  # launches of scripts whose code names no hardware
        (tmp_path / f"r{i:02}.sh").write_text(f"torchrun --nproc_per_node 2 t{i:02}.py\n")
    paths = infer(scan([tmp_path], Settings(use_cache=False, jobs=1))).paths
    assert (paths["agnostic_paths"], paths["agnostic_path_count"]) == ([f"r{i:02}.sh" for i in range(10)], 11)


def test_each_launch_is_a_path_of_its_own_even_with_the_same_files():
    # Two launch scripts that launch each other hold the same files; each is still assessed as its own launch.
    verdict = infer(result(finding("WAC404", "torchrun", path="a.sh", line=1, script="b.sh"),
                           finding("WAC404", "torchrun", path="b.sh", line=1, script="a.sh"),
                           finding("WAC201", "nccl", path="train.py", line=2)))
    assert [(name, files) for name, files, _ in verdict.recipes] == [("a.sh", ["a.sh", "b.sh"]),
                                                                      ("b.sh", ["a.sh", "b.sh"])]
    assert verdict.recipes[0][2] is not verdict.recipes[1][2]


# --- documented recipes (commands in README code blocks) -------------------------------------------------------------

READMES = FIXTURES / "verdicts"


def scanned_verdict(directory):
    return infer(scan([directory], Settings(use_cache=False, jobs=1)))


def test_blocks_that_run_no_script_of_the_repository_constrain_nothing():
    verdict = scanned_verdict(READMES / "readme_not_recipes")
    assert [p["name"] for p in verdict.paths["training_paths"]] == ["train.py"]
    assert [v.name for v in verdict.vendors if v.status == "likely"] == ["NVIDIA"]
    assert sorted({e for r in verdict.overall.requirements for e in r.evidence}) == ["train.py:5", "train.py:9"]


def test_the_primary_documented_recipe_is_the_block_with_the_most_set_up_of_its_own():
    verdict = scanned_verdict(READMES / "readme_two_backends")
    assert [(name, files) for name, files, _ in verdict.recipes] == [("README.md:12", ["train.py"]),
                                                                      ("README.md:5", ["train.py"])]
    # Block 5 sets NCCL_IB_HCA beside its launch: one set-up rule more than block 12 (the README as a whole holds both).
    assert verdict.primary["name"] == "README.md:5"


def test_a_readme_under_examples_documents_a_recipe_of_the_root_script(tmp_path):
    verdict = scanned_verdict(readme_under_examples(tmp_path))
    # The block's findings are on its recipe's path though the README's own role is "example".
    assert verdict.primary["name"] == "examples/glue/README.md:13"
    assert [v.name for v in verdict.vendors if v.status == "likely"] == ["Google"]


def test_findings_on_a_training_path_are_never_optional_requirements():
    # The Dockerfile's torch_npu counts (weighed as a support file's) on the path: it is no optional requirement,
    # though the overall verdict holds it under another text.
    verdict = infer(result(TRAIN_RUN, finding("WAC201", "nccl", path="train.py", line=2),
                           finding("WAC202", "torch_npu", path="Dockerfile", line=3)))
    assert [r.constraint for r in verdict.overall.requirements if r.rule == "WAC202"] == [
        f"{TORCH_NPU} ({SUPPORT})"]
    assert verdict.optional_requirements == []


def test_an_ngc_or_cuda_base_image_speaks_for_nvidia_alone():
    # ROCm does not run in NVIDIA's containers: unlike a `cuda` device string, the image is no AMD evidence.
    for image in ("nvcr.io/nvidia/pytorch:24.01-py3", "nvidia/cuda:12.1.0-devel-ubuntu22.04"):
        verdict = infer(result(launch("x"), finding("WAC204", "cuda", path="x/x.py", line=2),
                               finding("WAC801", image, path="x/setup.sh", line=1)))
        reasons = {v.name: [(r.constraint, r.result) for r in v.reasons if "base image" in r.constraint]
                   for v in verdict.vendors}
        assert [result for _, result in reasons["NVIDIA"]] == ["supports"], image
        assert "supports" not in [result for _, result in reasons["AMD"]], image


def test_an_optional_files_open_compile_list_is_no_optional_requirement():
    # Megatron's fused-kernel setup.py: sm_70 always, sm_80 added when CUDA >= 11. The list is not known in full,
    # so it names no hardware an optional build needs (as on a training path: collect_requirements).
    always = finding("WAC603", "7.0", path="megatron/fused_kernels/setup.py", line=45)
    when_cuda_11 = finding("WAC603", "8.0", state="conditional", path="megatron/fused_kernels/setup.py", line=40)
    overall = assess([], CATALOG)
    assert optional_requirements([always, when_cuda_11], None, CATALOG, overall) == []
    (closed,) = optional_requirements([always], None, CATALOG, overall)
    assert closed["requirement"] == "compiled for CUDA compute capabilities 7.0"
    assert closed["files"] == ["megatron/fused_kernels/setup.py"]
