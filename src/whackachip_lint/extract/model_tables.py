"""What a launch argument or a model config says about model size, parallelism and the optimiser: data.

One vocabulary for every reader of model-size evidence: the shell extractor (Megatron-style and Hugging Face
launch arguments), the Hugging Face `config.json` reader, and the memory model (`infer/memory.py`), which works in
the canonical dimension names below. Sources: Megatron-LM's `arguments.py` (flag names and defaults), the
Hugging Face `PretrainedConfig` attribute maps, DeepSpeed's optimizer names, bitsandbytes and PEFT docs.
"""

from __future__ import annotations

import re

# Launch options (lower case, "-" -> "_", without the leading "--") -> canonical model dimension (WAC506).
LAUNCH_DIMENSIONS: dict[str, str] = {
    "num_layers": "layers",
    "hidden_size": "hidden",
    "ffn_hidden_size": "ffn",
    "num_attention_heads": "heads",
    "num_query_groups": "kv_heads",
    "seq_length": "seq",
    "max_position_embeddings": "positions",
    "num_experts": "experts",
    "moe_router_topk": "experts_topk",
    "moe_ffn_hidden_size": "expert_ffn",
    "vocab_size": "vocab",
    "padded_vocab_size": "vocab",
    # Hugging Face trainers' sequence lengths (TRL, LLaMA-Factory, FastChat): the tokens of one sample.
    "max_seq_length": "seq",
    "model_max_length": "seq",
    "cutoff_len": "seq",
}
# Launch switches that change the parameter count (Megatron): canonical name, value True.
LAUNCH_DIMENSION_SWITCHES: dict[str, str] = {
    "swiglu": "gated_mlp",
    "untie_embeddings_and_output_weights": "untied_embeddings",
    "group_query_attention": "gqa",
}
# Launch options -> parallel axis (WAC507).
LAUNCH_PARALLEL: dict[str, str] = {
    "tensor_model_parallel_size": "tensor",
    "tp": "tensor",
    "pipeline_model_parallel_size": "pipeline",
    "pp": "pipeline",
    "expert_model_parallel_size": "expert",
    "context_parallel_size": "context",
}
# Megatron's distributed optimiser shards the optimiser state over data-parallel ranks, as ZeRO-1 does.
LAUNCH_PARALLEL_SWITCHES: dict[str, str] = {"use_distributed_optimizer": "distributed_optimizer"}
# Launch options naming the pretrained model (WAC509).
LAUNCH_MODEL_NAMES = frozenset(
    {"model_name_or_path", "pretrained_model_name_or_path", "model_name", "model_id", "base_model", "model_path"}
)
# Launch options naming the optimiser (WAC508).
LAUNCH_OPTIMIZERS = frozenset({"optim", "optimizer"})

# Launch options that recompute activations instead of keeping them (WAC511): option -> ("switch", value) for a
# flag (a following `True`/`False` decides it), ("choice", {word: value}) for a valued option.
LAUNCH_CHECKPOINTING: dict[str, tuple[str, object]] = {
    "recompute_activations": ("switch", "selective"),  # Megatron: selective recomputation
    "recompute_granularity": ("choice", {"full": "full", "selective": "selective"}),
    "gradient_checkpointing": ("switch", "full"),
}

# Hugging Face config.json keys (several spellings per model family) -> canonical dimension.
CONFIG_DIMENSIONS: dict[str, str] = {
    "num_hidden_layers": "layers",
    "n_layer": "layers",
    "num_layers": "layers",
    "hidden_size": "hidden",
    "n_embd": "hidden",
    "d_model": "hidden",
    "intermediate_size": "ffn",
    "n_inner": "ffn",
    "ffn_dim": "ffn",
    "num_attention_heads": "heads",
    "n_head": "heads",
    "num_key_value_heads": "kv_heads",
    "vocab_size": "vocab",
    "num_local_experts": "experts",
    "n_routed_experts": "experts",
    "num_experts": "experts",
    "n_shared_experts": "shared_experts",
    "num_experts_per_tok": "experts_topk",
    "moe_intermediate_size": "expert_ffn",
    "tie_word_embeddings": "tied_embeddings",
}
# A JSON object is a Hugging Face model config when it has `model_type` and both of these dimensions.
CONFIG_REQUIRED = frozenset({"layers", "hidden"})
# Families whose MLP is gated (three matrices): Llama-style configs. Others (GPT-2, OPT, BERT) have two.
GATED_MLP_MODEL_TYPES = frozenset(
    {"llama", "mistral", "mixtral", "qwen2", "qwen2_moe", "qwen3", "qwen3_moe", "gemma", "gemma2", "gemma3",
     "deepseek_v2", "deepseek_v3", "internlm2", "yi", "baichuan", "phi3", "olmo2", "cohere"}
)

