"""Guard clauses: `if <hardware test>: return` makes the rest of its block run only when the test is false.

Each case scans a snippet and checks the state of every `torch.device(...)` finding (rule WAC204, by line).
A guard on the hardware makes what follows it `conditional`, as the `else` of that test would be; a guard on
anything else, a guard whose body does not leave the block, and a refusal (`raise`) leave it `enabled`.
"""

from __future__ import annotations

import textwrap

import pytest

from whackachip_lint.extract.python.gate import hot_lines
from whackachip_lint.vocab.devices import DEVICE_ALIASES, DEVICE_TYPES

from ...conftest import finding_rows

E, C = "enabled", "conditional"


def device_states(code: str) -> list[tuple[int, str]]:
    rows = finding_rows("import torch\n" + textwrap.dedent(code), "python")
    return sorted((line, state) for rule, value, state, line in rows if rule == "WAC204")


CASES = {
    "device type compared, in a function": ("""
        def helper(target):
            if target.device != "mps":
                return False
            torch.device("mps")
        """, [(6, C)]),
    "availability query negated": ("""
        def helper():
            if not torch.backends.mps.is_available():
                return None
            return torch.device("mps")
        """, [(6, C)]),
    "cuda availability": ("""
        def helper():
            if torch.cuda.is_available():
                return "cuda"
            return torch.device("xpu")
        """, [(6, C)]),
    "hasattr on a device module": ("""
        def helper():
            if not hasattr(torch, "xpu"):
                return
            torch.device("xpu")
        """, [(6, C)]),
    "device.type compared to a string, in a loop with continue": ("""
        for device in devices:
            if device.type == "cuda":
                continue
            torch.device("mps")
        torch.device("cuda")
        """, [(6, C), (7, E)]),
    "break in a loop": ("""
        while True:
            if torch.cuda.is_available():
                break
            torch.device("mps")
        """, [(6, C)]),
    "a TPU resolver called in the test": ("""
        from tensorflow.distribute.cluster_resolver import TPUClusterResolver
        def helper():
            if TPUClusterResolver() is None:
                return
            torch.device("xla")
        """, [(7, C)]),
    "guard on something else": ("""
        def helper(x):
            if x is None:
                return
            torch.device("mps")
        """, [(6, E)]),
    "guard whose body does not leave": ("""
        def helper(target):
            if target.device != "mps":
                print("not mps")
            torch.device("mps")
        """, [(6, E)]),
    "refusal keeps what follows required": ("""
        def helper():
            if not torch.cuda.is_available():
                raise RuntimeError("needs a GPU")
            torch.device("cuda")
        """, [(6, E)]),
    "guard with an else": ("""
        def helper(target):
            if target.device != "mps":
                return False
            else:
                torch.device("mps")
            torch.device("mps")
        """, [(7, C), (8, C)]),
    "nested guards": ("""
        def helper(target):
            torch.device("cuda")
            if target.device != "mps":
                return False
            if not torch.backends.mps.is_available():
                return False
            torch.device("mps")
        """, [(4, E), (9, C)]),
    "guard inside a hardware branch's body stays in its block": ("""
        def helper(target, x):
            if x:
                if target.device != "mps":
                    return False
                torch.device("mps")
            torch.device("cuda")
        """, [(7, C), (8, E)]),
}


@pytest.mark.parametrize("name", list(CASES))
def test_guard_clause(name):
    code, expected = CASES[name]
    assert device_states(code) == expected


def test_the_condition_says_the_guard_is_false():
    code = "import torch\ndef helper(target):\n    if target.device != 'mps':\n        return False\n    torch.device('mps')\n"
    from ...conftest import scan_snippet

    finding, = [f for f in scan_snippet(code, "python").findings if f.rule == "WAC204"]
    assert finding.properties["condition"] == "not (target.device != 'mps')"


# --- capability probes: `try: <use a device> except Exception: <fall back>` ----------------------------------------

PROBES = {
    "a probe that falls back with a constant": ("""
        def supports_bf16():
            try:
                torch.device("mps")
                return True
            except Exception:
                return False
        """, [(5, C)]),
    "a bare except that passes": ("""
        try:
            torch.device("xpu")
        except:
            pass
        """, [(4, C)]),
    "a handler that does work keeps the body in force": ("""
        try:
            torch.device("mps")
        except Exception:
            log("failed")
            raise
        """, [(4, E)]),
    "a narrow handler keeps the body in force": ("""
        try:
            torch.device("mps")
        except ValueError:
            pass
        """, [(4, E)]),
}


@pytest.mark.parametrize("case", PROBES)
def test_a_device_probe_with_a_fallback_is_conditional(case):
    code, expected = PROBES[case]
    assert device_states(code) == expected


@pytest.mark.parametrize("word", sorted(DEVICE_TYPES | set(DEVICE_ALIASES)))
def test_a_device_string_alone_on_its_line_is_hot(word):
    # The device probe walks only hot statements: a line holding a device string, in any case, must be one.
    for spelling in (word, word.upper(), f"{word.capitalize()}:1"):
        assert hot_lines(f"import torch\nok = probe('{spelling}')\n") == [2], spelling
