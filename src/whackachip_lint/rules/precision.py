"""WAC1xx: numeric precision (bf16, fp16, tf32, fp8, fp4)."""

from ..evidence import State
from .base import Example, Rule
from .implies import AMD, HARD, NVIDIA, STRONG, Spec, WEAK, vendor

# Trigger words (the pre-filter's, prefilter.py): a file of a filtered kind is parsed for these rules only
# if it holds one of them (case-insensitive; triggers.BOUNDED words only as whole words).
# Precision: dtypes, autocast and trainer switches, TE/FP8, Lightning `precision=16`.
TRIGGERS = (
    "bf16", "bfloat", "fp16", "float16", "half", "tf32", "float32_matmul", "matmul_precision", "precision",
    "fp8", "float8", "e4m3", "e5m2", "scaled_mm", "fp4", "float4", "fp6", "float6", "autocast", "gradscaler",
    "amp_", "_amp", ".amp", "amp.", "-amp", "apex", "opt_level", "mixed", "dtype", "transformer_engine",
    "transformer engine", "transformer-engine", "transformerengine",
)

RULES = (
    Rule(
        code="WAC101",
        name="bf16-precision",
        signal="precision.bf16",
        title="bf16 precision",
        summary="Finds bfloat16 used for training or inference: dtypes, autocast, trainer flags, config switches.",
        why=(
            "Native bf16 tensor math arrives with NVIDIA Ampere (compute capability 8.0); V100 and T4 only emulate "
            "it. bf16 is also native on AMD MI100 and later, Ascend 910B, Gaudi and TPU, and on consumer Ampere and "
            "Ada cards, so it sets an architecture floor per vendor, never a datacenter class. "
            "bf16 autocast on the host CPU (`torch.autocast(\"cpu\", ...)`, `torch.cpu.amp.autocast`) is still "
            "reported as in force, marked `device: cpu`, and sets no accelerator requirement."
        ),
        positives=(
            Example("import torch\nx = torch.zeros(2, dtype=torch.bfloat16)\n"),
            Example("import torch as t\nfrom torch import bfloat16 as bf\nmodel = model.to(bf)\n", value="bfloat16",
                    note="aliases are followed"),
            Example('from transformers import TrainingArguments\nargs = TrainingArguments("out", bf16=True)\n', value=True),
            Example('from accelerate import Accelerator\nacc = Accelerator(mixed_precision="bf16")\n', value="bf16"),
            Example(
                "import torch\ndtype = torch.bfloat16 if torch.cuda.is_bf16_supported() else torch.float16\n",
                state=State.CONDITIONAL,
                note="a capability guard is a condition, not a requirement",
            ),
            Example('import argparse\np = argparse.ArgumentParser()\np.add_argument("--dtype", default="bf16")\n', value="bf16"),
            Example("deepspeed train.py --deepspeed ds_config.json --bf16\n", kind="shell", value="bf16"),
            Example('{"bf16": {"enabled": true}, "zero_optimization": {"stage": 3}}\n', kind="json", value="bf16"),
            Example("mixed_precision: bf16\nnum_processes: 8\n", kind="yaml", note="accelerate config"),
            Example("trainer:\n  precision: bf16-mixed\n", kind="yaml", note="Lightning trainer config"),
            Example('{"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [\n'
                    ' {"cell_type": "code", "metadata": {}, "execution_count": 1, "outputs": [],\n'
                    '  "source": ["import torch\\n", "model = model.to(dtype=torch.bfloat16)\\n"]}]}\n',
                    kind="notebook", value="bfloat16", note="a notebook's code cells are read as Python"),
        ),
        negatives=(
            Example("# we tried torch.bfloat16 once\nimport torch\n"),
            Example('PEAK_TFLOPS = {"MI300X": {"bf16": 1307, "fp32": 163}}\n', note="a peak-FLOPs table"),
            Example("import torch\nNAMES = dict(float16=torch.float16, bfloat16=torch.bfloat16)\n",
                    note="a lookup table spelled dict(...)"),
            Example('import torch\nROWS = [(torch.float16, "half"), (torch.bfloat16, "bf16")]\n',
                    note="the rows of a lookup table"),
            Example('import torch\nPRECISION = {"fp32": torch.float32, "bf16": torch.bfloat16}\n',
                    note="a table of dtypes, whatever their widths"),
            Example("import torch\nTO_TRITON = {torch.bfloat16: tl.bfloat16, torch.float32: tl.float32}\n",
                    note="a table keyed by dtypes"),
            Example("torchrun train.py --bf16 False --fp16 True\n", kind="shell", note="`--bf16 False` switches it off"),
            Example(
                '{"bf16": {"enabled": "auto"}, "zero_optimization": {"stage": 2}}\n',
                kind="json",
                note='"auto" is decided by the trainer\'s flags: conditional until the launch script says',
            ),
            Example('def train():\n    """Train in bf16 when the GPU allows it."""\n'),
            Example(
                'import argparse\np = argparse.ArgumentParser()\n'
                'p.add_argument("--dtype", default="fp16", choices=["fp16", "bf16"], help="bf16 needs Ampere")\n',
                note="choices and help text only mention bf16; the default is fp16",
            ),
            Example('import argparse\np = argparse.ArgumentParser()\np.add_argument("--bf16", action="store_true")\n',
                    note="a store_true flag is off unless a launch passes it: mentioned"),
            Example('from transformers import TrainingArguments\nargs = TrainingArguments("out", bf16=False)\n'),
            Example('import torch\nCKPT = "checkpoints/bf16/model.pt"\nbf16_ok = True\n', note="paths and variable names are no evidence"),
            Example("import torch\nif x.dtype == torch.bfloat16:\n    x = x.float()\n", note="a dtype compared is not a dtype used"),
            Example("import torch\nif False:\n    model = model.bfloat16()\n", state=State.DEAD,
                    note="`if False:` never runs: reported as dead, which constrains nothing"),
            Example("# mixed_precision: bf16\nmixed_precision: fp16\n", kind="yaml", note="commented out: mentioned"),
            Example("mixed_precision: 'no'\n", kind="yaml"),
        ),
        references=("https://docs.nvidia.com/deeplearning/transformer-engine/user-guide/index.html",),
        tags=("precision",),
        implies=(("auto", ()), ("*", (Spec("feature", STRONG, "native bf16 tensor math", "supports_bf16"),))),
        triggers=TRIGGERS,
    ),
    Rule(
        code="WAC102",
        name="fp16-precision",
        signal="precision.fp16",
        title="fp16 precision",
        summary="Finds float16 (half precision) used for training or inference.",
        why=(
            "fp16 runs on every GPU generation with tensor cores since Volta; it lowers no floor and is common on "
            "A100 runs too. It is reported as context: a repo that picks fp16 over bf16 may target pre-Ampere parts."
        ),
        positives=(
            Example("import torch\nmodel.half()\n"),
            Example('from transformers import TrainingArguments\nargs = TrainingArguments("out", fp16=True)\n'),
            Example('from apex import amp\nmodel, opt = amp.initialize(model, opt, opt_level="O1")\n', value="O1"),
            Example("import torch\nwith torch.cuda.amp.autocast():\n    y = model(x)\n", value="float16",
                    note="CUDA autocast without dtype= runs in float16"),
            Example("torchrun --nproc_per_node 8 train.py --fp16\n", kind="shell", value="fp16"),
            Example("trainer:\n  precision: 16-mixed\n", kind="yaml"),
        ),
        negatives=(
            Example("import torch\nprint('fp16 is not used')\n"),
            Example('{"fp16": {"enabled": false}, "train_batch_size": 64}\n', kind="json", state=State.DISABLED),
            Example('import torch\nwith torch.autocast("cuda", dtype=torch.float16, enabled=False):\n    y = model(x)\n'),
        ),
        tags=("precision",),
        triggers=TRIGGERS,
    ),
    Rule(
        code="WAC103",
        name="tf32-matmul",
        signal="precision.tf32",
        title="TF32 matmul",
        summary="Finds TF32 switched on or off (`allow_tf32`, `set_float32_matmul_precision`, trainer `tf32`).",
        why=(
            "TF32 tensor cores exist from NVIDIA Ampere on; on older GPUs the switch is silently ignored, so setting "
            "it is only a weak hint of Ampere or newer."
        ),
        positives=(
            Example("import torch\ntorch.backends.cuda.matmul.allow_tf32 = True\n"),
            Example('import torch\ntorch.set_float32_matmul_precision("high")\n', value="high"),
            Example("tf32: true\nbf16: true\n", kind="yaml", note="Hugging Face TrainingArguments as YAML"),
        ),
        negatives=(
            Example("import torch\ntorch.backends.cuda.matmul.allow_tf32 = False\n"),
            Example('import torch\ntorch.set_float32_matmul_precision("highest")\n'),
            Example("tf32: false\n", kind="yaml", note="switched off: disabled"),
        ),
        tags=("precision",),
        implies=(
            ("*", (Spec("feature", WEAK, "TF32 tensor cores (the switch is ignored without them)", "supports_tf32"),)),
        ),
        triggers=TRIGGERS,
    ),
    Rule(
        code="WAC104",
        name="fp8-compute",
        signal="precision.fp8",
        title="FP8 compute",
        summary="Finds FP8 matrix multiplies on the live path (`te.fp8_autocast`, `torch._scaled_mm`, `--fp8-format`).",
        why=(
            "FP8 GEMMs need NVIDIA Ada (8.9) or Hopper (9.0) or newer, or AMD MI300 (FNUZ formats). FP8 used only as "
            "a storage dtype is not FP8 compute and is reported by WAC105 instead."
        ),
        positives=(
            Example(
                "import transformer_engine.pytorch as te\nwith te.fp8_autocast(enabled=True):\n    y = layer(x)\n"
            ),
            Example("import torch\ny = torch._scaled_mm(a, b, scale_a=sa, scale_b=sb)\n", value="_scaled_mm"),
            Example(
                "import transformer_engine.pytorch as te\nwith te.fp8_autocast(enabled=args.fp8):\n    y = layer(x)\n",
                state=State.CONDITIONAL,
            ),
            Example("from transformer_engine.common.recipe import MXFP8BlockScaling\nrecipe = MXFP8BlockScaling()\n",
                    value="mxfp8", note="MXFP8 block scaling: Blackwell (compute capability 10.x) only"),
            Example("from transformer_engine.common import recipe\nr = recipe.Float8CurrentScaling()\n", value="fp8"),
            Example("torchrun --nproc_per_node 8 pretrain_gpt.py --fp8-format e4m3 --fp8-recipe mxfp8\n", kind="shell",
                    value="mxfp8", note="Megatron's MXFP8 recipe (Blackwell)"),
            Example("from torchao.float8 import convert_to_float8_training\nconvert_to_float8_training(model)\n",
                    value="torchao.float8"),
            Example('from megatron.core import TransformerConfig\nconfig = TransformerConfig(fp8_format="e4m3")\n',
                    note="an FP8 format chosen"),
            Example("model:\n  fp8: hybrid\n", kind="yaml", note="Megatron/NeMo model config"),
            Example('settings = {"fp8": "hybrid", "bf16": True, "seed": 1234}\n',
                    note="an FP8 format in a settings dict (a table of names or numbers would not be)"),
        ),
        negatives=(
            Example("import transformer_engine.pytorch as te\nwith te.fp8_autocast(enabled=False):\n    y = layer(x)\n"),
            Example("import torch\nw = w.to(torch.float8_e4m3fn)\n", note="FP8 storage is WAC105, not FP8 compute"),
            Example("import transformer_engine.pytorch as te\nwith te.fp8_autocast():\n    y = layer(x)\n",
                    note="Transformer Engine's fp8_autocast defaults to enabled=False"),
            Example('from megatron.core import TransformerConfig\nconfig = TransformerConfig(fp8_format=None)\n'),
            Example("from transformer_engine.common.recipe import MXFP8BlockScaling\n",
                    note="a recipe imported, never built"),
            Example("model:\n  fp8: false\n", kind="yaml"),
            Example('PEAK_TFLOPS = {"H100": {"bf16": 989, "fp8": 1979}, "A100": {"bf16": 312}}\n',
                    note="a peak-FLOPs table: the precision names key numbers, they switch nothing on"),
            Example('DTYPE_NAMES = {"fp8": "fp8", "fp8_full": "fp8", "bf16": "bf16"}\n',
                    note="a lookup of precision names"),
        ),
        tags=("precision",),
        implies=(
            # Transformer Engine's MXFP8BlockScaling runs on compute capability 10.x only (TE support matrix).
            ("mxfp8", (
                Spec("feature", HARD, "MXFP8 matrix multiplies on the live path", "supports_fp8"),
                Spec("cc_at_least", HARD, "MXFP8 block scaling needs Blackwell (compute capability 10.0)", (10, 0),
                     (NVIDIA,)),
            )),
            # FP8 block scaling (TE Float8BlockScaling) needs compute capability 9.0 or newer (TE support matrix).
            ("fp8-block", (
                Spec("feature", HARD, "FP8 matrix multiplies on the live path", "supports_fp8"),
                Spec("cc_at_least", HARD, "FP8 block scaling needs Hopper or newer (compute capability 9.0)", (9, 0),
                     (NVIDIA,)),
            )),
            ("*", (Spec("feature", HARD, "FP8 matrix multiplies on the live path", "supports_fp8"),)),
        ),
        triggers=TRIGGERS,
    ),
    Rule(
        code="WAC105",
        name="fp8-dtype",
        signal="precision.fp8_dtype",
        title="FP8 dtype",
        summary="Finds FP8 dtypes (`torch.float8_e4m3fn`, `float8_e5m2`, the `*fnuz` variants) named in code.",
        why=(
            "An FP8 dtype may only be storage (weights, KV cache) and proves no FP8 compute. The FNUZ variants are "
            "the formats of AMD MI300 (gfx942), so they are also a vendor tell."
        ),
        positives=(
            Example("import torch\nw = w.to(torch.float8_e4m3fnuz)\n", value="float8_e4m3fnuz"),
            Example("import torch\nkv = torch.empty(n, dtype=torch.float8_e5m2)\n", value="float8_e5m2"),
        ),
        negatives=(
            Example("import torch\nw = w.to(torch.float32)\n"),
            Example("import torch\n# kv cache could use torch.float8_e5m2\n"),
        ),
        tags=("precision",),
        implies=(
            ("*fnuz", (vendor(AMD, strength=STRONG, text="FNUZ FP8 formats are AMD MI300's"),)),
        ),
        triggers=TRIGGERS,
    ),
    Rule(
        code="WAC106",
        name="fp4-compute",
        signal="precision.fp4",
        title="FP4 compute",
        summary=(
            "Finds FP4 / NVFP4 / MXFP4 formats used for compute: FP4 dtypes, Transformer Engine's "
            "`NVFP4BlockScaling` recipe, `nvfp4`/`fp4` precision settings."
        ),
        why=(
            "FP4 tensor math is a Blackwell (compute capability 10.0 and 12.0) feature on NVIDIA; NVFP4 is "
            "NVIDIA's own format, so an NVFP4 recipe also names the vendor. MXFP4 weights that are dequantised for a "
            "bf16 GEMM (gpt-oss style `Mxfp4Config`) are storage, not FP4 compute, and are not reported."
        ),
        positives=(
            Example("import torch\nx = x.to(torch.float4_e2m1fn_x2)\n"),
            Example("from transformer_engine.common.recipe import NVFP4BlockScaling\nrecipe = NVFP4BlockScaling()\n",
                    value="nvfp4", note="an NVFP4 training recipe: FP4 GEMMs on Blackwell"),
            Example('from accelerate import Accelerator\nacc = Accelerator(mixed_precision="nvfp4")\n', value="nvfp4"),
            Example("torchrun --nproc_per_node 8 pretrain_gpt.py --fp4-format e2m1 --fp4-recipe nvfp4\n", kind="shell",
                    value="nvfp4", note="Megatron's FP4 recipe"),
        ),
        negatives=(
            Example("import torch\nx = x.to(torch.float16)\n"),
            Example('import torch\n"""NVFP4 support is planned."""\n'),
            Example("from transformers import Mxfp4Config\nq = Mxfp4Config(dequantize=True)\n",
                    note="MXFP4 weights dequantised for a bf16 GEMM: storage only"),
        ),
        tags=("precision",),
        implies=(
            # A block-scaled FP4 recipe runs FP4 GEMMs: NVFP4 is NVIDIA Blackwell's format (TE: cc 10.x, partly 12.0).
            ("nvfp4", (
                Spec("feature", HARD, "NVFP4 matrix multiplies on the live path", "supports_fp4"),
                Spec("cc_at_least", HARD, "NVFP4 needs Blackwell (compute capability 10.0 or newer)", (10, 0),
                     (NVIDIA,)),
                vendor(NVIDIA, strength=STRONG, text="NVFP4 is NVIDIA's FP4 format"),
            )),
            ("mxfp4", (Spec("feature", HARD, "MXFP4 matrix multiplies on the live path", "supports_fp4"),)),
            ("*", (Spec("feature", STRONG, "FP4 tensor math", "supports_fp4"),)),
        ),
        triggers=TRIGGERS,
    ),
)

__all__ = ["RULES", "State"]
