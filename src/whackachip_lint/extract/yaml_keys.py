"""What YAML keys mean for hardware: the tables and one handler per kind of key.

A handler gets (key, value node, parent key, the mapping, context) and returns `Hit`s; the walker in
extract/yaml_config.py places them. Keys are data (`KEY_HANDLERS`, `RESOURCES`, `LABELS`): add a key by
adding a row. DeepSpeed keys follow DeepSpeed's JSON schema (a small mapping of our own; DeepSpeed
configs written as JSON go through extract/deepspeed.py).
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass
from typing import Any, Callable, Optional

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from ..evidence import Span, State, Value
from .images import describe_image
from .textspan import env_findings
from ..rules.codes import Code
from ..vocab.attention import ATTN_IMPLEMENTATIONS
from ..vocab.deepspeed import (
    LEGACY_CPU_OFFLOAD, LEGACY_OFFLOAD_DEVICE, NO_OFFLOAD, OFFLOAD_BLOCKS, OFFLOAD_DEVICES, ZERO_BLOCK,
)
from ..vocab.devices import device_type
from ..vocab.precision import precision_of
from ..vocab.truth import truth

_CONSTRUCTOR = yaml.constructor.SafeConstructor()


def scalar(node: Node) -> Value:
    """The typed value of a scalar node (bool, int, float, None, str); non-scalars give None."""
    if not isinstance(node, ScalarNode):
        return None
    try:
        value = _CONSTRUCTOR.construct_object(node, deep=False)
    except Exception:  # a malformed timestamp or number: keep the text
        return node.value
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    return str(node.value)


@dataclass
class Hit:
    """One thing a handler found: rule, value, state, detail, properties; where is filled by the walker."""

    rule: str
    value: Value
    state: State
    detail: str = ""
    properties: Optional[dict[str, Value]] = None
    node: Optional[Node] = None  # narrower place than the key/value pair, if any


# ----------------------------------------------------------------------------------------------
# What values mean (data).

PRECISION_KEYS = frozenset({
    "mixed_precision", "precision", "dtype", "torch_dtype", "param_dtype", "compute_dtype", "mixed_precision_dtype",
    "model_dtype", "amp_dtype", "autocast_dtype", "train_dtype", "reduce_dtype", "buffer_dtype",
})
# Boolean switches (or DeepSpeed {"enabled": ...} blocks) -> rule.
SWITCH_KEYS: dict[str, str] = {
    "bf16": Code.BF16_PRECISION, "use_bf16": Code.BF16_PRECISION, "amp_bf16": Code.BF16_PRECISION,
    "fp16": Code.FP16_PRECISION, "use_fp16": Code.FP16_PRECISION,
    "tf32": Code.TF32_MATMUL, "allow_tf32": Code.TF32_MATMUL,
    "fp8": Code.FP8_COMPUTE, "use_fp8": Code.FP8_COMPUTE,
}
# Config files name the device class their runs use: `accelerator: gpu` there is a CUDA (or ROCm) GPU.
YAML_DEVICE_VALUES: dict[str, str] = {"gpu": "cuda"}
DEVICE_KEYS = frozenset({"accelerator", "device", "device_type", "device_target"})
# accelerate's distributed_type -> (rule, value).
DISTRIBUTED_TYPES: dict[str, tuple[str, Value]] = {
    "MULTI_GPU": (Code.DEVICE_TYPE, "cuda"), "MULTI_NPU": (Code.DEVICE_TYPE, "npu"),
    "MULTI_XPU": (Code.DEVICE_TYPE, "xpu"), "MULTI_HPU": (Code.DEVICE_TYPE, "hpu"),
    "MULTI_MLU": (Code.DEVICE_TYPE, "mlu"), "MULTI_MUSA": (Code.DEVICE_TYPE, "musa"),
    "TPU": (Code.DEVICE_TYPE, "xla"), "XLA": (Code.DEVICE_TYPE, "xla"), "FSDP": (Code.FSDP, "fsdp"),
}
PER_NODE_KEYS = frozenset({"num_processes", "nproc_per_node", "nprocPerNode", "gpus_per_node", "num_gpus", "devices"})
NODE_KEYS = frozenset({"num_machines", "num_nodes", "nnodes"})
CONFIG_KEYS = frozenset({"deepspeed_config_file", "deepspeed", "deepspeed_config"})
ENV_KEYS = frozenset({"env", "environment", "envs", "env_vars", "variables"})

# Kubernetes extended resources -> (vendor, accelerator).
RESOURCES: dict[str, tuple[str, str]] = {
    "nvidia.com/gpu": ("nvidia", "gpu"),
    "amd.com/gpu": ("amd", "gpu"),
    "habana.ai/gaudi": ("intel", "hpu"),
    "huawei.com/ascend910": ("huawei", "npu"),
    "huawei.com/ascend910b": ("huawei", "npu"),
    "huawei.com/ascend310": ("huawei", "npu"),
    "huawei.com/ascend310p": ("huawei", "npu"),
    "google.com/tpu": ("google", "tpu"),
    "gpu.intel.com/i915": ("intel", "xpu"),
    "gpu.intel.com/xe": ("intel", "xpu"),
    "aws.amazon.com/neuron": ("aws", "neuron"),
    "aws.amazon.com/neuroncore": ("aws", "neuron"),
    "aws.amazon.com/neurondevice": ("aws", "neuron"),
}
_MIG_RESOURCE = re.compile(r"^nvidia\.com/mig-\d+g\.\d+gb$")
# Node labels -> (rule, vendor or None).
LABELS: dict[str, tuple[str, Optional[str]]] = {
    "nvidia.com/gpu.product": (Code.GPU_PRODUCT_SELECTOR, "nvidia"),
    "nvidia.com/gpu.family": (Code.GPU_PRODUCT_SELECTOR, "nvidia"),
    "nvidia.com/gpu.memory": (Code.GPU_PRODUCT_SELECTOR, "nvidia"),
    "nvidia.com/gpu.machine": (Code.GPU_PRODUCT_SELECTOR, "nvidia"),
    "amd.com/gpu.product-name": (Code.GPU_PRODUCT_SELECTOR, "amd"),
    "amd.com/gpu.family": (Code.GPU_PRODUCT_SELECTOR, "amd"),
    "amd.com/gpu.device-id": (Code.GPU_PRODUCT_SELECTOR, "amd"),
    "gpu.intel.com/product": (Code.GPU_PRODUCT_SELECTOR, "intel"),
    "gpu.intel.com/family": (Code.GPU_PRODUCT_SELECTOR, "intel"),
    "cloud.google.com/gke-accelerator": (Code.CLOUD_ACCELERATOR_SELECTOR, None),
    "cloud.google.com/gke-tpu-accelerator": (Code.CLOUD_ACCELERATOR_SELECTOR, "google"),
    "cloud.google.com/gke-tpu-topology": (Code.CLOUD_ACCELERATOR_SELECTOR, "google"),
    "node.kubernetes.io/instance-type": (Code.CLOUD_ACCELERATOR_SELECTOR, None),
    "beta.kubernetes.io/instance-type": (Code.CLOUD_ACCELERATOR_SELECTOR, None),
    "karpenter.k8s.aws/instance-gpu-name": (Code.CLOUD_ACCELERATOR_SELECTOR, None),
    "karpenter.k8s.aws/instance-family": (Code.CLOUD_ACCELERATOR_SELECTOR, None),
}
_LABEL_VENDOR = (("nvidia", "nvidia"), ("tpu", "google"), ("amd", "amd"), ("mi300", "amd"), ("gaudi", "intel"))
# Device nodes passed into containers -> (vendor, accelerator).
DEVICE_NODES: tuple[tuple[re.Pattern[str], str, str], ...] = (
    (re.compile(r"^/dev/kfd$"), "amd", "gpu"),
    (re.compile(r"^/dev/davinci(?:\d+|_manager)$"), "huawei", "npu"),
    (re.compile(r"^/dev/nvidia\d+$"), "nvidia", "gpu"),
    (re.compile(r"^/dev/neuron\d+$"), "aws", "neuron"),
)
RUNTIME_KEYS = frozenset({"runtime", "runtimeClassName", "driver"})
RUNTIMES: dict[str, tuple[str, str]] = {"nvidia": ("nvidia", "gpu"), "amd": ("amd", "gpu"), "habana": ("intel", "hpu")}


# ----------------------------------------------------------------------------------------------
# Handlers: (key, value node, parent key, mapping node, context) -> hits. The context is the walker's
# (extract/yaml_config.Context); handlers read only `ctx.source.relpath` from it.

Handler = Callable[[str, Node, Optional[str], MappingNode, Any], list[Hit]]


def _text(value: Value) -> str:
    return str(value).strip().lower() if value is not None else ""


def _switch_state(value: Value) -> Optional[State]:
    if value is True:
        return State.ENABLED
    if value is False:
        return State.DISABLED
    text = _text(value)
    if text == "auto":
        return State.CONDITIONAL
    on = truth(text)
    if on is None:
        return State.DISABLED if text == "none" else None
    return State.ENABLED if on else State.DISABLED


def _child(mapping: Node, name: str) -> Optional[Node]:
    if isinstance(mapping, MappingNode):
        for key, value in mapping.value:
            if isinstance(key, ScalarNode) and key.value == name:
                return value
    return None


def precision_hits(key: str, node: Node, parent, mapping, ctx) -> list[Hit]:
    value = scalar(node)
    found = precision_of(_text(value))
    if found is None:
        return []
    return [Hit(found[0], str(value), State.ENABLED, f"{key}: {value}", {"key": key})]


def switch_hits(key: str, node: Node, parent, mapping, ctx) -> list[Hit]:
    rule = SWITCH_KEYS[key]
    target = node
    if isinstance(node, MappingNode):  # DeepSpeed style: bf16: {enabled: true}
        enabled = _child(node, "enabled")
        if enabled is None:
            return []
        target = enabled
    value = scalar(target)
    state = _switch_state(value)
    if state is None and rule == Code.FP8_COMPUTE and isinstance(value, str) and value.strip():
        state = State.ENABLED  # fp8: hybrid / e4m3
    if state is None:
        return []
    detail = f"{key}: {value}" + (" (filled in from the launcher's flags)" if state is State.CONDITIONAL else "")
    props: dict[str, Value] = {"key": key if target is node else f"{key}.enabled"}
    if state is State.CONDITIONAL:
        props["auto"] = True
    return [Hit(rule, key, state, detail, props, target)]


def zero_stage_hits(key: str, node: Node, parent, mapping, ctx) -> list[Hit]:
    if key == "stage" and parent != "zero_optimization":
        return []
    value = scalar(node)
    if _text(value) == "auto":
        return [Hit(Code.ZERO_STAGE, "auto", State.CONDITIONAL, f"{key}: auto", {"auto": True})]
    if isinstance(value, bool) or not isinstance(value, int):
        return []
    return [Hit(Code.ZERO_STAGE, value, State.DISABLED if value == 0 else State.ENABLED, f"{key}: {value}")]


def offload_hits(key: str, node: Node, parent, mapping, ctx) -> list[Hit]:
    if key == "device" and parent not in OFFLOAD_BLOCKS:
        return []
    text = _text(scalar(node))
    if text not in OFFLOAD_DEVICES and text != NO_OFFLOAD:
        return []
    state = State.DISABLED if text == NO_OFFLOAD else State.ENABLED
    # DeepSpeed's `offload_param: {device: cpu}` is shown by its block; accelerate's `offload_param_device` by itself.
    return [Hit(Code.ZERO_OFFLOAD, text, state, f"{parent if key == 'device' else key}: {text}")]


def legacy_offload_hits(key: str, node: Node, parent, mapping, ctx) -> list[Hit]:
    """ZeRO-1/2's older `cpu_offload: true` inside `zero_optimization`: the optimizer state lives on the CPU."""
    on = truth(scalar(node)) if parent == ZERO_BLOCK else None
    if on is None:
        return []
    state = State.ENABLED if on else State.DISABLED
    return [Hit(Code.ZERO_OFFLOAD, LEGACY_OFFLOAD_DEVICE, state, f"{parent}.{key}: {scalar(node)}", {"key": key})]


