"""The path analysis: per-file import facts (one linear pass), the import graph, entry points and file roles."""

from __future__ import annotations

import pytest

from whackachip_lint.paths.facts import console_scripts, file_facts, launched, python_facts
from whackachip_lint.paths.graph import build
from whackachip_lint.paths.roles import analyse, is_tool_path, passes_training_argument, path_role

from ..infer_helpers import finding


def imports(source: str) -> list[tuple]:
    return [(m, level, how) for m, level, _names, how, _line in python_facts(source)["imports"]]


@pytest.mark.parametrize("source, expected", [
    ("import a.b as c, d\n", [("a.b", 0, "top"), ("d", 0, "top")]),
    ("from . import x\nfrom ..pkg.mod import y\n", [("", 1, "top"), ("pkg.mod", 2, "top")]),
    ("try:\n    import fa\nexcept ImportError:\n    fa = None\n", [("fa", 0, "try")]),
    ("try:\n    import fa\nexcept (ValueError, ModuleNotFoundError):\n    pass\n", [("fa", 0, "try")]),
    ("try:\n    import fa\nfinally:\n    pass\n", [("fa", 0, "top")]),  # nothing catches a failed import
    ("try:\n    import fa\nexcept ImportError:\n    import fb\n", [("fa", 0, "try"), ("fb", 0, "cond")]),
    ("if USE:\n    import mlx\nelse:\n    import torch\n", [("mlx", 0, "cond"), ("torch", 0, "cond")]),
    ("def f():\n    import torch_npu\n", [("torch_npu", 0, "func")]),
    ("class C:\n    import inside\n", [("inside", 0, "top")]),  # a class body runs at import
    ("with ctx():\n    import inside\n", [("inside", 0, "top")]),
    ("if TYPE_CHECKING:\n    import typ\n", [("typ", 0, "typing")]),
    ("if __name__ == '__main__':\n    import runner\n", [("runner", 0, "main")]),
    ("if x: import one\n", [("one", 0, "cond")]),
    ("m = importlib.import_module('pkg.dyn')\n", [("pkg.dyn", 0, "dynamic")]),
    ('"""\nimport not_code\n"""\nimport real\n', [("real", 0, "top")]),
    ("from pkg import (a,\n    b)\nimport after\n", [("pkg", 0, "top"), ("after", 0, "top")]),
    ("if a:\n    pass\nimport back_at_top\n", [("back_at_top", 0, "top")]),
])
def test_import_scan_tells_how_each_import_runs(source, expected):
    assert imports(source) == expected


def test_parenthesised_names_are_read_over_lines():
    (item,) = python_facts("from pkg import (a,\n    b as c)\n")["imports"]
    assert item[2] == ["a", "b"]


def test_main_guard_and_pytest_skips():
    assert python_facts("def main(): pass\nif __name__ == \"__main__\":\n    main()\n")["main"] is True
    assert "main" not in python_facts("def f():\n    if __name__ == '__main__':\n        pass\n")
    assert python_facts("import pytest\nte = pytest.importorskip('te')\n")["pytest_skips"] is True
    assert "pytest_skips" not in python_facts("import pytest\n")


def test_commands_that_run_python():
    text = ("torchrun --nproc_per_node 8 pretrain_gpt.py --bf16\npython -m pkg.serve\n# python old.py\n"
            'CMD ["python", "serve.py"]\necho done.py\n')
    assert launched(text) == [["script", "pretrain_gpt.py", 1], ["module", "pkg.serve", 2],
                              ["script", "serve.py", 4]]


def test_console_scripts():
    assert console_scripts('[project.scripts]\nmylib-train = "mylib.cli:main"\n[other]\nx = "y:z"\n',
                           in_strings=False) == ["mylib.cli"]
    setup = 'setup(entry_points={"console_scripts": ["mylib-train = mylib.cli:main"]})\n'
    assert file_facts("python", "setup.py", setup)["console_scripts"] == ["mylib.cli"]
    assert "console_scripts" not in file_facts("python", "other.py", setup)


def _facts(files: dict[str, str]) -> dict[str, dict]:
    kinds = {".py": "python", ".sh": "shell"}
    return {p: file_facts(kinds.get(p[p.rfind("."):], ""), p, t) for p, t in files.items()}


