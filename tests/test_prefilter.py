"""The pre-filter skips parsing only where that changes nothing: no finding, no diagnostic, no directive lost."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from whackachip_lint import prefilter
from whackachip_lint.config import Settings
from whackachip_lint.extract import Source
from whackachip_lint.kinds import sample_name
from whackachip_lint.rules import ALL_RULES
from whackachip_lint.one_file import scan_source
from whackachip_lint.scan import scan
from whackachip_lint.triggers import ALWAYS, FILTERED_KINDS

from .conftest import REPOS
from .perf_fakes import fake_python  # noqa: F401  (fixture)

ALL_CODES = frozenset(ALL_RULES)


@pytest.fixture(autouse=True)
def _patterns_built_by_each_test():
    """`pattern_for` caches a pattern per (kind, families): each test builds the patterns it checks instead of
    reusing one an earlier test built (under mutation testing, one built before the mutant was switched on)."""
    prefilter.pattern_for.cache_clear()
    yield
    prefilter.pattern_for.cache_clear()


def source(text: str | bytes, kind: str = "python", name: str = "f.py") -> Source:
    data = text.encode("utf-8") if isinstance(text, str) else text
    return Source(Path(name), name, kind, data)


# --- the pattern -------------------------------------------------------------------------------


@given(
    st.lists(st.text(alphabet="abc_-", min_size=1, max_size=4), min_size=1, max_size=8),
    st.text(alphabet="abc_-xy", max_size=30),
)
def test_trie_pattern_finds_exactly_what_a_plain_alternation_finds(words, haystack):
    trie = re.compile(prefilter.trie_regex(words))
    plain = re.compile("|".join(re.escape(w) for w in words))
    assert bool(trie.search(haystack)) == bool(plain.search(haystack))


@given(
    st.lists(st.text(alphabet="abc_-", min_size=1, max_size=4), max_size=6),
    st.lists(st.text(alphabet="abc_-", min_size=1, max_size=4), min_size=1, max_size=6),
    st.text(alphabet="abc_-xy", max_size=30),
)
def test_trie_pattern_with_bounded_words_finds_what_an_alternation_with_boundaries_finds(words, bounded, haystack):
    # Bounded words count only where no letter touches them; the trie checks that after the word, not before it.
    trie = re.compile(prefilter.trie_regex(words, bounded))
    alternatives = ["|".join(re.escape(w) for w in words)] if words else []
    alternatives.append("(?<![a-z])(?:" + "|".join(re.escape(w) for w in bounded) + ")(?![a-z])")
    plain = re.compile("|".join(alternatives))
    assert [m.start() for m in trie.finditer(haystack)][:1] == [m.start() for m in plain.finditer(haystack)][:1]


def test_no_words_give_a_pattern_that_never_skips():
    assert re.compile(prefilter.trie_regex([])).search("anything") is not None


def test_a_rule_wakes_the_prefilter_for_the_words_plugins_add_to_it(monkeypatch):
    from whackachip_lint.plugin_words import AddedWord

    added = [AddedWord(rule="WAC101", word="MYCHIP_INDEX*", plugin="p")]  # a variable prefix ends in "*"
    monkeypatch.setattr(prefilter, "words_of", lambda code: [a for a in added if a.rule == code])
    assert "mychip_index" in prefilter.words_for("shell", ["WAC101"])
    assert not {w for w in prefilter.words_for("shell", ["WAC102"]) if "mychip" in w}


def test_trigger_words_match_in_any_case():
    pattern = prefilter.pattern_for("python", frozenset(["WAC101"]))
    assert prefilter.has_trigger(b"x = T.BFloat16", pattern)
    assert not prefilter.has_trigger(b"x = 1", pattern)


def test_every_rule_has_trigger_words():
    """A rule without words turns the pre-filter off for every scan that selects it."""
    own = [rule for rule in ALL_RULES.values() if not rule.plugin]
    missing = sorted(rule.code for rule in own if not rule.triggers)
    assert not missing, f"declare trigger words (Rule.triggers) for {missing}"
    kinds_words = [words for rule in own for _kind, words in rule.triggers_by_kind]
    assert all(word == word.lower() for rule in own for word in rule.triggers)
    assert all(word == word.lower() for words in kinds_words for word in words)


def test_every_positive_example_holds_a_trigger_word_of_its_rule():
    """Independent of how far the extractors are: an example that must fire must also pass the pre-filter."""
    for rule in ALL_RULES.values():
        for example in rule.positives:
            if example.kind not in FILTERED_KINDS:
                continue
            pattern = prefilter.pattern_for(example.kind, frozenset([rule.code]))
            assert prefilter.has_trigger(example.code.encode("utf-8"), pattern), (rule.code, example.code)


def test_every_hardware_variable_holds_a_trigger_word_of_its_rule():
    """Environment variables are read by every extractor through environment.py: its tables must pass the filter."""
    from whackachip_lint.extract import environment

    names = [(name, rule) for name, (rule, _) in environment.EXACT.items()]
    names += [(prefix + "X", rule) for prefix, (rule, _) in environment.PREFIXES.items()]
    for name, rule in names:
        for kind in ("python", "shell"):
            pattern = prefilter.pattern_for(kind, frozenset([rule]))
            assert prefilter.has_trigger(f"export {name}=1".encode(), pattern), (name, rule, kind)


def _lower(words) -> set[str]:
    return {w.lower() for w in words}


def _rule_words(code: str, kind: str) -> set[str]:
    return _lower(ALL_RULES[code].triggers_for(kind))


@pytest.mark.parametrize("kind, codes, expected", [
    ("yaml", [], None),  # a kind without a table is never skipped
    ("python", [], lambda: set(ALWAYS) | _lower(FILTERED_KINDS["python"])),
    ("json", [], lambda: set(ALWAYS) | _lower(FILTERED_KINDS["json"])),  # a kind's own words
    ("python", ["WAC101"], lambda: set(ALWAYS) | _lower(FILTERED_KINDS["python"]) | _rule_words("WAC101", "python")),
    ("python", ["WAC101", "WAC301"], lambda: set(ALWAYS) | _lower(FILTERED_KINDS["python"])
     | _rule_words("WAC101", "python") | _rule_words("WAC301", "python")),
    ("python", ["WAC101", "WAC999"], None),  # a rule without words (here: no such rule): never skip
    ("python", ["WAC999"], None),
])
def test_words_for_each_kind_and_rule(kind, codes, expected):
    assert prefilter.words_for(kind, codes) == (expected() if expected else None)


def test_the_rules_words_differ_where_the_tests_rely_on_it():
    assert _rule_words("WAC101", "python") - _rule_words("WAC301", "python")
    assert _rule_words("WAC301", "python") - _rule_words("WAC101", "python")


def test_trigger_words_are_matched_in_lower_case(monkeypatch):
    class Shouting:
        def triggers_for(self, kind):
            return ("BF16", "Amp")

    monkeypatch.setitem(prefilter.ALL_RULES, "WAC998", Shouting())
    assert prefilter.words_for("python", ["WAC998"]) == set(ALWAYS) | _lower(FILTERED_KINDS["python"]) | {"bf16", "amp"}


@pytest.mark.parametrize("words, text, found", [
    ({"bfloat16"}, b"x = torch.bfloat16", True),
    ({"bfloat16"}, b"xbfloat16y", True),  # an unbounded word matches inside another
    ({"bfloat16"}, b"float16", False),
    ({"npu"}, b"torch_npu", True),  # a bounded word: no letter may touch it
    ({"npu"}, b"npu", True),
    ({"npu"}, b"input", False),
    ({"npu"}, b"npux", False),
    ({"npu"}, b"xnpu", False),
    ({"npu"}, b"hello", False),  # only bounded words: no empty alternative that matches anything
    ({"npu", "bfloat16"}, b"npu", True),
    ({"npu", "bfloat16"}, b"bfloat16", True),
    ({"npu", "bfloat16"}, b"input", False),
    ({"bfloat16", "tf32"}, b"tf32", True),
])
def test_compile_words_matches_plain_words_anywhere_and_bounded_words_alone(words, text, found):
    assert {"npu"} <= prefilter.BOUNDED and not {"bfloat16", "tf32"} & prefilter.BOUNDED
    assert (prefilter.compile_words(words).search(text) is not None) is found


# --- what is skipped ---------------------------------------------------------------------------


def test_a_file_without_trigger_words_is_skipped():
    assert not prefilter.may_have_findings(source("import os\nprint(os.getcwd())\n"), ALL_CODES)


@pytest.mark.parametrize(
    "text",
    [
        "import torch\nx = torch.zeros(2, dtype=torch.bfloat16)\n",
        "import torch as t\ny = t.bfloat16\n",  # an alias still names the dtype
        "# bf16 was tried here\nx = 1\n",  # a comment may give a `mentioned` finding
        "x = 1  # wac-lint: disable=WAC101\n",  # a directive may be reported as unused
    ],
)
def test_a_file_with_a_trigger_word_is_parsed(text):
    assert prefilter.may_have_findings(source(text), ALL_CODES)


@pytest.mark.parametrize(
    ("data", "kind", "name"),
    [
        (b"def f(:\n    pass\n", "python", "f.py"),  # syntax error: the extractor's diagnostic must appear
        (b"x = '\xff\xfe'\n", "python", "f.py"),  # not UTF-8
        (b"x = 1\x00\n", "python", "f.py"),  # binary
        (b'{"a": 1,,}', "json", "f.json"),  # invalid JSON
        (b"if then fi fi (\n", "shell", "f.sh"),  # tree-sitter error nodes
    ],
)
def test_a_broken_file_without_trigger_words_is_still_parsed(data, kind, name):
    assert prefilter.may_have_findings(source(data, kind, name), ALL_CODES)


def test_valid_json_and_shell_without_trigger_words_are_skipped():
    assert not prefilter.may_have_findings(source(b'{"name": "demo", "items": [1, 2]}', "json", "f.json"), ALL_CODES)
    assert not prefilter.may_have_findings(source(b"echo hello\nls -l\n", "shell", "f.sh"), ALL_CODES)


def test_kinds_and_families_without_a_table_are_never_skipped():
    assert prefilter.may_have_findings(source(b"nothing here", "yaml", "f.yaml"), ALL_CODES)
    assert prefilter.may_have_findings(source(b"x = 1\n"), {"WAC999"})


def test_only_the_selected_families_words_count():
    text = "import os\nos.environ['NCCL_IB_HCA'] = 'mlx5_0'\n"
    assert prefilter.may_have_findings(source(text), {"WAC301"})
    assert not prefilter.may_have_findings(source(text), {"WAC101"})
    assert set(ALWAYS) <= set(ALL_RULES["WAC001"].triggers)


def test_a_skipped_file_gives_an_empty_result(fake_python):
    result = scan_source(source("import os\n"), Settings())
    assert result.findings == [] and result.diagnostics == []


# --- never drops: with and without, over every fixture and every rule example ---------------------


def _view(result):
    return [f.to_dict() for f in result.findings], [d.to_dict() for d in result.diagnostics]


EXAMPLES = [
    (rule.code, kind, i, example)
    for rule in ALL_RULES.values()
    for kind, examples in (("pos", rule.positives), ("neg", rule.negatives))
    for i, example in enumerate(examples)
]


@pytest.mark.parametrize(("code", "sign", "index", "example"), EXAMPLES, ids=[f"{c}-{s}{i}" for c, s, i, _ in EXAMPLES])
def test_rule_examples_give_the_same_results_with_and_without_the_prefilter(code, sign, index, example):
    name = example.filename or sample_name(example.kind)
    src = source(example.code, example.kind, name)
    on = scan_source(src, Settings(prefilter=True))
    off = scan_source(source(example.code, example.kind, name), Settings(prefilter=False))
    assert _view(on) == _view(off)


FIXTURE_REPOS = sorted(p for p in REPOS.iterdir() if p.is_dir())


@pytest.mark.parametrize("repo", FIXTURE_REPOS, ids=[p.name for p in FIXTURE_REPOS])
def test_fixture_repos_give_the_same_results_with_and_without_the_prefilter(repo):
    on = scan([repo], Settings(prefilter=True, use_cache=False, jobs=1))
    off = scan([repo], Settings(prefilter=False, use_cache=False, jobs=1))
    assert _view(on) == _view(off)


def test_a_mixed_tree_gives_the_same_results_with_and_without_the_prefilter(tmp_path, fake_python):
    """A tree the fake extractor reads: findings, a syntax error, bad bytes and a lone directive survive."""
    files = {
        "train.py": "import torch\nx = torch.zeros(1, dtype=torch.bfloat16)  # fp16 next\n",
        "plain.py": "import os\nprint(os.getcwd())\n",
        "broken.py": "def f(:\n    pass\n",
        "latin.py": b"name = '\xe9'\n",
        "directive.py": "x = 1  # wac-lint: disable=WAC101\n",
        "run.sh": "echo hello\n",
        "cfg.json": '{"name": "demo"}',
    }
    for name, text in files.items():
        path = tmp_path / name
        path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    on = scan([tmp_path], Settings(prefilter=True, use_cache=False, jobs=1))
    off = scan([tmp_path], Settings(prefilter=False, use_cache=False, jobs=1))
    assert _view(on) == _view(off)
    assert {f.rule for f in on.findings} >= {"WAC101", "WAC102"}
    assert {d.path for d in on.diagnostics} == {"broken.py", "latin.py"}


def test_setup_py_is_always_parsed():
    """Any requirement string in setup.py may be a dependency-pin finding."""
    assert prefilter.may_have_findings(source("from setuptools import setup\nsetup(name='x')\n", name="setup.py"),
                                       ALL_CODES)
    assert not prefilter.may_have_findings(source("from setuptools import setup\nsetup(name='x')\n", name="mod.py"),
                                           ALL_CODES)


def test_a_family_a_kind_never_reports_adds_no_words_for_it():
    assert not prefilter.may_have_findings(source("import torch\n"), {"WAC801"})


def test_short_words_match_only_as_whole_words():
    pattern = prefilter.pattern_for("python", frozenset(["WAC204"]))
    assert prefilter.has_trigger(b"import torch_npu", pattern)
    assert prefilter.has_trigger(b"x.to('npu:0')", pattern)
    assert not prefilter.has_trigger(b"def forward(self, input): return output", pattern)


# --- a spy: the pre-filter really keeps files away from the extractors -----------------------------------------

SPY_FILES = {
    "train.py": ("python", "import torch\nx = torch.zeros(1, dtype=torch.bfloat16)\n"),
    "plain.py": ("python", "import os\nprint(os.getcwd())\n"),
    "run.sh": ("shell", "echo hello\nls -l\n"),
    "cfg.json": ("json", '{"name": "demo", "items": [1, 2]}'),
    "broken.py": ("python", "def f(:\n    pass\n"),
}


@pytest.mark.parametrize(("enabled", "extracted"), [
    (True, ["broken.py", "train.py"]),  # no trigger word and parses: never handed to an extractor
    (False, sorted(SPY_FILES)),
], ids=["on", "off"])
def test_the_prefilter_keeps_files_without_trigger_words_from_the_extractors(monkeypatch, enabled, extracted):
    """The with/without comparisons above are trivially equal if the pre-filter never skips: this one is not."""
    from whackachip_lint import one_file

    calls = []
    real = one_file.extractors_for

    def spying(kind):
        return [lambda src, extract=extract: (calls.append(src.relpath), extract(src))[1] for extract in real(kind)]

    monkeypatch.setattr(one_file, "extractors_for", spying)
    results = {name: scan_source(source(text, kind, name), Settings(prefilter=enabled))
               for name, (kind, text) in SPY_FILES.items()}
    assert sorted(set(calls)) == extracted
    assert [f.rule for f in results["train.py"].findings] == ["WAC101"]
    assert [d.path for r in results.values() for d in r.diagnostics] == ["broken.py"]


def test_setup_py_is_always_parsed_wherever_it_is():
    text = "from setuptools import setup\nsetup(name='x')\n"
    assert prefilter.may_have_findings(source(text, name="pkg/sub/setup.py"), ALL_CODES)
    assert not prefilter.may_have_findings(source(text, name="pkg/sub/setup_helpers.py"), ALL_CODES)


def test_code_the_parser_accepts_but_the_compiler_rejects_is_still_skipped():
    """Only parsing matters (libcst reads it without a diagnostic): `break` outside a loop is a compile error."""
    assert not prefilter.may_have_findings(source("def f():\n    pass\nbreak\n"), ALL_CODES)


def _launch_option_tables():
    from whackachip_lint.extract import model_tables as tables
    from whackachip_lint.rules.codes import Code

    return [
        (tables.LAUNCH_DIMENSIONS, Code.MODEL_DIMENSION), (tables.LAUNCH_DIMENSION_SWITCHES, Code.MODEL_DIMENSION),
        (tables.LAUNCH_PARALLEL, Code.MODEL_PARALLEL_SIZE), (tables.LAUNCH_PARALLEL_SWITCHES, Code.MODEL_PARALLEL_SIZE),
        (tables.LAUNCH_MODEL_NAMES, Code.MODEL_NAME_SIZE), (tables.LAUNCH_OPTIMIZERS, Code.OPTIMIZER),
        (tables.LAUNCH_PEFT, Code.LOW_MEMORY_FINETUNE), (tables.LAUNCH_CHECKPOINTING, Code.ACTIVATION_CHECKPOINTING),
    ]


@pytest.mark.parametrize("separator", ["_", "-"])
def test_every_launch_option_the_model_tables_read_wakes_the_shell_prefilter(separator):
    """A launch script whose only evidence is one model option (`python prep.py --vocab-size 8000`) must be parsed:
    the shell extractor reads every key of these tables, spelled with either separator."""
    missing = []
    for table, rule in _launch_option_tables():
        pattern = prefilter.pattern_for("shell", frozenset([rule]))
        for key in table:
            line = f"python prep.py --{key.replace('_', separator)} 8\n"
            if not prefilter.has_trigger(line.encode(), pattern):
                missing.append((rule, line.strip()))
    assert missing == []


def test_a_launch_script_with_only_a_vocabulary_size_keeps_its_finding(tmp_path):
    script = tmp_path / "prep.sh"
    script.write_text("python prep.py --vocab-size 8000\n")
    with_filter = scan([tmp_path], Settings(prefilter=True, use_cache=False, jobs=1))
    without = scan([tmp_path], Settings(prefilter=False, use_cache=False, jobs=1))
    rows = [(f.rule, f.value, f.line) for f in with_filter.findings]
    assert rows == [("WAC506", 8000, 1)]
    assert rows == [(f.rule, f.value, f.line) for f in without.findings]
