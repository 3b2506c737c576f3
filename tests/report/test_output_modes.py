"""Output formats and modes (issue 14): concise, grouped, github, markdown, --statistics, --show-source,
--verdict-only."""

from __future__ import annotations

import pytest

from ..conftest import REPOS, run_cli_in

REPO = REPOS / "hunyuan_large"


def run(*args: str):
    return run_cli_in(REPO, "--no-color", *args, ".")


def test_concise_is_one_line_per_finding_and_the_summary():
    out = run("--format", "concise").output.splitlines()
    assert out[0].startswith("train/ds_zero3_config.json:3:5: WAC101 [conditional]")
    assert out[-1].startswith("3 files scanned; 24 findings;")
    assert len(out) == 25 and "Hardware verdict" not in "\n".join(out)


def test_grouped_is_the_default_text_layout_and_output_format_is_an_alias():
    assert run("--output-format", "grouped").output == run().output == run("--format", "text").output


def test_show_source_prints_the_line_under_each_finding():
    out = run("--format", "concise", "--show-source", "--select", "WAC501").output.splitlines()
    assert out[:2] == ["train/ds_zero3_config.json:6:5: WAC501 [enabled] DeepSpeed ZeRO stage (3) is in force here. "
                       "The config sets zero_optimization.stage to 3.", '    | "stage": 3,']


def test_statistics_counts_per_rule_and_state():
    out = run("--statistics").output.splitlines()
    assert out[0].split() == ["5", "WAC301", "infiniband", "[5", "enabled]"]
    assert out[1].split() == ["3", "WAC101", "bf16-precision", "[1", "conditional,", "2", "enabled]"]
    assert out[-1].startswith("3 files scanned; 24 findings;") and "WAC301" not in "\n".join(out[16:])


def test_verdict_only_prints_the_verdict_and_nothing_else():
    out = run("--verdict-only").output
    assert out.startswith("Hardware verdict\n") and "WAC101" not in out and "files scanned" not in out


@pytest.mark.parametrize("args, message", [
    (["--format", "json", "--statistics"], "--statistics applies to"),
    (["--format", "sarif", "--verdict-only"], "--verdict-only applies to"),
    (["--statistics", "--verdict-only"], "cannot be combined"),
])
def test_modes_that_do_not_fit_the_format_are_usage_errors(args, message):
    result = run(*args)
    assert result.exit_code == 2 and message in result.output


@pytest.mark.parametrize("fmt", ["json", "sarif", "concise", "github", "markdown", "html"])
def test_show_mentions_with_a_format_that_lists_all_or_none_is_a_usage_error(fmt):
    # As --statistics with JSON: the flag would change nothing, and saying nothing would let the user believe it did.
    result = run("--format", fmt, "--show-mentions")
    assert result.exit_code == 2, result.output
    assert f"Error: --show-mentions applies to --format grouped, text, not {fmt}" in result.output


@pytest.mark.parametrize("args", [["--format", "text"], ["--format", "grouped"], ["--statistics"], ["--verdict-only"],
                                  ["-q"]])
def test_show_mentions_fits_the_text_formats_and_their_modes(args):
    assert run(*args, "--show-mentions").exit_code == run(*args).exit_code == 0


@pytest.mark.parametrize("flag", ["--show-source", "--show-suppressed"])
@pytest.mark.parametrize("fmt", ["json", "sarif", "github", "markdown", "html"])
def test_listing_flags_with_a_format_they_cannot_shape_are_usage_errors(flag, fmt):
    # JSON and SARIF carry every finding's snippet and suppression in fields of their own; the others list what
    # they list without them. As with --show-mentions, accepting the flag silently would let the user believe it did
    # something.
    result = run("--format", fmt, flag)
    assert result.exit_code == 2, result.output
    assert f"Error: {flag} applies to --format concise, grouped, text, not {fmt}" in result.output


@pytest.mark.parametrize("flag", ["--show-source", "--show-suppressed"])
@pytest.mark.parametrize("args", [["--format", "text"], ["--format", "grouped"], ["--format", "concise"], ["-q"],
                                  ["--statistics"], ["--verdict-only"]])
def test_listing_flags_fit_the_text_formats_and_their_modes(flag, args):
    assert run(*args, flag).exit_code == run(*args).exit_code == 0


def test_github_annotates_what_reaches_the_fail_level_with_escaped_data():
    out = run("--format", "github", "--target", "nvidia-v100").output.splitlines()
    errors = [line for line in out if line.startswith("::error ")]
    assert errors[0] == ("::error file=train/train.py,line=25,endLine=25,col=93,endColumn=107,"
                         "title=WAC101 bf16-precision::bf16 precision (bfloat16) is in force here; your target "
                         "nvidia-v100 does not meet: native bf16 tensor math. torch.bfloat16 passed as torch_dtype= "
                         "to from_pretrained().")
    assert len(errors) == 2 and not [line for line in out if line.startswith("::notice file=")]
    assert out[-1].startswith("::notice title=wac-lint hardware verdict::NVIDIA likely")
    plain = run("--format", "github").output.splitlines()  # plain evidence is a note: below the fail level
    assert [line for line in plain if line.startswith("::") and "file=" in line] == []