def test_graph_resolves_relative_absolute_and_src_layout_imports():
    files = {
        "src/pkg/__init__.py": "from .core import run\n",
        "src/pkg/core.py": "from . import util\nfrom ..pkg import helpers\n",
        "src/pkg/util.py": "",
        "src/pkg/helpers.py": "",
        "scripts/train.py": "import pkg.core\nimport utils\n",
        "scripts/utils.py": "",
        "utils.py": "",
    }
    graph = build(files, _facts(files))
    assert sorted(graph.edges["src/pkg/__init__.py"]) == [("src/pkg/core.py", "top")]
    # The package holding the importer ran before it: no edge back to its `__init__.py`.
    assert sorted(graph.edges["src/pkg/core.py"]) == [("src/pkg/helpers.py", "top"), ("src/pkg/util.py", "top")]
    # The script's own folder first (as Python puts it first on sys.path), the package by its unique suffix.
    assert sorted(graph.edges["scripts/train.py"]) == [("scripts/utils.py", "top"), ("src/pkg/__init__.py", "top"),
                                                       ("src/pkg/core.py", "top")]


def test_graph_of_files_named_by_absolute_paths_resolves_and_ends():
    # Files given on the command line outside the scanned root keep absolute paths (a pre-commit run from
    # elsewhere): the search for the folder holding an import stops at "/" instead of looping there for ever.
    files = {"/repo/scripts/train.py": "import utils\nimport torch\n", "/repo/scripts/utils.py": ""}
    graph = build(files, _facts(files))
    assert graph.edges == {"/repo/scripts/train.py": [("/repo/scripts/utils.py", "top")]}


def test_roles_from_entry_points_and_imports():
    files = {
        "run.sh": "torchrun --nproc_per_node 8 train.py\n",
        "train.py": "import model\nif __name__ == '__main__':\n    import loop\n",
        "model.py": "try:\n    import fa3_kernels\nexcept ImportError:\n    pass\ndef f():\n    import lazy\n",
        "loop.py": "",
        "fa3_kernels.py": "",
        "lazy.py": "",
        "serve/mlx_worker.py": "import mlx.core\nif __name__ == '__main__':\n    pass\n",
        "convert.py": "if __name__ == '__main__':\n    pass\n",
        "tests/test_model.py": "import model\n",
        "helpers_test.py": "",
        "skips.py": "import pytest\npytest.importorskip('te')\n",
        "examples/demo.py": "import lazy\n",
        "Dockerfile": "FROM nvcr.io/nvidia/pytorch:24.01-py3\n",
        "configs/extra.yaml": "a: 1\n",
        "demo.ipynb": "{}",
    }
    launch = finding("WAC404", "torchrun", path="run.sh", script="train.py")
    repo = analyse(files, _facts(files), [launch])
    assert repo.roles == {
        "run.sh": "training", "train.py": "training", "model.py": "training", "loop.py": "training",
        "fa3_kernels.py": "optional", "lazy.py": "optional", "serve/mlx_worker.py": "optional",
        "convert.py": "example", "tests/test_model.py": "test", "helpers_test.py": "test", "skips.py": "test",
        "examples/demo.py": "example", "Dockerfile": "support", "configs/extra.yaml": "support",
        "demo.ipynb": "example",
    }
    assert [p.name for p in repo.training] == ["run.sh"]
    assert not repo.library


def test_library_without_entry_points_keeps_its_modules_on_the_training_path():
    files = {"lib/__init__.py": "from .a import x\n", "lib/a.py": "", "lib/b.py": "",
             "lib/opt.py": "", "lib/c.py": "def f():\n    from . import opt\n"}
    repo = analyse(files, _facts(files), [])
    assert repo.library
    assert repo.roles == {"lib/__init__.py": "training", "lib/a.py": "training", "lib/b.py": "training",
                          "lib/c.py": "training", "lib/opt.py": "optional"}


def test_entry_without_training_setup_is_not_a_training_path_when_another_has_one():
    files = {"train.py": "if __name__ == '__main__':\n    pass\n", "plot.py": "if __name__ == '__main__':\n    pass\n"}
    nccl = finding("WAC201", "nccl", path="train.py")
    repo = analyse(files, _facts(files), [nccl])
    assert [p.name for p in repo.training] == ["train.py"]
    assert repo.roles["plot.py"] == "optional"
    # With no set-up anywhere every entry point is a training path.
    repo = analyse(files, _facts(files), [])
    assert sorted(p.name for p in repo.training) == ["plot.py", "train.py"]


