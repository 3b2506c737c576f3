"""Notebooks: cells scanned as Python / shell / Markdown, positions mapped into the .ipynb, outputs read narrowly."""

from __future__ import annotations

import json

from whackachip_lint.evidence import RawFinding, Span, State
from whackachip_lint.extract import notebook

from ..conftest import scan_snippet

SMI_OUTPUT = [
    "+-----------------------------------------------------------------------------+\n",
    "| NVIDIA-SMI 525.85.12    Driver Version: 525.85.12    CUDA Version: 12.0     |\n",
    "|   0  Tesla T4            Off  | 00000000:00:04.0 Off |                    0 |\n",
]


def make(cells, metadata=None, single_string=False) -> str:
    out = []
    for i, (kind, source, outputs) in enumerate(cells):
        lines = source.splitlines(keepends=True)
        cell = {"cell_type": kind, "id": f"c{i}", "metadata": {}, "source": source if single_string else lines}
        if kind == "code":
            cell["execution_count"] = i
            cell["outputs"] = outputs
        out.append(cell)
    nb = {"cells": out, "metadata": metadata or {"kernelspec": {"name": "python3"}}, "nbformat": 4,
          "nbformat_minor": 5}
    return json.dumps(nb, indent=1, ensure_ascii=False, sort_keys=True) + "\n"


def where(text: str, finding) -> str:
    """The characters a finding's span covers in the .ipynb text."""
    line = text.splitlines()[finding.line - 1]
    return line[finding.span.column - 1 : finding.span.end_column - 1]


def scan(text: str):
    return scan_snippet(text, "notebook", "demo.ipynb")


def test_code_cell_findings_point_into_the_notebook_file():
    text = make([
        ("markdown", "# Demo\n", []),
        ("code", 'import torch\nmsg = "say \\"hi\\" é"; x = torch.zeros(2, dtype=torch.bfloat16)\n', []),
    ])
    result = scan(text)
    assert not result.diagnostics
    (bf16,) = [f for f in result.findings if f.rule == "WAC101"]
    assert where(text, bf16) == "torch.bfloat16"  # escaped quotes before it are accounted for
    assert bf16.properties["cell"] == 2 and bf16.properties["cell_line"] == 2
    assert bf16.state is State.ENABLED


def test_single_string_sources_and_unicode_escapes():
    text = make([("code", 'import torch\ny = "\\u00e9"\nmodel.half()\n', [])], single_string=True)
    text = text.replace('\\"\\\\u00e9\\"', '\\"\\u00e9\\"')  # a raw \u escape in the file, as some writers do
    result = scan(text)
    (fp16,) = [f for f in result.findings if f.rule == "WAC102"]
    assert where(text, fp16) == "model.half()"
    assert fp16.properties["cell_line"] == 3


def test_markdown_cells_are_read_as_docs():
    text = make([("markdown", "## Setup\n\nWe trained on 8 A100 GPUs.\n", []), ("code", "print(1)\n", [])])
    (decl,) = scan(text).findings
    assert (decl.rule, decl.value, decl.state) == ("WAC712", "A100", State.ENABLED)
    assert where(text, decl) == "A100" and decl.properties["cell"] == 1 and decl.properties["cell_line"] == 3


def test_nvidia_smi_output_is_declared_evidence():
    outputs = [{"name": "stdout", "output_type": "stream", "text": SMI_OUTPUT}]
    text = make([("code", "!nvidia-smi\n", outputs)])
    (smi,) = scan(text).findings
    assert (smi.rule, smi.value, smi.state) == ("WAC713", "Tesla T4", State.ENABLED)
    assert where(text, smi) == "Tesla T4" and smi.properties["output_line"] == 3


def test_colab_output_is_not_training_hardware():
    outputs = [{"name": "stdout", "output_type": "stream", "text": SMI_OUTPUT}]
    text = make([("code", "!nvidia-smi\n", outputs)], metadata={"colab": {"provenance": []}})
    (smi,) = scan(text).findings
    assert smi.state is State.MENTIONED and smi.properties["hosted"] is True


def test_other_outputs_are_not_read():
    outputs = [{"output_type": "execute_result", "data": {"text/plain": ["'We trained on 8 A100 GPUs.'"]},
                "execution_count": 1, "metadata": {}}]
    assert scan(make([("code", "s\n", outputs)])).findings == []


def test_magics_keep_the_python_parseable_and_go_to_the_shell(monkeypatch):
    seen = {}

    def fake_shell(source):
        seen["text"] = source.text
        out = []
        for number, line in enumerate(source.lines, start=1):
            col = line.find("NCCL_IB_DISABLE")
            if col >= 0:
                out.append(RawFinding("WAC301", "NCCL_IB_DISABLE", State.DISABLED,
                                      Span(number, col + 1, number, col + 1 + len("NCCL_IB_DISABLE"))))
        return out

    real = notebook.extractors_for
    monkeypatch.setattr(notebook, "extractors_for", lambda kind: [fake_shell] if kind == "shell" else real(kind))
    code = "%matplotlib inline\n!pip install x\nfor i in range(2):\n    !echo $i\n%env NCCL_IB_DISABLE=1\nimport torch\nmodel.half()\n"
    text = make([("code", code, [])])
    result = scan(text)
    assert not result.diagnostics
    assert seen["text"].splitlines()[1] == "pip install x"
    assert seen["text"].splitlines()[4] == "export NCCL_IB_DISABLE=1"
    by_rule = {f.rule: f for f in result.findings}
    assert where(text, by_rule["WAC301"]) == "NCCL_IB_DISABLE"
    assert by_rule["WAC301"].properties["cell_line"] == 5
    assert by_rule["WAC102"].properties["cell_line"] == 7


