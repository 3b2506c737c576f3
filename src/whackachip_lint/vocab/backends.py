"""torch.distributed collective backends by name (`init_process_group(backend=...)`, `--ddp_backend`).

nccl (NVIDIA; RCCL serves it on ROCm), rccl (AMD's name for its NCCL), hccl (Huawei Ascend, Intel Gaudi), xccl and
ccl (Intel oneCCL: XPU GPUs, CPUs), cncl (Cambricon), mccl (Moore Threads), xla (torch_xla's backend), and the
vendor-neutral gloo, mpi and ucc.
"""

from __future__ import annotations

from .. import plugins

BUILTIN_BACKENDS = frozenset({"nccl", "rccl", "hccl", "xccl", "ccl", "cncl", "mccl", "xla", "gloo", "mpi", "ucc"})
# Every backend the extractors read: the built-in ones and, once plugins are loaded, theirs (the same set object,
# grown in place, as the extractors hold it).
COLLECTIVE_BACKENDS: set[str] = set(BUILTIN_BACKENDS)
# Backends plugins add (plugins.Vocabulary.backends): word -> (plugin, what it implies, as constraint data).
ADDED: dict[str, tuple[str, tuple]] = {}


def _add_plugin_backends(loaded: plugins.Loaded) -> None:
    for name, word, specs in plugins.new_words(loaded, "backends", "collective backend",
                                               lambda w: "wac-lint" if w in BUILTIN_BACKENDS else None, str.lower):
        ADDED[word] = (name, tuple(specs))
        COLLECTIVE_BACKENDS.add(word)


plugins.when_loaded(_add_plugin_backends)