def test_a_training_script_its_tests_import_stays_an_entry_point():
    # A smoke test calling the trainer's main() (`from pkg.train import main`) does not make the trainer a module
    # of the test: its own main guard still starts a training path.
    files = {"pkg/train.py": "import pkg.model\nif __name__ == '__main__':\n    pass\n", "pkg/model.py": "",
             "pkg/tests/train_smoke_test.py": "from pkg.train import main\n"}
    repo = analyse(files, _facts(files), [finding("WAC201", "jax", path="pkg/model.py")])
    assert [p.name for p in repo.training] == ["pkg/train.py"]
    assert repo.roles["pkg/train.py"] == "training" and repo.roles["pkg/tests/train_smoke_test.py"] == "test"
    # Imported by the repository's own code, it is a module with a self-test, as before.
    files["pkg/tests/train_smoke_test.py"] = ""
    files["pkg/run.py"] = "import pkg.train\n"
    repo = analyse(files, _facts(files), [finding("WAC201", "jax", path="pkg/model.py")])
    assert "pkg/train.py" not in [p.name for p in repo.training]


def test_launch_in_examples_that_runs_the_training_script_is_a_training_recipe():
    files = {"examples/gpt/train.sh": "torchrun --nproc_per_node 8 pretrain_gpt.py\n",
             "pretrain_gpt.py": "if __name__ == '__main__':\n    pass\n",
             "examples/demo/run.sh": "python examples/demo/demo.py\n", "examples/demo/demo.py": ""}
    repo = analyse(files, _facts(files), [])
    assert repo.roles["examples/gpt/train.sh"] == "training"
    assert repo.roles["examples/demo/run.sh"] == "example"
    assert repo.roles["examples/demo/demo.py"] == "example"


@pytest.mark.parametrize("path, role", [
    ("tests/x.py", "test"), ("pkg/test_x.py", "test"), ("conftest.py", "test"), ("benchmarks/b.py", "example"),
    ("tools/t.py", "example"), (".github/workflows/ci.yml", "support"), ("docker/Dockerfile", "support"),
    ("requirements.txt", "support"), ("train.py", "training"),
])
def test_path_role(path, role):
    assert path_role(path) == role


def test_certain_reach_follows_cycles_and_only_certain_imports():
    files = {"a.py": "import b\nif __name__ == '__main__':\n    import m\n", "b.py": "import c\n",
             "c.py": "import b\nimport d\ndef f():\n    import lazy\n", "d.py": "", "m.py": "import d\n",
             "lazy.py": ""}
    graph = build(files, _facts(files))
    for start in files:
        assert graph.certain_reach([start]) == graph.reach(start, certain_only=True), start
    assert graph.certain_reach(["a.py"]) == {"a.py", "b.py", "c.py", "d.py", "m.py"}
    assert graph.reach("a.py", certain_only=False) == set(files)


def test_multi_line_headers_open_their_blocks():
    source = "def load(\n    path,\n):\n    import lazy\n\n\nif (a and\n        b):\n    import maybe\nimport certain\n"
    assert imports(source) == [("lazy", 0, "func"), ("maybe", 0, "cond"), ("certain", 0, "top")]


def test_launchers_running_a_module():
    assert launched("srun torchrun --nnodes 4 --nproc_per_node 8 -m pkg.train --module x\n") == [
        ["module", "pkg.train", 1]]
    assert launched("bash ./run_train.sh\nsource env.sh\n") == [["script", "./run_train.sh", 1], ["script", "env.sh", 2]]


def test_a_launch_chain_runs_what_the_called_script_runs():
    files = {"job.slurm": "srun bash run_train.sh\n", "run_train.sh": "torchrun -m pkg.train\n",
             "pkg/__init__.py": "", "pkg/train.py": "from pkg import model\n", "pkg/model.py": ""}
    facts = _facts(files)
    facts["job.slurm"] = file_facts("shell", "job.slurm", files["job.slurm"])
    launch = finding("WAC404", "srun", path="job.slurm")
    repo = analyse(files, facts, [launch])
    (entry,) = [e for e in repo.entries if e.path == "job.slurm"]
    assert entry.runs == ["run_train.sh", "pkg/train.py"]
    assert {"pkg/train.py", "pkg/model.py"} <= next(p for p in repo.training if p.name == "job.slurm").files


