"""Work the path assessments of one verdict share (engine._assess_recipes, engine.assess).

When every launch reaches every module, each launch's findings are one large set of shared findings and a few of
its own (its launch file, its training script, the shared findings its flags settle). Merging the shared findings'
requirements again for every launch made the verdict grow as launches x findings. Instead:

- `SharedBase`: the findings a group of paths all hold that no launch's flags change or read
  (recipes.launch_independent), their requirements merged once (engine.collect_requirements), their findings of a
  rule set selected once;
- `PathScope`: one path's findings as that base plus its own findings, each own finding with its rank (how many base
  findings precede it), so the path's order of findings (which decides the first requirement of a key) is known
  without writing the whole list out for every path;
- `EvidenceParts`: an evidence tuple that extends a shared one remembers that part, so unions and file counts over
  such tuples reuse the shared work.

Each is an exact shortcut: a path's assessment is the one its whole list of findings gives
(tests/infer/test_shared_assessment.py compares them).
"""

from __future__ import annotations

from bisect import bisect_right
from operator import itemgetter
from typing import Callable, Iterable

from ..evidence import Finding

_ORDER = itemgetter(0, 1)  # (rank, 0) for a path's own finding, (index, 1) for a base one: own ones go first
# Evidence added to a shared tuple one location at a time (bisection) up to this many; more are sorted together.
_FEW = 32


class SharedBase:
    """Findings several paths hold in common, in the order each path holds them; work over them is done once.

    Built from `runs`, the lists of findings the paths hold alike (recipes.split_by_recipe gives each path its
    findings as runs, one list per run for all the paths holding it, and the shared findings last): the findings of
    the runs that `keep` accepts are the base; the others stay each path's own (`scope`)."""

    def __init__(self, runs: list[list[Finding]], keep: Callable[[Finding], bool]):
        self.findings: list[Finding] = []
        self._runs: dict[int, tuple[int, list[Finding], list[tuple[int, Finding]], int]] = {}
        for order, run in enumerate(runs):
            left: list[tuple[int, Finding]] = []  # (base findings before it, finding)
            for f in run:
                if keep(f):
                    self.findings.append(f)
                else:
                    left.append((len(self.findings), f))
            self._runs[id(run)] = (order, run, left, len(self.findings))  # the run kept: its id stays its own
        self._selected: dict[frozenset[str] | None, list[tuple[int, int, Finding]]] = {}
        self.merged: dict = {}  # per requirement context: engine's merged requirements of these findings

    def select(self, rules: frozenset[str] | None) -> list[tuple[int, int, Finding]]:
        """(index, 1, finding) for the findings of these rules (None: all), in order."""
        if rules not in self._selected:
            self._selected[rules] = [(j, 1, f) for j, f in enumerate(self.findings) if rules is None or f.rule in rules]
        return self._selected[rules]

    def scope(self, runs: Iterable[list[Finding]]) -> PathScope | None:
        """A path's findings, given as its runs, as this base and its own findings: a run of the base gives the
        findings the base left out, any other run all of its findings. None when the path does not hold every run
        of the base once, in the base's order (its scope is then its plain list). Whole runs are never read again."""
        own: list[tuple[int, Finding]] = []
        rank = 0  # base findings before the next run
        expected = 0
        for run in runs:
            known = self._runs.get(id(run))
            if known is None:
                own.extend((rank, f) for f in run)
                continue
            order, _run, left, rank = known
            if order != expected:
                return None
            expected += 1
            own.extend(left)
        return PathScope(self, own) if expected == len(self._runs) else None


