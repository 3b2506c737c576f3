"""The verdict: vendor set, architecture floor, device class and every catalog entry's status, with reasons.

Requirements in force (constraints.py) are checked against every catalog entry:
a failed `hard` requirement excludes, a failed `strong` or `weak` one disfavours,
an unknown catalog value never excludes. Vendors are scored by their vendor
requirements; a tie that the evidence cannot break is broken only where the
data says how (NVIDIA over AMD when nothing AMD-specific is in force), and the
loser stays `possible`. With several recipes each gets its own verdict and the
overall verdict keeps the best status any recipe gives.

Only findings on training paths (roles `training`, `support`, `vendored`; paths/roles.py) constrain;
each training path is assessed on its own and the union is `supported`; `primary` is the path with
the strongest set-up; tests, examples and optional code give `optional_requirements` only.
"""

from __future__ import annotations

import functools
import re
from bisect import bisect_left
from collections import Counter
from dataclasses import dataclass, field, replace
from operator import attrgetter
from typing import Any, Iterable

from ..evidence import Finding, State
from ..extract.environment import EXACT as ENV_EXACT, device_count
from .catalog import Catalog, Entry, load_catalog
from .declared import apply_agreeing, judge_declared, split_declared, vendor_requirements
from .judgement import CANDIDATE_ORDER as _CANDIDATE_ORDER, CONSISTENT, DISFAVOURED, EXCLUDED, CandidateVerdict, Reason
from .judgement import worse as _worse
from .constraints import (
    COMBINATIONS, HARD, RANK, STRONG, WEAK, AMD, NVIDIA, Requirement, Spec, _XLA_TELL_RULES, combination_requirements,
    declared_spec, requirements_for, specs_for, xla_platform_vendors,
)
from .memory import READS as MEMORY_READS
from .memory import MemoryEstimate
from .memory import estimate as estimate_memory
from .memory import largest_memory_gb
from .memory import scale as run_scale
from .recipes import (Recipe, doc_block, documented_recipe_name, find_recipes, launch_independent, recipe_home,
                      resolve_in_recipe, share_vendored_trees, split_by_recipe)
from .shared import EvidenceParts, PathScope, SharedBase
from .standing import by_standing, is_vendored
from ..paths.roles import (CONFIG_SUFFIXES, SETUP_RULES, SUPPORT, TEST, TRAINING, VENDORED, RepoPaths, is_ci_path,
                           is_container_ci_or_doc_path, path_role, primary_rank)
from ..rules.codes import Code

LIKELY, POSSIBLE = "likely", "possible"
_PATH = attrgetter("path")
_VENDOR_ORDER = {LIKELY: 0, POSSIBLE: 1, EXCLUDED: 2}

VENDOR_WEIGHT = {HARD: 100, STRONG: 10, WEAK: 1}

# Ties the evidence cannot break, broken by data: {tied vendors: (preferred, why the other stays possible)}.
TIE_BREAKS = {
    frozenset({NVIDIA, AMD}): (
        NVIDIA,
        "CUDA-looking code with nothing AMD-specific in force is usually NVIDIA; AMD stays possible because ROCm "
        "builds of PyTorch keep the cuda device and the nccl backend (served by RCCL, which reads NCCL_* variables)",
    ),
}

# Evidence that a repository holds a training set-up (without it the verdict is "insufficient evidence").
TRAINING_SETUP_RULES = SETUP_RULES  # one definition (paths/roles.py): the rules tagged training-setup

# Requirement kinds that set an architecture floor, and those that set a device class.
FLOOR_KINDS = ("feature", "arch", "cc_at_least", "gfx_in", "gfx_at_least", "cuda_arch_list", "rocm_arch_list")
CLASS_KINDS = ("class", "gdr")

# What a device count does not say, shown with it: (rule, count) -> note.
COUNT_NOTES = {
    (Code.GPUS_PER_NODE, 8): "8 devices per node is the HGX/DGX server shape, but also 4 dual-die MI250X cards (two devices "
                   "each) or 8 Ascend NPUs",
}

# Network findings summarised under "interconnect": rule -> key.
INTERCONNECT_KEYS = {
    Code.INFINIBAND: "infiniband", Code.GPUDIRECT_RDMA: "gpudirect_rdma", Code.GPU_PEER_TO_PEER: "p2p", Code.SOCKET_INTERFACE: "socket_interface",
    Code.NVLINK_SHARP: "nvlink_sharp", Code.CLOUD_FABRIC: "cloud_fabric",
}


@dataclass
class VendorVerdict:
    name: str
    status: str
    score: int = 0
    reasons: list[Reason] = field(default_factory=list)

    in_catalog: bool = True

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "status": self.status, "in_catalog": self.in_catalog,
                "reasons": [r.to_dict() for r in self.reasons]}


@dataclass(frozen=True)
class RepoContext:
    """What the whole repository says, beyond the path being assessed."""

    vendors: dict[str, tuple[str, ...]] = field(default_factory=dict)  # singled_out_vendors: vendor -> evidence
    documented: dict[str, tuple[str, ...]] = field(default_factory=dict)  # documented_parts: catalog id -> where
    support: dict[str, tuple[str, ...]] = field(default_factory=dict)  # support_vendors: vendor -> evidence

    def tie_breakers(self, catalog: Catalog) -> tuple[tuple[dict[str, tuple[str, ...]], str], ...]:
        """What may break a tie the assessed code leaves, in order, each with how the verdict words it: the
        repository's other code, then its containers, pins and documented commands, then the parts its documents
        name (a ROCm fork whose README was rewritten for Instinct GPUs)."""
        vendor_of = {e.id: e.vendor for e in catalog}
        documents: dict[str, set[str]] = {}
        for part, where in self.documented.items():
            if part in vendor_of:
                documents.setdefault(vendor_of[part], set()).update(where)
        return ((self.vendors, "other code names {} alone"),
                (self.support, "containers, pins and documented commands name {} alone"),
                ({v: tuple(sorted(w, key=_evidence_key)) for v, w in documents.items()}, "documents name {} parts alone"))


@dataclass
class Assessment:
    """The verdict over one set of findings (the whole repository or one recipe)."""

    requirements: list[Requirement]
    candidates: list[CandidateVerdict]
    vendors: list[VendorVerdict]
    architecture_floor: dict[str, Any]
    device_class: dict[str, Any]
    insufficient_evidence: bool
    conflicting_hard_evidence: bool = False
    declared: list = field(default_factory=list)  # declared.DeclaredCheck: each declaration against the code
    relaxed: str | None = None  # "weak"/"strong": requirements of that strength no part met together, set aside
    memory: MemoryEstimate | None = None  # the model-state lower bound per device (infer/memory.py)
    scale: dict[str, Any] | None = None  # devices of the run (per node x nodes), from the same findings

    def ids(self, status: str) -> list[str]:
        return [c.entry.id for c in self.candidates if c.status == status]


@dataclass
class Verdict:
    overall: Assessment
    interconnect: dict[str, Any]
    gpus_per_node: dict[str, Any] | None
    nodes: dict[str, Any] | None
    recipes: list[tuple[str, list[str], Assessment]] = field(default_factory=list)
    primary: dict[str, Any] | None = None  # the path the authors most likely ran (paths.py: its strongest set-up)
    optional_requirements: list[dict[str, Any]] = field(default_factory=list)  # of tests, examples, optional code
    conflicts: list[dict[str, Any]] = field(default_factory=list)  # hard facts of paths that cannot hold together
    paths: dict[str, Any] | None = None  # entry points, training paths, files by role

    @property
    def candidates(self) -> list[CandidateVerdict]:
        return self.overall.candidates

    @property
    def vendors(self) -> list[VendorVerdict]:
        return self.overall.vendors

    @property
    def insufficient_evidence(self) -> bool:
        return self.overall.insufficient_evidence

    @property
    def declared_conflicts(self) -> list:
        """Declarations the code contradicts (declared.DeclaredCheck), each with both locations."""
        return [d for d in self.overall.declared if d.is_conflict]

    def status_of(self, entry_id: str) -> str:
        return next(c.status for c in self.candidates if c.entry.id == entry_id)

    def vendor_status(self, vendor: str) -> str:
        return next(v.status for v in self.vendors if v.name == vendor)

    def scale_dict(self) -> dict[str, Any] | None:
        """Devices of the run and, for each consistent part, the aggregate TPP of that many devices."""
        scale = self.overall.scale
        if scale is None:
            return None
        aggregate = {c.entry.id: round(c.entry["tpp"] * scale["devices"], 1) for c in self.candidates
                     if c.status == CONSISTENT and isinstance(c.entry["tpp"], (int, float))}
        return {**scale, "aggregate_tpp": aggregate}

    def to_dict(self) -> dict[str, Any]:
        a = self.overall
        return {
            "vendors": [v.to_dict() for v in a.vendors],
            "architecture_floor": a.architecture_floor,
            "device_class": a.device_class,
            "interconnect": self.interconnect,
            "gpus_per_node": self.gpus_per_node,
            "nodes": self.nodes,
            "insufficient_evidence": a.insufficient_evidence,
            "conflicting_hard_evidence": a.conflicting_hard_evidence,
            "declared_agreements": [d.to_dict() for d in a.declared if not d.is_conflict],
            "memory": a.memory.to_dict() if a.memory is not None else None,
            "scale": self.scale_dict(),
            "recipes": [
                {
                    "name": name,
                    "files": files,
                    "vendors": [v.to_dict() for v in r.vendors],
                    "architecture_floor": r.architecture_floor,
                    "device_class": r.device_class,
                    "insufficient_evidence": r.insufficient_evidence,
                    "consistent": r.ids(CONSISTENT),
                    "disfavoured": r.ids(DISFAVOURED),
                    "excluded": r.ids(EXCLUDED),
                }
                for name, files, r in self.recipes
            ],
            "primary": self.primary,
            "supported": a.ids(CONSISTENT),
            "optional_requirements": self.optional_requirements,
            # Hard facts of training paths that cannot hold together, then declarations the code contradicts.
            "conflicts": [{"kind": "paths", **c} for c in self.conflicts]
            + [d.to_dict() for d in self.declared_conflicts],
            "paths": self.paths,
            "candidates": [c.to_dict() for c in a.candidates],
        }


