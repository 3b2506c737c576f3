"""Declarations checked against the code (WAC714) and the --no-docs switch, over whole repos."""

from __future__ import annotations

from pathlib import Path

from whackachip_lint.config import Settings
from whackachip_lint.rules.declared import DOC_RULES
from whackachip_lint.scan import scan

from .conftest import REPOS, scan_repo_json

FP8 = "import transformer_engine.pytorch as te\n\nwith te.fp8_autocast(enabled=True):\n    y = layer(x)\n"


def repo(tmp_path: Path, files: dict[str, str]) -> list[tuple]:
    for rel, text in files.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text)
    result = scan([tmp_path], Settings(use_cache=False))
    return [(f.rule, f.path, f.line, f.value) for f in result.findings if f.rule == "WAC714"]


def test_readme_v100_against_fp8_code_is_a_warning(tmp_path):
    got = repo(tmp_path, {"README.md": "We trained on 16 V100 GPUs.\n", "train.py": FP8})
    assert got == [("WAC714", "README.md", 1, "V100")]


def test_hopper_declaration_agrees_with_fp8(tmp_path):
    assert repo(tmp_path, {"README.md": "We trained on 16 H100 GPUs.\n", "train.py": FP8}) == []


def test_only_in_force_evidence_contradicts(tmp_path):
    off = FP8.replace("enabled=True", "enabled=False")
    assert repo(tmp_path, {"README.md": "We trained on 16 V100 GPUs.\n", "train.py": off}) == []
    assert repo(tmp_path, {"README.md": "It was tested on V100 GPUs.\n", "train.py": FP8}) == []


def test_job_request_and_log_contradict_too(tmp_path):
    job = "#!/bin/bash\n#SBATCH --gres=gpu:a100:8\npython train.py\n"
    log = "GPU 0: Tesla V100-SXM2-32GB (UUID: GPU-1)\n"
    got = repo(tmp_path, {"run.slurm": job, "logs/run.log": log, "train.py": FP8})
    assert sorted(got) == [("WAC714", "logs/run.log", 1, "Tesla V100-SXM2-32GB"), ("WAC714", "run.slurm", 2, "a100")]


BUILD_DEEPSPEED = ("## Setup\n\n```bash\ngit clone https://github.com/microsoft/deepspeed\ncd deepspeed\n"
                   "TORCH_CUDA_ARCH_LIST=\"7.0\" pip install -e .\n```\n")


def test_a_cloned_projects_build_in_the_readme_is_no_requirement_of_the_code(tmp_path):
    job = "#!/bin/bash\n#SBATCH --constraint=a100\nsrun python train.py\n"
    files = {"README.md": BUILD_DEEPSPEED, "examples/run.slurm": job, "train.py": "import torch\n"}
    assert repo(tmp_path, files) == []


def test_the_repositorys_own_build_in_the_readme_still_contradicts(tmp_path):
    job = "#!/bin/bash\n#SBATCH --constraint=a100\nsrun python train.py\n"
    own_build = BUILD_DEEPSPEED.replace("git clone https://github.com/microsoft/deepspeed\ncd deepspeed\n", "")
    files = {"README.md": own_build, "examples/run.slurm": job, "train.py": "import torch\n"}
    assert repo(tmp_path, files) == [("WAC714", "examples/run.slurm", 2, "a100")]


# A fused-kernel build: one target always, more added when the CUDA toolkit is new enough (legacy Megatron).
KERNEL_BUILD = (
    "from torch.utils import cpp_extension\n\n"
    "def build(cuda_major):\n"
    "    cc_flag = []\n"
    "    if cuda_major >= 11:\n"
    "        cc_flag += ['-gencode', 'arch=compute_80,code=sm_80']\n"
    "    return cpp_extension.load(name='k', sources=['k.cu'],\n"
    "                              extra_cuda_cflags=['-gencode', 'arch=compute_70,code=sm_70'] + cc_flag)\n"
)


def test_a_target_list_extended_under_a_condition_contradicts_no_declaration(tmp_path):
    # The engine drops such an open list (engine.collect_requirements): the declaration check does too.
    assert repo(tmp_path, {"README.md": "We trained on 16 H100 GPUs.\n", "build.py": KERNEL_BUILD}) == []


def test_the_targets_of_one_file_are_one_list(tmp_path):
    both = "NVCC_FLAGS = ['-gencode', 'arch=compute_70,code=sm_70', '-gencode', 'arch=compute_80,code=sm_80']\n"
    files = {"README.md": "We trained on 16 A100 GPUs.\n", "build.py": both}
    assert repo(tmp_path, files) == []  # built for 7.0 and 8.0: it runs on the A100
    files["README.md"] = "We trained on 16 H100 GPUs.\n"
    assert repo(tmp_path, files) == [("WAC714", "README.md", 1, "H100")]  # neither target runs on Hopper


