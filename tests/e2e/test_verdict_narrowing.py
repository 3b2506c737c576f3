"""End to end: what keeps the consistent list of a real repository narrow, and what must not (issue 10).

Fixtures under fixtures/verdicts/ (written for these tests) each reproduce a pattern of the development corpus;
every test also runs the opposite case on a copy with one file changed, where the list must stay wide.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from whackachip_lint.infer.catalog import load_catalog

from ..conftest import FIXTURES, run_cli_in, scan_json
from ..infer_helpers import resolved

VERDICTS = FIXTURES / "verdicts"
CATALOG = load_catalog()
NVIDIA_BF16 = {e.id for e in CATALOG if e.vendor == "NVIDIA" and e["supports_bf16"]}
NVIDIA_DATACENTER_BF16 = {e.id for e in CATALOG if e.id in NVIDIA_BF16 and e.device_class == "datacenter"}
AMD = {e.id for e in CATALOG if e.vendor == "AMD"}


def inference(directory: Path) -> dict:
    return scan_json(".", cwd=directory)["inference"]


def copy(name: str, tmp_path: Path) -> Path:
    target = tmp_path / name
    shutil.copytree(VERDICTS / name, target)
    return target


def copy_with(name: str, tmp_path: Path, file: str, old: str, new: str) -> Path:
    """A copy of fixture `name` with `old` replaced by `new` in one of its files."""
    repo = copy(name, tmp_path)
    (repo / file).write_text((repo / file).read_text().replace(old, new))
    return repo


def consistent(data: dict) -> set[str]:
    return {c["id"] for c in data["candidates"] if c["status"] == "consistent"}


def vendors(data: dict) -> dict[str, str]:
    return {v["name"]: v["status"] for v in data["vendors"] if v["status"] != "possible"}


def test_a_path_naming_no_hardware_does_not_widen_the_verdict():
    data = inference(VERDICTS / "agnostic_glue")
    assert sorted(p["name"] for p in data["paths"]["training_paths"]) == ["scripts/glue.sh", "scripts/pretrain.sh"]
    assert data["paths"]["agnostic_paths"] == ["scripts/glue.sh"] and data["paths"]["agnostic_path_count"] == 1
    assert consistent(data) == NVIDIA_DATACENTER_BF16  # what the pretraining path says, not "everything"
    assert vendors(data) == {"NVIDIA": "likely"}
    assert data["primary"]["name"] == "scripts/pretrain.sh"


def test_the_text_verdict_shows_a_path_naming_no_hardware_last_and_not_counted():
    result = run_cli_in(VERDICTS / "agnostic_glue", ".")
    assert result.exit_code == 0
    recipes = result.output[result.output.index("  Recipes (2):"):].splitlines()[1:3]
    assert recipes[0].startswith("    scripts/pretrain.sh: vendor NVIDIA; 25 consistent (")
    assert not recipes[0].endswith("not counted")
    assert recipes[1].startswith("    scripts/glue.sh: vendor undecided; 54 consistent (")
    assert recipes[1].endswith("; names no vendor: not counted")


def test_a_path_with_its_own_hardware_evidence_still_widens_the_verdict(tmp_path):
    data = inference(copy_with("agnostic_glue", tmp_path, "run_glue.py", "torch.nn.Linear(8, 2)",
                               'torch.nn.Linear(8, 2).to("cuda")'))
    assert "agnostic_paths" not in data["paths"]
    # The fine-tuning path runs on one CUDA device without bf16: every NVIDIA part, consumer ones included.
    assert consistent(data) == {e.id for e in CATALOG if e.vendor == "NVIDIA"}


def test_a_repository_naming_no_hardware_anywhere_leaves_everything_consistent(tmp_path):
    repo = copy("agnostic_glue", tmp_path)
    (repo / "pretrain.py").write_text("def main():\n    return 1\n\n\nif __name__ == '__main__':\n    main()\n")
    (repo / "scripts" / "pretrain.sh").write_text("torchrun --nproc_per_node 8 pretrain.py\n")
    data = inference(repo)
    assert consistent(data) == {e.id for e in CATALOG}
    assert "agnostic_paths" not in data["paths"]


def test_a_conversion_script_is_a_tool_not_a_training_path():
    report = scan_json(".", cwd=VERDICTS / "tool_scripts")
    roles = {f["path"]: f["properties"]["role"] for f in report["findings"]}
    assert roles == {"scripts/convert_checkpoint.py": "example", "train.py": "training"}
    data = report["inference"]
    assert [p["name"] for p in data["paths"]["training_paths"]] == ["train.py"]
    # InfiniBand and GPUDirect settings on the training path: datacenter parts only.
    assert consistent(data) == NVIDIA_DATACENTER_BF16


def test_the_same_script_named_as_training_is_a_training_path(tmp_path):
    repo = copy("tool_scripts", tmp_path)
    (repo / "scripts" / "convert_checkpoint.py").rename(repo / "scripts" / "pretrain_small.py")
    data = inference(repo)
    assert sorted(p["name"] for p in data["paths"]["training_paths"]) == ["scripts/pretrain_small.py", "train.py"]
    assert consistent(data) == NVIDIA_BF16  # its path has no datacenter evidence: consumer parts stay


def test_a_script_converting_a_finetuning_dataset_is_a_tool_not_the_primary_target(tmp_path):
    repo = copy("tool_scripts", tmp_path)
    (repo / "scripts" / "data_prep").mkdir()
    (repo / "scripts" / "convert_checkpoint.py").unlink()
    # As much set-up as the training script: a tie on set-up and size once named the converter the primary target.
    converter = (repo / "train.py").read_text().replace("Trainer", "Converter")
    (repo / "scripts" / "data_prep" / "convert_finetuning_dataset.py").write_text(converter)
    data = inference(repo)
    assert [p["name"] for p in data["paths"]["training_paths"]] == ["train.py"]
    assert data["primary"]["name"] == "train.py"
    assert consistent(data) == NVIDIA_DATACENTER_BF16


@pytest.mark.parametrize("name", ["wikitext_to_bin.py", "model3_train2infer.py", "hf2mcore.py"])
def test_a_script_named_like_a_conversion_is_a_tool_even_with_a_training_word(tmp_path, name):
    repo = copy("tool_scripts", tmp_path)
    (repo / "scripts" / "convert_checkpoint.py").rename(repo / "scripts" / name)
    report = scan_json(".", cwd=repo)
    roles = {f["path"]: f["properties"]["role"] for f in report["findings"]}
    assert roles == {f"scripts/{name}": "example", "train.py": "training"}
    assert [p["name"] for p in report["inference"]["paths"]["training_paths"]] == ["train.py"]
    assert consistent(report["inference"]) == NVIDIA_DATACENTER_BF16


# Digits between letters in model and task names, and "to" before a training word, make no conversion.
@pytest.mark.parametrize("name", ["train_fsdp2.py", "llama2_train.py", "qwen2vl_finetune.py", "seq2seq_pretrain.py",
                                  "t2i_train.py", "ready_to_train.py"])
def test_a_training_script_with_digits_or_to_in_its_name_stays_a_training_path(tmp_path, name):
    repo = copy("tool_scripts", tmp_path)
    (repo / "scripts" / "convert_checkpoint.py").rename(repo / "scripts" / name)
    data = inference(repo)
    assert sorted(p["name"] for p in data["paths"]["training_paths"]) == [f"scripts/{name}", "train.py"]
    assert consistent(data) == NVIDIA_BF16  # its path has no datacenter evidence: consumer parts stay


def likely_by_recipe(data: dict) -> dict[str, list[str]]:
    return {r["name"]: [v["name"] for v in r["vendors"] if v["status"] == "likely"] for r in data["recipes"]}


HUAWEI = {e.id for e in CATALOG if e.vendor == "Huawei"}


def test_a_launch_that_never_reaches_a_vendored_tree_does_not_carry_its_evidence():
    data = inference(VERDICTS / "vendored_tree_unreached")
    paths = {p["name"]: p["files"] for p in data["paths"]["training_paths"]}
    # `import random` is Python's, not the copied tree's `core/random.py`; the tree's config no launch names is
    # shared with the NPU launch that runs the tree's code, not with the DeepSpeed launch.
    assert paths == {"npu/run_npu.sh": ["mindlib/model.py", "npu/run_npu.py", "npu/run_npu.sh"],
                     "train_scripts/sft.sh": ["train.py", "train_scripts/sft.sh"]}
    assert data["paths"]["agnostic_paths"] == ["train_scripts/sft.sh"]
    assert likely_by_recipe(data) == {"npu/run_npu.sh": ["Huawei"], "train_scripts/sft.sh": []}
    assert vendors(data) == {"Huawei": "likely"}
    assert consistent(data) == HUAWEI


def test_a_launch_importing_the_vendored_tree_carries_its_evidence(tmp_path):
    data = inference(copy_with("vendored_tree_unreached", tmp_path, "train.py", "import torch\n",
                               "import torch\nfrom mindlib.core.random import seed_all\n"))
    assert "agnostic_paths" not in data["paths"]
    assert likely_by_recipe(data) == {"npu/run_npu.sh": ["Huawei"], "train_scripts/sft.sh": ["Huawei"]}


def test_a_documented_recipe_setting_up_npus_overrides_the_cuda_default_of_its_script():
    data = inference(VERDICTS / "readme_ascend_setup")
    # The block sources the Ascend toolkit and sets HCCL variables before torchrun: `.to("cuda")` is a default.
    assert likely_by_recipe(data) == {"README.md:5": ["Huawei"]}
    assert vendors(data) == {"Huawei": "likely"}
    assert consistent(data) == HUAWEI


def test_a_documented_recipe_setting_up_no_devices_keeps_the_cuda_default(tmp_path):
    repo = copy_with("readme_ascend_setup", tmp_path, "README.md",
                     "source /usr/local/Ascend/ascend-toolkit/set_env.sh\nexport HCCL_CONNECT_TIMEOUT=1200\n", "")
    data = inference(repo)
    assert likely_by_recipe(data) == {"README.md:5": ["NVIDIA"]}
    assert vendors(data) == {"NVIDIA": "likely"}
    assert HUAWEI.isdisjoint(consistent(data))


def test_a_readme_with_a_gpu_block_and_an_npu_block_is_the_union_of_both_recipes():
    data = inference(VERDICTS / "readme_gpu_npu_blocks")
    # The NPU block sets up Ascend (its tells are documentation, against no part) over the script's cuda default;
    # the GPU block before it sets up nothing, so that default stands there.
    assert likely_by_recipe(data) == {"README.md:12": ["Huawei"], "README.md:5": ["NVIDIA"]}
    gpu = next(set(r["consistent"]) for r in data["recipes"] if r["name"] == "README.md:5")
    assert vendors(data) == {"NVIDIA": "likely", "Huawei": "likely"}
    assert consistent(data) == gpu | HUAWEI and HUAWEI.isdisjoint(gpu)
    assert "agnostic_paths" not in data["paths"]  # the NPU recipe names hardware: it counts in the union
    assert [c["paths"] for c in data["conflicts"]] == [["README.md:12", "README.md:5"]]


def test_a_readme_npu_block_setting_up_nothing_keeps_the_cuda_default(tmp_path):
    repo = copy_with("readme_gpu_npu_blocks", tmp_path, "README.md",
                     "source /usr/local/Ascend/ascend-toolkit/set_env.sh\nexport HCCL_CONNECT_TIMEOUT=1200\n", "")
    data = inference(repo)
    assert likely_by_recipe(data) == {"README.md:12": ["NVIDIA"], "README.md:5": ["NVIDIA"]}
    assert vendors(data) == {"NVIDIA": "likely"}
    assert HUAWEI.isdisjoint(consistent(data))


def test_a_launch_finding_its_script_through_its_own_folder_is_the_primary_target():
    data = inference(VERDICTS / "script_dir_launch")
    # `python3 "$SCRIPT_DIR/utils/patched_loop.py"` runs the loop: the launch, not a reporter run by hand, is primary.
    assert [p["name"] for p in data["paths"]["training_paths"]] == ["run_job.sh"]
    assert data["primary"]["name"] == "run_job.sh"
    (path,) = data["paths"]["training_paths"]
    assert path["files"] == ["job_env.sh", "run_job.sh", "utils/patched_loop.py"]
    assert vendors(data) == {"AMD": "likely"}


def test_a_path_under_a_variable_is_looked_for_only_beside_the_launch_and_at_the_root(tmp_path):
    repo = copy("script_dir_launch", tmp_path)
    launch = repo / "run_job.sh"
    # A variable naming another checkout: the file name alone does not make it this repository's script.
    launch.write_text(launch.read_text().replace("$SCRIPT_DIR/utils/patched_loop.py", "$UPSTREAM/patched_loop.py"))
    data = inference(repo)
    assert "run_job.sh" not in [p["name"] for p in data["paths"]["training_paths"]]


def status(data: dict, part: str) -> str:
    return next(c["status"] for c in data["candidates"] if c["id"] == part)


def test_an_fp8_variant_in_a_tree_of_configs_no_launch_names_excludes_no_part():
    data = inference(VERDICTS / "config_zoo")
    assert status(data, "nvidia-a100-sxm4-80gb") == "disfavoured" and status(data, "nvidia-h100-sxm") == "consistent"
    assert not [c for c in data["candidates"] if c["status"] == "excluded"]
    a100 = next(c for c in data["candidates"] if c["id"] == "nvidia-a100-sxm4-80gb")
    (fp8,) = resolved(data, a100["reasons"])
    assert (fp8["constraint"], fp8["strength"], fp8["evidence"]) == (
        "FP8 matrix multiplies on the live path (in a config no launch names, weighed lower)", "strong",
        ["configs/gpt_1b_fp8.yaml:5"])


def test_the_fp8_config_a_launch_names_binds_its_run(tmp_path):
    repo = copy("config_zoo", tmp_path)
    launch = repo / "scripts" / "pretrain.sh"
    launch.write_text("#!/bin/bash\naccelerate launch --config_file configs/gpt_1b_fp8.yaml --num_processes 8 train.py\n")
    data = inference(repo)
    assert status(data, "nvidia-a100-sxm4-80gb") == "excluded" and status(data, "nvidia-h100-sxm") == "consistent"


HUAWEI = {e.id for e in CATALOG if e.vendor == "Huawei"}


def test_an_npu_launch_outranks_the_cuda_default_of_the_config_every_launch_shares():
    """verl's shape: one trainer, a shared config defaulting to `cuda`, a GPU launch and an NPU launch that sources
    CANN's set_env.sh. The NPU recipe runs on Ascend; it used to lose all its vendor evidence and name no vendor
    (the launch's own vendor evidence outranks the shared default: engine._settle_vendor_conflicts)."""
    data = inference(VERDICTS / "npu_launch_shared_config")
    assert vendors(data) == {"NVIDIA": "likely", "Huawei": "likely"}
    npu = next(r for r in data["recipes"] if r["name"] == "scripts/run_npu.sh")
    assert {v["name"]: v["status"] for v in npu["vendors"] if v["status"] != "possible"} == {"Huawei": "likely"}
    assert set(npu["consistent"]) == HUAWEI and HUAWEI <= consistent(data)
    assert data["conflicts"] == [{"kind": "paths", "paths": ["scripts/run_npu.sh", "scripts/run_gpu.sh"],
                                  "why": "the paths run on disjoint hardware (alternatives)"}]


def test_an_npu_launch_without_its_own_vendor_evidence_does_not_outrank_the_shared_config(tmp_path):
    repo = copy("npu_launch_shared_config", tmp_path)
    launch = repo / "scripts" / "run_npu.sh"
    launch.write_text(launch.read_text().replace("source /usr/local/Ascend/ascend-toolkit/set_env.sh\n", ""))
    data = inference(repo)
    assert vendors(data) == {"NVIDIA": "likely"}
    assert not HUAWEI & consistent(data)


def test_launches_with_the_same_consistent_parts_are_one_side_of_a_pair_of_alternatives(tmp_path):
    repo = copy("npu_launch_shared_config", tmp_path)
    for n in (2, 3):
        (repo / "scripts" / f"run_gpu_{n}.sh").write_text((repo / "scripts" / "run_gpu.sh").read_text())
    data = inference(repo)
    pairs = [c for c in data["conflicts"] if len(c["paths"]) == 2]
    assert pairs == [{"kind": "paths", "paths": ["scripts/run_npu.sh", "scripts/run_gpu.sh"], "alike": [0, 2],
                      "why": "the paths run on disjoint hardware (alternatives)"}]
    text = run_cli_in(repo, ".", "--verdict-only").output
    assert "    scripts/run_npu.sh vs scripts/run_gpu.sh (+2 alike): the paths run on disjoint hardware (alternatives)" \
        in text.splitlines()
    assert "1 conflict between training paths" in data["bottom_line"]


def amd_tie_break(data: dict) -> dict:
    """The tie-break reason AMD got (the one that made it likely)."""
    (amd,) = [v for v in data["vendors"] if v["name"] == "AMD"]
    (tie,) = [r for r in resolved(data, amd["reasons"]) if r["result"] == "tie-break"]
    return tie


def test_cuda_looking_code_in_a_repository_whose_scripts_set_hip_variables_runs_on_amd():
    data = inference(VERDICTS / "amd_data_scripts")
    assert vendors(data) == {"AMD": "likely"}
    assert consistent(data) == AMD
    tie = amd_tie_break(data)
    assert tie["constraint"] == ("this code fits AMD and NVIDIA alike; the repository's other code names AMD alone "
                                 "in 1 file")
    assert tie["evidence"] == ["data/tokenize_all.sh:3"]


def add_nvidia_only_example(repo):
    """One example file that names NVIDIA alone: a CUDA kernel with a Hopper-only instruction (off the training
    path, so it only counts as what the repository's other code names)."""
    (repo / "examples").mkdir()
    (repo / "examples" / "wgmma_probe.cu").write_text('__global__ void k() { asm volatile("wgmma.fence.sync.aligned;"); }\n')


def test_a_vendor_the_repository_names_in_far_more_files_breaks_the_tie(tmp_path):
    repo = copy("amd_data_scripts", tmp_path)
    for name in ("tokenize_more.sh", "tokenize_rest.sh"):
        (repo / "data" / name).write_text((repo / "data" / "tokenize_all.sh").read_text())
    add_nvidia_only_example(repo)
    data = inference(repo)
    assert vendors(data) == {"AMD": "likely"}
    assert amd_tie_break(data)["constraint"].endswith("names AMD alone in 3 files, NVIDIA in 1 file")


def test_a_vendor_named_about_as_often_as_the_other_breaks_no_tie(tmp_path):
    repo = copy("amd_data_scripts", tmp_path)
    add_nvidia_only_example(repo)
    data = inference(repo)
    assert vendors(data) == {"NVIDIA": "likely"}  # one file each: the data's tie-break, AMD stays possible


def test_cuda_looking_code_without_amd_evidence_anywhere_stays_nvidia(tmp_path):
    repo = copy("amd_data_scripts", tmp_path)
    (repo / "data" / "tokenize_all.sh").write_text("python data/prepare_data.py --workers 4\n")
    data = inference(repo)
    assert vendors(data) == {"NVIDIA": "likely"}
    assert consistent(data) == {e.id for e in CATALOG if e.vendor == "NVIDIA"}


def test_flashattention2_on_rocm_keeps_instinct_parts_newer_than_its_build_list():
    data = inference(VERDICTS / "rocm_fa2")
    assert vendors(data) == {"AMD": "likely"}
    assert consistent(data) == AMD - {"amd-mi100"}  # MI355X (gfx950) included
    assert next(c["status"] for c in data["candidates"] if c["id"] == "amd-mi100") == "disfavoured"


A100 = {"nvidia-a100-sxm4-40gb", "nvidia-a100-sxm4-80gb", "nvidia-a100-pcie-40gb", "nvidia-a100-pcie-80gb"}
H100 = {"nvidia-h100-sxm", "nvidia-h100-pcie", "nvidia-h100-nvl"}


def test_a_declared_part_does_not_drop_another_part_the_documents_name():
    data = inference(VERDICTS / "docs_named_parts")
    assert consistent(data) == H100 | A100  # trained on H100, "also runs on an A100 node"
    (a100,) = [c for c in data["candidates"] if c["id"] == "nvidia-a100-sxm4-80gb"]
    (named,) = [r for r in resolved(data, a100["reasons"]) if r["result"] == "supports"]
    assert named["constraint"] == "named in the repository's documents (beside the declared H100)"
    assert named["evidence"] == ["README.md:5"] and named["strength"] == "weak"
    # Parts no document names still fail the declaration.
    (l40s,) = [c for c in data["candidates"] if c["id"] == "nvidia-l40s"]
    assert l40s["status"] == "disfavoured"
    assert [r["constraint"] for r in resolved(data, l40s["reasons"])] == ["declared hardware: H100"]


def test_documented_parts_count_on_every_training_path_too(tmp_path):
    repo = copy("docs_named_parts", tmp_path)  # the fixture is read as a library; here train.py is an entry point
    train = repo / "train.py"
    train.write_text(train.read_text() + "\nif __name__ == '__main__':\n    print(MODEL)\n")
    data = inference(repo)
    assert [p["name"] for p in data["paths"]["training_paths"]] == ["train.py"]
    assert consistent(data) == H100 | A100


def test_a_vendored_tree_naming_a_part_is_not_the_repository_documenting_it(tmp_path):
    repo = copy("docs_named_parts", tmp_path)
    readme = repo / "README.md"
    readme.write_text(readme.read_text().replace("The code also runs on an A100 node, a little slower.\n", ""))
    (repo / "third_party" / "kernels").mkdir(parents=True)
    (repo / "third_party" / "kernels" / "README.md").write_text("Tested on an A100 node.\n")
    assert consistent(inference(repo)) == H100


def test_without_the_second_name_the_declaration_narrows_to_its_own_parts(tmp_path):
    repo = copy("docs_named_parts", tmp_path)
    readme = repo / "README.md"
    readme.write_text(readme.read_text().replace("The code also runs on an A100 node, a little slower.\n", ""))
    assert consistent(inference(repo)) == H100


def test_the_html_report_marks_a_path_naming_no_hardware_as_not_counted(tmp_path):
    out = tmp_path / "report.html"
    assert run_cli_in(VERDICTS / "agnostic_glue", "--format", "html", "-o", str(out), ".").exit_code == 0
    rows = [row for row in out.read_text().split("<tr>") if "scripts/glue.sh</td>" in row or
            "scripts/pretrain.sh</td>" in row]
    (glue,) = [r for r in rows if "scripts/glue.sh</td>" in r]
    (pretrain,) = [r for r in rows if "scripts/pretrain.sh</td>" in r]
    assert "<td>54 (names no vendor: not counted)</td>" in glue
    assert "<td>25</td>" in pretrain


# --- device class per training path -----------------------------------------------------------------------------
NVIDIA_CONSUMER_BF16 = {e.id for e in CATALOG if e.id in NVIDIA_BF16 and e.device_class == "consumer"}


def reasons_of(data: dict, entry_id: str) -> list[dict]:
    (candidate,) = [c for c in data["candidates"] if c["id"] == entry_id]
    return [data["reasons"][ref] if isinstance(ref, str) else ref for ref in candidate["reasons"]]


def without_finetune(tmp_path: Path) -> Path:
    repo = copy("multinode_and_single_gpu", tmp_path)
    (repo / "scripts" / "finetune.sh").unlink()
    return repo


def test_a_multi_node_launch_disfavours_consumer_parts_on_its_path(tmp_path):
    data = inference(without_finetune(tmp_path))
    assert NVIDIA_CONSUMER_BF16 == {"nvidia-rtx-3090", "nvidia-rtx-4090", "nvidia-rtx-4090d", "nvidia-rtx-5090",
                                    "nvidia-rtx-5090d"}
    # Workstation parts (GPUDirect RDMA-capable) stay: only consumer cards are unlikely in a cluster of servers.
    assert consistent(data) == NVIDIA_BF16 - NVIDIA_CONSUMER_BF16
    assert {"nvidia-rtx-a6000", "nvidia-rtx-pro-6000"} <= consistent(data)
    for entry_id in NVIDIA_CONSUMER_BF16:
        (reason,) = reasons_of(data, entry_id)
        assert reason["constraint"] == "multi-node launch: a cluster of servers, not consumer cards"
        assert reason["strength"] == "weak" and reason["rule"] == "WAC402"
        assert reason["evidence"] == [{"path": "scripts/pretrain.sh", "line": 3, "rule": "WAC402"}]
    assert data["device_class"]["class"] == "datacenter"


def test_a_single_gpu_path_beside_the_multi_node_launch_keeps_consumer_parts_consistent():
    data = inference(VERDICTS / "multinode_and_single_gpu")
    classes = {r["name"]: r["device_class"]["class"] for r in data["recipes"]}
    assert classes == {"scripts/finetune.sh": "unknown", "scripts/pretrain.sh": "datacenter"}
    by_path = {r["name"]: set(r["consistent"]) for r in data["recipes"]}
    assert by_path["scripts/pretrain.sh"] == NVIDIA_BF16 - NVIDIA_CONSUMER_BF16
    assert by_path["scripts/finetune.sh"] == NVIDIA_BF16
    assert consistent(data) == NVIDIA_BF16  # the union over paths
    assert {c["id"]: c.get("recipe") for c in data["candidates"]}["nvidia-rtx-4090"] == "scripts/finetune.sh"


def test_a_single_node_launch_does_not_disfavour_consumer_parts(tmp_path):
    repo = without_finetune(tmp_path)
    launch = repo / "scripts" / "pretrain.sh"
    launch.write_text(launch.read_text().replace("--nnodes 4", "--nnodes 1"))
    data = inference(repo)
    assert consistent(data) == NVIDIA_BF16
    assert data["device_class"]["class"] == "unknown"


def test_a_hostfile_launch_disfavours_consumer_parts_on_its_path(tmp_path):
    repo = without_finetune(tmp_path)
    (repo / "scripts" / "pretrain.sh").write_text("#!/bin/bash\ndeepspeed --hostfile hosts.txt pretrain.py\n")
    data = inference(repo)
    assert consistent(data) == NVIDIA_BF16 - NVIDIA_CONSUMER_BF16
    (reason,) = reasons_of(data, "nvidia-rtx-4090")
    assert reason["constraint"] == "hostfile of a multi-node launch: a cluster of servers, not consumer cards"
    assert reason["evidence"] == [{"path": "scripts/pretrain.sh", "line": 2, "rule": "WAC405"}]


def test_a_slurm_job_over_two_nodes_disfavours_consumer_parts(tmp_path):
    repo = without_finetune(tmp_path)
    (repo / "scripts" / "pretrain.sh").unlink()
    (repo / "train.slurm").write_text("#!/bin/bash\n#SBATCH --nodes=2\n#SBATCH --ntasks-per-node=4\n"
                                      "srun torchrun --nproc_per_node 4 pretrain.py\n")
    data = inference(repo)
    assert consistent(data) == NVIDIA_BF16 - NVIDIA_CONSUMER_BF16
    (reason,) = reasons_of(data, "nvidia-rtx-3090")
    assert reason["constraint"] == "multi-node launch: a cluster of servers, not consumer cards"
    assert reason["evidence"][0]["path"] == "train.slurm"


# --- TensorFlow 1 / Estimator TPU code --------------------------------------------------------------------------
GOOGLE_TPU = {e.id for e in CATALOG if e.vendor == "Google"}


def findings_of(directory: Path, rule: str) -> list[tuple[str, int, str]]:
    report = scan_json(".", cwd=directory)
    return sorted((f["path"], f["line"], f["state"]) for f in report["findings"] if f["rule"] == rule)


def test_an_estimator_script_launched_with_use_tpu_runs_on_google_tpus():
    data = inference(VERDICTS / "tf1_tpu_estimator")
    assert vendors(data) == {"Google": "likely"}
    assert consistent(data) == GOOGLE_TPU
    assert findings_of(VERDICTS / "tf1_tpu_estimator", "WAC208") == [
        ("run_pretrain.py", 13, "conditional"), ("run_pretrain.py", 15, "conditional"),
        ("scripts/pretrain_tpu.sh", 3, "enabled")]


def test_an_estimator_whose_use_tpu_flag_defaults_off_is_no_tpu_fact(tmp_path):
    repo = copy("tf1_tpu_estimator", tmp_path)
    (repo / "scripts" / "pretrain_tpu.sh").unlink()
    data = inference(repo)
    assert vendors(data) == {}  # the TPU branch is conditional: it decides no vendor and narrows nothing
    assert consistent(data) == {e.id for e in CATALOG}
    assert findings_of(repo, "WAC208") == [("run_pretrain.py", 13, "conditional"), ("run_pretrain.py", 15, "conditional")]


def test_an_estimator_launched_with_use_tpu_false_is_no_tpu_fact(tmp_path):
    repo = copy("tf1_tpu_estimator", tmp_path)
    launch = repo / "scripts" / "pretrain_tpu.sh"
    launch.write_text(launch.read_text().replace("--use_tpu=True", "--use_tpu=False"))
    data = inference(repo)
    assert "Google" not in vendors(data)
    assert consistent(data) == {e.id for e in CATALOG}
    assert ("scripts/pretrain_tpu.sh", 3, "disabled") in findings_of(repo, "WAC208")


def test_a_tpu_strategy_runs_on_google_tpus(tmp_path):
    (tmp_path / "train.py").write_text(
        "import tensorflow as tf\n\n"
        "resolver = tf.distribute.cluster_resolver.TPUClusterResolver(tpu='')\n"
        "strategy = tf.distribute.TPUStrategy(resolver)\n")
    data = inference(tmp_path)
    assert vendors(data) == {"Google": "likely"}
    assert consistent(data) == GOOGLE_TPU


def _topology(directory: Path) -> str:
    result = run_cli_in(directory, ".", "--verdict-only")
    assert result.exit_code == 0, result.output
    return next(line for line in result.output.splitlines() if line.startswith("  Topology:"))


def test_a_conversion_configs_device_and_node_counts_are_not_the_training_topology():
    assert _topology(VERDICTS / "tool_config_counts") == "  Topology: 8 devices per node [train.sh:3]; 1 node [train.sh:3]."


def test_a_conversion_configs_counts_are_shown_when_nothing_else_gives_one(tmp_path):
    repo = copy_with("tool_config_counts", tmp_path, "train.sh", "torchrun --nnodes=1 --nproc_per_node=8 train.py",
                     "python train.py")
    assert _topology(repo) == ("  Topology: 1 device per node [conf/model_ckpt_to_hf.yaml:3]; "
                               "1 node [conf/model_ckpt_to_hf.yaml:4].")


def _accelerate_repo(tmp_path: Path, command_line: str) -> Path:
    """A single-GPU fine-tune documented the alignment-handbook way: a shared 8-process accelerate config and a
    launch that passes its own process count."""
    (tmp_path / "configs").mkdir()
    (tmp_path / "configs" / "multi_gpu.yaml").write_text(
        "distributed_type: MULTI_GPU\nmixed_precision: bf16\nnum_machines: 1\nnum_processes: 8\n")
    (tmp_path / "train.py").write_text("import torch\n\nmodel = torch.nn.Linear(4, 4).to('cuda')\n")
    (tmp_path / "qlora.sh").write_text(f"#!/bin/bash\naccelerate launch --config_file configs/multi_gpu.yaml"
                                       f"{command_line} train.py\n")
    return tmp_path


def test_a_launchs_process_count_overrides_the_config_it_passes(tmp_path):
    # `--num_processes=1` on the command line wins over the config's `num_processes: 8`: one GPU, of any class.
    data = inference(_accelerate_repo(tmp_path, " --num_processes=1"))
    assert status(data, "nvidia-rtx-4090") == "consistent"


def test_without_its_own_count_a_launch_takes_the_configs(tmp_path):
    data = inference(_accelerate_repo(tmp_path, ""))
    assert status(data, "nvidia-rtx-4090") == "disfavoured"


def test_cuda_looking_code_in_a_fork_whose_only_image_is_rocm_runs_on_amd():
    data = inference(VERDICTS / "rocm_fork_image")
    assert vendors(data) == {"AMD": "likely"}
    assert consistent(data) <= AMD
    tie = amd_tie_break(data)
    assert tie["constraint"] == ("this code fits AMD and NVIDIA alike; the repository's containers, pins and "
                                 "documented commands name AMD alone in 1 file")
    assert tie["evidence"] == ["Dockerfile:2"]


def test_a_fork_with_a_cuda_image_beside_the_rocm_one_stays_nvidia(tmp_path):
    repo = copy("rocm_fork_image", tmp_path)
    (repo / "docker").mkdir()
    (repo / "docker" / "Dockerfile.cuda").write_text("FROM pytorch/pytorch:2.3.0-cuda12.1-cudnn8-devel\n")
    assert vendors(inference(repo)) == {"NVIDIA": "likely"}  # the data's tie-break, AMD stays possible


def test_a_rocm_image_in_ci_alone_breaks_no_tie(tmp_path):
    repo = copy("rocm_fork_image", tmp_path)
    (repo / "Dockerfile").unlink()
    (repo / ".github" / "workflows").mkdir(parents=True)
    (repo / ".github" / "workflows" / "rocm.yml").write_text(
        "jobs:\n  test:\n    container:\n      image: rocm/pytorch:latest\n")
    assert vendors(inference(repo)) == {"NVIDIA": "likely"}  # a CI job says what else the project tests on


def test_a_fork_whose_readme_names_only_amd_parts_runs_on_amd_when_docs_are_read(tmp_path):
    repo = copy("rocm_fork_image", tmp_path)
    (repo / "Dockerfile").unlink()
    (repo / "README.md").write_text("# A fork for ROCm\n\nSupported hardware: AMD Instinct MI300X.\n")
    assert vendors(inference(repo)) == {"AMD": "likely"}
    assert vendors(scan_json(".", "--no-docs", cwd=repo)["inference"]) == {"NVIDIA": "likely"}


def test_hardware_a_document_states_is_judged_by_every_training_path_including_those_naming_none(tmp_path):
    # The README's V100 run fits the plain fine-tuning path (no bf16, no vendor named), not the bf16 pretraining:
    # the declaration agrees with the code, though that path widens no consistent set.
    repo = copy("agnostic_glue", tmp_path)
    (repo / "README.md").write_text("# Fixture\n\nFine-tuning takes 2 hours on 8 V100 GPUs.\n")
    data = inference(repo)
    assert [d["summary"] for d in data["declared_agreements"]] == ["V100 (README.md:3) agrees with the code"]
    assert not [c for c in data["conflicts"] if c.get("kind") == "declared_vs_code"]
    assert consistent(data) == NVIDIA_DATACENTER_BF16
    # Without the plain path the bf16 pretraining is the only code: the V100 is unlikely there.
    (repo / "scripts/glue.sh").unlink()
    data = inference(repo)
    assert data["declared_agreements"] == []
    assert [c["outcome"] for c in data["conflicts"] if c.get("kind") == "declared_vs_code"] == ["disfavoured"]


def test_a_path_whose_likely_vendor_has_no_catalog_part_says_so(tmp_path):
    # Intel XPU is not in the catalog (no sourced facts): its evidence fits no part, which is why it was set aside,
    # and one such path is no conflict *between* paths.
    repo = tmp_path / "xpu"
    repo.mkdir()
    (repo / "train.py").write_text('import torch\nimport torch.distributed as dist\ndist.init_process_group("ccl")\n'
                                   'model = torch.nn.Linear(2, 2).to("xpu")\n')
    (repo / "run.sh").write_text("#!/bin/bash\ntorchrun --nproc_per_node 4 train.py\n")
    data = inference(repo)
    assert data["conflicts"] == [{
        "kind": "paths", "paths": ["run.sh"], "set_aside": "strong",
        "why": "its likely vendor (Intel XPU) has no part in the catalog, so no part meets every strong requirement "
               "together: those were set aside"}]
    assert "; 1 training path whose own evidence no catalog part meets together." in data["bottom_line"]
    assert "between training paths" not in data["bottom_line"]
