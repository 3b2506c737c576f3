"""What Python names, keywords and strings mean for hardware: data, not branches.

Each table maps something the visitor sees (a dotted name, a keyword, a string
value, a module) to a rule code and a value. Add a row to teach the extractor
a new spelling. Sources: the PyTorch, Transformer Engine, FlashAttention,
Hugging Face and vendor docs summarised in the rule declarations.
"""

from __future__ import annotations

import re
from ...rules.codes import Code
from ...vocab.devices import DEVICE_TYPES
from ...vocab.deepspeed import LEGACY_CPU_OFFLOAD, LEGACY_OFFLOAD_DEVICE, OFFLOAD_BLOCKS, ZERO_BLOCK

from ..model_tables import LAUNCH_MODEL_NAMES

# Dotted dtype names (after alias resolution) -> (rule, value).
DTYPES: dict[str, tuple[str, str]] = {
    "torch.bfloat16": (Code.BF16_PRECISION, "bfloat16"),
    "torch.float16": (Code.FP16_PRECISION, "float16"),
    "torch.half": (Code.FP16_PRECISION, "float16"),
    "jax.numpy.bfloat16": (Code.BF16_PRECISION, "bfloat16"),
    "jax.numpy.float16": (Code.FP16_PRECISION, "float16"),
    "mlx.core.bfloat16": (Code.BF16_PRECISION, "bfloat16"),
    "mlx.core.float16": (Code.FP16_PRECISION, "float16"),
}
# Dtypes that name no precision evidence but make a table of dtypes one: {torch.bfloat16: ..., torch.float32: ...}
# maps dtypes, it sets none.
PLAIN_DTYPES = frozenset(f"{module}.{name}" for module in ("torch", "jax.numpy", "mlx.core") for name in (
    "float32", "float", "float64", "double", "int8", "int16", "int32", "int64", "uint8", "bool", "complex64"))
# torch.float8_* and torch.float4_* are matched by pattern (new variants keep arriving).
FP8_DTYPE = re.compile(r"^(?:torch|jax\.numpy|ml_dtypes)\.(float8_e[0-9]m[0-9]\w*)$")
FP4_DTYPE = re.compile(r"^(?:torch|ml_dtypes)\.(float4_e[0-9]m[0-9]\w*)$")

# Tensor/module methods that cast: `.bfloat16()`, `.half()`.
CAST_METHODS: dict[str, tuple[str, str]] = {
    "bfloat16": (Code.BF16_PRECISION, "bfloat16"),
    "half": (Code.FP16_PRECISION, "float16"),
}

