"""Markdown and HTML reports keep the text verdict's limits (`verdict_text.Limits`): no table cell or list of paths
grows with the repository, every cut says how many were left out."""

from __future__ import annotations

from pathlib import Path

import pytest

from whackachip_lint.config import Settings
from whackachip_lint.infer.engine import infer
from whackachip_lint.report import html, markdown
from whackachip_lint.report.verdict_text import DEFAULT, clipped, fitting
from whackachip_lint.scan import scan

FIXTURES = Path(__file__).parents[1] / "fixtures"


def _verdict(repo: Path):
    result = scan([repo], Settings(use_cache=False))
    return result, infer(result)


def test_fitting_keeps_what_fits_the_line_and_at_least_one_item():
    paths = [f"dir/{'x' * 96}.py" for _ in range(5)]  # 103 characters each
    assert fitting(paths) == (paths[:2], 3)  # 103 + 2 + 103 = 208; a third would make 313 > 300
    assert fitting(paths, width=None) == (paths, 0)
    assert fitting(paths, most=1, width=None) == (paths[:1], 4)
    assert fitting(["y" * 500, "z"]) == (["y" * 500], 1)  # one always shows, however long
    assert fitting([]) == ([], 0)


def test_clipped_cuts_a_long_line_after_a_word_and_says_so():
    assert clipped("short line") == "short line"
    long = " ".join(["word"] * 100)  # 499 characters
    cut = clipped(long)
    assert len(cut) <= DEFAULT.line and cut.endswith(" ...") and cut.startswith("word word")
    assert clipped(long, None) == long


@pytest.fixture
def two_trees():
    return _verdict(FIXTURES / "verdicts" / "two_trees")


def _row(lines: list[str], name: str) -> str:
    return next(line for line in lines if line.startswith(f"| {name}"))


def test_markdown_conflicts_show_the_text_verdicts_number_and_cut_each_line(two_trees, monkeypatch):
    _, verdict = two_trees
    long = "a.sh vs b.sh: " + "very " * 100 + "long"
    monkeypatch.setattr(markdown, "conflict_texts", lambda _v: [long, "c.sh vs d.sh: short", "e", "f"])
    row = _row(markdown.render_verdict(verdict), "Conflicts")
    cells = row.removeprefix("| Conflicts (4) | ").removesuffix(" |").split("<br>")
    assert cells == [clipped(long), "c.sh vs d.sh: short", "+2 more (the JSON report lists them all)"]
    assert DEFAULT.items == 2 and all(len(cell) <= DEFAULT.line for cell in cells)


def test_markdown_conflicts_within_the_limit_are_all_listed(two_trees):
    _, verdict = two_trees
    assert _row(markdown.render_verdict(verdict), "Conflicts") == (
        "| Conflicts (1) | gpu/run.sh vs npu/run.sh: the paths run on disjoint hardware (alternatives) |")


def test_html_names_conflicts_as_markdown_does_not_as_a_dict(two_trees):
    result, verdict = two_trees
    page = html.render(result, verdict)
    assert "<dt>Conflicts</dt><dd>1: gpu/run.sh vs npu/run.sh: the paths run on disjoint hardware (alternatives)</dd>" \
        in page
    assert "kind: " not in page.split("</header>")[0]


def test_html_conflicts_stop_at_the_text_verdicts_number_and_cut_each(two_trees, monkeypatch):
    from whackachip_lint.report import bottom_line

    result, verdict = two_trees
    long = "a.sh vs b.sh: " + "very " * 100 + "long"
    monkeypatch.setattr(bottom_line, "conflict_texts", lambda _v: [long, "c.sh vs d.sh: short", "e", "f"])
    page = html.render(result, verdict)
    assert f"<dt>Conflicts</dt><dd>4: {clipped(long)}; c.sh vs d.sh: short (+2 more)</dd>" in page
    monkeypatch.setattr(bottom_line, "conflict_texts", lambda _v: ["c.sh vs d.sh: short", "e"])
    assert "<dt>Conflicts</dt><dd>2: c.sh vs d.sh: short; e</dd>" in html.render(result, verdict)


def test_html_lists_of_paths_stop_at_the_line_length_with_a_count():
    paths = [f"src/{'p' * 96}.py" for _ in range(20)]
    shown = html._mono_list(paths)
    assert shown.count('<span class="mono">') == 2 and shown.endswith(" (+18 more)")
    assert html._mono_list(paths[:2]) == ", ".join(f'<span class="mono">{p}</span>' for p in paths[:2])
    assert html._mono_list(["a", "b", "c"], most=2).endswith(" (+1 more)")


def test_html_role_lists_stay_short_on_a_repository_of_long_paths(tmp_path):
    """A role with 30 files of long paths: the Paths table names those that fit in a line, then counts the rest."""
    deep = tmp_path / ("d" * 60) / ("e" * 60)
    deep.mkdir(parents=True)
    for n in range(30):
        (deep / f"train_{n:02d}_{'x' * 40}.py").write_text('import torch\nx = torch.zeros(1).to("cuda")\n')
    result, verdict = _verdict(tmp_path)
    page = html.render(result, verdict)
    paths_section = page.split('<section id="paths">')[1].split("</section>")[0]
    rows = [row for row in paths_section.split("<tr>") if "train_" in row and "(+" in row]
    assert rows, paths_section[:500]
    for row in rows:
        text = row.replace('<span class="mono">', "").replace("</span>", "")
        assert len(text) < DEFAULT.line + 80  # the cells' markup and role name aside, the list fits a line


@pytest.mark.parametrize("count, rest", [(markdown.TOP_EVIDENCE, []),
                                         (markdown.TOP_EVIDENCE + 3, ["- and 3 more (the JSON report lists them all)"])])
def test_markdown_lists_of_unscanned_files_are_capped_with_a_count(tmp_path, count, rest):
    from whackachip_lint.evidence import Diagnostic
    from whackachip_lint.results import ScanResult

    diagnostics = [Diagnostic(f"f{n:02d}.ipynb", "notebook cells not scanned: " + "cell 1: syntax error; " * 40)
                   for n in range(count)]
    lines = markdown.render(ScanResult(tmp_path, 0, [], diagnostics), None).splitlines()
    listed = [line for line in lines if line.startswith("- `f")]
    assert len(listed) == min(count, markdown.TOP_EVIDENCE)
    assert all(len(line) < DEFAULT.line + 20 and line.endswith(" ...") for line in listed)  # path, then the cut text
    after = lines[lines.index(listed[-1]) + 1:]
    assert after[:len(rest) + 1] == rest + [""]


@pytest.mark.parametrize("count", [markdown.TOP_EVIDENCE, markdown.TOP_EVIDENCE + 2])
def test_markdown_lists_of_contradictions_are_capped_with_a_count(tmp_path, count):
    from whackachip_lint.crosscheck import CONTRADICTION
    from whackachip_lint.results import ScanResult

    from ..fakes import finding

    found = [finding(rule=str(CONTRADICTION), path="README.md", line=n + 1, value="V100") for n in range(count)]
    out = markdown.render(ScanResult(tmp_path, 1, found, []), None)
    section = out.split("### Declared hardware the code contradicts")[1].split("###")[0]
    assert section.count("- [README.md:") == markdown.TOP_EVIDENCE
    assert ("- and 2 more (the JSON report lists them all)" in section) == (count > markdown.TOP_EVIDENCE)
