"""The elimination funnel: the catalog as a set that narrows, one constraint at a time (the paper's Figures 1-4).

The steps are the inference's own requirements (`Assessment.requirements`), in a stable order: strongest first
(hard, strong, weak), and within a strength vendor, then architecture, then device class, then memory, then the
rest, each applied to the parts still standing. A last step reconciles with the verdict itself (paths taken
together, vendor ranking), so the funnel always ends at the verdict's statuses.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..infer.engine import CONSISTENT, DISFAVOURED, EXCLUDED, Verdict

STRENGTH_ORDER = {"hard": 0, "strong": 1, "weak": 2}
# Requirement kinds -> the question they answer, in the order the paper narrows the set.
KIND_ORDER = {"vendor": 0, "feature": 1, "arch": 1, "cc_at_least": 1, "cuda_arch_list": 1, "gfx_in": 1,
              "gfx_at_least": 1, "class": 2, "gdr": 2, "memory": 3, "declared": 4}
FINAL_STEP = "the verdict: paths taken together and the vendor ranking"


@dataclass
class Step:
    constraint: str
    strength: str
    kind: str
    evidence: tuple[str, ...]
    removed: list[str] = field(default_factory=list)  # excluded at this step
    disfavoured: list[str] = field(default_factory=list)  # disfavoured at this step
    restored: list[str] = field(default_factory=list)  # (final step only) allowed again by another path
    statuses: dict[str, str] = field(default_factory=dict)  # every part's status after this step

    @property
    def remaining(self) -> list[str]:
        return [i for i, s in self.statuses.items() if s == CONSISTENT]


def _rank(status: str) -> int:
    return {CONSISTENT: 0, DISFAVOURED: 1, EXCLUDED: 2}[status]


def funnel(verdict: Verdict) -> list[Step]:
    """The steps from the whole catalog to the verdict's statuses."""
    candidates = verdict.candidates
    statuses = {c.entry.id: CONSISTENT for c in candidates}
    seen: set[tuple[str, str]] = set()
    requirements = []
    for req in verdict.overall.requirements:
        key = (req.constraint, req.strength)
        if key not in seen:  # several recipes can state the same requirement
            seen.add(key)
            requirements.append(req)
    requirements.sort(key=lambda r: (STRENGTH_ORDER.get(r.strength, 3), KIND_ORDER.get(r.kind, 5), r.constraint))
    steps: list[Step] = []
    for req in requirements:
        step = Step(req.constraint, req.strength, req.kind, tuple(req.evidence))
        for c in candidates:
            result = req.check(c.entry)
            if result is False:
                new = EXCLUDED if req.strength == "hard" else DISFAVOURED
            elif result is None and req.strength == "hard":
                new = DISFAVOURED  # a hard fact the catalog cannot check: no match, never an exclusion
            else:
                continue
            old = statuses[c.entry.id]
            if _rank(new) > _rank(old):
                statuses[c.entry.id] = new
                (step.removed if new == EXCLUDED else step.disfavoured).append(c.entry.id)
        if step.removed or step.disfavoured:
            step.statuses = dict(statuses)
            steps.append(step)
    final = Step(FINAL_STEP, "", "verdict", ())
    for c in candidates:
        old, new = statuses[c.entry.id], c.status
        if new == old:
            continue
        if _rank(new) < _rank(old):
            final.restored.append(c.entry.id)
        elif new == EXCLUDED:
            final.removed.append(c.entry.id)
        else:
            final.disfavoured.append(c.entry.id)
        statuses[c.entry.id] = new
    if final.removed or final.disfavoured or final.restored:
        final.statuses = dict(statuses)
        steps.append(final)
    return steps