class PathScope:
    """The findings of one path: a shared base (or none) and the path's own findings as (rank, finding), the rank
    being the number of base findings before it in the path's order."""

    def __init__(self, base: SharedBase | None, own: list[tuple[int, Finding]]):
        self.base = base
        self.own = own

    @classmethod
    def of(cls, findings: list[Finding]) -> PathScope:
        return cls(None, [(0, f) for f in findings])

    def select(self, rules: frozenset[str] | None = None) -> list[Finding]:
        """The path's findings of these rules (None: all), in the path's order."""
        own = [(rank, 0, f) for rank, f in self.own if rules is None or f.rule in rules]
        shared = self.base.select(rules) if self.base is not None else []
        if not shared or not own:
            return [f for _, _, f in shared or own]
        return [f for _, _, f in sorted(own + shared, key=_ORDER)]

    def resolved(self, resolve: Callable[[list[Finding], list[int]], list[Finding]]) -> PathScope:
        """The scope with its own findings settled by `resolve(findings, origins)` (recipes.resolve_in_recipe, which
        fills `origins` with the input each output comes from): the base holds none that a launch settles."""
        origins: list[int] = []
        out = resolve([f for _, f in self.own], origins)
        return PathScope(self.base, [(self.own[i][0], f) for i, f in zip(origins, out)])


class EvidenceParts:
    """Sorted evidence tuples of one verdict, with the shared tuple each extends (`extend`), for unions and file
    counts that reuse the shared part's. `key` sorts evidence (engine._evidence_key: path, then line)."""

    def __init__(self, key: Callable[[str], tuple]):
        self.key = key
        self._parts: dict[int, tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]] = {}  # id -> (it, base, more)
        self._sets: dict[int, tuple[tuple[str, ...], frozenset[str]]] = {}
        self._files: dict[int, tuple[tuple[str, ...], frozenset[str]]] = {}
        self._unions: dict[frozenset[int], tuple[list[tuple[str, ...]], tuple[str, ...]]] = {}
        self._extended: dict[tuple[frozenset[int], frozenset[str]], tuple[str, ...]] = {}

    def _set(self, evidence: tuple[str, ...]) -> frozenset[str]:
        known = self._sets.get(id(evidence))
        if known is None:  # the tuple is kept with its set: its id stays its own
            known = self._sets[id(evidence)] = (evidence, frozenset(evidence))
        return known[1]

    def extend(self, base: tuple[str, ...], more: Iterable[str]) -> tuple[str, ...]:
        """`base` (sorted) joined with `more`, sorted; `base` itself when `more` adds nothing."""
        have = self._set(base)
        extra = sorted(set(more) - have, key=self.key)
        if not extra:
            return base
        if len(extra) > _FEW:
            joined = tuple(sorted(have.union(extra), key=self.key))
        else:
            out = list(base)
            for e in extra:
                out.insert(bisect_right(out, self.key(e), key=self.key), e)
            joined = tuple(out)
        self._parts[id(joined)] = (joined, base, tuple(extra))
        return joined

    def _split(self, evidence: tuple[str, ...]) -> tuple[tuple[str, ...], tuple[str, ...]]:
        known = self._parts.get(id(evidence))
        return (known[1], known[2]) if known is not None and known[0] is evidence else (evidence, ())

    def file_count(self, evidence: tuple[str, ...]) -> int:
        """The number of distinct files of the evidence."""
        base, more = self._split(evidence)
        files = self._files.get(id(base))
        if files is None:
            files = self._files[id(base)] = (base, frozenset(e.rpartition(":")[0] for e in base))
        return len(files[1]) + len({e.rpartition(":")[0] for e in more} - files[1])

    def union(self, tuples: Iterable[tuple[str, ...]]) -> tuple[str, ...]:
        """The sorted union of several evidence tuples."""
        bases: dict[int, tuple[str, ...]] = {}
        more: set[str] = set()
        for evidence in tuples:
            base, extra = self._split(evidence)
            if len(base) > _FEW:  # a large tuple is shared by many paths: the union of those is kept
                bases[id(base)] = base
            else:
                more.update(base)
            more.update(extra)
        key = frozenset(bases)
        known = self._unions.get(key)
        if known is None:
            joined: set[str] = set().union(*bases.values())
            known = self._unions[key] = (list(bases.values()), tuple(sorted(joined, key=self.key)))
        if not more:
            return known[1]
        extended = (key, frozenset(more))  # one path's vendors ask for the same union: made once
        if extended not in self._extended:
            self._extended[extended] = self.extend(known[1], more)
        return self._extended[extended]
