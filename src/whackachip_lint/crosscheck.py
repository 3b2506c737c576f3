"""Declared hardware checked against the code: WAC714 when a declaration names parts the code cannot run on.

Runs after extraction over a set of findings (one file's in `scan_source`, the whole repo's in `scan`, there after
the path analysis: a declaration describes one run, so where the repository has training paths it contradicts the
code only when every path holds a requirement it fails):
for each declaration in force (WAC710 job request, WAC712 stated in docs, WAC713 nvidia-smi output) that
names catalog parts and is not in a vendored tree (someone else's run), and each capability requirement in force
of the repo's own code within that declaration's scope (`scope_of`: its folder, or the parent of a docs, logs,
scripts or notebooks folder; vendored code, tests and a README's commands for a cloned project are left out, and a
job request is judged by no other launch command's flags), a WAC714 warning stands at the declaration when every
part the declaration could denote definitely lacks what the code requires. Unknown facts (null in the catalog)
never contradict.

The requirements come from the inference (`infer.constraints.requirements_for`): hard non-vendor ones (FP8/FP4
compute, compile targets without PTX...) and strong ones on the chip's own capabilities (FlashAttention-2 needs
Ampere, native bf16), checked against the catalog. Vendor requirements are left out on purpose: repos with
parallel GPU and NPU recipes would contradict themselves (the verdict still lists such a declaration under
`conflicts`, see `infer/declared.py`). System-level hints (network settings, device counts) are left out too: a
copied launch script says little about the chip.
"""

from __future__ import annotations

from typing import AbstractSet, Callable, Iterable, Sequence

from .evidence import Finding, State
from .paths.roles import SUPPORT, is_test_path
from .rules import ALL_RULES, tagged
from .rules.codes import Code

DECLARING = frozenset({Code.JOB_GPU_REQUEST, Code.DECLARED_HARDWARE, Code.NVIDIA_SMI_OUTPUT})
CONTRADICTION = Code.DECLARED_HARDWARE_CONTRADICTION
# The property of a contradiction that names the code location it conflicts with (quoted in the message too).
CONFLICTS_WITH = "conflicts_with"
# Code evidence only, selected by tag: not declarations (job requests, docs, cluster manifests), not images or
# package pins, not the suppression rule. A plugin's rules are code evidence unless they carry one of these tags.
NOT_CODE_TAGS = ("declared", "image", "dependencies", "meta")
CODE_RULES = frozenset(ALL_RULES) - tagged(*NOT_CODE_TAGS)

Check = Callable[[str], "bool | None"]
# Folders that hold documentation, logs, job scripts or notebooks about the code beside them (compared lower-case).
SPEAKS_FOR_PARENT = frozenset({
    "doc", "docs", "documentation", "log", "logs", "script", "scripts", "slurm", "sbatch", "jobs", "job", "launch",
    "launcher", "launchers", "notebook", "notebooks", "examples", "example", "run", "runs", "recipes", "recipe",
    "results", "outputs", "assets", "tools", "bin", "configs", "config",
})


def contradictions(findings: Iterable[Finding], paths: Sequence[AbstractSet[str]] = ()) -> list[Finding]:
    """New WAC714 findings for `findings` (not including any already among them). `paths`: the files of each
    training path (paths/roles.py), when known: a declaration describes one run, so it contradicts the code only
    when every training path holds a requirement it fails (a README's V100 run of the xformers recipe is no
    contradiction of the FlashAttention-2 recipes beside it); a support file on no training path counts for every
    path, code no training path runs for none (its findings carry their roles by then)."""
    findings = list(findings)
    on_a_path = set().union(*paths) if paths else set()
    declared = [
        f for f in findings
        if f.rule in DECLARING and f.in_force and f.properties.get("catalog_ids") and not f.properties.get("vendored")
    ]
    if not declared:
        return []
    # A README's commands after a `git clone` build or run the cloned project (doc_commands: `other_project`), such
    # as an install of DeepSpeed for one compute capability: no requirement of this repository's code.
    code = [
        f for f in findings
        if f.rule in CODE_RULES and f.in_force and not f.properties.get("vendored")
        and not f.properties.get("other_project")
    ]
    requirements = _requirements(code, findings)
    if not requirements:
        return []
    existing = {(f.path, f.span, f.value) for f in findings if f.rule == CONTRADICTION}
    out = []
    for declaration in declared:
        if (declaration.path, declaration.span, declaration.value) in existing:
            continue
        ids = str(declaration.properties["catalog_ids"]).split()
        scope = scope_of(declaration.path)
        # A notebook's cell output records the machine that notebook ran on (a Colab demo's T4), not the training
        # run: it speaks for that notebook's own code only.
        own_output = "output_line" in declaration.properties
        # A job request speaks for its own job: the flags another launch command passes (`--bf16` in a sibling
        # job script for bigger GPUs) are that job's settings, not this one's.
        own_job = declaration.rule == Code.JOB_GPU_REQUEST
        # A test exercises an option (a bf16 DeepSpeed config, an FP8 case); it is no run a declaration describes.
        from_tests = is_test_path(declaration.path)
        failed: list[tuple[str, Finding]] = []
        for label, check, evidence in requirements:
            if own_output and evidence.path != declaration.path:
                continue
            if own_job and evidence.path != declaration.path and evidence.properties.get("launcher"):
                continue
            if not from_tests and is_test_path(evidence.path):
                continue
            if in_scope(evidence.path, scope) and all(check(i) is False for i in ids):
                failed.append((label, evidence))
                if not paths:
                    break
        if failed and all(any(_on_path(e, files, on_a_path) for _, e in failed) for files in paths):
            out.append(_finding(declaration, *failed[0]))
    return out


