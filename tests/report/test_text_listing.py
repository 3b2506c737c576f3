"""The text report on a large repository (the brief: a bottom line first, capped evidence, details on request):
the verdict's bottom line before the findings, [mentioned] findings counted but not listed by default, repeats of
one rule, value and state in a file collapsed after `REPEATS_SHOWN`; `--show-mentions` and `--verbose` list them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from whackachip_lint.report import text

from ..conftest import run_cli_in

README = "# Demo\n\nWe trained the model on 8x A100 GPUs.\n\nThe kernels also support H100 and B200.\n"
NOTES = "Runs on any GPU; tested on A100.\n"
# six `.to("cuda")` (one rule, value and state), then bf16
TRAIN = ("import torch\n\nmodel = torch.nn.Linear(2, 2)\n"
         + "".join(f'{name} = torch.zeros(2).to("cuda")\n' for name in "abcdef")
         + "model.to(torch.bfloat16)\n")

CUDA = "WAC204 [enabled] Device type (cuda) is in force here. .to(): 'cuda'."
LISTING = [
    "README.md (2 mentions not listed)",
    "  README.md:3:28: WAC712 [enabled] Accelerator named in documentation (A100) is in force here. Stated as the "
    "hardware a run used.",
    "",
    "train.py",
    f"  train.py:4:23: {CUDA}",
    f"  train.py:5:23: {CUDA}",
    f"  train.py:6:23: {CUDA}",
    "    +3 more WAC204 [enabled] (cuda) at lines 7, 8, 9",
    "  train.py:10:10: WAC101 [enabled] bf16 precision (bfloat16) is in force here. torch.bfloat16 passed to to().",
    "",
    "3 files scanned; 11 findings; 8 enabled, 3 mentioned; 11 note; 3 mentions not listed (--show-mentions lists "
    "them); 3 repeats collapsed (--verbose lists them).",
    "",
    "Hardware verdict",
]
MENTIONS = {
    "NOTES.md:1:28": "WAC712 [mentioned] Accelerator named in documentation (A100) is only mentioned here.",
    "README.md:5:26": "WAC712 [mentioned] Accelerator named in documentation (H100) is only mentioned here.",
    "README.md:5:35": "WAC712 [mentioned] Accelerator named in documentation (B200) is only mentioned here.",
}


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    for name, body in (("README.md", README), ("NOTES.md", NOTES), ("train.py", TRAIN)):
        (tmp_path / name).write_text(body)
    return tmp_path


def run(repo: Path, *args: str):
    return run_cli_in(repo, "--no-color", *args, ".")


def _head_and_rest(output: str) -> tuple[list[str], list[str]]:
    lines = output.splitlines()
    blank = lines.index("")
    return lines[:blank], lines[blank + 1:]


def _verdict_bottom_line(lines: list[str]) -> list[str]:
    """The verdict's "Bottom line:" block."""
    start = lines.index("Hardware verdict") + 1
    block = [lines[start]]
    for line in lines[start + 1:]:
        if not line.startswith("    "):
            break
        block.append(line)
    return block


LISTED = LISTING.index("3 files scanned; 11 findings; 8 enabled, 3 mentioned; 11 note; 3 mentions not listed "
                       "(--show-mentions lists them); 3 repeats collapsed (--verbose lists them).")


def test_a_listing_longer_than_a_page_opens_with_the_verdicts_bottom_line_the_full_verdict_stays_at_the_end(
        repo, monkeypatch):
    monkeypatch.setattr(text, "PAGE", LISTED - 1)
    result = run(repo)
    assert result.exit_code == 0
    head, rest = _head_and_rest(result.output)
    assert head[0].startswith("Bottom line: ") and head[-1] == (
        "  (The full hardware verdict, each reason with its file:line, is at the end, after the findings.)")
    assert " ".join(head[:-1]).split() == " ".join(_verdict_bottom_line(rest)).split()  # the same sentence
    assert rest[:len(LISTING)] == LISTING
    assert rest[-1] == "  (--verbose shows every reason, location and part)"


def test_a_listing_of_a_page_or_less_is_followed_by_the_verdict_at_once(repo, monkeypatch):
    """A pre-commit run on a few changed files reads as before: findings, summary, verdict."""
    assert text.PAGE >= LISTED
    lines = run(repo).output.splitlines()
    assert lines[:len(LISTING)] == LISTING and "Bottom line" not in "\n".join(lines[:len(LISTING)])
    monkeypatch.setattr(text, "PAGE", LISTED)
    assert run(repo).output.splitlines()[:len(LISTING)] == LISTING


