"""Commands that are vendor facts on their own: vendor device tools, Cloud TPU management, containers run on a
vendor's devices (`docker run --device=/dev/kfd ... rocm/pytorch`) or pulled and created from a vendor's image,
and `pip install` / `conda install` of a vendor's packages (`torch_npu`, `jax[tpu]`, a ROCm wheel index,
`pytorch-cuda=12.1`). Tables in launch_tables.py."""

from __future__ import annotations

import os
import re

from ...evidence import State, Value
from ..images import describe_image
from ..pip_install import PipArgument, install_command
from ..yaml_keys import DEVICE_NODES
from .launch_tables import (
    ACCELERATOR_TYPE_OPTIONS,
    CONTAINER_FLAGS,
    CONTAINER_IMAGE_COMMANDS,
    CONTAINER_RUNNERS,
    GCLOUD_TPU,
    TPU_TYPES,
    VENDOR_TOOLS,
)
from .words import Word
from ...rules.codes import Code


def analyze(name: str, words: list[Word], index: int, state: State, sink) -> bool:
    """Report what the command at `words[index]` (called `name`) says; True when it was one of ours."""
    if name in VENDOR_TOOLS:
        if _only_looked_up(words, index):
            return True
        sink.add(Code.VENDOR_DEVICE_TOOL, VENDOR_TOOLS[name], state, words[index], words[index], f"runs {name}",
                 {"tool": name})
        return True
    if name == "gcloud":
        _gcloud(words, index, state, sink)
        return True
    if name in CONTAINER_RUNNERS and index + 1 < len(words) and words[index + 1].text in CONTAINER_IMAGE_COMMANDS:
        _container_run(words, index, index + 2, state, sink)
        return True
    # What the file cannot decide is "" to the install reader: neither an option nor a requirement.
    arguments = install_command([word.text if word.known else "" for word in words], index)
    if arguments is not None:
        _install(words, arguments, state, sink)
        return True
    return False


def _install(words: list[Word], arguments: list[PipArgument], state: State, sink) -> None:
    """What a pip or conda install installs: packages built for one accelerator, PyTorch variants and their index
    URLs, CUDA toolkits (the same facts as a requirements file's or a conda environment's)."""
    for argument in arguments:
        for fact in argument.facts():
            fact_state = State.CONDITIONAL if fact.conditional and state is State.ENABLED else state
            sink.add(fact.rule, fact.value, fact_state, words[argument.first], words[argument.last], fact.detail,
                     dict(fact.properties))


def _only_looked_up(words: list[Word], index: int) -> bool:
    """`command -v rocm-smi`: asks whether the tool exists, does not run it."""
    return any(w.text in ("-v", "-V") for w in words[:index]) and any(w.text == "command" for w in words[:index])


def _gcloud(words: list[Word], index: int, state: State, sink) -> None:
    texts = [w.text for w in words[index + 1 :] if not w.is_option]
    texts = [t for t in texts if t not in ("alpha", "beta")]
    if tuple(texts[:2]) != GCLOUD_TPU:
        return
    sink.add(Code.VENDOR_DEVICE_TOOL, "google", state, words[index], words[index], "gcloud compute tpus: Cloud TPU",
             {"tool": "gcloud"})
    for position in range(index + 1, len(words)):
        option, equals, inline = words[position].text.partition("=")
        if option not in ACCELERATOR_TYPE_OPTIONS:
            continue
        value = inline if equals else (words[position + 1].text if position + 1 < len(words) else "")
        last = words[position] if equals or position + 1 >= len(words) else words[position + 1]
        if not value or not last.known:
            continue
        ids = next((ids for pattern, ids in TPU_TYPES if pattern.search(value)), None)
        if ids is None:
            continue
        props: dict[str, Value] = {"label": "gcloud:" + option, "vendor": "google", "catalog_ids": ids}
        sink.add(Code.CLOUD_ACCELERATOR_SELECTOR, value, state, words[position], last,
                 f"{option} {value}: a Cloud TPU type", props)


def _container_run(words: list[Word], index: int, start: int, state: State, sink) -> None:
    position = start
    while position < len(words):
        word = words[position]
        if not word.is_option:
            break
        option, equals, inline = word.text.partition("=")
        value, last = (inline, word) if equals else (None, word)
        if not equals and option not in CONTAINER_FLAGS and position + 1 < len(words):
            position += 1
            value, last = words[position].text, words[position]
        position += 1
        if option == "--device" and value:
            node = value.split(":", 1)[0]
            for pattern, vendor, accelerator in DEVICE_NODES:
                if pattern.match(node):
                    sink.add(Code.CONTAINER_DEVICE_PASSTHROUGH, node, state, word, last,
                             f"--device {node} passed to the container", {"vendor": vendor, "accelerator": accelerator})
    if position >= len(words) or not words[position].known:
        return
    image = words[position]
    props = describe_image(image.text)
    if props is not None:
        runner = os.path.basename(words[index].text)
        command = words[index + 1].text
        sink.add(Code.CONTAINER_IMAGE, image.text, state, image, image, f"{runner} {command} {image.text}", dict(props))


# The Ascend (and older MindSpore GPU) launch idiom: one background process per device, numbered by DEVICE_ID.
#   for ((i = 0; i < 8; i++)); do export DEVICE_ID=$i RANK_ID=$i; python train.py & done
_RANK_VARIABLE = re.compile(r"\b(?:DEVICE_ID|ASCEND_DEVICE_ID)\b")
# A program sent to the background: a lone `&` (not `&&`, nor the redirections `2>&1` and `&>`).
_BACKGROUND_RUN = re.compile(r"\b(?:python[\d.]*|bash|sh)\b(?:[^\n;&|]|>&|&>)*(?<![&>])&(?![&>\d])")
_SEQ = re.compile(r"^\$\(\s*seq\s+(?:(\d+)\s+)?(\d+)\s*\)$")
_BRACES = re.compile(r"^\{(\d+)\.\.(\d+)\}$")
_C_STYLE = re.compile(r"\(\(\s*(\w+)\s*=\s*(\d+)\s*;\s*\1\s*(<=?)\s*(\d+)\s*;")


def rank_loop_devices(header: str, values: list[str], body: str) -> int | str | None:
    """Devices a rank loop starts: a number, the loop's text when the file does not decide it, None if no loop."""
    if not _RANK_VARIABLE.search(body) or not _BACKGROUND_RUN.search(body):
        return None
    c_style = _C_STYLE.search(header)
    if c_style:
        first, last = int(c_style.group(2)), int(c_style.group(4))
        return last - first + (1 if c_style.group(3) == "<=" else 0)
    if len(values) == 1:
        seq, braces = _SEQ.match(values[0]), _BRACES.match(values[0])
        if seq:
            return int(seq.group(2)) - int(seq.group(1) or 1) + 1
        if braces:
            return int(braces.group(2)) - int(braces.group(1)) + 1
    if values and all(re.fullmatch(r"\d+", v) for v in values):
        return len(values)
    return " ".join(values) or header