def test_a_shell_line_ending_in_a_backslash_runs_on_and_the_cell_stays_python():
    # IPython joins `!cmd \` with the next line: the indented rest is the command's, not Python's (an
    # "unexpected indent" that lost the whole cell before).
    code = "!torchrun --nproc_per_node 8 train.py \\\n    --bf16 \\\n    --seed 1\nmodel.half()\n"
    result = scan(make([("code", code, [])]))
    assert not result.diagnostics
    assert sorted((f.rule, f.value, f.properties["cell_line"]) for f in result.findings) == [
        ("WAC101", "bf16", 2), ("WAC102", "float16", 4), ("WAC401", 8, 1), ("WAC404", "torchrun", 1)]


def test_bash_cell_magic_makes_the_cell_shell(monkeypatch):
    kinds = []
    real = notebook.extractors_for
    monkeypatch.setattr(notebook, "extractors_for", lambda kind: kinds.append(kind) or real(kind))
    scan(make([("code", "%%bash\nexport NCCL_IB_DISABLE=1\n", []), ("code", "%%html\n<b>A100</b>\n", [])]))
    assert kinds == ["shell"]


def test_a_broken_cell_is_a_diagnostic_and_the_rest_still_counts():
    text = make([("code", "import torch\ndef f(:\n    torch.bfloat16\n", []), ("code", "model.half()\n", [])])
    result = scan(text)
    assert [f.rule for f in result.findings] == ["WAC102"]
    (diag,) = result.diagnostics
    assert diag.path == "demo.ipynb" and "cell 1: Python syntax error" in diag.message


def test_invalid_json_and_non_notebooks_are_diagnostics():
    (diag,) = scan('{"cells": [').diagnostics
    assert "not a valid notebook: JSON error at line 1" in diag.message
    (diag,) = scan('{"a": 1}').diagnostics
    assert "not a Jupyter notebook" in diag.message


def test_nbformat3_worksheets():
    nb = {"nbformat": 3, "worksheets": [{"cells": [{"cell_type": "code", "input": ["model.half()\n"],
                                                    "outputs": []}]}]}
    text = json.dumps(nb, indent=1)
    (fp16,) = scan(text).findings
    assert where(text, fp16) == "model.half()"


def test_megabytes_of_output_are_skipped_not_parsed():
    big = [f"step {i} loss {i * 0.001:.3f}\n" for i in range(200_000)]
    outputs = [{"name": "stdout", "output_type": "stream", "text": big + SMI_OUTPUT}]
    text = make([("code", "import torch\nmodel.half()\n", outputs)])
    assert len(text) > 4_000_000
    result = scan(text)
    assert sorted((f.rule, f.value) for f in result.findings) == [("WAC102", "float16"), ("WAC713", "Tesla T4")]


def test_device_name_answers_are_read_only_where_the_code_asked():
    asked = [{"output_type": "execute_result", "execution_count": 1, "metadata": {},
              "data": {"text/plain": ["'NVIDIA A100-SXM4-40GB'"]}}]
    text = make([("code", "import torch\ntorch.cuda.get_device_name(0)\n", asked),
                 ("code", "print(label)\n", asked)])
    (found,) = [f for f in scan(text).findings if f.rule == "WAC713"]
    assert found.properties["cell"] == 1 and found.value == "NVIDIA A100-SXM4-40GB"
    assert found.properties["catalog_ids"] == "nvidia-a100-sxm4-40gb"
    assert where(text, found) == "NVIDIA A100-SXM4-40GB"


def test_repeated_nvidia_smi_tables_in_one_output_point_at_their_own_lines():
    filler = [f"step {i}\n" for i in range(300)]  # more than a table's window apart
    outputs = [{"name": "stdout", "output_type": "stream", "text": SMI_OUTPUT + filler + SMI_OUTPUT}]
    text = make([("code", "!nvidia-smi\n", outputs)])
    found = sorted(scan(text).findings, key=lambda f: f.line)
    assert [f.properties["output_line"] for f in found] == [3, 306]
    assert found[1].line - found[0].line == 303 and all(where(text, f) == "Tesla T4" for f in found)


# --- locations as reported: cell and line within the cell (issue 14) ----------------------------------------------

def test_reports_name_the_cell_and_sarif_the_file_line(tmp_path):
    import json as _json

    from ..conftest import run_cli_in

    notebook = {"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [
        {"cell_type": "markdown", "metadata": {}, "source": ["# Train\n"]},
        {"cell_type": "code", "metadata": {}, "execution_count": None, "outputs": [],
         "source": ["import torch\n", "x = torch.bfloat16\n"]},
    ]}
    text = _json.dumps(notebook, indent=1)
    (tmp_path / "nb.ipynb").write_text(text, encoding="utf-8")
    file_lines = text.splitlines()
    out = run_cli_in(tmp_path, "-q", "--select", "WAC101", ".").output
    assert out.startswith("nb.ipynb:cell 2:2:5: WAC101 "), out
    (finding,) = _json.loads(run_cli_in(tmp_path, "--format", "json", "--select", "WAC101", ".").output)["findings"]
    assert finding["cell"] == {"number": 2, "line": 2, "column": 5}
    line = file_lines[finding["line"] - 1]
    assert line[finding["column"] - 1:finding["end_column"] - 1] == "torch.bfloat16"
    run = _json.loads(run_cli_in(tmp_path, "--format", "sarif", "--sarif-evidence", "--select", "WAC101", ".").output
                      )["runs"][0]
    (region,) = [r["locations"][0]["physicalLocation"]["region"] for r in run["results"]]
    assert region["startLine"] == finding["line"] and region["endLine"] <= len(file_lines)
    assert file_lines[region["startLine"] - 1][region["startColumn"] - 1:region["endColumn"] - 1] == "torch.bfloat16"
