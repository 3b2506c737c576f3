"""No line of the default text verdict is longer than `Limits.line`, however long the repository's paths: a long line
is rebuilt with fewer locations, reasons and names (each cut counted), then wrapped; `--verbose` keeps everything."""

from __future__ import annotations

import re

import pytest

from whackachip_lint.infer.engine import infer
from whackachip_lint.report.verdict_text import DEFAULT, Limits, _fitted, _where, render_verdict

from ..infer_helpers import finding, result

DIR = "org+long-named-repository/examples/pretraining/very_long_model_family_name/"
GPUS = (1, 2, 4, 8)
LAUNCHES = [f"{DIR}launch_{gpus}_gpus_variant_{k}.sh" for gpus in GPUS for k in range(3)]
CONFIGS = [f"{DIR}configs/model_config_number_{i}.py" for i in range(6)]
LONGEST = 300  # characters in a line of the default verdict (Limits.line)


def _long_paths():
    """Primus's shape with long paths: AMD launches at four device counts, `cuda` configs with bf16."""
    found = []
    for sh in LAUNCHES:
        gpus = int(sh.split("launch_")[1].split("_")[0])
        found += [finding("WAC404", "torchrun", path=sh, line=3, script=f"{DIR}train.py"),
                  finding("WAC401", gpus, path=sh, line=3),
                  finding("WAC205", "HSA_FORCE_FINE_GRAIN_PCIE", path=sh, line=2)]
    for py in CONFIGS:
        found += [finding("WAC204", "cuda", path=py, line=1), finding("WAC201", "nccl", path=py, line=2),
                  finding("WAC101", True, path=py, line=4)]
    return infer(result(*found))


def _path_shapes(verdict):
    """The path-based inference's shapes (infer/engine.py) on the same long paths, set by hand."""
    reasons = [{"constraint": f"requirement {i}", "strength": "hard", "evidence": [f"{sh}:2" for sh in LAUNCHES]}
               for i in range(3)]
    verdict.optional_requirements = [
        {"requirement": "compiled for AMD GPU targets gfx942", "strength": "hard", "roles": ["optional"],
         "file_count": len(CONFIGS), "files": CONFIGS, "met_by": ["AMD CDNA 3", "AMD CDNA 4", "NVIDIA Hopper"]}]
    verdict.conflicts = [{"paths": LAUNCHES[:2], "why": "conflicting hard facts", "requirements": reasons},
                         {"paths": LAUNCHES, "set_aside": "weak"}]
    return verdict


@pytest.fixture(scope="module")
def verdicts():
    verdict = _path_shapes(_long_paths())
    return _logical(render_verdict(verdict)), _logical(render_verdict(verdict, verbose=True)), render_verdict(verdict)


def _logical(text: str) -> list[list[str]]:
    """The lines as built, each with the continuations (indented 6 or more) it was wrapped into."""
    out: list[list[str]] = []
    for line in text.splitlines():
        if out and re.match(r" {6}", line):
            out[-1].append(line)
        else:
            out.append([line])
    return out


def _line(lines: list[list[str]], start: str) -> tuple[str, list[str]]:
    """The line that starts with `start`, its wrapping undone, and its physical lines."""
    unwrapped = [(x[0] + "".join(" " + y.strip() for y in x[1:]), x) for x in lines]
    (found,) = [(line, physical) for line, physical in unwrapped if line.startswith(start)]
    return found


def test_no_default_line_is_longer_than_the_limit_and_continuations_are_indented(verdicts):
    _, _, text = verdicts
    physical = text.splitlines()
    assert max(len(x) for x in physical) <= LONGEST, text
    assert DEFAULT.line == LONGEST and Limits(None, None, None, None, None, None).line is None
    assert not any(re.match(r" +more", line) for line in physical), text  # "+N more" is never split
    # a path is never cut by the wrapping: each location shown is whole on one line
    for line in physical:
        for path in re.findall(r"org\+\S+?\.(?:sh|py)", line):
            assert path in LAUNCHES + CONFIGS, line


@pytest.mark.parametrize(("start", "everything"), [
    ("  Topology: ", [f"{n} device{'s' if n > 1 else ''} per node" for n in GPUS] + LAUNCHES),
    ("    supports AMD: ", [f"{sh}:2" for sh in LAUNCHES]),
    ("    NVIDIA possible", [f"{py}:1" for py in CONFIGS] + [f"{sh}:2" for sh in LAUNCHES]),
    ("    Huawei, Intel", [f"{sh}:2" for sh in LAUNCHES]),
    ("    NVIDIA A10 | ", ["NVIDIA A30 | NVIDIA A40", "NVIDIA H100 SXM5 80GB", "NVIDIA B200", "NVIDIA L40S"]),
    (f"    {LAUNCHES[0]}, ", LAUNCHES),
    ("    compiled for AMD", CONFIGS + ["AMD CDNA 4", "NVIDIA Hopper"]),
    (f"    {LAUNCHES[0]} vs ", [f"requirement {i}" for i in range(3)] + [f"{sh}:2" for sh in LAUNCHES]),
    ("  Weak hints", LAUNCHES),
])
def test_a_long_line_lists_less_and_counts_the_rest_and_verbose_lists_everything(verdicts, start, everything):
    default, verbose, _ = verdicts
    (line, physical), (full, _) = _line(default, start), _line(verbose, start)
    assert max(len(x) for x in physical) <= LONGEST, physical
    assert " more" in line and any(item not in line for item in everything), line
    assert all(item in full for item in everything), full


def test_the_topology_line_keeps_one_location_per_count_before_it_drops_counts():
    evidence = {"evidence": {n: [f"{n}/a.sh:1", f"{n}/b.sh:1", f"{n}/c.sh:1"] for n in GPUS}}

    class Verdict:
        gpus_per_node, nodes = evidence, None

    from whackachip_lint.report.verdict_text import _class_and_topology

    class Overall:
        device_class = {"class": "unknown"}

    Verdict.overall = Overall
    (short, _), = [_line(_logical("\n".join(_class_and_topology(Verdict, Limits(line=170)))), "  Topology: ")]
    assert short == ("  Topology: 1 device per node [1/a.sh:1 +2 more]; 2 devices per node [2/a.sh:1 +2 more]; "
                     "4 devices per node [4/a.sh:1 +2 more]; 8 devices per node [8/a.sh:1 +2 more].")
    tightest, physical = _line(_logical("\n".join(_class_and_topology(Verdict, Limits(line=60)))), "  Topology: ")
    assert len(physical) > 1  # still too long with the tightest limits: wrapped
    assert tightest.startswith("  Topology: 1 device per node [1/a.sh:1 +2 more]; 2 devices per node")
    assert tightest.endswith(" +2 more.")


def test_fitted_tightens_only_as_far_as_needed_and_never_without_a_line_limit():
    evidence = ["a.py:1", "b.py:2", "c.py:3"]
    build = lambda lim: f"x{_where(evidence, lim)}"  # noqa: E731
    assert _fitted(build, Limits(line=100)) == "x [a.py:1, b.py:2, c.py:3]"
    assert _fitted(build, Limits(line=20)) == "x [a.py:1 +2 more]"
    assert _fitted(build, Limits(locations=3, line=None)) == "x [a.py:1, b.py:2, c.py:3]"


def test_a_wrapped_line_keeps_each_count_whole_and_indents_its_continuations_deeper():
    line = "    " + "abcd " * 6 + "abc +4 more reasons"  # "+4" would end the first 40 characters
    assert _fitted(lambda lim: line, Limits(line=40)).splitlines() == [
        "    abcd abcd abcd abcd abcd abcd abc", "        +4 more reasons"]
