"""Memory and scale (infer/memory.py): model size from the code, model-state floor per device, into the verdict."""

from __future__ import annotations

from pathlib import Path

import pytest

from whackachip_lint.extract.model_tables import params_from_model_name
from whackachip_lint.infer.memory import model_state_bytes, params_from_dimensions

from ..conftest import scan_repo_json
from ..infer_helpers import resolved

REPOS = Path(__file__).parents[1] / "fixtures" / "repos"


# --- parameter counts ------------------------------------------------------------------------------------------

def test_llama2_70b_config_counts_its_published_size():
    # Llama-2-70B's config.json: 68.98B parameters as Meta reports them (norms, left out here, add 1.3M).
    params, largest = params_from_dimensions(
        {"layers": 80, "hidden": 8192, "ffn": 28672, "heads": 64, "kv_heads": 8, "vocab": 32000,
         "tied_embeddings": False}, gated=True, megatron=False)
    assert params == 68_975_329_280
    assert largest == 3 * 8192 * 28672  # the MLP of one layer is its largest block


def test_gpt3_175b_megatron_defaults_follow_the_closed_form():
    # 12 L h^2 + V h: the standard count for a GPT with a 4h MLP and tied embeddings.
    L, h, V = 96, 12288, 51200
    params, _ = params_from_dimensions({"layers": L, "hidden": h, "heads": 96, "vocab": V}, gated=False, megatron=True)
    assert params == 12 * L * h * h + V * h