# Keywords (call arguments, dict keys, config-class fields) and what they hold.
#   ("switch", rule):   a boolean: True = enabled, False = disabled
#   ("precision", None): a precision string or dtype
#   ("backend", None):  a collective backend name
#   ("device", None):   a device type string
#   ("attn", None):     an attention implementation name
#   ("fsdp", None):     an FSDP setting (non-empty = on)
#   ("count", rule):    a number (ZeRO stage, accumulation steps, micro batch) or "auto"
#   ("offload", None):  a ZeRO offload device ("cpu", "nvme", "none")
#   ("te", None):       Megatron's transformer implementation ("transformer_engine" or "local")
#   ("optimizer", None): a trainer's optimiser name (`TrainingArguments(optim="paged_adamw_8bit")`) (WAC508)
#   ("model", None):    a pretrained model's name, read for the size it states (WAC509)
#   ("seq", None):      the tokens of one training sample (WAC506, dimension "seq")
#   ("device_map", None): how Accelerate places a model's layers ("auto" splits them over the visible devices)
KEYWORDS: dict[str, tuple[str, str | None]] = {
    "bf16": ("switch", Code.BF16_PRECISION),
    "bf16_full_eval": ("switch", Code.BF16_PRECISION),
    "use_bf16": ("switch", Code.BF16_PRECISION),
    "fp16": ("switch", Code.FP16_PRECISION),
    "fp16_full_eval": ("switch", Code.FP16_PRECISION),
    "use_fp16": ("switch", Code.FP16_PRECISION),
    "tf32": ("switch", Code.TF32_MATMUL),
    "allow_tf32": ("switch", Code.TF32_MATMUL),
    "fp8": ("switch", Code.FP8_COMPUTE),
    # An FP8 format chosen (`fp8_format="e4m3"`, Megatron `--fp8-format hybrid`, TE `DelayedScaling(fp8_format=...)`).
    "fp8_format": ("switch", Code.FP8_COMPUTE),
    "use_fp8": ("switch", Code.FP8_COMPUTE),
    "use_flash_attention_2": ("switch", Code.FLASH_ATTENTION),
    # TPU cores to train on: Lightning 1.x `Trainer(tpu_cores=8)`, Hugging Face `TrainingArguments(tpu_num_cores=8)`;
    # None or 0 trains elsewhere (SWITCH_VALUES: the platform they name).
    "tpu_cores": ("switch", Code.XLA_PLATFORM),
    "tpu_num_cores": ("switch", Code.XLA_PLATFORM),
    "dtype": ("precision", None),
    "torch_dtype": ("precision", None),
    "compute_dtype": ("precision", None),
    "param_dtype": ("precision", None),
    "params_dtype": ("precision", None),
    "reduce_dtype": ("precision", None),
    "bnb_4bit_compute_dtype": ("precision", None),
    "mixed_precision": ("precision", None),
    "precision": ("precision", None),
    "amp_dtype": ("precision", None),
    "backend": ("backend", None),
    "dist_backend": ("backend", None),
    "ddp_backend": ("backend", None),
    "distributed_backend": ("backend", None),
    "device": ("device", None),
    "device_type": ("device", None),
    "accelerator": ("device", None),
    "device_target": ("device", None),  # MindSpore: context.set_context(device_target="Ascend")  # Lightning: "cuda", "tpu", "hpu", "mps" ("gpu" may be CUDA or MPS: not read)
    "attn_implementation": ("attn", None),
    "transformer_impl": ("te", None),
    "fsdp": ("fsdp", None),
    "zero_stage": ("count", Code.ZERO_STAGE),
    "offload_device": ("offload", None),
    "zero_cpu_offload": ("switch", Code.ZERO_OFFLOAD),  # DeepSpeed's legacy zero_optimization.cpu_offload
    "gradient_accumulation_steps": ("count", Code.GRADIENT_ACCUMULATION),
    "train_micro_batch_size_per_gpu": ("count", Code.MICRO_BATCH),
    "per_device_train_batch_size": ("count", Code.MICRO_BATCH),
    "micro_batch_size": ("count", Code.MICRO_BATCH),
    # Low-memory fine-tuning (WAC510): bitsandbytes quantisation of the frozen base (`BitsAndBytesConfig`,
    # `from_pretrained(load_in_4bit=True)`), TRL/trainer switches.
    "load_in_4bit": ("switch", Code.LOW_MEMORY_FINETUNE),
    "load_in_8bit": ("switch", Code.LOW_MEMORY_FINETUNE),
    "use_peft": ("switch", Code.LOW_MEMORY_FINETUNE),
    "use_lora": ("switch", Code.LOW_MEMORY_FINETUNE),
    "device_map": ("device_map", None),
    "gradient_checkpointing": ("switch", Code.ACTIVATION_CHECKPOINTING),
    "max_seq_length": ("seq", None),
    "model_max_length": ("seq", None),
    "optim": ("optimizer", None),
    **{name: ("model", None) for name in LAUNCH_MODEL_NAMES},
}
# A count above this is in force; at or below it the feature is off (ZeRO stage 0, one accumulation step).
COUNT_THRESHOLDS: dict[str, int] = {Code.ZERO_STAGE: 0, Code.GRADIENT_ACCUMULATION: 1, Code.MICRO_BATCH: 0}
# DeepSpeed config blocks written as Python dicts: block key -> inner key -> KEYWORDS entry it means.
DS_BLOCKS: dict[str, dict[str, str]] = {
    ZERO_BLOCK: {"stage": "zero_stage", LEGACY_CPU_OFFLOAD: "zero_cpu_offload"},
    **{block: {"device": "offload_device"} for block in OFFLOAD_BLOCKS},
}
# Keywords that only mean something as argparse options (`--fp8-format hybrid`, Megatron).
FLAG_KEYWORDS: dict[str, tuple[str, str | None]] = {}
# Switch keywords whose value is the rule's value when on (WAC601 wants "fa2"/"fa3").
SWITCH_VALUES: dict[str, str] = {
    "use_flash_attention_2": "fa2", "load_in_4bit": "qlora", "load_in_8bit": "qlora8", "use_peft": "lora",
    "use_lora": "lora", "gradient_checkpointing": "full", "zero_cpu_offload": LEGACY_OFFLOAD_DEVICE,
    "tpu_cores": "tpu", "tpu_num_cores": "tpu",
}

