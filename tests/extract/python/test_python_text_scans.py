"""The Python extractor's cheap text scans give exactly what the slower scans they replaced gave.

- `required_literals`: every match of a pattern holds one of its literals (so a text without any is skipped);
- `find_mentions` runs a word pattern only on a text holding one of its literals, with the same results;
- `import_lines` finds the lines the `^...` pattern under re.M found, counting lines as CPython does;
- `Lines.lines` splits at the same breaks with and without carriage returns.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from whackachip_lint.extract.python import mentions
from whackachip_lint.rules.codes import Code
from whackachip_lint.extract.python.lines import Lines
from whackachip_lint.extract.python.literals import required_literals
from whackachip_lint.extract.python.tables import FP8_DTYPE_WORD, MENTION_PATTERNS
from whackachip_lint.extract.python.visitor import import_lines


@pytest.mark.parametrize(
    ("pattern", "literals"),
    [
        (r"\b(?:bf16|bfloat16)\b", {"bf16", "bfloat16"}),
        (r"\bnccl\b|\bNCCL\b(?!_)", {"nccl", "NCCL"}),
        (r"\b(?:nv|mx)?(?:fp4|FP4)\b", {"fp4", "FP4"}),  # an optional part is not required
        (r"(?<![.\w])flash_attn_interface\b|\bFlashAttention-?3\b", {"flash_attn_interface", "FlashAttention"}),
        (r"\bTransformer ?Engine\b", {"Transformer"}),  # the longer of two required runs
        (r"\bfloat8_e[0-9]m[0-9]\w*", {"float8_e"}),  # a class ends a run
        (r"ab+c", {"ab"}),
        (r"(?<=[(\]])x\(y", {"x(y"}),  # parentheses in a look-behind's class and an escaped one
        (r"foo(?:bar|baz)?", {"foo"}),
    ],
)
def test_required_literals(pattern, literals):
    assert required_literals(pattern) == literals


@pytest.mark.parametrize(
    "pattern",
    [r"\w+", "a|", "(?:nv)?x?", "(a)", r"\1a", "a{2}", "a*?", "(?i)cuda", "[ab]", "", r"\Z", "a|(?:b|)"],
)
def test_required_literals_unknown(pattern):
    # A branch with no required literal, a capture, a reference, a counted or lazy quantifier, inline flags.
    assert required_literals(pattern) is None


_ATOMS = st.sampled_from(["a", "b", "ab", "\\b", "\\w", "[ab]", ".", "\\-", "-", "(?!a)", "(?<=b)", "(?:a|b)",
                          "(?:ab|ba)"])
_QUANTIFIERS = st.sampled_from(["", "", "?", "*", "+"])


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.lists(st.tuples(_ATOMS, _QUANTIFIERS), min_size=1, max_size=5), min_size=1, max_size=3),
    st.text(alphabet="ab- _", max_size=30),
)
def test_every_match_holds_a_required_literal(branches, text):
    pattern = "|".join("".join(atom + quantifier for atom, quantifier in branch) for branch in branches)
    try:
        compiled = re.compile(pattern)
    except re.error:
        return
    literals = required_literals(pattern)
    if literals is None:
        return
    for match in compiled.finditer(text):
        assert any(literal in match.group(0) for literal in literals), (pattern, text, match)


def _mentions_unanchored(text: str) -> list:
    """What `find_mentions` gives, every pattern run on every text (as before the literals skipped some)."""
    found = [(rule, value, m.start(), m.end(), m.group(0))
             for pattern, rule, value in MENTION_PATTERNS for m in pattern.finditer(text)]
    found += [(Code.FP8_DTYPE, m.group(0), m.start(), m.end(), m.group(0)) for m in FP8_DTYPE_WORD.finditer(text)]
    return found


@pytest.mark.parametrize(
    "text",
    [
        "trained in bf16 and FP8 over NCCL",
        "NCCL_x is not a mention of NCCL itself; hccl gloo",
        "nvfp4 and MXFP4, Transformer Engine, TransformerEngine, transformer_engine",
        "flash_attn_interface (FlashAttention-3) then flash_attn and FlashAttention2",
        "torch.float8_e4m3fn and float8_e5m2 and torch_npu torch_xla",
        "nothing here at all",
        "",
    ],
)
def test_find_mentions_gives_what_every_pattern_gives(text):
    assert list(mentions.find_mentions(text)) == _mentions_unanchored(text)


def test_a_word_pattern_runs_only_on_a_text_holding_its_literals(monkeypatch):
    ran = []

    class Watched:
        def __init__(self, pattern):
            self.pattern = pattern

        def finditer(self, text):
            ran.append(self.pattern.pattern)
            return self.pattern.finditer(text)

    anchored = tuple(((Watched(p), anchors), rule, value) for (p, anchors), rule, value in mentions._ANCHORED)
    monkeypatch.setattr(mentions, "_ANCHORED", anchored)
    assert [word for *_, word in mentions.find_mentions("a long docstring about gloo")] == ["gloo"]
    assert ran == [r"\bgloo\b"]


def _import_lines_by_caret(text: str) -> list[int]:
    """The scan `import_lines` replaced: `^` under re.M, lines counted as CPython counts them."""
    found, line, counted = [], 1, 0
    for match in re.finditer(r"^[ \t]*(?:import|from)[ \t\\(]", text, re.M):
        line += text.count("\n", counted, match.start()) + text.count("\r", counted, match.start())
        line -= text.count("\r\n", counted, match.start())
        counted = match.start()
        found.append(line)
    return found


@pytest.mark.parametrize(
    "text",
    [
        "import os\nfrom x import y\n  import z\nx = 1 # import no\n\timport(a)\nfrom\\\n  b import c\n",
        "x = 1\r\nimport os\r\nfrom a import b\rimport c\n import d",
        "from(x) import y\nimportlib = 1\nfromage = 2\n\nimport e",
        "",
    ],
)
def test_import_lines(text):
    assert import_lines(text) == _import_lines_by_caret(text)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["import a", "from b", " ", "\t", "\n", "\r\n", "\r", "x", "(", "\\"]), max_size=25))
def test_import_lines_property(parts):
    text = "".join(parts)
    assert import_lines(text) == _import_lines_by_caret(text)


@pytest.mark.parametrize("text", ["a\nb\n", "a\r\nb\rc\n", "", "\n\n", "x = 'é'\ny"])
def test_lines_split_at_the_same_breaks(text):
    assert Lines(text).lines == re.split(r"\r\n|\r|\n", text)


def test_fields_the_walk_skips_never_hold_nodes():
    # `child_fields` leaves out fields by name: check them on real code in every statement and expression form.
    import ast
    from pathlib import Path

    from whackachip_lint.extract.python.walk import _NEVER_NODES

    sources = [path.read_text(encoding="utf-8") for path in Path(ast.__file__).parent.glob("[a-t]*.py")]
    sources.append("match x:\n case {'a': [b, *c]} | C(d=e) if f: g = f'{h!r:>{i}}'\nasync def j():\n"
                   " async with k as l: await m\n async for n in o: yield p\nq: int = lambda r, /, *s, t=1, **u: 0\n"
                   "try:\n pass\nexcept* E as v:\n global w\n")
    seen = 0
    for source in sources:
        try:
            tree = ast.parse(source)
        except SyntaxError:
            continue
        for node in ast.walk(tree):
            for name in node._fields:
                value = getattr(node, name, None)
                values = value if isinstance(value, list) else [value]
                if name in _NEVER_NODES or type(node) is ast.Constant:
                    seen += 1
                    assert not any(isinstance(item, ast.AST) and not isinstance(item, (
                        ast.expr_context, ast.boolop, ast.operator, ast.unaryop, ast.cmpop)) for item in values), name
    assert seen > 10000


def _matches_by_scan(name, patterns):
    """`names.matches` as it was: every pattern tried in turn."""
    if not name:
        return False
    return any(name.endswith(p[1:]) if p.startswith("*.") else name == p for p in patterns)


def _lookup_by_scan(name, patterns):
    if not name:
        return None
    if name in patterns:
        return patterns[name]
    return next((v for p, v in patterns.items() if p.startswith("*.") and name.endswith(p[1:])), None)


_NAMES = st.sampled_from(["torch", "torch.cuda", "x.cuda", "cuda", "a.b.cuda", "*.cuda", "npu", "x.npu", "", "b"])


@settings(max_examples=300, deadline=None)
@given(st.lists(_NAMES, max_size=6, unique=True), st.lists(st.sampled_from("pqr"), min_size=6, max_size=6), _NAMES)
def test_table_matching_is_a_scan_of_the_patterns(patterns, values, name):
    from whackachip_lint.extract.python.names import lookup, matches

    table = dict(zip(patterns, values))
    assert matches(name, tuple(patterns)) == _matches_by_scan(name, patterns)
    assert lookup(name, table) == _lookup_by_scan(name, table)


def test_a_table_that_grows_is_split_again():
    from whackachip_lint.extract.python.names import lookup

    table = {"torch.cuda": "a"}
    assert lookup("x.npu", table) is None
    table["*.npu"] = "b"
    assert lookup("x.npu", table) == "b"


# -- the gate's pattern: anchored at each word's rarest character, the same lines as the prefix tree -----------


def _gate_words() -> tuple[set[str], set[str]]:
    from whackachip_lint.extract.python.gate import _TEXT_FAMILIES, table_words
    from whackachip_lint.prefilter import words_for
    from whackachip_lint.rules import family_codes
    from whackachip_lint.triggers import BOUNDED

    words = (words_for("python", family_codes(*_TEXT_FAMILIES)) or set()) | table_words()
    return words, BOUNDED & words


def _lines_by_prefix_tree(text: str) -> list[int]:
    """The gate as it was: the pre-filter's prefix-tree pattern of the same words."""
    from whackachip_lint.extract.python.gate import lines_matching
    from whackachip_lint.prefilter import compile_words

    return lines_matching(text, compile_words(_gate_words()[0]), lower=True)


