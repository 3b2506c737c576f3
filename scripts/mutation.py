"""Mutation testing of the core modules with mutmut, each module against its own targeted tests (docs/testing.md).

    .venv/bin/pip install -e '.[mutation]'
    .venv/bin/python scripts/mutation.py                 # every module in MODULES
    .venv/bin/python scripts/mutation.py export_control  # one

mutmut reads one [tool.mutmut] table from ./pyproject.toml and works in ./mutants, so each module is run in its own
scratch copy of the project (.mutation/<name>/: src and tests, with a pyproject.toml naming that module and its
tests). Running a module against its targeted tests only keeps a run within minutes on two shared cores; a mutant
those tests miss may still be killed by another file's tests, so the score is a lower bound for the whole suite.
Prints the score per module and the surviving mutants; `mutmut show NAME` in .mutation/<name>/ shows a diff.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
WORK = ROOT / ".mutation"

# name -> (module to mutate, the tests that target it)
MODULES = {
    "export_control": ("src/whackachip_lint/infer/export_control.py",
                       ["tests/infer/test_export_control.py", "tests/infer/test_catalog.py"]),
    "suppress": ("src/whackachip_lint/suppress.py", ["tests/test_suppress.py", "tests/test_unused_suppression.py"]),
    "conditions": ("src/whackachip_lint/extract/shell/conditions.py",
                   ["tests/extract/test_dead_code.py", "tests/extract/shell/test_shell_conditions.py",
                    "tests/extract/shell/test_shell_extractor.py"]),
    "prefilter": ("src/whackachip_lint/prefilter.py", ["tests/test_prefilter.py"]),
}


def config(module: str, tests: list[str]) -> str:
    listed = lambda items: "[" + ", ".join(f'"{item}"' for item in items) + "]"  # noqa: E731
    return (
        "\n[tool.mutmut]\n"
        f"only_mutate = {listed([module])}\n"
        'source_paths = ["src"]\n'
        f"tests_dir = {listed(tests)}\n"
        'also_copy = ["tests", "examples"]\n'
        'pytest_add_cli_args = ["-p", "no:cacheprovider", "-p", "no:randomly"]\n'
    )


def prepare(name: str) -> Path:
    module, tests = MODULES[name]
    work = WORK / name
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    ignore = shutil.ignore_patterns("__pycache__", "*.egg-info", ".hypothesis")
    for part in ("src", "tests", "examples"):
        if (ROOT / part).is_dir():
            shutil.copytree(ROOT / part, work / part, ignore=ignore, symlinks=True)
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    (work / "pyproject.toml").write_text(text + config(module, tests), encoding="utf-8")
    return work


def run(name: str) -> tuple[int, int, list[str]]:
    work = prepare(name)
    mutmut = [sys.executable, "-m", "mutmut"]
    with open(work / "mutmut-run.log", "w", encoding="utf-8") as log:  # a progress line per mutant: kept out of sight
        subprocess.run([*mutmut, "run", "--max-children", "2"], cwd=work, stdout=log, stderr=subprocess.STDOUT,
                       check=False)
    listing = subprocess.run([*mutmut, "results", "--all", "true"], cwd=work, capture_output=True, text=True,
                             check=False).stdout
    statuses = [line.rsplit(": ", 1) for line in listing.splitlines() if ": " in line]
    survivors = [mutant.strip() for mutant, status in statuses if status.strip() in ("survived", "no tests")]
    killed = sum(1 for _, status in statuses if status.strip() in ("killed", "timeout", "segfault"))
    return killed, len(statuses), survivors


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