def count_hits(rule: str, disabled_at: Optional[int] = None) -> Handler:
    def handler(key: str, node: Node, parent, mapping, ctx) -> list[Hit]:
        value = scalar(node)
        if _text(value) == "auto":
            return [Hit(rule, "auto", State.CONDITIONAL, f"{key}: auto", {"key": key, "auto": True})]
        if isinstance(value, str) and value.strip().isdigit():
            value = int(value.strip())
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            return []
        state = State.DISABLED if disabled_at is not None and value <= disabled_at else State.ENABLED
        detail = f"{key}: {value}"
        props: dict[str, Value] = {"key": key}
        if key == "num_processes":
            # accelerate counts processes over all machines: per node is the total over num_machines.
            machines = scalar(_child(mapping, "num_machines")) if _child(mapping, "num_machines") else 1
            if isinstance(machines, int) and not isinstance(machines, bool) and machines > 1:
                props["total"] = value
                if value % machines == 0:
                    value = value // machines
                    detail += f" over num_machines: {machines}"
                else:
                    state = State.CONDITIONAL
                    detail += f" over num_machines: {machines} (uneven)"
        return [Hit(rule, value, state, detail, props)]

    return handler


def config_hits(key: str, node: Node, parent, mapping, ctx) -> list[Hit]:
    value = scalar(node)
    if not isinstance(value, str) or not re.search(r"\.(json|ya?ml)$", value.strip()):
        return []
    written = value.strip()
    folder = posixpath.dirname(ctx.source.relpath)
    resolved = posixpath.normpath(posixpath.join(folder, written)) if not written.startswith("/") else written
    props = {"key": key, "resolved": resolved}
    return [Hit(Code.LAUNCH_CONFIG, written, State.ENABLED, f"`{key}` points to {written}", props)]