def _on_path(evidence: Finding, files: AbstractSet[str], on_a_path: AbstractSet[str]) -> bool:
    """Whether a requirement binds a training path's run: its file is on the path, or is a support file on no path
    (a config or container every path shares). Code no training path runs (unreached, optional, examples) binds
    none, as in the verdict."""
    return evidence.path in files or (evidence.path not in on_a_path and evidence.properties.get("role") == SUPPORT)


def scope_of(path: str) -> str:
    """The folder whose code a declaration in `path` speaks for: its own folder, or, from a folder of docs, logs,
    job scripts or notebooks, the folder above (repeatedly). "" is the scanned root.

    So a root README covers the whole repo, `docs/` and `logs/` speak for their parent, and in a tree holding
    several projects side by side one project's README does not judge another project's code.
    """
    parts = path.split("/")[:-1]
    while parts and parts[-1].lower() in SPEAKS_FOR_PARENT:
        parts.pop()
    return "/".join(parts)


def in_scope(path: str, scope: str) -> bool:
    return not scope or path.startswith(scope + "/")


def _requirements(code: list[Finding], findings: list[Finding]) -> list[tuple[str, Check, Finding]]:
    """The capability requirements of the code, each with the finding that shows it. Compile targets named in one
    file are one list, judged as the verdict judges them (infer.engine): a part runs the build if any target runs
    on it, and the list of a file that adds targets under a condition (among `findings`) requires nothing."""
    from .infer.catalog import load_catalog  # imported here: only a scan with declarations in force needs it
    from .infer.constraints import requirements_for
    from .infer.engine import FLOOR_KINDS, TARGET_LIST_RULES, _union_target_lists

    catalog = load_catalog()
    open_lists = {f.path for f in findings if f.rule in TARGET_LIST_RULES and f.state is State.CONDITIONAL}
    shown_by: dict[str, Finding] = {}  # "path:line" -> the finding there (a target list's evidence)
    requirements = []
    for finding in code:
        for req in requirements_for(finding):
            if req.is_vendor:
                continue
            if req.strength == "hard" or (req.strength == "strong" and req.kind in FLOOR_KINDS):
                requirements.append(req)
                shown_by.setdefault(f"{finding.path}:{finding.line}", finding)
    return [(f"{req.constraint} ({req.strength})", _catalog_check(catalog, req), shown_by[req.evidence[0]])
            for req in _union_target_lists(requirements, open_lists)]


def _catalog_check(catalog, req) -> Check:
    def check(catalog_id: str) -> bool | None:
        return req.check(catalog.get(catalog_id)) if catalog_id in catalog else None

    return check


def _finding(declaration: Finding, label: str, evidence: Finding) -> Finding:
    from .rules import ALL_RULES

    rule = ALL_RULES[CONTRADICTION]
    where = f"{evidence.path}:{evidence.line}"
    detail = f"the code requires: {label} at {where}; {declaration.value} does not meet it"
    # Where in a notebook, too ("cell 1:output:6"): the span alone points into the .ipynb's JSON.
    props = {
        key: declaration.properties[key]
        for key in ("gpu", "vendor", "catalog_ids", "cell", "cell_line", "output_line", "cell_column")
        if key in declaration.properties
    }
    props.update({"declared_by": declaration.rule, "requirement": label, CONFLICTS_WITH: where})
    return rule.finding(
        declaration.value, State.ENABLED, declaration.path, declaration.span, declaration.snippet, detail, props
    )


__all__ = ["CONFLICTS_WITH", "CONTRADICTION", "DECLARING", "contradictions"]