def test_megatron_swiglu_without_ffn_takes_megatrons_default_width():
    h = 4096
    params, _ = params_from_dimensions({"layers": 1, "hidden": h, "gated_mlp": True}, gated=True, megatron=True)
    ffn = (int(4 * h * 2 / 3) // 64) * 64
    assert params == 4 * h * h + 3 * h * ffn


def test_gated_config_without_its_width_is_not_guessed():
    assert params_from_dimensions({"layers": 32, "hidden": 4096}, gated=True, megatron=False) is None
    assert params_from_dimensions({"hidden": 4096}, gated=False, megatron=True) is None


def test_grouped_query_attention_and_experts():
    h, kv = 4096, 1024  # 32 heads, 8 KV heads
    params, _ = params_from_dimensions(
        {"layers": 1, "hidden": h, "heads": 32, "kv_heads": 8, "ffn": 14336, "experts": 8}, gated=True, megatron=False)
    assert params == 2 * h * h + 2 * h * kv + 8 * 3 * h * 14336


@pytest.mark.parametrize("name, size", [
    ("meta-llama/Llama-2-70b-hf", 70.0), ("Qwen/Qwen2-72B", 72.0), ("facebook/opt-6.7b", 6.7),
    ("EleutherAI/pythia-410m", 0.41), ("Qwen/Qwen2.5-7B-Instruct", 7.0),
    ("mistralai/Mixtral-8x7B-v0.1", None), ("gpt2", None), ("bigscience/bloom-7b1", None), ("org/model", None),
    # A config or weight file named after a model is not the model's name.
    ("configs/run_visualglm_6b_generation.yaml", None), ("weights/llama-2-7b.Q4_K_M.gguf", None),
    ("a 7B model", None),
])
def test_model_names_give_a_size_only_when_they_state_one(name, size):
    assert params_from_model_name(name) == size


# --- bytes per device: the ZeRO paper's accounting ------------------------------------------------------------

P = 70.6e9


@pytest.mark.parametrize("stage, expected", [
    (0, 16 * P),  # 2 + 2 + 12, nothing partitioned
    (1, 4 * P + 12 * P / 8),  # optimiser state partitioned
    (2, 2 * P + 14 * P / 8),  # and gradients
    (3, 16 * P / 8),  # and weights
])
def test_zero_stages_partition_in_turn(stage, expected):
    assert model_state_bytes(P, "adam", stage, 8, 1)[0] == pytest.approx(expected)


def test_the_issue_figures_70b_on_8_devices():
    assert model_state_bytes(P, "adam", 3, 8, 1)[0] == pytest.approx(141.2e9)
    assert model_state_bytes(P, "adam", 0, 8, 1)[0] == pytest.approx(1129.6e9)


def test_unknown_data_parallel_degree_counts_only_what_is_not_partitioned():
    assert model_state_bytes(P, "adam", 3, None, 1)[0] == 0
    assert model_state_bytes(P, "adam", 2, None, 1)[0] == pytest.approx(2 * P)


def test_optimisers_and_frozen_bases():
    assert model_state_bytes(P, "adam8bit", 0, 1, 1)[0] == pytest.approx(10 * P)
    assert model_state_bytes(P, None, 0, 1, 1)[0] == pytest.approx(4 * P)  # optimiser unknown: not counted
    assert model_state_bytes(7e9, "adam", 0, 1, 1, frozen="qlora")[0] == pytest.approx(3.5e9)
    assert model_state_bytes(P, "adam", 3, 8, 8, offload_params=True)[0] == 0


# DeepSpeed's estimate_zero2/zero3_model_states_mem_needs closed forms, on the inputs of DeepSpeed's own example
# (t5-small: 60,506,624 parameters, largest layer 16,449,536; 1 node x 1 GPU), whose printed per-GPU figures are
# 1.08 GB (ZeRO-3, nothing offloaded: 4 * largest + 18 * P), 0.17 GB (optimiser offloaded: 4 * largest + 2 * P)
# and, for ZeRO-2 with the optimiser offloaded, 2 * P. The ZeRO paper's floor never exceeds them and meets the
# ZeRO-2 offload figure exactly.
T5_PARAMS, T5_LARGEST = 60_506_624, 16_449_536
DS_ZERO3_NO_OFFLOAD = 1_154_917_376  # 4 * 16,449,536 + 18 * 60,506,624 bytes = 1.08 GiB
DS_ZERO3_OFFLOAD_OPTIMIZER = 186_811_392  # 4 * 16,449,536 + 2 * 60,506,624 bytes = 0.17 GiB
DS_ZERO2_OFFLOAD = 121_013_248  # 2 * 60,506,624
DS_ZERO2_NO_OFFLOAD = 1_210_132_480  # 4 * P + 16 * P / 1


def test_deepspeed_closed_forms_bound_the_floor_from_above():
    assert round(DS_ZERO3_NO_OFFLOAD / 2**30, 2) == 1.08 and round(DS_ZERO3_OFFLOAD_OPTIMIZER / 2**30, 2) == 0.17
    assert model_state_bytes(T5_PARAMS, "adam", 3, 1, 1)[0] <= DS_ZERO3_NO_OFFLOAD
    assert model_state_bytes(T5_PARAMS, "adam", 3, 1, 1, offload_optimizer=True)[0] <= DS_ZERO3_OFFLOAD_OPTIMIZER
    assert model_state_bytes(T5_PARAMS, "adam", 2, 1, 1)[0] <= DS_ZERO2_NO_OFFLOAD
    assert model_state_bytes(T5_PARAMS, "adam", 2, 1, 1, offload_optimizer=True)[0] == DS_ZERO2_OFFLOAD


# --- into the verdict -----------------------------------------------------------------------------------------

def _verdict(name: str) -> dict:
    return scan_repo_json(REPOS / name, "--no-cache")["inference"]


def _ids(verdict: dict, status: str) -> set[str]:
    return {c["id"] for c in verdict["candidates"] if c["status"] == status}


def test_70b_zero3_on_8_devices_leaves_only_parts_of_180_gb_or_more():
    v = _verdict("mem_70b_zero3")
    memory = v["memory"]
    assert memory["params"] == 70_552_387_584 and memory["gb_per_device"] == 141.1
    assert memory["strength"] == "hard" and memory["inputs"]["zero_stage"] == 3 and memory["inputs"]["data_parallel"] == 8
    assert _ids(v, "consistent") == {
        "nvidia-b100", "nvidia-b200", "nvidia-gb200", "nvidia-b300", "nvidia-gb300", "amd-mi300x", "amd-mi325x", "amd-mi355x",
    }
    # Every part under 141 GB is excluded by the memory requirement, with the computation as its reason.
    h100 = next(c for c in v["candidates"] if c["id"] == "nvidia-h100-sxm")
    assert h100["status"] == "excluded"
    assert any("at least 141 GB of model state per device" in r["constraint"] for r in resolved(v, h100["reasons"]))
    assert v["scale"]["devices"] == 8 and v["scale"]["aggregate_tpp"]["nvidia-b200"] == 8 * 36000


def test_70b_zero0_fits_no_part_and_says_so_without_excluding():
    v = _verdict("mem_70b_zero0")
    assert v["memory"]["gb_per_device"] == 1128.8 and "fits no catalog part" in v["memory"]["notes"]
    assert v["memory"]["strength"] == "strong"
    assert not _ids(v, "consistent") and not _ids(v, "excluded")


def test_qlora_7b_on_one_gpu_keeps_24_gb_consumer_cards():
    v = _verdict("mem_qlora_7b")
    assert v["memory"]["inputs"]["frozen_base"] == "qlora" and v["memory"]["gb_per_device"] < 4
    assert {"nvidia-rtx-3090", "nvidia-rtx-4090"} <= _ids(v, "consistent")


def test_megatron_175b_with_tensor_and_pipeline_parallel_matches_the_zero_paper():
    v = _verdict("mem_megatron_175b")
    L, h, V = 96, 12288, 51200
    params = 12 * L * h * h + V * h
    shard = params / (8 * 16)  # TP 8 x PP 16
    dp = 128 * 8 // (8 * 16)
    closed_form = 4 * shard + 12 * shard / dp  # distributed optimiser: optimiser state over the DP ranks
    assert dp == 8 and v["memory"]["inputs"]["data_parallel"] == 8
    assert v["memory"]["bytes_per_device"] == pytest.approx(closed_form, rel=0.10)
    assert v["scale"] == {**v["scale"], "devices": 1024, "devices_per_node": 8, "nodes": 128}


def test_an_undecided_tensor_parallel_size_leaves_memory_unknown(tmp_path):
    (tmp_path / "train.sh").write_text(
        "torchrun --nproc_per_node 8 pretrain_gpt.py --num-layers 80 --hidden-size 8192 "
        "--tensor-model-parallel-size $TP --bf16\n")
    v = scan_repo_json(tmp_path, "--no-cache")["inference"]
    assert v["memory"] is None


def test_a_model_config_alone_only_disfavours(tmp_path):
    (tmp_path / "config.json").write_text(
        '{"model_type": "llama", "hidden_size": 8192, "intermediate_size": 28672, "num_hidden_layers": 80,'
        ' "num_attention_heads": 64, "num_key_value_heads": 8, "vocab_size": 32000}\n')
    (tmp_path / "ds.json").write_text('{"zero_optimization": {"stage": 0}, "train_micro_batch_size_per_gpu": 1}\n')
    (tmp_path / "train.sh").write_text("deepspeed --num_gpus 8 train.py --deepspeed ds.json --bf16\n")
    v = scan_repo_json(tmp_path, "--no-cache")["inference"]
    assert v["memory"]["params_from"] == "model config" and v["memory"]["strength"] == "strong"
    assert not _ids(v, "excluded")


# --- from Python code (model names, PEFT and quantisation, layer placement) -----------------------------------

def test_qlora_7b_written_in_python_keeps_24_gb_consumer_cards():
    v = _verdict("mem_qlora_7b_python")
    memory = v["memory"]
    # 7B named in the code (10% off for rounding), 4-bit frozen base: 0.5 bytes per parameter.
    assert memory["params_from"] == "model name" and memory["params"] == 6_300_000_000
    assert memory["inputs"]["frozen_base"] == "qlora" and memory["gb_per_device"] == 3.1
    assert {"path": "finetune.py", "line": 18} in memory["evidence"]  # load_in_4bit=True
    assert {"nvidia-rtx-3090", "nvidia-rtx-4090"} <= _ids(v, "consistent")


def _python_repo(tmp_path: Path, code: str) -> dict:
    (tmp_path / "train.py").write_text(code)
    return scan_repo_json(tmp_path, "--no-cache")


LOAD_70B = ('from transformers import AutoModelForCausalLM\n\n'
            'model = AutoModelForCausalLM.from_pretrained("meta-llama/Llama-2-70b-hf"{})\n')


def test_a_model_loaded_by_name_without_a_training_set_up_leaves_memory_unknown(tmp_path):
    # An inference script needs the weights only: the training accounting would overstate it.
    report = _python_repo(tmp_path, LOAD_70B.format("") + 'if __name__ == "__main__":\n    model.generate()\n')
    assert [f["value"] for f in report["findings"] if f["rule"] == "WAC509"] == ["meta-llama/Llama-2-70b-hf"]
    assert report["inference"]["memory"] is None


def test_a_model_loaded_by_name_with_a_trainer_counts_weights_and_gradients(tmp_path):
    code = LOAD_70B.format("") + 'args = TrainingArguments("out", per_device_train_batch_size=1)\n'
    memory = _python_repo(tmp_path, code)["inference"]["memory"]
    assert memory["params"] == 63_000_000_000 and memory["inputs"]["optimizer"] is None
    assert memory["bytes_per_device"] == 4 * 63_000_000_000 and memory["strength"] == "strong"


def test_a_model_spread_over_the_visible_devices_leaves_memory_unknown(tmp_path):
    code = LOAD_70B.format(', device_map="auto"') + 'args = TrainingArguments("out", per_device_train_batch_size=1)\n'
    report = _python_repo(tmp_path, code)
    split = [f for f in report["findings"] if f["rule"] == "WAC507"]
    assert [(f["value"], f["state"]) for f in split] == [("auto", "conditional")]
    assert report["inference"]["memory"] is None


def test_a_tokenizer_named_after_a_large_model_gives_no_size(tmp_path):
    code = ('from transformers import AutoTokenizer\nfrom transformers import AutoProcessor as Loader\n\n'
            'tokenizer = AutoTokenizer.from_pretrained("meta-llama/Llama-2-70b-hf")\n'
            'processor = Loader.from_pretrained("Qwen/Qwen2-VL-72B-Instruct")\n'
            'args = TrainingArguments("out", per_device_train_batch_size=1)\n')
    report = _python_repo(tmp_path, code)
    assert not [f for f in report["findings"] if f["rule"] == "WAC509"]
    assert report["inference"]["memory"] is None


def test_a_launch_passing_another_model_replaces_the_options_default(tmp_path):
    code = ('import argparse\n\nparser = argparse.ArgumentParser()\n'
            'parser.add_argument("--model_name_or_path", default="meta-llama/Llama-2-7b-hf")\n'
            'args = parser.parse_args()\n'
            'training = TrainingArguments("out", per_device_train_batch_size=1)\n')
    (tmp_path / "train.sh").write_text(
        "torchrun --nproc_per_node 8 train.py --model_name_or_path meta-llama/Llama-2-70b-hf --bf16\n")
    memory = _python_repo(tmp_path, code)["inference"]["memory"]
    assert memory["params"] == 63_000_000_000  # 70B from the launch, not the 7B default


@pytest.mark.parametrize("line, rule, value", [
    ('model = AutoModelForCausalLM.from_pretrained("Qwen/Qwen2-7B")', "WAC509", "Qwen/Qwen2-7B"),
    ('model = load(model_id="meta-llama/Llama-2-13b-hf")', "WAC509", "meta-llama/Llama-2-13b-hf"),
    ("model = get_peft_model(model, adapters)", "WAC510", "lora"),
    ("quantization = BitsAndBytesConfig(load_in_4bit=True)", "WAC510", "qlora"),
    ("vae.requires_grad_(False)", "WAC510", "frozen"),
    ("model.gradient_checkpointing_enable()", "WAC511", "full"),
    ('args = TrainingArguments("out", optim="adafactor")', "WAC508", "adafactor"),
    ('model = AutoModelForCausalLM.from_pretrained(name, device_map="auto")', "WAC507", "auto"),
    ('config = SFTConfig("out", max_seq_length=4096)', "WAC506", 4096),
])
@pytest.mark.parametrize("beside", ["", "x = torch.bfloat16\n"])
def test_each_python_memory_idiom_reaches_the_parser_and_the_hot_line_gate(tmp_path, line, rule, value, beside):
    # Alone (the pre-filter must wake on the idiom's own words) and beside an unrelated hot line (the file is parsed
    # anyway; the gate must open the idiom's line).
    (tmp_path / "train.py").write_text(f"import torch\n{beside}{line}\n")
    found = [f["value"] for f in scan_repo_json(tmp_path, "--no-cache")["findings"] if f["rule"] == rule]
    assert found == [value]


def test_only_python_model_words_still_reach_the_parser(tmp_path):
    # None of the older memory trigger words (zero, offload, batch size, fsdp...) is in this file.
    code = ("from peft import LoraConfig, get_peft_model\n"
            'base = AutoModelForCausalLM.from_pretrained("Qwen/Qwen2-7B")\n'
            "model = get_peft_model(base, LoraConfig(r=8))\n")
    report = _python_repo(tmp_path, code)
    assert sorted((f["rule"], f["line"]) for f in report["findings"]) == [
        ("WAC509", 2), ("WAC510", 3), ("WAC510", 3)]


# --- the fit decision lives in infer/memory.py -----------------------------------------------------------------

def _name_findings(model: str) -> list:
    from whackachip_lint.evidence import Span, State
    from whackachip_lint.rules import get_rule

    span = Span(1, 1, 1, 10)
    return [get_rule("WAC509").finding(model, State.ENABLED, "train.sh", span, "", "", {"launcher": "torchrun"}),
            get_rule("WAC504").finding(1, State.ENABLED, "ds.json", span, "", "", {})]


def test_a_bound_no_part_holds_only_disfavours_and_says_so():
    from whackachip_lint.infer.memory import estimate

    memory = estimate(_name_findings("meta-llama/Llama-2-70b-hf"), [24, 80, 192])
    assert memory.fits_no_part and not memory.hard and "fits no catalog part" in memory.notes
    assert memory.requirement().endswith("; this set-up fits no catalog part")
    fitting = estimate(_name_findings("meta-llama/Llama-2-7b-hf"), [24, 80, 192])
    assert not fitting.fits_no_part and "fits no catalog part" not in fitting.notes
    assert not estimate(_name_findings("meta-llama/Llama-2-70b-hf")).fits_no_part  # no sizes: nothing judged


def test_loading_a_model_by_name_does_not_make_an_inference_script_a_training_path(tmp_path):
    (tmp_path / "train.py").write_text(
        'import torch\n\nif __name__ == "__main__":\n    torch.distributed.init_process_group("nccl")\n')
    (tmp_path / "generate.py").write_text(
        'from transformers import AutoModelForCausalLM\n\nif __name__ == "__main__":\n'
        '    model = AutoModelForCausalLM.from_pretrained("Qwen/Qwen2-72B", load_in_4bit=True)\n')
    report = scan_repo_json(tmp_path, "--no-cache")
    roles = {f["path"]: f["properties"]["role"] for f in report["findings"]}
    assert roles["train.py"] == "training" and roles["generate.py"] != "training"


# --- activations: an estimate where micro batch, sequence length and checkpointing are stated -------------------

MEGATRON_70B = ("torchrun --nproc_per_node 8 --nnodes 16 pretrain_gpt.py --num-layers 80 --hidden-size 8192 "
                "--num-attention-heads 64 --ffn-hidden-size 28672 --swiglu --seq-length 4096 --micro-batch-size {b} "
                "--tensor-model-parallel-size 8 --pipeline-model-parallel-size 4 --use-distributed-optimizer "
                "--bf16 {ckpt}\n")


def _launch(tmp_path: Path, b: int = 1, ckpt: str = "") -> dict:
    (tmp_path / "train.sh").write_text(MEGATRON_70B.format(b=b, ckpt=ckpt))
    return scan_repo_json(tmp_path, "--no-cache")["inference"]


def test_full_recomputation_keeps_each_layers_input_and_one_layer(tmp_path):
    act = _launch(tmp_path, ckpt="--recompute-granularity full")["memory"]["activations"]
    s, b, h, layers, t = 4096, 1, 8192, 80, 8
    assert act["bytes_per_device"] == layers * 2 * s * b * h + s * b * h * (10 + 24 // t)
    assert act["inputs"] == {"micro_batch": 1, "seq_length": 4096, "hidden": 8192, "layers": 80,
                             "tensor_parallel": 8, "checkpointing": "full"}
    assert {"path": "train.sh", "line": 1} in act["evidence"]


def test_without_recomputation_every_layer_keeps_its_activations(tmp_path):
    act = _launch(tmp_path, ckpt="--recompute-activations")["memory"]["activations"]
    assert act["inputs"]["checkpointing"] == "selective"
    assert act["bytes_per_device"] == 80 * 4096 * 8192 * (10 + 3)


def test_no_activation_estimate_without_a_stated_checkpointing(tmp_path):
    memory = _launch(tmp_path)["memory"]
    assert memory is not None and memory["activations"] is None


def test_activations_never_exclude_a_part(tmp_path):
    # 64 sequences of 4096 tokens per micro batch, nothing recomputed: about 224 GB of activations per device,
    # beside 17 GB of model state. Parts that hold the model state stay consistent.
    v = _launch(tmp_path, b=64, ckpt="--gradient_checkpointing False")
    assert v["memory"]["activations"]["gb_per_device"] > 200 and v["memory"]["gb_per_device"] < 20
    assert {"nvidia-h100-sxm", "nvidia-a100-sxm4-80gb"} <= _ids(v, "consistent")


def test_activations_from_a_python_trainer_and_a_model_config(tmp_path):
    (tmp_path / "config.json").write_text(
        '{"model_type": "llama", "hidden_size": 4096, "intermediate_size": 11008, "num_hidden_layers": 32,'
        ' "num_attention_heads": 32, "vocab_size": 32000}\n')
    (tmp_path / "train.py").write_text(
        'args = TrainingArguments("out", per_device_train_batch_size=2, gradient_checkpointing=True)\n'
        'config = SFTConfig("out", max_seq_length=2048)\n')
    act = scan_repo_json(tmp_path, "--no-cache")["inference"]["memory"]["activations"]
    assert act["inputs"] == {"micro_batch": 2, "seq_length": 2048, "hidden": 4096, "layers": 32,
                             "tensor_parallel": 1, "checkpointing": "full"}
    assert act["bytes_per_device"] == 32 * 2 * 2048 * 2 * 4096 + 2048 * 2 * 4096 * 34


def test_a_sharded_frozen_base_over_an_unknown_data_parallel_degree_counts_nothing():
    # FSDP over a LoRA base with no device count (once a division by None).
    assert model_state_bytes(7e9, None, 3, None, 1, frozen="lora") == (
        0.0, "frozen base at 2 bytes per parameter (lora)")
    assert model_state_bytes(7e9, None, 3, 4, 1, frozen="lora")[0] == pytest.approx(3.5e9)


def test_a_launch_passing_a_sequence_length_replaces_the_fields_default(tmp_path):
    (tmp_path / "config.json").write_text(
        '{"model_type": "llama", "hidden_size": 4096, "intermediate_size": 11008, "num_hidden_layers": 32,'
        ' "num_attention_heads": 32, "vocab_size": 32000}\n')
    (tmp_path / "train.py").write_text(
        "from dataclasses import dataclass\n\n@dataclass\nclass Args:\n    max_seq_length: int = 1024\n")
    (tmp_path / "train.sh").write_text("torchrun --nproc_per_node 8 train.py --max_seq_length 8192 "
                                       "--per_device_train_batch_size 1 --gradient_checkpointing True\n")
    act = scan_repo_json(tmp_path, "--no-cache")["inference"]["memory"]["activations"]
    assert act["inputs"]["seq_length"] == 8192  # not the 1024 the launch overrides