# argparse options (normalised: dashes stripped, "-" -> "_", lower case) that name a keyword above.
FLAG_ALIASES: dict[str, str] = {
    "bfloat16": "bf16",
    "half": "fp16",
    "float16": "fp16",
    "enable_bf16": "bf16",
    "enable_fp16": "fp16",
    "enable_fp8": "fp8",
    "use_tf32": "tf32",
    "distributed_backend": "backend",
    "dist_backend": "backend",
    "ddp_backend": "backend",
    "fp8_format": "fp8_format",
}
# Negated switch flags: `--no-bf16` (store_false style) means bf16 unless passed.
NEGATION_PREFIXES = ("no_", "disable_")

# Modules (longest prefix wins) -> [(rule, value)].
MODULES: dict[str, tuple[tuple[str, str], ...]] = {
    "torch_npu": ((Code.VENDOR_RUNTIME_IMPORT, "torch_npu"),),
    "torch_npu.contrib.transfer_to_npu": ((Code.VENDOR_RUNTIME_IMPORT, "torch_npu"), (Code.CUDA_MIGRATION_SHIM, "transfer_to_npu")),
    "habana_frameworks": ((Code.VENDOR_RUNTIME_IMPORT, "habana_frameworks"),),
    "habana_frameworks.torch.gpu_migration": ((Code.VENDOR_RUNTIME_IMPORT, "habana_frameworks"), (Code.CUDA_MIGRATION_SHIM, "gpu_migration")),
    # Hugging Face's Gaudi port of Transformers/Diffusers (GaudiTrainer, GaudiConfig): "the interface between the
    # Transformers and Diffusers libraries and Intel Gaudi AI Accelerators (HPU)" (optimum-habana's README).
    "optimum.habana": ((Code.VENDOR_RUNTIME_IMPORT, "optimum.habana"),),
    "mindspeed.megatron_adaptor": ((Code.CUDA_MIGRATION_SHIM, "mindspeed"),),  # patches Megatron's CUDA code paths for Ascend
    "torch_xla": ((Code.VENDOR_RUNTIME_IMPORT, "torch_xla"),),
    "jax": ((Code.VENDOR_RUNTIME_IMPORT, "jax"),),
    # Pallas kernels written for TPUs: `jax.experimental.pallas.tpu` holds the "Mosaic-specific Pallas APIs" and
    # `pallas.ops.tpu` JAX's TPU kernels (splash and flash attention); on TPUs Pallas lowers to Mosaic (JAX docs:
    # jax.experimental.pallas.tpu module, Pallas quickstart).
    "jax.experimental.pallas.tpu": ((Code.VENDOR_RUNTIME_IMPORT, "pallas.tpu"),),
    "jax.experimental.pallas.ops.tpu": ((Code.VENDOR_RUNTIME_IMPORT, "pallas.tpu"),),
    "mlx": ((Code.VENDOR_RUNTIME_IMPORT, "mlx"),),
    "torch_neuronx": ((Code.VENDOR_RUNTIME_IMPORT, "torch_neuronx"),),
    "torch_neuron": ((Code.VENDOR_RUNTIME_IMPORT, "torch_neuron"),),
    "neuronx_distributed": ((Code.VENDOR_RUNTIME_IMPORT, "neuronx_distributed"),),
    "intel_extension_for_pytorch": ((Code.VENDOR_RUNTIME_IMPORT, "intel_extension_for_pytorch"),),
    "oneccl_bindings_for_pytorch": ((Code.VENDOR_RUNTIME_IMPORT, "oneccl_bindings_for_pytorch"),),
    "transformer_engine": ((Code.TRANSFORMER_ENGINE, "transformer_engine"),),
    "flash_attn": ((Code.FLASH_ATTENTION, "fa2"),),
    # FlashAttention-2 ships its own `flash_attn.flash_attn_interface`; only the
    # top-level `flash_attn_interface` module is FA3 (built from hopper/).
    "flash_attn.flash_attn_interface": ((Code.FLASH_ATTENTION, "fa2"),),
    "flash_attn_interface": ((Code.FLASH_ATTENTION, "fa3"),),
}

