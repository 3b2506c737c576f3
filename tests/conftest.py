"""Shared test helpers: scan a snippet, scan a fixture repo, run the CLI."""

from __future__ import annotations

import contextlib
import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from whackachip_lint.cli import main
from whackachip_lint.config import Settings
from whackachip_lint.extract import Source
from whackachip_lint.kinds import sample_name
from whackachip_lint.one_file import scan_source

FIXTURES = Path(__file__).parent / "fixtures"
# Fixture repositories hold test files of their own (read by the scanner, never run by pytest).
collect_ignore_glob = ["fixtures/*"]
REPOS = FIXTURES / "repos"
EXPECTED = FIXTURES / "expected"

SLOW_HINT = "slow test, skipped locally: run them with `CI=1 python -m pytest` or `python -m pytest -m slow`"


def run_slow_tests(config: pytest.Config) -> bool:
    """CI (which sets CI) runs everything; so does a run that chose its own marker expression with -m, and one that
    names test files or test ids (`pytest tests/e2e/test_precommit.py`): whoever names a slow test wants it run."""
    if os.environ.get("CI") or config.getoption("markexpr", default=""):
        return True
    named = config.args if config.args_source is pytest.Config.ArgsSource.ARGS else []
    return any("::" in arg or arg.endswith(".py") for arg in named)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """The local loop skips the tests marked slow (docs/testing.md); the README's command is the same everywhere."""
    if run_slow_tests(config):
        return
    skip = pytest.mark.skip(reason=SLOW_HINT)
    for item in items:
        if item.get_closest_marker("slow"):
            item.add_marker(skip)


@pytest.fixture(autouse=True)
def _private_result_cache(tmp_path_factory, monkeypatch):
    """Each test gets its own result cache: none is written to the user's, and no test sees another's results."""
    monkeypatch.setenv("WAC_LINT_CACHE_DIR", str(tmp_path_factory.mktemp("wac-lint-cache")))


def scan_snippet(code: str, kind: str = "python", filename: str | None = None, settings: Settings | None = None):
    """Findings and diagnostics for one in-memory file."""
    name = filename or sample_name(kind)
    source = Source(Path(name), name, kind, code.encode("utf-8"))
    return scan_source(source, settings or Settings())


def finding_rows(code: str, kind: str, filename: str | None = None) -> list[tuple]:
    """Sorted (rule, value, state, line) of a snippet's findings; the snippet must scan without diagnostics."""
    result = scan_snippet(code, kind, filename)
    assert not result.diagnostics, result.diagnostics
    return sorted((f.rule, f.value, f.state.value, f.line) for f in result.findings)


def finding_columns(code: str, kind: str, filename: str | None = None, keep=lambda finding: True) -> list[tuple]:
    """(rule, value, state, line, column) of a snippet's findings that `keep` accepts, in the order found; the
    snippet must scan without diagnostics."""
    result = scan_snippet(code, kind, filename)
    assert not result.diagnostics, result.diagnostics
    return [(f.rule, f.value, f.state.value, f.line, f.column) for f in result.findings if keep(f)]


def finding_props(code: str, rule: str, kind: str) -> list[dict]:
    """The properties of a snippet's findings of one rule."""
    return [dict(f.properties) for f in scan_snippet(code, kind).findings if f.rule == rule]


def run_cli(*args: str):
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result


@contextlib.contextmanager
def inside(directory: Path):
    """Run in `directory`: reported paths are relative to the current directory, as printed for users."""
    previous = os.getcwd()
    os.chdir(directory)
    try:
        yield
    finally:
        os.chdir(previous)


def run_cli_in(directory: Path, *args: str):
    """The CLI run from `directory` (so a scan of "." reports paths relative to it)."""
    with inside(directory):
        return run_cli(*args)


LEVEL_RANK = {"note": 0, "warning": 1, "error": 2}


def promised_exit_code(report: dict, args: tuple[str, ...] = ()) -> int:
    """The exit code the README promises for this JSON report and these options, worked out independently of the CLI:
    1 when an unsuppressed finding reaches the fail level (default warning), else 0; always 0 with --exit-zero."""
    if "--exit-zero" in args:
        return 0
    fail_level = args[args.index("--fail-level") + 1] if "--fail-level" in args else "warning"
    failing = [f for f in report["findings"]
               if not f.get("suppressed") and LEVEL_RANK[f["level"]] >= LEVEL_RANK[fail_level]]
    return 1 if failing else 0


def scan_json(*args: str, expect_exit: int | None = None, cwd: Path | None = None) -> dict:
    """The JSON report of `wac-lint --format json ARGS` (run from `cwd` when given); the exit code must be exactly
    `expect_exit`, or, when the caller does not know it, exactly the one the report's own findings call for (never
    2, never "0 or 1")."""
    result = run_cli_in(cwd, "--format", "json", *args) if cwd else run_cli("--format", "json", *args)
    report = json.loads(result.output)
    expected = promised_exit_code(report, args) if expect_exit is None else expect_exit
    assert result.exit_code == expected, (result.exit_code, result.output[-2000:])
    return report


def scan_repo_json(repo: Path, *extra: str, expect_exit: int | None = None) -> dict:
    """The JSON report of `repo`, scanned from inside it (paths relative to the repository)."""
    return scan_json(*extra, ".", expect_exit=expect_exit, cwd=repo)


def inference_of(path: Path, *extra: str) -> dict:
    """The verdict (`"inference"`) of the JSON report for one fixture tree."""
    return scan_repo_json(path, *extra)["inference"]


@pytest.fixture
def cli():
    return run_cli


@pytest.fixture(autouse=True)
def _every_sarif_is_validated(monkeypatch):
    """Whatever test builds SARIF (through the CLI or directly), the document must be valid SARIF 2.1.0."""
    from whackachip_lint.report import sarif

    from .sarif_schema import validating

    monkeypatch.setattr(sarif, "to_sarif", validating(sarif.to_sarif))


@pytest.fixture(autouse=True)
def _every_json_report_follows_the_schema(monkeypatch):
    """Whatever test builds a JSON report, it must follow the schema `wac-lint schema` prints."""
    from whackachip_lint.report import json as json_report

    from .report_schema import validating

    monkeypatch.setattr(json_report, "to_data", validating(json_report.to_data))


def finding_records(code: str, kind: str, filename: str | None = None, settings: Settings | None = None) -> list[tuple]:
    """Every finding of a snippet in full, in the order found: (rule, value, state, "line:column-end_line:end_column",
    properties, message); the snippet must scan without diagnostics."""
    result = scan_snippet(code, kind, filename, settings)
    assert not result.diagnostics, result.diagnostics
    return [(f.rule, f.value, f.state.value, f"{f.span.line}:{f.span.column}-{f.span.end_line}:{f.span.end_column}",
             dict(f.properties), f.message) for f in result.findings]
