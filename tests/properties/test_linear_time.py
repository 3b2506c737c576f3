"""Every pattern issue 19 found super-linear now reads ~1 MB of hostile input in time linear in its size.

Each case builds its input at two sizes, 64 KB and 1 MB (16 times more). Linear code takes about 16 times as
long on the larger; the old code took 250 times as long or more (quadratic), over a minute at 1 MB. A case
passes when the 1 MB run takes under LINEAR_BOUND seconds, or under SLACK times the 64 KB run (a loaded
machine slows both alike; a case over both is measured once more and judged on the faster of each
size's two runs), so the check is a benchmark-style bound, not a flaky stopwatch. Runs go through a
worker with a time budget, so a regression fails in HARD_LIMIT seconds instead of hanging the suite.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from whackachip_lint import workers
from whackachip_lint.extract import Source, dockerfile, prose, requirements, yaml_config
from whackachip_lint.extract.yaml_config import _blank_directives

pytestmark = pytest.mark.skipif(not workers.available(), reason="bounded runs need fork")

SMALL, LARGE = 64 * 1024, 1024 * 1024
LINEAR_BOUND = 4.0
SLACK = 40  # 16x the input; quadratic code would take 256x the time
HARD_LIMIT = 60


def _timed(run, text: str) -> float:
    def work(payload: str) -> float:
        started = time.perf_counter()
        try:
            run(payload)
        except Exception:  # a parse error is a fine outcome here; only the time counts
            pass
        return time.perf_counter() - started

    (elapsed,) = workers.run([text], work, lambda _text, why: float("inf"), jobs=1, timeout=HARD_LIMIT,
                             memory_bytes=None)
    return elapsed


def _fill(unit: str, size: int, head: str = "", tail: str = "") -> str:
    return head + unit * ((size - len(head) - len(tail)) // len(unit)) + tail


def assert_linear(run, make) -> None:
    small, large = _timed(run, make(SMALL)), _timed(run, make(LARGE))
    if not (large < LINEAR_BOUND or large < SLACK * small):
        # Once more, the best of two: another job's burst on a shared two-core CI slowed one run past the bound
        # (it flaked). Quadratic code is 256x slower at 1 MB, so a second sample never lets it pass.
        small, large = min(small, _timed(run, make(SMALL))), min(large, _timed(run, make(LARGE)))
    assert large < LINEAR_BOUND or large < SLACK * small, f"1 MB took {large:.2f} s, 64 KB took {small:.3f} s"


def _source(kind: str, name: str, text: str) -> Source:
    return Source(Path(name), name, kind, text.encode("utf-8"))


def _docs(kind: str = "markdown"):
    return lambda text: list(prose.extract_lines(text.split("\n"), kind))


# name -> (reader, input of a given size)
CASES = {
    # The docs reader re-read the sentence before each hardware name (and sliced it): sparse names in one sentence.
    "docs: names in one long sentence": (_docs(), lambda n: _fill("word " * 100 + "A100 ", n, "We trained on ")),
    "docs: _SENTENCE_END on a run of dots": (_docs(), lambda n: _fill(".", n, "A100 ", "x")),
    "docs: many sentence ends": (_docs(), lambda n: _fill("e.g. ", n, "A100 ")),
    "docs: _MASK on unclosed <": (_docs(), lambda n: _fill("<", n, "A100 ")),
    "docs: _MASK on unclosed ](": (_docs(), lambda n: _fill("](", n, "A100 ")),
    "docs: _SMI_ROW without On/Off": (_docs("log"), lambda n: _fill("| 0 A100 ", n, "NVIDIA-SMI 535\n")),
    "docs: _SMI_LIST without (UUID:": (_docs("log"), lambda n: _fill("GPU 0: A100 ", n, "UUID ")),
    "docs: _DEVICE_REPORT on a run of spaces": (_docs("log"), lambda n: _fill(" ", n, "NVIDIA device", "x")),
    "docs: bare device name on a run of spaces": (
        lambda text: list(prose.find_smi(text.split("\n"), set(), bare=True)), lambda n: _fill(" ", n, "NVIDIA", "'x")),
    "docs: one paragraph of many lines": (_docs(), lambda n: _fill("trained on A100\n", n)),
    "yaml: _TEMPLATE on unclosed {{": (
        lambda text: list(yaml_config.extract(_source("yaml", "values.yaml", text))), lambda n: _fill("{{", n, "a: ")),
    "yaml: _TEMPLATE on a closed directive after unclosed {%": (
        _blank_directives, lambda n: _fill("{{x}}", n, "", "{%")),
    "dockerfile: _COMMAND_START on a run of |": (
        lambda text: dockerfile.extract(_source("dockerfile", "Dockerfile", text)), lambda n: _fill("|", n, "RUN ")),
    "dockerfile: NAME= prefixes without spaces": (
        lambda text: dockerfile.extract(_source("dockerfile", "Dockerfile", text)),
        lambda n: _fill("&&A=", n, "RUN x ")),
    "dockerfile: many assignments in one RUN": (
        lambda text: dockerfile.extract(_source("dockerfile", "Dockerfile", text)), lambda n: _fill("A=1 ", n, "RUN ")),
    # A new line starts a command in a heredoc, and the blanks after a start ran over the lines after it (5
    # December sweep, before commands were read once each): 64 KB of either took about a minute.
    "dockerfile: a heredoc of blank lines": (
        lambda text: dockerfile.extract(_source("dockerfile", "Dockerfile", text)),
        lambda n: _fill(" " * 15 + "\n", n, "RUN <<EOF\n", "EOF\n")),
    "dockerfile: a heredoc of assignments": (
        lambda text: dockerfile.extract(_source("dockerfile", "Dockerfile", text)),
        lambda n: _fill("A=1" + " " * 12 + "\n", n, "RUN <<EOF\n", "EOF\n")),
    # Each `do` started a command whose words ran to the end of the line (no operator ends it): read once each.
    "dockerfile: pip installs after `do` without an operator": (
        lambda text: dockerfile.extract(_source("dockerfile", "Dockerfile", text)),
        lambda n: _fill("do pip install ", n, "RUN ")),
    "docs: a fence line on every line": (_docs(), lambda n: _fill("```\nA100\n", n)),
    "docs: HTML comments never closed": (_docs(), lambda n: _fill("<!--\nA100\n", n)),
    "requirements: _TRAILING_OPTIONS on continued lines": (
        lambda text: requirements.extract(_source("requirements", "requirements.txt", text)),
        lambda n: _fill(" \\\n", n, "torch==2.1", "x")),
    "requirements: _TRAILING_OPTIONS on a run of spaces": (
        lambda text: requirements.extract(_source("requirements", "requirements.txt", text)),
        lambda n: _fill(" ", n, "torch==2.1", "x")),
}


# The cases that take 2-4 s on a quiet two-core machine (measured with --durations): slow, so the local loop skips
# them (docs/testing.md); CI runs every case.
SLOW_CASES = frozenset({
    "docs: _SMI_ROW without On/Off", "docs: one paragraph of many lines", "docs: _SMI_LIST without (UUID:",
    "dockerfile: many assignments in one RUN", "dockerfile: NAME= prefixes without spaces",
})


@pytest.mark.parametrize(
    "case", [pytest.param(c, marks=pytest.mark.slow) if c in SLOW_CASES else c for c in sorted(CASES)]
)
def test_reads_hostile_input_in_linear_time(case):
    run, make = CASES[case]
    assert len(make(LARGE)) > 0.99 * LARGE
    assert_linear(run, make)


def test_every_slow_case_exists():
    assert SLOW_CASES <= set(CASES)


def test_blank_directives_is_the_pattern_it_replaces():
    """The linear scanner gives exactly what `re.sub(r"\\{\\{.*?\\}\\}|\\{%.*?%\\}", ...)` gave."""
    import random
    import re

    pattern = re.compile(r"\{\{.*?\}\}|\{%.*?%\}")
    rng = random.Random(19)
    for _ in range(5000):
        line = "".join(rng.choice(["{{", "}}", "{%", "%}", "{", "}", "%", "a", " "]) for _ in range(rng.randint(0, 14)))
        assert _blank_directives(line) == pattern.sub(lambda m: "x" * len(m.group(0)), line), line
