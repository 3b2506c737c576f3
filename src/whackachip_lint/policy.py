"""Fleet policy: findings in force that the team's target hardware cannot run become errors.

With `target = ["nvidia-v100"]` (catalog ids, in the config or `--target`), each finding in force (state
`enabled`, not suppressed) is mapped to the requirements the inference uses; a requirement that a target entry
fails breaks that target, and the finding is raised to `error` with a message naming the target:

    Bf16 precision (bfloat16) is in force here; your target nvidia-v100 does not meet: native bf16 tensor math.

What breaks a target (decided here, documented in README):
- only `hard` and `strong` requirements: a weak clue (a TF32 switch, a tuning knob) narrows the inference but
  never fails a commit;
- only a definite "no" from the catalog: an unknown property (`check` returns None) never breaks a target;
- only findings in force: `conditional`, `disabled` and `mentioned` findings are left as they are;
- not CUDA-looking evidence that a migration shim can redirect to another vendor (the `nccl` backend, `cuda`
  devices, NCCL variables: `torch_npu`'s transfer_to_npu or Gaudi's GPU migration layer make them run on Ascend
  or Gaudi), because the shim may sit in a file this run did not see (the changed-files hook sees only a few);
- not requirements that only arise from several settings together (the inference still weighs those).
Without targets nothing changes: plain evidence stays at its rule's level (`note`) and the exit code is 0.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from .evidence import Finding, Level

BREAKING_STRENGTHS = frozenset({"hard", "strong"})


class PolicyError(Exception):
    """The fleet policy cannot run (e.g. the hardware catalog is not available)."""


def _infer_api() -> tuple[Any, Callable[[Finding], Iterable[Any]]]:
    try:
        from .infer.catalog import load_catalog
        from .infer.constraints import requirements_for
    except ImportError as exc:  # pragma: no cover - only before the inference lands
        raise PolicyError(f"--target needs the hardware catalog, which this build lacks ({exc})") from None
    return load_catalog(), requirements_for


def _entry(catalog: Any, target: str) -> Any:
    try:
        return catalog.get(target)
    except KeyError:
        return None


def unknown_targets(targets: Iterable[str], catalog: Any = None) -> list[str]:
    """Target ids that name no catalog entry."""
    if catalog is None:
        catalog, _ = _infer_api()
    return [t for t in targets if _entry(catalog, t) is None]


def broken_targets(finding: Finding, entries: dict[str, Any],
                   requirements_for: Callable[[Finding], Iterable[Any]]) -> list[tuple[str, Any, Any]]:
    """(target id, entry, requirement) for every target a finding in force cannot run on."""
    if not finding.in_force:
        return []
    broken = []
    for requirement in requirements_for(finding):
        if getattr(requirement, "strength", None) not in BREAKING_STRENGTHS:
            continue
        if getattr(getattr(requirement, "spec", None), "redirectable", False):
            continue
        for target, entry in entries.items():
            if requirement.check(entry) is False and target not in [b[0] for b in broken]:
                broken.append((target, entry, requirement))
    return broken


def _describe(target: str, entry: Any, requirement: Any) -> str:
    constraint = str(getattr(requirement, "constraint", "") or "a requirement of this code").rstrip(".")
    return f"your target {target} does not meet: {constraint}"


def policy_message(finding: Finding, broken: list[tuple[str, Any, Any]]) -> str:
    subject, _, rest = finding.message.partition(". ")
    subject = subject.rstrip(".")
    if not subject.endswith("is in force here"):
        subject, rest = f"{finding.rule} {finding.name} is in force here", finding.message
    text = f"{subject}; " + "; ".join(_describe(*b) for b in broken) + "."
    return f"{text} {rest}" if rest else text


def apply_policy(findings: list[Finding], targets: list[str], *, catalog: Any = None,
                 requirements_for: Callable[[Finding], Iterable[Any]] | None = None) -> list[Finding]:
    """Findings with those that break a target raised to `error`, naming the targets they break."""
    if not targets:
        return findings
    if catalog is None or requirements_for is None:
        default_catalog, default_requirements = _infer_api()
        catalog = catalog if catalog is not None else default_catalog
        requirements_for = requirements_for or default_requirements
    entries = {target: _entry(catalog, target) for target in targets}
    unknown = [t for t, e in entries.items() if e is None]
    if unknown:
        raise PolicyError(f"unknown target {', '.join(unknown)} (`wac-lint hardware` lists the catalog ids)")
    out = []
    for finding in findings:
        broken = broken_targets(finding, entries, requirements_for)
        if broken:
            properties = dict(finding.properties)
            properties["breaks_targets"] = ",".join(b[0] for b in broken)
            finding = finding.with_changes(level=Level.ERROR, message=policy_message(finding, broken),
                                           properties=properties)
        out.append(finding)
    return out
