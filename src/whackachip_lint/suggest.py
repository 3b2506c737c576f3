""""Did you mean ...?" for names typed by hand: rule codes and names, catalog ids (targets, `wac-lint hardware`)."""

from __future__ import annotations

import difflib
from collections.abc import Iterable

MAX_SUGGESTIONS = 3
_LOOKALIKE = str.maketrans("oil", "011")


def close_matches(word: str, choices: Iterable[str]) -> list[str]:
    """Choices that contain what was typed (`h100` -> nvidia-h100-sxm...), else the closest spellings (`WAC1O1`)."""
    choices = list(dict.fromkeys(choices))
    lowered = word.strip().lower()
    if not lowered:
        return []
    same_shape = [c for c in choices if c.lower().translate(_LOOKALIKE) == lowered.translate(_LOOKALIKE)]
    if same_shape:  # O for 0, l or I for 1
        return same_shape[:MAX_SUGGESTIONS]
    containing = [c for c in choices if lowered in c.lower()]
    if containing:
        return containing[:MAX_SUGGESTIONS]
    by_lower = {c.lower(): c for c in choices}
    return [by_lower[m] for m in difflib.get_close_matches(lowered, list(by_lower), n=MAX_SUGGESTIONS, cutoff=0.6)]


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """` (did you mean X or Y?)`, or "" when nothing is close."""
    return _shown(close_matches(word, choices))


def did_you_mean_code(word: str) -> str:
    """For a selector (`--select`, `--ignore`, `select = [...]`), which takes codes and prefixes only: the codes
    of the rules whose code or name is close, a name shown beside its code (`WAC301 (bf16-precision)`), so that
    the hint is something the selector accepts."""
    from .rules import ALL_RULES

    by_name = {rule.name: code for code, rule in ALL_RULES.items()}
    shown = [f"{by_name[m]} ({m})" if m in by_name else m for m in close_matches(word, rule_choices())]
    return _shown(list(dict.fromkeys(shown)))


def _shown(matches: list[str]) -> str:
    if not matches:
        return ""
    shown = matches[0] if len(matches) == 1 else ", ".join(matches[:-1]) + " or " + matches[-1]
    return f" (did you mean {shown}?)"


def rule_choices() -> list[str]:
    from .rules import ALL_RULES

    return [*ALL_RULES, *(rule.name for rule in ALL_RULES.values())]


def catalog_choices() -> list[str]:
    from .infer.catalog import load_catalog

    return [entry.id for entry in load_catalog()]
