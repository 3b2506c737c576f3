"""End to end: launch commands in README code blocks are documented recipes (default mode only).

Fixtures under fixtures/verdicts/readme_* (written for these tests): a TPU switch (an argparse option; the absl
variant is tests/fixtures/verdicts/tf1_tpu_estimator, launched by a script) turned on only by a README block, two blocks for two backends (the union of two documented recipes), and a README whose blocks install
things, run another project's example, a tool, or set variables without running a script of the repository
(nothing changes). Each is scanned both ways: `--no-docs` gives the verdict of the code alone.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from whackachip_lint.infer.catalog import load_catalog

from ..conftest import FIXTURES, run_cli_in, scan_json
from ..infer_helpers import readme_under_examples

VERDICTS = FIXTURES / "verdicts"
CATALOG = load_catalog()
EVERY_PART = {e.id for e in CATALOG}
GOOGLE_TPU = {e.id for e in CATALOG if e.vendor == "Google"}
NVIDIA_DATACENTER_BF16 = {e.id for e in CATALOG if e.vendor == "NVIDIA" and e["supports_bf16"]
                          and e.device_class == "datacenter"}
HCCL = {e.id for e in CATALOG if e.vendor in ("Huawei", "Intel")}


def report(directory: Path, *args: str) -> dict:
    return scan_json(".", *args, cwd=directory)


def consistent(data: dict) -> set[str]:
    return {c["id"] for c in data["candidates"] if c["status"] == "consistent"}


def statuses(data: dict) -> dict[str, str]:
    return {c["id"]: c["status"] for c in data["candidates"]}


def vendors(data: dict) -> dict[str, str]:
    return {v["name"]: v["status"] for v in data["vendors"] if v["status"] != "possible"}


def documented(data: dict) -> list[tuple]:
    return sorted((f["path"], f["line"], f["rule"], f["state"], f["properties"]["doc_block"], f["properties"]["role"])
                  for f in data["findings"] if f["properties"].get("documented"))


def test_a_readme_block_passing_use_tpu_is_a_documented_tpu_recipe():
    data = report(VERDICTS / "readme_tpu_recipe")
    verdict = data["inference"]
    assert vendors(verdict) == {"Google": "likely"}
    assert consistent(verdict) == GOOGLE_TPU
    assert not [c for c in verdict["candidates"] if c["status"] == "excluded"]  # a README alone excludes nothing
    assert sorted(p["name"] for p in verdict["paths"]["training_paths"]) == ["README.md:13", "README.md:5"]
    assert verdict["paths"]["agnostic_paths"] == ["README.md:5"]  # the GPU block names no vendor
    assert verdict["primary"]["name"] == "README.md:13"
    assert documented(data) == [
        ("README.md", 7, "WAC506", "enabled", 5, "support"),
        ("README.md", 15, "WAC506", "enabled", 13, "support"),
        ("README.md", 17, "WAC208", "enabled", 13, "support"),
    ]
    # The TPU code (under `if args.use_tpu and args.tpu_name:`) stays conditional in the report: the recipe settles
    # it in the verdict only.
    assert sorted((f["line"], f["state"]) for f in data["findings"] if f["path"] == "run_finetune.py"
                  and f["rule"] == "WAC208") == [(14, "conditional"), (15, "conditional"), (16, "conditional")]


def test_without_docs_the_tpu_recipe_is_not_read():
    data = report(VERDICTS / "readme_tpu_recipe", "--no-docs")
    verdict = data["inference"]
    assert vendors(verdict) == {}
    assert consistent(verdict) == EVERY_PART
    assert verdict["paths"]["training_paths"] == [] and verdict["paths"]["library"] is True
    assert documented(data) == []


def test_a_readme_block_passing_use_tpu_false_or_no_tpu_name_is_no_tpu_recipe(tmp_path):
    for number, (old, new) in enumerate((("--use_tpu=True", "--use_tpu=False"), ("  --tpu_name=$TPU_NAME\n", ""))):
        repo = tmp_path / f"repo{number}"
        shutil.copytree(VERDICTS / "readme_tpu_recipe", repo)
        readme = repo / "README.md"
        text = readme.read_text()
        if not new:
            text = text.replace("--use_tpu=True \\\n", "--use_tpu=True\n")
        readme.write_text(text.replace(old, new))
        verdict = report(repo)["inference"]
        # The condition `FLAGS.use_tpu and FLAGS.tpu_name` does not hold: the TPU code stays conditional, no part
        # is disfavoured. (Without --tpu_name, the README's own --use_tpu=True still counts for Google, and against
        # nothing, as any documentation's vendor tell does.)
        assert consistent(verdict) == EVERY_PART, old
        assert vendors(verdict) == ({} if number == 0 else {"Google": "likely"}), old


def test_two_blocks_for_two_backends_are_two_documented_recipes_in_the_union():
    data = report(VERDICTS / "readme_two_backends")
    verdict = data["inference"]
    assert sorted(r["name"] for r in verdict["recipes"]) == ["README.md:12", "README.md:5"]
    # The NVIDIA block passes --bf16 on 8 devices per node; the Ascend block replaces the nccl default with hccl.
    assert consistent(verdict) == NVIDIA_DATACENTER_BF16 | HCCL
    assert not [c for c in verdict["candidates"] if c["status"] == "excluded"]
    assert vendors(verdict) == {"NVIDIA": "likely"}
    assert verdict["primary"]["name"] == "README.md:5"
    roles = {f["path"]: f["properties"]["role"] for f in data["findings"]}
    assert roles == {"README.md": "support", "train.py": "training"}


def test_without_docs_the_two_backends_are_the_scripts_defaults():
    verdict = report(VERDICTS / "readme_two_backends", "--no-docs")["inference"]
    assert [p["name"] for p in verdict["paths"]["training_paths"]] == ["train.py"]
    assert vendors(verdict) == {"NVIDIA": "likely"}
    assert consistent(verdict) == {e.id for e in CATALOG if e.vendor == "NVIDIA"}


def test_blocks_that_run_no_script_of_the_repository_change_nothing():
    with_docs = report(VERDICTS / "readme_not_recipes")
    without = report(VERDICTS / "readme_not_recipes", "--no-docs")
    assert statuses(with_docs["inference"]) == statuses(without["inference"])
    assert vendors(with_docs["inference"]) == vendors(without["inference"]) == {"NVIDIA": "likely"}
    assert [p["name"] for p in with_docs["inference"]["paths"]["training_paths"]] == ["train.py"]
    # They are read and reported, each saying where it comes from; they constrain nothing.
    assert documented(with_docs) == [
        ("README.md", 6, "WAC804", "enabled", 5, "support"),  # the flash-attn the install block pip-installs
        ("README.md", 8, "WAC801", "enabled", 5, "support"),
        ("README.md", 15, "WAC101", "enabled", 13, "support"),
        ("README.md", 15, "WAC401", "enabled", 13, "support"),
        ("README.md", 15, "WAC404", "enabled", 13, "support"),
        ("README.md", 21, "WAC101", "enabled", 20, "support"),
        ("README.md", 27, "WAC301", "enabled", 26, "support"),
        ("README.md", 28, "WAC302", "enabled", 26, "support"),
    ]


def test_a_tools_documented_command_is_no_training_recipe(tmp_path):
    repo = tmp_path / "repo"
    shutil.copytree(VERDICTS / "readme_not_recipes", repo)
    (repo / "tools" / "convert_checkpoint.py").rename(repo / "convert_checkpoint.py")
    readme = repo / "README.md"
    readme.write_text(readme.read_text().replace("tools/convert_checkpoint.py", "convert_checkpoint.py"))
    verdict = report(repo)["inference"]
    assert statuses(verdict) == statuses(report(repo, "--no-docs")["inference"])
    assert [p["name"] for p in verdict["paths"]["training_paths"]] == ["train.py"]


def test_the_text_report_names_the_documented_recipe():
    result = run_cli_in(VERDICTS / "readme_tpu_recipe", ".")
    assert result.exit_code == 0
    assert "  README.md:17:3: WAC208 [enabled] XLA platform (tpu) is in force here. --use_tpu True passed to python, " \
           "in a code block of README.md." in result.output
    assert "    README.md:13: vendor Google; 4 consistent (" in result.output


def test_a_readme_in_an_examples_folder_documents_a_recipe_of_the_root_script(tmp_path):
    data = report(readme_under_examples(tmp_path))
    verdict = data["inference"]
    assert vendors(verdict) == {"Google": "likely"} and consistent(verdict) == GOOGLE_TPU
    assert verdict["primary"]["name"] == "examples/glue/README.md:13"
    assert {f["properties"]["role"] for f in data["findings"] if f["path"].endswith("README.md")} == {"example"}


def test_a_documented_recipes_own_settings_break_no_vendor_tie_and_set_no_floor(tmp_path):
    repo = tmp_path / "repo"
    repo.mkdir()
    shutil.copy(VERDICTS / "readme_not_recipes" / "train.py", repo / "train.py")
    (repo / "README.md").write_text("# Run\n\n```bash\nexport HIP_VISIBLE_DEVICES=0,1\nexport TORCH_CUDA_ARCH_LIST=9.0\n"
                                     "torchrun --nproc_per_node=2 train.py\n```\n")
    with_docs, without = report(repo)["inference"], report(repo, "--no-docs")["inference"]
    assert [p["name"] for p in with_docs["paths"]["training_paths"]] == ["README.md:3"]
    # HIP variables in a README count for AMD and against nothing: NVIDIA stays the tie-break's pick; the README's
    # build targets set no Hopper floor.
    assert vendors(with_docs) == vendors(without) == {"NVIDIA": "likely"}
    assert with_docs["architecture_floor"] == without["architecture_floor"] == {}
    assert statuses(with_docs) == statuses(without)


def _precision_switch(tmp_path: Path, option: str, passed: str) -> Path:
    """`if args.<option>: <that precision> else: <the other>`, documented as `python train.py <passed>`."""
    tmp_path.mkdir(parents=True, exist_ok=True)
    first, second = ("torch.float16", "torch.bfloat16") if option == "fp16" else ("torch.bfloat16", "torch.float16")
    (tmp_path / "train.py").write_text(
        "import argparse\nimport torch\n\nparser = argparse.ArgumentParser()\n"
        f"parser.add_argument(\"--{option}\", action=\"store_true\")\nargs = parser.parse_args()\n\n"
        f"if args.{option}:\n    dtype = {first}\nelse:\n    dtype = {second}\n"
        "model = torch.nn.Linear(4, 4).to(\"cuda\", dtype=dtype)\n")
    (tmp_path / "README.md").write_text(f"# Demo\n\nTrain with:\n\n```bash\npython train.py {passed}\n```\n")
    return tmp_path


def test_a_recipe_turning_a_switch_on_does_not_put_its_else_branch_in_force(tmp_path):
    # `--fp16` makes `if args.fp16:` hold: the bf16 of the `else` branch is what the recipe does NOT run.
    verdict = report(_precision_switch(tmp_path / "fp16", "fp16", "--fp16"))["inference"]
    assert "NVIDIA" not in verdict["architecture_floor"]
    assert statuses(verdict)["nvidia-v100"] == "consistent"
    # The same recipe turning on the bf16 branch sets the bf16 floor.
    verdict = report(_precision_switch(tmp_path / "bf16", "bf16", "--bf16"))["inference"]
    assert verdict["architecture_floor"]["NVIDIA"]["microarchitecture"] == "Ampere"


def test_a_readme_run_naming_its_tpu_in_a_placeholder_is_a_tpu_recipe(tmp_path):
    """An untagged block runs the training script with `--tpu <tpu-name>` (a placeholder, not redirections); the
    script's TPU code depends on that flag. The documented run is on a TPU; without docs the code alone decides
    nothing."""
    (tmp_path / "main.py").write_text(
        "import argparse\n\nimport tensorflow.compat.v1 as tf\nfrom tensorflow.python.tpu import tpu_estimator\n\n\n"
        "def main(args):\n    use_tpu = args.tpu is not None\n"
        "    estimator = tpu_estimator.TPUEstimator(model_fn=None, use_tpu=use_tpu)\n    estimator.train(None)\n\n\n"
        "if __name__ == \"__main__\":\n    parser = argparse.ArgumentParser()\n"
        "    parser.add_argument(\"--tpu\", type=str)\n    parser.add_argument(\"--model\", type=str)\n"
        "    main(parser.parse_args())\n")
    (tmp_path / "README.md").write_text(
        "# Training (fixture written for wac-lint)\n\n```\npython3 main.py --model <config_name> --tpu <tpu-name>\n```\n")
    data = report(tmp_path)
    assert vendors(data["inference"]) == {"Google": "likely"}
    assert documented(data) == [("README.md", 4, "WAC208", "enabled", 3, "support")]
    assert vendors(report(tmp_path, "--no-docs")["inference"]) == {}


def test_training_hardware_the_readme_states_names_the_vendor_of_device_agnostic_code(tmp_path):
    # Plain Trainer code names no vendor; the README's recipe holds the training set-up and its prose states the
    # hardware the run used, which the code agrees with: that vendor is likely, with the statement as its reason.
    (tmp_path / "train.py").write_text("import transformers\n\nif __name__ == '__main__':\n"
                                       "    transformers.Trainer().train()\n")
    block = "```bash\ntorchrun --nproc_per_node=4 train.py --output_dir out\n```\n"
    (tmp_path / "README.md").write_text("# Fine-tuning\n\nThe model was trained on 4 A100 80GB GPUs.\n\n" + block)
    data = report(tmp_path)["inference"]
    assert data["insufficient_evidence"] is False
    assert vendors(data) == {"NVIDIA": "likely"}
    # Without the statement nothing names a vendor: insufficient evidence, every vendor possible.
    (tmp_path / "README.md").write_text("# Fine-tuning\n\n" + block)
    data = report(tmp_path)["inference"]
    assert data["insufficient_evidence"] is True
    assert vendors(data) == {}
