"""WAC7xx: declared hardware (job requests, manifests, images, pins, READMEs, logs).

WAC701-WAC709 (Kubernetes and job manifests) are declared with the YAML work.
WAC710-WAC719 here: scheduler directives in job scripts (`#SBATCH`, `#PBS`,
`#BSUB`), hardware stated in READMEs, docs, committed logs and notebook
outputs, and the check of such declarations against what the code requires.

Every finding that names an accelerator carries the properties `gpu` (the
catalog-style family name, e.g. "nvidia-a100"), `vendor`, and `catalog_ids`
(space-separated catalog ids the name could denote; empty when the catalog has
no such part), plus `count` when a number of devices is stated. Rules tagged
"docs" read documentation rather than code; `--no-docs` leaves them out.
"""

import json

from ..evidence import Level, State
from .base import Example, Rule
from .implies import STRONG, WEAK

_JOB = "#!/bin/bash\n#SBATCH --job-name=pretrain\n#SBATCH --nodes=4\n#SBATCH --gres=gpu:a100:8\nsrun python train.py\n"
_SMI_LOG = (
    "step 0 loss 11.02\n"
    "+-----------------------------------------------------------------------------+\n"
    "| NVIDIA-SMI 535.104.05   Driver Version: 535.104.05   CUDA Version: 12.2     |\n"
    "|-------------------------------+----------------------+----------------------+\n"
    "| GPU  Name        Persistence-M| Bus-Id        Disp.A | Volatile Uncorr. ECC |\n"
    "|===============================+======================+======================|\n"
    "|   0  NVIDIA H800         On   | 00000000:18:00.0 Off |                    0 |\n"
    "+-------------------------------+----------------------+----------------------+\n"
)
# The same table in a notebook cell's saved output (a stream's text is a list of lines).
_SMI_NOTEBOOK = json.dumps({"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [{
    "cell_type": "code", "metadata": {}, "execution_count": 1, "source": ["!nvidia-smi\n"],
    "outputs": [{"name": "stdout", "output_type": "stream", "text": _SMI_LOG.splitlines(keepends=True)[1:]}],
}]}, indent=1) + "\n"

# Trigger words (the pre-filter's, prefilter.py): a file of a filtered kind is parsed for these rules only
# if it holds one of them (case-insensitive; triggers.BOUNDED words only as whole words).
# Declared hardware: product and family names.
TRIGGERS = (
    "nvidia", "amd", "gpu", "npu", "tpu", "a100", "a800", "h100", "h800", "h20", "v100", "p100", "l40",
    "a10", "a30", "a40", "b100", "b200", "b300", "rtx", "geforce", "tesla", "quadro", "3090", "4090", "5090",
    "mi100", "mi210", "mi250", "mi300", "mi325", "mi350", "mi355", "instinct", "radeon", "ascend", "910b",
    "gaudi", "trainium", "inferentia", "trillium", "ampere", "hopper", "volta", "blackwell", "turing", "lovelace",
    "sbatch", "pbs", "bsub",
)
# Declared hardware in code files comes only from scheduler directives (extract/jobscript.py): `#SBATCH`,
# `#PBS`, `#BSUB`, and in shell from Cloud TPU types and device pass-through. Not every "nvidia" in a licence header
# is worth a parse. JSON files never declare hardware.
TRIGGERS_BY_KIND = (
    ("python", ("sbatch", "pbs", "bsub")),
    ("shell", ("sbatch", "pbs", "bsub", "accelerator-type", "--type", "/dev/")),
    ("json", ()),
)

