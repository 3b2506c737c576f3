"""Dead and live code, table-driven: which branch of a constant test runs, in Python and in shell.

Every row puts the same piece of evidence in each branch and checks the exact state each one gets:
`enabled` where the code runs, `dead` where it cannot, `conditional` where the file cannot tell.
The tables go through the scanner (not one extractor), so any Python or shell extractor behind it is held
to them.
"""

from __future__ import annotations

import textwrap

import pytest

from .conftest import finding_rows

E, C, X = "enabled", "conditional", "dead"


# -- Python ---------------------------------------------------------------------------------------------------------

PY_SETTING = 'os.environ["NCCL_IB_HCA"] = "mlx5_0"'


def python_states(code: str) -> list[tuple[int, str]]:
    """(line, state) of each NCCL_IB_HCA write in a Python snippet (`import os` is prepended as line 1)."""
    rows = finding_rows("import os\n" + textwrap.dedent(code), "python")
    return sorted((line, state) for rule, value, state, line in rows if rule == "WAC301")


# test expression -> (state of the `if` body, state of its `else`)
PY_CONDITIONS = [
    ("True", E, X),
    ("False", X, E),
    ("1", E, X),
    ("0", X, E),
    ("0x0", X, E),
    ("0.0", X, E),
    ("None", X, E),
    ('""', X, E),
    ('"yes"', E, X),
    ("not True", X, E),
    ("not False", E, X),
    ("not 0", E, X),
    ("(False)", X, E),
    ("False and flag", X, E),
    ("flag and False", X, E),
    ("True or flag", E, X),
    ("flag or 1", E, X),
    ("True and 1", E, X),
    ("False or 0", X, E),
    ("flag", C, C),
    ("not flag", C, C),
    ("flag and True", C, C),
    ("False or flag", C, C),
]


@pytest.mark.parametrize(("test", "body", "orelse"), PY_CONDITIONS)
def test_python_if_else_on_a_constant(test, body, orelse):
    code = f"if {test}:\n    {PY_SETTING}\nelse:\n    {PY_SETTING}\n"
    assert python_states(code) == [(3, body), (5, orelse)]


@pytest.mark.parametrize(("test", "body", "orelse"), PY_CONDITIONS)
def test_python_elif_after_a_constant(test, body, orelse):
    # An `elif` is the `else` of the `if` before it: it runs only where that `else` may run.
    code = f"if {test}:\n    {PY_SETTING}\nelif other:\n    {PY_SETTING}\n"
    elif_state = X if orelse == X else C
    assert python_states(code) == [(3, body), (5, elif_state)]


@pytest.mark.parametrize(("test", "body", "orelse"), PY_CONDITIONS)
def test_python_ternary_on_a_constant(test, body, orelse):
    code = f"import torch\nx = torch.zeros(1, dtype=torch.bfloat16 if {test} else torch.float16)\n"
    rows = finding_rows("import os\n" + code, "python")
    assert sorted((rule, state) for rule, value, state, line in rows) == [("WAC101", body), ("WAC102", orelse)]


@pytest.mark.parametrize(("test", "body", "orelse"), PY_CONDITIONS)
def test_python_ternary_value_on_a_constant(test, body, orelse):
    # The value reaches the call through the resolver: `backend=... if TEST else ...`.
    code = f'import torch.distributed as dist\ndist.init_process_group(backend="hccl" if {test} else "nccl")\n'
    rows = finding_rows(code, "python")
    assert sorted((value, state) for rule, value, state, line in rows if rule == "WAC201") == [
        ("hccl", body),
        ("nccl", orelse),
    ]


@pytest.mark.parametrize(
    ("test", "body"),
    [("False", X), ("0", X), ("not True", X), ('""', X), ("None", X), ("True", E), ("1", E)],
)
def test_python_while_on_a_constant(test, body):
    code = f"while {test}:\n    {PY_SETTING}\n    break\nelse:\n    {PY_SETTING}\n"
    assert python_states(code) == [(3, body), (6, E)]


def test_python_type_checking_block_is_dead():
    code = f"from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    {PY_SETTING}\nelse:\n    {PY_SETTING}\n"
    assert python_states(code) == [(4, X), (6, E)]


def test_python_main_guard_body_runs_and_its_else_may():
    code = f'if __name__ == "__main__":\n    {PY_SETTING}\nelse:\n    {PY_SETTING}\n'
    assert python_states(code) == [(3, E), (5, C)]


@pytest.mark.parametrize(
    ("outer", "inner", "state"),
    [("False", "flag", X), ("flag", "False", X), ("True", "True", E), ("flag", "True", C), ("True", "flag", C)],
)
def test_python_nested_branches(outer, inner, state):
    code = f"if {outer}:\n    if {inner}:\n        {PY_SETTING}\n"
    assert python_states(code) == [(4, state)]


@pytest.mark.parametrize(
    "stop",
    ["sys.exit(0)", "sys.exit()", "exit()", "quit()", "os._exit(1)", 'raise SystemExit("moved")', "raise ImportError"],
)
def test_python_code_after_a_module_level_exit_is_dead(stop):
    code = f"import sys\n{PY_SETTING}\n{stop}\n{PY_SETTING}\nif flag:\n    {PY_SETTING}\n"
    assert python_states(code) == [(3, E), (5, X), (7, X)]


@pytest.mark.parametrize(
    "guarded_stop",
    [
        "if flag:\n    sys.exit(0)",
        "def main():\n    sys.exit(0)",
        "try:\n    sys.exit(0)\nexcept SystemExit:\n    pass",
        'if __name__ == "__main__":\n    sys.exit(main())',
        "sys.exit",  # named, not called
    ],
)
def test_python_exit_that_may_not_run_leaves_the_rest_live(guarded_stop):
    code = f"import sys\n{guarded_stop}\n{PY_SETTING}\n"
    line = 4 + guarded_stop.count("\n")  # after `import os`, `import sys` and the stop
    assert python_states(code) == [(line, E)]
