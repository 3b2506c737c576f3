"""Declared hardware checked against the code: WAC714 when a declaration names parts the code cannot run on.

Runs after extraction over a set of findings (one file's in `scan_source`, the whole repo's in `scan`):
for each declaration in force (WAC710 job request, WAC712 stated in docs, WAC713 nvidia-smi output) that
names catalog parts and is not in a vendored tree (someone else's run), and each hard requirement of the repo's own code in force (vendored code is someone
else's and is left out), a WAC714 warning stands at the declaration when every part the declaration could
denote definitely lacks what the code requires. Unknown facts (null in the catalog) never contradict.

The requirements come from the inference (`infer.constraints.requirements_for`, hard, non-vendor ones:
FP8/FP4 compute, compile targets without PTX...) when it is installed; otherwise from the small table below,
checked against the facts copied into extract/gpu_names.json. Vendor requirements are left out on purpose:
repos with parallel GPU and NPU recipes would contradict themselves.
"""

from __future__ import annotations

from typing import Callable, Iterable

from .evidence import Finding, State
from .extract import gpunames

DECLARING = frozenset({"WAC710", "WAC712", "WAC713"})
CONTRADICTION = "WAC714"
# Code evidence only (precision, collective, network, launch, memory, kernels): not declarations, not images/pins.
CODE_FAMILIES = ("WAC1", "WAC2", "WAC3", "WAC4", "WAC5", "WAC6")
# Fallback when the inference is not available: rule -> (catalog fact that must be true, what the code requires).
FALLBACK_REQUIREMENTS = {
    "WAC104": ("supports_fp8", "FP8 compute"),
    "WAC106": ("supports_fp4", "FP4 compute"),
}

Check = Callable[[str], "bool | None"]


def contradictions(findings: Iterable[Finding]) -> list[Finding]:
    """New WAC714 findings for `findings` (not including any already among them)."""
    findings = list(findings)
    declared = [
        f for f in findings
        if f.rule in DECLARING and f.in_force and f.properties.get("catalog_ids") and not f.properties.get("vendored")
    ]
    if not declared:
        return []
    code = [
        f for f in findings
        if f.rule.startswith(CODE_FAMILIES) and f.in_force and not f.properties.get("vendored")
    ]
    requirements = _requirements(code)
    if not requirements:
        return []
    existing = {(f.path, f.span, f.value) for f in findings if f.rule == CONTRADICTION}
    out = []
    for declaration in declared:
        if (declaration.path, declaration.span, declaration.value) in existing:
            continue
        ids = str(declaration.properties["catalog_ids"]).split()
        for label, check, evidence in requirements:
            if all(check(i) is False for i in ids):
                out.append(_finding(declaration, label, evidence))
                break
    return out


def _requirements(code: list[Finding]) -> list[tuple[str, Check, Finding]]:
    try:
        from .infer.catalog import load_catalog
        from .infer.constraints import requirements_for
    except ImportError:
        return _fallback(code)
    catalog = load_catalog()
    out = []
    for finding in code:
        for req in requirements_for(finding):
            if req.strength == "hard" and not req.is_vendor:
                out.append((req.constraint, _catalog_check(catalog, req), finding))
    return out


def _catalog_check(catalog, req) -> Check:
    def check(catalog_id: str) -> bool | None:
        return req.check(catalog.get(catalog_id)) if catalog_id in catalog else None

    return check


def _fallback(code: list[Finding]) -> list[tuple[str, Check, Finding]]:
    out = []
    for finding in code:
        if finding.rule in FALLBACK_REQUIREMENTS:
            fact, label = FALLBACK_REQUIREMENTS[finding.rule]
            out.append((label, lambda i, fact=fact: gpunames.facts(i).get(fact), finding))
    return out


def _finding(declaration: Finding, label: str, evidence: Finding) -> Finding:
    from .rules import ALL_RULES

    rule = ALL_RULES[CONTRADICTION]
    where = f"{evidence.path}:{evidence.line}"
    detail = f"the code requires {label} ({where}), which {declaration.value} lacks"
    props = {
        key: declaration.properties[key] for key in ("gpu", "vendor", "catalog_ids") if key in declaration.properties
    }
    props.update({"declared_by": declaration.rule, "requirement": label, "conflicts_with": where})
    return Finding(
        rule=rule.code,
        name=rule.name,
        signal=rule.signal,
        value=declaration.value,
        state=State.ENABLED,
        level=rule.level,
        path=declaration.path,
        span=declaration.span,
        snippet=declaration.snippet,
        message=rule.message(declaration.value, State.ENABLED, detail),
        properties=props,
    )


__all__ = ["CONTRADICTION", "DECLARING", "contradictions"]