def distributed_type_hits(key: str, node: Node, parent, mapping, ctx) -> list[Hit]:
    entry = DISTRIBUTED_TYPES.get(str(scalar(node)).strip().upper())
    if entry is None:
        return []
    return [Hit(entry[0], entry[1], State.ENABLED, f"distributed_type: {scalar(node)}", {"key": key})]


def device_hits(key: str, node: Node, parent, mapping, ctx) -> list[Hit]:
    if key == "device" and parent in OFFLOAD_BLOCKS:
        return offload_hits(key, node, parent, mapping, ctx)
    text = _text(scalar(node)).split(":", 1)[0]
    device = YAML_DEVICE_VALUES.get(text) or device_type(text)
    if device is None:
        return []
    return [Hit(Code.DEVICE_TYPE, device, State.ENABLED, f"{key}: {scalar(node)}", {"key": key})]


def strategy_hits(key: str, node: Node, parent, mapping, ctx) -> list[Hit]:
    text = _text(scalar(node))
    match = re.match(r"deepspeed_stage_(\d)(_offload)?", text)
    if match:
        hits = [Hit(Code.ZERO_STAGE, int(match.group(1)), State.ENABLED, f"strategy: {text}")]
        if match.group(2):
            hits.append(Hit(Code.ZERO_OFFLOAD, "cpu", State.ENABLED, f"strategy: {text}"))
        return hits
    if text.startswith("fsdp"):
        return [Hit(Code.FSDP, "fsdp", State.ENABLED, f"strategy: {text}", {"key": key})]
    return []


