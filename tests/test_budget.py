"""A time and memory budget per file (issue 19): a file that hangs, bloats or crashes a parser costs one diagnostic.

Each hostile file is built here. Where the real parser misbehaves on it (libcst's native recursion on 10,000
chained `and`s, its recovery on `a/a/a/.../`), the test checks what the user sees: the rest of the scan goes on,
with one diagnostic at most for that file. Where a test needs a parser that certainly hangs, bloats or crashes,
an extractor that does so on purpose stands in (it runs in the worker like a real one).
"""

from __future__ import annotations

import os
import signal
import time

import pytest

from whackachip_lint import one_file, runner, workers
from whackachip_lint.config import Settings
from whackachip_lint.scan import scan

from .conftest import run_cli_in
from .hostile import BF16, messages_by_path
from .perf_fakes import fake_python, write_tree  # noqa: F401  (fixture)

pytestmark = pytest.mark.skipif(not workers.available(), reason="per-file budgets need fork")



def _hostile_extractor(monkeypatch, misbehave):
    """Python files named `bad*.py` run `misbehave()` in their extractor; the others are extracted normally."""
    real = one_file.extractors_for

    def extractors_for(kind):
        extractors = real(kind)
        if kind != "python":
            return extractors

        def extract(source):
            if source.relpath.rsplit("/", 1)[-1].startswith("bad"):
                misbehave()
            return [raw for e in extractors for raw in e(source)]

        return [extract]

    monkeypatch.setattr(one_file, "extractors_for", extractors_for)


def _crash():
    os.kill(os.getpid(), signal.SIGSEGV)


def test_a_parser_crash_costs_one_diagnostic_and_the_scan_goes_on(tmp_path, monkeypatch):
    (tmp_path / "bad.py").write_text(BF16)
    (tmp_path / "good.py").write_text(BF16)
    _hostile_extractor(monkeypatch, _crash)
    result = scan([tmp_path], Settings(use_cache=False, jobs=1))
    assert messages_by_path(result) == {"bad.py": ["the parser crashed on this file (SIGSEGV); not scanned"]}
    assert [f.path for f in result.findings] == ["good.py"]


def test_crashes_in_a_pool_never_abort_the_scan(tmp_path, fake_python, monkeypatch):
    """Several crashing files among many, two workers: each crash is one diagnostic; no BrokenProcessPool."""
    write_tree(tmp_path, runner.POOL_THRESHOLD + 8)
    for i in range(3):
        (tmp_path / f"bad{i}.py").write_text(BF16)
    _hostile_extractor(monkeypatch, _crash)
    pooled = scan([tmp_path], Settings(use_cache=False, jobs=2))
    serial = scan([tmp_path], Settings(use_cache=False, jobs=1))
    assert pooled.stats.workers == 2
    expected = {f"bad{i}.py": ["the parser crashed on this file (SIGSEGV); not scanned"] for i in range(3)}
    assert messages_by_path(pooled) == expected == messages_by_path(serial)
    assert [f.to_dict() for f in pooled.findings] == [f.to_dict() for f in serial.findings]
    assert len(pooled.findings) == len([i for i in range(runner.POOL_THRESHOLD + 8) if i % 3 == 0]) + len(
        [i for i in range(runner.POOL_THRESHOLD + 8) if i % 5 == 0])


def _short_wall_backstop(monkeypatch):
    """A sleeping file uses no CPU, so only the wall-clock backstop (WALL_FACTOR x the budget) stops it: 2 s instead
    of 10 keeps the local loop fast; what is checked (the diagnostic, the scan going on) is the same."""
    monkeypatch.setattr(workers, "WALL_FACTOR", 2)


def test_a_file_over_the_time_budget_is_stopped(tmp_path, monkeypatch):
    (tmp_path / "bad.py").write_text(BF16)
    (tmp_path / "good.py").write_text(BF16)
    _hostile_extractor(monkeypatch, lambda: time.sleep(120))
    _short_wall_backstop(monkeypatch)
    started = time.monotonic()
    result = scan([tmp_path], Settings(use_cache=False, jobs=1, file_timeout=1))
    assert time.monotonic() - started < 30
    assert messages_by_path(result) == {
        "bad.py": ["took longer than the 1 s per-file time budget; not scanned (raise it with --file-timeout)"]
    }
    assert [f.path for f in result.findings] == ["good.py"]


