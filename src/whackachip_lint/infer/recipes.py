"""Recipes: a launch script and what it references, and the facts it settles across files.

A recipe is a file holding a distributed launch in force (WAC404), the script it
launches, and the configs it passes (WAC406). Other files are assigned to the
recipes whose directories hold them; the rest are shared by every recipe.
Within a recipe the launch command settles what files alone leave open:
DeepSpeed `"auto"` precision switches and argparse defaults.
"""

from __future__ import annotations

import operator
import re
import shlex
from itertools import compress, repeat

from ..evidence import Finding, State
from ..paths.launches import (_NOT_RUN, CONFIG_RULE, LAUNCHER_RULE, KnownFiles, Recipe,  # noqa: F401 (re-exported)
                               _resolve, doc_block, documented_recipe_name, find_recipes, recipe_home)
from ..rules import get_rule
from ..rules.codes import Code
from ..vocab.precision import FULL_PRECISION, precision_of
from ..vocab.truth import FALSE_WORDS, TRUE_WORDS

# Precision switches a launch flag (`--bf16`, `--fp16`) fills in when a config says "auto".
AUTO_RULES = (Code.BF16_PRECISION, Code.FP16_PRECISION)
PRECISION_RULES = (Code.BF16_PRECISION, Code.FP16_PRECISION, Code.FP8_COMPUTE)
# Valued options whose value a launch passing the option replaces (the pretrained model, its dimensions such as the
# sequence length, the optimiser); a switch keeps its own value.
VALUE_FROM_LAUNCH = (Code.MODEL_NAME_SIZE, Code.MODEL_DIMENSION, Code.OPTIMIZER)
# Counts a launch command passes itself replace those of the config file it passes: `accelerate launch --config_file
# ddp.yaml --num_processes=1` runs one process whatever the file's `num_processes: 8` says (the command line wins).
COUNT_FROM_LAUNCH = (Code.GPUS_PER_NODE, Code.NODE_COUNT)


def _under(path: str, directory: str) -> bool:
    return directory == "" or path.startswith(directory + "/")


def split_by_recipe(findings: list[Finding], recipes: list[Recipe],
                    runs: dict[str, list[list[Finding]]] | None = None,
                    ) -> tuple[dict[str, list[Finding]], list[Finding]]:
    """Findings per recipe (its own files and the files under its directories) and the shared rest.

    Consecutive findings of files with the same recipes are added to those recipes together, as one run; `runs`,
    when given, receives each recipe's runs in order, each run one list for all the recipes holding it (when every
    launch reaches the whole tree, the tree is one run: infer/shared.py shares the work on it)."""
    own: dict[str, list[Finding]] = {r.name: [] for r in recipes}
    by_name = {r.name: r for r in recipes}
    shared: list[Finding] = []
    homes_by_path: dict[str, list[Recipe]] = {}
    same_homes: dict[tuple[int, ...], list[Recipe]] = {}  # one list per set of homes: a run continues while it is
    files = [r.files for r in recipes]
    run: list[Finding] = []
    run_homes: list[Recipe] = []

    def add(found: list[Finding], homes: list[Recipe]) -> None:
        for r in homes:
            own[r.name].extend(found)
            if runs is not None:
                runs.setdefault(r.name, []).append(found)

    for f in findings:
        if doc_block(f):
            # A documented command counts only in the recipe of its own code block (engine.documented_in_recipes).
            # Not by its file, as a launch file's findings are: the README is none of a recipe's files (it stays
            # documentation, and its other blocks are other recipes), and a block no recipe is counts nowhere.
            block = by_name.get(documented_recipe_name(f))
            if block is not None:
                add(run, run_homes)
                run, run_homes = [], []
                add([f], [block])
            continue
        homes = homes_by_path.get(f.path)
        if homes is None:
            found = _homes(f.path, recipes, files)
            homes = homes_by_path[f.path] = same_homes.setdefault(tuple(map(id, found)), found)
        if not homes:
            shared.append(f)
        elif homes is run_homes:
            run.append(f)
        else:
            add(run, run_homes)
            run, run_homes = [f], homes
    add(run, run_homes)
    return own, shared


