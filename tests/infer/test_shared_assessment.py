"""Paths that reach the same files share one merged base (infer/shared.py): the verdict is the one each path's own
list of findings gives.

Each comparison runs the verdict twice: as it is, and with no shared bases (every path merged from its whole list,
as before the bases). The trees: every fixture repository, and the scale tree (tests/scale_tree.py) with a shared
option one launch passes (the finding its flag settles is that launch's own, never the base's) and a launch whose
own script comes first in the order of findings (its requirement of a key the base also has comes first).
"""

from __future__ import annotations

import json
import random

import pytest

from whackachip_lint.config import Settings
from whackachip_lint.infer import engine, memory
from whackachip_lint.infer.engine import INSUFFICIENT_READS, _evidence_key, _insufficient, collect_requirements, infer
from whackachip_lint.infer.shared import EvidenceParts, PathScope, SharedBase
from whackachip_lint.scan import scan

from ..conftest import REPOS
from ..infer_helpers import finding
from ..scale_tree import write_launch_tree

_OPTIONS = """import argparse


def options(parser: argparse.ArgumentParser):
    parser.add_argument("--fp8", action="store_true")
    return parser
"""

_FIRST_SCRIPT = """import torch
import pkg0, pkg1, pkg2, pkg3, pkg4, pkg5, pkg6, pkg7, pkg8, pkg9


def main():
    torch.distributed.init_process_group(backend="nccl")
    with torch.autocast("cuda", dtype=torch.float16):
        return torch.zeros(2).to("cuda")


if __name__ == "__main__":
    main()
"""


def _verdict(result, monkeypatch, shared: bool) -> str:
    with monkeypatch.context() as patch:
        if not shared:
            patch.setattr(engine, "_shared_bases", lambda *args: {})
        return json.dumps(infer(result).to_dict(), sort_keys=True, default=str)


def _paths_sharing(result, monkeypatch) -> int:
    made: list = []
    real = engine._shared_bases

    def counting(*args):
        bases = real(*args)
        made.extend(bases.values())
        return bases

    with monkeypatch.context() as patch:
        patch.setattr(engine, "_shared_bases", counting)
        infer(result)
    return len(made)


@pytest.mark.parametrize("repo", sorted(p.name for p in REPOS.iterdir() if p.is_dir()))
def test_every_fixture_repository_gets_the_verdict_of_unshared_paths(repo, monkeypatch):
    result = scan([REPOS / repo], Settings(use_cache=False, jobs=1))
    assert _verdict(result, monkeypatch, shared=True) == _verdict(result, monkeypatch, shared=False)


def test_launches_reaching_one_tree_share_a_base_and_get_the_verdict_of_unshared_paths(tmp_path, monkeypatch):
    root = write_launch_tree(tmp_path / "repo", 30)
    (root / "00_first.py").write_text(_FIRST_SCRIPT, encoding="utf-8")
    (root / "scripts" / "00_run.sh").write_text("#!/bin/bash\ntorchrun --nproc_per_node=4 00_first.py --fp8\n",
                                                encoding="utf-8")
    (root / "pkg0" / "opts.py").write_text(_OPTIONS, encoding="utf-8")
    with (root / "pkg0" / "__init__.py").open("a", encoding="utf-8") as init:
        init.write("from . import opts\n")
    result = scan([root], Settings(use_cache=False, jobs=1))
    assert _paths_sharing(result, monkeypatch) == 4  # the launches share a base (else this compares nothing)
    shared = _verdict(result, monkeypatch, shared=True)
    assert shared == _verdict(result, monkeypatch, shared=False)
    first = next(r for r in json.loads(shared)["recipes"] if r["name"] == "scripts/00_run.sh")
    assert {"00_first.py", "pkg0/mod_00000.py", "pkg0/opts.py"} <= set(first["files"])
    assert "pkg0/opts.py:5" in shared  # the option the launch passes counts on its path


def test_a_path_holding_the_base_runs_in_another_order_is_assessed_on_its_own_list():
    a, b, x, flagged = (finding("WAC204", "cuda", path=p) for p in ("a.py", "b.py", "x.py", "f.py"))
    first, second, shared = [a, flagged], [b], []
    base = SharedBase([first, second, shared], lambda f: f is not flagged)  # a launch's flag settles `flagged`
    scope = base.scope([first, [x], second, shared])
    assert scope is not None and scope.own == [(1, flagged), (1, x)]
    assert scope.select() == [a, flagged, x, b]
    assert base.scope([second, first, shared]) is None  # another order
    assert base.scope([first, shared]) is None  # not all of it
    assert base.scope([first, second, [a, b], shared]) is not None  # equal findings in another run are the path's
    assert PathScope.of([b, a]).select() == [b, a]


def test_shared_evidence_unions_and_file_counts_are_those_of_the_whole_tuples():
    rng = random.Random(7)

    def where() -> str:
        return f"f{rng.randrange(60)}.py:{rng.randrange(1, 40)}"

    parts = EvidenceParts(_evidence_key)
    base = tuple(sorted({where() for _ in range(200)}, key=_evidence_key))
    tuples = [base] + [parts.extend(base, {where() for _ in range(rng.randrange(0, 50))}) for _ in range(30)]
    tuples += [tuple(sorted({where() for _ in range(rng.randrange(1, 5))}, key=_evidence_key)) for _ in range(5)]
    for evidence in tuples:
        assert list(evidence) == sorted(set(evidence), key=_evidence_key)
        assert parts.file_count(evidence) == len({e.rpartition(":")[0] for e in evidence})
    for _ in range(20):
        some = rng.sample(tuples, rng.randrange(1, 8))
        assert parts.union(some) == tuple(sorted(set().union(*some), key=_evidence_key))


@pytest.mark.parametrize("repo", sorted(p.name for p in REPOS.iterdir() if p.name.startswith(("mem_", "job_"))))
def test_the_memory_estimate_and_scale_read_only_their_rules(repo):
    found = scan([REPOS / repo], Settings(use_cache=False, jobs=1)).findings
    read = [f for f in found if f.rule in memory.READS]
    assert len(read) < len(found)
    whole, selected = memory.estimate(found, [80.0]), memory.estimate(read, [80.0])
    assert (whole and whole.to_dict()) == (selected and selected.to_dict())
    assert memory.scale(found) == memory.scale(read)


@pytest.mark.parametrize("repo", sorted(p.name for p in REPOS.iterdir() if p.is_dir()))
def test_the_set_up_check_reads_only_its_rules(repo):
    found = scan([REPOS / repo], Settings(use_cache=False, jobs=1)).findings
    read = [f for f in found if f.rule in INSUFFICIENT_READS]
    for requirements in (collect_requirements(found), []):
        assert _insufficient(found, requirements) == _insufficient(read, requirements)
