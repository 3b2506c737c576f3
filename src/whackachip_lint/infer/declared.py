"""Declared hardware compared with what the code needs, instead of being one more constraint.

A declaration (a SLURM GPU request, committed `nvidia-smi` output, a README stating the training hardware) names
catalog parts. The code's own requirements are assessed first; then each declaration is judged against that
assessment:

- it **agrees** when at least one part it names is consistent with the code's requirements: the declarations
  that agree count as vendor evidence for the vendors of those parts (a README naming an MI300X tips CUDA-looking
  code, which ROCm runs unchanged, to AMD) and, together, narrow the verdict (their parts get a `supports` reason,
  every other part a `fails` reason at the declaration's strength);
- it **conflicts** when every part it names is excluded by the code (`excluded`) or at least disfavoured by it
  (`disfavoured`): it constrains nothing, the named parts get a `contradicts` reason, and the verdict lists the
  conflict with both locations (the declaration and the code evidence).

So a README naming hardware the code cannot use is reported, never allowed to empty the consistent list.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .constraints import RANK, WEAK, Requirement, Spec
from .judgement import CONSISTENT, DISFAVOURED, EXCLUDED, CandidateVerdict, Reason, worse

AGREES = "agrees"
DECLARED_KIND = "declared"
DECLARED_PREFIX = "declared hardware: "
NAMES_SHOWN = 4  # declared names a reason spells out
DOCUMENTED_TEXT = "named in the repository's documents"


@dataclass
class DeclaredCheck:
    """One declaration judged against the code: agrees, or conflicts (the code excludes/disfavours its parts)."""

    declaration: Reason
    ids: tuple[str, ...]
    outcome: str  # AGREES | EXCLUDED | DISFAVOURED
    code: tuple[Reason, ...] = ()  # for a conflict: what the code requires that the declared parts fail
    requirement: Requirement | None = field(default=None, repr=False)  # the declaration as the inference read it
    vendors: frozenset[str] = frozenset()  # for an agreement: the vendors of the named parts the code allows

    @property
    def is_conflict(self) -> bool:
        return self.outcome != AGREES

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "kind": "declared_vs_code",
            "outcome": self.outcome,
            "declared": self.declaration.to_dict(),
            "ids": list(self.ids),
            "summary": self.summary(),
        }
        if self.code:
            data["code"] = [r.to_dict() for r in self.code]
        return data

    def summary(self) -> str:
        """One line: what was declared where, and what in the code counts against it where."""
        declared = self.declaration.constraint.removeprefix(DECLARED_PREFIX)
        where = ", ".join(self.declaration.evidence[:1])
        if not self.is_conflict:
            return f"{declared} ({where}) agrees with the code"
        verb = "cannot run" if self.outcome == EXCLUDED else "is unlikely to run"
        code = "; ".join(f"{r.constraint} ({r.strength}) at {', '.join(r.evidence[:1])}" for r in self.code[:2])
        more = f" +{len(self.code) - 2} more" if len(self.code) > 2 else ""
        return f"{declared} declared at {where}, but the code {verb} there: {code}{more}"


def split_declared(requirements: list[Requirement]) -> tuple[list[Requirement], list[Requirement]]:
    """(code requirements, declared ones)."""
    code = [r for r in requirements if r.kind != DECLARED_KIND]
    return code, [r for r in requirements if r.kind == DECLARED_KIND]


def judge_declared(candidates: list[CandidateVerdict], declared: list[Requirement]) -> list[DeclaredCheck]:
    """Judge each declaration against the candidates as the code's requirements leave them; the parts of a
    contradicted declaration get a `contradicts` reason (in place)."""
    by_id = {c.entry.id: c for c in candidates}
    checks: list[DeclaredCheck] = []
    for req in declared:
        named = [by_id[i] for i in req.spec.arg if i in by_id]
        if not named:
            continue
        reason = Reason(req.constraint, req.strength, req.evidence, "supports", req.rule)
        ids = tuple(c.entry.id for c in named)
        allowed = frozenset(c.entry.vendor for c in named if c.status == CONSISTENT)
        if allowed:
            checks.append(DeclaredCheck(reason, ids, AGREES, requirement=req, vendors=allowed))
            continue
        outcome = EXCLUDED if all(c.status == EXCLUDED for c in named) else DISFAVOURED
        code = _counted_against(named, outcome)
        checks.append(DeclaredCheck(Reason(req.constraint, req.strength, req.evidence, "contradicts", req.rule),
                                    ids, outcome, code))
        for c in named:
            c.reasons.append(Reason(f"{req.constraint} (contradicted by the code)", req.strength, req.evidence,
                                    "contradicts", req.rule))
    return checks


def vendor_requirements(checks: list[DeclaredCheck]) -> list[Requirement]:
    """Agreeing declarations as vendor evidence (scored with the code's; they constrain no part themselves): one
    requirement for the declarations of the same strength that allow the same vendors, named by the parts they
    add (distinct_names) and scored, as any requirement, by the files that carry it."""
    groups: dict[tuple, list[Requirement]] = {}
    for check in checks:
        req = check.requirement
        if not check.is_conflict and req is not None:
            groups.setdefault((req.strength, check.vendors, req.vendored), []).append(req)
    out = []
    for (strength, vendors, vendored), reqs in groups.items():
        text = f"{DECLARED_PREFIX}{shown_names(distinct_names(reqs))} (agrees with the code)"
        evidence = tuple(dict.fromkeys(e for r in reqs for e in r.evidence))
        spec = Spec("vendor", strength, text, vendors)
        out.append(Requirement(text, strength, "vendor", evidence, reqs[0].rule, spec, None, vendors, vendored))
    return out


def apply_agreeing(candidates: list[CandidateVerdict], checks: list[DeclaredCheck],
                   documented: dict[str, tuple[str, ...]] | None = None) -> None:
    """The agreeing declarations narrow the verdict together (in place). Parts the repository's documents name
    anywhere (`documented`: catalog id -> where) are not dropped by a declaration naming others: a log naming
    the H100 the authors ran does not make the A100 the README says also runs it less likely."""
    agreeing = [c.requirement for c in checks if not c.is_conflict and c.requirement is not None]
    if agreeing:
        _apply(candidates, agreeing, documented or {})


def _counted_against(named: list[CandidateVerdict], outcome: str) -> tuple[Reason, ...]:
    """The code's failing reasons for the declared parts: the hard ones when they are excluded."""
    out: dict[str, Reason] = {}
    for c in named:
        for r in c.reasons:
            if r.result != "fails" or (outcome == EXCLUDED and r.strength != "hard"):
                continue
            out.setdefault(r.constraint, r)
    return tuple(sorted(out.values(), key=lambda r: -RANK[r.strength]))


def _apply(candidates: list[CandidateVerdict], agreeing: list[Requirement],
           documented: dict[str, tuple[str, ...]]) -> None:
    """The agreeing declarations, together: their parts are supported, every other part the documents do not
    name fails them."""
    ids = {i for r in agreeing for i in r.spec.arg}
    strength = max((r.strength for r in agreeing), key=lambda s: RANK[s])
    # Blogs spell a few GPUs many ways ("A100-40G", "NVIDIA A100-40GB"...): a reason names the parts once, at most
    # NAMES_SHOWN of them, its evidence every location.
    names = shown_names(distinct_names(agreeing))
    evidence = tuple(dict.fromkeys(e for r in agreeing for e in r.evidence))
    rule = agreeing[0].rule
    for c in candidates:
        if c.entry.id in ids:
            if c.status == EXCLUDED:
                continue  # named, but the code cannot run there: nothing to agree with
            c.reasons.append(Reason(f"{DECLARED_PREFIX}{names} (agrees with the code)", strength, evidence,
                                    "supports", rule))
        elif c.entry.id in documented:
            c.reasons.append(Reason(f"{DOCUMENTED_TEXT} (beside the declared {names})", WEAK, documented[c.entry.id],
                                    "supports", rule))
        else:
            c.reasons.append(Reason(f"{DECLARED_PREFIX}{names}", strength, evidence, "fails", rule))
            c.status = worse(c.status, DISFAVOURED)


def distinct_names(agreeing: list[Requirement]) -> list[str]:
    """The agreeing declarations' names, one for each set of parts they add: "A100-40G", "NVIDIA A100-40GB" and
    "A100-80G" say no more than "A100" (a framework's blogs name one GPU a dozen ways). The broadest name of the
    parts comes first, the shortest among equals; the names keep the order the declarations came in."""
    named = list(dict.fromkeys((r.constraint.removeprefix(DECLARED_PREFIX), frozenset(r.spec.arg)) for r in agreeing))
    covered: set[str] = set()
    kept: set[str] = set()
    for name, ids in sorted(named, key=lambda n: (-len(n[1]), len(n[0]), n[0])):
        if not ids <= covered:
            kept.add(name)
            covered |= ids
    return list(dict.fromkeys(name for name, _ in named if name in kept))


def shown_names(names: list[str]) -> str:
    """At most NAMES_SHOWN names, then how many more."""
    more = len(names) - NAMES_SHOWN
    return ", ".join(names[:NAMES_SHOWN]) + (f" +{more} more" if more > 0 else "")