def share_vendored_trees(own: dict[str, list[Finding]], unheld: list[Finding],
                         recipes: list[Recipe]) -> dict[str, list[Finding]]:
    """Each recipe's findings, with those of the vendored files no recipe holds (`unheld`: standing VENDORED_TREE,
    standing.py) added to the recipes that hold a file of the same vendored tree: a launch that never reaches the
    tree does not run its code."""
    trees: dict[str, list[Finding]] = {}
    for f in unheld:
        trees.setdefault(_vendored_tree(f), []).append(f)
    out = dict(own)
    for recipe in recipes if trees else ():
        held = recipe.files | {recipe.name}
        for tree, found in trees.items():
            if any(path.startswith(tree + "/") for path in held):
                out[recipe.name] = out[recipe.name] + found
    return out


def _vendored_tree(f: Finding) -> str:
    """The folder of a vendored finding's tree, as its path spells it (`vendored_root` is relative to the root)."""
    root = str((f.properties or {}).get("vendored_root") or "").strip("/")
    if not root or f.path.startswith(root + "/"):
        return root
    at = f.path.find("/" + root + "/")
    return f.path[:at + 1 + len(root)] if at >= 0 else root


def _homes(path: str, recipes: list[Recipe], files: list[set[str]]) -> list[Recipe]:
    """The recipes a file belongs to: those that name it (`files`: each recipe's), else those whose deepest
    directory holds it."""
    homes = list(compress(recipes, map(operator.contains, files, repeat(path))))  # in C: a file per recipe
    if homes:
        return homes
    depth = max((len(d) for r in recipes for d in r.dirs if d and _under(path, d)), default=-1)
    if depth < 0:
        return []  # the repository root holds everything: shared
    return [r for r in recipes if any(len(d) == depth and _under(path, d) for d in r.dirs)]


def _flag(f: Finding) -> str | None:
    """The command-line flag a finding stands for, normalised: "--use-bf16" and "--use_bf16" are one flag."""
    flag = (f.properties or {}).get("flag")
    if not isinstance(flag, str) or not flag.strip("-"):
        return None
    return flag.strip().lstrip("-").replace("-", "_").lower()


def launch_independent(f: Finding, launch_paths: set[str]) -> bool:
    """Whether resolve_in_recipe leaves a finding as it is and reads nothing from it, whichever launch it resolves
    for: no flag, no script arguments, no condition on options, and none of the launches' files or configs
    (`launch_paths`: their launch files, documents and configs). Paths share such findings (infer/shared.py)."""
    props = f.properties or {}
    return (f.path not in launch_paths and _flag(f) is None and "script_args" not in props
            and not (f.state is State.CONDITIONAL and _option_condition(f)))