# --- requirements -------------------------------------------------------------------------------------------


def shim_vendors(findings: Iterable[Finding]) -> set[str]:
    """Vendors whose CUDA migration shim is in force: CUDA-looking evidence also points to them."""
    vendors: set[str] = set()
    for f in findings:
        if f.rule == Code.CUDA_MIGRATION_SHIM and f.in_force:
            for spec in specs_for(f.rule, f.value):
                if spec.kind == "vendor":
                    vendors |= set(spec.arg)
    return vendors


# One strength lower for evidence from vendored trees (weak evidence there is context only).
_ONE_LOWER = {HARD: STRONG, STRONG: WEAK, WEAK: None}


def _requirements_of(
    finding: Finding, redirect: set[str], xla_platforms: frozenset[str] = frozenset()
) -> list[Requirement]:
    reqs = requirements_for(finding, redirect, xla_platforms)
    if is_vendored(finding):
        reqs = [_with(r, _ONE_LOWER[r.strength], "in vendored code, weighed lower", vendored=True)
                for r in reqs if _ONE_LOWER[r.strength]]
    elif is_support(finding):
        reqs = [_support_requirement(r) for r in reqs]
    elif is_unnamed_config(finding):
        reqs = [_demoted(r, "in a config no launch names, weighed lower") if r.strength == HARD and not r.is_vendor
                else r for r in reqs]
    return reqs


def is_unnamed_config(finding: Finding) -> bool:
    """A config file no launch names (role `support`): one of a tree of model or experiment configs, of which a run
    picks one. What it needs of the chip (an FP8 variant's FP8 compute) is weighed as strong, so one config does not
    exclude the parts the others run on; its vendor tells (an Ascend `device_target`) count as they are."""
    return (finding.properties or {}).get("role") == SUPPORT and finding.path.endswith(CONFIG_SUFFIXES)


def is_support(finding: Finding) -> bool:
    """A finding in a container, CI, docs or pin file: their hard facts are weighed as strong, because a repository
    may ship a container or CI set-up for newer hardware than its documented run used. Build files (setup.py, CMake)
    and configs have the role `support` too, but the targets they compile for bind the run (configs no launch
    names: is_unnamed_config)."""
    return is_container_ci_or_doc_path(finding.path)


def _support_requirement(req: Requirement) -> Requirement:
    """Support files may target more hardware than the run: hard facts weigh as strong, and a vendor tell there
    (a ROCm CI matrix, a vendor base image) counts for its vendor without counting against the others."""
    if req.is_vendor:
        return _with(req, WEAK if req.strength == HARD else req.strength, "in a support file: for its vendor, "
                     "against none", against=False)
    if req.kind in ARCH_LIST_KINDS:
        # A container or CI build names what it was built for, not what the code needs.
        return _with(req, STRONG, "in a support file: what one build targets, against none", against=False)
    return _demoted(req, "in a support file, weighed lower") if req.strength == HARD else req


def _with(req: Requirement, strength: str, why: str, vendored: bool = False, against: bool = True,
          overridden: bool = False) -> Requirement:
    return Requirement(f"{req.constraint} ({why})", strength, req.kind, req.evidence, req.rule, req.spec, req.value,
                       req.vendors, vendored or req.vendored, against and req.against, overridden or req.overridden)


# The rules each part of the requirements reads besides each finding's own (a path's other findings change none).
SHIM_RULES = frozenset({Code.CUDA_MIGRATION_SHIM})
COMBINATION_RULES = frozenset(rule for parts, _specs in COMBINATIONS for rule, _state in parts)


def collect_requirements(findings: list[Finding] | PathScope, memo: dict | None = None,
                         parts: EvidenceParts | None = None) -> list[Requirement]:
    """Every requirement in force, identical ones merged with their evidence joined (the first of them in the order
    of the findings gives the others' fields). A path's shared base (shared.SharedBase) is merged once for all the
    paths sharing it; each path adds its own findings' requirements."""
    scope = findings if isinstance(findings, PathScope) else PathScope.of(findings)
    memo = {} if memo is None else memo
    parts = parts or EvidenceParts(_evidence_key)
    redirect = shim_vendors(scope.select(SHIM_RULES))
    platforms = xla_platform_vendors(scope.select(_XLA_TELL_RULES))
    context = (frozenset(redirect), frozenset(platforms))

    def of(f: Finding) -> list[Requirement]:  # several paths share most findings: each one's are worked out once
        key = (id(f), context)
        if key not in memo:
            memo[key] = (f, _requirements_of(f, redirect, platforms))  # the finding kept: its id stays its own
        return memo[key][1]

    base = _base_requirements(scope.base, context, of)
    # Positions in the path's order: a finding's requirements (own findings before the base finding of their
    # rank), then the combinations, then the compile-target lists joined per file.
    own = _Keyed()
    for d, (rank, f) in enumerate(scope.own):
        for s, req in enumerate(of(f)):
            own.add((0, rank, 0, d, s), req)
    for i, req in enumerate(combination_requirements(scope.select(COMBINATION_RULES))):
        own.add((1, i), req)
    # A file that adds compile targets under a condition (`compute_80` only when CUDA >= 11) has no closed list:
    # what its unconditional targets leave out may still be built (traps.md), so its list excludes nothing.
    open_lists = {f.path for f in scope.select(TARGET_LIST_RULES) if f.state is State.CONDITIONAL}
    lists = [req for _, req in sorted(base.lists + own.lists, key=_position)]
    for g, req in enumerate(_union_target_lists(lists, open_lists)):
        own.add((2, g), req, joined=True)
    merged: list[tuple[tuple, Requirement]] = []
    for key in base.first.keys() | own.first.keys():
        mine, shared = own.first.get(key), base.first.get(key)
        if mine is None:
            merged.append((shared[0], base.merged(key)))  # the base's own merge, shared by the paths
            continue
        position, first = mine if shared is None else min(mine, shared, key=_position)
        evidence = (parts.extend(base.merged(key).evidence, own.evidence[key]) if shared is not None
                    else tuple(sorted(own.evidence[key], key=_evidence_key)))
        merged.append((position, _with_evidence(first, evidence)))
    ordered = [r for _, r in sorted(merged, key=_position)]
    return sorted(ordered, key=lambda r: (-RANK[r.strength], r.rule, r.constraint))


def _position(item: tuple) -> tuple:
    return item[0]


def _with_evidence(req: Requirement, evidence: tuple[str, ...]) -> Requirement:
    return Requirement(req.constraint, req.strength, req.kind, evidence, req.rule, req.spec, req.value, req.vendors,
                       req.vendored, req.against, req.overridden)


class _Keyed:
    """Requirements of some findings by merge key: the first of each key with its position in the path's order, and
    the evidence of all; compile-target lists are kept apart until they are joined per file (_union_target_lists)."""

    def __init__(self) -> None:
        self.first: dict[tuple, tuple[tuple, Requirement]] = {}
        self.evidence: dict[tuple, set[str]] = {}
        self.lists: list[tuple[tuple, Requirement]] = []
        self._merged: dict[tuple, Requirement] = {}

    def add(self, position: tuple, req: Requirement, joined: bool = False) -> None:
        if req.kind in ARCH_LIST_KINDS and not joined:
            self.lists.append((position, req))
            return
        key = (req.constraint, req.strength, req.kind, str(req.value) if req.kind in ARCH_LIST_KINDS else "",
               req.vendors)
        if key in self.first:
            self.evidence[key].update(req.evidence)
        else:
            self.first[key] = (position, req)
            self.evidence[key] = set(req.evidence)

    def merged(self, key: tuple) -> Requirement:
        """The key's first requirement with all the evidence, sorted (made once)."""
        if key not in self._merged:
            evidence = tuple(sorted(self.evidence[key], key=_evidence_key))
            self._merged[key] = _with_evidence(self.first[key][1], evidence)
        return self._merged[key]


