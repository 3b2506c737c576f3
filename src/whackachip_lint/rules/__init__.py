"""The rule registry: every rule, by code, from the family modules."""

from __future__ import annotations

from functools import lru_cache
from typing import Iterable

from .base import Example, Rule
from . import cluster, collective, declared, kernels, launch, memory, meta, network, packages, precision

# cluster: cluster manifests (WAC701-WAC709); packages: container images and dependency pins (WAC8xx).
FAMILIES = (precision, collective, network, launch, memory, kernels, declared, meta, cluster, packages)

ALL_RULES: dict[str, Rule] = {}
for _family in FAMILIES:
    for _rule in _family.RULES:
        if _rule.code in ALL_RULES:  # pragma: no cover - caught by tests
            raise RuntimeError(f"duplicate rule code {_rule.code}")
        ALL_RULES[_rule.code] = _rule
ALL_RULES = dict(sorted(ALL_RULES.items()))


def _add_plugin_rules(registry: dict[str, Rule]) -> dict[str, Rule]:
    """Rules of installed plugins (plugins.py), marked with the plugin's name; their codes never collide."""
    from dataclasses import replace

    from .. import plugins

    for name, rules in plugins.each("rules"):
        for rule in rules:
            if rule.code not in registry:
                registry[rule.code] = replace(rule, plugin=name)
    return dict(sorted(registry.items()))


ALL_RULES = _add_plugin_rules(ALL_RULES)


def get_rule(code: str) -> Rule:
    try:
        return ALL_RULES[code.upper()]
    except KeyError:
        raise KeyError(f"unknown rule code {code!r}") from None


def tagged(*tags: str) -> frozenset[str]:
    """Codes of the rules (plugins' included) that carry any of `tags`: how the paths and the inference pick rules."""
    wanted = set(tags)
    return frozenset(code for code, rule in ALL_RULES.items() if wanted.intersection(rule.tags))


def family_codes(*families) -> frozenset[str]:
    """Codes of the rules declared in the given family modules (`rules.precision`, ...)."""
    return frozenset(rule.code for family in families for rule in family.RULES)


def matches(code: str, selectors: Iterable[str]) -> bool:
    """Ruff-style prefix match: "WAC1" selects WAC101..WAC199, "ALL" everything."""
    code = code.upper()
    for selector in selectors:
        selector = selector.strip().upper()
        if selector == "ALL" or (selector and code.startswith(selector)):
            return True
    return False


def removed_rules() -> dict[str, dict]:
    """Codes removed in an earlier release (data/removed_rules.json): never reused, still recognised."""
    from ..data import load

    return load("removed_rules.json")["codes"]


def check_selectors(selectors: Iterable[str]) -> list[str]:
    """Selectors that match no rule (a typo the user should hear about); removed codes are not typos."""
    removed = removed_rules()
    return [
        s for s in selectors
        if s.strip() and s.strip().upper() not in removed and not any(matches(c, [s]) for c in ALL_RULES)
    ]


def removed_notices(codes: Iterable[str]) -> list[str]:
    """One warning per removed code named in a selector or suppression, saying what replaced it."""
    removed = removed_rules()
    notices = []
    for code in dict.fromkeys(c.strip().upper() for c in codes):
        info = removed.get(code)
        if info is None:
            continue
        replaced = f"; use {info['replaced_by']} instead" if info.get("replaced_by") else ""
        notices.append(f"{code} was removed in wac-lint {info['removed_in']} ({info['why']}){replaced}")
    return notices


def selected_codes(select: Iterable[str] | None, ignore: Iterable[str] = ()) -> frozenset[str]:
    return _selected(tuple(select) if select else ("ALL",), tuple(ignore))


@lru_cache(maxsize=256)
def _selected(select: tuple[str, ...], ignore: tuple[str, ...]) -> frozenset[str]:
    # Cached: the scanner asks once per file, almost always with the same selectors.
    return frozenset(c for c in ALL_RULES if matches(c, select) and not matches(c, ignore))


__all__ = [
    "ALL_RULES", "Example", "Rule", "check_selectors", "family_codes", "get_rule", "matches", "removed_notices",
    "removed_rules", "selected_codes", "tagged",
]