def test_a_file_over_the_cpu_budget_is_stopped_by_the_kernel(tmp_path, monkeypatch):
    """A busy loop: RLIMIT_CPU stops it (SIGXCPU) at about the budget, well before the wall-clock backstop."""
    def spin():
        while True:
            pass

    (tmp_path / "bad.py").write_text(BF16)
    (tmp_path / "good.py").write_text(BF16)
    _hostile_extractor(monkeypatch, spin)
    started = time.monotonic()
    result = scan([tmp_path], Settings(use_cache=False, jobs=1, file_timeout=1))
    assert time.monotonic() - started < 30
    assert messages_by_path(result) == {
        "bad.py": ["took longer than the 1 s per-file time budget; not scanned (raise it with --file-timeout)"]
    }
    assert [f.path for f in result.findings] == ["good.py"]


def test_a_file_over_the_memory_budget_is_a_diagnostic(tmp_path, monkeypatch):
    (tmp_path / "bad.py").write_text(BF16)
    (tmp_path / "good.py").write_text(BF16)
    _hostile_extractor(monkeypatch, lambda: bytearray(8 * 2**30))  # 8 GiB: over a 256 MiB budget
    result = scan([tmp_path], Settings(use_cache=False, jobs=1, file_memory_mb=256))
    assert messages_by_path(result) == {"bad.py": ["needs more memory than the per-file budget; not scanned"]}
    assert [f.path for f in result.findings] == ["good.py"]


def test_budget_failures_are_not_cached(tmp_path, monkeypatch):
    """A crash may depend on the machine: the next run tries the file again."""
    (tmp_path / "repo").mkdir()
    (tmp_path / "repo" / "bad.py").write_text(BF16)
    settings = Settings(cache_dir=str(tmp_path / "cache"), jobs=1)
    _hostile_extractor(monkeypatch, _crash)
    assert messages_by_path(scan([tmp_path / "repo"], settings)) == {
        "bad.py": ["the parser crashed on this file (SIGSEGV); not scanned"]}
    monkeypatch.undo()
    again = scan([tmp_path / "repo"], settings)
    assert again.stats.from_cache == 0 and again.diagnostics == [] and [f.rule for f in again.findings] == ["WAC101"]


def test_ten_thousand_chained_ands_do_not_stop_the_scan(tmp_path):
    """libcst's native parser overflows its stack on this (SIGSEGV, no output, before per-file budgets)."""
    (tmp_path / "and.py").write_text(BF16 + "y = " + " and ".join(["a"] * 10_000) + "\n")
    (tmp_path / "good.py").write_text(BF16)
    result = run_cli_in(tmp_path, "--no-cache", "--format", "json", ".")  # paths relative to the scanned directory
    assert result.exit_code == 0, result.output
    import json

    data = json.loads(result.output)
    assert [d["path"] for d in data["diagnostics"]] in ([], ["and.py"])
    assert "good.py" in {f["path"] for f in data["findings"]}


def test_a_pathological_syntax_error_costs_at_most_the_budget(tmp_path):
    """`a/a/a/.../` (a 100 KB syntax error) took libcst over 60 s."""
    (tmp_path / "div.py").write_text(BF16 + "y = " + "/".join(["a"] * 50_000) + "/\n")
    (tmp_path / "good.py").write_text(BF16)
    started = time.monotonic()
    result = scan([tmp_path], Settings(use_cache=False, jobs=1, file_timeout=3))
    assert time.monotonic() - started < 30
    assert list(messages_by_path(result)) == ["div.py"] and len(result.diagnostics) == 1
    assert "good.py" in {f.path for f in result.findings}


def test_cli_file_timeout_option_reaches_the_scan(tmp_path, monkeypatch):
    (tmp_path / "bad.py").write_text(BF16)
    _hostile_extractor(monkeypatch, lambda: time.sleep(120))
    _short_wall_backstop(monkeypatch)
    result = run_cli_in(tmp_path, "--no-cache", "--file-timeout", "1", ".")
    assert result.exit_code == 2  # the only file was not scanned
    assert "bad.py: warning: took longer than the 1 s per-file time budget" in result.output
