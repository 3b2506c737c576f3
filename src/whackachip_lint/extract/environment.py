"""What an environment variable setting means for hardware, shared by every extractor.

Python (`os.environ[...] = ...`), shell (`export X=Y`), Dockerfiles (`ENV X=Y`)
and YAML manifests (`env:`) all set variables; they read them through
`interpret_env` so the same variable means the same thing everywhere.
The tables are data: add a variable by adding a row, not a branch. Plugins add rows too
(`plugins.Vocabulary.environment`), merged into the same tables once plugins are loaded.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .. import plugins
from ..evidence import State, Value
from ..rules.codes import Code
from ..vocab.truth import FALSE_WORDS, TRUE_WORDS


@dataclass(frozen=True)
class EnvMeaning:
    rule: str
    value: Value
    state: State
    detail: str



# NCCL_NET_GDR_LEVEL / NCCL_P2P_LEVEL accept numbers or names; LOC (0) means "never".
_GDR_NAMES_ON = {"PIX", "PXB", "PHB", "SYS", "NVL", "PXN"}
_GDR_OFF = {"0", "LOC"}

# Exact names: variable -> (rule, kind of switch).
#   "on_if_true":  truthy = ENABLED, falsy = DISABLED
#   "off_if_true": truthy = DISABLED, falsy = ENABLED   (the *_DISABLE variables)
#   "level":       LOC/0 = DISABLED, a level = ENABLED
#   "set":         any non-empty value = ENABLED, empty = DISABLED
#   "list":        the value itself is the fact (value = the setting); empty = DISABLED
EXACT: dict[str, tuple[str, str]] = {
    "NCCL_IB_DISABLE": (Code.INFINIBAND, "off_if_true"),
    "NCCL_IB_CUDA_SUPPORT": (Code.GPUDIRECT_RDMA, "on_if_true"),
    "NCCL_NET_GDR_LEVEL": (Code.GPUDIRECT_RDMA, "level"),
    "NCCL_NET_GDR_READ": (Code.GPUDIRECT_RDMA, "on_if_true"),
    "NCCL_GDR_LEVEL": (Code.GPUDIRECT_RDMA, "level"),
    "RCCL_FORCE_ENABLE_GDRDMA": (Code.GPUDIRECT_RDMA, "on_if_true"),
    "NCCL_P2P_DISABLE": (Code.GPU_PEER_TO_PEER, "off_if_true"),
    "NCCL_P2P_LEVEL": (Code.GPU_PEER_TO_PEER, "level"),
    "NCCL_SOCKET_IFNAME": (Code.SOCKET_INTERFACE, "set"),
    "GLOO_SOCKET_IFNAME": (Code.SOCKET_INTERFACE, "set"),
    "NCCL_NVLS_ENABLE": (Code.NVLINK_SHARP, "on_if_true"),
    "FI_PROVIDER": (Code.CLOUD_FABRIC, "set"),
    "CUDA_VISIBLE_DEVICES": (Code.VISIBLE_DEVICES, "list"),
    "HIP_VISIBLE_DEVICES": (Code.VISIBLE_DEVICES, "list"),
    "ROCR_VISIBLE_DEVICES": (Code.VISIBLE_DEVICES, "list"),
    "ASCEND_RT_VISIBLE_DEVICES": (Code.VISIBLE_DEVICES, "list"),
    "ASCEND_VISIBLE_DEVICES": (Code.VISIBLE_DEVICES, "list"),
    "HABANA_VISIBLE_DEVICES": (Code.VISIBLE_DEVICES, "list"),
    "TORCH_CUDA_ARCH_LIST": (Code.CUDA_ARCH_LIST, "list"),
    "CUDAARCHS": (Code.CUDA_ARCH_LIST, "list"),
    "PYTORCH_ROCM_ARCH": (Code.ROCM_ARCH_LIST, "list"),
    "AMDGPU_TARGETS": (Code.ROCM_ARCH_LIST, "list"),
    "GPU_TARGETS": (Code.ROCM_ARCH_LIST, "list"),
    # The platform an XLA/JAX program runs on is the variable's value (TPU, CUDA, CPU, NEURON...), not the name.
    "PJRT_DEVICE": (Code.XLA_PLATFORM, "list"),
    "JAX_PLATFORMS": (Code.XLA_PLATFORM, "list"),
    "JAX_PLATFORM_NAME": (Code.XLA_PLATFORM, "list"),
    # ROCm-only switches without a ROCm prefix (PyTorch on ROCm prefers hipBLASLt; HIP's hardware queue count).
    "TORCH_BLAS_PREFER_HIPBLASLT": (Code.VENDOR_ENVIRONMENT, "set"),
    "GPU_MAX_HW_QUEUES": (Code.VENDOR_ENVIRONMENT, "set"),
    # Transformer Engine's ROCm port (ROCm/TransformerEngine README): its platform switch, its fused-attention
    # back ends (CK, AOTriton) and the hipBLASLt GEMM switch; NVIDIA's TE reads none of them.
    "NVTE_USE_ROCM": (Code.VENDOR_ENVIRONMENT, "set"),
    "NVTE_FUSED_ATTN_CK": (Code.VENDOR_ENVIRONMENT, "set"),
    "NVTE_FUSED_ATTN_AOTRITON": (Code.VENDOR_ENVIRONMENT, "set"),
    "NVTE_USE_HIPBLASLT": (Code.VENDOR_ENVIRONMENT, "set"),
    # PyTorch/XLA's legacy XRT runtime reaches the Cloud TPU through this service address (Lightning's and
    # PyTorch/XLA's TPU VM guides: `export XRT_TPU_CONFIG="localservice;0;localhost:51011"`); no other device reads it.
    "XRT_TPU_CONFIG": (Code.VENDOR_ENVIRONMENT, "set"),
    # Ascend: the HCCL rank table MindSpore and torch_npu jobs read to place ranks on NPUs.
    "RANK_TABLE_FILE": (Code.VENDOR_ENVIRONMENT, "set"),
    "MINDSPORE_HCCL_CONFIG_PATH": (Code.VENDOR_ENVIRONMENT, "set"),
}

# Prefixes, tried longest first: prefix -> (rule, switch kind).
PREFIXES: dict[str, tuple[str, str]] = {
    "NCCL_IB_": (Code.INFINIBAND, "set"),
    "NCCL_FASTRAK_": (Code.CLOUD_FABRIC, "set"),
    "NCCL_GPUDIRECTTCPX_": (Code.CLOUD_FABRIC, "set"),
    "NCCL_TCPX_": (Code.CLOUD_FABRIC, "set"),
    "FI_EFA_": (Code.CLOUD_FABRIC, "set"),
    "FI_CXI_": (Code.CLOUD_FABRIC, "set"),
    "NCCL_": (Code.NCCL_ENVIRONMENT, "set"),
    "RCCL_": (Code.VENDOR_ENVIRONMENT, "set"),
    "HSA_": (Code.VENDOR_ENVIRONMENT, "set"),
    "HIP_": (Code.VENDOR_ENVIRONMENT, "set"),
    "ROCR_": (Code.VENDOR_ENVIRONMENT, "set"),
    "ROCM_": (Code.VENDOR_ENVIRONMENT, "set"),
    "MIOPEN_": (Code.VENDOR_ENVIRONMENT, "set"),
    # ROCm Transformer Engine: Composable Kernel attention (NVTE_CK_*), ROCm build options (NVTE_ROCM_*) and
    # hipBLASLt GEMM tuning (TE_HIPBLASLT_*).
    "NVTE_CK_": (Code.VENDOR_ENVIRONMENT, "set"),
    "NVTE_ROCM_": (Code.VENDOR_ENVIRONMENT, "set"),
    "TE_HIPBLASLT_": (Code.VENDOR_ENVIRONMENT, "set"),
    "ASCEND_": (Code.VENDOR_ENVIRONMENT, "set"),
    "HCCL_": (Code.VENDOR_ENVIRONMENT, "set"),
    "PT_HPU_": (Code.VENDOR_ENVIRONMENT, "set"),
    "HABANA_": (Code.VENDOR_ENVIRONMENT, "set"),
    "PJRT_": (Code.VENDOR_ENVIRONMENT, "set"),
    "XLA_": (Code.VENDOR_ENVIRONMENT, "set"),
    "TPU_": (Code.VENDOR_ENVIRONMENT, "set"),
    # libtpu, the TPU runtime, reads its flags from LIBTPU_INIT_ARGS (TensorFlow's tpu_initializer_helper); empty is off.
    "LIBTPU_": (Code.VENDOR_ENVIRONMENT, "set"),
    "NEURON_RT_": (Code.VENDOR_ENVIRONMENT, "set"),
    "NEURON_CC_": (Code.VENDOR_ENVIRONMENT, "set"),
}
# libfabric providers of datacenter GPU fabrics: AWS EFA, HPE Slingshot ("cxi").
FABRIC_PROVIDERS = frozenset({"efa", "cxi"})
_SORTED_PREFIXES = sorted(PREFIXES.items(), key=lambda item: -len(item[0]))

# Words in a variable's value that name the platform the program runs on: (variable, word) -> WAC208 value.
# `--xla_force_host_platform_device_count=8` in XLA_FLAGS fakes devices on the host CPU: no accelerator.
VALUE_PLATFORMS: dict[tuple[str, str], str] = {
    ("XLA_FLAGS", "xla_force_host_platform_device_count"): "cpu",
}

# Device-list variables are also vendor tells (WAC205) unless they are CUDA's own.
_VENDOR_DEVICE_LISTS = {
    "HIP_VISIBLE_DEVICES",
    "ROCR_VISIBLE_DEVICES",
    "ASCEND_RT_VISIBLE_DEVICES",
    "ASCEND_VISIBLE_DEVICES",
    "HABANA_VISIBLE_DEVICES",
}



def _interesting() -> re.Pattern[str]:
    return re.compile(
        r"^(?:" + "|".join(re.escape(p) for p in PREFIXES) + r")|^(?:" + "|".join(re.escape(n) for n in EXACT) + r")$"
    )


_INTERESTING = _interesting()
SWITCH_KINDS = frozenset({"on_if_true", "off_if_true", "level", "set", "list"})
# Variables and prefixes ("TT_METAL_*") plugins add: name -> plugin.
ADDED: dict[str, str] = {}


def _add_plugin_variables(loaded: plugins.Loaded) -> None:
    """Plugins' rows (plugins.Vocabulary.environment) join EXACT and PREFIXES; a row whose rule or switch kind
    wac-lint does not know is one problem, like a name a core row (or an earlier plugin) already reads."""
    global _INTERESTING, _SORTED_PREFIXES
    rules = set(Code) | {rule.code for plugin in loaded.plugins for rule in plugin.rules}
    for name, word, (rule, kind) in plugins.new_words(loaded, "environment", "environment variable", _reader):
        if rule not in rules or kind not in SWITCH_KINDS:
            loaded.problems.append(f"plugin {name!r}: environment variable {word!r} names rule {rule!r} and switch "
                                   f"{kind!r}; a rule must exist and the switch be one of {sorted(SWITCH_KINDS)}")
            continue
        (PREFIXES if word.endswith("*") else EXACT)[word.rstrip("*")] = (rule, kind)
        ADDED[word.rstrip("*")] = name
    _INTERESTING = _interesting()
    _SORTED_PREFIXES = sorted(PREFIXES.items(), key=lambda item: -len(item[0]))


def _reader(word: str) -> str | None:
    """Who reads a variable (or, ending in "*", a prefix of them) already: "wac-lint", None if nobody (the
    plugins' own rows are compared by plugins.new_words)."""
    prefix = word.rstrip("*")
    if word.endswith("*"):
        clash = any(known.startswith(prefix) or prefix.startswith(known) for known in PREFIXES) or any(
            known.startswith(prefix) for known in EXACT)
    else:
        clash = is_hardware_variable(word)
    return "wac-lint" if clash else None


# Device-list values that name no number of devices: `HABANA_VISIBLE_DEVICES=all` exposes every device there is.
ALL_DEVICES = frozenset({"all"})
NO_DEVICES = frozenset({"none", "void", "-1"})


def device_count(listing: str) -> int | None:
    """How many devices a visible-devices list names: "0,1,2,3" -> 4; "all" (every device) -> None."""
    text = listing.strip().strip("'\"").strip()
    if text.lower() in ALL_DEVICES:
        return None
    if text.lower() in NO_DEVICES:
        return 0
    return len([d for d in text.replace(";", ",").split(",") if d.strip()])


def is_hardware_variable(name: str) -> bool:
    """True when setting `name` can say something about hardware."""
    return bool(_INTERESTING.match(name))


plugins.when_loaded(_add_plugin_variables)


def _switch_state(kind: str, setting: str) -> State:
    text = setting.strip().strip("'\"").strip()
    low = text.lower()
    if kind == "on_if_true":
        if low in TRUE_WORDS:
            return State.ENABLED
        return State.DISABLED if low in FALSE_WORDS or not low else State.ENABLED
    if kind == "off_if_true":
        return State.DISABLED if low in TRUE_WORDS else State.ENABLED if low in FALSE_WORDS else State.DISABLED
    if kind == "level":
        if not low:
            return State.DISABLED
        return State.DISABLED if text.upper() in _GDR_OFF else State.ENABLED
    # "set" and "list"
    return State.ENABLED if text else State.DISABLED


def interpret_env(name: str, setting: str | None) -> list[EnvMeaning]:
    """The findings a variable assignment yields. `setting=None` means unset (`unset X`, `del os.environ[X]`).

    Unsetting a variable returns it to the library's default: it switches nothing on or off, so it is
    `mentioned` (the same in every format).
    """
    entry = EXACT.get(name)
    if entry is None:
        for prefix, candidate in _SORTED_PREFIXES:
            if name.startswith(prefix):
                entry = candidate
                break
    if entry is None:
        return []
    rule, kind = entry
    clean = "" if setting is None else setting.strip().strip("'\"")
    if setting is None:
        state = State.MENTIONED
        detail = f"{name} is unset (the library default applies)"
    else:
        state = _switch_state(kind, clean)
        detail = f"{name}={clean}"
    value: Value = clean if kind == "list" else name
    meanings = [EnvMeaning(rule, value, state, detail)]
    if name in _VENDOR_DEVICE_LISTS:
        meanings.append(EnvMeaning(Code.VENDOR_ENVIRONMENT, name, state if setting is None else State.ENABLED, detail))
    if name == "FI_PROVIDER" and clean.lower() not in FABRIC_PROVIDERS:
        return []  # other libfabric providers (tcp, sockets, shm) say nothing about a GPU fabric
    for (variable, word), platform in VALUE_PLATFORMS.items():
        if name == variable and word in clean:
            meanings.append(EnvMeaning(Code.XLA_PLATFORM, platform, state, f"{word} in {name}"))
    if name == "RCCL_FORCE_ENABLE_GDRDMA":
        meanings.append(EnvMeaning(Code.VENDOR_ENVIRONMENT, name, state if setting is None else State.ENABLED, detail))
    return meanings