def test_a_job_request_is_not_judged_by_a_sibling_jobs_flags(tmp_path):
    v100 = "#!/bin/bash\n#SBATCH --constraint=v100-16g\ndeepspeed --num_gpus 1 eval.py --fp16\n"
    a100 = "#!/bin/bash\n#SBATCH --constraint=a100\ndeepspeed --num_gpus 8 eval.py --bf16\n"
    files = {"examples/eval_v100.slurm": v100, "examples/eval_a100.slurm": a100, "eval.py": "import torch\n"}
    assert repo(tmp_path, files) == []
    # Its own flags still judge it.
    files["examples/eval_v100.slurm"] = v100.replace("--fp16", "--bf16")
    assert repo(tmp_path / "own", files) == [("WAC714", "examples/eval_v100.slurm", 2, "v100-16g")]


def test_a_tests_config_does_not_judge_a_declaration(tmp_path):
    bf16 = '{"bf16": {"enabled": true}, "train_micro_batch_size_per_gpu": 1}\n'
    job = "#!/bin/bash\n#SBATCH --constraint=v100-16g\ndeepspeed --num_gpus 1 eval.py --fp16\n"
    files = {"examples/eval.slurm": job, "tests/ds_config_bf16.json": bf16, "eval.py": "import torch\n"}
    assert repo(tmp_path, files) == []
    files["configs/ds_config_bf16.json"] = files.pop("tests/ds_config_bf16.json")  # the repository's own config
    assert repo(tmp_path / "own", files) == [("WAC714", "examples/eval.slurm", 2, "v100-16g")]


def test_unknown_parts_never_contradict(tmp_path):
    # A P100 is not in the catalog: nothing is known about it, so nothing is claimed.
    assert repo(tmp_path, {"README.md": "We trained on 16 P100 GPUs.\n", "train.py": FP8}) == []


def test_contradiction_names_the_code_line(tmp_path):
    (tmp_path / "README.md").write_text("We trained on 16 V100 GPUs.\n")
    (tmp_path / "train.py").write_text(FP8)
    (found,) = [f for f in scan([tmp_path], Settings(use_cache=False)).findings if f.rule == "WAC714"]
    assert found.level.value == "warning"
    assert found.properties["conflicts_with"] == "train.py:3"
    assert "train.py:3" in found.message


def test_no_docs_removes_exactly_the_declared_doc_findings():
    with_docs = scan_repo_json(REPOS / "doc_readme", "--no-cache")
    without = scan_repo_json(REPOS / "doc_readme", "--no-cache", "--no-docs")
    key = lambda f: (f["rule"], f["path"], f["line"], f["column"], f["state"])  # noqa: E731
    removed = {key(f) for f in with_docs["findings"]} - {key(f) for f in without["findings"]}
    expected = {key(f) for f in with_docs["findings"] if f["rule"] in DOC_RULES or f["rule"] == "WAC714"}
    assert removed == expected and expected
    assert {key(f) for f in without["findings"]} <= {key(f) for f in with_docs["findings"]}
    assert {f["rule"] for f in without["findings"]} == {"WAC104", "WAC602"}


def test_no_docs_keeps_job_requests_and_notebook_code():
    without = scan_repo_json(REPOS / "job_slurm", "--no-cache", "--no-docs")
    assert len(without["findings"]) == len(scan_repo_json(REPOS / "job_slurm", "--no-cache")["findings"])
    nb = scan_repo_json(REPOS / "nb_notebooks", "--no-cache", "--no-docs")
    assert sorted(f["rule"] for f in nb["findings"]) == ["WAC101"]


def test_fp8_code_contradicts_a_v100_readme_but_not_an_h100_one(tmp_path):
    assert repo(tmp_path, {"README.md": "We trained on 16 V100 GPUs.\n", "train.py": FP8}) == [
        ("WAC714", "README.md", 1, "V100")
    ]
    assert repo(tmp_path / "h", {"README.md": "We trained on 16 H100 GPUs.\n", "train.py": FP8}) == []


def test_a_project_readme_does_not_judge_a_sibling_project(tmp_path):
    files = {
        "llama/README.md": "We trained on 16 V100 GPUs.\n",
        "llama/train.py": "print('fp16 recipe')\n",
        "fp8net/train.py": FP8,
    }
    assert repo(tmp_path, files) == []