RULES = (
    Rule(
        code="WAC710",
        name="job-gpu-request",
        signal="declared.job.gpu",
        names_hardware=STRONG,
        title="GPU type requested by a job script",
        summary=(
            "Finds accelerator types requested in scheduler directives: SLURM `#SBATCH --gres=gpu:TYPE:N`, "
            "`--gpus[-per-node]=TYPE:N`, `--constraint=TYPE`; PBS `-l ...:gpu_model=TYPE`; LSF `-gpu \"gmodel=TYPE\"`."
        ),
        why=(
            "A job that asks the scheduler for a GPU type cannot start on another one: the strongest declared "
            "evidence a repo holds. Directives after the first command, or commented out (`##SBATCH`), are ignored "
            "by the scheduler and are reported as mentioned. Alternatives (`--constraint=a100|h100`) are conditional."
        ),
        positives=(
            Example(_JOB, kind="shell", value="a100", filename="train.slurm"),
            Example("#!/bin/bash\n#SBATCH -C 'h100'\nsrun python train.py\n", kind="shell", value="h100"),
            Example(
                "#!/bin/bash\n#SBATCH --constraint=a100|h100\nsrun python train.py\n",
                kind="shell",
                state=State.CONDITIONAL,
                value="a100",
            ),
            Example('#!/bin/bash\n#BSUB -gpu "num=4:gmodel=TeslaV100_SXM2_32GB"\npython train.py\n', kind="shell",
                    value="TeslaV100_SXM2_32GB"),
            Example("#!/bin/bash\n#PBS -l select=2:ngpus=4:gpu_model=a100\npython train.py\n", kind="shell",
                    value="a100"),
            Example(
                "#!/bin/bash\npython train.py\n#SBATCH --gres=gpu:a100:8\n",
                kind="shell",
                state=State.MENTIONED,
                value="a100",
                note="sbatch stops reading directives at the first command",
            ),
            Example("#!/usr/bin/env python\n#SBATCH --gpus-per-node=l40s:4\nimport subprocess\n", value="l40s",
                    note="a job script written in Python"),
        ),
        negatives=(
            Example("#!/bin/bash\n##SBATCH --gres=gpu:v100:8\n#SBATCH --gres=gpu:8\nsrun python train.py\n",
                    kind="shell", note="a doubled # disables a directive"),
            Example("#!/bin/bash\necho 'run with --gres=gpu:a100:8'\n", kind="shell"),
            Example("#!/bin/bash\npython train.py\n#SBATCH --gres=gpu:a100:8\n", kind="shell"),
        ),
        tags=("declared", "jobscript"),
        triggers=TRIGGERS,
        triggers_by_kind=TRIGGERS_BY_KIND,
    ),
    Rule(
        code="WAC711",
        name="job-partition-gpu",
        signal="declared.job.partition",
        names_hardware=WEAK,
        title="GPU named by a job's partition or queue",
        summary="Finds SLURM partitions (`-p`, `--partition`), PBS and LSF queues (`-q`) whose name contains a GPU type.",
        why=(
            "Partition names are site conventions, not requests for hardware; a GPU name in one is a strong hint of "
            "the nodes behind it, weaker than a `--gres` type. Partitions without a GPU name are not reported."
        ),
        positives=(Example("#!/bin/bash\n#SBATCH --partition=h100-long\nsrun python train.py\n", kind="shell",
                           value="h100-long"),),
        negatives=(Example("#!/bin/bash\n#SBATCH -p gpu\nsrun python train.py\n", kind="shell"),),
        tags=("declared", "jobscript"),
        triggers=TRIGGERS,
        triggers_by_kind=TRIGGERS_BY_KIND,
    ),
    Rule(
        code="WAC712",
        name="declared-hardware",
        signal="declared.doc.hardware",
        names_hardware=WEAK,
        title="accelerator named in documentation",
        summary=(
            "Finds accelerators named in READMEs, docs, text files and notebook Markdown; a sentence that states the "
            "hardware a run used (\"trained on 64 H800 GPUs\", \"Hardware: 8x A100 80GB\") is in force, any other "
            "mention (tables of peak FLOPs, requirements, error messages, \"tested on\") is only mentioned."
        ),
        why=(
            "Authors often state their training hardware in prose. Documentation may be inherited from an upstream "
            "project or describe someone else's run, so it is kept apart from code evidence and `--no-docs` turns it "
            "off. Code blocks are not read as statements."
        ),
        positives=(
            Example("# Model\n\nThe model was trained on 64 H800 GPUs for 30 days.\n", kind="markdown", value="H800",
                    filename="README.md"),
            Example("## Training details\n\n- Hardware: 8x A100 80GB\n", kind="markdown", value="A100 80GB",
                    filename="README.md"),
            Example("Pre-training ran on a cluster of 2048 Ascend 910B NPUs.\n", kind="text", value="Ascend 910B",
                    filename="NOTES.txt"),
            Example("Our runs used 8x Tesla V100 32GB per node.\n", kind="markdown", value="Tesla V100 32GB",
                    filename="README.md", note="a run, then a verb of use: a statement of the hardware used"),
            Example("All experiments run on 4x RTX 4090.\n", kind="markdown", value="RTX 4090", filename="README.md"),
            Example("GPT-2 was trained on a single 8XA100 40GB node.\n", kind="markdown", value="A100 40GB",
                    filename="README.md", note="a device count glued to the name"),
            Example("Training takes 2 days on 8 AMD Instinct&trade; MI300X GPUs.\n", kind="markdown",
                    value="AMD Instinct MI300X", filename="README.md",
                    note="an HTML character reference is not the end of a sentence"),
            Example("Training\n========\n\nThe final run was pretrained on 64 H100 GPUs.\n", kind="rst", value="H100"),
            Example('{"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [\n'
                    ' {"cell_type": "markdown", "metadata": {}, "source": ["Trained on 8 A100 GPUs.\\n"]}]}\n',
                    kind="notebook", value="A100", note="a notebook's Markdown cells are read as documentation"),
        ),
        negatives=(
            Example("| GPU | Peak bf16 TFLOPS |\n|---|---|\n| H100 | 989 |\n", kind="markdown", filename="README.md"),
            Example("This kernel requires an A100 or newer.\n", kind="markdown", filename="README.md"),
            Example("We have tested the code on A100 and V100.\n", kind="markdown", filename="README.md"),
            Example("```\n# trained on 8 A100 GPUs\n```\n", kind="markdown", filename="README.md"),
            Example("The model can be trained on a single RTX 4090.\n", kind="markdown", filename="README.md"),
            Example("The demo runs on a T4.\n", kind="markdown", filename="README.md",
                    note="something runs on it; nobody says a run used it"),
            Example("## News\n\n- [24/04/22] A notebook for fine-tuning Llama-3 on a free T4 GPU.\n", kind="markdown",
                    filename="README.md", note="a news item reports an event, not this repository's training hardware"),
        ),
        tags=("declared", "docs"),
        triggers=TRIGGERS,
        triggers_by_kind=TRIGGERS_BY_KIND,
    ),
    Rule(
        code="WAC713",
        name="nvidia-smi-output",
        signal="declared.doc.smi",
        names_hardware=STRONG,
        title="GPU listed in nvidia-smi output",
        summary=(
            "Finds GPUs listed by `nvidia-smi` (tables, `-L` lines, `--query-gpu=name` CSV) and by device reports "
            "(\"Using device: NVIDIA ...\", `_CudaDeviceProperties(name=...)`, `get_device_name()` results) in "
            "committed logs, docs and notebook outputs."
        ),
        why=(
            "A committed training log with nvidia-smi output records the machine the run used. Notebook outputs of a "
            "Colab demo record Colab's GPU, not the training hardware: those are reported as mentioned."
        ),
        positives=(
            Example(_SMI_LOG, kind="log", value="NVIDIA H800", filename="train.log"),
            Example("GPU 0: NVIDIA A100-SXM4-80GB (UUID: GPU-1b2c)\n", kind="log", value="NVIDIA A100-SXM4-80GB",
                    filename="train.log"),
            Example(_SMI_NOTEBOOK, kind="notebook", value="NVIDIA H800", note="nvidia-smi's table in a cell's output"),
        ),
        negatives=(
            Example("RuntimeError: this build requires an A100\n", kind="log", filename="train.log"),
            Example("## Environment\n\n* GPU: NVIDIA A100 80GB\n", kind="markdown", filename="README.md",
                    note="a README's own text states hardware (WAC712); only a code block holds a device report"),
        ),
        tags=("declared", "docs"),
        triggers=TRIGGERS,
        triggers_by_kind=TRIGGERS_BY_KIND,
    ),
    Rule(
        code="WAC714",
        name="declared-hardware-contradiction",
        signal="declared.contradiction",
        title="declared hardware the code cannot run on",
        summary=(
            "Finds declared hardware (a job request, a README statement, nvidia-smi output) that cannot run what the "
            "code requires in force: FP8 or FP4 compute, compile targets, FlashAttention-2 or native bf16 on a part "
            "without them. The message names both locations, the declaration and the code."
        ),
        why=(
            "A README inherited from an upstream project, or a stale job script, may name hardware the code cannot "
            "run on. The finding stands at the declaration and names the code that contradicts it. Vendor runtimes "
            "are left out (a repo may hold GPU and NPU recipes side by side); the verdict still lists a declaration "
            "of another vendor's part under `conflicts`."
        ),
        level=Level.WARNING,
        positives=(
            Example(
                "#!/usr/bin/env python\n#SBATCH --gres=gpu:v100:8\nimport transformer_engine.pytorch as te\n"
                "with te.fp8_autocast(enabled=True):\n    y = layer(x)\n",
                kind="python",
                value="v100",
            ),
            Example(
                "#!/usr/bin/env python\n#SBATCH --gres=gpu:v100:8\nfrom flash_attn import flash_attn_func\n",
                kind="python",
                value="v100",
                note="FlashAttention-2 needs Ampere or newer: strong evidence about the chip itself",
            ),
        ),
        negatives=(
            Example(
                "#!/usr/bin/env python\n#SBATCH --gres=gpu:h100:8\nimport transformer_engine.pytorch as te\n"
                "with te.fp8_autocast(enabled=True):\n    y = layer(x)\n",
                kind="python",
            ),
            Example(
                "#!/usr/bin/env python\n#SBATCH --gres=gpu:v100:8\nimport transformer_engine.pytorch as te\n"
                "with te.fp8_autocast(enabled=False):\n    y = layer(x)\n",
                kind="python",
            ),
        ),
        tags=("declared",),
        triggers=TRIGGERS,
        triggers_by_kind=TRIGGERS_BY_KIND,
    ),
)

# Rules read from documentation (left out by --no-docs); WAC714 findings built from them go with them.
DOC_RULES = frozenset(r.code for r in RULES if "docs" in r.tags)
