"""One vocabulary (whackachip_lint/vocab/): each concept defined once, and every format reads it the same way."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import whackachip_lint
from whackachip_lint.evidence import State
from whackachip_lint.infer.recipes import Recipe, resolve_in_recipe
from whackachip_lint.vocab.attention import ATTN_IMPLEMENTATIONS
from whackachip_lint.vocab.backends import COLLECTIVE_BACKENDS
from whackachip_lint.vocab.commands import WRAPPERS
from whackachip_lint.vocab.deepspeed import OFFLOAD_BLOCKS, PRECISION_BLOCKS
from whackachip_lint.vocab.devices import DEVICE_TYPES, device_type
from whackachip_lint.vocab.precision import PRECISION_SPELLINGS, precision_of
from whackachip_lint.vocab.truth import FALSE_WORDS, TRUE_WORDS, truth

from ..conftest import finding_rows
from ..infer_helpers import finding

PACKAGE = Path(whackachip_lint.__file__).parent

# concept -> (its words, how many of them a literal collection must hold to be a copy of it)
CONCEPTS = {
    "truth words": (TRUE_WORDS | FALSE_WORDS, 3),
    "collective backends": (COLLECTIVE_BACKENDS, 3),
    "device types": (DEVICE_TYPES, 5),  # fewer: a table of something else (the tensor methods `.cuda()`, `.npu()`)
    "precision spellings": (frozenset({"bf16-mixed", "bf16-true", "16-mixed", "16-true", "fp16-mixed"}), 2),
    "DeepSpeed offload blocks": (frozenset(OFFLOAD_BLOCKS), 2),
    "attention implementations": (frozenset(ATTN_IMPLEMENTATIONS), 2),
    "command wrappers": (WRAPPERS, 3),
}


def literal_words(node: ast.AST) -> set[str] | None:
    """The lower-cased strings of a set, tuple, list or dict literal (a dict's keys), or None for other nodes."""
    if isinstance(node, (ast.Set, ast.Tuple, ast.List)):
        items = node.elts
    elif isinstance(node, ast.Dict):
        items = [key for key in node.keys if key is not None]
    else:
        return None
    return {item.value.lower() for item in items if isinstance(item, ast.Constant) and isinstance(item.value, str)}


def copies(source: str) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(ast.parse(source)):
        words = literal_words(node)
        for concept, (vocabulary, enough) in CONCEPTS.items():
            if words and len(words & vocabulary) >= enough:
                found.append((node.lineno, concept))
    return found


def test_each_concept_is_defined_once_in_the_vocabulary():
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(PACKAGE).as_posix()
        # The definitions; the rules' trigger words and examples and the pre-filter's short words are search words.
        if relative.startswith(("vocab/", "rules/", "triggers.py")):
            continue
        found += [f"{relative}:{line}: a copy of the {concept}" for line, concept in copies(path.read_text("utf-8"))]
    assert found == []


@pytest.mark.parametrize("source, expected", [
    ('_TRUE = {"1", "true", "yes"}\n', [(1, "truth words")]),
    ('BACKENDS = frozenset({"nccl", "gloo", "mpi", "hccl"})\n', [(1, "collective backends")]),
    ('P = {"bf16": 1, "bf16-mixed": 1, "half": 2, "16-mixed": 2}\n', [(1, "precision spellings")]),
    ('if parent in ("offload_optimizer", "offload_param"):\n    pass\n', [(1, "DeepSpeed offload blocks")]),
    ('_WRAPPERS = frozenset({"nohup", "time", "env", "exec"})\n', [(1, "command wrappers")]),
    ('KEYS = ("true_positive", "false_alarm", "yes_no")\nX = {"nccl": 1}\n', []),
])
def test_the_scan_for_copies_sees_literal_sets_of_vocabulary_words(source, expected):
    assert copies(source) == expected


def test_vocabulary_lookups():
    assert [truth(w) for w in ("on", " Y ", "t", "1", "off", "N", "0", "auto", "", None, True)] == [
        True, True, True, True, False, False, False, None, None, None, True]
    assert {"rccl", "xccl", "xla"} <= COLLECTIVE_BACKENDS
    assert (device_type("cuda:0"), device_type("Ascend"), device_type("tpu"), device_type("GPU")) == ("cuda", "npu", "xla", None)
    assert precision_of("Half") == PRECISION_SPELLINGS["half"] and precision_of("fp32") is None
    assert precision_of("torch.float8_e4m3fn") == ("WAC105", "float8_e4m3fn")
    assert PRECISION_BLOCKS["bfloat16"] == "WAC101"


# -- merged copies: what a format learned from the others (each failed before the vocabulary) -------------------


@pytest.mark.parametrize("word, state", [("on", State.ENABLED), ("y", State.ENABLED), ("t", State.ENABLED),
                                         ("off", State.DISABLED), ("n", State.DISABLED)])
def test_a_launch_passes_a_python_switch_with_any_truth_word(word, state):
    option = finding("WAC101", True, state="mentioned", path="train.py", line=3, flag="--bf16")
    launch = finding("WAC404", "torchrun", path="run.sh", line=5, script="train.py", script_args=f"--bf16 {word}")
    recipe = Recipe("run.sh", {"run.sh", "train.py"}, {""})
    assert resolve_in_recipe([option, launch], recipe)[0].state is state


@pytest.mark.parametrize("word, state", [("off", "disabled"), ("n", "disabled"), ("on", "enabled"), ("False", "disabled")])
def test_a_launchs_fine_tuning_switch_takes_every_truth_word(word, state):
    rows = finding_rows(f"torchrun train.py --use_peft {word} --bf16\n", "shell", "run.sh")
    assert [(r[1], r[2]) for r in rows if r[0] == "WAC510"] == [("lora", state)]


@pytest.mark.parametrize("code, expected", [
    ("bf16: y\n", [("WAC101", "bf16", "enabled", 1)]),
    ("bf16: t\n", [("WAC101", "bf16", "enabled", 1)]),
    ("fp16: n\n", [("WAC102", "fp16", "disabled", 1)]),
    ("bf16: maybe\n", []),
])
def test_yaml_switches_take_every_truth_word(code, expected):
    assert finding_rows(code, "yaml", "config.yaml") == expected


@pytest.mark.parametrize("enabled, state", [('"on"', "enabled"), ('"yes"', "enabled"), ('"off"', "disabled"),
                                            ('"sometimes"', "conditional")])
def test_deepspeed_json_switches_take_every_truth_word(enabled, state):
    rows = finding_rows('{"bf16": {"enabled": %s}, "train_batch_size": 8}\n' % enabled, "json", "ds_config.json")
    assert [r for r in rows if r[0] == "WAC101"] == [("WAC101", "bf16", state, 1)]


@pytest.mark.parametrize("code, kind, name", [
    ('ds = {"zero_optimization": {"stage": 2, "cpu_offload": True}}\n', "python", "train.py"),
    ("zero_optimization:\n  stage: 2\n  cpu_offload: true\n", "yaml", "ds_config.yaml"),
    ('{"zero_optimization": {"stage": 2, "cpu_offload": true}}\n', "json", "ds_config.json"),
])
def test_every_format_knows_deepspeeds_legacy_cpu_offload(code, kind, name):
    offload = [r for r in finding_rows(code, kind, name) if r[0] == "WAC502"]
    assert [(rule, value, state) for rule, value, state, _ in offload] == [("WAC502", "cpu", "enabled")]
    off = finding_rows(code.replace("True", "False").replace("true", "false"), kind, name)
    assert [(r[1], r[2]) for r in off if r[0] == "WAC502"] == [("cpu", "disabled")]


def test_cpu_offload_outside_zero_optimization_is_not_zero_offload():
    assert not [r for r in finding_rows("trainer:\n  cpu_offload: true\n", "yaml", "config.yaml") if r[0] == "WAC502"]
    assert not [r for r in finding_rows("m = FSDP(model, cpu_offload=True)\n", "python", "train.py") if r[0] == "WAC502"]


@pytest.mark.parametrize("backend", ["rccl", "xccl"])
def test_launch_flags_know_every_backend(backend):
    rows = finding_rows(f"torchrun --nproc_per_node 8 train.py --ddp_backend {backend}\n", "shell", "run.sh")
    assert [r[:3] for r in rows if r[0] == "WAC201"] == [("WAC201", backend, "enabled")]


@pytest.mark.parametrize("code, kind, name", [
    ('context:\n  mode: 0\n  device_target: "Ascend"\n', "yaml", "run_glm.yaml"),  # MindSpore configs
    ("python train.py --device_target Ascend\n", "shell", "run.sh"),
    ('import mindspore as ms\nms.set_context(device_target="Ascend")\n', "python", "train.py"),
])
def test_every_format_knows_every_device_name(code, kind, name):
    assert [r[:3] for r in finding_rows(code, kind, name) if r[0] == "WAC204"] == [("WAC204", "npu", "enabled")]
    assert not [r for r in finding_rows(code.replace("Ascend", "CPU"), kind, name) if r[0] == "WAC204"]


def test_python_knows_torch_xlas_backend():
    rows = finding_rows('import torch.distributed as dist\ndist.init_process_group("xla")\n', "python", "train.py")
    assert [r[:3] for r in rows if r[0] == "WAC201"] == [("WAC201", "xla", "enabled")]


@pytest.mark.parametrize("code, kind, name, expected", [
    ("trainer:\n  precision: fp16-mixed\n", "yaml", "config.yaml", ("WAC102", "fp16-mixed")),
    ("mixed_precision: mxfp8\n", "yaml", "config.yaml", ("WAC104", "mxfp8")),
    ("accelerate launch --mixed_precision amp_bf16 train.py\n", "shell", "run.sh", ("WAC101", "bf16")),
    ('from lightning import Trainer\nt = Trainer(precision="amp_fp16")\n', "python", "train.py", ("WAC102", "16-mixed")),
    ("@dataclass\nclass TrainConfig:\n    precision: str = 'amp_bf16'\n", "python", "config.py", ("WAC101", "bf16-mixed")),
])
def test_every_format_knows_every_precision_spelling(code, kind, name, expected):
    rule = expected[0]
    assert [r[:2] for r in finding_rows(code, kind, name) if r[0] == rule] == [expected]
