"""The declared-hardware extractors never crash: any text, any JSON shape gives findings or an ExtractionError."""

from __future__ import annotations

import json
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from whackachip_lint.extract import ExtractionError, Source, docs, jobscript, notebook

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
    runs = [(jobscript.extract, "shell")] + [(docs.extract, kind) for kind in ("markdown", "rst", "text", "log")]
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