# Calls (dotted names after alias resolution; a leading "*." matches any receiver).
INIT_PROCESS_GROUP = ("torch.distributed.init_process_group", "*.init_process_group", "init_process_group")
DEEPSPEED_INIT = ("deepspeed.init_distributed", "deepspeed.comm.init_distributed")
# JAX's multi-process runtime (one process per host); XLA picks the collectives for the platform.
JAX_DISTRIBUTED_INIT = ("jax.distributed.initialize",)
AUTOCAST = ("torch.autocast", "torch.amp.autocast", "torch.cuda.amp.autocast", "torch.cpu.amp.autocast")
# Autocast on the host CPU: its dtype is the CPU's precision, not the accelerator's.
CPU_AUTOCAST = ("torch.cpu.amp.autocast",)
CPU_DEVICE_TYPES = ("cpu",)
# Precision rules an autocast's arguments can give; inside a CPU autocast they carry `device="cpu"`.
AUTOCAST_PRECISION_RULES = frozenset({Code.BF16_PRECISION, Code.FP16_PRECISION, Code.FP8_COMPUTE})
FP8_AUTOCAST = ("transformer_engine.pytorch.fp8_autocast", "*.fp8_autocast")
# NVIDIA Apex automatic mixed precision: opt levels O1-O3 run float16, O0 is plain float32.
APEX_AMP_INIT = ("apex.amp.initialize",)
GRAD_SCALERS = ("torch.cuda.amp.GradScaler", "torch.amp.GradScaler", "*.GradScaler")
FP8_GEMMS = ("torch._scaled_mm", "torch._scaled_grouped_mm")
# Low-precision recipes and conversions: constructing one is what a training loop passes to its autocast
# (`te.autocast(recipe=NVFP4BlockScaling())`); each names its number format. Class or function name -> (rule, value).
# Sources: Transformer Engine `common.recipe` (DelayedScaling, Float8CurrentScaling, Float8BlockScaling,
# MXFP8BlockScaling, NVFP4BlockScaling); torchao.float8 (`convert_to_float8_training`).
LOW_PRECISION_RECIPES: dict[str, tuple[str, str]] = {
    "NVFP4BlockScaling": (Code.FP4_COMPUTE, "nvfp4"),
    "MXFP8BlockScaling": (Code.FP8_COMPUTE, "mxfp8"),
    "Float8CurrentScaling": (Code.FP8_COMPUTE, "fp8"),
    "Float8BlockScaling": (Code.FP8_COMPUTE, "fp8-block"),
    "convert_to_float8_training": (Code.FP8_COMPUTE, "torchao.float8"),
}
FSDP_CALLS: dict[str, str] = {
    "torch.distributed.fsdp.FullyShardedDataParallel": "fsdp",
    "*.FullyShardedDataParallel": "fsdp",
    "FullyShardedDataParallel": "fsdp",
    "torch.distributed.fsdp.fully_shard": "fsdp2",
    "torch.distributed._composable.fsdp.fully_shard": "fsdp2",
    "*.fully_shard": "fsdp2",
    "accelerate.FullyShardedDataParallelPlugin": "fsdp",
    "accelerate.utils.FullyShardedDataParallelPlugin": "fsdp",
    "*.FullyShardedDataParallelPlugin": "fsdp",
    # Lightning Fabric and Trainer: `Fabric(strategy=FSDPStrategy(...))` (lightning.fabric.strategies,
    # lightning.pytorch.strategies, pytorch_lightning.strategies).
    "lightning.fabric.strategies.FSDPStrategy": "fsdp",
    "lightning.pytorch.strategies.FSDPStrategy": "fsdp",
    "pytorch_lightning.strategies.FSDPStrategy": "fsdp",
    "*.FSDPStrategy": "fsdp",
}
# Loading a pretrained model: its first argument (or `pretrained_model_name_or_path=`) names it (WAC509). A
# tokenizer, processor or scheduler loaded by name says nothing about the size of the model trained (a small model
# trained from scratch often borrows a large model's tokenizer): receivers with these endings are not read.
MODEL_LOADERS = ("*.from_pretrained",)
NOT_MODEL_RECEIVERS = ("Tokenizer", "TokenizerFast", "Processor", "FeatureExtractor", "Scheduler", "Pipeline")
# A layer split over however many devices are visible: the per-device share is unknown (WAC507, axis pipeline).
SPLIT_DEVICE_MAPS = frozenset({"auto", "balanced", "balanced_low_0", "sequential"})
# PEFT set-ups (an adapter config built, a model wrapped): the base weights stay frozen (WAC510).
PEFT_CALLS: dict[str, str] = {
    "peft.get_peft_model": "lora", "*.get_peft_model": "lora", "get_peft_model": "lora",
    "peft.LoraConfig": "lora", "*.LoraConfig": "lora", "LoraConfig": "lora",
    # Only for a base loaded in 4 or 8 bits (its quantisation config may be built elsewhere): 4-bit, the floor.
    "peft.prepare_model_for_kbit_training": "qlora", "*.prepare_model_for_kbit_training": "qlora",
    "prepare_model_for_kbit_training": "qlora",
}
# Methods that freeze what they are called on when given False (`model.requires_grad_(False)`) (WAC510).
FREEZE_METHODS: dict[str, str] = {"requires_grad_": "frozen"}
# Methods that switch activation recomputation on for the model they are called on (WAC511).
CHECKPOINT_METHODS: dict[str, str] = {"gradient_checkpointing_enable": "full"}
DEVICE_CALLS = ("torch.device", "mindspore.set_device", "mindspore.context.set_device")
# `torch.<module>` namespaces that only a vendor's plugin installs (torch_npu adds torch.npu, Gaudi's bridge
# torch.hpu); torch.xpu and torch.mps are Intel GPU and Apple. torch.cuda is left out: ROCm builds and
# migration shims keep that name, and device strings already report it.
DEVICE_MODULES: dict[str, str] = {device: device for device in sorted(DEVICE_TYPES - {"cuda", "xla"})}
AVAILABILITY_QUERY = re.compile(r"^(?:is_available|device_count|is_initialized|is_bf16_supported)$")
DEVICE_METHODS: dict[str, str] = {"cuda": "cuda", "npu": "npu", "xpu": "xpu", "hpu": "hpu"}
XLA_DEVICE_CALLS = ("torch_xla.core.xla_model.xla_device", "torch_xla.device")
# TensorFlow's TPU APIs (WAC208) -> the keyword that switches the TPU off, or "" when none does. A TPU strategy, a
# cluster resolver or `initialize_tpu_system` connects to a Cloud TPU and fails without one; a TPUEstimator (TF 1
# `tf.contrib.tpu`, `tf.compat.v1.estimator.tpu`) runs on the TPU unless `use_tpu=` is false, when it falls back to
# the CPU or GPU: a `use_tpu` set from a flag is conditional, not a fact.
TPU_CALLS: dict[str, str] = {
    "*.TPUEstimator": "use_tpu", "TPUEstimator": "use_tpu",
    "*.TPUStrategy": "", "TPUStrategy": "", "*.TPUClusterResolver": "", "TPUClusterResolver": "",
    "*.initialize_tpu_system": "", "initialize_tpu_system": "",
}
# XManager job requirements (`xm.JobRequirements(tpu_v2=8)`, `xm.JobRequirements({xm.ResourceType.A100: 8})`): the
# accelerator a launch script asks the scheduler for (WAC703). Resource names -> vendor; XManager looks them up
# case-insensitively. Source: google-deepmind/xmanager, xmanager/xm/resources.py (`ResourceType`: P4, T4, P100, V100,
# A100, TPU_V2, TPU_V3; keyword resources are the lower-case names).
JOB_REQUIREMENTS = ("*.JobRequirements", "JobRequirements")
JOB_ACCELERATORS: dict[str, str] = {
    "p4": "nvidia", "t4": "nvidia", "p100": "nvidia", "v100": "nvidia", "a100": "nvidia",
    "tpu_v2": "google", "tpu_v3": "google",
}
# JAX calls whose backend argument (first positional or `backend=`) names the platform: `jax.devices("tpu")`
# raises without one, so the platform is a requirement (WAC208).
PLATFORM_CALLS = ("jax.devices", "jax.local_devices", "jax.device_count", "jax.local_device_count")
# Expressions that read the platform a JAX program runs on; compared with a string they test it (WAC208):
# `jax.default_backend() == "tpu"`, `jax.devices()[0].platform == "tpu"`.
PLATFORM_QUERIES = (
    "jax.default_backend", "jax.lib.xla_bridge.get_backend", "torch_xla.runtime.device_type", "torch_xla.device_type",
)
PLATFORM_ATTRIBUTES = frozenset({"platform"})
PLATFORM_NAMES = frozenset({"tpu", "gpu", "cuda", "rocm", "cpu", "neuron"})
# `jax.config.update("jax_platforms", "cpu")`: the option that picks the platform, and the call that sets it.
PLATFORM_CONFIG_CALLS = ("jax.config.update",)
PLATFORM_CONFIG_KEYS = frozenset({"jax_platforms", "jax_platform_name"})
BF16_SUPPORT_CHECKS = ("torch.cuda.is_bf16_supported", "*.is_bf16_supported")
MATMUL_PRECISION = ("torch.set_float32_matmul_precision",)
TF32_ATTRIBUTES = (
    "torch.backends.cuda.matmul.allow_tf32",
    "torch.backends.cudnn.allow_tf32",
)
FP32_PRECISION_ATTRIBUTES = (
    "torch.backends.fp32_precision",
    "torch.backends.cuda.matmul.fp32_precision",
    "torch.backends.cudnn.fp32_precision",
    "torch.backends.cudnn.conv.fp32_precision",
)
VERSION_ATTRIBUTES: dict[str, str] = {"torch.version.hip": "hip", "torch.version.cuda": "cuda"}
ENV_GETTERS = ("os.environ.get", "os.getenv")
# Calls whose string arguments are messages for people (a flag quoted in an error is no build setting).
MESSAGE_CALLS = frozenset(
    {"print", "info", "warning", "warn", "error", "debug", "critical", "exception", "log", "echo", "exit", "secho"}
)
DYNAMIC_IMPORTS = ("importlib.import_module", "__import__")

