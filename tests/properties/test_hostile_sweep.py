"""The hostile-input sweep of 5 December 2026: what an attacker's repository still broke, each built here.

Every case: the scan finishes, the other files give their findings, and what could not be read is one diagnostic
naming it. (Earlier sweeps: test_hostile_repos.py, test_untrusted_config.py, test_safe_write.py.)
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from whackachip_lint import workers
from whackachip_lint.config import Settings
from whackachip_lint.scan import scan

from ..conftest import inside
from ..fleet.test_fleet import sh
from ..hostile import BF16, messages_by_path

# A folder name of 100 bytes, nested deep enough that the path is over Linux's PATH_MAX (4,096 bytes).
_LONG_NAME = "d" * 100
_OVER_PATH_MAX = 45


def _nest(top: Path, depth: int) -> list[int]:
    """`depth` nested folders under `top`, made through directory descriptors (a path that long cannot be named);
    the descriptors, outermost first, for _unnest."""
    fds = [os.open(top, os.O_RDONLY)]
    for _ in range(depth):
        os.mkdir(_LONG_NAME, dir_fd=fds[-1])
        fds.append(os.open(_LONG_NAME, os.O_RDONLY, dir_fd=fds[-1]))
    return fds


def _unnest(fds: list[int]) -> None:
    """Remove what _nest made, bottom up (pytest's clean-up cannot name paths over PATH_MAX either)."""
    for fd in fds[-1:]:
        for name in os.listdir(fd):
            os.unlink(name, dir_fd=fd)
    for parent, child in zip(reversed(fds[:-1]), reversed(fds[1:])):
        os.close(child)
        os.rmdir(_LONG_NAME, dir_fd=parent)
    os.close(fds[0])


def test_folders_nested_past_path_max_cost_one_diagnostic(tmp_path):
    """The virtualenv check (`Path.exists` of `pyvenv.cfg`) raised ENAMETOOLONG: the whole scan stopped, exit 2."""
    (tmp_path / "train.py").write_text(BF16)
    fds = _nest(tmp_path, _OVER_PATH_MAX)
    try:
        with open(os.open("deep.py", os.O_WRONLY | os.O_CREAT, 0o644, dir_fd=fds[-1]), "w") as handle:
            handle.write(BF16)
        result = scan([tmp_path], Settings(use_cache=False, jobs=1))
    finally:
        _unnest(fds)
    assert [f.path for f in result.findings] == ["train.py"]
    ((path, messages),) = messages_by_path(result).items()
    assert messages == ["cannot stat: File name too long"]
    assert set(path.split("/")) == {_LONG_NAME}  # the first folder whose path is over PATH_MAX


# --- the scanned repository's configuration file ------------------------------------------------------------------


def test_a_deeply_nested_pyproject_is_a_config_error_not_a_traceback(tmp_path, cli):
    """tomllib's parser recurses per nested array: RecursionError came out of the CLI as a 3,000-line traceback.
    Any pyproject.toml is read (to see whether it has a [tool.wac-lint] table), so this hit every scan of the repo."""
    (tmp_path / "pyproject.toml").write_text("[project]\nname = " + "[" * 5000 + "]" * 5000 + "\n")
    (tmp_path / "train.py").write_text(BF16)
    result = cli(str(tmp_path))
    assert result.exit_code == 2, result.output
    assert f"{tmp_path / 'pyproject.toml'}: invalid TOML: nested too deeply to read" in result.output
    assert "Traceback" not in result.output
    isolated = cli("--isolated", "--format", "json", str(tmp_path))  # the way to scan it anyway
    assert isolated.exit_code == 0 and "WAC101" in isolated.output


def test_a_huge_sparse_pyproject_is_not_read_whole(tmp_path, cli):
    """A 10 GB sparse pyproject.toml was read whole (read_text) before the scan started: gigabytes, then a kill."""
    with open(tmp_path / "pyproject.toml", "wb") as handle:
        handle.truncate(10 * 1024**3)
    (tmp_path / "train.py").write_text(BF16)
    result = cli(str(tmp_path))
    assert result.exit_code == 2, result.output
    assert (f"{tmp_path / 'pyproject.toml'}: file is 10,737,418,240 bytes, over the 1,048,576-byte limit; not read"
            in result.output)


def test_configuration_errors_quote_the_repository_escaped(tmp_path, cli):
    """A key or target of the scanned repository's [tool.wac-lint] was echoed raw in the error: an OSC title write,
    a screen clear, and a new line starting a forged GitHub workflow command."""
    (tmp_path / "train.py").write_text(BF16)
    hostile = r"\u001b]0;PWNED\u0007\u001b[2J\n::error::forged"
    for table in (f'"{hostile}" = 1', f'target = ["{hostile}"]'):
        (tmp_path / "pyproject.toml").write_text(f"[tool.wac-lint]\n{table}\n")
        result = cli(str(tmp_path))
        assert result.exit_code == 2, result.output
        assert "\\x1b]0;PWNED\\x07\\x1b[2J\\x0a::error::forged" in result.output
        assert "\x1b" not in result.output and "\n::" not in result.output


# --- GitHub Actions workflow commands in reports ---------------------------------------------------------------------


def _forging_repo(root: Path) -> None:
    """Files whose names and contents are GitHub workflow commands: `::` starting a line (after blanks, which the
    runner trims) and the legacy `##[command]`, which the runner reads anywhere in a line."""
    (root / "::error title=x::forged.py").write_text(BF16.rstrip("\n") + "  # ##[error]forged\n")
    (root / "Dockerfile").write_text("FROM nvidia/cuda:12.1.0-devel-ubuntu22.04##[warning]forged\n")
    (root / "README.md").write_text("We trained on 8x NVIDIA A100 GPUs ##[error]forged\n")
    (root / " ::stop-commands::token.py").write_bytes(b"\xff")  # a diagnostic, with -q on standard error


def cli_in(directory: Path, cli, *args: str):
    with inside(directory):  # a scan of "." reports paths from the start of the line
        return cli(*args)


def _workflow_commands(output: str) -> list[str]:
    return [line for line in output.splitlines() if line.lstrip().startswith("::") or "##[" in line]


def test_no_text_or_json_report_line_is_a_github_workflow_command(tmp_path, cli):
    _forging_repo(tmp_path)
    for fmt in ("text", "concise", "json", "sarif", "markdown"):
        for extra in ((), ("--show-source",), ("-q",), ("--statistics",)):
            if extra and fmt not in ("text", "concise"):
                continue
            result = cli_in(tmp_path, cli, "--format", fmt, "--fail-level", "note", *extra, ".")
            assert result.exit_code == 1, result.output  # notes exist and --fail-level note fails on them
            assert _workflow_commands(result.output) == [], (fmt, extra)
    text = cli_in(tmp_path, cli, "--fail-level", "note", "--show-source", ".").output
    assert "\\x3a:error title=x::forged.py:2:26: WAC101" in text and "# ##\\x5berror]forged" in text
    data = json.loads(cli_in(tmp_path, cli, "--format", "json", ".").output)  # `##\u005b` is the same JSON string
    assert any("##[warning]forged" in f["message"] for f in data["findings"])


def test_the_github_format_escapes_repository_values_by_githubs_rules(tmp_path, cli):
    """Our own commands start the lines; the repository's text is command data (`%`, CR and LF escaped) or a
    property (`:` and `,` too), where neither `::` nor `##[` starts a command."""
    _forging_repo(tmp_path)
    result = cli_in(tmp_path, cli, "--format", "github", "--fail-level", "note", ".")
    lines = result.output.splitlines()
    assert lines and all(line.startswith(("::notice ", "::warning ", "::error ")) for line in lines)
    assert "::warning file= %3A%3Astop-commands%3A%3Atoken.py,title=not scanned::not valid UTF-8" in result.output
    assert "file=%3A%3Aerror title=x%3A%3Aforged.py,line=2" in result.output


# --- history and fleet: names and subjects from git objects ---------------------------------------------------------


def _hostile_history_repo(root: Path) -> Path:
    """One commit: a file name that is not UTF-8, one with an OSC title write, one that is a workflow command, and
    a subject with a screen clear and a legacy `##[error]`."""
    repo = root / "repo"
    repo.mkdir()
    sh(repo, "init", "-q", "-b", "main")
    for name in (b"caf\xe9.py", b"ev\x1b]0;T\x07il.py", b"::error::f.py"):
        (repo / os.fsdecode(name)).write_text(BF16)
    sh(repo, "add", "-A")
    sh(repo, "commit", "-q", "-m", "three \x1b[2J ##[error]forged")
    return repo


def _harmless(output: str) -> bool:
    return "\x1b" not in output and "\x07" not in output and _workflow_commands(output) == []


def test_fleet_scan_stores_a_name_that_is_not_utf8(tmp_path, cli):
    """`fleet scan` died on it (UnicodeEncodeError from SQLite: the tree's name, surrogate-escaped, went in raw)."""
    repo = _hostile_history_repo(tmp_path)
    store = str(tmp_path / "fleet.sqlite")
    assert cli("fleet", "add", "--store", store, str(repo)).exit_code == 0
    scanned = cli("fleet", "scan", "--store", store)
    assert scanned.exit_code == 0, scanned.output
    paths = cli("fleet", "query", "--store", store, "SELECT path FROM change_log ORDER BY path")
    assert paths.output.splitlines() == ["path", "\\x3a:error::f.py", "caf\\xe9.py", "ev\\x1b]0;T\\x07il.py"]
    for fmt in ("text", "markdown", "json"):
        report = cli("fleet", "report", "--store", store, "--format", fmt)
        assert report.exit_code == 0 and _harmless(report.output), fmt
        assert ("caf\\\\xe9.py" if fmt == "json" else "caf\\xe9.py") in report.output  # JSON doubles the backslash


def test_history_names_files_and_subjects_escaped(tmp_path, cli):
    """`history` printed the tree's names and the commit subject raw: an OSC title write, a screen clear and a
    forged workflow command reached the terminal or the CI log."""
    repo = _hostile_history_repo(tmp_path)
    text = cli("history", str(repo))
    assert text.exit_code == 0 and _harmless(text.output)
    assert "three \\x1b[2J ##\\x5berror]forged" in text.output and "+ ev\\x1b]0;T\\x07il.py:2: WAC101" in text.output
    data = cli("history", "--format", "json", str(repo))
    assert _harmless(data.output)
    (change,) = json.loads(data.output)["changes"]
    assert change["subject"] == "three \x1b[2J ##[error]forged"  # the same text, escaped only as JSON
    assert sorted(f["path"] for f in change["added"]) == ["::error::f.py", "caf\\xe9.py", "ev\\x1b]0;T\\x07il.py"]


# --- .gitignore patterns that pathspec's regular expressions match in exponential time ------------------------------


def test_gitignore_patterns_with_too_many_wildcards_are_left_out_with_one_diagnostic(tmp_path):
    """`a*a*a*a*a*b` against one 253-byte name stalled discovery (pathspec backtracks: length ** wildcards)."""
    (tmp_path / ".gitignore").write_text("a*a*a*a*a*b\nignored.py\n!\n*x*/*x*/*x*/*x*/y\n**/tokenizer-*/**\n")
    (tmp_path / ("a" * 250 + ".py")).write_text(BF16)
    (tmp_path / "ignored.py").write_text(BF16)
    (tmp_path / "tokenizer-save").mkdir()
    (tmp_path / "tokenizer-save" / "x.py").write_text(BF16)  # three wildcards in all: still applied
    # In a worker with a budget: a regression fails in seconds instead of hanging the suite.
    (result,) = workers.run([tmp_path], lambda root: scan([root], Settings(use_cache=False, jobs=1)),
                            lambda _root, why: why, jobs=1, timeout=10, memory_bytes=None)
    assert messages_by_path(result) == {".gitignore": [
        "invalid pattern ignored (line 3), as git does; pattern ignored (line 1, 4): more `*` wildcards than can be "
        "matched in bounded time (2 per path segment, 3 in all); git would apply it, so files it ignores are scanned"]}
    assert sorted(f.path for f in result.findings) == ["a" * 250 + ".py"]


@pytest.mark.parametrize("table", ['exclude = ["a*a*a*a*a*b"]', 'extend-exclude = ["*x*/*x*/*x*/*x*/y"]',
                                   '[tool.wac-lint.per-file-ignores]\n"a*a*a*a*a*b" = ["WAC1"]'])
def test_configured_patterns_with_too_many_wildcards_are_a_config_error(tmp_path, cli, table):
    """The repository's own configuration could stall discovery with the same patterns (without --isolated)."""
    (tmp_path / "pyproject.toml").write_text(f"[tool.wac-lint]\n{table}\n")
    (tmp_path / ("a" * 250 + ".py")).write_text(BF16)
    result = cli(str(tmp_path))
    assert result.exit_code == 2, result.output
    assert "has more `*` wildcards than can be matched in bounded time (2 per path segment, 3 in all)" in result.output
    assert cli("--isolated", str(tmp_path)).exit_code == 0


# --- the HTML report's source context -----------------------------------------------------------------------------


def test_html_context_is_never_read_from_a_decoy_under_the_escaped_name(tmp_path, cli):
    """A finding in `a<LF>b.py` is printed at `a\\nb.py`; the HTML report read its context lines from the file
    literally named `a\\nb.py`, which the repository can plant with any text."""
    (tmp_path / "a\nb.py").write_text(BF16)
    (tmp_path / "a\\nb.py").write_text("DECOY one\nDECOY two\nDECOY three\n")
    report = cli_in(tmp_path, cli, "--format", "html", ".")
    assert report.exit_code == 0, report.output
    assert "a\\nb.py:2:" in report.output and "torch.bfloat16" in report.output
    assert "DECOY" not in report.output


# --- files that change between discovery and reading -----------------------------------------------------------


@pytest.mark.parametrize("change", ["vanish", "fifo", "directory", "link-out", "folder-link-out"])
def test_a_file_swapped_after_discovery_is_one_diagnostic(tmp_path, monkeypatch, change):
    """Discovery lists `sub/gone.py` as a regular file; before it is read it is deleted, or replaced by a named pipe
    (reading would block), a directory or a link out of the tree, or its folder is replaced by a link out of the
    tree. The links were followed: a file outside the scanned root was read and its findings reported."""
    from whackachip_lint import scan as scan_module

    root, outside = tmp_path / "root", tmp_path / "outside"
    (root / "sub").mkdir(parents=True)
    outside.mkdir()
    (outside / "gone.py").write_text(BF16)
    (root / "train.py").write_text(BF16)
    gone = root / "sub" / "gone.py"
    gone.write_text("x = 1\n")
    discover = scan_module.discover

    def discover_then_swap(*args, **kwargs):
        found = discover(*args, **kwargs)
        gone.unlink()
        if change == "fifo":
            os.mkfifo(gone)
        elif change == "directory":
            gone.mkdir()
        elif change == "link-out":
            gone.symlink_to(outside / "gone.py")
        elif change == "folder-link-out":
            (root / "sub").rmdir()
            (root / "sub").symlink_to(outside)
        return found

    monkeypatch.setattr(scan_module, "discover", discover_then_swap)
    (result,) = workers.run([root], lambda top: scan([top], Settings(use_cache=False, jobs=1)),
                            lambda _root, why: why, jobs=1, timeout=10, memory_bytes=None)
    assert [f.path for f in result.findings] == ["train.py"]
    assert list(messages_by_path(result)) == ["sub/gone.py"] and len(result.diagnostics) == 1


def test_an_internal_error_quoting_a_path_is_printed_escaped(tmp_path, cli, monkeypatch):
    """An unexpected error's message was echoed raw: one quoting a file name could drive the terminal or start a
    workflow command on its own line. (OSError quotes its path with repr; other errors quote as they like.)"""
    from whackachip_lint import lint as lint_module

    def fail(*_args, **_kwargs):
        raise RuntimeError("cannot handle deep/ev\x1b]0;T\x07il\n::error::x")

    monkeypatch.setattr(lint_module, "lint", fail)
    (tmp_path / "train.py").write_text(BF16)
    result = cli(str(tmp_path))
    assert result.exit_code == 2
    assert "internal error: RuntimeError: cannot handle deep/ev\\x1b]0;T\\x07il\\x0a::error::x" in result.output
    assert "\x1b" not in result.output and "\n::" not in result.output


# --- a .gitmodules declaring tens of thousands of submodules --------------------------------------------------------


def test_classifying_files_costs_no_comparison_per_declared_submodule(tmp_path):
    """Under its 1 MiB cap a .gitmodules declares 40,000 submodules; each file was compared with every one of them
    (here 10,000 submodules and 20,000 files: half a minute, in the main process, outside any budget)."""
    from whackachip_lint.vendored import VendoredTrees

    (tmp_path / ".gitmodules").write_text("".join(f'[s "{i}"]\npath=p{i}\n' for i in range(10_000)))
    trees = VendoredTrees(tmp_path)
    (result,) = workers.run([trees], lambda t: [t.classify(f"src/deep/f{i}.py") for i in range(20_000)]
                            + [t.classify("p9999/x/y.py"), t.classify("p999/y.py"), t.classify("p/y.py")],
                            lambda _t, why: why, jobs=1, timeout=5, memory_bytes=None)
    assert result[:20_000] == [None] * 20_000
    assert result[20_000:] == [("p9999", "git submodule (.gitmodules)"), ("p999", "git submodule (.gitmodules)"), None]


def test_add_noqa_never_writes_to_a_decoy_under_the_escaped_name(tmp_path, cli):
    """`--add-noqa` wrote the directive for `a<LF>b.py` into the file literally named `a\\nb.py`."""
    (tmp_path / "a\nb.py").write_text(BF16)
    (tmp_path / "a\\nb.py").write_text("x = 1\ny = 2\n")
    result = cli_in(tmp_path, cli, "--add-noqa", "--fail-level", "note", ".")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "a\\nb.py").read_text() == "x = 1\ny = 2\n"
    assert (tmp_path / "a\nb.py").read_text() == BF16
    assert "a\\nb.py:2: WAC101" in result.output  # left for a hand-written directive