def fsdp_hits(key: str, node: Node, parent, mapping, ctx) -> list[Hit]:
    value = scalar(node)
    if key == "fsdp_sharding_strategy":
        text = _text(value)
        if text in ("no_shard", "3"):
            return [Hit(Code.FSDP, str(value), State.DISABLED, f"{key}: {value}")]
        return [Hit(Code.FSDP, str(value), State.ENABLED, f"{key}: {value}")] if text else []
    if isinstance(node, SequenceNode):
        words = [str(scalar(item)) for item in node.value]
    elif isinstance(value, str):
        words = value.split()
    else:
        return []
    sharding = [w for w in words if w in ("full_shard", "shard_grad_op", "hybrid_shard", "hybrid_shard_zero2")]
    if not sharding:
        return [Hit(Code.FSDP, "", State.DISABLED, f"{key}: {value}")] if not words else []
    return [Hit(Code.FSDP, sharding[0], State.ENABLED, f"{key}: {' '.join(words)}")]


def flash_attention_hits(key: str, node: Node, parent, mapping, ctx) -> list[Hit]:
    value = scalar(node)
    if key == "attn_implementation":
        kind = ATTN_IMPLEMENTATIONS.get(_text(value))
        return [Hit(Code.FLASH_ATTENTION, kind, State.ENABLED, f"{key}: {value}")] if kind else []
    state = _switch_state(value)
    # Training-framework switches (axolotl `flash_attention`, Megatron-style `use_flash_attn`) load flash_attn 2.
    return [Hit(Code.FLASH_ATTENTION, "fa2", state, f"{key}: {value}", {"key": key})] if state else []