# Optimiser spellings (lower case) -> the memory model's optimiser classes (WAC508).
OPTIMIZERS: dict[str, str] = {
    "adam": "adam", "adamw": "adam", "adamw_torch": "adam", "adamw_torch_fused": "adam", "adamw_hf": "adam",
    "adamw_apex_fused": "adam", "fusedadam": "adam", "cpuadam": "adam", "deepspeedcpuadam": "adam",
    "adamw_bnb_8bit": "adam8bit", "adamw_8bit": "adam8bit", "paged_adamw_8bit": "adam8bit", "adam8bit": "adam8bit",
    "adamw8bit": "adam8bit", "paged_adamw_32bit": "adam",
    "adafactor": "adafactor",
    "sgd": "sgd",
    "lion": "lion", "lion_8bit": "lion8bit", "paged_lion_8bit": "lion8bit",
    "onebitadam": "adam", "zerooneadam": "adam", "lamb": "adam", "onebitlamb": "adam", "fusedlamb": "adam",
}

# Launch options that make a fine-tune keep the base model frozen (and maybe quantised) (WAC510).
#   option -> ("switch", value) for a bare flag; ("choice", {word: value}) for a valued option.
LAUNCH_PEFT: dict[str, tuple[str, object]] = {
    "use_peft": ("switch", "lora"),
    "use_lora": ("switch", "lora"),
    "lora": ("switch", "lora"),
    "load_in_4bit": ("switch", "qlora"),
    "load_in_8bit": ("switch", "qlora8"),
    "finetuning_type": ("choice", {"lora": "lora", "qlora": "qlora", "freeze": "frozen"}),
    "quantization_bit": ("choice", {"4": "qlora", "8": "qlora8"}),
}

# "Llama-2-70b-hf", "Qwen2-72B", "opt-6.7b", "pythia-410m": a size token between separators. Mixture-of-experts
# names ("8x7B") are not sizes of the whole model and are left alone.
_SIZE = re.compile(r"(?<![\dx.])(\d+(?:\.\d+)?)([bBmM])(?![a-zA-Z\d])")
_MOE_NAME = re.compile(r"\d+x\d+(?:\.\d+)?[bBmM]", re.IGNORECASE)
# A file name is not a model's name: `run_visualglm_6b_generation.yaml` is a config, `llama-7b.gguf` a weight file.
_FILE_NAME = re.compile(r"\.(?:ya?ml|json|toml|py|sh|txt|md|bin|pt|pth|ckpt|safetensors|gguf|onnx|tar|gz|zip)$", re.I)


def params_from_model_name(name: str) -> float | None:
    """Parameters (in billions) a model's name states, or None when it states none (never a guess)."""
    last = name.rstrip("/").rsplit("/", 1)[-1]
    if not last or _MOE_NAME.search(last) or _FILE_NAME.search(last) or any(c.isspace() for c in last):
        return None
    sizes = _SIZE.findall(last)
    if len(sizes) != 1:
        return None  # no size, or several numbers that could each be one
    number, unit = sizes[0]
    value = float(number) / (1000 if unit in "mM" else 1)
    return value if value > 0 else None


def option_key(option: str) -> str:
    """`--num-layers` -> `num_layers`: the form the tables above use."""
    return option.lstrip("-").lower().replace("-", "_")
