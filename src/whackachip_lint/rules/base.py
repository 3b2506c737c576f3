"""How a rule is declared: its code, name, signal, level, docs and own examples.

Detection lives in the extractors (one parse and one visit per file for all
rules, as Fixit batches its visitors); everything a user reads about a rule,
and the examples that test it, live in its declaration. Docs (`wac-lint rule`,
`docs/rules/*.md`) and the tests in `tests/rules/test_rules.py` are generated from
these declarations.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..evidence import Finding, Level, Span, State, Value
from .implies import Rows


@dataclass(frozen=True)
class Example:
    """A snippet scanned as a file of `kind`.

    As a positive example it must yield a finding of the rule with `state`
    (and `value`, when given). As a negative example it must yield no finding
    of the rule in force (`enabled`); `mentioned`, `disabled`, `dead` or `conditional`
    findings are allowed and are the point of many negative examples.
    """

    code: str
    kind: str = "python"
    state: State = State.ENABLED
    value: Value = None
    filename: str | None = None  # for formats recognised by name (e.g. "requirements.txt")
    note: str = ""  # why this example is here, shown in docs


@dataclass(frozen=True)
class Rule:
    code: str  # "WAC101"
    name: str  # "bf16-precision": kebab-case, stable
    signal: str  # "precision.bf16"
    title: str  # short noun phrase used in messages: "bf16 precision"
    summary: str  # one sentence: what it finds
    why: str  # why it matters for hardware inference
    level: Level = Level.NOTE
    positives: tuple[Example, ...] = ()
    negatives: tuple[Example, ...] = ()
    references: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    # How often a finding of this rule is right (SARIF `precision`: very-high, high, medium, low).
    precision: str = "high"
    # Properties an inference requirement may use; documentation only.
    notes: tuple[str, ...] = field(default=())
    # Words (lower case) a file must contain for this rule to find anything in it: the pre-filter (prefilter.py) is
    # derived from them. No words: files are never skipped for this rule.
    triggers: tuple[str, ...] = ()
    # (kind, words) where the kind's extractors read the rule more narrowly than `triggers` says; () for a kind
    # whose extractors never report the rule.
    triggers_by_kind: tuple[tuple[str, tuple[str, ...]], ...] = ()
    # What a finding in force implies for hardware (rules/implies.py): rows (value pattern, specs), first match wins.
    implies: Rows = ()
    # What a finding explicitly switched off implies (`NCCL_IB_DISABLE=1` still shows NCCL in use).
    implies_when_disabled: Rows = ()
    # For rules whose value names hardware (a job's GPU request, nvidia-smi output): how strongly that name binds
    # the run (STRONG where a scheduler or a log ties it to the run, WEAK where it is only stated). Never hard.
    names_hardware: str = ""
    # The plugin that declared the rule ("" for wac-lint's own).
    plugin: str = ""

    def triggers_for(self, kind: str) -> tuple[str, ...] | None:
        """The trigger words of this rule in files of `kind`; None when it has none (never skip)."""
        for listed, words in self.triggers_by_kind:
            if listed == kind:
                return words
        return self.triggers or None

    @property
    def family(self) -> str:
        return self.code[:4] + "xx"

    def finding(
        self, value: Value, state: State, path: str, span: Span, snippet: str, detail: str = "", properties=None
    ) -> Finding:
        """A finding of this rule, its name, signal, level and message taken from the declaration."""
        return Finding(
            rule=self.code,
            name=self.name,
            signal=self.signal,
            value=value,
            state=state,
            level=self.level,
            path=path,
            span=span,
            snippet=snippet,
            message=self.message(value, state, detail),
            properties=properties if properties is not None else {},
        )

    def message(self, value: Value, state: State, detail: str = "") -> str:
        """A message whose first sentence stands alone (SARIF and GitHub show it first)."""
        shown = "" if value is None or value is True else f" ({value})"
        text = f"{_capitalise(self.title)}{shown} {_STATE_PHRASE[state]}."
        if detail:
            text += f" {_capitalise(_capped(detail.rstrip('.')))}."
        return text


# A detail quotes code (an XLA_FLAGS value of 40 options, a long command line): past this many characters the
# message says how much it left out, so one finding cannot fill a screen; the snippet and the finding's value keep
# what the file says.
DETAIL_SHOWN = 240


def _capped(detail: str) -> str:
    if len(detail) <= DETAIL_SHOWN:
        return detail
    cut = detail[:DETAIL_SHOWN]
    space = cut.rfind(" ")
    if space > DETAIL_SHOWN // 2:  # end at a word when one ends late enough
        cut = cut[:space]
    return f"{cut} ... ({len(detail) - len(cut):,} more characters)"


_STATE_PHRASE = {
    State.ENABLED: "is in force here",
    State.CONDITIONAL: "is used only under a runtime condition here",
    State.DISABLED: "is explicitly switched off here",
    State.MENTIONED: "is only mentioned here",
    State.DEAD: "stands in code that cannot run here",
}


def _capitalise(text: str) -> str:
    """Capitalise a plain first word; leave code (`torch.bfloat16`, `bf16`, `NCCL_IB_HCA`) as written."""
    first = text.split(" ", 1)[0]
    if first.isalpha() and first.islower():
        return text[:1].upper() + text[1:]
    return text