def test_docs_logs_and_scripts_speak_for_the_folder_above(tmp_path):
    from whackachip_lint.crosscheck import scope_of

    assert scope_of("README.md") == ""
    assert scope_of("docs/hardware.rst") == ""
    assert scope_of("proj/scripts/slurm/run.slurm") == "proj"
    assert scope_of("proj/logs/run.log") == "proj"
    assert scope_of("proj/src/README.md") == "proj/src"
    files = {"proj/logs/run.log": "GPU 0: Tesla V100-SXM2-32GB (UUID: GPU-1)\n", "proj/src/train.py": FP8}
    assert repo(tmp_path, files) == [("WAC714", "proj/logs/run.log", 1, "Tesla V100-SXM2-32GB")]


def _notebook(code: str) -> str:
    """A Colab-style notebook: `!nvidia-smi` showing a Tesla T4, then a code cell."""
    import json

    smi = ["+-----------------------------------------------------------------------------+\n",
           "| NVIDIA-SMI 525.85.12    Driver Version: 525.85.12    CUDA Version: 12.0     |\n",
           "|-------------------------------+----------------------+----------------------+\n",
           "| GPU  Name        Persistence-M| Bus-Id        Disp.A | Volatile Uncorr. ECC |\n",
           "|===============================+======================+======================|\n",
           "|   0  Tesla T4            Off  | 00000000:00:04.0 Off |                    0 |\n"]
    cells = [{"cell_type": "code", "metadata": {}, "execution_count": 1, "source": ["!nvidia-smi"],
              "outputs": [{"output_type": "stream", "name": "stdout", "text": smi}]},
             {"cell_type": "code", "metadata": {}, "execution_count": 2, "source": [code], "outputs": []}]
    return json.dumps({"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": cells})


def test_a_notebooks_output_speaks_for_that_notebook_only(tmp_path):
    bf16 = "import torch\nmodel = model.cuda().to(torch.bfloat16)\n"
    # A sampling demo run on Colab's T4 beside a bf16 training script: no contradiction.
    assert repo(tmp_path / "a", {"demo.ipynb": _notebook("x = 1\n"), "train.py": bf16}) == []
    # The notebook's own bf16 code on the T4 it printed: a contradiction, placed in the notebook's output.
    assert [r[1] for r in repo(tmp_path / "b", {"demo.ipynb": _notebook(bf16)})] == ["demo.ipynb"]
    found = [f for f in scan([tmp_path / "b"], Settings(use_cache=False)).findings if f.rule == "WAC714"]
    assert [(f.value, f.properties.get("cell"), f.properties.get("output_line")) for f in found] == [("Tesla T4", 1, 6)]


def test_a_declaration_is_no_contradiction_while_one_training_path_runs_there(tmp_path):
    # The README's V100 run fits the plain launch; the FP8 launch beside it is another run. With the FP8 launch
    # alone, or with the FP8 code shared by both launches, the V100 contradicts the code.
    plain = "import torch\nif __name__ == '__main__':\n    torch.nn.Linear(2, 2)\n"
    fp8 = FP8 + "if __name__ == '__main__':\n    pass\n"
    files = {"README.md": "We trained on 16 V100 GPUs.\n", "train_fp8.py": fp8, "train_plain.py": plain,
             "run_fp8.sh": "torchrun --nproc_per_node 8 train_fp8.py\n",
             "run_plain.sh": "torchrun --nproc_per_node 8 train_plain.py\n"}
    assert repo(tmp_path, files) == []
    (tmp_path / "run_plain.sh").unlink()
    (tmp_path / "train_plain.py").unlink()
    assert repo(tmp_path, {}) == [("WAC714", "README.md", 1, "V100")]
    (tmp_path / "run_plain.sh").write_text("torchrun --nproc_per_node 8 train_plain.py\n")
    (tmp_path / "train_plain.py").write_text("import train_fp8\n" + plain)
    assert repo(tmp_path, {}) == [("WAC714", "README.md", 1, "V100")]


def test_code_no_training_path_runs_judges_no_declaration(tmp_path):
    # An FP8 module nothing imports (a leftover monkey patch) is no requirement of the plain training run; as the
    # code of the repository without training paths it still is.
    plain = "import torch\nif __name__ == '__main__':\n    torch.nn.Linear(2, 2)\n"
    files = {"README.md": "We trained on 16 V100 GPUs.\n", "fp8_patch.py": FP8, "train.py": plain,
             "run.sh": "torchrun --nproc_per_node 8 train.py\n"}
    assert repo(tmp_path, files) == []
    (tmp_path / "run.sh").unlink()
    (tmp_path / "train.py").unlink()
    assert repo(tmp_path, {}) == [("WAC714", "README.md", 1, "V100")]
