"""paths/facts.py stops reading a Python file after the last line that can give a fact (an import, a main guard, a
test's skip) once nothing is open: it must give exactly what reading every line gives."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from whackachip_lint.paths.facts import python_facts

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
# A last line holding an evidence word that gives no fact (a comment): python_facts then reads every line before it.
LAST_EVIDENCE = "\n# import"


def python_facts_every_line(text: str) -> dict:
    """python_facts reading every line to the end: what stopping after the last evidence must agree with."""
    return python_facts(text + LAST_EVIDENCE)


def test_every_python_fixture_gives_the_same_facts():
    files = sorted(FIXTURES.rglob("*.py"))
    assert len(files) > 30
    for path in files:
        text = path.read_text(encoding="utf-8", errors="replace")
        assert python_facts(text) == python_facts_every_line(text), path


# Lines that open and close blocks, strings and parenthesised imports, with every kind of line break.
LINES = st.sampled_from([
    "import os", "import torch", "from pkg import (a,", "    b)", ")", "from . import mod", "try:", "    import apex",
    "except ImportError:", "except ValueError:", "except:", "else:", "finally:", "def f():", "    import local",
    "class C:", "if x:", "elif y:", 'if __name__ == "__main__":', "if TYPE_CHECKING:", "    pass", "x = 1",
    '"""', '    """doc', "'''", 's = """one"""', "pytest.importorskip('x')", "    pytest.skip('no')",
    "importlib.import_module('pkg.sub')", "@unittest.skip('x')", "with open(f) as g:", "    from pkg import b  # c",
    "# import commented", "    # skip", "if x: import y", "x = '__main__'", "async def g():", "        import deep",
])
BREAKS = st.sampled_from(["\n", "\n", "\n", "\r\n", "\r", "\x0c", "\u2028"])


@settings(max_examples=500, deadline=None)
@given(st.lists(st.tuples(LINES, BREAKS), max_size=25), st.booleans())
def test_generated_text_gives_the_same_facts(lines, final_break):
    text = "".join(line + brk for line, brk in lines)
    if not final_break and text:
        text = text[:-1]
    assert python_facts(text) == python_facts_every_line(text)


def test_a_handler_after_the_last_import_still_says_how_it_runs():
    text = "try:\n    import apex\n" + "x = 1\n" * 5 + "except ImportError:\n    apex = None\n" + "y = 2\n" * 5
    (item,) = python_facts(text)["imports"]
    assert item[3] == "try"
    text = text.replace("ImportError", "ValueError")
    (item,) = python_facts(text)["imports"]
    assert item[3] == "top"


def test_names_of_an_import_that_runs_on_past_the_last_evidence_are_read():
    (item,) = python_facts("from pkg import (\n    alpha,\n    beta,\n)\nx = 1\n")["imports"]
    assert item[2] == ["alpha", "beta"]


def test_the_last_evidence_line_of_the_full_reading_gives_no_fact():
    assert python_facts(LAST_EVIDENCE) == python_facts("") == {"imports": []}
    assert python_facts_every_line("import os\n") == python_facts("import os\n")


def test_a_file_without_evidence_words_has_no_facts_but_its_empty_import_list():
    assert python_facts("def f():\n    return 1\n") == {"imports": []}
    assert python_facts("") == {"imports": []}
    assert python_facts("if __name__ == '__main__':\n    f()\n") == {"imports": [], "main": True}
