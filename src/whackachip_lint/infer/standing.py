"""Where a finding stands, for the questions that prefer some of a repository's code to the rest.

Best first: the repository's own files; then vendored trees (someone else's code, copied in: it runs only where a
path reaches it, and sizes someone else's runs); then the repository's own tools and tests (a checkpoint
conversion's config on one device, a test's launch: they size no training run). A vendored tree's tool or test is
the vendored tree's (paths/roles.py gives its files the role `vendored` whatever their names).

Used by the topology (engine._counts: the counts of the best-standing files that give one) and by the training
paths (engine._path_assessments and recipes.share_vendored_trees: a vendored tree's files no path holds go only to
the paths reaching the tree, and to all only when no path names hardware without them).
"""

from __future__ import annotations

from typing import Callable, Iterable

from ..evidence import Finding
from ..paths.roles import TEST, is_tool_path
from ..vendored import is_vendored

OWN, VENDORED_TREE, TOOL_OR_TEST = 0, 1, 2  # best first
STANDINGS = (OWN, VENDORED_TREE, TOOL_OR_TEST)


def standing(finding: Finding, role: str) -> int:
    """OWN, VENDORED_TREE or TOOL_OR_TEST for a finding whose file has the role `role` (paths/roles.py)."""
    if is_vendored(finding):
        return VENDORED_TREE
    if role == TEST or is_tool_path(finding.path):
        return TOOL_OR_TEST
    return OWN


def by_standing(findings: Iterable[Finding], role_of: Callable[[Finding], str]) -> list[list[Finding]]:
    """The findings in one group per standing, best first (each group in the order given)."""
    groups: list[list[Finding]] = [[] for _ in STANDINGS]
    for f in findings:
        groups[standing(f, role_of(f))].append(f)
    return groups
