"""Declared hardware in READMEs, docs and logs: statements in force, every other mention only mentioned."""

from __future__ import annotations

import pytest

from whackachip_lint.config import Settings

from ..conftest import scan_snippet


def rows(code: str, kind: str = "markdown", filename: str | None = None):
    result = scan_snippet(code, kind, filename)
    assert not result.diagnostics, result.diagnostics
    return [(f.rule, f.value, f.state.value, f.line, f.column) for f in result.findings]


README = """# Foo-7B

Foo-7B is a language model. The model was trained on 64 H800
GPUs for 30 days. It can also be fine-tuned on a single RTX 4090.

## Training details

- Hardware: 8x A100 80GB
- Training took 21 days on 2,048 Ascend 910B NPUs.

| GPU | Peak bf16 TFLOPS |
|---|---|
| H100 | 989 |
| Training hardware | 64 x H800 |

## Requirements

- GPU: A100 (see [the datasheet](https://example.com/H100-datasheet.pdf))

```
# trained on 8 V100 GPUs
```
We have tested the code on A100 and V100, e.g. V100 works.
The upstream project trained on 1024 A100s.
"""


def test_readme_statements_and_mentions():
    assert rows(README) == [
        ("WAC712", "H800", "enabled", 3, 57),  # the sentence runs on to the next line
        ("WAC712", "RTX 4090", "mentioned", 4, 57),  # "can": a possibility, not a run
        ("WAC712", "A100 80GB", "enabled", 8, 16),  # a hardware label
        ("WAC712", "Ascend 910B", "enabled", 9, 34),
        ("WAC712", "H100", "mentioned", 13, 3),  # a table of peak FLOPs
        ("WAC712", "H800", "enabled", 14, 28),  # a table row labelled as training hardware
        ("WAC712", "A100", "mentioned", 18, 8),  # under Requirements
        ("WAC712", "A100", "mentioned", 23, 28),  # tested on
        ("WAC712", "V100", "mentioned", 23, 37),
        ("WAC712", "V100", "mentioned", 23, 48),
        ("WAC712", "A100", "mentioned", 24, 38),  # someone else's run
    ]


def test_counts_and_catalog_properties():
    found = {f.line: dict(f.properties) for f in scan_snippet(README, "markdown").findings}
    assert found[3]["count"] == 64 and found[3]["catalog_ids"] == "nvidia-h800 nvidia-h800-pcie"
    assert found[9]["count"] == 2048 and found[9]["gpu"] == "huawei-ascend-910b"
    assert found[8]["count"] == 8 and found[8]["catalog_ids"] == "nvidia-a100-sxm4-80gb nvidia-a100-pcie-80gb"
    assert "count" not in found[13]


def test_a_count_glued_to_the_name_is_read():
    (found,) = scan_snippet("We trained GPT-2 on a single 8XA100 40GB node.\n", "markdown").findings
    assert (found.value, found.state.value, found.properties["count"]) == ("A100 40GB", "enabled", 8)
    assert found.properties["catalog_ids"] == "nvidia-a100-sxm4-40gb nvidia-a100-pcie-40gb"
    (spaced,) = scan_snippet("Fine-tuned on an 8X A100 node.\n", "markdown").findings
    assert spaced.properties["count"] == 8


@pytest.mark.parametrize(
    "sentence",
    [
        "This kernel requires an A100 or newer.",
        'RuntimeError("FP8 needs an H100")',
        "Peak throughput on H100 is 989 TFLOPS.",
        "Inference was run on a single T4.",
        "We plan to train on H100 GPUs next year.",
        "If you train on V100 GPUs, use fp16.",
        "Our model can be trained on 8 A100 GPUs.",
        "Meta's original model was trained on 2048 A100 GPUs.",
        "Our CI runs the unit tests on a single T4 runner.",
        "The benchmark script defaults to an A100 profile (--gpu a100).",
        "Training on H100 is faster than on A100.",
        "The training recipe is in 8 parts, one per A100 size.",
        "If you have a machine with 8 A100 GPUs, raise the batch size.",
        "Serving needs a node with 8 H100 GPUs.",
        "Each node of the cluster holds 8 H100 GPUs.",
    ],
)
def test_hedged_or_foreign_sentences_are_only_mentioned(sentence):
    states = {r[2] for r in rows(sentence + "\n")}
    assert states == {"mentioned"}, rows(sentence + "\n")