@pytest.mark.parametrize("path, tool", [
    ("scripts/data_prep/convert_dataset.py", True), ("scripts/checkpoint_conversion/check_numerics.py", True),
    ("app/chat_ui.py", True), ("eval/run_eval.py", True), ("inference/infer.py", True), ("serve.py", True),
    ("scripts/deploy/deploy_triton.py", True),
    ("trainer/train_agent.py", False), ("train.py", False), ("pretrain_gpt.py", False), ("mylib/model.py", False),
    ("converter_train.py", False), ("hooks/train/pretrain/prepare.py", True), ("eval/train_probe.py", False),
    ("train/helpers.py", False), ("plot.py", False),
    # A train word before a data word names the data a tool prepares, not what the script does.
    ("scripts/data_prep/convert_finetuning_dataset.py", True), ("prepare_train_data.py", True),
    ("tokenize_pretrain_corpus.py", True), ("data/train_split.py", False), ("train_on_data.py", False),
    # Merging checkpoints or adapters is a tool; a training script that merges at its end still trains.
    ("scripts/merge_lora_weights/merge.py", True), ("merge_lora_weights/conf/merge_lora_weights.yaml", True),
    ("train_and_merge.py", False), ("merged_model.py", False),
    # Precomputing latents or embeddings prepares data; applying a trained model runs it.
    ("scripts/precompute-latents.yaml", True), ("precompute_text_embeddings.py", True),
    ("projects/dense/apply_net.py", True), ("train_with_precomputed.py", False), ("applied_model.py", False),
])
def test_tool_paths_are_told_by_their_words(path, tool):
    assert is_tool_path(path) is tool


def test_a_tool_with_a_set_up_is_no_training_path_beside_a_training_script():
    files = {
        "train.py": "import model\nif __name__ == '__main__':\n    pass\n",
        "model.py": "",
        "tools_lib.py": "",
        "scripts/convert_checkpoint.py": "import tools_lib\nif __name__ == '__main__':\n    pass\n",
    }
    backend = [finding("WAC201", "nccl", path="train.py"), finding("WAC201", "nccl", path="scripts/convert_checkpoint.py")]
    repo = analyse(files, _facts(files), backend)
    assert [p.name for p in repo.training] == ["train.py"]
    assert repo.roles == {"train.py": "training", "model.py": "training", "tools_lib.py": "example",
                          "scripts/convert_checkpoint.py": "example"}
    # With no set-up anywhere the training script is still the training path, the tool is not.
    repo = analyse(files, _facts(files), [])
    assert [p.name for p in repo.training] == ["train.py"]


def test_a_tool_is_a_training_path_when_the_repository_has_nothing_else():
    files = {
        "scripts/convert_checkpoint.py": "import tools_lib\nif __name__ == '__main__':\n    pass\n",
        "tools_lib.py": "",
    }
    repo = analyse(files, _facts(files), [finding("WAC201", "nccl", path="scripts/convert_checkpoint.py")])
    assert [p.name for p in repo.training] == ["scripts/convert_checkpoint.py"]
    assert repo.roles == {"scripts/convert_checkpoint.py": "training", "tools_lib.py": "training"}


def test_the_folders_above_an_absolute_path_end_at_the_root():
    from whackachip_lint.paths.graph import _ancestors

    assert _ancestors("/tmp/repo") == ["/tmp/repo", "/tmp", "/"]  # once looped for ever on "/"
    assert _ancestors("a/b") == ["a/b", "a", ""]


def test_strongly_connected_lists_each_component_after_those_it_reaches():
    from whackachip_lint.paths.graph import strongly_connected

    edges = {"a": ["b"], "b": ["c", "a"], "c": ["d"], "d": ["c"], "e": []}
    components = [sorted(c) for c in strongly_connected(edges)]
    assert sorted(components) == [["a", "b"], ["c", "d"], ["e"]]
    assert components.index(["c", "d"]) < components.index(["a", "b"])
    assert strongly_connected({"x": ["y"]}) == [["y"], ["x"]]  # a node only named as a target is a component too


GUARD = "if __name__ == '__main__':\n    pass\n"  # a script's main guard


def test_a_script_that_tests_or_sibling_scripts_import_is_still_an_entry_point():
    # Tests import the training script to test it, and a sibling script outside any package borrows a helper from
    # it (`from train import ...`): neither makes it a library module whose main guard is a self-test.
    files = {
        "train.py": "import model\n" + GUARD,
        "model.py": "",
        "weight_diff.py": "from train import helper\n" + GUARD,
        "tests/test_train.py": "import train\n",
        "extensions/fast/pretrain.py": GUARD,
        "pkg/__init__.py": "",
        "pkg/net.py": "from pkg import layers\n",
        "pkg/layers.py": GUARD,
        "pkg/blocks.py": GUARD,
        "sample.py": "import pkg.net\nimport pkg.blocks\n" + GUARD,
    }
    setup = [finding("WAC201", "nccl", path="train.py"), finding("WAC201", "nccl", path="extensions/fast/pretrain.py")]
    repo = analyse(files, _facts(files), setup)
    assert sorted(p.name for p in repo.training) == ["extensions/fast/pretrain.py", "train.py", "weight_diff.py"]
    assert repo.roles["train.py"] == repo.roles["model.py"] == "training"
    # A package's modules with a self-test stay library modules, whoever imports them.
    kinds = {e.path: e.category for e in repo.entries}
    assert kinds["pkg/layers.py"] == kinds["pkg/blocks.py"] == "optional"