def transformer_engine_hits(key: str, node: Node, parent, mapping, ctx) -> list[Hit]:
    """NeMo/Megatron model configs: `transformer_engine: true` builds the layers from NVIDIA Transformer Engine."""
    state = _switch_state(scalar(node))
    if not state:
        return []
    return [Hit(Code.TRANSFORMER_ENGINE, "transformer_engine", state, f"{key}: {scalar(node)}", {"key": key})]


def micro_batch_hits(key: str, node: Node, parent, mapping, ctx) -> list[Hit]:
    return count_hits(Code.MICRO_BATCH)(key, node, parent, mapping, ctx)


def env_hits(key: str, node: Node, parent, mapping, ctx) -> list[Hit]:
    """`env:` as a mapping, a list of {name, value} (Kubernetes) or a list of NAME=value strings (compose)."""
    hits: list[Hit] = []
    pairs: list[tuple[str, Value, Node]] = []
    if isinstance(node, MappingNode):
        for k, v in node.value:
            if isinstance(k, ScalarNode):
                pairs.append((k.value, scalar(v), k))
    elif isinstance(node, SequenceNode):
        for item in node.value:
            if isinstance(item, MappingNode):
                name, value = _child(item, "name"), _child(item, "value")
                if isinstance(name, ScalarNode):
                    pairs.append((name.value, scalar(value) if value is not None else "", name))
            elif isinstance(item, ScalarNode) and "=" in item.value:
                name, _, setting = item.value.partition("=")
                pairs.append((name.strip(), setting, item))
    for name, value, where in pairs:
        setting = "" if value is None else ("1" if value is True else "0" if value is False else str(value))
        for raw in env_findings(name, setting, Span(1, 1, 1, 2)):
            hits.append(Hit(raw.rule, raw.value, raw.state, raw.detail, None, where))
    return hits


def resource_hits(key: str, node: Node, parent, mapping, ctx) -> list[Hit]:
    low = key.lower()
    vendor = RESOURCES.get(low) or (("nvidia", "gpu") if _MIG_RESOURCE.match(low) else None)
    if vendor is None or isinstance(node, (MappingNode, SequenceNode)):
        return []
    value = scalar(node)
    props: dict[str, Value] = {"vendor": vendor[0], "accelerator": vendor[1]}
    if parent in ("limits", "requests"):
        props["field"] = parent
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    if isinstance(value, int) and not isinstance(value, bool):
        props["count"] = value
        state = State.DISABLED if value == 0 else State.ENABLED
    else:
        state = State.CONDITIONAL
    return [Hit(Code.ACCELERATOR_RESOURCE_REQUEST, key, state, f"{key}: {scalar(node)}", props)]


def _label_props(label: str, value: str, vendor: Optional[str]) -> dict[str, Value]:
    if vendor is None:
        low = value.lower()
        vendor = next((v for needle, v in _LABEL_VENDOR if needle in low), None)
    props: dict[str, Value] = {"label": label}
    if vendor:
        props["vendor"] = vendor
    return props