@pytest.mark.parametrize(
    ("sentence", "value"),
    [
        ("We trained the model on 512 H100 GPUs.", "H100"),
        ("Pretraining used 1,024 Ascend 910B NPUs over three weeks.", "Ascend 910B"),
        ("Fine-tuning was done with 8x A800 GPUs.", "A800"),
        ("The 7B model was trained using TPU v4 chips.", "TPU v4"),
        ("- Training time is ~42h in 64 V100 GPUs (800 epochs).", "V100"),
        # the machine a documented set-up is written for
        ("The following setup assumes a single machine with 8xA100 80GB, the last one hosting the reward model.",
         "A100 80GB"),
        ("> The commands below are configured for a node of 8 x H100s (80GB).", "H100s (80GB)"),
    ],
)
def test_training_statements_are_in_force(sentence, value):
    assert ("WAC712", value, "enabled") in [r[:3] for r in rows(sentence + "\n")]


def test_a_machine_under_requirements_is_no_declaration():
    text = "## Hardware requirements\n\nA machine with 8x A100 80GB.\n\n## Training\n\nOne node with 8x H100.\n"
    assert [r[:3] for r in rows(text)] == [("WAC712", "A100 80GB", "mentioned"), ("WAC712", "H100", "enabled")]


@pytest.mark.parametrize("heading", ["## Changelog", "## 🔥 News", "### Latest updates", "## Release notes",
                                     "## What's new", "## Blogs", "## 更新日志", "## ニュース",
                                     "## Noticias y Actualizaciones", "## Nouvelles et mises à jour"])
def test_news_and_changelog_sections_declare_nothing(heading):
    # A dated news item reports an event (a notebook, another team's run), not this repository's training hardware.
    text = f"{heading}\n\n[24/04/22] We provided a Colab notebook for fine-tuning Llama-3 on a free T4 GPU.\n"
    assert [r[:3] for r in rows(text)] == [("WAC712", "T4", "mentioned")]


def test_a_training_section_after_the_news_still_declares():
    text = ("## News\n\n- We released a notebook for fine-tuning on a free T4 GPU.\n\n"
            "## Training\n\nWe trained the model on 512 H100 GPUs.\n")
    assert [r[:3] for r in rows(text)] == [("WAC712", "T4", "mentioned"), ("WAC712", "H100", "enabled")]


def test_short_names_need_upper_case_in_prose():
    assert rows("Set l4 to 2 and h20 to 3.\n") == []


def test_urls_and_links_are_not_mentions():
    assert rows("See https://example.com/a100/specs and [specs](https://x.org/H100.pdf).\n") == []


SMI = """epoch 0 starting
Sat Mar  2 10:00:00 2024
+-----------------------------------------------------------------------------+
| NVIDIA-SMI 535.104.05   Driver Version: 535.104.05   CUDA Version: 12.2     |
|-------------------------------+----------------------+----------------------+
| GPU  Name        Persistence-M| Bus-Id        Disp.A | Volatile Uncorr. ECC |
|===============================+======================+======================|
|   0  NVIDIA H800         On   | 00000000:18:00.0 Off |                    0 |
|   1  NVIDIA H800         On   | 00000000:2A:00.0 Off |                    0 |
+-------------------------------+----------------------+----------------------+

GPU 0: NVIDIA A100-SXM4-80GB (UUID: GPU-0a1b)
[rank0] Using device: NVIDIA A100-SXM4-80GB
RuntimeError: this build requires an A100
"""


def test_log_nvidia_smi_table_list_and_device_report():
    got = rows(SMI, "log")
    assert got == [
        ("WAC713", "NVIDIA H800", "enabled", 8, 8),
        ("WAC713", "NVIDIA A100-SXM4-80GB", "enabled", 12, 8),
        ("WAC712", "A100", "mentioned", 14, 38),
    ]
    props = {f.line: dict(f.properties) for f in scan_snippet(SMI, "log").findings}
    assert props[8]["count"] == 2 and props[8]["catalog_ids"] == "nvidia-h800"
    assert props[12]["count"] == 2 and props[12]["catalog_ids"] == "nvidia-a100-sxm4-80gb"


def test_nvidia_l2_in_a_log_is_not_the_l20():
    # "NVIDIA L2" (24 GB) is a different product: it names no catalog entry rather than the L20.
    findings = scan_snippet("GPU 0: NVIDIA L2 (UUID: GPU-0a1b)\nGPU 1: NVIDIA L20 (UUID: GPU-0a1c)\n", "log").findings
    ids = {f.value: f.properties.get("catalog_ids", "") for f in findings if f.rule == "WAC713"}
    assert ids == {"NVIDIA L2": "", "NVIDIA L20": "nvidia-l20"}


def test_rst_literal_blocks_are_not_prose():
    code = "Training\n========\n\nExample::\n\n    trained on 8 V100 GPUs\n\nWe trained on 16 H100 GPUs.\n"
    assert rows(code, "rst") == [("WAC712", "H100", "enabled", 8, 18)]