def _base_requirements(base: SharedBase | None, context: tuple, of) -> _Keyed:
    """The requirements of a shared base's findings in a requirement context (worked out once per context)."""
    if base is None:
        return _Keyed()
    keyed = base.merged.get(context)
    if keyed is None:
        keyed = base.merged[context] = _Keyed()
        for j, f in enumerate(base.findings):
            for s, req in enumerate(of(f)):
                keyed.add((0, j, 1, 0, s), req)
    return keyed


ARCH_LIST_KINDS = ("cuda_arch_list", "rocm_arch_list")
TARGET_LIST_RULES = (Code.CUDA_ARCH_LIST, Code.ROCM_ARCH_LIST)  # CUDA and ROCm compile target lists


def _union_target_lists(requirements: list[Requirement], open_lists: set[str] = frozenset()) -> list[Requirement]:
    """Compile targets named in one file build one binary: it runs where any of them runs.

    Several `-gencode` lines (or list entries) in a file are one requirement with their targets joined;
    lists in different files (different extensions) each stay a requirement of their own. The list of a file in
    `open_lists` (targets added under a condition) is dropped: it is not known in full.
    """
    groups: dict[tuple, list[Requirement]] = {}
    out: list[Requirement] = []
    for req in requirements:
        if req.kind in ARCH_LIST_KINDS:
            path = req.evidence[0].rpartition(":")[0]
            groups.setdefault((req.kind, req.strength, req.vendored, path), []).append(req)
        else:
            out.append(req)
    for (_kind, _strength, _vendored, path), reqs in groups.items():
        if path in open_lists:
            continue
        values = list(dict.fromkeys(str(r.value) for r in reqs))
        first = reqs[0]
        text = first.constraint.replace(str(first.value), ";".join(values), 1)
        evidence = tuple(e for r in reqs for e in r.evidence)
        out.append(Requirement(text, first.strength, first.kind, evidence,
                               first.rule, first.spec, ";".join(values), first.vendors, first.vendored, first.against,
                               first.overridden))
    return out


@functools.lru_cache(maxsize=1 << 16)  # evidence is sorted once per path assessment: the same locations each time
def _evidence_key(where: str) -> tuple[str, int]:
    path, _, line = where.rpartition(":")
    return (path, int(line) if line.isdigit() else 0)


def _demoted(req: Requirement, why: str = "conflicts with other hard evidence") -> Requirement:
    return _with(req, STRONG, why)


def from_launch(req: Requirement, launch: Recipe | None) -> bool:
    """Whether a requirement is evidence of the launch itself (Recipe.holds): a line of the launch file, a line of a
    documented recipe's own code block, or a finding of the shared code the launch resolved (`resolved_by`).

    Only the evidence in the launch's own file can be: a merged requirement's evidence is sorted by _evidence_key
    (collect_requirements), so that run is found by bisection, not by reading all of a whole tree's evidence."""
    if launch is None:
        return False
    path, evidence = launch.document or launch.name, req.evidence
    at = bisect_left(evidence, (path, -1), key=_evidence_key)
    while at < len(evidence) and _evidence_key(evidence[at])[0] == path:
        if launch.holds(evidence[at]):
            return True
        at += 1
    return False


def _launch_vendors(requirements: list[Requirement], launch: Recipe | None) -> frozenset[str]:
    """The vendors a launch's own strong or hard vendor evidence allows together (`export
    ASCEND_RT_VISIBLE_DEVICES=...`, `PJRT_DEVICE=TPU`, a README block's `source .../ascend-toolkit/set_env.sh`): the
    devices the run is set up on. Empty without any. Whether the tell counts against other parts does not matter
    here: a launch in a support file (a README's code block, documentation) sets up its run all the same, and a
    support file elsewhere with the same tell (merged into one requirement) does not make it any less the launch's."""
    ours = [r.vendors for r in requirements if r.is_vendor and r.strength in (HARD, STRONG) and from_launch(r, launch)]
    return frozenset.intersection(*ours) if ours else frozenset()


# Why the shared code's softer vendor evidence counts against no part on a launch that sets up other devices.
LAUNCH_OVERRIDES = "a default the launch overrides: it sets up other devices"


def _settle_vendor_conflicts(requirements: list[Requirement],
                             launch: Recipe | None = None) -> tuple[list[Requirement], bool]:
    """Hard vendor facts against the rest of a path's vendor evidence.

    - A hard vendor fact contradicted by another hard one for a disjoint vendor set is weighed as strong: such a
      scope holds set-ups for several vendors (parallel trees no entry point separates), and a hard fact of one
      must not exclude the hardware of another.
    - Softer vendor evidence against the hard facts that agree (a `cuda` device string or an `nccl` default in a
      Gaudi port whose training loop imports habana_frameworks) lies on branches for other hardware: the code
      cannot run without the hard fact. It is kept as a reason for its vendors and counts against no part.
    - Vendor evidence of a vendored tree for vendors the repository's own code on this path does not name (an
      Ascend copy of MindSpore beside a CUDA training script) is someone else's hardware: kept as a reason for
      its vendors, against no part, as vendored code sets no floor where the repo's own code sets one.
    - Softer vendor evidence of the shared code a launch runs (a framework's `device: cuda` default) against the
      devices the launch file itself sets up (`ASCEND_RT_VISIBLE_DEVICES`, `HCCL_*`) is a default the launch
      overrides: kept as a reason, against no part.
    """
    hard = [r for r in requirements if r.is_vendor and r.strength == HARD and r.against]
    conflict = any(not (a.vendors & b.vendors) for i, a in enumerate(hard) for b in hard[i + 1:])
    out: list[Requirement] = []
    allowed = frozenset.intersection(*(r.vendors for r in hard)) if hard and not conflict else frozenset()
    own = frozenset().union(*(r.vendors for r in requirements
                              if r.is_vendor and not r.vendored and r.against and r.strength in (HARD, STRONG)))
    set_up = _launch_vendors(requirements, launch)
    for req in requirements:
        if own and req.is_vendor and req.vendored and req.against and not (req.vendors & own):
            out.append(_with(req, req.strength, "against the repository's own vendor evidence", against=False))
        elif (set_up and req.is_vendor and req.strength != HARD and req.against and not (req.vendors & set_up)
              and not from_launch(req, launch)):
            out.append(_with(req, req.strength, LAUNCH_OVERRIDES, against=False, overridden=True))
        elif req.is_vendor and req.strength == HARD and conflict and any(not (o.vendors & req.vendors) for o in hard):
            out.append(_demoted(req, "contradicted by other vendor evidence in scope"))
        elif allowed and req.is_vendor and req.strength != HARD and req.against and not (req.vendors & allowed):
            out.append(_with(req, req.strength, "against the hard vendor facts of this path: a branch for other "
                                                "hardware", against=False))
        else:
            out.append(req)
    return out, conflict


# --- one assessment -------------------------------------------------------------------------------------------