def resolve_in_recipe(findings: list[Finding], recipe: Recipe, memo: dict | None = None,
                      origins: list[int] | None = None) -> list[Finding]:
    """Findings with the launch command's flags applied: "auto" switches and argparse defaults settled. `memo`
    keeps each finding's flag across the recipes that share the finding; `origins`, when given, receives for each
    finding returned the index of the finding it comes from (an option passed with another precision gives two)."""
    memo = {} if memo is None else memo
    flags = []
    for f in findings:
        known = memo.get(id(f))
        if known is None:
            known = memo[id(f)] = (f, _flag(f))  # the finding kept: its id stays its own
        flags.append(known[1])
    # Cheap tests first: a recipe holds every finding of the files it reaches, and few carry a flag.
    flagged = [(f, flag) for f, flag in zip(findings, flags)
               if flag and f.state not in _NOT_RUN and recipe.holds_launch(f)]
    launch_flags = [f for f, _flag_name in flagged]
    by_flag = {flag: f for f, flag in flagged}  # the flags memoised above, not parsed again
    passed_rules = {f.rule for f in launch_flags if f.in_force and f.rule in AUTO_RULES}
    passed_counts = {f.rule: f for f in launch_flags if f.in_force and f.rule in COUNT_FROM_LAUNCH}
    passed = _passed_arguments(findings, recipe)
    out: list[Finding] = []
    anywhere = passed.get("", {})
    for index, (f, flag) in enumerate(zip(findings, flags)):
        before = len(out)
        options = passed.get(f.path, anywhere)  # what the launch commands pass this finding's script
        if f.state is State.DEAD:
            out.append(f)  # code that cannot run stays dead whatever a launch passes
        elif f.path in recipe.configs and f.rule in AUTO_RULES and is_auto(f) and passed_rules:
            source = next(x for x in launch_flags if x.in_force and x.rule in passed_rules)
            props = dict(f.properties or {})
            props.pop("auto", None)
            f = f.with_changes(properties=props)
            if f.rule in passed_rules:
                source = next(x for x in launch_flags if x.in_force and x.rule == f.rule)
                state = State.ENABLED
            else:
                state = State.DISABLED
            out.append(_resolved(f, True, state, source))
        elif f.path in recipe.configs and f.rule in passed_counts and not recipe.holds_launch(f):
            out.append(_resolved(f, f.value, State.DISABLED, passed_counts[f.rule]))  # the launch's count holds
        elif f.state is State.CONDITIONAL and f.path.endswith(".py") and (
                launch := _condition_passed(f, options)) is not None:
            out.append(_resolved(f, f.value, State.ENABLED, launch))
        elif flag in by_flag and f.path.endswith(".py") and not recipe.holds_launch(f):
            source = by_flag[flag]
            # A model the launch names replaces the option's default model; a switch keeps its own value.
            value = source.value if f.rule == source.rule in VALUE_FROM_LAUNCH else f.value
            out.append(_resolved(f, value, source.state, source))
        elif flag in options and f.path.endswith(".py") and not recipe.holds_launch(f):
            launch, value = options[flag]
            out.extend(_overridden(f, value, launch))
        else:
            out.append(f)
        if origins is not None:
            origins.extend([index] * (len(out) - before))
    return out


def _passed_arguments(findings: list[Finding], recipe: Recipe) -> dict[str, dict[str, tuple[Finding, str | None]]]:
    """Per launched script ("" for any), the options the recipe's launch commands pass it: flag -> (launch, value)."""
    passed: dict[str, dict[str, tuple[Finding, str | None]]] = {}
    recipe_files: KnownFiles | None = None  # the recipe's own files, indexed once (when a script needs resolving)
    for launch in findings:
        props = launch.properties or {}
        # The launcher finding (WAC404) carries its script's arguments; in a documented `python script.py` run each
        # finding of the command line does (extract/doc_commands.py).
        text = props.get("script_args")
        if not isinstance(text, str) or not launch.in_force or not recipe.holds_launch(launch):
            continue
        try:
            words = shlex.split(text)
        except ValueError:
            continue
        options: dict[str, tuple[Finding, str | None]] = {}
        for index, word in enumerate(words):
            if not word.startswith("-") or word == "-":
                continue
            name, equals, inline = word.partition("=")
            following = words[index + 1] if index + 1 < len(words) else None
            value = inline if equals else (following if following is not None and not following.startswith("-") else None)
            options[name.lstrip("-").replace("-", "_").lower()] = (launch, value)
        script = props.get("script_resolved")
        if not isinstance(script, str) and isinstance(props.get("script"), str):
            # A documented command's script (or one the shell extractor left unresolved) resolves against the
            # recipe's own files.
            if recipe_files is None:
                recipe_files = KnownFiles(recipe.files)
            script = _resolve(props["script"], launch.path, recipe_files)
        for key in ([script] if isinstance(script, str) else []) + [""]:
            passed.setdefault(key, {}).update(options)
    return passed


