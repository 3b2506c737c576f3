"""Docs and logs at I/O speed (issue 13, item 3): a 50 MB training log is read in one pass of literal searches,
and only the lines that can name an accelerator are read further."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from whackachip_lint.extract import Source, gpunames, prose

# One name per family of gpu_names.json (the test below fails when a family has none here).
SAMPLES = ["V100", "P100", "K80", "T4", "A10G", "A10", "A30", "A40", "A100", "A800", "RTX PRO 6000", "RTX A6000",
           "RTX 3090", "RTX 4090 D", "RTX 4090", "RTX 5090 D", "RTX 5090", "L40S", "L40", "L20", "L4", "H100", "H800",
           "H200", "H20", "GB300", "GB200", "B300", "B200", "B100", "MI100", "MI210", "MI250X", "MI250", "MI300X",
           "MI300", "MI355X", "MI325X", "Ascend 910B4", "Ascend 910B2", "Ascend 910B", "Ascend 910C", "Ascend 910",
           "HL-338", "Gaudi 3", "Gaudi 2", "Gaudi", "TPU v6e", "TPU v5p", "TPU v5e", "TPU v4", "TPU v3", "Apple M2",
           "M3 Max", "Trainium2", "Trainium1", "Trainium", "Inferentia2"]


def test_every_family_name_holds_a_literal_of_the_fast_path():
    families = set()
    for sample in SAMPLES:
        (mention,) = list(gpunames.find(f"trained on {sample} chips"))
        families.add(mention.family)
        assert prose._literal_lines(f"x\ntrained on {sample} chips".lower()) == [(2, 2)], sample
    assert families == {f["name"] for f in gpunames.table()["families"]}


def _log(size: int) -> str:
    line = "[2024-05-01 12:00:00] step 1234 | loss 1.2345 | lr 1.0e-4 | grad_norm 0.123 | tokens/s 12345.6 | mem 71.2GB\n"
    body = line * (size // len(line))
    return "Using device: NVIDIA A100-SXM4-80GB\n" + body + "We trained on 8 H100 GPUs.\n" + body


def test_a_50_mb_training_log_is_read_at_io_speed():
    text = _log(25 * 1024 * 1024)
    source = Source(Path("train.log"), "train.log", "log", text.encode())
    lines = source.lines
    started = time.perf_counter()
    found = list(prose.extract(source))
    elapsed = time.perf_counter() - started
    statement = lines.index("We trained on 8 H100 GPUs.") + 1
    assert [(f.rule, f.value, f.span.line) for f in found] == [
        ("WAC713", "NVIDIA A100-SXM4-80GB", 1), ("WAC712", "H100", statement)]
    # Measured ~1 s on a shared, loaded 2-core machine (docs/performance.md); the old reader took over 60 s.
    assert elapsed < 15, elapsed


def test_a_log_without_names_is_done_after_the_literal_search():
    source = Source(Path("train.log"), "train.log", "log", _log(1024 * 1024).replace("A100", "X").replace(
        "H100", "Y").encode())
    assert list(prose.extract(source)) == []


# --- the per-file read cap of docs and logs -------------------------------------------------------------------

def _capped_repo(tmp_path: Path) -> Path:
    # 36 + 1,800 bytes, then a 27-byte statement: 1,863 bytes.
    head = "Using device: NVIDIA A100-SXM4-80GB\n" + "step 1 | loss 1.0\n" * 100
    (tmp_path / "train.log").write_text(head + "We trained on 8 H100 GPUs.\n", encoding="utf-8")
    (tmp_path / "README.md").write_text("We trained on 8 H100 GPUs.\n", encoding="utf-8")
    return tmp_path


def test_a_log_over_the_read_cap_is_read_up_to_it_with_a_diagnostic_naming_it(tmp_path):
    from ..conftest import run_cli_in

    repo = _capped_repo(tmp_path)
    result = run_cli_in(repo, "--format", "json", "--no-cache", "--exit-zero", "--doc-read-cap", "1000", ".")
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    # Cut after the last whole line within the cap: the 36-byte device line, then 53 lines of 18 bytes.
    assert report["diagnostics"] == [{"path": "train.log", "message": (
        "read the first 990 of 1,863 bytes (the per-file read cap of docs and logs); the rest is not scanned "
        "(raise it with --doc-read-cap)")}]
    assert sorted((f["path"], f["rule"], f["value"]) for f in report["findings"]) == [
        ("README.md", "WAC712", "H100"), ("train.log", "WAC713", "NVIDIA A100-SXM4-80GB")]


def test_the_summary_counts_a_capped_log_as_scanned_in_part_not_as_not_scanned(tmp_path):
    from ..conftest import run_cli_in

    repo = _capped_repo(tmp_path)
    (repo / "empty.log").write_text("x\n" * 600, encoding="utf-8")  # over the cap, and no finding in what is read
    result = run_cli_in(repo, "--no-cache", "--doc-read-cap", "1000", ".")
    assert result.exit_code == 0, result.output
    summary = next(line for line in result.output.splitlines() if " scanned" in line and "finding" in line)
    assert summary.startswith("1 file scanned; 2 findings;"), summary
    assert summary.endswith("; 1 file scanned in part; 1 file not scanned."), summary


def test_a_capped_log_alone_that_gave_findings_was_read_and_the_exit_code_follows_them(tmp_path):
    from ..conftest import run_cli_in

    repo = _capped_repo(tmp_path)
    (repo / "README.md").unlink()
    result = run_cli_in(repo, "--no-cache", "--doc-read-cap", "1000", ".")
    assert result.exit_code == 0, result.output  # a note only, so 0; never 2 ("nothing could be read")
    assert "; 1 file scanned in part." in result.output
    (repo / "train.log").write_text("x\n" * 600, encoding="utf-8")  # capped, and nothing found in what is read
    assert run_cli_in(repo, "--no-cache", "--doc-read-cap", "1000", ".").exit_code == 2


def test_a_log_within_the_read_cap_is_read_whole_without_a_diagnostic(tmp_path):
    from ..conftest import run_cli_in

    repo = _capped_repo(tmp_path)
    for cap in ("1863", None):  # exactly its size; the default (8 MiB)
        cap_option = ["--doc-read-cap", cap] if cap else []
        result = run_cli_in(repo, "--format", "json", "--no-cache", "--exit-zero", *cap_option, ".")
        report = json.loads(result.output)
        assert report["diagnostics"] == []
        assert sorted((f["path"], f["rule"], f["value"]) for f in report["findings"]) == [
            ("README.md", "WAC712", "H100"), ("train.log", "WAC712", "H100"),
            ("train.log", "WAC713", "NVIDIA A100-SXM4-80GB")]


def test_the_read_cap_leaves_code_alone_and_the_size_limit_caps_it_too(tmp_path):
    from whackachip_lint.config import Settings
    from whackachip_lint.scan import scan

    repo = _capped_repo(tmp_path)
    (repo / "train.py").write_text("import torch\n" + "x = 1\n" * 300 + "torch.set_default_dtype(torch.bfloat16)\n")
    result = scan([repo], Settings(use_cache=False, doc_read_bytes=500))
    assert [(d.path, d.message.split(" (")[0]) for d in result.diagnostics] == [
        ("train.log", "read the first 486 of 1,863 bytes")]
    assert any(f.path == "train.py" and f.value == "bfloat16" for f in result.findings)
    # A document is never skipped for its size: --max-file-size lowers its cap instead.
    result = scan([repo], Settings(use_cache=False, max_file_bytes=100))
    messages = {d.path: d.message for d in result.diagnostics}
    assert messages["train.log"].startswith("read the first 90 of 1,863 bytes")
    assert "over the 100-byte limit" in messages["train.py"]


def test_the_read_cap_is_a_configuration_key(tmp_path):
    from whackachip_lint.config import ConfigError, Settings, apply_config, load_config

    path = tmp_path / "wac-lint.toml"
    path.write_text("doc-read-cap = 4096\n")
    assert apply_config(Settings(), load_config(path)).doc_read_bytes == 4096
    path.write_text("doc-read-cap = 0\n")
    with pytest.raises(ConfigError, match="doc-read-cap"):
        load_config(path)


def test_lines_split_at_lf_as_the_regular_expression_did():
    # The fast split of Source.lines gives exactly the lines of the line-break pattern it replaced.
    from whackachip_lint.extract import DEFAULT_LINE_BREAK, LINE_BREAKS, Source

    for text in ("a\nb\r\nc\rd\r\n\r\n", "a\r", "\r\n", "x", "", "a\n\rb\r\r\n", "a\u2028b\x85c\n"):
        for kind, pattern in (("log", DEFAULT_LINE_BREAK), ("python", LINE_BREAKS["python"])):
            expected = pattern.split(text)
            if expected and expected[-1] == "":
                expected.pop()
            assert Source(Path("f"), "f", kind, text.encode()).lines == expected, (kind, text)


def test_read_head_refuses_what_is_not_a_regular_file(tmp_path):
    from whackachip_lint.safe_read import NotRead, read_head

    os.mkfifo(tmp_path / "pipe.log")
    with pytest.raises(NotRead, match="not a regular file"):
        read_head(tmp_path / "pipe.log", 100)
    (tmp_path / "small.log").write_bytes(b"abc")
    assert read_head(tmp_path / "small.log", 100) == (b"abc", 3)
    assert read_head(tmp_path / "small.log", 2) == (b"ab", 3)


def test_the_markdown_report_names_a_capped_log_not_fully_scanned_beside_the_summary(tmp_path):
    from ..conftest import run_cli_in

    repo = _capped_repo(tmp_path)
    result = run_cli_in(repo, "--format", "markdown", "--no-cache", "--doc-read-cap", "1000", ".")
    assert "### Files not fully scanned (1)" in result.output
    assert "### Files not scanned" not in result.output  # the summary below says "scanned in part" for it
    assert "; 1 file scanned in part._" in result.output


# A log's lines holding a literal are cut out of the text where they start, not split out of the whole log.
LOG_PIECES = st.sampled_from(["step 1 loss 2.0", "Using device: NVIDIA A100", "on 8 H100 GPUs", "\r", "İ", "ß",
                              "tpu v4", "", "x" * 30, "  trained on 64 V100s.  "])


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(LOG_PIECES, st.sampled_from(["\n", "\r\n", " "])), max_size=20), st.booleans())
def test_the_lines_cut_out_of_a_log_are_the_lines_it_splits_into(pieces, final_break):
    text = "".join(piece + brk for piece, brk in pieces)
    if not final_break and text:
        text = text[:-1]
    source = Source(Path("train.log"), "train.log", "log", text.encode())
    lower = text.lower()
    hits = prose._literal_lines(lower)
    expected = [(number, source.lines[number - 1]) for number, _start in hits]
    assert prose._hit_lines(text, lower, hits, lambda: source.lines) == expected
    split = []
    assert prose._hit_lines(text, lower, hits, lambda: split.append(1) or source.lines) == expected
    assert bool(split) == (len(lower) != len(text))  # split only when lower-casing changed offsets


def test_a_name_on_the_last_line_of_a_log_with_crlf_breaks_keeps_its_columns():
    text = "step 1\r\nUsing device: NVIDIA A100-SXM4-80GB\r\nWe trained on 8 H100 GPUs.\r"
    found = list(prose.extract(Source(Path("train.log"), "train.log", "log", text.encode())))
    assert [(f.rule, f.value, f.span.line, f.span.column) for f in found] == [
        ("WAC713", "NVIDIA A100-SXM4-80GB", 2, 15), ("WAC712", "H100", 3, 17)]


def test_a_device_report_repeated_on_every_line_is_looked_up_once():
    line = "Using device: NVIDIA A100-SXM4-80GB\n"
    source = Source(Path("train.log"), "train.log", "log", (line * 500).encode())
    gpunames._first_memo.cache_clear()
    found = list(prose.extract(source))
    assert [(f.rule, f.value, f.properties["count"]) for f in found] == [("WAC713", "NVIDIA A100-SXM4-80GB", 500)]
    assert gpunames._first_memo.cache_info().misses == 1  # the name of the report, once
    assert gpunames.first("NVIDIA A100-SXM4-80GB", loose=False) is gpunames.first("NVIDIA A100-SXM4-80GB", loose=False)


def test_a_long_text_is_not_kept_by_the_name_lookup():
    gpunames._first_memo.cache_clear()
    long_text = "x" * gpunames.FIRST_MEMO_MAX + " A100"
    assert gpunames.first(long_text).text == "A100"
    assert gpunames._first_memo.cache_info().currsize == 0
    assert gpunames.first("trained on A100").text == "A100" and gpunames._first_memo.cache_info().currsize == 1


def test_a_logs_findings_take_their_snippets_from_the_lines_cut_out_without_splitting_it(tmp_path):
    from whackachip_lint.config import Settings
    from whackachip_lint.one_file import scan_source

    text = "step 1 loss 2\r\n" * 1000 + "We trained on 8 H100 GPUs.\r\n" + "step 2 loss 1\r\n" * 1000
    source = Source(tmp_path / "train.log", "train.log", "log", text.encode())
    result = scan_source(source, Settings())
    assert [(f.rule, f.span.line, f.snippet) for f in result.findings] == [
        ("WAC712", 1001, "We trained on 8 H100 GPUs.")]
    assert "lines" not in source.__dict__  # never split
    assert source.line_text(1001) == "We trained on 8 H100 GPUs." and source.line_text(1) == "step 1 loss 2"


# --- the CSV header, the one tool output found without a marker word --------------------------------------------

CSV_PIECES = st.sampled_from(["name", " name ,x", "\tname", "name, memory.total [MiB]", "filename: a", "NAME",
                              "model_name,", "x name", "\r", " ", "\x0b", "\x85", "step 1", ""])


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(CSV_PIECES, st.sampled_from(["\n", "\r\n", " ", ""])), max_size=12))
def test_a_csv_header_is_found_in_the_text_exactly_where_a_line_of_it_matches(pieces):
    text = "".join(piece + brk for piece, brk in pieces)
    source = Source(Path("train.log"), "train.log", "log", text.encode())
    assert prose._has_csv_header(text) == any(prose._CSV_HEADER.match(line) for line in source.lines)


@pytest.mark.parametrize("header_at", [0, 500])
@pytest.mark.parametrize("brk", ["\n", "\r\n"])
def test_a_query_gpu_csv_in_a_log_is_read_with_its_header_line(header_at, brk):
    lines = ["step 1 | hostname node1"] * header_at + ["name, memory.total [MiB]", "NVIDIA H800, 81559 MiB"]
    source = Source(Path("gpus.log"), "gpus.log", "log", brk.join(lines + [""]).encode())
    assert [(f.rule, f.value, f.span.line, f.properties["source"]) for f in prose.extract(source)] == [
        ("WAC713", "NVIDIA H800", header_at + 2, "nvidia-smi --query-gpu")]


def test_the_word_name_alone_does_not_make_a_log_or_document_be_split():
    log = "step 1 | hostname node1 | model_name llama\n" * 1000 + "We trained on 8 H100 GPUs.\n"
    source = Source(Path("train.log"), "train.log", "log", log.encode())
    assert [(f.rule, f.span.line) for f in prose.extract(source)] == [("WAC712", 1001)]
    assert "lines" not in source.__dict__  # only the line holding a name was cut out
    readme = Source(Path("README.md"), "README.md", "markdown", b"# Usage\n\nSet `model_name` to the file name.\n")
    assert list(prose.extract(readme)) == []
    assert "lines" not in readme.__dict__


def test_the_command_nvidia_smi_named_in_a_log_does_not_make_it_be_split_its_table_header_does():
    log = "watch nvidia-smi; step 1 loss 2\n" * 1000 + "We trained on 8 H100 GPUs.\n"
    source = Source(Path("train.log"), "train.log", "log", log.encode())
    assert [(f.rule, f.span.line) for f in prose.extract(source)] == [("WAC712", 1001)]
    assert "lines" not in source.__dict__
    table = ("| NVIDIA-SMI 535.104.05   Driver Version: 535.104.05   CUDA Version: 12.2     |\n"
             "|   0  NVIDIA H100 80GB HBM3          On  | 00000000:18:00.0 Off |                    0 |\n")
    source = Source(Path("train.log"), "train.log", "log", ("step 1\n" * 10 + table).encode())
    assert [(f.rule, f.value, f.span.line) for f in prose.extract(source)] == [
        ("WAC713", "NVIDIA H100 80GB HBM3", 12)]
