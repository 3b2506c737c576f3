"""The process pool: same results in the same order as one process; no pool for a handful of files."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

from whackachip_lint import runner
from whackachip_lint.config import default_jobs
from whackachip_lint.config import Settings
from whackachip_lint.scan import scan

from .perf_fakes import fake_python, write_tree  # noqa: F401  (fixture)


def view(result):
    return [f.to_dict() for f in result.findings], [d.to_dict() for d in result.diagnostics]


def test_a_pool_gives_exactly_the_single_process_results(tmp_path, fake_python):
    write_tree(tmp_path, runner.POOL_THRESHOLD + 9)
    (tmp_path / "broken.py").write_text("def f(:\n", encoding="utf-8")
    (tmp_path / "bytes.py").write_bytes(b"x = '\xff'\n")
    serial = scan([tmp_path], Settings(jobs=1, use_cache=False))
    pooled = scan([tmp_path], Settings(jobs=2, use_cache=False))
    assert serial.stats.workers == 1 and pooled.stats.workers == 2
    assert view(pooled) == view(serial)
    assert len(serial.findings) > runner.POOL_THRESHOLD // 3 and len(serial.diagnostics) == 2
    assert [f.sort_key() for f in pooled.findings] == sorted(f.sort_key() for f in pooled.findings)


def test_pool_results_fill_the_cache_like_a_serial_run(tmp_path, fake_python):
    tree = tmp_path / "repo"
    write_tree(tree, runner.POOL_THRESHOLD + 1)
    settings = Settings(jobs=2, cache_dir=str(tmp_path / "cache"))
    cold = scan([tree], settings)
    warm = scan([tree], settings)
    assert cold.stats.workers == 2 and warm.stats.from_cache == runner.POOL_THRESHOLD + 1
    assert view(warm) == view(cold)


def test_a_handful_of_files_never_starts_a_pool(tmp_path, fake_python, monkeypatch):
    write_tree(tmp_path, runner.POOL_THRESHOLD - 1)

    def no_pool(*args, **kwargs):
        raise AssertionError("a pool was started for a small run")

    monkeypatch.setattr(runner, "_run_pool", no_pool)
    result = scan([tmp_path], Settings(jobs=4, use_cache=False))
    assert result.stats.workers == 1 and result.findings


def test_one_job_never_starts_a_pool(tmp_path, fake_python, monkeypatch):
    write_tree(tmp_path, runner.POOL_THRESHOLD + 1)
    monkeypatch.setattr(runner, "_run_pool", lambda *a, **k: pytest.fail("pool started with --jobs 1"))
    assert scan([tmp_path], Settings(jobs=1, use_cache=False)).stats.workers == 1


def test_default_jobs_is_the_usable_cores():
    assert default_jobs() >= 1


def test_cli_jobs_option_reaches_the_scan(tmp_path, fake_python, cli):
    write_tree(tmp_path, runner.POOL_THRESHOLD + 1)
    one = cli("--format", "json", "--no-cache", "--jobs", "1", str(tmp_path))
    two = cli("--format", "json", "--no-cache", "--jobs", "2", str(tmp_path))
    assert one.output == two.output and one.exit_code == two.exit_code


# --- lazy imports: what a small run does not use, it does not import ------------------------------

HEAVY = ("libcst", "tree_sitter", "tree_sitter_bash", "multiprocessing", "concurrent.futures")


def _modules_after(code: str) -> set[str]:
    script = textwrap.dedent(
        """
        import sys
        try:
            {code}
        except SystemExit:
            pass
        print("\\n".join(sorted(sys.modules)))
        """
    ).format(code=textwrap.indent(textwrap.dedent(code), "    ").strip())
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True).stdout
    return set(out.split())


def test_version_imports_no_parser_and_no_pool():
    modules = _modules_after(
        "from whackachip_lint.cli import main\nmain(['--version'])"
    )
    assert not [m for m in HEAVY if m in modules]
    assert "whackachip_lint.scan" not in modules and "pathspec" not in modules


def test_a_small_shell_and_json_run_does_not_import_libcst_or_a_pool(tmp_path):
    (tmp_path / "run.sh").write_text("echo hello\n", encoding="utf-8")
    (tmp_path / "cfg.json").write_text('{"a": 1}\n', encoding="utf-8")
    modules = _modules_after(
        f"""
        from whackachip_lint.cli import main
        main(['--no-cache', {str(tmp_path / 'run.sh')!r}, {str(tmp_path / 'cfg.json')!r}])
        """
    )
    assert "libcst" not in modules
    assert "multiprocessing" not in modules and "concurrent.futures" not in modules


def test_a_small_python_run_imports_no_parser_library_and_no_pool(tmp_path):
    # The pre-commit case: a few changed Python files need CPython's `ast` and nothing heavier.
    for index in range(3):
        (tmp_path / f"m{index}.py").write_text("import torch\nx = torch.zeros(1, dtype=torch.bfloat16)\n")
    modules = _modules_after(
        f"""
        from whackachip_lint.cli import main
        main(['--no-cache', {str(tmp_path)!r}])
        """
    )
    assert "whackachip_lint.extract.python" in modules
    assert not [m for m in HEAVY if m in modules]
    assert "libcst" not in modules and "yaml" not in modules and "packaging" not in modules


def test_a_scan_imports_neither_the_monitoring_commands_nor_secrets(tmp_path):
    (tmp_path / "train.py").write_text("import torch\nx = torch.zeros(1, dtype=torch.bfloat16)\n", encoding="utf-8")
    modules = _modules_after(
        f"""
        from whackachip_lint.cli import main
        main(['--cache-dir', {str(tmp_path.parent / 'cache')!r}, '-o', {str(tmp_path.parent / 'out.json')!r},
              '--format', 'json', {str(tmp_path)!r}])
        """
    )
    assert "whackachip_lint.scan" in modules  # it did scan
    assert "whackachip_lint.fleet.commands" not in modules and "secrets" not in modules


def test_the_monitoring_commands_load_when_named(tmp_path):
    from click.testing import CliRunner

    from whackachip_lint.cli import main

    runner = CliRunner()
    listed = runner.invoke(main, ["--help"])
    assert listed.exit_code == 0 and "history" in listed.output and "fleet" in listed.output
    for name in ("history", "fleet"):
        shown = runner.invoke(main, [name, "--help"])
        assert shown.exit_code == 0, shown.output
        assert f"Usage: main {name}" in shown.output or f"Usage: wac-lint {name}" in shown.output, shown.output