def test_a_package_command_line_that_tests_import_is_an_entry_point():
    files = {
        "lib/__init__.py": "",
        "lib/__main__.py": "from lib.pretrain import setup\nif __name__ == '__main__':\n    setup()\n",
        "lib/pretrain.py": "",
        "tests/test_cli.py": "from lib.__main__ import main\n",
        "extensions/fast/pretrain.py": GUARD,
    }
    setup = [finding("WAC201", "nccl", path="lib/pretrain.py"), finding("WAC201", "nccl", path="extensions/fast/pretrain.py")]
    repo = analyse(files, _facts(files), setup)
    assert sorted(p.name for p in repo.training) == ["extensions/fast/pretrain.py", "lib/__main__.py"]
    assert repo.roles["lib/pretrain.py"] == "training"


def test_console_scripts_as_dotted_keys():
    # TOML dotted keys under [project] declare console scripts as well as a [project.scripts] table does.
    text = '[project]\nname = "lib"\nscripts.lib = "lib.__main__:main"\ngui-scripts.libgui = "lib.gui:run"\n'
    assert console_scripts(text, in_strings=False) == ["lib.__main__", "lib.gui"]
    assert console_scripts('project.scripts.x = "a.b:c"\nurls.home = "https://x:y"\n', in_strings=False) == ["a.b"]


def test_a_module_named_by_a_console_script_and_a_main_guard_is_one_entry_point():
    # The console script's: a command the package declares, even when a script of the repository imports it (a
    # root `train.py` calling `from lib.cli import main`), which would make a mere main guard a self-test.
    files = {"lib/__init__.py": "", "lib/cli.py": GUARD, "train.py": "from lib.cli import main\n" + GUARD,
             "setup.py": 'setup(entry_points={"console_scripts": ["lib = lib.cli:main"]})\n'}
    repo = analyse(files, _facts(files), [])
    assert sorted((e.path, e.kind) for e in repo.entries) == [("lib/cli.py", "console"), ("train.py", "main")]
    assert sorted(p.name for p in repo.training) == ["lib/cli.py", "train.py"]


@pytest.mark.parametrize("arguments, trains", [
    ("--train --base x.yaml", True), ("train pretrain --config x", True), ("--do_train --x 1", True),
    ("--mode=train", True), ("--stage sft", True), ("--split train", False), ("--data_split=train", False),
    ("--train_file a.json", False), ("--base configs/train.yaml", False), ("--eval | tee train.log", False),
    ("--eval && python x.py train", False), ("--mode eval", False),
])
def test_arguments_that_tell_a_script_to_train(arguments, trains):
    assert passes_training_argument(arguments) is trains


def test_commands_that_run_python_note_a_training_argument():
    text = "python main.py --train --base c.yaml\npython main.py --split train\npython -m pkg.cli pretrain\n"
    assert launched(text) == [["script", "main.py", 1, "train"], ["script", "main.py", 2],
                              ["module", "pkg.cli", 3, "train"]]


def test_a_native_source_takes_the_role_of_its_package():
    # A plug-in's kernels are as optional as the plug-in's Python that builds and loads them; kernels of a package
    # on the training path, or in a folder without Python (csrc/ at the root), count with the code.
    files = {
        "train.py": "import lib.core\n" + GUARD,
        "lib/__init__.py": "", "lib/core.py": "", "lib/csrc/fused.cu": "",
        "lib/integrations/marlin/__init__.py": "", "lib/integrations/marlin/backend.py": "",
        "lib/integrations/marlin/_csrc/quant/marlin.cuh": "",
        "csrc/attention.cu": "",
        "examples/ext/op.py": "", "examples/ext/op.cu": "",
    }
    repo = analyse(files, _facts(files), [finding("WAC201", "nccl", path="train.py")])
    assert repo.roles["lib/integrations/marlin/backend.py"] == "optional"
    assert repo.roles["lib/integrations/marlin/_csrc/quant/marlin.cuh"] == "optional"
    assert repo.roles["lib/csrc/fused.cu"] == repo.roles["csrc/attention.cu"] == "training"
    assert repo.roles["examples/ext/op.cu"] == "example"
