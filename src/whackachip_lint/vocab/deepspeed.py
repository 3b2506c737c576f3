"""What DeepSpeed's config keys mean, wherever the config is written (JSON file, YAML, a dict in Python).

Source: DeepSpeed's configuration reference (deepspeed.ai/docs/config-json) and its pydantic config models:
precision blocks `bf16` (older name `bfloat16`) and `fp16` with `"enabled"`; ZeRO's `zero_optimization.stage`;
`offload_optimizer` / `offload_param` blocks whose `device` is `cpu`, `nvme` or `none`; and ZeRO-1/2's older
`"cpu_offload": true`, which puts the optimizer state on the CPU like `offload_optimizer.device = "cpu"`.
"""

from __future__ import annotations

from ..rules.codes import Code

PRECISION_BLOCKS: dict[str, str] = {
    "bf16": Code.BF16_PRECISION, "bfloat16": Code.BF16_PRECISION, "fp16": Code.FP16_PRECISION,
}
ZERO_BLOCK = "zero_optimization"
# Offload block -> what it moves off the device.
OFFLOAD_BLOCKS: dict[str, str] = {"offload_optimizer": "optimizer", "offload_param": "param"}
OFFLOAD_DEVICES = frozenset({"cpu", "nvme"})
NO_OFFLOAD = "none"
# The legacy switch inside zero_optimization, and the block and device it stands for.
LEGACY_CPU_OFFLOAD = "cpu_offload"
LEGACY_OFFLOAD_TARGET, LEGACY_OFFLOAD_DEVICE = "optimizer", "cpu"