def assess(findings: list[Finding] | PathScope, catalog: Catalog | None = None, memo: dict | None = None,
           context: RepoContext | None = None, launch: Recipe | None = None,
           parts: EvidenceParts | None = None) -> Assessment:
    """The verdict over one set of findings (a list, or a path's scope: a shared base and its own findings,
    shared.PathScope). `context` is what the rest of the repository says: the vendors its code singles out break a
    tie this set's own evidence leaves; the parts its documents name are never dropped by a declaration naming
    others. `launch`: the recipe these findings are, when it sets up a run (a launch file or a documented recipe's
    code block; Recipe.holds says which evidence is its own). `memo` and `parts` hold the work the assessments of
    one verdict share (each finding's requirements; evidence tuples extending shared ones)."""

    catalog = catalog or load_catalog()
    scope = findings if isinstance(findings, PathScope) else PathScope.of(findings)
    parts = parts or EvidenceParts(_evidence_key)
    requirements, declared = split_declared(collect_requirements(scope, memo, parts))
    requirements, conflict = _settle_vendor_conflicts(requirements, launch)
    sizing = scope.select(MEMORY_READS)  # all the memory estimate and the run's scale read
    memory = estimate_memory(sizing, [s for s in map(largest_memory_gb, catalog) if s is not None])
    if memory is not None and memory.bytes_per_device > 0:
        requirements.append(_memory_requirement(memory))
    candidates = [_candidate(e, requirements) for e in catalog]
    if candidates and all(c.status == EXCLUDED for c in candidates):
        # Hard facts that no catalog entry meets together contradict each other (several set-ups mixed, or
        # an entry missing from the catalog): never exclude everything; say so and weigh them as strong.
        conflict = True
        requirements = [_demoted(r) if r.strength == HARD else r for r in requirements]
        candidates = [_candidate(e, requirements) for e in catalog]
    relaxed = None
    runs_nowhere = memory is not None and memory.fits_no_part
    if candidates and not runs_nowhere and not any(c.status == CONSISTENT for c in candidates):
        # Code that runs somewhere has a consistent part: soft evidence no part meets together (a weak HCCL
        # default in device-agnostic code beside CUDA settings) is set aside, weakest first, and said so. Not
        # when the memory estimate fits no part: that set-up runs nowhere, and the verdict says so.
        trial = requirements
        for level in (WEAK, STRONG):
            trial = [_with(r, r.strength, f"set aside: no part meets every {level} requirement", against=False)
                     if r.strength == level and r.against and r.kind != "memory" else r for r in trial]
            tried = [_candidate(e, trial) for e in catalog]
            if any(c.status == CONSISTENT for c in tried):
                relaxed, requirements, candidates = level, trial, tried
                break
    # Declared hardware is compared with what the code needs, never allowed to empty the consistent list; the
    # declarations that agree count as vendor evidence and narrow the verdict.
    checks = judge_declared(candidates, declared)
    # Hardware the repository states its run used, where the code agrees, names a vendor as the code's own
    # evidence does: device-agnostic code with a stated A100 run is no "insufficient evidence" of a vendor.
    stated = vendor_requirements(checks)
    insufficient = _insufficient(scope.select(INSUFFICIENT_READS), requirements + stated)
    context = context or RepoContext()
    vendors = _vendors(catalog, candidates, requirements + stated, insufficient, context, parts)
    _disfavour_unlikely_vendors(candidates, vendors, parts)
    apply_agreeing(candidates, checks, context.documented)
    requirements += declared
    return Assessment(
        requirements=requirements,
        candidates=candidates,
        vendors=vendors,
        architecture_floor=_floors(catalog, requirements, vendors),
        device_class=_device_class(requirements, parts),
        insufficient_evidence=insufficient,
        conflicting_hard_evidence=conflict,
        declared=checks,
        relaxed=relaxed,
        memory=memory,
        scale=run_scale(sizing),
    )


def _memory_requirement(memory: MemoryEstimate) -> Requirement:
    """A part that cannot hold the model state is excluded when the estimate is hard (infer/memory.py decides)."""
    strength = HARD if memory.hard else STRONG
    text = memory.requirement()
    spec = Spec("memory", strength, text, memory.bytes_per_device)
    evidence = tuple(dict.fromkeys(f"{f.path}:{f.line}" for f in memory.evidence))
    return Requirement(text, strength, "memory", evidence, Code.MODEL_DIMENSION, spec, memory.bytes_per_device)


def _candidate(entry: Entry, requirements: list[Requirement]) -> CandidateVerdict:
    reasons: list[Reason] = []
    status = CONSISTENT
    for req in requirements:
        if not req.against:
            continue
        result = req.check(entry)
        if result is False:
            reasons.append(Reason(req.constraint, req.strength, req.evidence, rule=req.rule))
            status = _worse(status, EXCLUDED if req.strength == HARD else DISFAVOURED)
        elif result is None:
            reasons.append(Reason(req.constraint + " (catalog value unknown)", req.strength, req.evidence, "unknown",
                                  req.rule))
            if req.strength == HARD:
                status = _worse(status, DISFAVOURED)  # unknown never excludes, but a hard fact left open is no match
    return CandidateVerdict(entry, status, reasons)


# The rules _insufficient reads: assess gives it a path's findings of these only (a path's scope selects them from
# its shared base once; tests/infer/test_shared_assessment.py checks the list against the whole findings).
INSUFFICIENT_READS = frozenset(TRAINING_SETUP_RULES) | {Code.COLLECTIVE_BACKEND}


def _insufficient(findings: list[Finding], requirements: list[Requirement]) -> bool:
    has_vendor = any(r.is_vendor for r in requirements)
    has_training = any(f.rule in TRAINING_SETUP_RULES and f.in_force or _when_distributed(f) for f in findings)
    return not (has_vendor and has_training)


# A collective backend set up only when the run is distributed (`if ddp:`, `if world_size > 1:`, `if
# args.distributed:`, `if num_gpus > 1:`) is the code's training set-up all the same: a distributed run is what
# the condition asks for, and a training run across devices is one.
_DISTRIBUTED_TEST = re.compile(r"\b(?:ddp|distributed|is_distributed|world_size|num_gpus|n_gpus?|ngpus?|gpus|"
                               r"num_processes|nprocs?|multi_gpu|local_rank|rank|is_initialized)\b", re.I)


def _when_distributed(finding: Finding) -> bool:
    condition = (finding.properties or {}).get("condition")
    return (finding.rule == Code.COLLECTIVE_BACKEND and finding.state is State.CONDITIONAL
            and isinstance(condition, str) and _DISTRIBUTED_TEST.search(condition) is not None)


def _vendors(catalog: Catalog, candidates: list[CandidateVerdict], requirements: list[Requirement],
             insufficient: bool, context: RepoContext, parts: EvidenceParts | None = None) -> list[VendorVerdict]:
    parts = parts or EvidenceParts(_evidence_key)
    vendor_reqs = [r for r in requirements if r.is_vendor]
    if any(r.against for r in vendor_reqs):
        # The code names its vendors: a support file's tell (a ROCm CI matrix) ranks none of them.
        vendor_reqs = [r for r in vendor_reqs if r.against]
    weights = {id(r): VENDOR_WEIGHT[r.strength] * mass(r, parts) for r in vendor_reqs}
    verdicts: list[VendorVerdict] = []
    named = sorted({v for r in vendor_reqs for v in r.vendors} - set(catalog.vendors()))
    for vendor in catalog.vendors() + named:
        own = [c for c in candidates if c.entry.vendor == vendor]
        verdict = VendorVerdict(vendor, POSSIBLE, in_catalog=bool(own))
        for req in vendor_reqs:
            weight = weights[id(req)]
            if vendor in req.vendors:
                verdict.score += weight
                verdict.reasons.append(Reason(req.constraint, req.strength, req.evidence, "supports", req.rule))
            elif req.against:
                verdict.score -= weight
                verdict.reasons.append(Reason(req.constraint, req.strength, req.evidence, "contradicts", req.rule))
        if own and all(c.status == EXCLUDED for c in own):
            verdict.status = EXCLUDED
        verdicts.append(verdict)
    if insufficient:
        _single_out_vendor(verdicts, vendor_reqs)
        return verdicts
    open_ = [v for v in verdicts if v.status != EXCLUDED and v.score > 0]
    if not open_:
        return verdicts
    best = max(v.score for v in open_)
    top = [v for v in open_ if v.score == best]
    if len(top) == 1:
        top[0].status = LIKELY
        return verdicts
    tied = frozenset(v.name for v in top)
    # The repository's other code names one of the tied vendors alone, or far more than the others (HIP
    # variables in its data scripts beside CUDA-looking training code that ROCm runs unchanged): that is the
    # hardware this code runs on too. Failing that, its containers, pins and documented commands may (a ROCm
    # fork of a CUDA framework whose only image is a ROCm one), then the parts its documents name.
    named, where, seen = None, "", {}
    for seen, where in context.tie_breakers(catalog):
        named = _outweighing(tied, seen)
        if named:
            break
    rule = TIE_BREAKS.get(tied)
    if named:
        preferred = named
        why = (f"this code fits {' and '.join(sorted(tied))} alike; the repository's {where.format(preferred)} "
               f"in {_files(seen[preferred])}"
               + "".join(f", {v} in {_files(seen[v])}" for v in sorted(tied & seen.keys() - {preferred})))
        tied_evidence = seen[preferred]
    elif rule:
        preferred, why = rule
        tied_evidence = parts.union(r.evidence for r in vendor_reqs)
    if named or rule:
        for v in top:
            if v.name == preferred:
                v.status = LIKELY
            v.reasons.append(Reason(why, WEAK, tied_evidence, "tie-break"))
    return verdicts


# A vendor the repository's code singles out in this many times the files of any other tied vendor breaks a tie.
OUTWEIGHS = 3


def _file_count(evidence: tuple[str, ...]) -> int:
    return len({e.rpartition(":")[0] for e in evidence})


def _files(evidence: tuple[str, ...]) -> str:
    count = _file_count(evidence)
    return f"{count} file" if count == 1 else f"{count} files"


def _outweighing(tied: frozenset[str], context: dict[str, tuple[str, ...]]) -> str | None:
    """The tied vendor the repository's code singles out in at least OUTWEIGHS times the files of every other
    tied vendor (any number of files against none), else None."""
    mass_of = {v: _file_count(context.get(v, ())) for v in tied}
    ranked = sorted(tied, key=lambda v: (-mass_of[v], v))
    best, rest = ranked[0], ranked[1:]
    if mass_of[best] and all(mass_of[best] >= OUTWEIGHS * mass_of[v] for v in rest):
        return best
    return None


