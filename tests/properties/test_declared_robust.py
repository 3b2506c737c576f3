"""The declared-hardware extractors never crash: any text, any JSON shape gives findings or an ExtractionError."""

from __future__ import annotations

import json
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from whackachip_lint.extract import ExtractionError, Source, jobscript, notebook, prose

TOKENS = st.sampled_from([
    "#SBATCH", "##SBATCH", "#PBS", "#BSUB", " --gres=gpu:a100:8", " -N", " 4", "--gpus=", "h100:", "-C", " \"", "'",
    "|", "&", ",", "=", ":", "\n", " ", "trained on", " 8x ", "A100", "H800", "NVIDIA-SMI 535", "|   0  ", " On ",
    "GPU 0: ", "(UUID:", "```", "::", "# ", "- Hardware:", "é", "\t", "select=2:ngpus=4", "-gpu \"num=", "gmodel=",
])
TEXT = st.lists(st.one_of(TOKENS, st.text(max_size=8)), max_size=40).map("".join)
JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=20) | TEXT,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(
        st.sampled_from(["cells", "cell_type", "source", "outputs", "text", "data", "text/plain", "metadata",
                         "worksheets", "input", "colab", "code", "markdown"]), inner, max_size=5),
    max_leaves=25,
)


def source(text: str, kind: str, name: str) -> Source:
    return Source(Path(name), name, kind, text.encode("utf-8", "surrogatepass"))


@settings(max_examples=300, deadline=None)
@given(TEXT)
def test_jobscript_and_docs_take_any_text(text):
    runs = [(jobscript.extract, "shell")] + [(prose.extract, kind) for kind in ("markdown", "rst", "text", "log")]
    for extract, kind in runs:
        try:
            findings = extract(source(text, kind, "x"))
        except ExtractionError:
            continue
        for raw in findings:
            assert raw.span.line >= 1 and raw.span.column >= 1 and raw.span.end_column > raw.span.column


@settings(max_examples=300, deadline=None)
@given(JSON, st.booleans())
def test_notebook_takes_any_json(value, indent):
    text = json.dumps(value, indent=1 if indent else None)
    try:
        findings = notebook.extract(source(text, "notebook", "x.ipynb"))
    except ExtractionError:
        return
    lines = text.splitlines()
    for raw in findings:
        assert 1 <= raw.span.line <= max(len(lines), 1)


# --- shaped inputs: the random text above rarely reaches a finding, so these are built to -----------------------
# Each generated file holds known evidence at known places; the tests assert the findings are exactly that evidence,
# each span covering its own text.

GPUS = ["a100", "h100", "H800", "v100"]  # the value keeps the spelling of the script
HEADER_FILLER = st.sampled_from(["#SBATCH --job-name=train", "#SBATCH --time=01:00:00", "# a plain comment", "",
                                 "#SBATCH --output=%x-%j.out", "#SBATCH --partition=batch"])


@st.composite
def slurm_scripts(draw):
    """(script, expected {(rule, value, text at the span)}) for a SLURM header in random order with fillers."""
    directives = []
    if draw(st.booleans()):
        nodes = draw(st.integers(1, 64))
        directives.append((draw(st.sampled_from([f"#SBATCH -N {nodes}", f"#SBATCH --nodes={nodes}"])),
                           {("WAC402", nodes, str(nodes))}))
    gpu, count = draw(st.sampled_from(GPUS)), draw(st.integers(1, 8))
    directives.append((f"#SBATCH --gres=gpu:{gpu}:{count}", {("WAC710", gpu, gpu), ("WAC401", count, str(count))}))
    lines = draw(st.permutations(directives + [(filler, set()) for filler in draw(st.lists(HEADER_FILLER, max_size=6))]))
    script = "#!/bin/bash\n" + "".join(line + "\n" for line, _ in lines) + "srun python train.py\n"
    return script, set().union(*(expected for _, expected in lines))


@settings(max_examples=150, deadline=None)
@given(slurm_scripts())
def test_jobscript_finds_exactly_the_generated_directives(case):
    script, expected = case
    lines = script.splitlines()
    found = {(raw.rule, raw.value, lines[raw.span.line - 1][raw.span.column - 1:raw.span.end_column - 1])
             for raw in jobscript.extract(source(script, "shell", "job.sh"))}
    assert found == expected


EVIDENCE = "x = torch.zeros(2, dtype=torch.bfloat16)"
CODE_FILLER = st.sampled_from(["import torch", "y = 1", "def f(): return 2", "# a comment", "z = [i for i in range(3)]"])


@st.composite
def notebooks(draw):
    """(notebook JSON text, expected {(cell, cell_line)} of the bf16 dtype line) with random cells and layout."""
    cells, expected = [], set()
    for index in range(draw(st.integers(1, 5))):
        if draw(st.booleans()):
            cells.append({"cell_type": "markdown", "metadata": {}, "source": ["# Notes\n", "some text\n"]})
            continue
        body = draw(st.lists(CODE_FILLER, max_size=4))
        if draw(st.booleans()) or not expected and index == 0:
            at = draw(st.integers(0, len(body)))
            body.insert(at, EVIDENCE)
            expected.add((index + 1, at + 1))
        text = "".join(line + "\n" for line in body)
        as_list = draw(st.booleans())  # nbformat allows a list of lines or one string
        cells.append({"cell_type": "code", "metadata": {}, "execution_count": None, "outputs": [],
                      "source": text.splitlines(keepends=True) if as_list else text})
    doc = {"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    return json.dumps(doc, indent=draw(st.sampled_from([None, 1, 2]))), expected


@settings(max_examples=150, deadline=None)
@given(notebooks())
def test_notebook_findings_point_at_the_generated_lines(case):
    text, expected = case
    lines = text.splitlines()
    found = [raw for raw in notebook.extract(source(text, "notebook", "x.ipynb")) if raw.rule == "WAC101"]
    assert {(raw.properties["cell"], raw.properties["cell_line"]) for raw in found} == expected
    for raw in found:
        assert lines[raw.span.line - 1][raw.span.column - 1:raw.span.end_column - 1] == "torch.bfloat16"
