"""The progress bar: on a terminal for long scans only, silent otherwise (issue 14)."""

from __future__ import annotations

import io

from whackachip_lint.progress import MIN_FILES, ProgressBar


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_a_long_scan_on_a_terminal_shows_a_bar():
    stream, clock = Terminal(), Clock()
    bar = ProgressBar(stream, clock)
    bar(1, MIN_FILES)
    assert stream.getvalue() == ""  # not yet: the scan may be short
    clock.now = 5.0
    bar(1, MIN_FILES)
    bar.close()
    assert "Scanning" in stream.getvalue()


def test_silent_when_not_a_terminal_or_short():
    pipe, clock = io.StringIO(), Clock()
    bar = ProgressBar(pipe, clock)
    clock.now = 5.0
    bar(10, 10 * MIN_FILES)
    bar.close()
    assert pipe.getvalue() == ""
    terminal = Terminal()
    few = ProgressBar(terminal, clock)
    clock.now = 50.0
    few(1, MIN_FILES - 1)
    few.close()
    assert terminal.getvalue() == ""


def test_the_scan_reports_progress(tmp_path):
    from whackachip_lint.config import Settings
    from whackachip_lint.scan import scan

    for n in range(3):
        (tmp_path / f"f{n}.py").write_text("import torch\nx = torch.bfloat16\n")
    seen = []
    scan([tmp_path], Settings(use_cache=False, jobs=1), progress=lambda done, total: seen.append((done, total)))
    assert seen == [(1, 3)] * 3
