"""The primary target is a training launch: ranked by what the path runs before by its set-up (a display choice:
the consistent sets stay the same whichever path leads)."""

from __future__ import annotations

from whackachip_lint.paths.roles import primary_rank

from ..conftest import inference_of

TRAINING_SCRIPT = ("import torch\nimport torch.distributed as dist\n\n"
                   "dist.init_process_group(backend=\"nccl\")\nmodel = torch.nn.Linear(16, 16).cuda()\n")
# More set-up than the training launch: a launcher, a node count and network settings beside the collective.
BUSY_LAUNCH = ("#!/bin/bash\nexport NCCL_IB_HCA=mlx5_0\nexport NCCL_SOCKET_IFNAME=eth0\n"
               "torchrun --nnodes 2 --nproc_per_node 8 {script}\n")


def _repo(tmp_path, side: str, training: str | None = "train.py"):
    """A side script launched with much set-up, and (unless None) a training script launched with little."""
    (tmp_path / side).parent.mkdir(parents=True, exist_ok=True)
    (tmp_path / side).write_text(TRAINING_SCRIPT)
    (tmp_path / "run_side.sh").write_text(BUSY_LAUNCH.format(script=side))
    if training:
        (tmp_path / training).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / training).write_text(TRAINING_SCRIPT)
        (tmp_path / "run.sh").write_text(f"#!/bin/bash\ntorchrun {training}\n")
    return tmp_path


def test_scripts_rank_training_then_extension_then_neutral_then_side_activities():
    assert [primary_rank([s]) for s in ("train.py", "scripts/pretrain_gpt.py", "finetune.sh")] == [3, 3, 3]
    assert primary_rank(["extensions/fast/pretrain.py"]) == 2 and primary_rank(["contrib/train.py"]) == 2
    assert primary_rank(["run.py"]) == 1 and primary_rank(["main.py"]) == 1 and primary_rank(["pkg/cli.py"]) == 1
    # A neutral name in a training folder trains (the file name decides first, as for TOOL_WORDS).
    assert primary_rank(["pkg/trainer/main_ppo.py"]) == 3 and primary_rank(["training/eval.py"]) == 0
    side = ["scripts/txt2img.py", "scripts/img2img.py", "sample.py", "eval.py", "bench_throughput.py",
            "utils/llama_perf_estimate.py", "data/train_tokenizer.py", "pkg/ops/triton/layernorm.py",
            "extensions/fast/helper.py"]
    assert [primary_rank([s]) for s in side] == [0] * len(side)
    # A launch counts by the best script it runs; `seq2seq`, `wav2vec` generate nothing.
    assert primary_rank(["eval.py", "train.py"]) == 3 and primary_rank(["seq2seq.py"]) == 1
    assert primary_rank(["wav2vec_train.py"]) == 3


def test_a_training_launch_leads_over_a_benchmark_with_more_set_up(tmp_path):
    data = inference_of(_repo(tmp_path, "bench_throughput.py"))
    assert data["primary"]["name"] == "run.sh"
    # Two neutral names: the set-up decides between equals, as before.
    (tmp_path / "main.py").write_text(TRAINING_SCRIPT)
    (tmp_path / "run.sh").write_text("#!/bin/bash\ntorchrun main.py\n")
    (tmp_path / "bench_throughput.py").rename(tmp_path / "model.py")
    (tmp_path / "run_side.sh").write_text(BUSY_LAUNCH.format(script="model.py"))
    assert inference_of(tmp_path)["primary"]["name"] == "run_side.sh"


def test_the_repositorys_own_training_leads_over_an_extensions(tmp_path):
    own = inference_of(_repo(tmp_path, "extensions/fast/pretrain.py", "pretrain.py"))
    assert own["primary"]["name"] == "run.sh"
    # With no training script of its own, the extension's is the primary target.
    (tmp_path / "run.sh").unlink()
    (tmp_path / "pretrain.py").unlink()
    alone = inference_of(tmp_path)
    assert alone["primary"]["name"] == "run_side.sh"


def test_no_primary_target_when_only_a_sampler_names_hardware(tmp_path):
    data = inference_of(_repo(tmp_path, "scripts/txt2img.py", training=None))
    assert data["primary"] is None
    assert "NVIDIA" in [v["name"] for v in data["vendors"] if v["status"] == "likely"]
    (tmp_path / "scripts/txt2img.py").rename(tmp_path / "scripts/train_diffusion.py")
    (tmp_path / "run_side.sh").write_text(BUSY_LAUNCH.format(script="scripts/train_diffusion.py"))
    assert inference_of(tmp_path)["primary"]["name"] == "run_side.sh"


def test_a_neutral_script_launched_to_train_ranks_as_a_training_script(tmp_path):
    # `main.py --train`, `main.py train ...`: a generic entry whose launch tells it to train leads over a
    # benchmark with more set-up, on a launcher's line or a plain `python` line.
    _repo(tmp_path, "model.py", training=None)
    (tmp_path / "main.py").write_text(TRAINING_SCRIPT)
    (tmp_path / "run.sh").write_text("#!/bin/bash\ntorchrun main.py train --config c.yaml\n")
    assert inference_of(tmp_path)["primary"]["name"] == "run.sh"
    (tmp_path / "run.sh").write_text("#!/bin/bash\npython main.py --base c.yaml --train\n")
    assert inference_of(tmp_path)["primary"]["name"] == "run.sh"
    # Arguments that do not say so leave it a neutral script: the set-up decides.
    (tmp_path / "run.sh").write_text("#!/bin/bash\npython main.py --split train | tee train.log\n")
    assert inference_of(tmp_path)["primary"]["name"] == "run_side.sh"


def test_a_package_command_line_ranks_by_the_commands_it_imports(tmp_path):
    # `lib/__main__.py` dispatches to `lib/pretrain.py`: the repository's own training leads over an extension's.
    _repo(tmp_path, "extensions/fast/pretrain.py", training=None)
    (tmp_path / "lib").mkdir()
    (tmp_path / "lib/__init__.py").write_text("")
    (tmp_path / "lib/pretrain.py").write_text(TRAINING_SCRIPT)
    (tmp_path / "lib/__main__.py").write_text("from lib.pretrain import setup\n\nif __name__ == '__main__':\n"
                                              "    setup()\n")
    assert inference_of(tmp_path)["primary"]["name"] == "lib/__main__.py"
    (tmp_path / "lib/__main__.py").write_text("from lib.helpers import setup\n\nif __name__ == '__main__':\n"
                                              "    setup()\n")
    (tmp_path / "lib/pretrain.py").rename(tmp_path / "lib/helpers.py")
    assert inference_of(tmp_path)["primary"]["name"] == "run_side.sh"
