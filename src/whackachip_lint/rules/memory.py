"""WAC5xx: memory and sharding (ZeRO stage, offload, accumulation, micro batch, FSDP, model size, parallelism)."""

from ..evidence import State
from .base import Example, Rule

# Trigger words (the pre-filter's, prefilter.py): a file of a filtered kind is parsed for these rules only
# if it holds one of them (case-insensitive; triggers.BOUNDED words only as whole words).
# Memory and sharding: DeepSpeed ZeRO, offload, accumulation, batch sizes, FSDP.
TRIGGERS = (
    "zero", "offload", "stage", "accumulat", "micro_batch", "micro-batch", "batch_size", "batch-size",
    "fsdp", "fully_shard", "fullyshard", "shard",
)
# Model size, parallel sizes, optimiser, fine-tuning mode and checkpointing (WAC506-WAC511) come from launch
# arguments (shell) and model configs (JSON): those kinds also wake on these words.
MODEL_SIZE_WORDS = (
    "num_layers", "num-layers", "hidden_size", "hidden-size", "n_embd", "d_model", "n_layer", "parallel_size",
    "parallel-size", "distributed_optimizer", "distributed-optimizer", "optim", "model_name", "model_path",
    "model_id", "base_model", "peft", "lora", "load_in_", "quantization_bit", "swiglu", "recompute",
    "checkpointing", "seq_length", "seq-length", "model_max_length", "cutoff_len",
    # the other launch options of extract/model_tables.py (tests/test_prefilter.py checks every key, both separators)
    "attention_heads", "attention-heads", "query_groups", "query-groups", "position_embeddings",
    "position-embeddings", "num_experts", "num-experts", "router_topk", "router-topk", "vocab_size", "vocab-size",
    "untie_embeddings", "untie-embeddings", "group_query_attention", "group-query-attention", "finetuning_type",
    "finetuning-type", "model-max-length", "cutoff-len", "model-name", "model-path", "model-id", "base-model",
    "load-in-", "quantization-bit", "--tp", "--pp",
)
# Python code names the model it loads, its adapters, quantised or frozen base and how its layers are placed
# (extract/python/tables.py: MODEL_LOADERS, PEFT_CALLS, FREEZE_METHODS and the model keywords).
PYTHON_MODEL_WORDS = (
    "from_pretrained", "model_name", "model_path", "model_id", "base_model", "peft", "lora", "load_in_",
    "requires_grad_", "device_map", "optim", "checkpointing", "seq_length", "model_max_length",
)
TRIGGERS_BY_KIND = (
    ("shell", TRIGGERS + MODEL_SIZE_WORDS), ("json", TRIGGERS + MODEL_SIZE_WORDS),
    ("python", TRIGGERS + PYTHON_MODEL_WORDS),
)

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
            Example("zero_optimization:\n  stage: 3\n", kind="yaml", value=3, note="DeepSpeed config written as YAML"),
        ),
        negatives=(
            Example('{"name": "stage", "stage": 3}\n', kind="json"),
            Example('ds_config = {"zero_optimization": {"stage": 0}}\nlevels = {"stage": 3}\n'),
            Example("stages:\n  - stage: 3\n", kind="yaml", note="a `stage` outside zero_optimization"),
            Example("zero_optimization:\n  stage: auto\n", kind="yaml", state=State.CONDITIONAL),
        ),
        tags=("memory", "training-setup"),
        triggers=TRIGGERS,
        triggers_by_kind=TRIGGERS_BY_KIND,
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
            Example("zero_optimization:\n  offload_param:\n    device: nvme\n", kind="yaml", value="nvme"),
        ),
        negatives=(
            Example(
                '{"zero_optimization": {"stage": 3, "offload_optimizer": {"device": "none"}}}\n',
                kind="json",
            ),
            Example('zero = {"stage": 3, "offload_param": {"device": "none"}}\n'),
            Example("zero_optimization:\n  offload_optimizer:\n    device: none\n", kind="yaml"),
        ),
        tags=("memory", "training-setup"),
        triggers=TRIGGERS,
        triggers_by_kind=TRIGGERS_BY_KIND,
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
            Example("gradient_accumulation_steps: 8\n", kind="yaml", value=8),
        ),
        negatives=(
            Example('{"gradient_accumulation_steps": 1, "zero_optimization": {"stage": 2}}\n', kind="json", state=State.DISABLED),
            Example('args = TrainingArguments("out", gradient_accumulation_steps=1)\n'),
        ),
        tags=("memory", "training-setup"),
        triggers=TRIGGERS,
        triggers_by_kind=TRIGGERS_BY_KIND,
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
            Example("train_micro_batch_size_per_gpu: 2\n", kind="yaml", value=2),
            Example("deepspeed train.py --per_device_train_batch_size 4\n", kind="shell", value=4),
        ),
        negatives=(
            Example('{"batch": 4}\n', kind="json"),
            Example("loader = DataLoader(data, batch_size=4)\n", note="a loader's batch size is not a per-device micro batch"),
        ),
        tags=("memory", "training-setup"),
        triggers=TRIGGERS,
        triggers_by_kind=TRIGGERS_BY_KIND,
    ),
    Rule(
        code="WAC505",
        name="fsdp",
        signal="memory.fsdp",
        title="FSDP sharding",
        summary=("Finds PyTorch FSDP sharding (FullyShardedDataParallel, fully_shard, Lightning's FSDPStrategy, "
                 "fsdp configs)."),
        why="Like ZeRO-3, FSDP shards model state across devices because it does not fit on one.",
        positives=(
            Example("from torch.distributed.fsdp import FullyShardedDataParallel as FSDP\nmodel = FSDP(model)\n"),
            Example("from torch.distributed.fsdp import fully_shard\nfully_shard(model)\n", value="fsdp2"),
            Example('from transformers import TrainingArguments\nargs = TrainingArguments("out", fsdp="full_shard auto_wrap")\n'),
            Example("distributed_type: FSDP\n", kind="yaml", value="fsdp"),
            Example("import lightning as L\nfrom lightning.fabric.strategies import FSDPStrategy\n"
                    "fabric = L.Fabric(devices=8, strategy=FSDPStrategy())\n", value="fsdp"),
        ),
        negatives=(
            Example("# FSDP would help here\nmodel = model.cuda()\n"),
            Example('from transformers import TrainingArguments\nargs = TrainingArguments("out", fsdp="")\n'),
        ),
        tags=("memory", "training-setup"),
        triggers=TRIGGERS,
        triggers_by_kind=TRIGGERS_BY_KIND,
    ),
    Rule(
        code="WAC506",
        name="model-dimension",
        signal="memory.model_dim",
        title="model dimension",
        summary=(
            "Finds the size of the model a run trains: Megatron-style launch arguments (`--num-layers`, "
            "`--hidden-size`, `--ffn-hidden-size`, `--num-attention-heads`, `--num-query-groups`, `--num-experts`, "
            "`--vocab-size`, `--seq-length`) and Hugging Face `config.json` files (`hidden_size`, `num_hidden_layers`, "
            "...); sequence lengths given to a trainer (`--max_seq_length`, `max_seq_length=`, `model_max_length=`)."
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
            Example('config = SFTConfig("out", max_seq_length=2048)\n', value=2048,
                    note="a sequence length (dimension seq): an input of the activation estimate"),
        ),
        negatives=(
            Example("# torchrun pretrain_gpt.py --num-layers 80\n", kind="shell", state=State.MENTIONED),
            Example('{"hidden_size": 4096, "layers": 3}\n', kind="json", note="no model_type: not a model config"),
            Example('config = SFTConfig("out", max_seq_length=args.length)\n', note="a length decided elsewhere"),
        ),
        tags=("memory", "model-size", "training-setup"),
        notes=("`properties.dimension`: layers, hidden, ffn, heads, kv_heads, experts, experts_topk, vocab, seq, ...",),
        triggers=TRIGGERS,
        triggers_by_kind=TRIGGERS_BY_KIND,
    ),
    Rule(
        code="WAC507",
        name="model-parallel-size",
        signal="memory.parallel",
        title="model parallel size",
        summary=(
            "Finds tensor, pipeline, expert and context parallel sizes given to a launch "
            "(`--tensor-model-parallel-size`, `--pipeline-model-parallel-size`, `--expert-model-parallel-size`), "
            "and models whose layers Accelerate spreads over every visible device (`device_map=\"auto\"`)."
        ),
        why="Model parallelism splits the model's state over devices; the rest of the devices form data-parallel ranks.",
        positives=(
            Example("torchrun pretrain_gpt.py --tensor-model-parallel-size 8\n", kind="shell", value=8),
            Example('from transformers import AutoModelForCausalLM\n'
                    'model = AutoModelForCausalLM.from_pretrained(name, device_map="auto")\n',
                    state=State.CONDITIONAL, value="auto",
                    note="split over however many devices are visible: the per-device share is unknown"),
        ),
        negatives=(
            Example("torchrun pretrain_gpt.py --tensor-model-parallel-size $TP\n", kind="shell",
                    state=State.CONDITIONAL),
            Example('from transformers import AutoModelForCausalLM\n'
                    'model = AutoModelForCausalLM.from_pretrained(name, device_map={"": 0})\n',
                    note="the whole model on one device"),
        ),
        tags=("memory", "model-size"),
        notes=("`properties.axis`: tensor, pipeline, expert, context, or distributed_optimizer.",),
        triggers=TRIGGERS,
        triggers_by_kind=TRIGGERS_BY_KIND,
    ),
    Rule(
        code="WAC508",
        name="optimizer",
        signal="memory.optimizer",
        title="optimiser",
        summary=(
            "Finds the optimiser a run trains with: `--optim adamw_torch|adamw_bnb_8bit|adafactor|sgd` (Hugging Face), "
            "`--optimizer adam|sgd` (Megatron), DeepSpeed's `\"optimizer\": {\"type\": ...}`, and "
            "`optim=` given to a trainer's arguments in Python."
        ),
        why="Adam keeps two states per parameter (8-bit Adam two bytes), SGD one or none: bytes per parameter.",
        positives=(
            Example("torchrun train.py --optim adamw_bnb_8bit\n", kind="shell", value="adam8bit"),
            Example('{"optimizer": {"type": "AdamW"}, "zero_optimization": {"stage": 2}}\n', kind="json", value="adam"),
            Example('args = TrainingArguments("out", optim="paged_adamw_8bit")\n', value="adam8bit"),
        ),
        negatives=(
            Example('{"optimizer": {"type": "MyOwn"}, "zero_optimization": {"stage": 2}}\n', kind="json",
                    note="an optimiser the memory model does not know is no evidence"),
            Example('args = TrainingArguments("out", optim=choice)\n', note="a value decided elsewhere"),
        ),
        tags=("memory", "training-setup"),
        triggers=TRIGGERS,
        triggers_by_kind=TRIGGERS_BY_KIND,
    ),
    Rule(
        code="WAC509",
        name="model-name-size",
        signal="memory.model_name",
        title="model named with its size",
        summary=(
            "Finds pretrained models named with their size in the name (`meta-llama/Llama-2-70b-hf`, `Qwen2-72B`, "
            "`...-7B-...`): on a launch (`--model_name_or_path ...`), loaded in Python (`from_pretrained(...)`, "
            "`model_name_or_path=`, `model_name=` ...), or as an option's default."
        ),
        why="The size in a model's name is its parameter count: with the training set-up, memory per device.",
        positives=(
            Example("torchrun train.py --model_name_or_path meta-llama/Llama-2-70b-hf\n", kind="shell",
                    value="meta-llama/Llama-2-70b-hf"),
            Example('from transformers import AutoModelForCausalLM\n'
                    'model = AutoModelForCausalLM.from_pretrained("Qwen/Qwen2-72B")\n', value="Qwen/Qwen2-72B"),
            Example('parser.add_argument("--model_name_or_path", default="meta-llama/Llama-2-7b-hf")\n',
                    value="meta-llama/Llama-2-7b-hf", note="an option's default holds unless a launch passes another"),
        ),
        negatives=(
            Example("torchrun train.py --model_name_or_path my-org/base-model\n", kind="shell",
                    note="a name without a size is no evidence, never a guess"),
            Example("torchrun train.py --model_name_or_path mistralai/Mixtral-8x7B-v0.1\n", kind="shell",
                    note="8x7B is a mixture of experts whose total is not 8 x 7B: not read from the name"),
            Example('from transformers import AutoTokenizer\n'
                    'tokenizer = AutoTokenizer.from_pretrained("meta-llama/Llama-2-70b-hf")\n',
                    note="a tokenizer says nothing about the size of the model trained with it"),
            Example('from transformers import AutoModelForCausalLM\n'
                    'model = AutoModelForCausalLM.from_pretrained("gpt2")\n', note="no size in the name"),
        ),
        # Not a training set-up by itself: inference scripts load models by name too (paths/roles.py).
        tags=("memory", "model-size"),
        notes=("`properties.params_b`: the size in billions.",),
        triggers=TRIGGERS,
        triggers_by_kind=TRIGGERS_BY_KIND,
    ),
    Rule(
        code="WAC510",
        name="low-memory-finetune",
        signal="memory.peft",
        title="low-memory fine-tuning",
        summary=(
            "Finds fine-tuning that freezes or quantises the base model: LoRA/QLoRA flags (`--use_peft`, "
            "`--finetuning_type lora`, `--load_in_4bit`, `--quantization_bit 4`) and, in Python, PEFT "
            "(`LoraConfig`, `get_peft_model`, `prepare_model_for_kbit_training`), bitsandbytes quantisation "
            "(`load_in_4bit=True`, "
            "`BitsAndBytesConfig(load_in_4bit=True)`) and frozen weights (`requires_grad_(False)`)."
        ),
        why="A frozen, quantised base keeps 0.5 to 2 bytes per parameter instead of 16: small devices suffice.",
        positives=(
            Example("torchrun train.py --finetuning_type lora --quantization_bit 4\n", kind="shell", value="qlora"),
            Example("torchrun train.py --use_peft\n", kind="shell", value="lora"),
            Example('from transformers import BitsAndBytesConfig\n'
                    'quantization = BitsAndBytesConfig(load_in_4bit=True, bnb_4bit_quant_type="nf4")\n',
                    value="qlora"),
            Example("from peft import LoraConfig, get_peft_model\nmodel = get_peft_model(model, LoraConfig(r=16))\n",
                    value="lora"),
            Example("from peft import prepare_model_for_kbit_training\n"
                    "model = prepare_model_for_kbit_training(model)\n",
                    value="qlora", note="a 4- or 8-bit base, its quantisation set up elsewhere: 4-bit, the floor"),
            Example("text_encoder.requires_grad_(False)\n", value="frozen",
                    note="a frozen part makes the whole count as frozen: the bound stays a floor"),
        ),
        negatives=(
            Example("torchrun train.py --finetuning_type full\n", kind="shell"),
            Example("torchrun train.py --use_peft False\n", kind="shell", state=State.DISABLED,
                    note="a switch followed by False is off"),
            Example("quantization = BitsAndBytesConfig(load_in_4bit=False, load_in_8bit=False)\n"),
            Example("model.requires_grad_(True)\n"),
        ),
        # Not a training set-up by itself: quantised and frozen weights serve inference too (paths/roles.py).
        tags=("memory",),
        triggers=TRIGGERS,
        triggers_by_kind=TRIGGERS_BY_KIND,
    ),
    Rule(
        code="WAC511",
        name="activation-checkpointing",
        signal="memory.checkpointing",
        title="activation checkpointing",
        summary=(
            "Finds whether a run recomputes activations instead of keeping them: Megatron's "
            "`--recompute-activations` and `--recompute-granularity full|selective`, Hugging Face "
            "`--gradient_checkpointing` (`True`/`False`), `gradient_checkpointing=` and "
            "`model.gradient_checkpointing_enable()` in Python."
        ),
        why=(
            "With the micro batch, sequence length and model width it gives an estimate of activation memory per "
            "device, reported beside the model-state floor (never used to exclude a part)."
        ),
        positives=(
            Example("torchrun pretrain_gpt.py --recompute-granularity full\n", kind="shell", value="full"),
            Example("torchrun train.py --gradient_checkpointing True\n", kind="shell", value="full"),
            Example('args = TrainingArguments("out", gradient_checkpointing=True)\n', value="full"),
            Example("model.gradient_checkpointing_enable()\n", value="full"),
        ),
        negatives=(
            Example("torchrun train.py --gradient_checkpointing False\n", kind="shell", state=State.DISABLED,
                    note="turned off: activations are kept (a known input of the estimate)"),
            Example('args = TrainingArguments("out", gradient_checkpointing=False)\n', state=State.DISABLED),
        ),
        tags=("memory",),
        notes=("Values: `full` (only each layer's input is kept), `selective` (attention internals recomputed).",),
        triggers=TRIGGERS,
        triggers_by_kind=TRIGGERS_BY_KIND,
    ),
)
