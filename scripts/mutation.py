"""Mutation testing of the core modules with mutmut, each module against its own targeted tests (docs/testing.md).

    .venv/bin/pip install -e '.[mutation]'
    .venv/bin/python scripts/mutation.py                 # every module in MODULES
    .venv/bin/python scripts/mutation.py export_control  # one

mutmut reads one [tool.mutmut] table from ./pyproject.toml and works in ./mutants, so each module is run in its own
scratch copy of the project ($WAC_MUTATION_DIR/<name>/, by default /tmp/wac-lint-mutation/<name>/: src and tests,
with a pyproject.toml naming that module and its tests). Running a module against its targeted tests only keeps a
run within minutes on two shared cores; a mutant those tests miss may still be killed by another file's tests, so the
score is a lower bound for the whole suite.
Prints the score per module and the surviving mutants; `mutmut show NAME` in that folder shows a diff.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# Outside the project's git tree: wac-lint applies the .gitignore files above a scanned directory, and the project
# ignores its scratch folders, so tests that scan the fixture repositories would find nothing in a copy inside it.
WORK = Path(os.environ.get("WAC_MUTATION_DIR") or Path(tempfile.gettempdir()) / "wac-lint-mutation")

# name -> (modules to mutate, the tests that target them[, the functions the score counts]). The third item narrows
# the score to the functions a core behaviour lives in when the module holds more (cli.py: the exit codes); every
# mutant of the modules is still run and reported.
MODULES: dict[str, tuple] = {
    "export_control": ("src/whackachip_lint/infer/export_control.py",
                       ["tests/infer/test_export_control.py", "tests/infer/test_catalog.py"]),
    "suppress": ("src/whackachip_lint/suppress.py", ["tests/test_suppress.py", "tests/test_unused_suppression.py"]),
    "conditions": ("src/whackachip_lint/extract/shell/conditions.py",
                   ["tests/extract/test_dead_code.py", "tests/extract/shell/test_shell_conditions.py",
                    "tests/extract/shell/test_shell_extractor.py"]),
    "prefilter": ("src/whackachip_lint/prefilter.py", ["tests/test_prefilter.py"]),
    "python_branches": (["src/whackachip_lint/extract/python/values.py", "src/whackachip_lint/extract/python/syntax.py",
                         "src/whackachip_lint/extract/python/names.py"],
                        ["tests/extract/test_dead_code.py", "tests/extract/python/test_python_names.py",
                         "tests/extract/python/test_python_extractor.py",
                         "tests/extract/python/test_python_branch_logic.py",
                         "tests/extract/python/test_python_text_scans.py"]),
    "sarif": ("src/whackachip_lint/report/sarif.py", ["tests/report/test_sarif.py"]),
    "cache": ("src/whackachip_lint/cache.py", ["tests/test_cache.py"]),
    "cli_exit_codes": ("src/whackachip_lint/cli.py", ["tests/e2e/test_cli.py"], ["exit_code", "nothing_scanned"]),
    "constraints": ("src/whackachip_lint/infer/constraints.py",
                    ["tests/infer/test_infer_constraints.py", "tests/infer/test_plugin_implications.py",
                     "tests/extract/test_vendor_tells.py"]),
    # In-process tests only (synthetic findings, a few small tmp_path scans): about 3 s for the whole set.
    "engine": ("src/whackachip_lint/infer/engine.py",
               ["tests/infer/test_engine_parts.py", "tests/infer/test_infer_engine.py",
                "tests/infer/test_infer_scoping.py", "tests/infer/test_infer_overrides.py",
                "tests/infer/test_infer_dead.py", "tests/infer/test_declared_vs_code.py"]),
    "shell_walker": (["src/whackachip_lint/extract/shell/walker.py", "src/whackachip_lint/extract/shell/states.py"],
                     ["tests/extract/test_dead_code.py", "tests/extract/shell/test_shell_extractor.py",
                      "tests/extract/shell/test_shell_conditions.py", "tests/extract/shell/test_shell_walker.py"]),
}

# Extra pytest arguments per target: the SARIF of all 28 fixture repositories is built by every mutant of the rule
# table otherwise (minutes per mutant); the fixture checks stay in the normal suite.
PYTEST_ARGS = {"sarif": ["-k", "not fixture_repo"]}


def _entry(name: str) -> tuple[list[str], list[str], list[str] | None]:
    modules, tests, *functions = MODULES[name]
    return ([modules] if isinstance(modules, str) else list(modules)), tests, (functions[0] if functions else None)


def config(modules: list[str], tests: list[str], pytest_args: list[str] = ()) -> str:
    listed = lambda items: "[" + ", ".join(f'"{item}"' for item in items) + "]"  # noqa: E731
    return (
        "\n[tool.mutmut]\n"
        f"only_mutate = {listed(modules)}\n"
        'source_paths = ["src"]\n'
        f"tests_dir = {listed(tests)}\n"
        'also_copy = ["tests", "examples"]\n'
        f"pytest_add_cli_args = {listed(['-p', 'no:cacheprovider', '-p', 'no:randomly', '-n', '0', *pytest_args])}\n"
    )


def prepare(name: str) -> Path:
    modules, tests, _ = _entry(name)
    work = WORK / name
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    ignore = shutil.ignore_patterns("__pycache__", "*.egg-info", ".hypothesis")
    for part in ("src", "tests", "examples"):
        if (ROOT / part).is_dir():
            shutil.copytree(ROOT / part, work / part, ignore=ignore, symlinks=True)
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    (work / "pyproject.toml").write_text(text + config(modules, tests, PYTEST_ARGS.get(name, [])), encoding="utf-8")
    return work


def run(name: str) -> tuple[int, int, list[str]]:
    work = prepare(name)
    mutmut = [sys.executable, "-m", "mutmut"]
    with open(work / "mutmut-run.log", "w", encoding="utf-8") as log:  # a progress line per mutant: kept out of sight
        done = subprocess.run([*mutmut, "run", "--max-children", "1"], cwd=work, stdout=log, stderr=subprocess.STDOUT,
                              check=False)
    if done.returncode != 0:  # e.g. the targeted tests fail on the unmutated code: no score to give
        raise SystemExit(f"{name}: mutmut failed (exit {done.returncode}); see {work / 'mutmut-run.log'}")
    listing = subprocess.run([*mutmut, "results", "--all", "true"], cwd=work, capture_output=True, text=True,
                             check=False).stdout
    statuses = [line.rsplit(": ", 1) for line in listing.splitlines() if ": " in line]
    functions = _entry(name)[2]
    if functions:
        statuses = [(mutant, status) for mutant, status in statuses if _function_of(mutant) in functions]
    survivors = [mutant.strip() for mutant, status in statuses if status.strip() in ("survived", "no tests")]
    killed = sum(1 for _, status in statuses if status.strip() in ("killed", "timeout", "segfault"))
    return killed, len(statuses), survivors


def _function_of(mutant: str) -> str:
    """`pkg.module.x_NAME__mutmut_N` (a function) or `pkg.module.xǁClassǁNAME__mutmut_N` (a method) -> NAME."""
    last = mutant.strip().rpartition("__mutmut_")[0].rpartition(".")[2]
    return last.rpartition("ǁ")[2] if "ǁ" in last else last.removeprefix("x_")


def main(names: list[str]) -> int:
    for name in names or list(MODULES):
        killed, total, survivors = run(name)
        score = f"{100 * killed / total:.0f}%" if total else "n/a"
        print(f"{name}: {killed}/{total} killed ({score})")
        for mutant in survivors:
            print(f"  survived: {mutant}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