def label_hits(key: str, node: Node, parent, mapping, ctx) -> list[Hit]:
    if parent in ("labels", "annotations") or not isinstance(node, ScalarNode):
        return []
    rule, vendor = LABELS[key]
    value = str(scalar(node))
    return [Hit(rule, value, State.ENABLED, f"{key}={value}", _label_props(key, value, vendor))]


def match_expression_hits(key: str, node: Node, parent, mapping, ctx) -> list[Hit]:
    """{key: nvidia.com/gpu.product, operator: In, values: [...]}: one finding per value."""
    label = str(scalar(node))
    if label not in LABELS:
        return []
    rule, vendor = LABELS[label]
    operator = str(scalar(_child(mapping, "operator")) or "In")
    values = _child(mapping, "values")
    if operator not in ("In", "NotIn") or not isinstance(values, SequenceNode):
        return []
    state = State.ENABLED if operator == "In" else State.DISABLED
    hits = []
    for item in values.value:
        value = str(scalar(item))
        props = {**_label_props(label, value, vendor), "operator": operator}
        hits.append(Hit(rule, value, state, f"{label} {operator} {value}", props, item))
    return hits


def image_hits(key: str, node: Node, parent, mapping, ctx) -> list[Hit]:
    value = scalar(node)
    if not isinstance(value, str):
        return []
    props = describe_image(value.strip())
    if props is None:
        return []
    props = dict(props)
    if is_ci_file(ctx.source.relpath):
        props["context"] = "ci"  # a CI job's image: a support file, not the training recipe
    return [Hit(Code.CONTAINER_IMAGE, value.strip(), State.ENABLED, f"container image {value.strip()}", props)]


_CI_PATHS = re.compile(
    r"^(?:\.github/workflows/|\.circleci/|\.buildkite/)|(?:^|/)\.gitlab-ci\.ya?ml$|(?:^|/)azure-pipelines\.ya?ml$"
)


def is_ci_file(relpath: str) -> bool:
    return bool(_CI_PATHS.search(relpath))


def devices_hits(key: str, node: Node, parent, mapping, ctx) -> list[Hit]:
    if not isinstance(node, SequenceNode):
        return []
    hits = []
    for item in node.value:
        text = str(scalar(item) or "").split(":", 1)[0].strip()
        for pattern, vendor, accelerator in DEVICE_NODES:
            if pattern.match(text):
                props = {"vendor": vendor, "accelerator": accelerator}
                detail = f"device {text} passed in"
                hits.append(Hit(Code.CONTAINER_DEVICE_PASSTHROUGH, text, State.ENABLED, detail, props, item))
    return hits


def runtime_hits(key: str, node: Node, parent, mapping, ctx) -> list[Hit]:
    text = _text(scalar(node))
    entry = RUNTIMES.get(text)
    if entry is None:
        return []
    props = {"vendor": entry[0], "accelerator": entry[1], "key": key}
    return [Hit(Code.CONTAINER_DEVICE_PASSTHROUGH, text, State.ENABLED, f"{key}: {text}", props)]


_SKY_PARENTS = frozenset({"resources", "any_of", "ordered"})


def sky_accelerator_hits(key: str, node: Node, parent, mapping, ctx) -> list[Hit]:
    """SkyPilot task `resources`: `accelerators: A100:8`, `{H100: 8}` or a list of candidates (one is picked)."""
    if parent not in _SKY_PARENTS:
        return []
    items: list[tuple[str, Value, Node]] = []
    if isinstance(node, ScalarNode):
        items.append((str(scalar(node)), None, node))
    elif isinstance(node, MappingNode):
        items.extend((str(k.value), scalar(v), k) for k, v in node.value if isinstance(k, ScalarNode))
    elif isinstance(node, SequenceNode):
        items.extend((str(scalar(i)), None, i) for i in node.value if isinstance(i, ScalarNode))
    state = State.ENABLED if len(items) == 1 else State.CONDITIONAL  # several: candidates, one is used
    hits = []
    for text, count, where in items:
        name, _, written_count = text.partition(":")
        count = count if count is not None else (written_count or None)
        props: dict[str, Value] = {"label": "skypilot:accelerators"}
        if isinstance(count, (int, str)) and str(count).isdigit():
            props["count"] = int(count)
        vendor = next((v for needle, v in _LABEL_VENDOR if needle in name.lower()), None)
        if vendor:
            props["vendor"] = vendor
        hits.append(Hit(Code.CLOUD_ACCELERATOR_SELECTOR, name.strip(), state, f"accelerators: {text}", props, where))
    return hits