def test_the_opening_bottom_line_is_bold_in_colour(repo, monkeypatch):
    monkeypatch.setattr(text, "PAGE", 0)
    coloured = run_cli_in(repo, "--color", ".").output
    assert coloured.startswith("\x1b[1mBottom line:\x1b[0m ")
    assert "\n  \x1b[1mBottom line:\x1b[0m " in coloured  # the verdict's own, as the opening's


def test_the_verdicts_bottom_line_is_bold_in_colour_as_the_opening_is(repo):
    coloured = run_cli_in(repo, "--color", ".").output
    assert "Bottom line" not in coloured.split("Hardware verdict")[0]
    assert "\n  \x1b[1mBottom line:\x1b[0m " in coloured and "\n  Bottom line:" not in coloured


def test_without_a_listed_finding_there_is_no_head_the_verdict_follows_the_summary(repo):
    (repo / "train.py").unlink()
    (repo / "README.md").write_text("The kernels also support H100 and B200.\n")
    lines = run(repo).output.splitlines()
    assert lines[:3] == ["2 files scanned; 3 findings; 3 mentioned; 3 note; 3 mentions not listed "
                         "(--show-mentions lists them).", "", "Hardware verdict"]


@pytest.mark.parametrize("flag", ["--show-mentions", "--verbose"])
def test_show_mentions_and_verbose_list_the_mentions_and_say_nothing_is_left_out(repo, flag):
    output = run(repo, flag).output
    for where, message in MENTIONS.items():
        assert f"  {where}: {message}" in output
    assert "not listed" not in output and "NOTES.md\n" in output and "README.md\n" in output
    assert "3 files scanned; 11 findings; 8 enabled, 3 mentioned; 11 note" in output


def test_show_mentions_still_collapses_repeats_verbose_lists_every_finding(repo):
    collapsed = run(repo, "--show-mentions").output
    assert "    +3 more WAC204 [enabled] (cuda) at lines 7, 8, 9\n" in collapsed
    assert "; 3 repeats collapsed (--verbose lists them).\n" in collapsed
    everything = run(repo, "--verbose").output
    assert "+3 more" not in everything and "collapsed" not in everything
    assert [n for n in range(4, 10) if f"  train.py:{n}:23: {CUDA}\n" in everything] == [4, 5, 6, 7, 8, 9]


@pytest.mark.parametrize("args", [("-q",), ("--format", "concise")])
def test_quiet_and_concise_list_every_finding_mentions_and_repeats_included(repo, args):
    lines = run(repo, *args).output.splitlines()
    listed = [line for line in lines if ": WAC" in line]
    assert len(listed) == 11 and not any("not listed" in line or "+3 more" in line for line in lines)
    assert "Bottom line" not in "\n".join(lines)


def test_json_keeps_every_mention(repo):
    report = json.loads(run(repo, "--format", "json").output)
    mentioned = sorted(f"{f['path']}:{f['line']}:{f['column']}" for f in report["findings"]
                       if f["state"] == "mentioned")
    assert mentioned == sorted(MENTIONS)


def test_a_suppressed_mention_is_counted_as_suppressed_not_as_a_mention_left_out(tmp_path):
    from whackachip_lint.evidence import State
    from whackachip_lint.results import ScanResult

    from ..fakes import finding

    mentions = [finding(rule="WAC712", path="README.md", line=line, value="H100", state=State.MENTIONED,
                        suppressed=line == 1) for line in (1, 2)]
    result = ScanResult(tmp_path, 1, mentions + [finding(path="t.py")], [])
    output = text.render(result)
    assert output.splitlines()[-1].endswith("; 1 suppressed; 1 mention not listed (--show-mentions lists them).")
    assert "README.md" not in output.replace("not listed", "")
    assert text.render(result, show_mentions=True).count("  README.md:") == 1
    listed = text.render(result, show_mentions=True, show_suppressed=True)
    assert listed.count("  README.md:") == 2 and "not listed" not in listed


# --- the cap on repeats, on findings built in memory -----------------------------------------------------------


def _findings(states_by_line: dict[int, str], rule: str = "WAC204", value: str = "cuda"):
    from whackachip_lint.evidence import State

    from ..fakes import finding

    return [finding(rule=rule, path="t.py", line=line, value=value, state=State(state))
            for line, state in sorted(states_by_line.items())]


def _plain(text_: str, **_kw) -> str:
    return text_


