"""Synthetic findings and scan results for inference tests (the extractors are tested elsewhere)."""

from __future__ import annotations

import shutil
from pathlib import Path

from whackachip_lint.evidence import Finding, Span, State
from whackachip_lint.rules import ALL_RULES
from whackachip_lint.results import ScanResult


def finding(rule: str, value=True, state: str = "enabled", path: str = "train.py", line: int = 1, **properties):
    r = ALL_RULES[rule]
    st = State(state)
    return Finding(rule=rule, name=r.name, signal=r.signal, value=value, state=st, level=r.level, path=path,
                   span=Span(line, 1, line, 2), snippet="", message=r.message(value, st), properties=properties)


def result(*findings: Finding, files=None) -> ScanResult:
    paths = sorted({f.path for f in findings} | set(files or ()))
    return ScanResult(Path("."), len(paths), sorted(findings, key=Finding.sort_key), [], paths)


def hunyuan_like() -> ScanResult:
    """The paper's Hunyuan-Large set-up: nccl, bf16 via DeepSpeed auto + --bf16, GDR over IB, 8 GPUs per node."""
    sh = "scripts/train.sh"
    return result(
        finding("WAC404", "deepspeed", path=sh, line=20, script="../train.py"),
        finding("WAC401", 8, path=sh, line=20),
        finding("WAC402", 2, path=sh, line=20),
        finding("WAC406", "ds_zero3.json", path=sh, line=20),
        finding("WAC101", True, path=sh, line=21, flag="--bf16"),
        finding("WAC303", "NCCL_P2P_DISABLE", path=sh, line=5),
        finding("WAC302", "NCCL_IB_CUDA_SUPPORT", path=sh, line=6),
        finding("WAC302", "NCCL_NET_GDR_LEVEL", path=sh, line=7),
        finding("WAC301", "NCCL_IB_DISABLE", path=sh, line=8),
        finding("WAC301", "NCCL_IB_HCA", path=sh, line=9),
        finding("WAC206", "NCCL_DEBUG", path=sh, line=10),
        finding("WAC201", "nccl", path="train.py", line=30),
        finding("WAC204", "cuda", path="train.py", line=31),
        finding("WAC101", "auto", state="conditional", path="scripts/ds_zero3.json", line=4),
        finding("WAC501", 3, path="scripts/ds_zero3.json", line=8),
    )


def where(ref: dict) -> str:
    """A JSON evidence reference as `path:line`."""
    return f"{ref['path']}:{ref['line']}" if ref.get("line") is not None else ref["path"]


def resolved(inference: dict, ids: list[str]) -> list[dict]:
    """Reason ids of the JSON verdict -> the reasons, their evidence as `path:line` strings (for short asserts)."""
    return [{**inference["reasons"][i], "evidence": [where(e) for e in inference["reasons"][i]["evidence"]]}
            for i in ids]


def readme_under_examples(tmp_path: Path) -> Path:
    """The TPU recipe fixture (fixtures/verdicts/readme_tpu_recipe) with its README moved to examples/glue/: a README
    in an examples folder documenting a recipe of the root script."""
    repo = tmp_path / "repo"
    shutil.copytree(Path(__file__).parent / "fixtures" / "verdicts" / "readme_tpu_recipe", repo)
    (repo / "examples" / "glue").mkdir(parents=True)
    (repo / "README.md").rename(repo / "examples" / "glue" / "README.md")
    return repo