def instance_type_hits(key: str, node: Node, parent, mapping, ctx) -> list[Hit]:
    value = scalar(node)
    if parent not in _SKY_PARENTS or not isinstance(value, str) or not value.strip():
        return []
    props = {"label": "skypilot:instance_type"}
    return [Hit(Code.CLOUD_ACCELERATOR_SELECTOR, value.strip(), State.ENABLED, f"instance_type: {value}", props)]


KEY_HANDLERS: dict[str, Handler] = {
    "accelerators": sky_accelerator_hits,
    "instance_type": instance_type_hits,
    **{k: precision_hits for k in PRECISION_KEYS},
    **{k: switch_hits for k in SWITCH_KEYS},
    **{k: device_hits for k in DEVICE_KEYS},
    # Zero devices or nodes is a pool switched off (a Hydra `reward_model: {enable: false, nnodes: 0}`), not a size.
    **{k: count_hits(Code.GPUS_PER_NODE, disabled_at=0) for k in PER_NODE_KEYS},
    **{k: count_hits(Code.NODE_COUNT, disabled_at=0) for k in NODE_KEYS},
    **{k: config_hits for k in CONFIG_KEYS},
    **{k: env_hits for k in ENV_KEYS},
    **{k: runtime_hits for k in RUNTIME_KEYS},
    "stage": zero_stage_hits,
    "zero_stage": zero_stage_hits,
    "offload_optimizer_device": offload_hits,
    "offload_param_device": offload_hits,
    LEGACY_CPU_OFFLOAD: legacy_offload_hits,
    "gradient_accumulation_steps": count_hits(Code.GRADIENT_ACCUMULATION, disabled_at=1),
    "accumulate_grad_batches": count_hits(Code.GRADIENT_ACCUMULATION, disabled_at=1),
    "train_micro_batch_size_per_gpu": micro_batch_hits,
    "per_device_train_batch_size": micro_batch_hits,
    "distributed_type": distributed_type_hits,
    "strategy": strategy_hits,
    "fsdp": fsdp_hits,
    "fsdp_sharding_strategy": fsdp_hits,
    "attn_implementation": flash_attention_hits,
    "flash_attention": flash_attention_hits,
    "use_flash_attn": flash_attention_hits,
    "use_flash_attention": flash_attention_hits,
    "image": image_hits,
    "transformer_engine": transformer_engine_hits,
    "use_transformer_engine": transformer_engine_hits,
    "devices": devices_hits,
}
def lightning_devices_hits(key: str, node: Node, parent, mapping, ctx) -> list[Hit]:
    """`devices: 8` or a list of device indices (`devices: [0, 1, 2, 3]`): devices per node."""
    if isinstance(node, SequenceNode) and node.value and all(isinstance(scalar(i), int) for i in node.value):
        detail = f"{key}: {len(node.value)} device indices"
        return [Hit(Code.GPUS_PER_NODE, len(node.value), State.ENABLED, detail, {"key": key})]
    return count_hits(Code.GPUS_PER_NODE, disabled_at=0)(key, node, parent, mapping, ctx)


# `devices` is both a compose device-node list and a Lightning count: the handlers see which.
KEY_HANDLERS["devices"] = lambda k, n, p, m, c: devices_hits(k, n, p, m, c) or lightning_devices_hits(k, n, p, m, c)


def handler_for(key: str) -> Optional[Handler]:
    """The handler of a mapping key, or None when the key says nothing about hardware."""
    handler = KEY_HANDLERS.get(key)
    if handler is not None:
        return handler
    low = key.lower()
    if "/" in key and (low in RESOURCES or _MIG_RESOURCE.match(low)):
        return resource_hits
    if key in LABELS:
        return label_hits
    if key == "key":  # a matchExpressions entry: {key: LABEL, operator: In, values: [...]}
        return match_expression_hits
    return None