@pytest.mark.parametrize("count, collapsed", [(text.REPEATS_SHOWN + 1, 0), (text.REPEATS_SHOWN + 2, 2)])
def test_a_repeat_line_only_stands_for_two_findings_or_more(count, collapsed):
    lines, left_out = text.file_lines(_findings({n: "enabled" for n in range(1, count + 1)}), _plain, False)
    assert left_out == collapsed
    assert len(lines) == count - collapsed + (1 if collapsed else 0)


def test_repeats_are_counted_per_rule_value_and_state():
    states = {n: "enabled" for n in range(1, 6)} | {n: "conditional" for n in range(10, 12)}
    lines, left_out = text.file_lines(_findings(states), _plain, False)
    assert left_out == 2 and lines[3] == "    +2 more WAC204 [enabled] (cuda) at lines 4, 5"
    assert [line.split(": ")[1].split()[1] for line in lines if line.startswith("  t.py")] == (
        ["[enabled]"] * 3 + ["[conditional]"] * 2)
    everything, none = text.file_lines(_findings(states), _plain, False, repeats=None)
    assert none == 0 and len(everything) == 7


@pytest.mark.parametrize("others, said", [(0, ""), (1, " and 1 other"), (3, " and 3 others")])
def test_a_repeat_line_names_at_most_lines_named(others, said):
    many = _findings({n: "enabled" for n in range(1, text.REPEATS_SHOWN + text.LINES_NAMED + others + 1)})
    lines, left_out = text.file_lines(many, _plain, False)
    assert left_out == text.LINES_NAMED + others
    assert lines[-1] == (f"    +{left_out} more WAC204 [enabled] (cuda) at lines "
                         + ", ".join(str(n) for n in range(4, 4 + text.LINES_NAMED)) + said)


def test_a_repeat_line_names_a_line_with_two_findings_once():
    from ..fakes import finding

    found = [finding(rule="WAC204", path="t.py", value="cuda", line=line, column=column)
             for line, column in ((1, 5), (2, 5), (2, 9), (3, 5))]
    lines, left_out = text.file_lines(found, _plain, False, repeats=1)
    assert left_out == 3 and lines[1] == "    +3 more WAC204 [enabled] (cuda) at lines 2, 3"


def test_suppressed_findings_shown_with_show_suppressed_are_collapsed_apart_and_say_so():
    found = [f.with_changes(suppressed=f.line > 5) for f in _findings({n: "enabled" for n in range(1, 11)})]
    lines, left_out = text.file_lines(found, _plain, False)
    assert left_out == 4
    assert lines[3] == "    +2 more WAC204 [enabled] (cuda) at lines 4, 5"
    assert lines[-1] == "    +2 more WAC204 [enabled] (cuda) (suppressed) at lines 9, 10"


def test_each_finding_of_a_file_is_keyed_once_however_many_values_repeat(monkeypatch):
    """A file of thousands of findings of as many values (up to MAX_FINDINGS_PER_FILE) costs one pass, not a pass
    per collapsed group."""
    calls = []
    key = text._repeat_key
    monkeypatch.setattr(text, "_repeat_key", lambda f: calls.append(f) or key(f))
    found = [f.with_changes(value=str(f.line % 40)) for f in _findings({n: "enabled" for n in range(1, 201)})]
    lines, left_out = text.file_lines(found, _plain, False)
    assert left_out == 40 * (5 - text.REPEATS_SHOWN) and len(calls) == len(found)
    third = [i for i, line in enumerate(lines) if line.startswith("  t.py:81:")][0]  # value "1": lines 1, 41, 81
    assert lines[third + 1] == "    +2 more WAC204 [enabled] (1) at lines 121, 161"


def test_the_docs_give_the_caps_the_report_uses():
    """docs/cli.md and the README state the page, the repeats shown and the lines named as numbers: they change
    with the constants or the docs stop being true."""
    root = Path(__file__).resolve().parents[2]
    cli = " ".join((root / "docs" / "cli.md").read_text().split())
    readme = " ".join((root / "README.md").read_text().split())
    assert f"(over {text.PAGE} lines, `report/text.py` `PAGE`)" in cli
    assert f"findings of one rule, value and state beyond the first {text.REPEATS_SHOWN} share one line" in cli
    assert f"A group of {text.REPEATS_SHOWN + 1} is listed whole" in cli
    assert f"(at most {text.LINES_NAMED} lines named" in cli
    assert f"findings of one rule, value and state beyond the first {text.REPEATS_SHOWN} share one" in readme
