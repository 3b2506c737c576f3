"""Entry points, training paths and the role of every file (see docs/inference.md, "Paths and roles").

Entry points: launch commands (shell, SLURM, Makefiles, YAML manifests, Dockerfiles) and the scripts they run,
modules with a `__main__` guard, console scripts, notebooks. A training path is an entry point that is not a
test, example or plug-in, that no other module imports, and whose code holds a training set-up (a collective
backend, network settings, a launcher, topology, sharding); when no entry point holds one, every such entry
point is a training path. Each file then gets one role:

- `vendored`: in a vendored tree (vendored.py);
- `test`: under a tests folder, named like a test (`test_*.py`, `*_test.py`, `conftest.py`), or skipping
  itself under pytest;
- `training`: run for certain by a training path (the entry, its launch and configs, unconditional imports);
- `example`: under examples/, benchmarks/, tools/, demos..., or reached only from such entry points, or only
  from tools: scripts whose path says they convert, prepare data, serve, evaluate or infer (TOOL_WORDS), which
  are training paths only when nothing else in the repository is;
- `optional`: reached only through imports under a condition, in a function or in `try/except ImportError`,
  only from entry points without a training set-up, or a plug-in/worker/backend module nothing imports for
  certain;
- `support`: containers, CI, docs, packaging and requirement pins, configs no launch names;
- `unreached`: Python code no entry point reaches, scripts no launch runs or sources (only when the repository
  has training paths: a library without any has every module and script of its own on the training path, except
  the optional ones).
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass, field
from fnmatch import translate
from functools import lru_cache
from typing import Any, Iterable

from ..evidence import Finding
from .graph import ImportGraph, build
from .launches import (KnownFiles, _resolve, doc_block, documented_recipe_name, documented_target, find_recipes,
                       known_files, recipe_home)
from ..rules import tagged
from ..rules.codes import Code

TRAINING, OPTIONAL, TEST, EXAMPLE, VENDORED, UNREACHED, SUPPORT = (
    "training", "optional", "test", "example", "vendored", "unreached", "support")
ROLES = (TRAINING, OPTIONAL, TEST, EXAMPLE, VENDORED, UNREACHED, SUPPORT)

# Folder names (compared lower-case) whose files are tests, and examples/benchmarks/tools.
TEST_DIRS = frozenset({"tests", "test", "testing", "unittests", "unit_tests", "integration_tests", "unittest"})
TEST_DIR_ENDINGS, TEST_DIR_STARTS = ("_tests", "_test"), ("test_", "tests_")  # gpu_tests/, tests_gpu/
TEST_NAMES = ("test_*.py", "*_test.py", "conftest.py", "tests.py", "*_tests.py")
EXAMPLE_DIRS = frozenset({"examples", "example", "demo", "demos", "benchmarks", "benchmark", "tools", "tutorials",
                          "tutorial", "notebooks", "samples", "sample", "playground", "cookbook", "recipes_examples"})
# Module names (file stem or a folder) that mark a plug-in, worker or backend: optional unless imported for certain.
PLUGIN_WORDS = re.compile(r"(?:^|[_\-/])(?:workers?|backends?|plugins?|adapters?|integrations?|contrib)(?:[_\-/.]|$)")
# Words (path parts split at / _ - .) that say an entry point does something other than train: converts, merges or
# consolidates checkpoints (`merge_lora_weights.py` folds adapters into a model), prepares data, serves or chats,
# evaluates, runs inference. Such a script runs on whatever the authors had at hand, so it is a training path only
# when the repository has no other one. The file name is read before its folders; a word of TRAIN_WORDS there keeps
# it a training script (`trainer/train_agent.py`).
TOOL_WORDS = frozenset({
    "convert", "converter", "conversion", "consolidate", "merge", "export", "quantize", "dequantize",
    "preprocess", "preprocessing", "prepare", "prep", "precompute", "download", "tokenize", "apply",
    "serve", "server", "serving", "deploy", "deployment", "gui", "ui", "webui", "chat", "interactive", "agent",
    "demo", "app",
    "eval", "evals", "evaluate", "evaluation", "validate",
    "infer", "inference", "generate", "generation", "predict", "sample", "sampling",
})
TRAIN_WORDS = frozenset({"train", "trainer", "training", "pretrain", "pretraining", "finetune", "finetuning", "sft"})
# Words for data that a train word before them only qualifies: `convert_finetuning_dataset.py` and
# `prepare_train_data.py` prepare data for training, they do not train.
DATA_WORDS = frozenset({"data", "dataset", "datasets", "set", "sets", "split", "splits", "corpus", "shards"})
# A name that says "X to Y" converts: `wikitext_to_bin.py`, `ckpt_to_hf.py`, and `X2Y` when X or Y is a stage or a
# checkpoint or data format (`hf2mcore.py`, `train2infer.py`: a training word there names what is converted). Other
# digits between letters are model and task names (`qwen2vl`, `seq2seq`, `wav2vec`, `t2i`), not conversions; "to"
# before a training word is no conversion either (`ready_to_train.py`).
CONVERSION_ENDS = TRAIN_WORDS | frozenset({
    "infer", "inference", "hf", "huggingface", "ckpt", "checkpoint", "bin", "safetensors", "json", "jsonl", "onnx",
    "gguf", "pt", "pth", "torch", "megatron", "mcore", "dcp", "fsdp", "ds", "deepspeed", "ms", "mindspore",
    "mindrecord", "tfrecord", "parquet"})
_X2Y = re.compile(r"([a-z]+)2([a-z]+)")
_CONVERSION = "convert"  # the tool word a conversion stands for
_WORD_SPLIT = re.compile(r"[/_\-.]+")
# CUDA/HIP sources compiled into the package (extract/cuda.py reads .cu/.cuh/.hip).
NATIVE_SUFFIXES = (".cu", ".cuh", ".hip")
# Files that build, package, document or containerise the code (their findings are reported as support), by file
# name or by a folder anywhere in the path. Of these, containers, CI, docs and requirement pins may target more (or
# other) hardware than the training run, so the engine weighs their hard facts lower; build and packaging files and
# logs keep their weight: the targets they compile for and the run a log records bind the run (CMakeLists.txt, a
# `*.txt`, is weighed lower all the same).
CONTAINER_CI_DOC_NAMES = ("Dockerfile*", "*.dockerfile", "*.Dockerfile", "Containerfile*", ".gitlab-ci.yml",
                          "Jenkinsfile*", "*requirements*.txt", "*requirements*.in", "*.md", "*.rst", "*.txt")
BUILD_AND_LOG_NAMES = ("setup.py", "setup.cfg", "pyproject.toml", "CMakeLists.txt", "*.cmake", "environment*.yml",
                       "environment*.yaml", "*.log", "Makefile", "*.mk")
SUPPORT_NAMES = CONTAINER_CI_DOC_NAMES + BUILD_AND_LOG_NAMES
CI_DIRS = frozenset({".github", ".gitlab", ".circleci", "ci", ".ci", ".buildkite"})
SUPPORT_DIRS = CI_DIRS | {"docker", "docs", "doc"}
CONFIG_SUFFIXES = (".json", ".yaml", ".yml", ".toml", ".cfg", ".ini")
# Findings that show a training set-up (collective backend, network, launcher, topology, configs, sharding).
SETUP_RULES = tagged("training-setup")
LAUNCH_RULE, CONFIG_RULE = Code.LAUNCHER, Code.LAUNCH_CONFIG


@dataclass
class EntryPoint:
    path: str  # the file run (a launch file, a script, a notebook)
    kind: str  # launch | main | console | notebook
    runs: list[str] = field(default_factory=list)  # for launches: the Python files they run
    category: str = TRAINING  # training | test | example | optional (plug-in) | support | vendored
    # A documented launch (a README code block): `path` names the recipe ("README.md:12"), `document` the file.
    document: str = ""
    trains: bool = False  # a launch passes a script an argument that says "train" (`main.py --train`)

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"path": self.path, "kind": self.kind, "category": self.category}
        if self.runs:
            data["runs"] = self.runs
        if self.document:
            data["document"] = self.document
        if self.trains:
            data["trains"] = True
        return data


@dataclass
class TrainingPath:
    name: str  # the entry point's path
    kind: str
    files: set[str]  # run for certain: the entry, its launch and configs, its unconditional imports
    setup: int = 0  # how much training set-up the path holds (its strongest wins `primary`)
    tool: bool = False  # converts, prepares data, serves, evaluates or infers rather than trains (TOOL_WORDS)
    rank: int = 1  # how surely it is the training run (primary_rank)

    def to_dict(self, limit: int = 20) -> dict[str, Any]:
        files = sorted(self.files)
        return {"name": self.name, "kind": self.kind, "file_count": len(files), "files": files[:limit],
                "setup": self.setup}


@dataclass
class RepoPaths:
    roles: dict[str, str]
    why: dict[str, str]
    entries: list[EntryPoint]
    training: list[TrainingPath]
    library: bool  # no training entry point: the package's own modules form the training path

    def role_of(self, path: str) -> str:
        return self.roles.get(path) or path_role(path)

    def summary(self) -> dict[str, Any]:
        counts: dict[str, int] = {}
        for role in self.roles.values():
            counts[role] = counts.get(role, 0) + 1
        return {
            "library": self.library,
            "entry_points": len(self.entries),
            "training_paths": [p.to_dict() for p in self.training[:10]],
            "training_path_count": len(self.training),
            "files_by_role": dict(sorted(counts.items())),
        }


def _any_of(patterns: Iterable[str]) -> re.Pattern[str]:
    """One pattern that matches a name when `fnmatchcase(name, p)` holds for any of `patterns` (one match per file
    instead of one per pattern: every file's role is asked for)."""
    return re.compile("|".join(f"(?:{translate(p)})" for p in patterns))


_TEST_NAME = _any_of(TEST_NAMES)
_SUPPORT_NAME = _any_of(SUPPORT_NAMES)
_CONTAINER_CI_DOC_NAME = _any_of(CONTAINER_CI_DOC_NAMES)


def _parts(path: str) -> list[str]:
    return [p.lower() for p in path.split("/")[:-1]]


def is_test_path(path: str) -> bool:
    name = path.rsplit("/", 1)[-1]
    return any(p in TEST_DIRS or p.endswith(TEST_DIR_ENDINGS) or p.startswith(TEST_DIR_STARTS) for p in _parts(path)) \
        or _TEST_NAME.match(name) is not None


def is_example_path(path: str) -> bool:
    return any(p in EXAMPLE_DIRS for p in _parts(path))


def is_support_path(path: str) -> bool:
    return _in_support_dir_or_named(path, _SUPPORT_NAME)


@lru_cache(maxsize=4096)  # asked for every finding, on every training path
def is_container_ci_or_doc_path(path: str) -> bool:
    """A support file that may target more (or other) hardware than the training run (see SUPPORT_NAMES)."""
    return _in_support_dir_or_named(path, _CONTAINER_CI_DOC_NAME)


def is_ci_path(path: str) -> bool:
    """A CI set-up (a workflow, a pipeline file): what else a project tests on, not what its runs use."""
    name = path.rsplit("/", 1)[-1]
    return any(p in CI_DIRS for p in _parts(path)) or name == ".gitlab-ci.yml" or name.startswith("Jenkinsfile")


def _in_support_dir_or_named(path: str, names: re.Pattern[str]) -> bool:
    """Whether a folder of `path` is one of SUPPORT_DIRS or its file name matches `names`."""
    return any(p in SUPPORT_DIRS for p in _parts(path)) or names.match(path.rsplit("/", 1)[-1]) is not None


def is_tool_path(path: str) -> bool:
    """A script whose path says it converts, prepares data, serves, evaluates or infers, and not that it trains.

    The file's own name decides first (`train/prepare.py` prepares, `eval/train_probe.py` trains); its folders
    only when the name says neither (`data_prep/convert.py`, `checkpoint_conversion/check.py`)."""
    folders, _, name = path.lower().rpartition("/")
    for words in (_words(name.rsplit(".", 1)[0]), _words(folders)):
        if words & TRAIN_WORDS:
            return False
        if words & TOOL_WORDS:
            return True
    return False


def _words(text: str) -> set[str]:
    """The words of a path part, a train word that only qualifies the data after it (DATA_WORDS) left out, and a
    conversion ("X_to_Y", CONVERSION_ENDS) read as the one tool word `convert`, its ends with it."""
    words = _conversions(_WORD_SPLIT.split(text))
    return {w for w, after in zip(words, words[1:] + [""]) if not (w in TRAIN_WORDS and after in DATA_WORDS)}


def _conversions(words: list[str]) -> list[str]:
    out: list[str] = []
    for i, word in enumerate(words):
        x2y = _X2Y.fullmatch(word)
        if x2y and (x2y[1] in CONVERSION_ENDS or x2y[2] in CONVERSION_ENDS):
            out.append(_CONVERSION)
        elif word == "to" and out and i + 1 < len(words) and words[i + 1] and words[i + 1] not in TRAIN_WORDS:
            out[-1] = _CONVERSION  # "X_to_Y": X and Y are what is converted, not what the script does
            words[i + 1] = ""
        elif word:
            out.append(word)
    return out


# Ranking the training paths for the primary target only (primary_rank): the roles and the consistent sets never
# read these. Words (of a script's name or folders) for side activities that may hold a set-up without being the
# training run: what TOOL_WORDS says, plus benchmarks, estimates and profiles, tokenizer training and kernel
# self-tests (a `__main__` guard in ops/kernels code).
ASIDE_WORDS = TOOL_WORDS | frozenset({
    "benchmark", "benchmarks", "bench", "estimate", "estimator", "perf", "profile", "profiler", "profiling",
    "tokenizer", "tokenizers", "vocab", "bpe", "sentencepiece", "selftest", "sanity",
    "ops", "kernel", "kernels", "csrc", "triton"})
# A name that says "X to image/video/audio/text" generates (`txt2img.py`, `img2img.py`): sampling, not training.
_GENERATES = re.compile(r"[a-z]+2(?:img|image|images|video|audio|speech|txt|text)")
# Folders of code added to the repository's own (extensions, contributions, plug-ins): below its own training.
EXTENSION_DIRS = frozenset({"extensions", "extension", "ext", "contrib", "contribs", "plugins", "plugin", "addons",
                            "integrations", "third_party", "thirdparty"})


def primary_rank(scripts: Iterable[str], trains: bool = False) -> int:
    """How surely a path whose entry runs `scripts` is the training run: 3 a training script of the repository's
    own (`train*.py`, `pretrain*`, `finetune*`), 2 one under an extension folder, 1 a script that says neither
    (`run.py`), 0 a side activity (sampling, evaluation, a benchmark, an estimate, tokenizer training, a kernel's
    self-test). The best script the path runs counts; a path of rank 0 is never named the primary target. A
    script that says neither ranks as a training script when its launch `trains` (passes `--train`, `train`...)."""
    rank = max((_script_rank(s) for s in scripts), default=1)
    return 3 if trains and rank == 1 else rank


def _script_rank(path: str) -> int:
    folders, _, name = path.lower().rpartition("/")
    stem, folder_words = _words(name.rsplit(".", 1)[0]), _words(folders)
    extension = bool(EXTENSION_DIRS & set(folders.split("/")))
    generates = any(_GENERATES.fullmatch(w) for w in stem)
    if stem & ASIDE_WORDS and not stem & TRAIN_WORDS or stem & (ASIDE_WORDS - TOOL_WORDS) or generates:
        return 0  # the name says it: `sample.py`, `train_tokenizer.py`, `llama_perf_estimate.py`
    if stem & TRAIN_WORDS or folder_words & TRAIN_WORDS and not folder_words & ASIDE_WORDS:
        return 2 if extension else 3  # `train.py`, or a neutral name in a training folder (`trainer/main_ppo.py`)
    return 0 if folder_words & ASIDE_WORDS or extension else 1


# Where a command's own arguments end: another command or a redirection follows.
_COMMAND_END = re.compile(r"\|\||&&|[|;&<>]")


def passes_training_argument(arguments: str) -> bool:
    """Whether a command's arguments tell the script it runs to train: a training word as a subcommand or a flag
    (`main.py train`, `cli.py pretrain`, `--train`, `--do_train`) or as an option's value (`--mode=train`,
    `--stage sft`), but not a data split (`--split train`). For a script whose name says neither, such as
    `main.py`, that is what the run does (primary_rank)."""
    option = ""
    for token in _COMMAND_END.split(arguments, 1)[0].split():
        token = token.strip("'\"").lower()
        name, _, value = token.partition("=")
        if name.startswith("-"):
            option = name.lstrip("-")
            words = {option.replace("-", "_")} | ({value} if value else set())
        else:
            words = {token}
        if not _words(option) & DATA_WORDS and words & (TRAIN_WORDS | {"do_train"}):
            return True
        if not name.startswith("-") or value:
            option = ""
    return False


def is_plugin_path(path: str) -> bool:
    return PLUGIN_WORDS.search(path.lower().rsplit(".", 1)[0]) is not None


def path_role(path: str) -> str:
    """The role a file's path alone gives it (for results without path facts): test, example, support or training."""
    if is_test_path(path):
        return TEST
    if is_example_path(path):
        return EXAMPLE
    if is_support_path(path):
        return SUPPORT
    return TRAINING


def analyse(files: Iterable[str], facts: dict[str, dict[str, Any]], findings: list[Finding]) -> RepoPaths:
    files = sorted(set(files) | {f.path for f in findings})
    graph = build(files, facts)
    vendored = {f.path for f in findings if (f.properties or {}).get("vendored")}
    roles: dict[str, str] = {}
    why: dict[str, str] = {}

    def fix(path: str, role: str, reason: str) -> None:
        if path not in roles:
            roles[path], why[path] = role, reason

    for path in files:
        if path in vendored:
            fix(path, VENDORED, "vendored tree")
        elif is_test_path(path) or facts.get(path, {}).get("pytest_skips"):
            fix(path, TEST, "test file")

    entries = _entry_points(files, facts, findings, graph)
    scripts = frozenset(p for p in files if facts.get(p, {}).get("main"))
    for entry in entries:
        entry.category = _category(entry, roles, graph, scripts)
        if entry.document:
            # A README stays documentation: its commands document a recipe of the scripts they run.
            fix(entry.document, path_role(entry.document), "documentation (its code blocks document launches)")
    setup_at = {recipe_home(f) for f in findings if f.in_force and f.rule in SETUP_RULES}
    recipe_files = _launch_files(findings, files)
    candidates = [e for e in entries if e.category == TRAINING]
    paths = [_path(e, graph, recipe_files) for e in candidates]
    for p in paths:
        # A documented recipe's own block counts too; its name ("README.md:12") is none of its files.
        p.setup = len(setup_at & p.files) + (p.name in setup_at and p.name not in p.files)
    # Training scripts with a set-up first; tools (conversion, data preparation, serving, evaluation) only when
    # nothing else in the repository holds a set-up, or when the repository has nothing else.
    trainers = [p for p in paths if not p.tool]
    training = ([p for p in trainers if p.setup] or [p for p in paths if p.setup] or trainers or paths)
    tools = [p for p in paths if p.tool and p not in training]
    others = [p for p in paths if p not in training and p not in tools]

    for p in training:
        for path in sorted(p.files):
            fix(path, TRAINING, f"on the training path of {p.name}")
    certain = set().union(*(p.files for p in training))
    for path in sorted(graph.reach_many(_starts(training, candidates), certain_only=False) - certain):
        fix(path, OPTIONAL, "imported only under a condition, in a function or in try/except ImportError")
    for path in sorted(graph.reach_many(_starts(tools, candidates), certain_only=False) | _launch_files_of(tools, files)):
        fix(path, EXAMPLE, "only on paths of tools (conversion, data preparation, serving, evaluation, inference)")
    for path in sorted(graph.reach_many(_starts(others, candidates), certain_only=False)
                       | _launch_files_of(others, files)):
        fix(path, OPTIONAL, "only on paths that hold no training set-up")
    for category in (TEST, EXAMPLE, OPTIONAL, SUPPORT):
        group = [e for e in entries if e.category == category]
        role = OPTIONAL if category == SUPPORT else category
        for path in sorted(graph.reach_many([s for e in group for s in [e.path] + e.runs], certain_only=False)):
            fix(path, role, f"reached from an entry point of kind {category}")

    library = not training
    natives: list[str] = []
    for path in files:
        if path in roles:
            continue
        if is_example_path(path):
            fix(path, EXAMPLE, "example, benchmark or tool")
        elif is_support_path(path):
            fix(path, SUPPORT, "container, CI, docs or packaging")
        elif path.endswith(CONFIG_SUFFIXES):
            fix(path, SUPPORT, "config no launch names")
        elif path.endswith((".py", ".pyi")):
            importers = graph.importers.get(path, [])
            if importers and all(how not in ("top", "main") for _, how in importers):
                fix(path, OPTIONAL, "imported only under a condition, in a function or in try/except ImportError")
            elif is_plugin_path(path) and not any(how == "top" for _, how in importers):
                fix(path, OPTIONAL, "plug-in, worker or backend module nothing imports for certain")
            elif library:
                fix(path, TRAINING, "module of a library without entry points")
            else:
                fix(path, UNREACHED, "no entry point reaches it")
        elif path.endswith(NATIVE_SUFFIXES):
            natives.append(path)  # after the Python: a kernel takes its package's role
        elif path.endswith(".ipynb"):
            fix(path, EXAMPLE, "notebook")
        elif library:
            fix(path, TRAINING, "set-up file")
        else:
            fix(path, UNREACHED, "no launch runs or sources it")
    modules_in: dict[str, list[str]] = {}
    for module in sorted(graph.python_files) if natives else ():
        modules_in.setdefault(posixpath.dirname(module), []).append(module)
    for path in natives:
        role = _package_role(path, roles, modules_in)
        if role in (OPTIONAL, EXAMPLE, TEST):
            fix(path, role, f"native source of a package whose Python is {role}")
        else:
            # A kernel in the repository's own tree is built into its package by setup.py or CMake: the import
            # graph cannot see a compiled extension, so its facts count with the code's.
            fix(path, TRAINING, "native source built into the package")
    return RepoPaths(roles, why, entries, training, library)


def _package_role(path: str, roles: dict[str, str], modules_in: dict[str, list[str]]) -> str | None:
    """The role of the Python that a native source (`.cu`) lies beside or below: that of the nearest folder below the
    root holding Python files (its `__init__.py`, else its first module), `training` when any module there is on a
    training path; None when no folder below the root holds Python. A plug-in's kernels (`integrations/x/csrc/`,
    loaded by its own optional Python) are as optional as the plug-in. `modules_in`: the Python files by folder."""
    folder = posixpath.dirname(path)
    while folder:
        modules = modules_in.get(folder)
        if modules:
            if any(roles.get(m) == TRAINING for m in modules):
                return TRAINING
            init = posixpath.join(folder, "__init__.py")
            return roles.get(init if init in modules else modules[0])
        folder = posixpath.dirname(folder)
    return None


def _entry_points(files: list[str], facts: dict[str, dict[str, Any]], findings: list[Finding],
                  graph: ImportGraph) -> list[EntryPoint]:
    known = known_files(frozenset(files))
    launches: dict[str, EntryPoint] = {}
    for path in files:
        for kind, target, _line, *trains in facts.get(path, {}).get("runs", ()):
            found = (_resolve_script(target, path, known) if kind == "script"
                     else (graph.resolve_absolute(target) or [None])[-1])
            if found:
                entry = launches.setdefault(path, EntryPoint(path, "launch"))
                if found not in entry.runs:
                    entry.runs.append(found)
                entry.trains = entry.trains or bool(trains)
    for f in findings:
        if f.rule != LAUNCH_RULE or not f.in_force or doc_block(f):
            continue
        props = f.properties or {}
        script = props.get("script_resolved") if props.get("script_resolved") in known else props.get("script")
        found = _resolve_script(script, f.path, known) if isinstance(script, str) else None
        entry = launches.setdefault(f.path, EntryPoint(f.path, "launch"))
        if found and found not in entry.runs:
            entry.runs.append(found)
        entry.trains = entry.trains or bool(found) and _trains(props)
    _documented_launches(launches, findings, known)
    _follow_launch_chains(launches)
    launching = {f.path for f in findings if f.rule == LAUNCH_RULE and f.in_force and not doc_block(f)}
    # A file that only sources or calls other shell files is no entry point of its own (its callers' path holds it).
    entries = [e for e in launches.values() if e.path in launching or any(r.endswith(".py") for r in e.runs)]
    launched = {r for e in entries for r in e.runs}
    # A module is one entry point, whether its main guard or a console script (or both) name it: a console script's,
    # a command the package declares, never a library module with a self-test.
    consoles = {found[-1] for fact in facts.values() for module in fact.get("console_scripts", ())
                for found in [graph.resolve_absolute(module)] if found} - launched
    named: set[str] = set()
    for path in files:
        fact = facts.get(path, {})
        if fact.get("main") and path not in launched and path not in consoles:
            entries.append(EntryPoint(path, "main"))
        for module in fact.get("console_scripts", ()):
            found = graph.resolve_absolute(module)
            if found and found[-1] in consoles and found[-1] not in named:
                entries.append(EntryPoint(found[-1], "console"))
                named.add(found[-1])
        if path.endswith(".ipynb"):
            entries.append(EntryPoint(path, "notebook"))
    return entries


def _documented_launches(launches: dict[str, EntryPoint], findings: list[Finding], known: KnownFiles) -> None:
    """Each README code block that runs a Python script of the repository is an entry point of its own, named by
    its recipe ("README.md:12"): several blocks (one per GPU type or backend) are several documented recipes."""
    for f in findings:
        found = documented_target(f, known)
        if found is not None:
            name = documented_recipe_name(f)
            entry = launches.setdefault(name, EntryPoint(name, "launch", document=f.path))
            if found not in entry.runs:
                entry.runs.append(found)
            entry.trains = entry.trains or _trains(f.properties or {})


def _trains(properties: dict[str, Any]) -> bool:
    arguments = properties.get("script_args")
    return isinstance(arguments, str) and passes_training_argument(arguments)


def _follow_launch_chains(launches: dict[str, EntryPoint]) -> None:
    """A launch that runs another launch file (`srun ./run_train.sh`) runs what that one runs."""
    for entry in launches.values():
        todo = [r for r in entry.runs if r in launches]
        seen = {entry.path}
        while todo:
            other = todo.pop()
            if other in seen:
                continue
            seen.add(other)
            entry.trains = entry.trains or launches[other].trains
            for target in launches[other].runs:
                if target not in entry.runs:
                    entry.runs.append(target)
                if target in launches:
                    todo.append(target)


def _category(entry: EntryPoint, roles: dict[str, str], graph: ImportGraph, scripts: frozenset[str]) -> str:
    """What kind of path an entry point starts: a launch takes the kind of the script it runs. `scripts`: the
    files with a main guard."""
    if entry.kind == "notebook":
        return EXAMPLE
    subjects = entry.runs or [entry.path]
    kinds = {_file_category(s, roles, graph, entry.kind, scripts) for s in subjects}
    if entry.kind == "launch":
        if entry.document:
            own = _document_category(entry.document)
        else:
            own = _file_category(entry.path, roles, graph, "launch", scripts)
        if TRAINING in kinds and own in (EXAMPLE, TRAINING):
            return TRAINING  # a launch in examples/ that runs the real training script is a recipe for it
        return own if own != TRAINING else sorted(kinds)[0]
    return sorted(kinds)[0]


def _document_category(document: str) -> str:
    """The own category of a documented launch: a README is documentation wherever it stands, so only a tests or
    examples folder it stands in says anything about the recipe it documents (path_role's order)."""
    role = path_role(document)
    return role if role in (TEST, EXAMPLE) else TRAINING


def _file_category(path: str, roles: dict[str, str], graph: ImportGraph, kind: str,
                   scripts: frozenset[str] = frozenset()) -> str:
    if roles.get(path) in (VENDORED, TEST):
        return roles[path]
    if is_test_path(path):
        return TEST
    if is_example_path(path):
        return EXAMPLE
    if kind == "launch" and is_support_path(path):
        return SUPPORT
    if path.endswith(".py"):
        importers = graph.importers.get(path, [])
        if kind == "main" and _library_module(path, importers, roles, graph, scripts):
            return OPTIONAL  # a module others import, with a self-test under its main guard: not a path of its own
        if is_plugin_path(path) and not any(how == "top" for _, how in importers):
            return OPTIONAL
    return TRAINING


def _library_module(path: str, importers: list[tuple[str, str]], roles: dict[str, str], graph: ImportGraph,
                    scripts: frozenset[str]) -> bool:
    """Whether a module with a main guard is a library module that others import at module level (its main guard
    then a self-test), not a script of its own. Tests import scripts to test them (`import train`), a package's
    `__main__.py` is its command line, and scripts outside any package borrow helpers from a sibling script
    (`from main import instantiate_from_config` in `scripts/inpaint.py`): none of these makes a script a library
    module. A module of a package that another script imports stays one (`pkg/layers.py` with a self-test)."""
    top = [i for i, how in importers if how == "top" and roles.get(i) != TEST and not is_test_path(i)]
    if not top or posixpath.basename(path) == "__main__.py":
        return False
    in_package = posixpath.join(posixpath.dirname(path), "__init__.py") in graph.python_files
    return in_package or not all(i in scripts for i in top)


def _path(entry: EntryPoint, graph: ImportGraph, recipe_files: dict[str, set[str]]) -> TrainingPath:
    starts = entry.runs if entry.kind == "launch" else [entry.path]
    own = set() if entry.document else {entry.path}  # a README stays documentation, on no path
    certain = own | recipe_files.get(entry.path, set()) | graph.certain_reach(starts)
    # A launch is judged by the Python scripts it runs (`benchmark_7b.sh` may well run the training script).
    scripts = [s for s in starts if s.endswith(".py")] or [entry.path]
    tool = all(is_tool_path(s) for s in scripts)
    return TrainingPath(entry.path, entry.kind, certain, tool=tool,
                        rank=primary_rank(scripts + _commands(entry, graph), entry.trains))


def _commands(entry: EntryPoint, graph: ImportGraph) -> list[str]:
    """What a package's command line runs (a console script's module, a `__main__.py`): the modules it imports at
    module level, its subcommands (`litgpt/__main__.py` imports `litgpt/pretrain.py`)."""
    if entry.kind != "console" and posixpath.basename(entry.path) != "__main__.py":
        return []
    return [target for target, how in graph.edges.get(entry.path, ()) if how == "top"]


def _starts(paths: list[TrainingPath], entries: list[EntryPoint]) -> list[str]:
    names = {p.name for p in paths}
    return [s for e in entries if e.path in names for s in (e.runs if e.kind == "launch" else [e.path])]


def _launch_files_of(paths: list[TrainingPath], files: list[str]) -> set[str]:
    return {p.name for p in paths} & set(files)  # a documented recipe's name ("README.md:12") is no file


def _launch_files(findings: list[Finding], files: list[str]) -> dict[str, set[str]]:
    """Per launch file, the configs its launches pass (recipes.py follows the chains)."""
    return {r.name: set(r.files) for r in find_recipes(findings, files)}


def _resolve_script(reference: str, base: str, known: KnownFiles) -> str | None:
    found = _resolve(reference, base, known)
    return found if found and found.endswith((".py", ".sh", ".bash", ".slurm", ".sbatch")) else None


def annotate(findings: list[Finding], repo: RepoPaths) -> list[Finding]:
    """The findings, each carrying its file's role in `properties.role`."""
    out = []
    for f in findings:
        role = repo.role_of(f.path)
        if (f.properties or {}).get("role") != role:
            f = f.with_changes(properties={**(f.properties or {}), "role": role})
        out.append(f)
    return out


__all__ = ["EntryPoint", "RepoPaths", "ROLES", "TrainingPath", "analyse", "annotate", "path_role"]
