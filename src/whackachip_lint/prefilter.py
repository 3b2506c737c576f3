"""Cheap first pass: leave unparsed the files that cannot produce a finding.

Parsing (Python above all) is most of a scan's cost, while most files of a large
code base say nothing about hardware. Before a file is parsed, one compiled
pattern per (kind, selected rules) looks for the selected rules' trigger words
(`Rule.triggers`, declared with each rule) in its bytes. A file without any is skipped only when skipping it
changes nothing the user sees:

- it has no suppression directive (its unused directives would be reported);
- it decodes (a file that is not UTF-8 or holds NUL bytes keeps its diagnostic);
- a quick check says it parses (Python's own compiler, `json.loads`, tree-sitter
  without error nodes). When the quick check fails the file is parsed in full,
  so a broken file gets exactly the diagnostic its extractor gives.

So the pre-filter may cost a parse but never loses a finding or a diagnostic;
`tests/test_prefilter.py` checks that over every fixture and rule example.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Callable, Iterable

from .extract import Source
from .plugin_words import words_of
from .rules import ALL_RULES
from .triggers import ALWAYS, ALWAYS_PARSE_NAMES, BOUNDED, FILTERED_KINDS


_END = "\0"  # trie key: the checks (regex suffixes, "" for none) of the words that end here


def trie_regex(words: Iterable[str], bounded: Iterable[str] = (), by_frequency: str = "") -> str:
    """One alternation of `words`, factored into a prefix tree (Python's `re` scans that much faster); the `bounded`
    words match only where no letter touches them (a word of both lists anywhere). An empty word matches everywhere.

    The boundary is checked after the word, by a look-behind of its own length, so that every alternative starts
    with a literal: `re` then skips the positions whose character starts no word without entering the
    alternation (a look-behind in front of the bounded words made the gate pattern scan a third slower).

    `re` still tries the alternation at every position whose character can start it: with the words' first
    letters, nearly every letter of a source file. Given `by_frequency` (characters, most frequent first; a
    character not listed is rarer than all of them), each word is matched from its rarest character instead
    (`device` from `v`: `vice(?<=device)`, the look-behind after the literal checks the part before it), so
    positions holding common letters are skipped in C. A match then starts inside its word, on the word's line,
    which is all a line search asks (the Python gate: 40% less time over the transformers package, the same lines);
    and a word holding a shorter unbounded word is left out (a line holding it holds the shorter one)."""
    words = set(words)
    bounded = set(bounded) - words
    by_length = sorted(words | bounded, key=lambda word: (len(word), word))
    if by_frequency:
        unbounded: list[str] = []
        kept = []
        for word in by_length:
            if not any(other in word for other in unbounded):
                kept.append(word)
                if word not in bounded:
                    unbounded.append(word)
        by_length = kept
    rank = {char: index for index, char in enumerate(by_frequency)}
    trie: dict = {}
    for word in by_length:
        at = max(range(len(word)), key=lambda index: (rank.get(word[index], len(rank)), -index)) \
            if by_frequency and word else 0
        check = f"(?<={re.escape(word)})" if at else ""
        if word in bounded:
            check += f"(?<![a-z]{re.escape(word)})(?![a-z])"
        node = trie
        for char in word[at:]:
            node = node.setdefault(char, {})
        node.setdefault(_END, []).append(check)
    return _tree_regex(trie)


def _tree_regex(node: dict) -> str:
    checks = node.get(_END, [])
    if "" in checks:  # a word ends here unconditionally: any longer word through this node is redundant for `search`
        return ""
    branches = [re.escape(char) + _tree_regex(child) for char, child in sorted(node.items()) if char != _END]
    branches += checks
    if not branches:  # no words at all: the empty pattern, as an empty alternation was
        return ""
    return branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"


@lru_cache(maxsize=None)
def pattern_for(kind: str, codes: frozenset[str]) -> re.Pattern[bytes] | None:
    """The trigger pattern for files of `kind` under the selected rules; None = never skip."""
    words = words_for(kind, codes)
    return None if words is None else compile_words(words)


def words_for(kind: str, codes: Iterable[str]) -> set[str] | None:
    """The trigger words (lower case) for files of `kind` under the selected rules; None = never skip."""
    if kind not in FILTERED_KINDS:
        return None
    words = set(ALWAYS) | set(FILTERED_KINDS[kind])
    for code in codes:
        rule = ALL_RULES.get(code)
        rule_words = None if rule is None else rule.triggers_for(kind)
        if rule_words is None:
            return None
        words |= set(rule_words) | _plugin_words(code)
    return {w.lower() for w in words}


def _plugin_words(code: str) -> set[str]:
    """The words plugins added to the vocabulary (plugin_words.py) that rule `code` reports: a file holding one is
    parsed, as for the rule's own trigger words."""
    return {added.word.rstrip("*") for added in words_of(code)}


def compile_words(words: set[str], by_frequency: str = "") -> re.Pattern[bytes]:
    """One pattern finding any of `words` in lower-cased bytes (BOUNDED words only where no letter touches them);
    `by_frequency` as for `trie_regex`."""
    return re.compile(trie_regex(sorted(words - BOUNDED), sorted(words & BOUNDED), by_frequency).encode("utf-8"))


def has_trigger(data: bytes, pattern: re.Pattern[bytes]) -> bool:
    # Lower-casing once and searching case-sensitively is faster than re.IGNORECASE.
    return pattern.search(data.lower()) is not None


def may_have_findings(source: Source, codes: Iterable[str]) -> bool:
    """False only if scanning `source` in full would give no finding and no diagnostic."""
    try:
        if source.relpath.rsplit("/", 1)[-1] in ALWAYS_PARSE_NAMES:
            return True
        pattern = pattern_for(source.kind, codes if isinstance(codes, frozenset) else frozenset(codes))
        if pattern is None or has_trigger(source.data, pattern):
            return True
        text = source.text
        check = PARSES.get(source.kind)
        return check is None or not check(text)
    except Exception:  # undecodable text or anything unforeseen: the extractor path decides and reports
        return True


def _python_parses(text: str) -> bool:
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            compile(text, "<prefilter>", "exec", 0x400, dont_inherit=True)  # ast.PyCF_ONLY_AST
        except Exception:  # SyntaxError, RecursionError, MemoryError...: let the real parser decide
            return False
    return True


def _json_parses(text: str) -> bool:
    import json

    try:
        json.loads(text)
    except (ValueError, RecursionError):
        return False
    return True


def _shell_parses(text: str) -> bool:
    try:
        import tree_sitter
        import tree_sitter_bash
    except ImportError:  # pragma: no cover - both are dependencies
        return False
    try:
        return not _bash_parser(tree_sitter, tree_sitter_bash).parse(text.encode("utf-8")).root_node.has_error
    except Exception:  # a grammar/binding mismatch: let the shell extractor report it
        return False


@lru_cache(maxsize=1)
def _bash_parser(tree_sitter, tree_sitter_bash):
    return tree_sitter.Parser(tree_sitter.Language(tree_sitter_bash.language()))


# kind -> "does this text certainly parse?" A filtered kind without a check is never skipped.
PARSES: dict[str, Callable[[str], bool]] = {
    "python": _python_parses,
    "json": _json_parses,
    "shell": _shell_parses,
}

__all__ = ["compile_words", "has_trigger", "may_have_findings", "pattern_for", "trie_regex", "words_for"]
