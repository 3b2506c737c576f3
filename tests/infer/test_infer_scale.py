"""The verdict stage on many launches: work follows the findings, not launches x findings.

The hostile-input sweep's tree (tests/scale_tree.py): N Python modules every training script reaches and N/10
launch scripts. Each launch's path holds the whole tree, so its assessment names every module; what must not
grow with launches x findings is the work around that: the tree's requirements are merged once for all the launches
that reach it (infer/shared.py), a finding's flag is read once however many launches share it, the parts of a merely
possible vendor share one evidence tuple, and the relocated copy of the verdict moves each evidence string once.
"""

from __future__ import annotations

import time

import pytest

from whackachip_lint.config import Settings
from whackachip_lint.infer import memory, recipes
from whackachip_lint.infer.engine import infer
from whackachip_lint.report.locations import relocate_verdict
from whackachip_lint.scan import scan

from ..scale_tree import write_launch_tree

SIZES = (40, 80)  # modules; launches are a tenth
TIMED = (100, 400)  # four times the modules and four times the launches


@pytest.fixture(scope="module")
def scans(tmp_path_factory):
    out = {}
    for size in SIZES:
        root = write_launch_tree(tmp_path_factory.mktemp(f"tree{size}") / "repo", size)
        out[size] = scan([root], Settings(use_cache=False, jobs=1))
    return out


@pytest.fixture(scope="module")
def timed_scans(tmp_path_factory):
    return {size: scan([write_launch_tree(tmp_path_factory.mktemp(f"timed{size}") / "repo", size)],
                       Settings(use_cache=False, jobs=1)) for size in TIMED}


def _cpu_seconds(result) -> float:
    """The inference's CPU time, best of five (CPU time, not wall time: other work on the machine counts less)."""
    best = float("inf")
    for _ in range(5):
        start = time.process_time()
        infer(result)
        best = min(best, time.process_time() - start)
    return best


def test_the_verdicts_cost_grows_about_linearly_with_the_tree(timed_scans):
    # Four times the modules and the launches cost twelve times the CPU when every launch merged the whole tree
    # again; about four times now (the rest: each launch's list of findings is still read once, in C). A ratio
    # over the bound is taken again: a busy machine can slow one size's runs alone.
    bound = 2 * TIMED[1] / TIMED[0]
    for _attempt in range(3):
        ratio = _cpu_seconds(timed_scans[TIMED[1]]) / _cpu_seconds(timed_scans[TIMED[0]])
        if ratio <= bound:
            break
    assert ratio <= bound, ratio


def _counted(monkeypatch, module, name) -> list:
    calls: list = []
    real = getattr(module, name)

    def counting(*args, **kwargs):
        calls.append(None)
        return real(*args, **kwargs)

    monkeypatch.setattr(module, name, counting)
    return calls


def test_the_tree_has_one_path_per_launch_each_reaching_every_module(scans):
    for size, result in scans.items():
        verdict = infer(result)
        assert len(verdict.recipes) == size // 10
        assert all(f"pkg0/mod_{0:05d}.py" in files for _, files, _ in verdict.recipes)


@pytest.mark.parametrize(("module", "name"), [(recipes, "_flag"), (memory, "params_from_model_name")])
def test_per_finding_work_grows_with_the_findings_not_with_launches_times_findings(scans, monkeypatch, module, name):
    counts = {}
    for size, result in scans.items():
        calls = _counted(monkeypatch, module, name)
        infer(result)
        counts[size] = len(calls)
        # About once per finding (the few a launch settles are new findings), however many launches share it.
        assert 0 < counts[size] <= 2 * len(result.findings), (size, counts[size], len(result.findings))
    # Twice the modules and twice the launches: about twice the work (four times before: every finding once
    # per launch).
    assert counts[SIZES[1]] <= 2.5 * counts[SIZES[0]], counts


def test_the_parts_of_a_merely_possible_vendor_share_its_evidence(scans):
    assessment = infer(scans[SIZES[0]]).recipes[0][2]
    evidence = [r.evidence for c in assessment.candidates for r in c.reasons
                if r.constraint == "vendor: NVIDIA likely, AMD only possible"]
    assert len(evidence) > 1 and evidence[0]  # several AMD parts disfavoured, with the evidence of NVIDIA
    assert all(e is evidence[0] for e in evidence)


def test_the_relocated_verdict_moves_each_evidence_string_once(scans, tmp_path):
    result = scans[SIZES[1]]
    moved = relocate_verdict(infer(result), result, cwd=str(result.root.parent))
    texts: dict[str, set[int]] = {}
    for _, _, assessment in moved.recipes:
        for req in assessment.requirements:
            for where in req.evidence:
                texts.setdefault(where, set()).add(id(where))
    module = "repo/pkg0/mod_00000.py:"
    assert any(where.startswith(module) for where in texts)  # moved under the folder the scan was run from
    assert all(len(ids) == 1 for ids in texts.values())  # one string per location, shared by every launch


def test_relocating_the_verdict_copies_about_as_many_items_as_the_tree_and_launches_hold(timed_scans, monkeypatch):
    # Each launch's evidence names the tree's lines again: a list of strings is moved by lookups, not item by item
    # (item by item, four times the modules and the launches made over six times the copies).
    from whackachip_lint.report import locations

    counts = {}
    for size, result in timed_scans.items():
        verdict = infer(result)
        calls = _counted(monkeypatch, locations._Relocator, "copy")
        relocate_verdict(verdict, result, cwd=str(result.root.parent))
        counts[size] = len(calls)
    assert counts[TIMED[1]] <= 5 * counts[TIMED[0]], counts