def singled_out_vendors(findings: list[Finding]) -> dict[str, tuple[str, ...]]:
    """Vendors that strong or hard evidence of the repository's own code names alone (HIP or RCCL variables,
    Transformer Engine, `torch_npu`), each with that evidence. Support files (a ROCm CI matrix) do not count:
    they say what else the project builds for, not what its code runs on."""
    found: dict[str, set[str]] = {}
    for f in findings:
        if is_support(f):
            continue
        for req in requirements_for(f):
            if req.is_vendor and len(req.vendors) == 1 and req.strength in (HARD, STRONG):
                found.setdefault(next(iter(req.vendors)), set()).update(req.evidence)
    return {vendor: tuple(sorted(evidence, key=_evidence_key)) for vendor, evidence in found.items()}


def support_vendors(findings: list[Finding]) -> dict[str, tuple[str, ...]]:
    """Vendors that the repository's containers, pins and documented commands name alone, at any strength (a ROCm
    base image, a `/dev/kfd` pass-through, an NGC image), each with that evidence. CI set-ups are left out: a ROCm
    job beside the CUDA ones says what else a project tests on."""
    found: dict[str, set[str]] = {}
    for f in findings:
        if not is_support(f) or is_ci_path(f.path):
            continue
        for req in requirements_for(f):
            if req.is_vendor and len(req.vendors) == 1:
                found.setdefault(next(iter(req.vendors)), set()).update(req.evidence)
    return {vendor: tuple(sorted(evidence, key=_evidence_key)) for vendor, evidence in found.items()}


def documented_parts(findings: list[Finding]) -> dict[str, tuple[str, ...]]:
    """Catalog parts the repository's documents, logs and job files name anywhere, stated as used or only
    mentioned ("runs on A100, H100, ..."), each with where (first 3 places). Dead findings name nothing, and a
    vendored tree's documents are someone else's."""
    where: dict[str, list[str]] = {}
    for f in findings:
        if f.suppressed or f.state not in (State.ENABLED, State.CONDITIONAL, State.MENTIONED) or is_vendored(f):
            continue
        spec = declared_spec(f)
        for part in spec.arg if spec is not None else ():
            places = where.setdefault(part, [])
            if len(places) < 3:
                places.append(f"{f.path}:{f.line}")
    return {part: tuple(places) for part, places in where.items()}


def mass(req: Requirement, parts: EvidenceParts | None = None) -> int:
    """How much code carries a requirement: the number of distinct files of its evidence (vendors are ranked by
    the weight of their evidence, not by a single line)."""
    return max(1, (parts or EvidenceParts(_evidence_key)).file_count(req.evidence))


def _single_out_vendor(verdicts: list[VendorVerdict], vendor_reqs: list[Requirement]) -> None:
    """Without a training set-up, name a vendor only when strong or hard evidence allows that vendor alone.

    A ROCm base image, a `torch_npu` pin or a CUDA compile target list each single out one vendor; a `cuda`
    device string (NVIDIA or AMD) does not, so an inference-only repo stays undecided rather than guessed.
    """
    decisive = [r for r in vendor_reqs if len(r.vendors) == 1 and r.strength in ("hard", "strong")]
    named = {v for r in decisive for v in r.vendors}
    if len(named) != 1:
        return
    (vendor,) = named
    for verdict in verdicts:
        if verdict.name == vendor and verdict.status != EXCLUDED:
            verdict.status = LIKELY


def _disfavour_unlikely_vendors(candidates: list[CandidateVerdict], vendors: list[VendorVerdict],
                                parts: EvidenceParts | None = None) -> None:
    """When one vendor is likely, the parts of merely possible vendors are disfavoured, with the reason."""
    parts = parts or EvidenceParts(_evidence_key)
    likely = [v for v in vendors if v.status == LIKELY]
    if not likely:
        return
    status = {v.name: v for v in vendors}
    names = ", ".join(x.name for x in likely)
    # Per vendor once, shared by its parts: a reason per part each with its own copy of the vendor's evidence made
    # a verdict (and its relocated copy) grow as parts x evidence.
    said: dict[str, tuple[set[str], tuple[str, ...]]] = {}
    for c in candidates:
        v = status[c.entry.vendor]
        if v.status != POSSIBLE or c.status == EXCLUDED:
            continue
        if v.name not in said:
            against = [r for r in v.reasons if r.result in ("contradicts", "tie-break")]
            evidence = parts.union(r.evidence for r in against)
            said[v.name] = ({x.constraint for x in v.reasons}, evidence)
        constraints, evidence = said[v.name]
        if any(r.result == "fails" and r.constraint in constraints for r in c.reasons):
            continue  # a vendor requirement already disfavours it
        c.reasons.append(Reason(f"vendor: {names} likely, {v.name} only possible", WEAK, evidence))
        c.status = _worse(c.status, DISFAVOURED)


def _floors(catalog: Catalog, requirements: list[Requirement], vendors: list[VendorVerdict]) -> dict[str, Any]:
    """Per vendor, the oldest part every hard or strong architecture requirement allows, and what set it.

    A requirement that counts against no part (a support file's build targets) sets no floor either: a floor of
    Hopper beside a consistent A100 would contradict the verdict's own list."""
    floor_reqs = [r for r in requirements if r.kind in FLOOR_KINDS and r.strength in (HARD, STRONG) and r.against]
    own = [r for r in floor_reqs if not r.vendored]
    floor_reqs = own or floor_reqs  # vendored code sets a floor only where the repo's own code sets none
    out: dict[str, Any] = {}
    if not floor_reqs:
        return out
    for v in vendors:
        if v.status == EXCLUDED:
            continue
        entries = sorted(catalog.by_vendor(v.name), key=lambda e: e.generation_key)
        set_by: dict[int, Requirement] = {}
        floor: Entry | None = None
        for entry in entries:
            failing = [r for r in floor_reqs if r.check(entry) is False]
            if not failing:
                floor = entry
                break
            for r in failing:
                set_by.setdefault(id(r), r)
        if not set_by:
            continue
        cc = floor["compute_capability"] if floor else None
        out[v.name] = {
            "microarchitecture": floor.microarchitecture if floor else None,
            "compute_capability": cc,
            "gfx_target": floor.gfx_target if floor else None,
            "first_candidate": floor.id if floor else None,
            "set_by": [r.to_dict() for r in set_by.values()],
        }
    return out


def _device_class(requirements: list[Requirement], parts: EvidenceParts | None = None) -> dict[str, Any]:
    votes: dict[str, list[Requirement]] = {}
    for r in requirements:
        if r.kind == "gdr":
            votes.setdefault("datacenter", []).append(r)
        elif r.kind == "class":
            label = "datacenter" if "datacenter" in r.spec.arg else "consumer"
            votes.setdefault(label, []).append(r)
    if not votes:
        return {"class": "unknown", "strength": None, "evidence": [], "reasons": []}
    ranked = sorted(votes.items(), key=lambda kv: -max(RANK[r.strength] for r in kv[1]))
    label, reqs = ranked[0]
    top = max(RANK[r.strength] for r in reqs)
    if len(ranked) > 1 and max(RANK[r.strength] for r in ranked[1][1]) == top:
        label = "conflicting"
        reqs = [r for _, rs in ranked for r in rs]
    strength = next(s for s, n in RANK.items() if n == top)
    evidence = list((parts or EvidenceParts(_evidence_key)).union(r.evidence for r in reqs))
    return {"class": label, "strength": strength, "evidence": evidence, "reasons": [r.to_dict() for r in reqs]}


# --- facts reported as they are --------------------------------------------------------------------------------