def _gate_texts() -> list[str]:
    from pathlib import Path

    from whackachip_lint.rules import ALL_RULES

    from .test_python_extractor import GATE_SAMPLES

    texts = list(GATE_SAMPLES)
    texts += [e.code for rule in ALL_RULES.values() for e in rule.positives + rule.negatives if e.kind == "python"]
    texts += [p.read_text(encoding="utf-8") for p in sorted(Path(__file__).parents[2].joinpath("fixtures").rglob("*.py"))]
    return texts


def test_gate_lines_equal_the_prefix_tree_lines_on_every_sample():
    from whackachip_lint.extract.python.gate import hot_lines

    texts = _gate_texts()
    assert len(texts) > 150
    for text in texts:
        assert hot_lines(text) == _lines_by_prefix_tree(text), text[:200]


@settings(max_examples=400, deadline=None)
@given(st.data())
def test_gate_lines_equal_the_prefix_tree_lines(data):
    from whackachip_lint.extract.python.gate import hot_lines

    words = sorted(_gate_words()[0])
    # Words, their pieces and what can touch them: letters (bounded words), separators, line breaks, upper case.
    pieces = st.one_of(st.sampled_from(words), st.sampled_from(words).map(lambda w: w[: len(w) // 2]),
                       st.sampled_from(words).map(lambda w: w[len(w) // 2 :].upper()),
                       st.sampled_from(["a", "x", "_", ".", " ", "\n", "\r\n", "(", "-", "é"]))
    text = "".join(data.draw(st.lists(pieces, max_size=12)))
    assert hot_lines(text) == _lines_by_prefix_tree(text)


def _anchored_regex(words: set[str], bounded: set[str]) -> str:
    from whackachip_lint.extract.python.gate import _BY_FREQUENCY
    from whackachip_lint.prefilter import trie_regex

    return trie_regex(words, bounded, by_frequency=_BY_FREQUENCY)


def test_anchored_regex_matches_from_the_rarest_character():
    # `device` is left out (a line holding it holds `dev`); `npu` counts only where no letter touches it.
    regex = _anchored_regex({"device", "dev"}, {"npu"})
    assert regex == "(?:u(?<=npu)(?<![a-z]npu)(?![a-z])|v(?<=dev))"
    pattern = re.compile(regex.encode())
    assert pattern.search(b"my_device") and pattern.search(b"torch_npu") and pattern.search(b"npu:0")
    assert not pattern.search(b"input") and not pattern.search(b"npus") and not pattern.search(b"de\nv")
    # A bounded word holding a shorter unbounded one is left out, an unbounded one holding a bounded one is not.
    assert _anchored_regex({"npux"}, {"npu"}) == "(?:u(?<=npu)(?<![a-z]npu)(?![a-z])|x(?<=npux))"
    assert _anchored_regex({"np"}, {"npu"}) == "p(?<=np)"


def test_anchored_regex_edge_words():
    from whackachip_lint.extract.python.gate import lines_matching
    from whackachip_lint.prefilter import trie_regex

    text = "a.b(c)\nx-y é\n\nplain\nXY\n"
    for words, bounded in (({".b(", "x-y"}, set()), ({"é"}, set()), ({"xy"}, {"x"}), ({"ain", "pl"}, set())):
        pattern = re.compile(_anchored_regex(words, bounded).encode())
        old = re.compile(trie_regex(sorted(words), sorted(bounded)).encode())
        assert lines_matching(text, pattern, lower=True) == lines_matching(text, old, lower=True), words
    # An empty word matches everywhere, from any character; the gate leaves it out (it names nothing).
    assert _anchored_regex({"", "cuda"}, set()) == trie_regex(["", "cuda"]) == ""


def test_the_gate_leaves_out_an_empty_word(monkeypatch):
    from whackachip_lint import prefilter
    from whackachip_lint.extract.python import gate

    words_for = prefilter.words_for
    monkeypatch.setattr(prefilter, "words_for", lambda kind, codes: (words_for(kind, codes) or set()) | {""})
    gate.gate_pattern.cache_clear()
    try:
        assert gate.hot_lines("x = 1\ny = 'cuda'\n") == [2]
    finally:
        gate.gate_pattern.cache_clear()
