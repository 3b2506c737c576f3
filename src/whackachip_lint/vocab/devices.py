"""Device types (the part before ":" in "cuda:0") and the other names they go by.

`tpu` (Lightning's accelerator="tpu") runs on XLA devices; MindSpore's device_target "Ascend" is an Ascend NPU.
"gpu" is not read here: Lightning's "gpu" may be CUDA or MPS and MindSpore's "GPU" CUDA or ROCm.
"""

from __future__ import annotations

from .. import plugins

DEVICE_TYPES = frozenset({"cuda", "npu", "hpu", "xla", "mps", "xpu", "mlu", "musa"})
DEVICE_ALIASES: dict[str, str] = {"tpu": "xla", "ascend": "npu"}


def device_type(word: str) -> str | None:
    """The device type a word names (`cuda:0` -> cuda, `Ascend` -> npu, `tpu` -> xla); None if it names none."""
    device = word.strip().lower().split(":", 1)[0]
    device = DEVICE_ALIASES.get(device, device)
    return device if device in DEVICE_TYPES or device in ADDED else None


# Device types plugins add (plugins.Vocabulary.devices): word -> (plugin, what it implies, as constraint data).
ADDED: dict[str, tuple[str, tuple]] = {}


def _add_plugin_devices(loaded: plugins.Loaded) -> None:
    for name, word, specs in plugins.new_words(loaded, "devices", "device type",
                                               lambda w: "wac-lint" if device_type(w) else None, str.lower):
        ADDED[word] = (name, tuple(specs))


plugins.when_loaded(_add_plugin_devices)