def _interconnect(findings: list[Finding]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for f in findings:
        key = INTERCONNECT_KEYS.get(f.rule)
        if key is None or f.suppressed or f.state not in (State.ENABLED, State.DISABLED):  # in force either way
            continue
        item = out.setdefault(key, {"enabled": [], "disabled": []})
        item[f.state.value].append(f"{f.path}:{f.line} {f.value}")
    return out


def _counts(findings: list[Finding], rule: str, repo: RepoPaths | None = None) -> dict[str, Any] | None:
    """The counts of the best-standing files that give one (standing.py): a vendored tree's tests and launchers size
    someone else's runs, a tool's config or a test (`conf/model_ckpt_to_hf.yaml` converting on one device) no
    training run."""
    counting = [f for f in findings if f.rule in (rule, Code.VISIBLE_DEVICES)]
    for group in by_standing(counting, lambda f: role_of(f, repo)):
        counted = _counted(group, rule)
        if counted:
            return counted
    return None


def _counted(findings: list[Finding], rule: str) -> dict[str, Any] | None:
    values: dict[int, list[str]] = {}
    for f in findings:
        if not f.in_force:
            continue
        if f.rule == rule and isinstance(f.value, int) and not isinstance(f.value, bool):
            values.setdefault(f.value, []).append(f"{f.path}:{f.line}")
        elif rule == Code.GPUS_PER_NODE and f.rule == Code.VISIBLE_DEVICES and isinstance(f.value, str) and f.value.strip():
            count = device_count(f.value)
            if count:  # "all" names no number
                values.setdefault(count, []).append(f"{f.path}:{f.line}")
    if not values:
        return None
    out: dict[str, Any] = {"values": sorted(values), "evidence": {str(k): v for k, v in sorted(values.items())}}
    notes = [COUNT_NOTES[(rule, n)] for n in sorted(values) if (rule, n) in COUNT_NOTES]
    if notes:
        out["notes"] = notes
    return out


# --- the verdict ------------------------------------------------------------------------------------------------


# Variables that switch a whole transport off (the *_DISABLE switches of the shared variable table):
# variable -> the rule whose other settings they make moot.
MASTER_SWITCHES = {name: rule for name, (rule, kind) in ENV_EXACT.items() if kind == "off_if_true"}


def settle_master_switches(findings: list[Finding]) -> list[Finding]:
    """In a file whose last word on a master switch turns the transport off, its other settings are moot.

    `export NCCL_IB_HCA=mlx5_0` is no InfiniBand evidence in a script that also exports `NCCL_IB_DISABLE=1`:
    those findings are kept, as `mentioned`, with `properties.overridden_by` naming the switch.
    """
    last: dict[tuple[str, str], Finding] = {}
    for f in findings:
        variable = (f.properties or {}).get("variable") or f.value
        if MASTER_SWITCHES.get(variable) == f.rule and f.state in (State.ENABLED, State.DISABLED):
            key = (f.path, f.rule)
            if key not in last or f.line >= last[key].line:
                last[key] = f
    off = {key: f for key, f in last.items() if f.state is State.DISABLED}
    if not off:
        return findings
    out = []
    for f in findings:
        switch = off.get((f.path, f.rule))
        if switch is not None and f is not switch and f.state is State.ENABLED:
            props = dict(f.properties or {})
            props["overridden_by"] = f"{switch.path}:{switch.line}"
            f = f.with_changes(state=State.MENTIONED, properties=props)
        out.append(f)
    return out


# Roles whose findings constrain the verdict; the others (test, example, optional, unreached) give optional
# requirements only, never exclude and never disfavour on their own.
PATH_ROLES = frozenset({TRAINING, SUPPORT, VENDORED})


def role_of(finding: Finding, repo: RepoPaths | None) -> str:
    """The role of a finding's file: from the path analysis, else from `properties.role`, else from its path."""
    if repo is not None:
        return repo.role_of(finding.path)
    role = (finding.properties or {}).get("role")
    return role if isinstance(role, str) else path_role(finding.path)


def infer(result, settings=None, catalog: Catalog | None = None) -> Verdict:
    """The verdict for a scan result (`scan.ScanResult`); `settings` is accepted for future options."""
    catalog = catalog or load_catalog()
    repo = getattr(result, "paths", None)
    everything = settle_master_switches(documented_in_recipes([f for f in result.findings if not f.suppressed], repo))
    # A documented command left after documented_in_recipes is on its recipe's path, whatever its README's role
    # (a README under examples/ documenting the root training script): a launch file takes its path's role, but a
    # README keeps its own (documentation) for its prose and its other blocks, so its recipe's block is put on the
    # path here.
    on_path: list[Finding] = []
    off_path: list[Finding] = []
    for f in everything:
        (on_path if doc_block(f) or role_of(f, repo) in PATH_ROLES else off_path).append(f)
    if not any(r.is_vendor for f in on_path for r in requirements_for(f)) and off_path:
        # Nothing on a training path names hardware (a repository of examples or notebooks): they are its code.
        # Its tests are not: a test of an FP8 kernel on the CPU, or one that skips itself without the device,
        # sets no requirement of the repository (they stay optional, as everywhere else).
        on_path, off_path = [], []
        for f in everything:
            (off_path if role_of(f, repo) == TEST else on_path).append(f)
    findings = on_path
    files = getattr(result, "files", []) or []
    # Tools and examples count here: a data-preparation script setting HIP variables was run on the authors'
    # machines as much as the training loop was. Tests and vendored trees do not.
    own = [f for f in everything if role_of(f, repo) not in (TEST, VENDORED)]
    context = RepoContext(singled_out_vendors(own), documented_parts(everything), support_vendors(own))
    parts = EvidenceParts(_evidence_key)  # evidence tuples the paths' assessments share (shared.py)
    per_recipe = _path_assessments(findings, files, repo, catalog, context, parts)
    # A path that names no vendor (a data-preparation or GUI script, plain PyTorch) runs anywhere as far as its
    # code says: it must not widen what the paths with evidence say. Without any such path all paths count.
    evidenced = [r for r in per_recipe if has_hardware_evidence(r[2])] or per_recipe
    if len(evidenced) == 1:
        overall = evidenced[0][2]
    elif evidenced:
        overall = _merge([a for _, _, a in evidenced], [n for n, _, _ in evidenced], catalog, parts)
    else:
        overall = assess(findings, catalog, context=context, parts=parts)
    counted = {id(r) for r in evidenced}
    if any(a.declared for r in per_recipe if id(r) not in counted for a in [r[2]]):
        # A path that names no vendor widens no consistent set, but the hardware a document states may be the one
        # it ran on (a README's V100 run of the xformers recipe beside FlashAttention-2 recipes): a declaration
        # keeps the best outcome any training path gives it.
        overall = replace(overall, declared=_unique_checks([d for _, _, a in per_recipe for d in a.declared]))
    verdict = Verdict(overall, _interconnect(findings), _counts(findings, Code.GPUS_PER_NODE, repo),
                      _counts(findings, Code.NODE_COUNT, repo),
                      per_recipe)
    verdict.primary = _primary(evidenced, overall, findings, repo)
    verdict.optional_requirements = optional_requirements(off_path, repo, catalog, overall)
    verdict.conflicts = _conflicts(evidenced or [("repository", [], overall)])
    verdict.paths = repo.summary() if repo is not None else None
    evidenced_names = {name for name, _, _ in evidenced}
    agnostic = [name for name, _, _ in per_recipe if name not in evidenced_names]
    if verdict.paths is not None and agnostic:
        verdict.paths["agnostic_paths"] = agnostic[:10]
        verdict.paths["agnostic_path_count"] = len(agnostic)
    return verdict


def documented_in_recipes(findings: list[Finding], repo: RepoPaths | None) -> list[Finding]:
    """Commands of README code blocks count only in the documented recipe of a training path their block is
    (paths/roles.py): a block that installs things, runs another project's example or a tool, or sets variables
    without running a script of the repository is read and reported, but constrains nothing."""
    training = {p.name for p in repo.training} if repo is not None else set()
    return [f for f in findings if not doc_block(f) or documented_recipe_name(f) in training]


def has_hardware_evidence(assessment: Assessment) -> bool:
    """Whether a path's own code names a vendor (a vendor requirement that counts against other vendors' parts).

    A support file's vendor tell (a ROCm CI matrix) counts for its vendor and against none: it is no evidence of
    what the path's code runs on. The code's default that the path's launch overrides (LAUNCH_OVERRIDES) names
    hardware all the same: without it a documented recipe, whose own set-up is documentation and counts against no
    part, would be "naming no vendor" exactly when it sets up devices."""
    return any(r.is_vendor and (r.against or r.overridden) for r in assessment.requirements)


def _path_assessments(findings: list[Finding], files: list[str], repo: RepoPaths | None, catalog: Catalog,
                      context: RepoContext | None = None,
                      parts: EvidenceParts | None = None) -> list[tuple[str, list[str], Assessment]]:
    """One assessment per training path (launch recipes, then scripts run on their own); [] for a single scope.

    A launch recipe holds its launch file, the configs it passes, the files under its folders and the modules
    its script imports for certain; a script with a `__main__` guard or a console script holds the modules it
    imports for certain. Files no path holds are shared by all (a vendored tree's only when no path names hardware
    without them). Paths with the same files are assessed once.
    """
    recipes = find_recipes(findings, files)
    launches = {r.name for r in recipes}
    # Files that set up a run (launchers, and scripts that run the code with an environment of their own).
    launch_files = launches | {p.name for p in repo.training if p.kind == "launch"} if repo is not None else launches
    if repo is not None:
        by_name = {p.name: p for p in repo.training}
        for recipe in recipes:
            if recipe.name in by_name:
                recipe.files |= by_name[recipe.name].files
        for p in repo.training:
            if p.name not in launches:
                recipes.append(Recipe(p.name, set(p.files), set()))
    if not recipes:
        return [(name, scope_files, assess(scoped, catalog, context=context, parts=parts))
                for name, scope_files, scoped in vendor_scopes(findings)]
    runs: dict[str, list[list[Finding]]] = {}  # each recipe's findings as the runs they came in (shared lists)
    own, shared = split_by_recipe(findings, recipes, runs)
    # A vendored tree is someone else's code (standing.py: own files first, then vendored trees): its files no
    # path holds are shared only with the paths that reach the tree (an import, a launch, a config the launch
    # names), not with a launch that never touches it. Only when no path names hardware without them do they count
    # for all, as every finding does when nothing on a training path names a vendor.
    unreached = [f for f in shared if is_vendored(f)]
    shared = [f for f in shared if not is_vendored(f)]
    out = _assess_recipes(recipes, share_vendored_trees(own, unreached, recipes), shared, launches, launch_files,
                          catalog, context, parts, runs)
    if unreached and not any(has_hardware_evidence(a) for _, _, a in out):
        out = _assess_recipes(recipes, own, shared + unreached, launches, launch_files, catalog, context, parts, runs)
    return out


def _assess_recipes(recipes: list[Recipe], own: dict[str, list[Finding]], shared: list[Finding], launches: set[str],
                    launch_files: set[str], catalog: Catalog, context: RepoContext | None,
                    parts: EvidenceParts | None = None,
                    runs: dict[str, list[list[Finding]]] | None = None) -> list[tuple[str, list[str], Assessment]]:
    """Each recipe assessed on its own findings and the shared ones (paths with the same files once). `runs`: each
    recipe's findings as split_by_recipe found them, in runs (one list for all the recipes holding it; `own` may
    add a vendored tree's findings after them): recipes holding the same runs share the work on them
    (_shared_bases)."""
    out: list[tuple[str, list[str], Assessment]] = []
    seen: dict[tuple, Assessment] = {}
    memo: dict = {}
    flags: dict = {}
    held_runs = {r.name: _with_rest(runs.get(r.name, []), own[r.name]) for r in recipes} if runs is not None else {
        r.name: [own[r.name]] for r in recipes}
    paths: dict[int, tuple[list[Finding], frozenset[str]]] = {}  # per run, its files (a run is held by many)

    def held(name: str) -> frozenset[str]:
        for run in held_runs[name]:
            if id(run) not in paths:
                paths[id(run)] = (run, frozenset(map(_PATH, run)))
        return frozenset().union(*(paths[id(run)][1] for run in held_runs[name]))

    bases = _shared_bases(recipes, held_runs, shared)
    every_file = sorted(set().union(*(r.files for r in recipes)))
    for recipe in recipes:
        # A launch is assessed on its own (its flags settle its findings); other paths holding the same files once.
        key = (recipe.name, None) if recipe.name in launches else ("", held(recipe.name))
        if key not in seen:
            base = bases.get(recipe.name)
            scope = base.scope([*held_runs[recipe.name], shared]) if base is not None else None
            scope = scope or PathScope.of(own[recipe.name] + shared)
            if recipe.name in launches:
                scope = scope.resolved(lambda some, origins: resolve_in_recipe(some, recipe, flags, origins))
            seen[key] = assess(scope, catalog, memo, context, recipe if recipe.name in launch_files else None, parts)
        # Each path's files in order, picked from all the paths' files sorted once (a path holds most of a tree).
        out.append((recipe.name, list(filter(recipe.files.__contains__, every_file)), seen[key]))
    if len(out) > 1 and len({id(a) for _, _, a in out}) == 1:
        return out[:1]
    return out


def _with_rest(runs: list[list[Finding]], found: list[Finding]) -> list[list[Finding]]:
    """A recipe's runs, and what its findings hold after them (a vendored tree's findings, share_vendored_trees)."""
    held = sum(map(len, runs))
    return runs + [found[held:]] if len(found) > held else runs


def _shared_bases(recipes: list[Recipe], runs: dict[str, list[list[Finding]]],
                  shared: list[Finding]) -> dict[str, SharedBase]:
    """Per recipe, the base it shares with the recipes holding the same runs of findings (of those more than one
    recipe holds): those runs' findings and the shared ones that no launch's flags change or read
    (recipes.launch_independent). A documented command is a run of its own block's recipe, never in a base. A
    recipe whose runs no other holds alike has none."""
    holders = Counter(id(run) for lists in runs.values() for run in lists)
    groups: dict[tuple[int, ...], tuple[list[list[Finding]], list[Recipe]]] = {}
    for recipe in recipes:
        common = [run for run in runs[recipe.name] if holders[id(run)] > 1]
        groups.setdefault(tuple(map(id, common)), (common, []))[1].append(recipe)
    bases: dict[str, SharedBase] = {}
    for common, members in groups.values():
        if len(members) < 2:
            continue
        launch_paths = set().union(*({r.name, r.document, *r.configs} for r in members))
        base = SharedBase([*common, shared], functools.partial(launch_independent, launch_paths=launch_paths))
        for recipe in members:
            bases[recipe.name] = base
    return bases


def _primary(per_recipe: list[tuple[str, list[str], Assessment]], overall: Assessment,
             findings: list[Finding], repo: RepoPaths | None = None) -> dict[str, Any] | None:
    """What the authors most likely ran: the training path with the strongest set-up (the whole tree if one).

    Paths rank first by what their entry runs (paths/roles.py primary_rank: the repository's own training script
    before one in an extension folder, before a script that says neither, before sampling, evaluation, benchmarks,
    estimates, tokenizer training and kernel self-tests), then by the number of distinct set-up rules
    (TRAINING_SETUP_RULES) in force in their files, then by size. None when the best is a side activity (rank 0):
    no training run to lead with. A display choice: the paths and what they support are the same whichever leads."""
    runs = {e.path: e.runs for e in repo.entries if e.runs} if repo is not None else {}
    ranks = {p.name: p.rank for p in repo.training} if repo is not None else {}
    setup: dict[str, set[str]] = {}
    for f in findings:
        if f.in_force and f.rule in TRAINING_SETUP_RULES:
            # A documented recipe's set-up is in its own code block, not in the whole README.
            setup.setdefault(recipe_home(f), set()).add(f.rule)

    def weight(name: str, files: list[str]) -> tuple[int, int, int]:
        return (ranks[name] if name in ranks else primary_rank(runs.get(name, [name])),
                len(set().union(*(setup[p] for p in setup.keys() & {name, *files}))), len(files))

    if per_recipe:
        name, files, chosen = max(per_recipe, key=lambda r: weight(r[0], r[1]))
        if repo is not None and weight(name, files)[0] == 0:
            return None  # only samplers, evaluations, benchmarks or self-tests name hardware: no training run to name
    else:
        name, files, chosen = "repository", [], overall
    return {
        "name": name,
        "file_count": len(files),
        "vendors": [v.name for v in chosen.vendors if v.status == LIKELY],
        "architecture_floor": {k: v.get("microarchitecture") for k, v in chosen.architecture_floor.items()},
        "device_class": chosen.device_class["class"],
        "consistent": chosen.ids(CONSISTENT),
        "conflicting_hard_evidence": chosen.conflicting_hard_evidence,
    }


def _conflicts(per_recipe: list[tuple[str, list[str], Assessment]]) -> list[dict[str, Any]]:
    """Paths whose hard facts cannot hold together: inside one path, or between paths with nothing in common."""
    out: list[dict[str, Any]] = []
    for name, _files, a in per_recipe:
        if a.conflicting_hard_evidence:
            hard = [r.to_dict() for r in a.requirements if "conflicts with other hard evidence" in r.constraint
                    or "contradicted by other vendor evidence" in r.constraint]
            out.append({"paths": [name], "why": "hard facts no catalog entry meets together", "requirements": hard})
        if a.relaxed:
            # A path whose likely vendor has no part in the catalog (Intel XPU) has, of course, no part meeting its
            # evidence: say that, not only that something was set aside.
            uncatalogued = [v.name for v in a.vendors if v.status == LIKELY and not v.in_catalog]
            why = (f"its likely vendor ({', '.join(uncatalogued)}) has no part in the catalog, so " if uncatalogued
                   else "") + f"no part meets every {a.relaxed} requirement together: those were set aside"
            out.append({"paths": [name], "why": why, "set_aside": a.relaxed})
    # Paths with the same consistent parts are one side: 157 GPU launches beside 2 NPU ones are one pair of
    # alternatives (each side named by its first path, `alike` counting the others), not 314.
    sides: dict[frozenset[str], list[str]] = {}
    for name, _files, a in per_recipe:
        if a.ids(CONSISTENT):
            sides.setdefault(frozenset(a.ids(CONSISTENT)), []).append(name)
    listed = list(sides.items())
    for i, (ids, names) in enumerate(listed):
        for other, others in listed[i + 1:]:
            if not ids & other:
                pair: dict[str, Any] = {"paths": [names[0], others[0]],
                                        "why": "the paths run on disjoint hardware (alternatives)"}
                if len(names) > 1 or len(others) > 1:
                    pair["alike"] = [len(names) - 1, len(others) - 1]
                out.append(pair)
    # Hard facts that cannot hold together first, then alternatives, then evidence set aside (weak hints, an HCCL
    # timeout beside NCCL settings, last): the cap must not hide a real conflict.
    order = {None: 0, STRONG: 2, WEAK: 3}
    return sorted(out, key=lambda c: 1 if len(c["paths"]) > 1 else order[c.get("set_aside")])[:20]


# Requirement kinds worth listing as an optional path's needs (features, architectures, compile targets, vendor).
OPTIONAL_KINDS = ("feature", "arch", "cc_at_least", "gfx_in", "gfx_at_least", "cuda_arch_list", "rocm_arch_list",
                  "vendor")


def optional_requirements(off_path: list[Finding], repo: RepoPaths | None, catalog: Catalog,
                          overall: Assessment) -> list[dict[str, Any]]:
    """What tests, examples and optional modules need beyond the training path, grouped by requirement.

    Each entry: the requirement, the roles and files it comes from, and which hardware meets it (the
    microarchitectures, or the vendors for a vendor requirement). Requirements the training path already
    imposes are not repeated.
    """
    imposed = {(r.kind, r.constraint) for r in overall.requirements if r.strength in (HARD, STRONG)}
    # A file's own hard vendor facts settle its softer vendor evidence, as on a path (_settle_vendor_conflicts):
    # `use_flash_attention: True` beside `device_target: Ascend` needs no NVIDIA or AMD build.
    required = [(f, requirements_for(f)) for f in off_path]  # once per finding: both passes read them
    # A file adding compile targets under a condition has no closed list (as on a path: collect_requirements).
    open_lists = {f.path for f in off_path if f.rule in TARGET_LIST_RULES and f.state is State.CONDITIONAL}
    hard: dict[str, frozenset[str]] = {}
    for f, reqs in required:
        for req in reqs:
            if req.is_vendor and req.strength == HARD:
                hard[f.path] = hard.get(f.path, req.vendors) & req.vendors
    groups: dict[tuple, dict[str, Any]] = {}
    for f, reqs in required:
        for req in reqs:
            if req.kind not in OPTIONAL_KINDS or req.strength == WEAK or (req.kind, req.constraint) in imposed:
                continue
            if req.kind in ARCH_LIST_KINDS and f.path in open_lists:
                continue
            if req.is_vendor and req.strength != HARD and hard.get(f.path) and not (req.vendors & hard[f.path]):
                continue
            key = (req.kind, req.constraint)
            group = groups.setdefault(key, {"requirement": req.constraint, "strength": req.strength, "roles": set(),
                                            "files": set(), "req": req})
            group["roles"].add(role_of(f, repo))
            group["files"].add(f.path)
            if RANK[req.strength] > RANK[group["strength"]]:
                group["strength"] = req.strength
    out = []
    for group in groups.values():
        req = group.pop("req")
        files = sorted(group["files"])
        # Every file is kept here; the JSON report caps the list (report/verdict_json.py) unless --verbose.
        group.update(roles=sorted(group["roles"]), file_count=len(files), files=files,
                     met_by=_met_by(req, catalog))
        out.append(group)
    return sorted(out, key=lambda g: (-RANK[g["strength"]], -g["file_count"], g["requirement"]))


def _met_by(req: Requirement, catalog: Catalog) -> list[str]:
    """The hardware a requirement allows: vendors for a vendor requirement, else "vendor microarchitecture"."""
    if req.is_vendor:
        return sorted(req.vendors)
    met = []
    scope = req.spec.applies_to  # an AMD compile-target list says nothing about a TPU: it "passes" only vacuously
    for entry in sorted(catalog, key=lambda e: (e.vendor, e.generation_key)):
        if scope and entry.vendor not in scope:
            continue
        if req.check(entry) is True:
            arch = entry.microarchitecture
            label = arch if arch.startswith(entry.vendor + " ") else f"{entry.vendor} {arch}"  # not "AWS AWS Trainium"
            if label not in met:
                met.append(label)
    return met


def vendor_scopes(findings: list[Finding]) -> list[tuple[str, list[str], list[Finding]]]:
    """Without launch scripts, files whose hard vendor facts contradict each other are separate set-ups.

    Files are grouped by the vendors their hard vendor requirements allow; groups that share a vendor are
    joined. With two or more groups left, each becomes a scope holding its files and every file without hard
    vendor facts; otherwise there is one scope (returned as none).
    """
    redirect = shim_vendors(findings)
    allowed: dict[str, frozenset[str]] = {}
    for f in findings:
        if is_support(f) or is_vendored(f):
            continue
        for req in requirements_for(f, redirect):
            if req.is_vendor and req.strength == HARD:
                allowed[f.path] = allowed.get(f.path, req.vendors) & req.vendors
    groups: list[tuple[set[str], set[str]]] = []  # (vendors, files)
    for path, vendors in sorted(allowed.items()):
        touching = [g for g in groups if g[0] & vendors or not vendors]
        merged = (set(vendors), {path})
        for g in touching:
            merged[0].update(g[0])
            merged[1].update(g[1])
            groups.remove(g)
        groups.append(merged)
    if len(groups) < 2:
        return []
    common = [f for f in findings if f.path not in allowed]
    scopes = []
    for vendors, files in sorted(groups, key=lambda g: sorted(g[0])):
        own = [f for f in findings if f.path in files]
        scopes.append((f"files requiring {' or '.join(sorted(vendors))}", sorted(files), own + common))
    return scopes


def _merge(assessments: list[Assessment], names: list[str], catalog: Catalog,
           parts: EvidenceParts | None = None) -> Assessment:
    """Several recipes: each candidate and vendor keeps the best status any recipe gives it."""
    candidates: list[CandidateVerdict] = []
    for i, entry in enumerate(catalog):
        options = [(a.candidates[i], name) for a, name in zip(assessments, names)]
        best, name = min(options, key=lambda o: _CANDIDATE_ORDER[o[0].status])
        candidates.append(CandidateVerdict(entry, best.status, best.reasons, name))
    vendors: list[VendorVerdict] = []
    names_seen = list(dict.fromkeys(v.name for a in assessments for v in a.vendors))
    for vendor in names_seen:
        options = [v for a in assessments for v in a.vendors if v.name == vendor]
        best = min(options, key=lambda v: _VENDOR_ORDER[v.status])
        reasons = [r for v in options if v.status == best.status for r in v.reasons]  # why it stands where it does
        vendors.append(VendorVerdict(vendor, best.status, best.score, _unique(reasons, parts), best.in_catalog))
    # Per vendor, the lowest floor of the recipes that can run on it (what the repo as a whole needs). A recipe
    # that sets none there leaves the repo without one: its parts stay in the union, and a floor above them would
    # contradict the consistent list.
    floors: dict[str, Any] = {}
    for vendor in dict.fromkeys(v for a in assessments for v in a.architecture_floor):
        per_recipe = [a.architecture_floor.get(vendor) for a in assessments
                      if any(v.name == vendor and v.status != EXCLUDED for v in a.vendors)]
        if per_recipe and all(per_recipe):
            floors[vendor] = min(per_recipe, key=lambda floor: _floor_key(floor, catalog))
    classes = {a.device_class["class"] for a in assessments}
    device_class = assessments[0].device_class if len(classes) == 1 else {
        "class": "mixed", "strength": None, "evidence": [], "reasons": [],
        "per_recipe": {n: a.device_class["class"] for a, n in zip(assessments, names)}}
    return Assessment(
        requirements=[r for a in assessments for r in a.requirements],
        candidates=candidates,
        vendors=vendors,
        architecture_floor=floors,
        device_class=device_class,
        insufficient_evidence=all(a.insufficient_evidence for a in assessments),
        conflicting_hard_evidence=any(a.conflicting_hard_evidence for a in assessments),
        declared=_unique_checks([d for a in assessments for d in a.declared]),
    )


def _floor_key(floor: dict[str, Any], catalog: Catalog) -> tuple:
    first = floor.get("first_candidate")
    return catalog.get(first).generation_key if first else ((99, 99), 9999, "")


# A declaration judged in several recipes keeps its best outcome, as candidates keep their best status.
_OUTCOME_ORDER = {"agrees": 0, DISFAVOURED: 1, EXCLUDED: 2}


def _unique_checks(checks: list) -> list:
    """Declaration checks of several recipes: each declaration once, with the best outcome any recipe gives it."""
    best: dict[tuple, Any] = {}
    for d in checks:
        key = (d.declaration.constraint, d.declaration.evidence)
        if key not in best or _OUTCOME_ORDER[d.outcome] < _OUTCOME_ORDER[best[key].outcome]:
            best[key] = d
    return list(best.values())


def _unique(reasons: list[Reason], parts: EvidenceParts | None = None) -> list[Reason]:
    """Reasons of several recipes: the same reason once, with the evidence every recipe found for it."""
    parts = parts or EvidenceParts(_evidence_key)
    first: dict[tuple, Reason] = {}
    evidence: dict[tuple, list[tuple[str, ...]]] = {}
    for r in reasons:
        key = (r.constraint, r.strength, r.result, r.rule)
        first.setdefault(key, r)
        evidence.setdefault(key, []).append(r.evidence)
    return [Reason(r.constraint, r.strength, parts.union(evidence[k]), r.result, r.rule) for k, r in first.items()]
