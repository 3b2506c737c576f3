"""Documented recipes: commands in README code blocks (properties.doc_block) as launches of the repository's scripts.

Synthetic findings: the extractor is tested in tests/extract/test_doc_commands.py, whole scans in
tests/e2e/test_readme_recipes.py.
"""

from __future__ import annotations

from whackachip_lint.evidence import State
from whackachip_lint.infer.recipes import resolve_in_recipe, split_by_recipe
from whackachip_lint.paths.launches import find_recipes
from whackachip_lint.paths.roles import analyse

from ..infer_helpers import finding


def doc(rule: str, value, line: int, block: int, **properties):
    return finding(rule, value, path="README.md", line=line, documented=True, doc_block=block, **properties)


FILES = ["README.md", "train.py", "tools/convert.py"]


def test_each_block_running_a_script_of_the_repository_is_a_recipe_named_by_the_block():
    launches = [
        doc("WAC404", "torchrun", 6, 5, script="train.py", script_args="--bf16"),
        doc("WAC404", "torchrun", 12, 11, script="train.py", script_args="--backend hccl"),
        doc("WAC404", "torchrun", 20, 19, script="upstream/pretrain.py"),  # not in the repository
        doc("WAC208", "tpu", 25, 24, flag="--use_tpu", script="train.py", state="mentioned"),  # commented out
    ]
    recipes = find_recipes(launches, FILES)
    assert [(r.name, sorted(r.files), r.document) for r in recipes] == [
        ("README.md:11", ["train.py"], "README.md"), ("README.md:5", ["train.py"], "README.md")]
    # A block's launch commands are those of its own recipe.
    assert [[r.holds_launch(f) for f in launches] for r in recipes] == [[False, True, False, False],
                                                                        [True, False, False, False]]


def test_a_documented_finding_counts_only_in_its_own_blocks_recipe():
    bf16 = doc("WAC101", "bf16", 6, 5, flag="--bf16")
    hccl_block = doc("WAC404", "torchrun", 12, 11, script="train.py", script_args="--backend hccl")
    loose = doc("WAC301", "NCCL_IB_HCA", 30, 29)  # a block that runs nothing
    prose = finding("WAC712", "a100", path="README.md", line=2)
    code = finding("WAC201", "nccl", path="train.py", line=3, flag="--backend")
    findings = [doc("WAC404", "torchrun", 6, 5, script="train.py", script_args="--bf16"), bf16, hccl_block, loose,
                prose, code]
    recipes = find_recipes(findings, FILES)
    own, shared = split_by_recipe(findings, recipes)
    assert bf16 in own["README.md:5"] and bf16 not in own["README.md:11"]
    assert loose not in shared and all(loose not in group for group in own.values())
    assert prose in shared  # the README's prose is no recipe's: every path reads its declarations
    settled = {f.path: f for f in resolve_in_recipe(own["README.md:11"] + shared, recipes[0]) if f.rule == "WAC201"}
    assert (settled["train.py"].value, settled["train.py"].state) == ("hccl", State.ENABLED)
    assert settled["train.py"].properties["resolved_by"] == "README.md:12"


def test_a_condition_on_options_holds_when_a_documented_block_passes_them_all():
    tpu = finding("WAC208", "tpu", "conditional", path="train.py", line=9, condition="FLAGS.use_tpu and FLAGS.tpu_name")
    for args, state in (("--use_tpu=True --tpu_name=$TPU", State.ENABLED), ("--use_tpu=True", State.CONDITIONAL),
                        ("--use_tpu=False --tpu_name=x", State.CONDITIONAL), ("--use_tpu --tpu_name x", State.ENABLED)):
        run = doc("WAC208", "tpu", 6, 5, flag="--use_tpu", script="train.py", script_args=args)
        (recipe,) = find_recipes([run, tpu], FILES)
        settled = [f for f in resolve_in_recipe([run, tpu], recipe) if f.path == "train.py"]
        assert [f.state for f in settled] == [state], args


def test_a_launch_script_settles_conditions_as_a_documented_recipe_does():
    tpu = finding("WAC208", "tpu", "conditional", path="train.py", line=9, condition="FLAGS.use_tpu")
    for args, state in (("--use_tpu=True", State.ENABLED), ("--use_tpu=False", State.CONDITIONAL),
                        ("--bf16", State.CONDITIONAL)):
        launch = finding("WAC404", "torchrun", path="run.sh", script="train.py", script_args=args)
        (recipe,) = find_recipes([launch, tpu], FILES + ["run.sh"])
        assert [f.state for f in resolve_in_recipe([launch, tpu], recipe) if f.path == "train.py"] == [state], args


def test_a_launch_holds_its_own_file_or_its_own_code_block_and_nothing_else():
    findings = [doc("WAC404", "torchrun", 7, 5, script="train.py", doc_block_end=8),
                doc("WAC205", "HCCL_CONNECT_TIMEOUT", 13, 12, doc_block_end=15),
                doc("WAC404", "torchrun", 15, 12, script="train.py", doc_block_end=15),
                finding("WAC404", "torchrun", path="run.sh", line=3, script="train.py")]
    npu_block, gpu_block, script = find_recipes(findings, FILES + ["run.sh"])
    assert [(r.name, r.block_end) for r in (npu_block, gpu_block)] == [("README.md:12", 15), ("README.md:5", 8)]
    # A documented recipe: its own block's lines of its document; not the prose after it, not a later block.
    held = ["README.md:5", "README.md:8", "README.md:12", "README.md:15", "README.md:4", "README.md:9",
            "docs/README.md:6", "README.md", "run.sh:3", "train.py:7"]
    assert [w for w in held if gpu_block.holds(w)] == ["README.md:5", "README.md:8"]
    assert [w for w in held if npu_block.holds(w)] == ["README.md:12", "README.md:15"]
    # A launch file: its own lines, whatever the line.
    assert [w for w in held if script.holds(w)] == ["run.sh:3"]


def test_a_block_without_its_extent_reaches_as_far_as_its_last_finding():
    # Findings built without `doc_block_end` (an older cache, a test): the block ends at its last finding.
    findings = [doc("WAC404", "torchrun", 6, 5, script="train.py"), doc("WAC205", "HCCL_CONNECT_TIMEOUT", 9, 5)]
    (recipe,) = find_recipes(findings, FILES)
    assert recipe.block_end == 9 and recipe.holds("README.md:9") and not recipe.holds("README.md:10")


def test_the_readme_stays_documentation_and_the_launched_script_an_entry_point():
    findings = [doc("WAC404", "torchrun", 6, 5, script="train.py", script_args="--bf16"),
                finding("WAC201", "nccl", path="train.py", line=3)]
    repo = analyse(FILES, {"train.py": {"main": True}}, findings)
    assert [(e.path, e.kind, e.runs, e.document, e.category) for e in repo.entries] == [
        ("README.md:5", "launch", ["train.py"], "README.md", "training")]
    assert [(p.name, sorted(p.files)) for p in repo.training] == [("README.md:5", ["train.py"])]
    assert repo.roles["README.md"] == "support" and repo.roles["train.py"] == "training"
    assert "README.md:5" not in repo.roles  # a recipe's name is no file


def test_a_documented_command_of_a_tool_is_no_training_path():
    findings = [doc("WAC101", "bf16", 6, 5, flag="--bf16", script="tools/convert.py"),
                finding("WAC201", "nccl", path="train.py", line=3)]
    repo = analyse(FILES, {"train.py": {"main": True}, "tools/convert.py": {"main": True}}, findings)
    assert [p.name for p in repo.training] == ["train.py"]
    assert repo.roles["README.md"] == "support"
