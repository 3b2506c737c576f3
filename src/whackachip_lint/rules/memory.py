"""WAC5xx: memory and sharding (ZeRO stage, offload, accumulation, micro batch, FSDP)."""

from ..evidence import State
from .base import Example, Rule

RULES = (
    Rule(
        code="WAC501",
        name="zero-stage",
        signal="memory.zero_stage",
        title="DeepSpeed ZeRO stage",
        summary="Finds the DeepSpeed ZeRO optimisation stage (0 to 3).",
        why="ZeRO-3 shards parameters, gradients and optimiser state: a sign of memory pressure on the devices used.",
        positives=(
            Example('{"zero_optimization": {"stage": 3}, "train_micro_batch_size_per_gpu": 1}\n', kind="json", value=3),
            Example('ds_config = {"zero_optimization": {"stage": 2}}\n', value=2, note="a config built as a Python dict"),
        ),
        negatives=(
            Example('{"name": "stage", "stage": 3}\n', kind="json"),
            Example('ds_config = {"zero_optimization": {"stage": 0}}\nlevels = {"stage": 3}\n'),
        ),
        tags=("memory",),
    ),
    Rule(
        code="WAC502",
        name="zero-offload",
        signal="memory.offload",
        title="ZeRO offload",
        summary="Finds DeepSpeed parameter or optimiser offload to CPU or NVMe.",
        why="Offloading to host memory or NVMe stretches devices whose memory is too small for the model.",
        positives=(
            Example(
                '{"zero_optimization": {"stage": 3, "offload_optimizer": {"device": "cpu"}}}\n', kind="json", value="cpu"
            ),
            Example('zero = {"stage": 3, "offload_optimizer": {"device": "nvme"}}\n', value="nvme"),
        ),
        negatives=(
            Example(
                '{"zero_optimization": {"stage": 3, "offload_optimizer": {"device": "none"}}}\n',
                kind="json",
            ),
            Example('zero = {"stage": 3, "offload_param": {"device": "none"}}\n'),
        ),
        tags=("memory",),
    ),
    Rule(
        code="WAC503",
        name="gradient-accumulation",
        signal="memory.grad_accum",
        title="gradient accumulation",
        summary="Finds gradient accumulation steps.",
        why="Accumulating many micro-batches simulates a large batch on devices with little memory.",
        positives=(
            Example('{"gradient_accumulation_steps": 16, "zero_optimization": {"stage": 2}}\n', kind="json", value=16),
            Example('args = TrainingArguments("out", gradient_accumulation_steps=16)\n', value=16),
        ),
        negatives=(
            Example('{"gradient_accumulation_steps": 1, "zero_optimization": {"stage": 2}}\n', kind="json", state=State.DISABLED),
            Example('args = TrainingArguments("out", gradient_accumulation_steps=1)\n'),
        ),
        tags=("memory",),
    ),
    Rule(
        code="WAC504",
        name="micro-batch",
        signal="memory.micro_batch",
        title="micro batch size per device",
        summary="Finds the micro batch size per device.",
        why="Context for memory pressure: the per-device batch that fits.",
        positives=(
            Example('{"train_micro_batch_size_per_gpu": 4, "zero_optimization": {"stage": 1}}\n', kind="json", value=4),
            Example('args = TrainingArguments("out", per_device_train_batch_size=4)\n', value=4),
        ),
        negatives=(
            Example('{"batch": 4}\n', kind="json"),
            Example("loader = DataLoader(data, batch_size=4)\n", note="a loader's batch size is not a per-device micro batch"),
        ),
        tags=("memory",),
    ),
    Rule(
        code="WAC505",
        name="fsdp",
        signal="memory.fsdp",
        title="FSDP sharding",
        summary="Finds PyTorch FSDP sharding (FullyShardedDataParallel, fully_shard, fsdp configs).",
        why="Like ZeRO-3, FSDP shards model state across devices because it does not fit on one.",
        positives=(
            Example("from torch.distributed.fsdp import FullyShardedDataParallel as FSDP\nmodel = FSDP(model)\n"),
            Example("from torch.distributed.fsdp import fully_shard\nfully_shard(model)\n", value="fsdp2"),
            Example('from transformers import TrainingArguments\nargs = TrainingArguments("out", fsdp="full_shard auto_wrap")\n'),
        ),
        negatives=(
            Example("# FSDP would help here\nmodel = model.cuda()\n"),
            Example('from transformers import TrainingArguments\nargs = TrainingArguments("out", fsdp="")\n'),
        ),
        tags=("memory",),
    ),
)
