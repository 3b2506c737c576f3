"""WAC001: `wac-lint: disable` directives that silence nothing are reported (a note), used ones are not."""

from __future__ import annotations

import pytest

from whackachip_lint.config import Settings
from whackachip_lint.evidence import State

from .conftest import scan_snippet
from .fakes import fake_python  # noqa: F401 (fixture)


def wac001(code: str, settings: Settings | None = None):
    result = scan_snippet(code, settings=settings)
    return [(f.line, f.column, f.span.end_column, f.value, f.suppressed) for f in result.findings if f.rule == "WAC001"]


@pytest.mark.usefixtures("fake_python")
def test_a_used_directive_is_not_reported():
    code = "import torch\ny = torch.bfloat16  # wac-lint: disable=WAC101\n"
    result = scan_snippet(code)
    assert [(f.rule, f.suppressed) for f in result.findings] == [("WAC101", True)]


@pytest.mark.usefixtures("fake_python")
def test_an_unused_directive_is_reported_at_the_directive():
    line = "y = 1  # wac-lint: disable=WAC101"
    assert wac001(line + "\n") == [(1, 8, len(line) + 1, "WAC101", False)]


@pytest.mark.usefixtures("fake_python")
def test_own_line_directive_covering_a_finding_is_used():
    assert wac001("# wac-lint: disable=WAC1\ny = torch.bfloat16\n") == []
    assert wac001("# wac-lint: disable=WAC1\ny = 1\n") == [(1, 1, 25, "WAC1", False)]


@pytest.mark.usefixtures("fake_python")
def test_only_the_unused_codes_of_a_directive_are_reported():
    assert wac001("y = torch.bfloat16  # wac-lint: disable=WAC101,WAC301\n") == [(1, 21, 54, "WAC301", False)]


@pytest.mark.usefixtures("fake_python")
def test_codes_of_rules_left_out_of_the_scan_are_not_judged():
    settings = Settings(select=["WAC0", "WAC3"])
    assert wac001("y = 1  # wac-lint: disable=WAC101\n", settings) == []
    assert wac001("y = 1  # wac-lint: disable=WAC999\n", settings) == [(1, 8, 34, "WAC999", False)]


@pytest.mark.usefixtures("fake_python")
def test_late_disable_file_is_reported():
    code = "import torch\n# wac-lint: disable-file=WAC101\ny = torch.bfloat16\n"
    result = scan_snippet(code)
    assert sorted((f.rule, f.line, f.suppressed) for f in result.findings) == [("WAC001", 2, False),
                                                                               ("WAC101", 3, False)]


@pytest.mark.usefixtures("fake_python")
def test_wac001_can_be_ignored_or_silenced():
    assert wac001("y = 1  # wac-lint: disable=WAC101\n", Settings(ignore=["WAC001"])) == []
    assert wac001("y = 1  # wac-lint: disable=WAC101,WAC001\n") == [(1, 8, 41, "WAC101", True)]
    assert wac001("y = 1  # wac-lint: disable=WAC001\n") == []
    # `all` does not silence the report about itself.
    assert wac001("y = 1  # wac-lint: disable=all\n")[0][3:] == ("ALL", False)


def test_wac001_is_a_note_in_force():
    result = scan_snippet("y = 1  # wac-lint: disable=WAC101\n")
    (finding,) = result.findings
    assert (finding.level.value, finding.state) == ("note", State.ENABLED)
    assert finding.message.startswith("Unused suppression (WAC101) is in force here. Nothing it covers")