# Words in comments, docstrings and help text -> (rule, value or None) (state: mentioned).
MENTION_PATTERNS: tuple[tuple[re.Pattern[str], str, str | None], ...] = (
    (re.compile(r"\b(?:bf16|bfloat16|BF16|BFloat16)\b"), Code.BF16_PRECISION, None),
    (re.compile(r"\b(?:fp16|float16|FP16|Float16)\b"), Code.FP16_PRECISION, None),
    (re.compile(r"\b(?:tf32|TF32)\b"), Code.TF32_MATMUL, None),
    (re.compile(r"\b(?:fp8|FP8)\b"), Code.FP8_COMPUTE, None),
    (re.compile(r"\b(?:nv|mx|NV|MX)?(?:fp4|FP4)\b"), Code.FP4_COMPUTE, None),
    (re.compile(r"\bnccl\b|\bNCCL\b(?!_)"), Code.COLLECTIVE_BACKEND, "nccl"),
    (re.compile(r"\bhccl\b|\bHCCL\b(?!_)"), Code.COLLECTIVE_BACKEND, "hccl"),
    (re.compile(r"\bgloo\b"), Code.COLLECTIVE_BACKEND, "gloo"),
    (re.compile(r"\btorch_npu\b"), Code.VENDOR_RUNTIME_IMPORT, "torch_npu"),
    (re.compile(r"\bhabana_frameworks\b"), Code.VENDOR_RUNTIME_IMPORT, "habana_frameworks"),
    (re.compile(r"\btorch_xla\b"), Code.VENDOR_RUNTIME_IMPORT, "torch_xla"),
    (re.compile(r"\bintel_extension_for_pytorch\b"), Code.VENDOR_RUNTIME_IMPORT, "intel_extension_for_pytorch"),
    (re.compile(r"\btransfer_to_npu\b"), Code.CUDA_MIGRATION_SHIM, "transfer_to_npu"),
    (re.compile(r"(?<![.\w])flash_attn_interface\b|\bFlashAttention-?3\b"), Code.FLASH_ATTENTION, "fa3"),
    (re.compile(r"\bflash_attn\b(?!_interface)|\bFlashAttention-?2\b"), Code.FLASH_ATTENTION, "fa2"),
    (re.compile(r"\btransformer_engine\b|\bTransformer ?Engine\b"), Code.TRANSFORMER_ENGINE, "transformer_engine"),
)
FP8_DTYPE_WORD = re.compile(r"\bfloat8_e[0-9]m[0-9]\w*")
ENV_NAME_WORD = re.compile(r"\b[A-Z][A-Z0-9]*_[A-Z0-9_]+\b")
