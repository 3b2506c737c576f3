"""The words every extractor (and the inference) reads the same way, each concept defined once.

- `truth`: the words that switch something on or off (`--bf16 yes`, `NCCL_IB_DISABLE=on`, `fp16: {enabled: "y"}`);
- `precision`: precision spellings (`bf16-mixed`, `half`, `16-mixed`...) -> the rule and the value reported;
- `backends`: torch.distributed collective backends (`nccl`, `rccl`, `hccl`, `xccl`...);
- `devices`: device types (`cuda`, `npu`, `hpu`...) and the other names they go by (`tpu`, `Ascend`);
- `attention`: attention implementation names (`flash_attention_2`);
- `deepspeed`: what DeepSpeed's config keys mean (ZeRO offload blocks, the legacy `cpu_offload` switch);
- `commands`: the commands that run the command line after them (`nohup`, `numactl`, `env`, `timeout`...);
- `packages`: Python packages built for one accelerator (`torch-npu`, `libtpu`), kernel packages and PyTorch's
  per-variant packages, by canonical name.

Environment variables (`extract/environment.py`), container images (`extract/images.py`) and GPU names
(`extract/gpunames.py` + `gpu_names.json`) already have one home each, which every extractor imports.
`tests/vocab/test_vocabulary.py` fails when a second copy of one of these word sets appears.

Plugins add device types, backends, environment variables and packages (`plugins.Vocabulary`); each table merges
them once plugins are loaded (`ADDED`: word -> (plugin, what it implies)), so every extractor reads them as its own
words (plugin_words.py gathers them for the inference, the rule docs and the pre-filter).
"""