def test_github_escapes_newlines_and_property_separators(tmp_path):
    from whackachip_lint.report import github

    from ..fakes import finding
    from whackachip_lint.results import ScanResult
    from whackachip_lint.evidence import Level

    f = finding(path="a,b:c.py", level=Level.ERROR).with_changes(message="one\ntwo 100%")
    out = github.render(ScanResult(tmp_path, 1, [f], []))
    assert out == ("::error file=a%2Cb%3Ac.py,line=3,endLine=3,col=5,endColumn=19,title=WAC101 bf16-precision::"
                   "one%0Atwo 100%25\n")


def test_markdown_summary_has_the_verdict_and_linked_evidence(monkeypatch):
    for name in ("GITHUB_SERVER_URL", "GITHUB_REPOSITORY", "GITHUB_SHA"):
        monkeypatch.delenv(name, raising=False)
    out = run("--format", "markdown").output
    assert out.startswith("## wac-lint: hardware verdict\n\n**Bottom line:** NVIDIA likely ")
    for row in ("| Vendor | NVIDIA (likely); possible: AMD |", "| Architecture floor | NVIDIA: Ampere (compute capability 8.0) |",
                "| Device class | datacenter (strong) |", "| Conflicts (0) | none |"):
        assert row in out
    from ..conftest import scan_repo_json

    consistent = [c for c in scan_repo_json(REPO)["inference"]["candidates"] if c["status"] == "consistent"]
    row = next(line for line in out.splitlines() if line.startswith("| Consistent parts"))
    assert row.startswith(f"| Consistent parts ({len(consistent)}) | not 3A090-controlled: ")
    # one line per ECCN 3A090 class, at most 4 names each, and every consistent part named or counted
    import re

    lines = row.split(" | ")[1].split("<br>")
    named = [[c["name"] for c in consistent if re.search(f"(: |, ){re.escape(c['name'])}(, | \\+|$| \\|)", line)]
             for line in lines]
    counted = sum(int(n) for n in re.findall(r" \+(\d+) more", row))
    assert max(map(len, named)) == 4 and sum(map(len, named)) + counted == len(consistent) and counted > 0
    assert "- [train/train.py:25:93](train/train.py#L25) `WAC101` bf16 precision" in out
    assert "torch\\_dtype" in out  # text from the repository is escaped


def test_markdown_links_to_github_in_a_workflow(monkeypatch, tmp_path):
    (tmp_path / ".git").mkdir()
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "train.py").write_text("import torch\nx = torch.bfloat16\n")
    monkeypatch.setenv("GITHUB_SERVER_URL", "https://github.com")
    monkeypatch.setenv("GITHUB_REPOSITORY", "org/repo")
    monkeypatch.setenv("GITHUB_SHA", "abc123")
    out = run_cli_in(tmp_path / "sub", "--format", "markdown", ".").output
    assert "- [train.py:2:5](https://github.com/org/repo/blob/abc123/sub/train.py#L2) `WAC101`" in out


@pytest.mark.parametrize("fixture, row", [
    # a declaration the code contradicts (inference.conflicts, kind declared_vs_code), with both locations
    ("verdicts/declared_v100_fa2", "| Conflicts (1) | V100 declared at README.md:3, but the code is unlikely to run "
                                   "there: FlashAttention-2 needs Ampere or newer on NVIDIA (strong) at train.py:3 |"),
    # training paths that cannot hold together (inference.conflicts, kind paths)
    ("verdicts/two_trees", "| Conflicts (1) | gpu/run.sh vs npu/run.sh: the paths run on disjoint hardware "
                           "(alternatives) |"),
    ("verdicts/hopper_fp8", "| Conflicts (0) | none |"),
])
def test_markdown_conflicts_row_lists_the_verdicts_conflicts(fixture, row):
    from ..conftest import FIXTURES, promised_exit_code, scan_repo_json

    repo = FIXTURES / fixture
    conflicts = scan_repo_json(repo)["inference"]["conflicts"]
    assert len(conflicts) == int(row.split("(")[1].split(")")[0])  # the row counts what the JSON report lists
    result = run_cli_in(repo, "--format", "markdown", "--verdict-only", ".")
    assert result.exit_code == promised_exit_code(scan_repo_json(repo))
    assert row in result.output.splitlines()


def test_markdown_verdict_only():
    out = run("--format", "markdown", "--verdict-only").output
    assert "**Bottom line:**" in out and "Top evidence" not in out


def test_markdown_vendor_row_names_the_possible_vendors_beside_the_likely_one():
    # The row once dropped them whenever one vendor was likely (an operator-precedence slip); the bottom line names
    # those with something in their favour, and so does the row.
    from ..conftest import FIXTURES, run_cli

    out = run_cli("--format", "markdown", "--no-cache", "--exit-zero",
                  str(FIXTURES / "verdicts" / "agnostic_glue")).output
    assert "| Vendor | NVIDIA (likely); possible: AMD |" in out
