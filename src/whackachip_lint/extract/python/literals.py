"""Literal strings one of which every match of a regular expression contains (a cheap necessary condition).

`re` cannot skip ahead through a pattern that starts with `\\b` or a look-around, so an alternation of
such patterns tries every position of a text (the mention patterns scanned docstrings at about 3 MB/s).
`str.__contains__` over a few literals costs next to nothing, and a text holding none of them cannot
match: the pattern itself then need not run. Only a small subset of the syntax is understood (literal
characters, escaped punctuation, classes (`[...]`, `.`, `\\w`...: one character, no literal), `(?:...)`
groups, `|`, the quantifiers `?` `*` `+`, `\\b` and look-arounds, which match no characters); anything
else gives None, and the caller runs the pattern.
"""

from __future__ import annotations

_LOOK_AROUNDS = ("(?=", "(?!", "(?<=", "(?<!")


class _Unsupported(Exception):
    pass


def required_literals(pattern: str) -> frozenset[str] | None:
    """Literals such that every match of `pattern` contains at least one of them; None if not known."""
    try:
        found, end = _alternation(pattern, 0)
    except (_Unsupported, IndexError):
        return None
    if end != len(pattern) or not found or "" in found:
        return None
    return frozenset(found)


def _alternation(pattern: str, index: int) -> tuple[set[str] | None, int]:
    """Parse `a|b|...` up to a closing parenthesis or the end: the union of each branch's literals."""
    union: set[str] = set()
    while True:
        found, index = _sequence(pattern, index)
        if found is None:
            raise _Unsupported  # a branch with no required literal: the whole alternation has none
        union |= found
        if index < len(pattern) and pattern[index] == "|":
            index += 1
            continue
        return union, index


def _sequence(pattern: str, index: int) -> tuple[set[str] | None, int]:
    """One branch: the best required element (the longest literal run, or a group's literals)."""
    options: list[set[str]] = []
    run = ""
    while index < len(pattern) and pattern[index] not in "|)":
        char = pattern[index]
        if pattern.startswith(_LOOK_AROUNDS, index):
            index = _skip_group(pattern, index)  # zero-width: requires no characters
            continue
        if char == "(":
            if not pattern.startswith("(?:", index):
                raise _Unsupported
            if run:
                options.append({run})
            run = ""
            found, index = _alternation(pattern, index + 3)
            if pattern[index] != ")":
                raise _Unsupported
            quantifier = _quantifier(pattern, index + 1)
            index += 2 if quantifier else 1
            if quantifier != "?" and quantifier != "*":
                options.append(found)  # required (once, or more with `+`)
            continue
        if char == "\\":
            escaped = pattern[index + 1]
            if escaped in "bBAZ":  # zero-width
                index += 2
                continue
            if escaped in "wWdDsS":  # one character of a class: ends a literal run
                index = _skip_quantifier(pattern, index + 2)
                if run:
                    options.append({run})
                run = ""
                continue
            if escaped.isalnum() or escaped == "_":
                raise _Unsupported  # a reference or an escape with a meaning of its own
            literal, index = escaped, index + 2
        elif char in "[.":  # one character of a class: ends a literal run
            index = _skip_quantifier(pattern, _skip_class(pattern, index) if char == "[" else index + 1)
            if run:
                options.append({run})
            run = ""
            continue
        elif char in "]^${}":
            raise _Unsupported
        elif char in "?*+":
            raise _Unsupported  # a quantifier on something not handled above
        else:
            literal, index = char, index + 1
        quantifier = _quantifier(pattern, index)
        if quantifier in ("?", "*"):
            index += 1
            if run:
                options.append({run})
            run = ""
        elif quantifier == "+":
            index += 1
            options.append({run + literal})
            run = ""
        else:
            run += literal
    if run:
        options.append({run})
    if not options:
        return None, index
    return max(options, key=lambda found: min(len(item) for item in found)), index


def _quantifier(pattern: str, index: int) -> str:
    if index < len(pattern) and pattern[index] in "?*+{":
        if pattern[index] == "{":
            raise _Unsupported
        if index + 1 < len(pattern) and pattern[index + 1] in "?+":
            raise _Unsupported  # lazy or possessive: not needed so far
        return pattern[index]
    return ""


def _skip_quantifier(pattern: str, index: int) -> int:
    return index + 1 if _quantifier(pattern, index) else index


def _skip_class(pattern: str, index: int) -> int:
    """The index after the character class `[...]` opening at `index`."""
    index += 1
    if pattern[index] == "^":
        index += 1
    if pattern[index] == "]":
        index += 1
    while pattern[index] != "]":
        index += 2 if pattern[index] == "\\" else 1
    return index + 1


def _skip_group(pattern: str, index: int) -> int:
    """The index after the group opening at `index` (escapes and character classes may hold parentheses)."""
    depth = 0
    while True:
        char = pattern[index]
        if char == "\\":
            index += 2
            continue
        if char == "[":
            index = _skip_class(pattern, index)
            continue
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
            if depth == 0:
                return index + 1
        index += 1