# A Python condition on options alone: `FLAGS.use_tpu`, `args.use_tpu and args.tpu_name` (absl, argparse).
_OPTION_CONDITION = re.compile(r"^\s*(?:FLAGS|args|opts|options)\.(\w+)(?:\s+and\s+(?:FLAGS|args|opts|options)\.(\w+))*\s*$")
_OPTION_NAME = re.compile(r"(?:FLAGS|args|opts|options)\.(\w+)")


def _option_condition(f: Finding) -> str | None:
    """A finding's condition when it is on options alone (_OPTION_CONDITION), else None."""
    condition = (f.properties or {}).get("condition")
    return condition if isinstance(condition, str) and _OPTION_CONDITION.match(condition) else None


def _condition_passed(f: Finding, passed: dict[str, tuple[Finding, str | None]]) -> Finding | None:
    """The launch whose arguments make a conditional Python finding's condition hold, if one does.

    A README's `python run.py --use_tpu=True --tpu_name=$TPU_NAME`, as a launch script's `torchrun run.py ...`, is
    the authors' recipe for the code under `if FLAGS.use_tpu and FLAGS.tpu_name:`. Every option of the condition
    must be passed with a value that is not false (a switch without a value is on)."""
    condition = _option_condition(f)
    if condition is None:
        return None
    launch = None
    for name in _OPTION_NAME.findall(condition):
        given = passed.get(name.lower())
        if given is None or (given[1] is not None and given[1].strip().lower() in FALSE_WORDS | {""}):
            return None
        launch = given[0]
    return launch


def _option_value(word: str, value: str) -> tuple[str, str] | None:
    """What a value passed to a valued option means (`--dtype fp16` over a `bf16` default): (rule, value as
    passed); None for a precision that says nothing about hardware (fp32); ("?", value) for anything else."""
    if word in FULL_PRECISION:
        return None
    found = precision_of(word)
    return (found[0], word) if found else ("?", value)


def _overridden(f: Finding, value: str | None, launch: Finding) -> list[Finding]:
    """A Python option's finding once the launch command has passed the option explicitly."""
    word = (value or "").strip().lower()
    if value is None or word in TRUE_WORDS:
        return [_resolved(f, f.value, State.ENABLED, launch)]  # a switch passed on (`--bf16`, `--bf16 True`)
    if word in FALSE_WORDS:
        return [_resolved(f, f.value, State.DISABLED, launch)]
    if f.rule not in PRECISION_RULES:
        return [_resolved(f, value, State.ENABLED, launch)]  # e.g. `--backend gloo` over a `nccl` default
    meaning = _option_value(word, value)
    if meaning is not None and meaning[0] == f.rule:
        return [_resolved(f, meaning[1], State.ENABLED, launch)]
    out = [_resolved(f, f.value, State.DISABLED, launch)]  # the default no longer holds
    if meaning is not None and meaning[0] in PRECISION_RULES:
        rule = get_rule(meaning[0])
        detail = f"{(f.properties or {}).get('flag')} {value} passed by {launch.path}:{launch.line}"
        derived = rule.finding(meaning[1], State.ENABLED, f.path, f.span, f.snippet, detail, f.properties)
        out.append(_resolved(derived, meaning[1], State.ENABLED, launch))
    return out


def is_auto(f: Finding) -> bool:
    """A precision switch left to the launcher: value "auto" (Python) or `properties["auto"]` (DeepSpeed JSON)."""
    return f.value == "auto" or (f.properties or {}).get("auto") is True


def _resolved(f: Finding, value, state: State, source: Finding) -> Finding:
    props = dict(f.properties or {})
    props["resolved_by"] = f"{source.path}:{source.line}"
    return f.with_changes(value=value, state=state, properties=props)
