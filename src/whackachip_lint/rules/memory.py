"""WAC5xx: memory and sharding (ZeRO stage, offload, accumulation, micro batch, FSDP, model size, parallelism)."""

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
        tags=("memory", "training-setup"),
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
        tags=("memory", "training-setup"),
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
        tags=("memory", "training-setup"),
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
        tags=("memory", "training-setup"),
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
        tags=("memory", "training-setup"),
    ),
    Rule(
        code="WAC506",
        name="model-dimension",
        signal="memory.model_dim",
        title="model dimension",
        summary=(
            "Finds the size of the model a run trains: Megatron-style launch arguments (`--num-layers`, "
            "`--hidden-size`, `--ffn-hidden-size`, `--num-attention-heads`, `--num-query-groups`, `--num-experts`, "
            "`--vocab-size`) and Hugging Face `config.json` files (`hidden_size`, `num_hidden_layers`, ...)."
        ),
        why=(
            "Together the dimensions give the parameter count, and with the optimiser, precision, ZeRO stage and "
            "parallel sizes a lower bound of the memory each device must hold: a physical limit that excludes parts."
        ),
        positives=(
            Example("torchrun pretrain_gpt.py --num-layers 80 --hidden-size 8192\n", kind="shell", value=80),
            Example(
                '{"model_type": "llama", "hidden_size": 4096, "num_hidden_layers": 32, "vocab_size": 32000}\n',
                kind="json", value=4096, filename="config.json",
            ),
        ),
        negatives=(
            Example("# torchrun pretrain_gpt.py --num-layers 80\n", kind="shell", state=State.MENTIONED),
            Example('{"hidden_size": 4096, "layers": 3}\n', kind="json", note="no model_type: not a model config"),
        ),
        tags=("memory", "model-size", "training-setup"),
        notes=("`properties.dimension`: layers, hidden, ffn, heads, kv_heads, experts, experts_topk, vocab, seq, ...",),
    ),
    Rule(
        code="WAC507",
        name="model-parallel-size",
        signal="memory.parallel",
        title="model parallel size",
        summary=(
            "Finds tensor, pipeline, expert and context parallel sizes given to a launch "
            "(`--tensor-model-parallel-size`, `--pipeline-model-parallel-size`, `--expert-model-parallel-size`)."
        ),
        why="Model parallelism splits the model's state over devices; the rest of the devices form data-parallel ranks.",
        positives=(Example("torchrun pretrain_gpt.py --tensor-model-parallel-size 8\n", kind="shell", value=8),),
        negatives=(Example("torchrun pretrain_gpt.py --tensor-model-parallel-size $TP\n", kind="shell",
                           state=State.CONDITIONAL),),
        tags=("memory", "model-size", "training-setup"),
        notes=("`properties.axis`: tensor, pipeline, expert, context, or distributed_optimizer.",),
    ),
    Rule(
        code="WAC508",
        name="optimizer",
        signal="memory.optimizer",
        title="optimiser",
        summary=(
            "Finds the optimiser a run trains with: `--optim adamw_torch|adamw_bnb_8bit|adafactor|sgd` (Hugging Face), "
            "`--optimizer adam|sgd` (Megatron), DeepSpeed's `\"optimizer\": {\"type\": ...}`."
        ),
        why="Adam keeps two states per parameter (8-bit Adam two bytes), SGD one or none: bytes per parameter.",
        positives=(
            Example("torchrun train.py --optim adamw_bnb_8bit\n", kind="shell", value="adam8bit"),
            Example('{"optimizer": {"type": "AdamW"}, "zero_optimization": {"stage": 2}}\n', kind="json", value="adam"),
        ),
        negatives=(Example('{"optimizer": {"type": "MyOwn"}, "zero_optimization": {"stage": 2}}\n', kind="json",
                           note="an optimiser the memory model does not know is no evidence"),),
        tags=("memory", "training-setup"),
    ),
    Rule(
        code="WAC509",
        name="model-name-size",
        signal="memory.model_name",
        title="model named with its size",
        summary=(
            "Finds pretrained models named on a launch with their size in the name "
            "(`--model_name_or_path meta-llama/Llama-2-70b-hf`, `Qwen2-72B`, `...-7B-...`)."
        ),
        why="The size in a model's name is its parameter count: with the training set-up, memory per device.",
        positives=(
            Example("torchrun train.py --model_name_or_path meta-llama/Llama-2-70b-hf\n", kind="shell",
                    value="meta-llama/Llama-2-70b-hf"),
        ),
        negatives=(
            Example("torchrun train.py --model_name_or_path my-org/base-model\n", kind="shell",
                    note="a name without a size is no evidence, never a guess"),
            Example("torchrun train.py --model_name_or_path mistralai/Mixtral-8x7B-v0.1\n", kind="shell",
                    note="8x7B is a mixture of experts whose total is not 8 x 7B: not read from the name"),
        ),
        tags=("memory", "model-size", "training-setup"),
        notes=("`properties.params_b`: the size in billions.",),
    ),
    Rule(
        code="WAC510",
        name="low-memory-finetune",
        signal="memory.peft",
        title="low-memory fine-tuning",
        summary=(
            "Finds fine-tuning that freezes or quantises the base model: LoRA/QLoRA flags (`--use_peft`, "
            "`--finetuning_type lora`, `--load_in_4bit`, `--quantization_bit 4`)."
        ),
        why="A frozen, quantised base keeps 0.5 to 2 bytes per parameter instead of 16: small devices suffice.",
        positives=(
            Example("torchrun train.py --finetuning_type lora --quantization_bit 4\n", kind="shell", value="qlora"),
            Example("torchrun train.py --use_peft\n", kind="shell", value="lora"),
        ),
        negatives=(Example("torchrun train.py --finetuning_type full\n", kind="shell"),),
        tags=("memory", "training-setup"),
    ),
)
