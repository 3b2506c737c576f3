"""Findings in force -> requirements on catalog entries, each with a strength.

`hard` requirements exclude a candidate (the code cannot run there); `strong` and
`weak` ones only disfavour it. The mapping is the table `TABLE` (rule code ->
value pattern -> requirement specs), read from each rule's declaration (`Rule.implies`); the checks are a
handful of predicates over catalog properties. A check answers True, False or None (the catalog does not
know), and None never excludes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from typing import Any, Iterable

from ..evidence import Finding, State
from .catalog import Entry, load_catalog
from ..rules import ALL_RULES
from ..rules.codes import Code
from ..rules.implies import (  # noqa: F401  (re-exported: the inference's vocabulary)
    AMD, APPLE, AWS, CAMBRICON, GOOGLE, HARD, HUAWEI, INTEL, INTEL_XPU, MOORE_THREADS, NVIDIA, STRONG, WEAK, Rows, Spec,
)

STRENGTHS = (HARD, STRONG, WEAK)
RANK = {HARD: 3, STRONG: 2, WEAK: 1}

# rule code -> ((value pattern, specs), ...): what each rule declares it implies (`Rule.implies`), plus the rows
# plugins give as data (`_add_plugin_implications`). Patterns: see rules/implies.py.
TABLE: dict[str, Rows] = {code: rule.implies for code, rule in ALL_RULES.items() if rule.implies}
# Findings whose *disabled* state is itself a fact (`Rule.implies_when_disabled`): `if torch.version.hip: raise`
# refuses to run on ROCm (only an explicit refusal counts, see REFUSAL_RULES). A vendor set written "!AMD" means
# every vendor but AMD.
DISABLED_TABLE: dict[str, Rows] = {
    code: rule.implies_when_disabled for code, rule in ALL_RULES.items() if rule.implies_when_disabled
}

REFUSAL_RULES = frozenset({Code.RUNTIME_VERSION_CHECK})

# Finding properties that place the evidence off the accelerator: property -> values. A bf16 autocast on the
# host CPU (`torch.autocast("cpu", dtype=torch.bfloat16)`, extractor sets `device="cpu"`) says nothing about
# the GPU, so such findings impose no requirement.
OFF_ACCELERATOR: dict[str, frozenset[str]] = {
    "device": frozenset({"cpu"}),
}

# Declared hardware names (job requests, manifests, logs, READMEs) by signal -> how strongly the name binds
# (`Rule.names_hardware`).
DECLARED_STRENGTH: dict[str, str] = {
    rule.signal: rule.names_hardware for rule in ALL_RULES.values() if rule.names_hardware
}

# Settings that mean something only together: (rule, state) pairs -> specs.
COMBINATIONS: tuple[tuple[tuple[tuple[str, State], ...], tuple[Spec, ...]], ...] = (
    (
        ((Code.GPU_PEER_TO_PEER, State.DISABLED), (Code.INFINIBAND, State.DISABLED)),
        (Spec("class", WEAK, "NCCL P2P and InfiniBand both off: the classic consumer-GPU setting",
              ("consumer", "workstation")),),
    ),
)

# TORCH_CUDA_ARCH_LIST accepts architecture names (torch.utils.cpp_extension's named arches).
NAMED_CUDA_ARCHES = {
    "kepler": ("3.5", "3.7"), "maxwell": ("5.0", "5.2"), "pascal": ("6.0", "6.1"), "volta": ("7.0",),
    "turing": ("7.5",), "ampere": ("8.0", "8.6"), "ada": ("8.9",), "hopper": ("9.0",),
}


@dataclass(frozen=True)
class ArchTarget:
    major: int
    minor: int
    ptx: bool
    specific: bool  # "9.0a": arch-specific features, runs on exactly that capability

    def runs_on(self, cc: tuple[int, int]) -> bool:
        """CUDA binary compatibility: a cubin for X.y runs on X.z with z >= y; PTX JIT-compiles for newer."""
        if self.ptx:
            return cc >= (self.major, self.minor)
        if self.specific:
            return cc == (self.major, self.minor)
        return cc[0] == self.major and cc[1] >= self.minor


def parse_cuda_arch_list(value: str) -> list[ArchTarget]:
    targets: list[ArchTarget] = []
    for item in re.split(r"[;\s,]+", str(value).strip().strip("'\"")):
        if not item:
            continue
        ptx = item.upper().endswith("+PTX")
        core = item[:-4] if ptx else item
        names = NAMED_CUDA_ARCHES.get(core.lower())
        for text in names or (core,):
            match = re.fullmatch(r"(?:sm_|compute_)?(\d+)\.?(\d)([af]?)", text.strip())
            if not match:
                continue
            major, minor = (int(match.group(1)), int(match.group(2)))
            if "." not in text and not names:  # "90" / "sm_90"
                major, minor = divmod(int(match.group(1) + match.group(2)), 10)
            targets.append(ArchTarget(major, minor, ptx, bool(match.group(3))))
    return targets


def gfx_number(target: str) -> int:
    """An AMD gfx target as a number that orders generations: gfx908 < gfx90a < gfx942 < gfx950 (hex digits)."""
    return int(target.lower().removeprefix("gfx"), 16)


def _gfx_list(value: Any) -> set[str]:
    items = (item.split(":")[0].lower() for item in re.split(r"[;\s,]+", str(value)) if item)
    return {item for item in items if item.startswith("gfx")}


def _applies(spec: Spec, entry: Entry) -> bool:
    return not spec.applies_to or entry.vendor in spec.applies_to


def _check(spec: Spec, value: Any, entry: Entry, vendors: frozenset[str]) -> bool | None:
    if not _applies(spec, entry):
        return True
    kind = spec.kind
    if kind == "vendor":
        return entry.vendor in vendors
    if kind == "feature":
        flag = entry[spec.arg]
        return None if flag is None else bool(flag)
    if kind == "arch":
        return entry.microarchitecture in spec.arg
    if kind == "class":
        return None if entry.device_class == "unknown" else entry.device_class in spec.arg
    if kind == "gdr":
        return entry.gpudirect_rdma
    if kind == "cc_at_least":
        cc = entry.compute_capability
        return None if cc is None else cc >= tuple(spec.arg)
    if kind == "gfx_in":
        return None if entry.gfx_target is None else entry.gfx_target in spec.arg
    if kind == "gfx_at_least":
        return None if entry.gfx_target is None else gfx_number(entry.gfx_target) >= gfx_number(spec.arg)
    if kind == "declared":
        return entry.id in spec.arg
    if kind == "memory":
        from .memory import fits

        return fits(entry, spec.arg)
    if kind == "cuda_arch_list":
        targets = parse_cuda_arch_list(value)
        cc = entry.compute_capability
        if not targets or cc is None:
            return None
        return any(t.runs_on(cc) for t in targets)
    if kind == "rocm_arch_list":
        wanted = _gfx_list(value)
        if not wanted or entry.gfx_target is None:
            return None
        return entry.gfx_target in wanted
    raise ValueError(f"unknown requirement kind {kind!r}")


@dataclass(frozen=True, eq=False)
class Requirement:
    """A condition a candidate must meet, how strongly, and the lines that impose it."""

    constraint: str
    strength: str
    kind: str
    evidence: tuple[str, ...]
    rule: str
    spec: Spec = field(repr=False)
    value: Any = None
    vendors: frozenset[str] = frozenset()  # for vendor requirements: the vendors it allows
    vendored: bool = False  # from a vendored tree (someone else's code): weighed lower, sets no floor of its own
    against: bool = True  # False: counts for the vendors it allows, never against a candidate (support files)
    overridden: bool = False  # shared code's default the path's launch overrides: names hardware, counts against none

    def check(self, entry: Entry) -> bool | None:
        return _check(self.spec, self.value, entry, self.vendors)

    @property
    def is_vendor(self) -> bool:
        return self.kind == "vendor"

    def to_dict(self) -> dict[str, Any]:
        return {"constraint": self.constraint, "strength": self.strength, "evidence": list(self.evidence),
                "rule": self.rule}


def evidence_of(finding: Finding) -> tuple[str, ...]:
    """`path:line` of a finding, plus the line that resolved it when it was resolved across files."""
    where = [f"{finding.path}:{finding.line}"]
    extra = finding.properties.get("resolved_by") if finding.properties else None
    if isinstance(extra, str) and extra:
        where.extend(part for part in extra.split(",") if part)
    return tuple(where)


def _matches(pattern: str, value: Any) -> bool:
    if pattern == "*":
        return True
    if pattern.startswith(">="):
        try:
            return int(value) >= int(pattern[2:])
        except (TypeError, ValueError):
            return False
    return isinstance(value, str) and fnmatchcase(value.lower(), pattern)


def _add_plugin_implications() -> None:
    """What plugins' rules imply for hardware: rows in TABLE's shape, keyed by the plugin's own codes; and what
    the device types, backends and packages they add to the vocabulary imply, as rows of wac-lint's own rules
    (the words never collide with wac-lint's: plugin_words.py)."""
    from .. import plugins
    from ..plugin_words import added_words

    for _name, implies in plugins.each("implies"):
        for code, rows in implies.items():
            TABLE.setdefault(code, tuple((pattern, tuple(_spec(d) for d in specs)) for pattern, specs in rows))
    for added in added_words():
        if added.specs:
            TABLE[added.rule] = ((added.word, tuple(_spec(d) for d in added.specs)),) + TABLE.get(added.rule, ())


def _spec(data: dict[str, Any]) -> Spec:
    """A constraint a plugin declares as data: {"kind", "strength", "text", "vendors" or "arg"}."""
    arg = frozenset(data["vendors"]) if data["kind"] == "vendor" else data.get("arg")
    return Spec(data["kind"], data["strength"], data["text"], arg, tuple(data.get("applies_to", ())))


_add_plugin_implications()


def specs_for(rule: str, value: Any) -> tuple[Spec, ...]:
    return _first_match(TABLE.get(rule, ()), value)


def _first_match(rows, value: Any) -> tuple[Spec, ...]:
    for pattern, specs in rows:
        if _matches(pattern, value):
            return specs
    return ()


# Findings that name the platform XLA runs on: (rule, value pattern). torch-neuronx runs torch_xla on AWS Neuron.
XLA_PLATFORM_TELLS = (
    (Code.XLA_PLATFORM, "*"), (Code.VENDOR_RUNTIME_IMPORT, "torch_neuron*"),
    (Code.VENDOR_RUNTIME_IMPORT, "neuronx_distributed*"),
)

_XLA_TELL_RULES = frozenset(rule for rule, _pattern in XLA_PLATFORM_TELLS)


def xla_platform_vendors(findings: Iterable[Finding]) -> frozenset[str]:
    """Vendors named by the XLA platforms in force (`PJRT_DEVICE=CUDA` -> NVIDIA); empty when none is named."""
    vendors: set[str] = set()
    for f in findings:
        if f.rule not in _XLA_TELL_RULES:
            continue  # most findings: skipped before matching their values (once per path assessment)
        tells = any(f.rule == rule and _matches(pattern, f.value) for rule, pattern in XLA_PLATFORM_TELLS)
        if tells and f.in_force and not off_accelerator(f):
            for spec in specs_for(f.rule, f.value):
                vendors |= set(spec.arg) if spec.kind == "vendor" else set()
    return frozenset(vendors)


def requirements_for(finding: Finding, redirect_to: Iterable[str] = (),
                     xla_platforms: Iterable[str] = ()) -> list[Requirement]:
    """Requirements a finding imposes; none unless it is in force (enabled and not suppressed).

    `redirect_to` names vendors whose CUDA migration shim is in force: CUDA-looking evidence
    (the nccl backend, `cuda` devices, NCCL variables) then also allows those vendors.
    `xla_platforms` names the vendors of the XLA platforms in force (WAC208): XLA-looking evidence
    (torch_xla, `xla` devices) then points to them instead of TPU (XLA is not TPU).
    """
    if finding.state is State.DISABLED and not finding.suppressed:
        # Only an explicit refusal (the extractor says "refuses to run on ..."), not a check in a dead branch.
        if finding.rule in REFUSAL_RULES and "refuses to run on" not in finding.message.lower():
            return []
        return [_requirement(spec, finding) for spec in _first_match(DISABLED_TABLE.get(finding.rule, ()), finding.value)]
    if not finding.in_force or (finding.properties or {}).get("auto") is True:
        return []  # "auto" is filled in at run time: recipes.py settles it from the launch flags, or nothing does
    if off_accelerator(finding):
        return []
    specs = specs_for(finding.rule, finding.value)
    reqs = [_requirement(spec, finding, redirect_to, xla_platforms) for spec in specs]
    declared = declared_spec(finding)
    if declared is not None:
        reqs.append(_requirement(declared, finding))
    return reqs


def off_accelerator(finding: Finding) -> bool:
    """True when the finding's properties place it on the host, not the accelerator (see OFF_ACCELERATOR)."""
    props = finding.properties or {}
    return any(str(props.get(key, "")).lower() in values for key, values in OFF_ACCELERATOR.items())


def declared_spec(finding: Finding) -> Spec | None:
    """Hardware a finding names outright, as catalog ids; None when it names none the catalog has.

    The ids come from `properties["catalog_ids"]` (separated by spaces or commas) or, for a declared-hardware
    signal without them, from the name itself (`Catalog.ids_for_name`). The strength is DECLARED_STRENGTH's
    for the signal, else `properties["strength"]`, else weak. Never hard: a name is not a requirement of the code.
    """
    if finding.rule == Code.DECLARED_HARDWARE_CONTRADICTION:
        return None  # a contradiction repeats a declaration's names: the declaration itself counts, once
    props = finding.properties or {}
    ids = props.get("catalog_ids")
    if isinstance(ids, str) and ids.strip():
        wanted = tuple(sorted({part.lower() for part in re.split(r"[\s,]+", ids) if part}))
    elif finding.signal in DECLARED_STRENGTH and isinstance(finding.value, str):
        wanted = tuple(sorted(load_catalog().ids_for_name(finding.value)))
    else:
        return None
    if not wanted:
        return None
    strength = DECLARED_STRENGTH.get(finding.signal) or (props.get("strength") if props.get("strength") in (STRONG, WEAK)
                                                         else WEAK)
    return Spec("declared", strength, f"declared hardware: {finding.value}", wanted)


def _requirement(spec: Spec, finding: Finding, redirect_to: Iterable[str] = (),
                 xla_platforms: Iterable[str] = ()) -> Requirement:
    vendors = frozenset(spec.arg) if spec.kind == "vendor" else frozenset()
    platforms = frozenset(xla_platforms)
    if spec.xla and platforms and platforms != vendors:
        text = f"{spec.text.split(' (')[0]} (XLA on the platform in force: {', '.join(sorted(platforms))})"
        return Requirement(text, spec.strength, spec.kind, evidence_of(finding), finding.rule, spec, finding.value,
                           platforms)
    if any(v.startswith("!") for v in vendors):  # "!AMD": every vendor but AMD
        vendors = frozenset(load_catalog().vendors()) - {v[1:] for v in vendors}
    text = spec.text
    if spec.redirectable and spec.kind == "vendor":
        extra = frozenset(redirect_to) - vendors
        if extra:
            vendors |= extra
            text += f" (or {', '.join(sorted(extra))} through a CUDA migration shim)"
    if spec.kind in ("cuda_arch_list", "rocm_arch_list"):
        text = f"{text} {finding.value}"
    return Requirement(text, spec.strength, spec.kind, evidence_of(finding), finding.rule, spec, finding.value, vendors)


def combination_requirements(findings: Iterable[Finding]) -> list[Requirement]:
    """Requirements from settings that only mean something together (e.g. P2P and IB both off)."""
    live = [f for f in findings if not f.suppressed]
    out: list[Requirement] = []
    for parts, specs in COMBINATIONS:
        matched = []
        for rule, state in parts:
            hit = [f for f in live if f.rule == rule and f.state is state]
            if not hit:
                break
            matched.append(hit[0])
        else:
            evidence = tuple(e for f in matched for e in evidence_of(f))
            for spec in specs:
                out.append(Requirement(spec.text, spec.strength, spec.kind, evidence, "+".join(p[0] for p in parts),
                                       spec, None, frozenset()))
    return out
