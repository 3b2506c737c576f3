"""torch.distributed collective backends by name (`init_process_group(backend=...)`, `--ddp_backend`).

nccl (NVIDIA; RCCL serves it on ROCm), rccl (AMD's name for its NCCL), hccl (Huawei Ascend, Intel Gaudi), xccl and
ccl (Intel oneCCL: XPU GPUs, CPUs), cncl (Cambricon), mccl (Moore Threads), xla (torch_xla's backend), and the
vendor-neutral gloo, mpi and ucc.
"""

from __future__ import annotations

COLLECTIVE_BACKENDS = frozenset({"nccl", "rccl", "hccl", "xccl", "ccl", "cncl", "mccl", "xla", "gloo", "mpi", "ucc"})
