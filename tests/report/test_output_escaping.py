"""Repository-derived text is escaped at render time in every reporter (issue 19, low): terminal control
sequences shown as visible escapes, lone surrogates written instead of crashing, SARIF link syntax escaped."""

from __future__ import annotations

import json

import pytest

from whackachip_lint.evidence import Finding, Level, Span, State
from whackachip_lint.report import sarif
from whackachip_lint.report.escape import json_text, printable_text, sarif_message, terminal_text
from whackachip_lint.results import ScanResult

OSC_TITLE, OSC_CLIPBOARD, CSI_CLEAR = "\x1b]0;pwned\x07", "\x1b]52;c;ZWNobyBoaQ==\x07", "\x1b[2J"


def hostile_repo(tmp_path):
    (tmp_path / "train.log").write_text(
        f"Using device: NVIDIA A100-SXM4-80GB {OSC_TITLE} {OSC_CLIPBOARD}\n"
        f"We trained on 8 H100 GPUs {CSI_CLEAR} \u009b31m.\n")
    (tmp_path / "ds_config.json").write_text(
        '{"train_batch_size": 8, "bf16": {"enabled": true},'
        ' "zero_optimization": {"stage": 3, "offload_optimizer": {"device": "cpu\\ud800"}}}\n')
    return tmp_path


@pytest.mark.parametrize("fmt", ["text", "json", "sarif"])
def test_no_report_carries_raw_control_sequences_or_crashes(tmp_path, cli, fmt):
    repo = hostile_repo(tmp_path)
    # SARIF uploads evidence notes only on request: ask, so the hostile values are in the document.
    result = cli("--no-cache", "--format", fmt, *(["--sarif-evidence"] if fmt == "sarif" else []), str(repo))
    assert result.exit_code == 0, result.output
    out = result.output
    out.encode("utf-8")  # a lone surrogate made every format fail here before
    for raw in ("\x1b", "\x07", "\u009b", "\ud800"):
        assert raw not in out
    if fmt == "text":
        assert "\\x1b]0" in out  # shown, as a visible escape
    else:
        json.loads(out)
        assert "\\ud800" in out


def test_terminal_text_keeps_only_our_own_colours():
    coloured = "\x1b[1mpath\x1b[0m " + OSC_TITLE
    assert terminal_text(coloured, colour=True) == "\x1b[1mpath\x1b[0m \\x1b]0;pwned\\x07"
    assert terminal_text(coloured) == "\\x1b[1mpath\\x1b[0m \\x1b]0;pwned\\x07"
    assert terminal_text("a\tb\nc") == "a\tb\nc"


def test_json_text_escapes_c1_bidi_and_surrogates_validly():
    text = json.dumps({"v": "a\u009b\u202e\ud800"}, ensure_ascii=False)
    escaped = json_text(text)
    escaped.encode("utf-8")
    assert json.loads(escaped) == {"v": "a\u009b\u202e\ud800"}


def test_sarif_message_escapes_link_syntax():
    finding = Finding(rule="WAC712", name="declared-hardware", signal="docs.declared", value="H100",
                      state=State.ENABLED, level=Level.NOTE, path="README.md", span=Span(1, 1, 1, 5),
                      snippet="x", message="Named [click](https://evil.example) here.", properties={})
    run = sarif.to_sarif(ScanResult(".", 1, [finding], [], ["README.md"]), evidence=True)["runs"][0]
    assert run["results"][0]["message"]["text"] == "Named \\[click\\](https://evil.example) here."
    assert sarif_message("a [b] c") == "a \\[b\\] c"


# --- Markdown posted to GitHub: no mention or issue reference from repository text ----------------------------------

@pytest.mark.parametrize("text, shown", [
    ("ping @octocat now", "ping @\u2060octocat now"),
    ("see owner/repo#12 and #3", "see owner/repo\\#\u206012 and \\#\u20603"),
    ("mail a@b.c", "mail a@\u2060b.c"),
    ("a lone @ and # stay", "a lone @ and \\# stay"),  # nothing follows the sign: nothing to neutralise
])
def test_markdown_text_from_the_repository_mentions_and_references_nobody(text, shown):
    from whackachip_lint.report.markdown import escape

    assert escape(text) == shown


def test_a_markdown_report_of_a_repository_naming_people_pings_nobody(tmp_path, cli):
    import re

    (tmp_path / "train.sh").write_text("# @octocat #12\ntorchrun --nproc_per_node 8 train_@octocat.py\n")
    (tmp_path / "train_@octocat.py").write_text("import torch\ntorch.distributed.init_process_group('nccl')\n")
    result = cli("--format", "markdown", "--exit-zero", "--no-cache", str(tmp_path))
    assert result.exit_code == 0 and "octocat" in result.output
    assert not re.search(r"@[A-Za-z0-9]", result.output), result.output


def test_an_error_quoting_the_configuration_carries_no_workflow_command(tmp_path, cli):
    """A configured target (`##[error]...`) is quoted in the usage error: in a GitHub job's log it would forge an
    annotation, as a finding's message would in the report."""
    (tmp_path / "pyproject.toml").write_text('[tool.wac-lint]\ntarget = ["##[error]forged"]\n')
    result = cli("--no-cache", str(tmp_path))
    assert result.exit_code == 2
    assert "##\\x5berror]forged" in result.output and "##[" not in result.output


def test_printable_text_escapes_what_terminal_text_does_and_line_breaks():
    # One line of repository text (snippets, messages, diagnostics): the same escapes as the text report, so a C1
    # control reads `\u009b` in both (it read `\x9b` in snippets), a lone surrogate is escaped, and a newline too.
    raw = "a\x1b]0;x\x07 \u009b31m \u202e \ud800\nb\tc"
    assert printable_text(raw) == "a\\x1b]0;x\\x07 \\u009b31m \\u202e \\ud800\\x0ab\tc"
    assert terminal_text(raw) == printable_text(raw).replace("\\x0a", "\n")
    assert printable_text("plain text") == "plain text"