def test_no_docs_leaves_documentation_out():
    result = scan_snippet(README, "markdown", settings=Settings(include_docs=False))
    assert result.findings == [] and result.diagnostics == []


def test_tokenizer_vocabulary_is_not_a_declaration():
    vocab = "\n".join(["the", "A100", "GPU", "H100", "trained"]) + "\n"
    assert {r[2] for r in rows(vocab, "text", "vocab.txt")} == {"mentioned"}


def test_query_gpu_csv_and_device_properties_in_logs():
    log = (
        "$ nvidia-smi --query-gpu=name,memory.total --format=csv\n"
        "name, memory.total [MiB]\n"
        "NVIDIA H800, 81559 MiB\n"
        "NVIDIA H800, 81559 MiB\n"
        "\n"
        "_CudaDeviceProperties(name='NVIDIA L40S', major=8, minor=9, total_memory=45589MB)\n"
        "NVIDIA L40S\n"  # a bare name is not read in a log: nothing asked for it here
    )
    got = [(r[0], r[1], r[2], r[3]) for r in rows(log, "log")]
    assert got[:2] == [("WAC713", "NVIDIA H800", "enabled", 3), ("WAC713", "NVIDIA L40S", "enabled", 6)]
    assert ("WAC712", "NVIDIA L40S", "mentioned", 7) in got
    (h800,) = [f for f in scan_snippet(log, "log").findings if f.value == "NVIDIA H800"]
    assert h800.properties["count"] == 2 and h800.properties["source"] == "nvidia-smi --query-gpu"


@pytest.mark.parametrize(
    ("sentence", "value", "state", "count"),
    [
        ("模型在2048张H800 GPU上训练了30天。", "H800", "enabled", 2048),  # trained on 2048 H800s for 30 days
        ("我们使用64张Ascend 910B进行预训练。", "Ascend 910B", "enabled", 64),  # we pretrained with 64 910Bs
        ("本项目支持A100和H100。", "A100", "mentioned", None),  # the project supports A100 and H100
        ("推理可以在单张RTX 4090上运行。", "RTX 4090", "mentioned", None),  # inference can run on one 4090
    ],
)
def test_chinese_readmes(sentence, value, state, count):
    (found, *_) = [f for f in scan_snippet(sentence + "\n", "markdown").findings if f.value == value]
    assert found.state.value == state
    assert found.properties.get("count") == count


@pytest.mark.parametrize("mark", ["&trade;", "&reg;", "&#8482;", "&#x2122;", "&nbsp;"])
def test_html_character_references_do_not_end_a_sentence(mark):
    # Vendor READMEs write trademarks as HTML entities; the entity's ";" is not the end of the sentence.
    sentence = f"For training, it only takes 2 days on a single node with 8 AMD Instinct{mark} MI300X GPUs.\n"
    (found,) = [f for f in scan_snippet(sentence, "markdown").findings if f.rule == "WAC712"]
    assert (found.value, found.state.value, found.properties.get("count")) == ("AMD Instinct MI300X", "enabled", 8)


def test_a_semicolon_between_words_still_ends_a_sentence():
    # A real ";" keeps separating clauses: the H100 here sits in a clause that states no run.
    assert [r[2] for r in rows("Training is cheap; the H100 has 80 GB of memory.\n")] == ["mentioned"]


def test_a_hardware_list_in_readme_prose_is_a_declaration_not_a_device_report():
    # "GPU: NVIDIA ..." in a README's own text is the author's statement (weak); printed in a code block, or in a
    # log, it is a device report a program wrote (strong).
    prose = "## Environment\n\n* GPU: NVIDIA GeForce RTX 3090 (24GB) * 8\n"
    assert [r[:3] for r in rows(prose)] == [("WAC712", "NVIDIA GeForce RTX 3090 (24GB)", "enabled")]
    fenced = "## Output\n\n```\nGPU: NVIDIA GeForce RTX 3090\n```\n"
    assert [r[:3] for r in rows(fenced)] == [("WAC713", "NVIDIA GeForce RTX 3090", "enabled")]
    assert [r[:3] for r in rows("GPU: NVIDIA GeForce RTX 3090\n", "log")] == [
        ("WAC713", "NVIDIA GeForce RTX 3090", "enabled")]


def test_a_device_report_name_leaves_out_an_unclosed_parenthesis():
    log = "GPU: NVIDIA GeForce RTX 3090 (24GB)\nUsing device: NVIDIA A100-SXM4-80GB (cuda:0)\n"
    assert [(r[1], r[3]) for r in rows(log, "log")] == [("NVIDIA GeForce RTX 3090", 1), ("NVIDIA A100-SXM4-80GB", 2)]
